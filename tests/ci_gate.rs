//! `examples/ci-gate` as a pipeline runs it: `gate.sh plan.json` on a saved plan writes the
//! findings as SARIF and exits 1 when a control at or above `FAIL_ON` fails, 0 otherwise.

mod common;

use common::{Emulator, Workspace};
use serde_json::Value;

/// A plan with a high failure (a secret in a stage variable) and medium ones, no critical.
const PLAN: &str = include_str!("../crates/engine/tests/fixtures/plans/apigateway_modules.json");

#[test]
fn the_gate_writes_sarif_and_fails_exactly_at_its_threshold() {
    let emu = Emulator::start();
    let ws = Workspace::with_mirror_files(
        &emu,
        &[
            ("main.tf", include_str!("../examples/ci-gate/main.tf")),
            ("gate.sh", include_str!("../examples/ci-gate/gate.sh")),
        ],
    );
    ws.write("review/plan.json", PLAN);

    let high = ws.run_script("gate.sh", &["review/plan.json"], &[("FAIL_ON", "high")]);
    assert_eq!(high.code(), 1, "a high failure fails the gate:\n{high}");
    let text = high.combined();
    assert!(
        text.contains("Error: Control apigateway_stage_variables_no_secrets failed (high"),
        "{text}"
    );
    assert!(
        text.contains("aws_api_gateway_stage.prod"),
        "the planned address is named: {text}"
    );
    assert!(
        !text.contains("Error: Control apigateway_rest_method_authorization"),
        "medium failures do not gate at high: {text}"
    );

    let sarif: Value = serde_json::from_str(
        &std::fs::read_to_string(ws.dir().join("secbaseline.sarif")).expect("SARIF written"),
    )
    .expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "apigateway_stage_variables_no_secrets"),
        "{results:#?}"
    );

    let critical = ws.run_script("gate.sh", &["review/plan.json"], &[("FAIL_ON", "critical")]);
    assert_eq!(
        critical.code(),
        0,
        "no critical failure passes:\n{critical}"
    );
    assert!(!critical.combined().contains("Error:"), "{critical}");

    let missing = ws.run_script("gate.sh", &["review/nope.json"], &[]);
    assert_eq!(missing.code(), 2, "{missing}");
}
