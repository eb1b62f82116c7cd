//! The local AWS emulator for integration tests.
//!
//! `Emulator::start()` runs `.venv/bin/python tools/emulator/launcher.py --port 0` (moto 5.2.5
//! plus the project's extensions, see the launcher's docstring), waits for its `READY <url>`
//! line and kills it on drop. Its stderr goes to `target/emulator-logs/<test name>.log`.
//! The venv comes from `scripts/ensure-venv.sh`.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// How long the launcher may take to print READY.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Timeout of one control-plane HTTP call (reset, set_root).
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The account every emulator call lands in unless a test assumes a role elsewhere.
#[allow(dead_code)] // used by benches/live/organization.rs (no test needs it)
pub const ACCOUNT_ID: &str = "123456789012";
pub const REGION: &str = "us-east-1";

/// Root-user state the emulator reports (moto alone has none).
/// The default is a secure root: hardware MFA on, no access keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RootState {
    /// `GetAccountSummary.AccountMFAEnabled` and the report's `mfa_active`.
    pub mfa_enabled: bool,
    /// Active root access keys, 0..=2: the report's `access_key_N_active`;
    /// `AccountAccessKeysPresent` is 1 when this is > 0.
    pub access_keys_present: u8,
    /// Root's MFA is the virtual device `arn:aws:iam::<account>:mfa/root-account-mfa-device`
    /// (listed by `ListVirtualMFADevices`); only meaningful with `mfa_enabled`.
    pub virtual_mfa: bool,
}

impl Default for RootState {
    fn default() -> Self {
        RootState {
            mfa_enabled: true,
            access_keys_present: 0,
            virtual_mfa: false,
        }
    }
}

impl RootState {
    /// The insecure root of a neglected account: no MFA, one access key.
    pub fn insecure() -> Self {
        RootState {
            mfa_enabled: false,
            access_keys_present: 1,
            virtual_mfa: false,
        }
    }
}

/// A running emulator. Dropping it kills the process.
pub struct Emulator {
    child: Child,
    /// Held open: the launcher runs with `--exit-with-stdin`, so it also dies with this process.
    _stdin: Option<ChildStdin>,
    endpoint: String,
    port: u16,
    log_path: PathBuf,
}

/// The repository root (the provider crate's manifest directory).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The venv's python, as `scripts/ensure-venv.sh` creates it.
pub fn venv_python() -> PathBuf {
    repo_root().join(".venv/bin/python")
}

/// The cargo target directory this test binary was built into (`…/target/<profile>/deps/x`),
/// so logs land beside the build whatever `CARGO_TARGET_DIR` is.
pub fn target_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .filter(|p| p.is_dir())
        .unwrap_or_else(|| repo_root().join("target"))
}

fn unique_log_name(base: &str) -> String {
    static USED: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let mut used = USED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let clean: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut name = clean.clone();
    let mut n = 2;
    while !used.insert(name.clone()) {
        name = format!("{clean}-{n}");
        n += 1;
    }
    name
}

impl Emulator {
    /// Starts an emulator named after the current test (its thread name).
    pub fn start() -> Emulator {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("emulator").replace("::", "-");
        Emulator::start_named(&name)
    }

