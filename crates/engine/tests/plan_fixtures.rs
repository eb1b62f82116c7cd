//! Plan JSON fixtures in `terraform show -json` format 1.2 → the expected PASS / FAIL /
//! UNKNOWN per resource address, and PlanErrors for malformed input.
//!
//! The hashicorp/aws provider cannot be installed on the test machines, so the AWS fixtures
//! are hand-written in the exact shape Terraform 1.11 writes (checked against
//! `real_terraform_data.json`, a plan Terraform itself produced with the built-in
//! `terraform_data` resource: modules with for_each/count, unknown values, a delete).

use std::path::PathBuf;

use secbaseline_engine::assessment::{Assessment, Request};
use secbaseline_engine::finding::{Finding, Status};
use secbaseline_engine::params::Params;
use secbaseline_engine::plan::{self, Action, PlanError, PlanFacts};
use time::macros::datetime;

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/plans")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn planned(name: &str) -> PlanFacts {
    let plan = plan::parse_plan(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    plan::plan_facts(&plan, ACCOUNT, REGION)
}

fn params() -> Params {
    Params::at(datetime!(2025-06-01 0:00 UTC))
}

fn assess(name: &str) -> Assessment {
    plan::assess_plan(&planned(name), &params(), &Request::default())
}

/// The statuses `control` gives the resource at `address`.
fn status(findings: &[Finding], control: &str, address: &str) -> Vec<Status> {
    findings
        .iter()
        .filter(|f| f.control_id == control && f.address.as_deref() == Some(address))
        .map(|f| f.status)
        .collect()
}

#[track_caller]
fn expect(findings: &[Finding], control: &str, address: &str, want: Status) {
    let got = status(findings, control, address);
    assert_eq!(
        got,
        vec![want],
        "{control} on {address}; findings of the control: {:#?}",
        findings
            .iter()
            .filter(|f| f.control_id == control)
            .map(|f| (f.address.clone(), f.status, f.message.clone()))
            .collect::<Vec<_>>()
    );
}

#[test]
fn api_gateway_plan_with_modules_unknowns_and_a_delete() {
    let a = assess("apigateway_modules.json");
    let f = &a.findings;
    // REST methods: GET without authorization fails; OPTIONS is out of scope.
    expect(
        f,
        "apigateway_rest_method_authorization",
        "aws_api_gateway_method.get_items",
        Status::Fail,
    );
    assert!(status(
        f,
        "apigateway_rest_method_authorization",
        "aws_api_gateway_method.options_items"
    )
    .iter()
    .all(|s| *s == Status::NotApplicable));
    // Stage in the root module.
    expect(
        f,
        "apigateway_rest_xray_tracing",
        "aws_api_gateway_stage.prod",
        Status::Pass,
    );
    expect(
        f,
        "apigateway_rest_access_logging",
        "aws_api_gateway_stage.prod",
        Status::Fail,
    );
    expect(
        f,
        "apigateway_rest_execution_logging",
        "aws_api_gateway_stage.prod",
        Status::Pass,
    );
    expect(
        f,
        "apigateway_rest_waf",
        "aws_api_gateway_stage.prod",
        Status::Fail,
    );
    expect(
        f,
        "apigateway_stage_variables_no_secrets",
        "aws_api_gateway_stage.prod",
        Status::Fail,
    );
    // Stage in a child module: its log destination is known only after apply.
    let edge = "module.edge.aws_api_gateway_stage.this";
    expect(f, "apigateway_rest_access_logging", edge, Status::Unknown);
    expect(f, "apigateway_rest_xray_tracing", edge, Status::Fail);
    // HTTP API routes and integration.
    expect(
        f,
        "apigateway_v2_route_authorization",
        "aws_apigatewayv2_route.open",
        Status::Fail,
    );
    expect(
        f,
        "apigateway_v2_route_authorization",
        "aws_apigatewayv2_route.jwt",
        Status::Pass,
    );
    expect(
        f,
        "apigateway_v2_private_integration_tls",
        "aws_apigatewayv2_integration.private",
        Status::Fail,
    );
    // Domain names, one two modules deep.
    expect(
        f,
        "apigateway_domain_tls",
        "aws_apigatewayv2_domain_name.orders",
        Status::Pass,
    );
    expect(
        f,
        "apigateway_domain_tls",
        "module.edge.module.tls.aws_api_gateway_domain_name.legacy",
        Status::Fail,
    );
    // The deleted stage is gone.
    assert!(f
        .iter()
        .all(|x| x.address.as_deref() != Some("aws_api_gateway_stage.old")));
    // No planned resource says anything about CloudTrail: not FAIL on the plan's word.
    assert!(f
        .iter()
        .filter(|x| x.control_id == "apigateway_cloudtrail")
        .all(|x| x.status == Status::NotApplicable));
    // Findings about planned resources name them.
    assert!(f
        .iter()
        .filter(|x| matches!(x.status, Status::Fail | Status::Unknown))
        .all(|x| x.address.is_some()));
    // The stage ARN is unknown for a new API: the resource id is the address.
    let xray = f.iter().find(|x| {
        x.control_id == "apigateway_rest_xray_tracing" && x.address.as_deref() == Some(edge)
    });
    assert_eq!(
        xray.map(|x| x.resource_id.as_str()),
        Some("arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/edge")
    );
}

