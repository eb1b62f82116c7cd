//! `examples/ci-gate` as a pipeline runs it: `gate.sh plan.json` on a saved plan writes the
//! findings as SARIF and exits 1 when a control at or above `FAIL_ON` fails, 0 otherwise.

use crate::common;

use common::{Emulator, Workspace};
use serde_json::Value;

/// A plan with a high failure (a secret in a stage variable) and medium ones, no critical.
const PLAN: &str = include_str!("../../crates/engine/tests/fixtures/plans/apigateway_modules.json");

/// A saved plan creating one customer-managed policy whose document is not JSON.
const UNREADABLE_POLICY_PLAN: &str = r#"{
  "format_version": "1.2",
  "terraform_version": "1.11.4",
  "planned_values": {"root_module": {}},
  "resource_changes": [{
    "address": "aws_iam_policy.broken",
    "mode": "managed",
    "type": "aws_iam_policy",
    "name": "broken",
    "provider_name": "registry.terraform.io/hashicorp/aws",
    "change": {
      "actions": ["create"],
      "before": null,
      "after": {"name": "broken", "path": "/", "policy": "{\"Statement\": ["},
      "after_unknown": {"arn": true, "id": true}
    }
  }]
}"#;

#[test]
fn the_gate_writes_sarif_and_fails_exactly_at_its_threshold() {
    let emu = Emulator::start();
    let ws = Workspace::with_mirror_files(
        &emu,
        &[
            ("main.tf", include_str!("../../examples/ci-gate/main.tf")),
            ("gate.sh", include_str!("../../examples/ci-gate/gate.sh")),
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

    // Fail closed: a planned policy that cannot be read is ERROR for a high control; the
    // gate at high stops on it, the gate at critical does not.
    ws.write("review/unreadable.json", UNREADABLE_POLICY_PLAN);
    let high = ws.run_script(
        "gate.sh",
        &["review/unreadable.json"],
        &[("FAIL_ON", "high")],
    );
    assert_eq!(high.code(), 1, "an ERROR at high fails the gate:\n{high}");
    let text = high.combined();
    assert!(
        text.contains("Control iam_policy_no_admin could not be evaluated (ERROR)")
            && text.contains("Error: Resource postcondition failed")
            && text.contains("Controls at or above high could not be evaluated (ERROR)"),
        "{text}"
    );
    let critical = ws.run_script(
        "gate.sh",
        &["review/unreadable.json"],
        &[("FAIL_ON", "critical")],
    );
    assert_eq!(critical.code(), 0, "{critical}");

    let missing = ws.run_script("gate.sh", &["review/nope.json"], &[]);
    assert_eq!(missing.code(), 2, "{missing}");
}
