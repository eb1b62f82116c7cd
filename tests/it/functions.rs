//! Provider-defined functions through the real `terraform` binary, with no AWS access:
//! outputs of each function, a `check` block, `precondition`s in the example module
//! `admin-policy-guard`, unknown values, and errors on the offending argument.

use crate::common;

use common::Workspace;

const HEADER: &str = r#"
terraform {
  required_providers {
    secbaseline = { source = "secbaseline/secbaseline" }
  }
}
"#;

const ADMIN: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const API_WIDE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"apigateway:*","Resource":"*"}]}"#;
const LEAST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["apigateway:GET"],"Resource":"arn:aws:apigateway:us-east-1::/restapis/*"}]}"#;

fn hcl(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn config(body: &str) -> String {
    format!("{HEADER}\n{body}\n")
}

fn statuses(findings: &serde_json::Value, control: &str) -> Vec<String> {
    findings
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["control_id"] == control)
        .filter_map(|f| f["status"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn outputs_of_each_function() {
    let body = format!(
        r#"
output "policy" {{
  value = provider::secbaseline::policy_findings({api_wide})
}}
output "least" {{
  value = provider::secbaseline::policy_findings({least})
}}
output "trust" {{
  value = provider::secbaseline::trust_findings(jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Principal = {{ Service = "lambda.amazonaws.com" }}, Action = "sts:AssumeRole" }}]
  }}))
}}
output "stage" {{
  value = provider::secbaseline::resource_findings("aws_api_gateway_stage", {{
    rest_api_id          = "a1b2c3"
    stage_name           = "prod"
    xray_tracing_enabled = false
    access_log_settings  = [{{ destination_arn = "arn:aws:logs:us-east-1:123456789012:log-group:access", format = "$context.requestId" }}]
    variables            = {{ db_password = "hunter2hunter2" }}
  }})
}}
"#,
        api_wide = hcl(API_WIDE),
        least = hcl(LEAST)
    );
    let ws = Workspace::offline(&config(&body));
    ws.apply().assert_success();
    let policy = ws.output_json("policy");
    assert_eq!(
        statuses(&policy, "apigateway_iam_least_privilege"),
        vec!["FAIL"],
        "{policy}"
    );
    let first = &policy[0];
    for attr in [
        "control_id",
        "service",
        "severity",
        "status",
        "resource_id",
        "region",
        "message",
    ] {
        assert!(first[attr].is_string(), "{attr} in {first}");
    }
    // A policy judged on its own belongs to no account the function could know of.
    assert!(first["account_id"].is_null(), "{first}");
    let least = ws.output_json("least");
    assert!(
        least
            .as_array()
            .is_some_and(|l| l.iter().all(|f| f["status"] != "FAIL")),
        "{least}"
    );
    let trust = ws.output_json("trust");
    assert!(trust.is_array(), "{trust}");
    let stage = ws.output_json("stage");
    assert_eq!(
        statuses(&stage, "apigateway_rest_xray_tracing"),
        vec!["FAIL"]
    );
    assert_eq!(
        statuses(&stage, "apigateway_rest_access_logging"),
        vec!["PASS"]
    );
    assert_eq!(
        statuses(&stage, "apigateway_stage_variables_no_secrets"),
        vec!["FAIL"]
    );
    // The object alone does not say its region or account: it is named by its type, and
    // neither is made up.
    assert_eq!(stage[0]["resource_id"], "aws_api_gateway_stage", "{stage}");
    assert!(stage[0]["region"].is_null(), "{stage}");
    assert!(stage[0]["account_id"].is_null(), "{stage}");
}

#[test]
fn values_known_only_after_apply_are_unknown_findings() {
    // The log group's ARN is unknown at plan time: the function is still called
    // (allow_unknown_values on `object`) and says UNKNOWN for access logging only.
    let body = r#"
resource "terraform_data" "log_group" {
  input = "access"
}
output "stage" {
  value = provider::secbaseline::resource_findings("aws_api_gateway_stage", {
    stage_name           = "prod"
    xray_tracing_enabled = true
    access_log_settings  = [{ destination_arn = terraform_data.log_group.id, format = "x" }]
  })
}
"#;
    let ws = Workspace::offline(&config(body));
    let plan = ws.plan_json();
    let stage = &plan["output_changes"]["stage"]["after"];
    assert_eq!(
        statuses(stage, "apigateway_rest_access_logging"),
        vec!["UNKNOWN"],
        "{plan}"
    );
    assert_eq!(
        statuses(stage, "apigateway_rest_xray_tracing"),
        vec!["PASS"]
    );
}