#[test]
fn api_gateway_method_path_is_rebuilt_from_references() {
    let pf = planned("apigateway_modules.json");
    let rf = &pf.facts.regions[REGION];
    let apis = &rf.apigateway.ok().expect("collected").rest_apis;
    let pets = apis.iter().find(|a| a.name == "pets").expect("pets API");
    assert_eq!(pets.methods.len(), 2);
    assert!(
        pets.methods.iter().all(|m| m.path == "/items"),
        "{:?}",
        pets.methods
    );
    assert_eq!(pets.stages.len(), 1);
    assert!(pets.stages[0].method_settings.contains_key("*/*"));
    // The destroyed stage is recorded for live+plan.
    assert_eq!(pf.destroyed, vec!["aws_api_gateway_stage.old".to_owned()]);
}

#[test]
fn iam_plan_documents_from_data_sources_and_deferred_reads() {
    let pf = planned("iam_documents.json");
    let iam = pf.facts.iam.ok().expect("IAM collected");
    let readonly = iam
        .policies
        .iter()
        .find(|p| p.name == "readonly")
        .expect("policy");
    // The policy's own value is unknown, but the data source it refers to was read.
    assert!(readonly
        .document
        .as_known()
        .is_some_and(|d| d.contains("lex:*")));
    let app = iam.roles.iter().find(|r| r.name == "app").expect("role");
    assert_eq!(app.inline_policies.len(), 2);
    let deferred = app
        .inline_policies
        .iter()
        .find(|p| p.name == "deferred")
        .expect("inline");
    assert!(
        deferred.document.is_unknown(),
        "deferred data source → unknown document"
    );
    assert_eq!(
        deferred.address.as_deref(),
        Some("aws_iam_role_policy.app_deferred")
    );
    // Attachments: a planned policy (by reference) and an AWS-managed one.
    assert_eq!(app.attached_policies.len(), 2);
    assert!(readonly.attached_to.iter().any(|a| a.name == "app"));
    // Placeholder identities for users/groups the plan only adds policies to.
    assert!(iam
        .users
        .iter()
        .any(|u| u.name == "ci-bot" && u.address.is_none()));
    assert!(iam.groups.iter().any(|g| g.name == "data"));
    let pp = iam.password_policy.as_ref().expect("password policy");
    assert_eq!(pp.minimum_length.as_known(), Some(&Some(14)));
    // The deleted policy is not planned, but recorded for removal.
    assert!(iam.policies.iter().all(|p| p.name != "legacy"));
    let removed = pf.removed.iam.ok().expect("removed IAM");
    assert!(removed.policies.iter().any(|p| p.name == "legacy"));

    let a = assess("iam_documents.json");
    let f = &a.findings;
    expect(
        f,
        "apigateway_iam_least_privilege",
        "aws_iam_policy.api_admin",
        Status::Fail,
    );
    expect(
        f,
        "apigateway_iam_least_privilege",
        "aws_iam_policy.readonly",
        Status::Pass,
    );
    assert!(
        status(f, "apigateway_iam_least_privilege", "aws_iam_role.app").contains(&Status::Fail)
    );
    expect(
        f,
        "apigateway_iam_least_privilege",
        "aws_iam_role_policy.app_deferred",
        Status::Unknown,
    );
    expect(
        f,
        "apigateway_iam_least_privilege",
        "aws_iam_user_policy.ci",
        Status::Unknown,
    );
    expect(
        f,
        "apigateway_iam_least_privilege",
        "module.team[\"data\"].aws_iam_group_policy.this",
        Status::Pass,
    );
}

