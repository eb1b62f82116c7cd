//! Hardening through the real `terraform` binary: the three bundles applied and destroyed
//! through `tools/emulator/faults.py` (throttling, 500/503, slow answers, dropped connections),
//! and `terraform apply` interrupted with SIGINT and then SIGKILL.
//!
//! Each soak run: faults on → `apply` (succeeds, or fails with a clear error naming the AWS
//! operation) → on odd runs a faulted `destroy` too → faults off → `apply` must converge, plan
//! shows no changes, `state list` / `show -json` work and match the emulator → `destroy` → the
//! emulator, asked directly (never through the proxy), holds nothing any bundle can create.
//! Every Terraform invocation is bounded by a time limit, so a hang fails instead of stalling.
//!
//! `faults_bounded_soak` runs `SOAK_RUNS` (default 3) runs in CI; `make soak` runs
//! `soak_figures` (ignored by default) with `SOAK_RUNS=25` and prints the figures.

use crate::common;

use std::time::{Duration, Instant};

use common::faults::ALL_KINDS;
use common::inventory::{count, inventory};
use common::terraform::group_members;
use common::{Emulator, FaultProxy, Output, Workspace};
use serde_json::Value;

/// Upper bound of any one apply or destroy (a deadlock or an endless retry fails the run).
const RUN_LIMIT: Duration = Duration::from_secs(300);
/// Upper bound of plan / state commands.
const QUICK_LIMIT: Duration = Duration::from_secs(120);
/// Share of AWS calls faulted while faults are on.
const FAULT_RATE: f64 = 0.15;

/// The three bundles, as one configuration. `max_retries` is low while faults are on, so
/// some calls fail for good and the partial-failure paths run; normal for the converging run.
fn bundles_tf(max_retries: u32, skip_credentials_validation: bool) -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    secbaseline = {{ source = "secbaseline/secbaseline" }}
  }}
}}

provider "secbaseline" {{
  max_retries                 = {max_retries}
  skip_credentials_validation = {skip_credentials_validation}
}}

resource "secbaseline_cloudtrail" "main" {{
  name          = "soak"
  force_destroy = true
}}

resource "secbaseline_config_rules" "main" {{
  name_prefix = "soak-"
  services    = ["apigateway", "iam"]
  recorder {{
    force_destroy = true
  }}
}}

resource "secbaseline_alarms" "main" {{
  name_prefix               = "soak-"
  cloudtrail_log_group_name = secbaseline_cloudtrail.main.log_group_name
  email_subscriptions       = ["security@example.com"]
}}
"#
    )
}

/// What the converged bundles must have made, kind by kind (state matches AWS).
fn expected_after_converge(inv: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let len = |k: &str| inv[k].as_array().map_or(0, Vec::len);
    for (kind, want) in [
        ("trails", 1),
        ("buckets", 3), // trail bucket, its access-log bucket, the Config delivery bucket
        ("bucket_policies", 3),
        ("kms_keys", 1),
        ("kms_aliases", 1),
        ("log_groups", 1),
        ("iam_roles", 2), // CloudTrail→CloudWatch Logs role, AWS Config's service-linked role
        ("sns_topics", 1),
        ("sns_subscriptions", 1),
        ("config_recorders", 1),
        ("delivery_channels", 1),
        ("metric_filters", 14),
        ("alarms", 14),
    ] {
        if len(kind) != want {
            problems.push(format!("{kind}: {} (want {want})", inv[kind]));
        }
    }
    if len("config_rules") == 0 {
        problems.push("config_rules: none".into());
    }
    problems
}

/// Lines that betray a crash of the provider or of Terraform.
const PANIC_MARKERS: &[&str] = &[
    "panicked at",
    "panic:",
    "Plugin did not respond",
    "plugin crashed",
    "TERRAFORM CRASH",
    "The plugin encountered an error",
];

fn panics_in(text: &str) -> usize {
    text.lines()
        .filter(|l| PANIC_MARKERS.iter().any(|m| l.contains(m)))
        .count()
}

/// Fragments of a raw Rust `Debug` dump or SDK internals that must not reach a user.
const RAW_DUMP_MARKERS: &[&str] = &[
    "SdkError",
    "ServiceError {",
    "DispatchFailure(",
    "ErrorMetadata",
    "Some(\"",
    "ResponseError {",
    "raw: Response",
];

