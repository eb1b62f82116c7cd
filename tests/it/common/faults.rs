//! The fault-injecting proxy (`tools/emulator/faults.py`) between the provider and an emulator.
//!
//! `FaultProxy::start(&emulator, rate, seed)` runs the proxy on a free loopback port with its
//! stdin piped (it exits when the pipe closes, so it never outlives the test) and waits for its
//! `READY <url>` line. Point the provider at [`FaultProxy::endpoint`]; query the emulator
//! itself (not the proxy) for inventories, so the checks are never faulted.
//! [`FaultProxy::deny`] makes it refuse chosen services or operations with AWS's
//! authorization failure (AccessDenied), whatever the fault rate.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::emulator::{parse_http_response, repo_root, venv_python, Emulator};

/// How long the proxy may take to print READY.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// Every fault kind the proxy knows.
pub const ALL_KINDS: &[&str] = &["throttle", "500", "503", "slow", "drop"];

/// What the proxy has seen so far (`GET /_faults/stats`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultStats {
    pub requests: u64,
    pub faults: u64,
    /// Requests answered with an authorization failure ([`FaultProxy::deny`]).
    pub denied: u64,
    /// Denied requests by `service:Operation` (e.g. `iam:GenerateCredentialReport`).
    pub denied_by_operation: std::collections::BTreeMap<String, u64>,
    pub by_kind: serde_json::Map<String, serde_json::Value>,
    /// Proxied requests by AWS operation (e.g. `GetAccountAuthorizationDetails`).
    pub by_operation: std::collections::BTreeMap<String, u64>,
}

impl FaultStats {
    /// True when some request of `service` (its signing name, e.g. `lex`) was denied.
    pub fn denied_service(&self, service: &str) -> bool {
        let prefix = format!("{service}:");
        self.denied_by_operation
            .keys()
            .any(|k| k.starts_with(&prefix))
    }

    /// Requests made of `operation` so far.
    pub fn calls(&self, operation: &str) -> u64 {
        self.by_operation.get(operation).copied().unwrap_or(0)
    }
}

/// A running proxy. Dropping it kills the process.
pub struct FaultProxy {
    child: Child,
    _stdin: Option<ChildStdin>,
    endpoint: String,
    port: u16,
}

impl FaultProxy {
    /// Starts the proxy in front of `emulator`, faulting `rate` (0.0–1.0) of the requests,
    /// choosing faults with a random generator seeded by `seed` (runs are reproducible).
    pub fn start(emulator: &Emulator, rate: f64, seed: u64) -> FaultProxy {
        let python = venv_python();
        assert!(
            python.exists(),
            "the Python venv is missing ({}); run `scripts/ensure-venv.sh` (or `make venv`)",
            python.display()
        );
        let script = repo_root().join("tools/emulator/faults.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .args(["--upstream", emulator.endpoint(), "--port", "0"])
            .args(["--rate", &rate.to_string(), "--seed", &seed.to_string()])
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", script.display()));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("proxy stdout is piped");
        let (tx, rx) = mpsc::channel::<String>();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            for line in lines.by_ref().map_while(Result::ok) {
                if line.starts_with("READY ") {
                    let _ = tx.send(line);
                    break;
                }
            }
            for _ in lines {}
        });
        let Ok(ready) = rx.recv_timeout(START_TIMEOUT) else {
            let _ = child.kill();
            let status = child.wait().ok();
            panic!(
                "the fault proxy did not print READY within {START_TIMEOUT:?} (exit: {status:?})"
            );
        };
        let endpoint = ready["READY ".len()..].trim().to_string();
        let port = endpoint
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unparsable READY line from the proxy: {ready:?}"));
        FaultProxy {
            child,
            _stdin: stdin,
            endpoint,
            port,
        }
    }

    /// `http://127.0.0.1:PORT`: give this to the provider as its AWS endpoint.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Changes the fault rate and the kinds drawn from (`ALL_KINDS` or a subset).
    pub fn configure(&self, rate: f64, kinds: &[&str]) {
        let body = serde_json::json!({ "rate": rate, "kinds": kinds }).to_string();
        let (status, reply) = self.http("POST", "/_faults/config", &body);
        assert_eq!(status, 200, "configuring the fault proxy: {reply}");
    }

    /// Turns faults off (requests are still counted; denials stay as set).
    pub fn off(&self) {
        self.configure(0.0, ALL_KINDS);
    }

    /// Refuses, from now on, every request matching one of `entries` with AWS's authorization
    /// failure for its protocol (403 `AccessDenied` / `AccessDeniedException`), whatever the
    /// fault rate. An entry is a SigV4 signing service (`mobiletargeting`, `lex`, `iam`,
    /// `apigateway`, `cloudtrail`, …) or `service:Operation` with the operation as the proxy
    /// names it (`iam:GenerateCredentialReport`, `apigateway:GET /v2/apis`; shell wildcards
    /// allowed). Replaces any earlier list; `&[]` denies nothing.
    pub fn deny(&self, entries: &[&str]) {
        let body = serde_json::json!({ "deny": entries }).to_string();
        let (status, reply) = self.http("POST", "/_faults/config", &body);
        assert_eq!(status, 200, "setting the fault proxy's denials: {reply}");
    }

    /// Requests seen and faults injected so far.
    pub fn stats(&self) -> FaultStats {
        let (status, body) = self.http("GET", "/_faults/stats", "");
        assert_eq!(status, 200, "reading the fault proxy's stats: {body}");
        let v: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("fault proxy stats are not JSON ({e}): {body}"));
        FaultStats {
            requests: v["requests"].as_u64().unwrap_or(0),
            faults: v["faults"].as_u64().unwrap_or(0),
            denied: v["denied"].as_u64().unwrap_or(0),
            denied_by_operation: counts(&v["denied_by_operation"]),
            by_kind: v["by_kind"].as_object().cloned().unwrap_or_default(),
            by_operation: counts(&v["by_operation"]),
        }
    }

    fn http(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        let addr = format!("127.0.0.1:{}", self.port);
        let mut stream = TcpStream::connect(&addr)
            .unwrap_or_else(|e| panic!("connecting to the fault proxy at {addr}: {e}"));
        stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream
            .write_all(request.as_bytes())
            .unwrap_or_else(|e| panic!("sending {method} {path} to the fault proxy: {e}"));
        let mut raw = Vec::new();
        // The proxy keeps HTTP/1.1 connections open: read until the declared body is complete.
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => raw.extend_from_slice(&buf[..n]),
                Err(e) => panic!("reading the fault proxy's reply to {method} {path}: {e}"),
            }
            if complete(&raw) {
                break;
            }
        }
        parse_http_response(&raw).unwrap_or_else(|| {
            panic!(
                "malformed reply from the fault proxy: {:?}",
                String::from_utf8_lossy(&raw)
            )
        })
    }
}

/// A JSON object of counts as a sorted map (missing or malformed: empty).
fn counts(v: &serde_json::Value) -> std::collections::BTreeMap<String, u64> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, n)| (k.clone(), n.as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default()
}

/// True once `raw` holds the headers and `Content-Length` bytes of body.
fn complete(raw: &[u8]) -> bool {
    let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    raw.len() >= split + 4 + length
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