#[test]
fn logging_and_apps_plan() {
    let pf = planned("logging_apps.json");
    // The aliased provider puts the west trail in us-west-2.
    let west = pf.facts.regions.get("us-west-2").expect("us-west-2 facts");
    let trails = &west.cloudtrail.ok().expect("trails").trails;
    assert_eq!(trails.len(), 1);
    assert_eq!(trails[0].name, "west");
    let east = &pf.facts.regions[REGION];
    let cfg = east.config.ok().expect("config");
    assert_eq!(cfg.recorders.len(), 1);
    assert_eq!(cfg.recorders[0].recording.as_known(), Some(&true));
    let apps = &east.pinpoint.ok().expect("pinpoint").apps;
    let streamed = apps.iter().find(|a| a.name == "streamed").expect("app");
    assert!(streamed.event_stream.flatten_ref().is_some());
    assert!(east.lex.ok().is_some_and(|l| l.bots.len() == 1));

    let a = assess("logging_apps.json");
    let f = &a.findings;
    expect(
        f,
        "cloudtrail_kms_encryption",
        "aws_cloudtrail.main",
        Status::Unknown,
    );
    expect(
        f,
        "cloudtrail_log_file_validation",
        "aws_cloudtrail.main",
        Status::Pass,
    );
    expect(
        f,
        "cloudtrail_cloudwatch_logs",
        "aws_cloudtrail.main",
        Status::Pass,
    );
    expect(
        f,
        "cloudtrail_log_file_validation",
        "aws_cloudtrail.west",
        Status::Fail,
    );
    expect(
        f,
        "cloudtrail_kms_encryption",
        "aws_cloudtrail.west",
        Status::Fail,
    );
    expect(
        f,
        "cloudwatch_alarm_actions",
        "aws_cloudwatch_metric_alarm.root",
        Status::Pass,
    );
    expect(
        f,
        "cloudwatch_alarm_actions",
        "aws_cloudwatch_metric_alarm.silent",
        Status::Fail,
    );
    // The multi-region trail the plan creates earns the account-level PASS.
    assert!(f
        .iter()
        .any(|x| x.control_id == "cloudtrail_multi_region" && x.status == Status::Pass));
    // Every planned-resource finding has its address; nothing account-level FAILs.
    assert!(f
        .iter()
        .filter(|x| x.address.is_none())
        .all(|x| x.status != Status::Fail));
}

#[test]
fn real_terraform_plan_is_read() {
    let text = fixture("real_terraform_data.json");
    let plan = plan::parse_plan(&text).expect("a plan Terraform wrote");
    assert_eq!(plan.format_version, "1.2");
    let actions: Vec<(&str, Action)> = plan
        .resources
        .iter()
        .map(|r| (r.address.as_str(), r.action))
        .collect();
    assert!(actions.contains(&("terraform_data.after", Action::Delete)));
    assert!(actions.contains(&(
        "module.child[\"x\"].module.nested.terraform_data.deep",
        Action::Update
    )));
    let deep = plan
        .resources
        .iter()
        .find(|r| r.name == "deep")
        .expect("nested module resource");
    assert_eq!(deep.module_address, "module.child[\"x\"].module.nested");
    let fresh = plan
        .resources
        .iter()
        .find(|r| r.name == "fresh")
        .expect("fresh");
    assert_eq!(fresh.after_unknown["output"], serde_json::Value::Bool(true));
    // No AWS resources: nothing is touched, nothing fails.
    let pf = plan::plan_facts(&plan, ACCOUNT, REGION);
    assert!(pf.touched.is_empty());
}

#[test]
fn malformed_plans_are_clear_errors() {
    let err = |name: &str| plan::parse_plan(&fixture(name)).err();
    match err("truncated.json") {
        Some(PlanError::Truncated { .. }) => {}
        other => panic!("truncated: {other:?}"),
    }
    let e = err("truncated.json")
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("truncated") && e.contains("terraform show -json"),
        "{e}"
    );
    assert!(matches!(
        err("not_json.txt"),
        Some(PlanError::NotJson { line: 1, .. })
    ));
    match err("format_2.json") {
        Some(PlanError::UnsupportedFormat { found }) => assert_eq!(found, "2.0"),
        other => panic!("format 2: {other:?}"),
    }
    assert_eq!(err("state_not_plan.json"), Some(PlanError::StateNotPlan));
    match err("wrong_shape.json") {
        Some(PlanError::WrongShape { path, .. }) => assert_eq!(path, "resource_changes[0].change"),
        other => panic!("wrong shape: {other:?}"),
    }
    assert_eq!(
        plan::parse_plan("{}").err(),
        Some(PlanError::MissingFormatVersion)
    );
    assert_eq!(
        plan::parse_plan(r#"{"format_version":"1.2"}"#).err(),
        Some(PlanError::Missing {
            member: "planned_values"
        })
    );
    assert!(matches!(
        plan::parse_plan("[1,2]"),
        Err(PlanError::WrongShape { .. })
    ));
    // A configuration with no resources has no resource_changes at all: fine.
    assert!(plan::parse_plan(&fixture("empty_config.json")).is_ok());
}