/// Words an error summary uses to name the AWS operation that failed.
const OPERATION_VERBS: &[&str] = &[
    "creating",
    "updating",
    "deleting",
    "reading",
    "listing",
    "setting",
    "putting",
    "enabling",
    "disabling",
    "blocking",
    "tagging",
    "removing",
    "starting",
    "stopping",
    "scheduling",
    "emptying",
    "checking",
    "detaching",
    "validating",
    "describing",
];

/// The `Error:` summary lines of a run.
fn error_summaries(out: &Output) -> Vec<String> {
    out.combined()
        .lines()
        .filter_map(|l| l.trim_start_matches(['│', ' ']).strip_prefix("Error: "))
        .map(str::to_string)
        .collect()
}

/// Problems with the error text of a failed run: every `Error:` summary must name an AWS
/// operation, and nothing may look like a raw Debug dump.
fn unclear_errors(out: &Output) -> Vec<String> {
    let text = out.combined();
    let mut problems = Vec::new();
    let summaries = error_summaries(out);
    if summaries.is_empty() {
        problems.push("a failed run printed no `Error:` line".to_string());
    }
    for s in summaries {
        if !OPERATION_VERBS.iter().any(|v| s.contains(v)) {
            problems.push(format!("error summary names no AWS operation: {s}"));
        }
    }
    for m in RAW_DUMP_MARKERS {
        if text.contains(m) {
            problems.push(format!("raw dump marker {m:?} in the output"));
        }
    }
    problems
}

/// One workspace wired through a fault proxy, with Terraform's and the provider's logs kept.
struct Rig {
    emu: Emulator,
    proxy: FaultProxy,
    ws: Workspace,
    log_path: std::path::PathBuf,
}

