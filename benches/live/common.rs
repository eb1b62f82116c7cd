//! What the live-assessment sections (`assessment`, `iam`) share: seeding, the call-counting proxy, one measured provider run and one measured Prowler run.
//!
//! Both tools reach the emulator only through `tools/emulator/faults.py` at fault rate 0, which
//! forwards every request and counts it (`GET /_faults/stats`): the AWS call figures of the
//! provider and of Prowler are counted by the same code, at the same place.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::emulator::{self, Emulator};
use crate::faults::FaultProxy;
use crate::plugin_client::{
    data_source_config, decode, describe, errors, provider_config, Launch, Plugin,
};
use terraform_provider_secbaseline::proto::plugin::Empty;
use terraform_provider_secbaseline::proto::tfplugin6 as pb;
use terraform_provider_secbaseline::value::Value;

/// Measured provider runs per figure (fresh process each: cold cache); the median is printed.
pub const PROVIDER_RUNS: usize = 5;

/// How to get Prowler when it is missing (printed instead of a ratio).
pub const PROWLER_INSTALL: &str =
    "python3 -m venv /tmp/prowler-venv && /tmp/prowler-venv/bin/pip install prowler";

/// Runs a seed script (`benches/seeds/*.py`) against the emulator with `constants` defined
/// before it; returns the JSON its last line prints.
pub fn seed(emu: &Emulator, constants: &[(&str, String)], script: &str) -> serde_json::Value {
    let prelude: String = constants
        .iter()
        .map(|(name, value)| format!("{name} = {value}\n"))
        .collect();
    emu.python_json(&format!("{prelude}{script}"))
}

// ---------------------------------------------------------------------------------------------
// The counting proxy
// ---------------------------------------------------------------------------------------------

/// `faults.py` at rate 0 in front of the emulator (the tests' [`FaultProxy`]): forwards
/// everything and counts requests.
pub struct CountingProxy(FaultProxy);

impl CountingProxy {
    pub fn start(emu: &Emulator) -> CountingProxy {
        CountingProxy(FaultProxy::start(emu, 0.0, 1))
    }

    /// `http://127.0.0.1:PORT`: what `AWS_ENDPOINT_URL` points at.
    pub fn endpoint(&self) -> &str {
        self.0.endpoint()
    }

    /// Requests forwarded so far.
    pub fn requests(&self) -> u64 {
        self.0.stats().requests
    }
}

// ---------------------------------------------------------------------------------------------
// Memory
// ---------------------------------------------------------------------------------------------

/// A `kB` field (`VmHWM`, `VmRSS`) of `/proc/<pid>/status`, in KiB.
pub fn proc_status_kib(pid: u32, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// `pid` and all its descendants, from `/proc/*/stat`.
pub fn process_tree(root: u32) -> Vec<u32> {
    let mut parent_of: Vec<(u32, u32)> = Vec::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse().ok());
            if let Some(ppid) = ppid {
                parent_of.push((pid, ppid));
            }
        }
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let p = tree[i];
        tree.extend(parent_of.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    tree
}