#[test]
fn check_block_warns_about_a_failing_stage() {
    let body = r#"
locals {
  stage = { stage_name = "prod", xray_tracing_enabled = false }
}
check "stage_baseline" {
  assert {
    condition = alltrue([
      for f in provider::secbaseline::resource_findings("aws_api_gateway_stage", local.stage) : f.status != "FAIL"
    ])
    error_message = join("; ", [
      for f in provider::secbaseline::resource_findings("aws_api_gateway_stage", local.stage) : f.control_id if f.status == "FAIL"
    ])
  }
}
"#;
    let ws = Workspace::offline(&config(body));
    let out = ws.plan();
    out.assert_success();
    let text = out.combined();
    assert!(text.contains("Check block assertion failed"), "{out}");
    assert!(text.contains("apigateway_rest_xray_tracing"), "{out}");
}

#[test]
fn wrong_arguments_are_errors_on_the_argument() {
    let cases = [
        (
            r#"output "x" { value = provider::secbaseline::policy_findings("{not json") }"#,
            "not a valid IAM policy document",
        ),
        (
            r#"output "x" { value = provider::secbaseline::trust_findings(jsonencode({ Statement = 3 })) }"#,
            "not a valid trust policy document",
        ),
        (
            r#"output "x" { value = provider::secbaseline::resource_findings("aws_s3_bucket", { bucket = "b" }) }"#,
            "is not judged by secbaseline",
        ),
        (
            r#"output "x" { value = provider::secbaseline::resource_findings("aws_api_gateway_stage", "prod") }"#,
            "must be a resource object",
        ),
    ];
    for (body, message) in cases {
        let ws = Workspace::offline(&config(body));
        let out = ws.plan();
        out.assert_failure();
        // Terraform wraps diagnostic text: compare with white space collapsed.
        let text = out
            .combined()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(text.contains(message), "expected {message:?}:\n{out}");
        assert!(
            text.contains("parameter"),
            "the diagnostic should name the parameter:\n{out}"
        );
    }
}

fn guard_files(policy: &str) -> Vec<(String, String)> {
    let module = include_str!("../../examples/modules/admin-policy-guard/main.tf");
    let main = format!(
        r#"{HEADER}
module "guard" {{
  source      = "./modules/admin-policy-guard"
  name        = "deploy"
  policy_json = {}
}}
output "approved" {{
  value = module.guard.policy_json
}}
"#,
        hcl(policy)
    );
    vec![
        ("main.tf".into(), main),
        (
            "modules/admin-policy-guard/main.tf".into(),
            module.to_owned(),
        ),
    ]
}

fn guard_workspace(policy: &str) -> Workspace {
    let files = guard_files(policy);
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    Workspace::offline_with_mirror_files(&refs)
}

#[test]
fn admin_policy_guard_accepts_a_least_privilege_policy() {
    let ws = guard_workspace(LEAST);
    ws.apply().assert_success();
    assert_eq!(
        ws.output_json("approved"),
        serde_json::Value::String(LEAST.into())
    );
}

#[test]
fn admin_policy_guard_rejects_a_wildcard_service_policy_at_plan_time() {
    let ws = guard_workspace(API_WIDE);
    let out = ws.plan();
    out.assert_failure();
    let text = out.combined();
    assert!(text.contains("Resource precondition failed"), "{out}");
    assert!(
        text.contains("IAM policy \"deploy\" is rejected by secbaseline"),
        "{out}"
    );
    assert!(text.contains("apigateway_iam_least_privilege"), "{out}");
}

#[test]
fn admin_policy_guard_rejects_an_admin_policy_at_plan_time() {
    // The guard's promise rests on this control: without it the test must fail, not pass.
    assert!(
        secbaseline_engine::rules::find("iam_policy_no_admin").is_some(),
        "iam_policy_no_admin is not in the catalogue: the admin-policy guard cannot refuse \
         admin policies"
    );
    let ws = guard_workspace(ADMIN);
    let out = ws.plan();
    out.assert_failure();
    let text = out.combined();
    assert!(text.contains("Resource precondition failed"), "{out}");
    assert!(text.contains("iam_policy_no_admin"), "{out}");
}
