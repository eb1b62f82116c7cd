//! `secbaseline_assessment` with `source = "plan"` and `"live+plan"` through terraform: findings
//! per planned address (FAIL / PASS / UNKNOWN), and clear diagnostics for bad plan JSON.

use crate::common;

use common::{Emulator, Workspace};
use serde_json::Value;

fn config(source: &str, plan_file: &str, fail_on: &str) -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    secbaseline = {{ source = "secbaseline/secbaseline" }}
  }}
}}
provider "secbaseline" {{
  region = "us-east-1"
}}
data "secbaseline_assessment" "planned" {{
  services  = ["apigateway"]
  source    = "{source}"
  plan_json = file("${{path.module}}/{plan_file}")
  fail_on   = "{fail_on}"
}}
output "findings" {{ value = data.secbaseline_assessment.planned.findings }}
"#
    )
}

fn status_of(findings: &[Value], control: &str, address: &str) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f["control_id"] == control && f["address"] == address)
        .map(|f| f["status"].as_str().unwrap_or_default().to_string())
        .collect()
}

const FIXTURE: &str =
    include_str!("../../crates/engine/tests/fixtures/plans/apigateway_modules.json");

#[test]
fn planned_resources_are_judged_by_address() {
    let emu = Emulator::start();
    let ws = Workspace::new(&emu, &config("plan", "plan.json", "none"));
    ws.write("plan.json", FIXTURE);
    ws.apply().assert_success();
    let f = ws
        .output_json("findings")
        .as_array()
        .cloned()
        .expect("findings list");
    let check = |control: &str, address: &str, want: &str| {
        let got = status_of(&f, control, address);
        assert!(
            !got.is_empty() && got.iter().all(|s| s == want),
            "{control} {address}: want {want}, got {got:?}"
        );
    };
    check(
        "apigateway_rest_method_authorization",
        "aws_api_gateway_method.get_items",
        "FAIL",
    );
    check(
        "apigateway_rest_xray_tracing",
        "aws_api_gateway_stage.prod",
        "PASS",
    );
    check(
        "apigateway_rest_access_logging",
        "module.edge.aws_api_gateway_stage.this",
        "UNKNOWN",
    );
    check(
        "apigateway_v2_route_authorization",
        "aws_apigatewayv2_route.jwt",
        "PASS",
    );
    check(
        "apigateway_domain_tls",
        "module.edge.module.tls.aws_api_gateway_domain_name.legacy",
        "FAIL",
    );
    // The live account is not consulted for source = "plan": nothing account-level FAILs.
    assert!(f
        .iter()
        .filter(|x| x["control_id"] == "apigateway_cloudtrail")
        .all(|x| x["status"] == "NOT_APPLICABLE"));
}

#[test]
fn live_plus_plan_gates_on_planned_failures() {
    let emu = Emulator::start();
    let ws = Workspace::new(&emu, &config("live+plan", "plan.json", "medium"));
    ws.write("plan.json", FIXTURE);
    let out = ws.plan();
    out.assert_failure();
    let text = out.combined();
    assert!(
        text.contains("Error: Control apigateway_rest_method_authorization failed"),
        "{text}"
    );
    assert!(
        text.contains("aws_api_gateway_method.get_items"),
        "the failing address is named: {text}"
    );
}

#[test]
fn malformed_or_foreign_plans_get_a_diagnostic_on_plan_json() {
    let emu = Emulator::start();
    for (content, needle) in [
        (&FIXTURE[..FIXTURE.len() / 2], "plan_json"),
        (
            r#"{"format_version":"2.0","planned_values":{},"resource_changes":[]}"#,
            "plan_json",
        ),
        ("not json at all", "plan_json"),
    ] {
        let ws = Workspace::new(&emu, &config("plan", "plan.json", "none"));
        ws.write("plan.json", content);
        let out = ws.plan();
        out.assert_failure();
        let text = out.combined();
        assert!(
            text.contains("Invalid plan_json") && text.contains(needle),
            "{text}"
        );
        assert!(!text.contains("panicked"), "{text}");
    }
}

/// A CI job that has only the plan file: no AWS variables, no credentials or config files, no
/// endpoint, and a provider block that asks for no AWS access. The plan is judged anyway, and
/// nothing is borrowed from a caller there is none of.
#[test]
fn a_plan_alone_is_judged_without_any_aws_access() {
    let ws = Workspace::without_aws(
        r#"
terraform {
  required_providers {
    secbaseline = { source = "secbaseline/secbaseline" }
  }
}
provider "secbaseline" {
  skip_credentials_validation = true
}
data "secbaseline_assessment" "planned" {
  services  = ["apigateway"]
  source    = "plan"
  plan_json = file("${path.module}/plan.json")
}
output "findings" { value = data.secbaseline_assessment.planned.findings }
"#,
    );
    ws.write("plan.json", FIXTURE);
    let started = std::time::Instant::now();
    let out = ws.apply();
    out.assert_success();
    let f = ws.output_json("findings");
    let f = f.as_array().cloned().expect("findings list");
    assert_eq!(
        status_of(
            &f,
            "apigateway_rest_method_authorization",
            "aws_api_gateway_method.get_items"
        ),
        vec!["FAIL"],
        "{f:#?}"
    );
    // The fixture's provider states the region, and no account: none is made up.
    let planned: Vec<&Value> = f.iter().filter(|x| !x["address"].is_null()).collect();
    assert!(!planned.is_empty());
    assert!(
        planned.iter().all(|x| x["account_id"].is_null()),
        "{planned:#?}"
    );
    assert!(
        planned.iter().all(|x| x["region"] == "us-east-1"),
        "{planned:#?}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "took {:?}: something waited for AWS",
        started.elapsed()
    );
    // Anything that does need AWS says what is missing, on its own operation.
    ws.write(
        "live.tf",
        r#"data "secbaseline_assessment" "live" { services = ["apigateway"] }"#,
    );
    let out = ws.plan();
    out.assert_failure();
    assert!(out.combined().contains("No AWS region configured"), "{out}");
}