/// A process's proportional set size (`Pss` of `/proc/<pid>/smaps_rollup`), in KiB: its
/// resident memory with pages shared between processes divided among them, so a tree's sum
/// does not count a shared page twice.
fn pss_kib(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("Pss:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Waits for `child`, sampling its process tree's memory every 20 ms. Returns its status and
/// the peak: the larger of the root's own `VmHWM` and the largest summed `Pss` of the tree.
fn wait_measuring(child: &mut Child, timeout: Duration) -> (Option<ExitStatus>, u64) {
    let pid = child.id();
    let deadline = Instant::now() + timeout;
    let mut peak = 0u64;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return (Some(status), peak);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return (None, peak);
        }
        let tree: u64 = process_tree(pid).into_iter().filter_map(pss_kib).sum();
        let own = proc_status_kib(pid, "VmHWM").unwrap_or(0);
        peak = peak.max(tree).max(own);
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---------------------------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------------------------

/// What one tool's run cost.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    pub wall: Duration,
    pub peak_kib: u64,
    pub calls: u64,
}

impl Cost {
    pub fn line(&self) -> String {
        format!(
            "wall {:>9.3} s   peak memory {:>7.1} MiB   AWS calls {:>6}",
            self.wall.as_secs_f64(),
            self.peak_kib as f64 / 1024.0,
            self.calls
        )
    }
}

/// The median of each figure over several runs.
pub fn median_cost(runs: &[Cost]) -> Cost {
    fn mid<T: Ord + Copy>(mut v: Vec<T>) -> T {
        v.sort();
        v[v.len() / 2]
    }
    Cost {
        wall: mid(runs.iter().map(|r| r.wall).collect()),
        peak_kib: mid(runs.iter().map(|r| r.peak_kib).collect()),
        calls: mid(runs.iter().map(|r| r.calls).collect()),
    }
}

/// Prints `ours` against `prowler` and returns the wall-time ratio.
pub fn print_ratios(ours: &Cost, prowler: &Cost) -> f64 {
    let faster = prowler.wall.as_secs_f64() / ours.wall.as_secs_f64().max(1e-9);
    let memory = prowler.peak_kib as f64 / (ours.peak_kib.max(1)) as f64;
    let calls = prowler.calls as f64 / (ours.calls.max(1)) as f64;
    println!(
        "  ratio: {faster:.1}x faster, {memory:.1}x less peak memory, {calls:.1}x fewer AWS calls ({} vs {})",
        ours.calls, prowler.calls
    );
    faster
}

// ---------------------------------------------------------------------------------------------
// The provider
// ---------------------------------------------------------------------------------------------

/// One measured provider run: its cost and the findings it returned.
pub struct ProviderRun {
    pub cost: Cost,
    pub findings: Vec<Value>,
}

async fn stop(plugin: Plugin) {
    if let Ok(mut c) = plugin.controller().await {
        let _ = c.shutdown(Empty {}).await;
    }
    plugin.finish(Duration::from_secs(5));
}

/// Starts a fresh provider (as Terraform does: mTLS), aims it at `proxy`, and reads
/// `secbaseline_assessment` for `services`. Wall time runs from ConfigureProvider to the
/// findings; peak memory is the process's `VmHWM` just before shutdown; calls are the proxy's.
pub async fn provider_run(proxy: &CountingProxy, services: &[&str]) -> ProviderRun {
    let data = Value::object([("services", Value::string_list(services.iter().copied()))]);
    provider_run_with(proxy, data).await
}

/// [`provider_run`] with the data source's whole configuration given (accounts, regions,
/// assume_role, …).
pub async fn provider_run_with(proxy: &CountingProxy, data: Value) -> ProviderRun {
    let plugin = Launch::mtls()
        .envs([
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_ENDPOINT_URL", proxy.endpoint()),
        ])
        .start()
        .expect("starting the provider");
    let mut client = plugin.provider().await.expect("connecting to the provider");
    let config = Value::object([
        ("region", Value::string(emulator::REGION)),
        // No retries, as Prowler runs with `--aws-retries-max-attempts 1`: count calls, not retries.
        ("max_retries", Value::Number(0.0)),
    ]);
    let calls_before = proxy.requests();
    let t = Instant::now();
    let configured = client
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.11.0".into(),
            config: Some(provider_config(&config)),
            client_capabilities: None,
        })
        .await
        .expect("ConfigureProvider")
        .into_inner();
    assert!(
        errors(&configured.diagnostics).is_empty(),
        "configure: {}",
        describe(&configured.diagnostics)
    );
    let read = client
        .read_data_source(pb::read_data_source::Request {
            type_name: "secbaseline_assessment".into(),
            config: Some(data_source_config("secbaseline_assessment", &data)),
            provider_meta: None,
            client_capabilities: None,
        })
        .await
        .expect("ReadDataSource")
        .into_inner();
    let wall = t.elapsed();
    let calls = proxy.requests() - calls_before;
    let peak_kib = proc_status_kib(plugin.pid(), "VmHWM").expect("the provider's VmHWM");
    assert!(
        errors(&read.diagnostics).is_empty(),
        "assessment: {}",
        describe(&read.diagnostics)
    );
    let state = decode(read.state.as_ref());
    let findings = state.get("findings").as_list().unwrap_or_default().to_vec();
    stop(plugin).await;
    ProviderRun {
        cost: Cost {
            wall,
            peak_kib,
            calls,
        },
        findings,
    }
}

/// Counts of `findings` by status.
pub fn by_status(findings: &[Value]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for f in findings {
        let status = f.get("status").as_str().unwrap_or("?").to_string();
        *counts.entry(status).or_insert(0) += 1;
    }
    counts
}

/// Findings of controls whose ID starts with `prefix` on resources whose ID contains `needle`.
pub fn count_findings(findings: &[Value], prefix: &str, needle: &str) -> usize {
    findings
        .iter()
        .filter(|f| {
            f.get("control_id")
                .as_str()
                .is_some_and(|c| c.starts_with(prefix))
        })
        .filter(|f| {
            f.get("resource_id")
                .as_str()
                .is_some_and(|r| r.contains(needle))
        })
        .count()
}

/// [`PROVIDER_RUNS`] fresh-process runs; prints each and the median, returns the median cost
/// and the last run's findings.
pub fn provider_runs(
    rt: &tokio::runtime::Runtime,
    proxy: &CountingProxy,
    services: &[&str],
) -> (Cost, Vec<Value>) {
    let mut costs = Vec::with_capacity(PROVIDER_RUNS);
    let mut findings = Vec::new();
    for i in 0..PROVIDER_RUNS {
        let run = rt.block_on(provider_run(proxy, services));
        println!("  secbaseline run {}: {}", i + 1, run.cost.line());
        costs.push(run.cost);
        findings = run.findings;
    }
    (median_cost(&costs), findings)
}

// ---------------------------------------------------------------------------------------------
// Prowler
// ---------------------------------------------------------------------------------------------