impl Rig {
    fn new(seed: u64) -> Rig {
        let emu = Emulator::start();
        let proxy = FaultProxy::start(&emu, 0.0, seed);
        let mut ws = Workspace::new(&emu, &bundles_tf(3, false));
        ws.set_env("AWS_ENDPOINT_URL", proxy.endpoint());
        let log_path = ws.dir().join("terraform.log");
        // The provider's stderr reaches Terraform's log at DEBUG: that is where a panic shows.
        ws.set_env("TF_LOG_PROVIDER", "DEBUG");
        ws.set_env("TF_LOG_PATH", &log_path.display().to_string());
        Rig {
            emu,
            proxy,
            ws,
            log_path,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    fn clear_log(&self) {
        let _ = std::fs::write(&self.log_path, "");
    }

    fn apply(&self) -> Output {
        self.ws.run_bounded(
            &["apply", "-auto-approve", "-input=false", "-no-color"],
            RUN_LIMIT,
        )
    }

    fn destroy(&self) -> Output {
        self.ws.run_bounded(
            &["destroy", "-auto-approve", "-input=false", "-no-color"],
            RUN_LIMIT,
        )
    }
}

/// The figures a soak prints.
#[derive(Debug, Default)]
struct Figures {
    runs: usize,
    requests: u64,
    faults_injected: u64,
    by_kind: serde_json::Map<String, Value>,
    faulted_applies_ok: usize,
    faulted_applies_failed: usize,
    faulted_destroys: usize,
    applies_converged: usize,
    orphans_found: usize,
    panics: usize,
    timeouts: usize,
    corrupt_states: usize,
    unclear_errors: usize,
    /// `Error:` summaries of the faulted runs, with how often each was seen.
    errors_seen: std::collections::BTreeMap<String, usize>,
    problems: Vec<String>,
    seconds: f64,
}

impl Figures {
    fn print(&self, label: &str) {
        eprintln!("=== {label} ===");
        eprintln!("runs:                 {}", self.runs);
        eprintln!("AWS requests:         {}", self.requests);
        eprintln!(
            "faults injected:      {} {}",
            self.faults_injected,
            Value::Object(self.by_kind.clone())
        );
        eprintln!(
            "faulted applies:      {} succeeded, {} failed with a clear error",
            self.faulted_applies_ok, self.faulted_applies_failed
        );
        eprintln!("faulted destroys:     {}", self.faulted_destroys);
        eprintln!(
            "applies converged:    {} of {}",
            self.applies_converged, self.runs
        );
        eprintln!("orphans found:        {}", self.orphans_found);
        eprintln!("panics:               {}", self.panics);
        eprintln!("timeouts (hangs):     {}", self.timeouts);
        eprintln!("corrupt states:       {}", self.corrupt_states);
        eprintln!("unclear errors:       {}", self.unclear_errors);
        eprintln!("time:                 {:.0} s", self.seconds);
        for (summary, n) in &self.errors_seen {
            eprintln!("  {n} × Error: {summary}");
        }
        for p in &self.problems {
            eprintln!("problem: {p}");
        }
    }

    #[track_caller]
    fn assert_clean(&self) {
        assert!(
            self.runs > 0
                && self.applies_converged == self.runs
                && self.orphans_found == 0
                && self.panics == 0
                && self.timeouts == 0
                && self.corrupt_states == 0
                && self.unclear_errors == 0
                && self.problems.is_empty(),
            "the soak found problems: {self:#?}"
        );
        assert!(
            self.faults_injected > 0,
            "no fault was injected, so the soak proved nothing: {self:#?}"
        );
    }
}

/// Checks a Terraform run that may fail (faults on): no hang, no panic, clear errors.
fn judge_faulted(f: &mut Figures, rig: &Rig, run: usize, what: &str, out: &Output) -> bool {
    if out.timed_out {
        f.timeouts += 1;
        f.problems.push(format!("run {run}: {what} hung:\n{out}"));
    }
    let panics = panics_in(&out.combined()) + panics_in(&rig.log());
    if panics > 0 {
        f.panics += panics;
        f.problems
            .push(format!("run {run}: {what}: panic markers:\n{out}"));
    }
    if !out.success() && !out.timed_out {
        for s in error_summaries(out) {
            *f.errors_seen.entry(s).or_default() += 1;
        }
        let unclear = unclear_errors(out);
        if !unclear.is_empty() {
            f.unclear_errors += unclear.len();
            f.problems
                .push(format!("run {run}: {what}: {unclear:?}\n{out}"));
        }
    }
    rig.clear_log();
    out.success()
}

/// Checks a run that must succeed (faults off).
fn judge_clean(f: &mut Figures, rig: &Rig, run: usize, what: &str, out: &Output) -> bool {
    let ok = judge_faulted(f, rig, run, what, out);
    if !ok {
        f.problems
            .push(format!("run {run}: {what} failed without faults:\n{out}"));
    }
    ok
}

/// `state list` and `show -json` work, name the three resources, none tainted.
fn state_problems(rig: &Rig) -> Vec<String> {
    let mut problems = Vec::new();
    let list = rig
        .ws
        .run_bounded(&["state", "list", "-no-color"], QUICK_LIMIT);
    let mut names: Vec<&str> = list.stdout.lines().map(str::trim).collect();
    names.sort_unstable();
    if !list.success()
        || names
            != [
                "secbaseline_alarms.main",
                "secbaseline_cloudtrail.main",
                "secbaseline_config_rules.main",
            ]
    {
        problems.push(format!("state list: {list}"));
    }
    let show = rig
        .ws
        .run_bounded(&["show", "-json", "-no-color"], QUICK_LIMIT);
    match serde_json::from_str::<Value>(&show.stdout) {
        Ok(v) => {
            let resources = v["values"]["root_module"]["resources"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if resources.len() != 3 || resources.iter().any(|r| r["tainted"] == true) {
                problems.push(format!("show -json: {resources:?}"));
            }
        }
        Err(e) => problems.push(format!("show -json is not JSON ({e}): {show}")),
    }
    problems
}

/// `runs` soak runs; returns the figures (the caller prints and asserts them).
fn soak(runs: usize, seed: u64) -> Figures {
    let started = Instant::now();
    let rig = Rig::new(seed);
    let mut f = Figures::default();
    for run in 0..runs {
        f.runs += 1;
        rig.emu.reset();
        rig.clear_log();

        // Faults on: whatever happens must be clean.
        // Fewer retries on some runs, so faults also fail calls for good mid-apply; every
        // other run skips the configure-time identity check, so a fault cannot stop the run
        // before the bundles' own calls and lands between their steps instead.
        rig.ws
            .write("main.tf", &bundles_tf([1, 2, 0][run % 3], run % 2 == 0));
        rig.proxy.configure(FAULT_RATE, ALL_KINDS);
        let out = rig.apply();
        if judge_faulted(&mut f, &rig, run, "faulted apply", &out) {
            f.faulted_applies_ok += 1;
        } else {
            f.faulted_applies_failed += 1;
        }
        if run % 2 == 1 {
            let out = rig.destroy();
            judge_faulted(&mut f, &rig, run, "faulted destroy", &out);
            f.faulted_destroys += 1;
        }

        // Faults off: converge, no changes, state sound and matching AWS.
        rig.proxy.off();
        rig.ws.write("main.tf", &bundles_tf(3, false));
        let out = rig.apply();
        if judge_clean(&mut f, &rig, run, "converging apply", &out) {
            let plan = rig.ws.run_bounded(
                &["plan", "-input=false", "-no-color", "-detailed-exitcode"],
                QUICK_LIMIT,
            );
            let state = state_problems(&rig);
            let aws = expected_after_converge(&inventory(&rig.emu));
            if plan.code() == 0 && state.is_empty() && aws.is_empty() {
                f.applies_converged += 1;
            } else {
                f.corrupt_states += 1;
                f.problems.push(format!(
                    "run {run}: after converging: plan exit {} / state {state:?} / AWS {aws:?}\n{plan}",
                    plan.code()
                ));
            }
        }

        // Destroy: nothing may be left.
        let out = rig.destroy();
        judge_clean(&mut f, &rig, run, "destroy", &out);
        let inv = inventory(&rig.emu);
        let orphans = count(&inv);
        if orphans > 0 {
            f.orphans_found += orphans;
            f.problems
                .push(format!("run {run}: {orphans} orphans after destroy: {inv}"));
        }
        let leftover = rig
            .ws
            .run_bounded(&["state", "list", "-no-color"], QUICK_LIMIT);
        if !leftover.success() || !leftover.stdout.trim().is_empty() {
            f.corrupt_states += 1;
            f.problems
                .push(format!("run {run}: state after destroy: {leftover}"));
        }
        // Start the next run from an empty state file whatever happened.
        let _ = std::fs::remove_file(rig.ws.dir().join("terraform.tfstate"));
    }
    let stats = rig.proxy.stats();
    f.requests = stats.requests;
    f.faults_injected = stats.faults;
    f.by_kind = stats.by_kind;
    f.seconds = started.elapsed().as_secs_f64();
    f
}

fn soak_runs(default: usize) -> usize {
    std::env::var("SOAK_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The bounded soak that runs in CI.
#[test]
fn faults_bounded_soak() {
    let f = soak(soak_runs(3), 7);
    f.print("bounded soak");
    f.assert_clean();
}

/// `make soak`: the long soak, printing its figures (`SOAK_RUNS`, default 25).
#[test]
#[ignore = "long: run with `make soak`"]
fn soak_figures() {
    let seed = std::env::var("SOAK_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2026);
    let f = soak(soak_runs(25), seed);
    f.print("soak");
    f.assert_clean();
}

/// A raw JSON-protocol call to the emulator (fast enough to poll with; moto does not check
/// signatures, only which service the credential scope names).
fn emulator_call(emu: &Emulator, service: &str, target: &str) -> Value {
    use std::io::{Read, Write};
    let addr = format!("127.0.0.1:{}", emu.port());
    let mut stream = std::net::TcpStream::connect(&addr).expect("connecting to the emulator");
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: {target}\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0\r\n\
         Content-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    );
    stream.write_all(request.as_bytes()).expect("sending");
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let (_, body) = common::emulator::parse_http_response(&raw).unwrap_or_default();
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

fn trail_exists(emu: &Emulator) -> bool {
    emulator_call(
        emu,
        "cloudtrail",
        "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails",
    )["trailList"]
        .as_array()
        .is_some_and(|l| !l.is_empty())
}

fn recorder_exists(emu: &Emulator) -> bool {
    emulator_call(
        emu,
        "config",
        "StarlingDoveService.DescribeConfigurationRecorders",
    )["ConfigurationRecorders"]
        .as_array()
        .is_some_and(|l| !l.is_empty())
}

/// Starts a slowed-down apply and interrupts it once `ready` holds: SIGINT, then (when
/// `then_kill`) SIGKILL to Terraform after `grace`. Returns the output and whether every
/// process Terraform started has gone within 15 s.
fn interrupted_apply(
    rig: &Rig,
    ready: impl Fn(&Emulator) -> bool,
    then_kill: bool,
    grace: Duration,
) -> (Output, bool) {
    // Slow answers everywhere, so the apply is long enough to interrupt mid-way.
    rig.proxy.configure(1.0, &["slow"]);
    let mut running = rig
        .ws
        .spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let pgid = running.pid();
    let deadline = Instant::now() + RUN_LIMIT;
    while !ready(&rig.emu) && !running.exited() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    running.signal("INT");
    if then_kill {
        std::thread::sleep(grace);
        running.signal("KILL");
    }
    let out = running.wait_bounded(RUN_LIMIT);
    // The providers Terraform started must not outlive it (they share its process group).
    let gone_by = Instant::now() + Duration::from_secs(15);
    while !group_members(pgid).is_empty() && Instant::now() < gone_by {
        std::thread::sleep(Duration::from_millis(200));
    }
    let left = group_members(pgid);
    for pid in &left {
        let cmd = std::fs::read_to_string(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        eprintln!("still running after Terraform stopped: {pid} {cmd:?} {stat}");
    }
    let all_gone = left.is_empty();
    if !all_gone {
        common::terraform::kill_group(pgid);
    }
    rig.proxy.off();
    (out, all_gone)
}

/// After an interrupted apply: the next apply converges, plan is empty, destroy leaves nothing.
#[track_caller]
fn converge_and_clean(rig: &Rig, what: &str) {
    let out = rig.apply();
    assert!(
        out.success(),
        "{what}: the apply after the interruption must converge:\n{out}"
    );
    assert_eq!(
        panics_in(&out.combined()) + panics_in(&rig.log()),
        0,
        "{out}"
    );
    let plan = rig.ws.run_bounded(
        &["plan", "-input=false", "-no-color", "-detailed-exitcode"],
        QUICK_LIMIT,
    );
    assert_eq!(
        plan.code(),
        0,
        "{what}: no changes after converging:\n{plan}"
    );
    assert_eq!(state_problems(rig), Vec::<String>::new(), "{what}");
    assert_eq!(
        expected_after_converge(&inventory(&rig.emu)),
        Vec::<String>::new(),
        "{what}"
    );
    let out = rig.destroy();
    assert!(out.success(), "{what}: destroy:\n{out}");
    let inv = inventory(&rig.emu);
    assert_eq!(count(&inv), 0, "{what}: orphans after destroy: {inv}");
}

#[test]
fn interrupted_applies_converge_and_destroy_cleans_up() {
    let rig = Rig::new(11);

    // 1. SIGINT alone once the trail exists: Terraform lets in-flight work finish, records
    //    it, and stops.
    let (out, gone) = interrupted_apply(&rig, trail_exists, false, Duration::ZERO);
    assert!(!out.timed_out, "an interrupted apply must stop:\n{out}");
    assert!(gone, "provider processes outlived Terraform after SIGINT");
    assert_eq!(panics_in(&out.combined()), 0, "{out}");
    converge_and_clean(&rig, "after SIGINT");

    // 2. SIGINT, then SIGKILL right after the trail (and, in a second round, the recorder)
    //    exists: AWS holds parts Terraform never recorded. The providers must exit by
    //    themselves, and the next apply must take over the bundles' own parts.
    for (what, ready) in [
        (
            "SIGKILL after CreateTrail",
            trail_exists as fn(&Emulator) -> bool,
        ),
        ("SIGKILL after the recorder", recorder_exists),
    ] {
        rig.emu.reset();
        let _ = std::fs::remove_file(rig.ws.dir().join("terraform.tfstate"));
        let (out, gone) = interrupted_apply(&rig, ready, true, Duration::from_millis(300));
        assert!(!out.success(), "{what}: the apply was killed:\n{out}");
        assert!(
            gone,
            "{what}: provider processes outlived a killed Terraform"
        );
        converge_and_clean(&rig, what);
    }
}