    /// Starts an emulator whose log is `target/emulator-logs/<name>.log`.
    pub fn start_named(name: &str) -> Emulator {
        let python = venv_python();
        if !python.exists() {
            panic!(
                "the emulator's Python venv is missing ({}).\n\
                 Create it with `scripts/ensure-venv.sh` (or `make venv`), then re-run the tests.",
                python.display()
            );
        }
        let launcher = repo_root().join("tools/emulator/launcher.py");
        let log_dir = target_dir().join("emulator-logs");
        fs::create_dir_all(&log_dir)
            .unwrap_or_else(|e| panic!("creating {}: {e}", log_dir.display()));
        let name = unique_log_name(name);
        let log_path = log_dir.join(format!("{name}.log"));
        let log = File::create(&log_path)
            .unwrap_or_else(|e| panic!("creating {}: {e}", log_path.display()));

        let mut child = Command::new(&python)
            .arg(&launcher)
            .args(["--port", "0", "--host", "127.0.0.1", "--exit-with-stdin"])
            .current_dir(repo_root())
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "starting the emulator ({} {}): {e}\n\
                     Is the venv complete? Re-run `scripts/ensure-venv.sh` (or `make venv`).",
                    python.display(),
                    launcher.display()
                )
            });
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("launcher stdout is piped");

        // Read stdout on a thread so the wait can time out; keep draining it afterwards.
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

        let ready = match rx.recv_timeout(START_TIMEOUT) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let status = child.wait().ok();
                let tail = log_tail(&log_path, 40);
                panic!(
                    "the emulator did not print READY within {START_TIMEOUT:?} (exit: {status:?}).\n\
                     Log: {}\n--- last lines ---\n{tail}\n---\n\
                     If moto is missing or broken, run `scripts/ensure-venv.sh` (or `make venv`).",
                    log_path.display()
                );
            }
        };
        let endpoint = ready["READY ".len()..].trim().to_string();
        let port = endpoint
            .rsplit(':')
            .next()
            .and_then(|p| p.parse::<u16>().ok())
            .unwrap_or_else(|| panic!("unparsable READY line from the emulator: {ready:?}"));
        Emulator {
            child,
            _stdin: stdin,
            endpoint,
            port,
            log_path,
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// Environment for any AWS client (SDK, boto3, Terraform + provider) aimed at this emulator,
    /// isolated from the machine's own AWS configuration.
    pub fn aws_env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_REGION", REGION.into()),
            ("AWS_DEFAULT_REGION", REGION.into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
            ("AWS_CONFIG_FILE", "/dev/null".into()),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".into()),
        ]
    }

    /// Variables removed from child environments so the machine's AWS setup cannot leak in.
    pub fn aws_env_removed() -> &'static [&'static str] {
        &[
            "AWS_PROFILE",
            "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN",
            "AWS_ROLE_ARN",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        ]
    }

    /// Clears all state (moto's and the launcher extensions', root back to secure).
    pub fn reset(&self) {
        let (status, body) = self.post_json("/moto-api/reset", "{}");
        assert!(
            status == 200,
            "emulator reset failed: HTTP {status}: {body}"
        );
    }

    /// Sets the root user's state (see [`RootState`]).
    pub fn set_root(&self, root: RootState) {
        let body = serde_json::json!({
            "mfa_enabled": root.mfa_enabled,
            "access_keys_present": root.access_keys_present,
            "virtual_mfa": root.virtual_mfa,
        })
        .to_string();
        let (status, resp) = self.post_json("/_secbaseline/root", &body);
        assert!(
            status == 200,
            "setting root state failed: HTTP {status}: {resp}"
        );
    }

    /// Runs a Python snippet with boto3 aimed at the emulator; `import boto3, json` is done for
    /// it. Returns its stdout; panics with its stderr if it fails.
    pub fn python(&self, script: &str) -> String {
        let mut cmd = Command::new(venv_python());
        cmd.arg("-")
            .current_dir(repo_root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for var in Emulator::aws_env_removed() {
            cmd.env_remove(var);
        }
        cmd.envs(self.aws_env());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("starting python: {e}"));
        let full = format!("import boto3, json\n{script}\n");
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(full.as_bytes())
            .expect("writing the script to python");
        let out = child.wait_with_output().expect("waiting for python");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            panic!(
                "python snippet failed ({}):\n--- script ---\n{script}\n--- stderr ---\n{}\n--- stdout ---\n{stdout}\n(emulator log: {})",
                out.status,
                String::from_utf8_lossy(&out.stderr),
                self.log_path.display()
            );
        }
        stdout
    }

    /// [`Emulator::python`], parsing the snippet's last stdout line as JSON
    /// (end the snippet with `print(json.dumps(...))`).
    pub fn python_json(&self, script: &str) -> serde_json::Value {
        let out = self.python(script);
        let last = out
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        serde_json::from_str(last)
            .unwrap_or_else(|e| panic!("python snippet printed no JSON last line ({e}):\n{out}"))
    }

    /// POSTs a JSON body to the emulator; returns (status, body). Plain std TCP, HTTP/1.1.
    pub fn post_json(&self, path: &str, body: &str) -> (u16, String) {
        self.http("POST", path, Some(body))
    }

    /// GETs a path from the emulator; returns (status, body).
    pub fn get(&self, path: &str) -> (u16, String) {
        self.http("GET", path, None)
    }

    fn http(&self, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
        let addr = format!("127.0.0.1:{}", self.port);
        let mut stream = TcpStream::connect(&addr)
            .unwrap_or_else(|e| panic!("connecting to the emulator at {addr}: {e}"));
        stream.set_read_timeout(Some(HTTP_TIMEOUT)).ok();
        stream.set_write_timeout(Some(HTTP_TIMEOUT)).ok();
        let body = body.unwrap_or("");
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream
            .write_all(request.as_bytes())
            .unwrap_or_else(|e| panic!("sending {method} {path} to the emulator: {e}"));
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .unwrap_or_else(|e| panic!("reading the reply to {method} {path}: {e}"));
        parse_http_response(&raw).unwrap_or_else(|| {
            panic!(
                "malformed HTTP reply to {method} {path}: {:?}",
                String::from_utf8_lossy(&raw)
            )
        })
    }
}

/// (status, body) of a complete HTTP/1.1 response; handles Content-Length and chunked bodies.
pub fn parse_http_response(raw: &[u8]) -> Option<(u16, String)> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut body = raw[split + 4..].to_vec();
    let status = head
        .lines()
        .next()?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let eol = rest.windows(2).position(|w| w == b"\r\n")?;
            let size_str = std::str::from_utf8(&rest[..eol]).ok()?;
            let size = usize::from_str_radix(size_str.split(';').next()?.trim(), 16).ok()?;
            rest = &rest[eol + 2..];
            if size == 0 {
                break;
            }
            out.extend_from_slice(rest.get(..size)?);
            rest = rest.get(size + 2..)?;
        }
        body = out;
    }
    Some((status, String::from_utf8_lossy(&body).into_owned()))
}

fn log_tail(path: &Path, lines: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