/// `$PROWLER`, else `/tmp/prowler-venv/bin/prowler`, else `prowler` on the PATH; `None` when
/// the chosen file does not exist.
pub fn prowler_bin() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PROWLER") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let venv = PathBuf::from("/tmp/prowler-venv/bin/prowler");
    if venv.is_file() {
        return Some(venv);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("prowler"))
        .find(|p| p.is_file())
}

/// How Prowler's run ended.
pub struct ProwlerRun {
    pub cost: Cost,
    /// `None` when it had to be killed at the timeout.
    pub status: Option<ExitStatus>,
    /// Findings in its JSON-OCSF output, by `status_code`.
    pub findings: BTreeMap<String, usize>,
    /// The last lines of its stderr/stdout, for when it failed.
    pub tail: String,
}

/// Longest Prowler run before it is killed.
const PROWLER_TIMEOUT: Duration = Duration::from_secs(1800);

/// Runs `prowler aws --service <services>` against `proxy` (fake credentials, us-east-1,
/// JSON-OCSF into a temporary directory) and measures it.
pub fn prowler_run(prowler: &Path, proxy: &CountingProxy, services: &[&str]) -> ProwlerRun {
    prowler_run_with(prowler, proxy, services, &[emulator::REGION], &[])
}

/// [`prowler_run`] in `regions`, with `extra` arguments (e.g. `--role <arn>`).
pub fn prowler_run_with(
    prowler: &Path,
    proxy: &CountingProxy,
    services: &[&str],
    regions: &[&str],
    extra: &[&str],
) -> ProwlerRun {
    let out = tempfile::tempdir().expect("a temporary output directory");
    let log = out.path().join("prowler.log");
    let log_file = std::fs::File::create(&log).expect("creating Prowler's log");
    let mut cmd = Command::new(prowler);
    cmd.arg("aws")
        .arg("--service")
        .args(services)
        .arg("-f")
        .args(regions)
        .args(extra)
        .args(["-M", "json-ocsf", "-o"])
        .arg(out.path().join("output"))
        .args([
            "--ignore-exit-code-3",
            "--aws-retries-max-attempts",
            "1",
            "--no-banner",
        ])
        .current_dir(out.path())
        .stdin(Stdio::null())
        .stdout(Stdio::from(
            log_file.try_clone().expect("duplicating the log handle"),
        ))
        .stderr(Stdio::from(log_file));
    for var in Emulator::aws_env_removed() {
        cmd.env_remove(var);
    }
    cmd.envs([
        ("AWS_ENDPOINT_URL", proxy.endpoint()),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_DEFAULT_REGION", emulator::REGION),
        ("AWS_REGION", emulator::REGION),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONFIG_FILE", "/dev/null"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
        ("HOME", &out.path().to_string_lossy()),
    ]);
    let calls_before = proxy.requests();
    let t = Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", prowler.display()));
    let (status, peak_kib) = wait_measuring(&mut child, PROWLER_TIMEOUT);
    let wall = t.elapsed();
    let calls = proxy.requests() - calls_before;
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(15)..].join("\n");
    ProwlerRun {
        cost: Cost {
            wall,
            peak_kib,
            calls,
        },
        status,
        findings: ocsf_findings(&out.path().join("output")),
        tail,
    }
}

/// Counts the findings in every `*.ocsf.json` under `dir`, by `status_code`.
fn ocsf_findings(dir: &Path) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return counts;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.to_string_lossy().ends_with(".ocsf.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        for finding in parsed.as_array().into_iter().flatten() {
            let status = finding["status_code"].as_str().unwrap_or("?").to_string();
            *counts.entry(status).or_insert(0) += 1;
        }
    }
    counts
}

/// Runs Prowler when installed and prints its figures and the ratios against `ours`; prints
/// how to install it otherwise. Returns the wall-time ratio when there is one.
pub fn compare_with_prowler(ours: &Cost, proxy: &CountingProxy, services: &[&str]) -> Option<f64> {
    let Some(prowler) = prowler_bin() else {
        println!("  prowler not installed — install with: {PROWLER_INSTALL} (or set PROWLER=/path/to/prowler)");
        return None;
    };
    let run = prowler_run(&prowler, proxy, services);
    let total: usize = run.findings.values().sum();
    println!("  prowler {} ({})", services.join(" "), prowler.display());
    println!("  prowler:      {}", run.cost.line());
    println!(
        "  prowler exit: {}; {total} findings written {:?}",
        run.status
            .map(|s| s.to_string())
            .unwrap_or_else(|| format!("killed after {PROWLER_TIMEOUT:?}")),
        run.findings
    );
    if run.cost.calls == 0 {
        println!(
            "  prowler made no request to the emulator: no comparison. Its output ends:\n{}",
            run.tail
        );
        return None;
    }
    if total == 0 {
        println!(
            "  prowler wrote no findings; its output ends:\n{}",
            run.tail
        );
    }
    Some(print_ratios(ours, &run.cost))
}
