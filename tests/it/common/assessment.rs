//! `secbaseline_assessment` through Terraform: the config around an assessment body, seeding
//! the emulator from `tests/seeds/*.py`, and per-control, per-resource status assertions.

use serde_json::Value;

use super::{Emulator, Workspace};
use secbaseline_engine::rules::logging::CIS_ALARMS;
use secbaseline_engine::rules::Rule;

/// The provider block every assessment test uses (emulator region, no retries).
pub const PROVIDER: &str = r#"
terraform {
  required_providers {
    secbaseline = { source = "secbaseline/secbaseline" }
  }
}
provider "secbaseline" {
  region      = "us-east-1"
  max_retries = 0
}
"#;

/// A config with one `secbaseline_assessment` whose arguments are `body`, and outputs
/// `findings`, `summary`, `passed` and `sarif`.
pub fn assessment_config(body: &str) -> String {
    format!(
        "{PROVIDER}\ndata \"secbaseline_assessment\" \"this\" {{\n{body}\n}}\noutput \"findings\" {{ value = data.secbaseline_assessment.this.findings }}\noutput \"summary\" {{ value = data.secbaseline_assessment.this.summary }}\noutput \"passed\" {{ value = data.secbaseline_assessment.this.passed }}\noutput \"sarif\" {{ value = data.secbaseline_assessment.this.sarif }}\n"
    )
}

/// Runs a seed script (`include_str!("../seeds/x.py")` from a module of `tests/it/`) and parses the JSON on its last line.
pub fn seed(emu: &Emulator, script: &str) -> Value {
    emu.python_json(script)
}

/// Seeds a compliant logging baseline (`tests/seeds/logging.py`): a logging multi-region
/// trail, an all-supported Config recorder and the CIS metric filters with alarms.
pub fn seed_logging(emu: &Emulator) {
    let patterns: Vec<(String, String)> = CIS_ALARMS
        .iter()
        .map(|a| (a.meta().id.to_string(), a.pattern.to_string()))
        .collect();
    let script = format!(
        "CIS_PATTERNS = json.loads({:?})\n{}",
        serde_json::to_string(&patterns).expect("patterns serialize"),
        include_str!("../../seeds/logging.py")
    );
    emu.python(&script);
}

/// The `findings` output of an applied assessment workspace.
pub fn findings(ws: &Workspace) -> Vec<Value> {
    ws.output_json("findings")
        .as_array()
        .cloned()
        .expect("findings is a list")
}

/// The findings of one control.
pub fn of_control<'a>(findings: &'a [Value], control: &str) -> Vec<&'a Value> {
    findings
        .iter()
        .filter(|f| f["control_id"] == control)
        .collect()
}

/// Statuses of a control's findings whose resource id contains `needle`.
pub fn statuses(findings: &[Value], control: &str, needle: &str) -> Vec<String> {
    findings
        .iter()
        .filter(|f| {
            f["control_id"] == control
                && f["resource_id"]
                    .as_str()
                    .is_some_and(|r| r.contains(needle))
        })
        .map(|f| f["status"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Asserts the control has a finding for a resource matching `needle`, and that its status is
/// `status` (for `FAIL`: at least one FAIL, the rest FAIL or NOT_APPLICABLE).
#[track_caller]
pub fn expect(findings: &[Value], control: &str, needle: &str, status: &str) {
    let got = statuses(findings, control, needle);
    assert!(
        !got.is_empty(),
        "{control}: no finding for a resource matching {needle:?}; findings of the control: {:#?}",
        of_control(findings, control)
    );
    match status {
        "FAIL" => assert!(
            got.iter().any(|s| s == "FAIL")
                && got.iter().all(|s| s == "FAIL" || s == "NOT_APPLICABLE"),
            "{control} on {needle}: expected FAIL, got {got:?}"
        ),
        _ => assert!(
            got.iter().all(|s| s == status),
            "{control} on {needle}: expected all {status}, got {got:?}; findings: {:#?}",
            of_control(findings, control)
        ),
    }
}

/// Asserts the control leaves resources matching `needle` alone (out of scope is
/// never FAIL): no finding for them, or only NOT_APPLICABLE.
#[track_caller]
pub fn out_of_scope(findings: &[Value], control: &str, needle: &str) {
    let got = statuses(findings, control, needle);
    assert!(
        got.iter().all(|s| s == "NOT_APPLICABLE"),
        "{control} on {needle}: out of scope, expected no finding or NOT_APPLICABLE, got {got:?}"
    );
}

/// Asserts every finding of `control` with `status` is on a resource matching one of
/// `needles`: nothing outside the expected set has that status.
#[track_caller]
pub fn only_on(findings: &[Value], control: &str, status: &str, needles: &[&str]) {
    let stray: Vec<&Value> = of_control(findings, control)
        .into_iter()
        .filter(|f| f["status"] == status)
        .filter(|f| {
            let id = f["resource_id"].as_str().unwrap_or_default();
            !needles.iter().any(|n| id.contains(n))
        })
        .collect();
    assert!(
        stray.is_empty(),
        "{control}: {status} on resources not expected to be {status}: {stray:#?}"
    );
}
