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

/// The fixture's planned facts: every fixture works in one account.
fn planned(name: &str) -> PlanFacts {
    let plan = plan::parse_plan(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut accounts = plan::plan_facts(&plan, Some(ACCOUNT), Some(REGION));
    assert_eq!(accounts.len(), 1, "{name} works in one account");
    accounts.remove(0)
}

fn params() -> Params {
    Params::at(datetime!(2025-06-01 0:00 UTC))
}

fn assess(name: &str) -> Assessment {
    let a = plan::assess_plan(&[planned(name)], &params(), &Request::default());
    assert_unique(&a.findings);
    a
}

/// Every finding is one (control, resource) pair: `{for f in findings : "${f.control_id}
/// ${f.resource_id}" => f}` must work in Terraform.
#[track_caller]
fn assert_unique(findings: &[Finding]) {
    let mut seen = std::collections::BTreeSet::new();
    for f in findings {
        assert!(
            seen.insert((&f.control_id, &f.resource_id)),
            "two findings of {} on {}: {:#?}",
            f.control_id,
            f.resource_id,
            findings
                .iter()
                .filter(|g| g.control_id == f.control_id && g.resource_id == f.resource_id)
                .collect::<Vec<_>>()
        );
    }
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
    let pf = plan::plan_facts(&plan, Some(ACCOUNT), Some(REGION));
    assert!(pf.iter().all(|p| p.touched.is_empty()));
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

mod live_plus_plan {
    use super::*;
    use secbaseline_engine::facts::{
        ApiGatewayFacts, Collected, Facts, IamFacts, InlinePolicy, ManagedPolicy, RestApi,
        RestStage, User,
    };

    fn live() -> Facts {
        let mut facts = Facts::new(ACCOUNT);
        let stage = |name: &str| RestStage {
            name: name.into(),
            ..Default::default()
        };
        facts.region_mut(REGION).apigateway = Collected::Ok(ApiGatewayFacts {
            rest_apis: vec![
                RestApi {
                    id: "zz99zz99zz".into(),
                    name: "legacy-api".into(),
                    stages: vec![stage("old"), stage("live")],
                    ..Default::default()
                },
                RestApi {
                    id: "a1b2c3d4e5".into(),
                    name: "edge-api".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        });
        facts.iam = Collected::Ok(IamFacts {
            policies: vec![ManagedPolicy {
                name: "legacy".into(),
                arn: "arn:aws:iam::123456789012:policy/legacy".into(),
                document: r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.into(),
                ..Default::default()
            }],
            users: vec![User {
                name: "ci-bot".into(),
                arn: "arn:aws:iam::123456789012:user/ci-bot".into(),
                inline_policies: vec![InlinePolicy {
                    name: "deploy".into(),
                    document: r#"{"Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"#.into(),
                    address: None,
                }],
                ..Default::default()
            }],
            ..Default::default()
        });
        facts
    }

    #[test]
    fn deletes_remove_and_planned_children_join_live_parents() {
        let merged = plan::overlay(&live(), &planned("apigateway_modules.json"));
        let apis = &merged.regions[REGION]
            .apigateway
            .ok()
            .expect("ok")
            .rest_apis;
        let legacy = apis
            .iter()
            .find(|a| a.name == "legacy-api")
            .expect("legacy");
        let names: Vec<&str> = legacy.stages.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["live"], "the planned delete removes stage old");
        let edge = apis
            .iter()
            .find(|a| a.name == "edge-api")
            .expect("live API keeps its name");
        assert_eq!(edge.stages.len(), 1);
        assert_eq!(
            edge.stages[0].address.as_deref(),
            Some("module.edge.aws_api_gateway_stage.this")
        );
        assert!(apis.iter().any(|a| a.name == "pets"), "new API added");
    }

    #[test]
    fn iam_overlay_replaces_documents_and_drops_deleted_policies() {
        let merged = plan::overlay(&live(), &planned("iam_documents.json"));
        let iam = merged.iam.ok().expect("ok");
        assert!(iam.policies.iter().all(|p| p.name != "legacy"));
        let ci = iam
            .users
            .iter()
            .find(|u| u.name == "ci-bot")
            .expect("live user");
        assert_eq!(ci.inline_policies.len(), 1);
        assert!(
            ci.inline_policies[0].document.is_unknown(),
            "planned update wins"
        );
        assert_eq!(
            ci.arn.as_known().map(String::as_str),
            Some("arn:aws:iam::123456789012:user/ci-bot")
        );
        assert!(iam.roles.iter().any(|r| r.name == "app"));
    }

    #[test]
    fn failed_live_collection_stays_failed() {
        let mut facts = live();
        facts.iam = Collected::failed("AccessDenied", "no");
        let merged = plan::overlay(&facts, &planned("iam_documents.json"));
        assert!(matches!(merged.iam, Collected::Failed { .. }));
    }
}

mod lone_documents {
    use super::*;
    use secbaseline_engine::plan::{
        policy_document_findings, resource_object_findings, resource_object_findings_with_unknown,
        trust_document_findings, PlanError,
    };
    use serde_json::json;

    #[test]
    fn policy_documents() {
        let wide = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:*","Resource":"*"}]}"#;
        let f = policy_document_findings(wide, &params()).expect("valid");
        assert!(f
            .iter()
            .any(|x| x.control_id == "apigateway_iam_least_privilege" && x.status == Status::Fail));
        let narrow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        let f = policy_document_findings(narrow, &params()).expect("valid");
        assert!(
            !f.is_empty() && f.iter().all(|x| x.status != Status::Fail),
            "{f:#?}"
        );
        assert!(f.iter().all(|x| x.resource_id == "policy_document"));
        assert!(policy_document_findings("{\"Statement\": 3}", &params()).is_err());
        assert!(policy_document_findings("not json", &params()).is_err());
    }

    #[test]
    fn trust_documents_only_run_trust_controls() {
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
        let f = trust_document_findings(trust, None, &params()).expect("valid");
        assert!(f.iter().all(|x| x.control_id.starts_with("sts_")), "{f:#?}");
        assert!(trust_document_findings("[]", None, &params()).is_err());
    }

    #[test]
    fn one_resource_object() {
        let stage = json!({
            "rest_api_id": "abc123", "stage_name": "prod", "xray_tracing_enabled": false,
            "access_log_settings": [{"destination_arn": "arn:aws:logs:us-east-1:1:log-group:x", "format": "f"}],
            "variables": {"api_key": "AKIAABCDEFGHIJKLMNOP"}
        });
        let f = resource_object_findings("aws_api_gateway_stage", &stage, &params()).expect("ok");
        let get = |c: &str| f.iter().find(|x| x.control_id == c).map(|x| x.status);
        assert_eq!(get("apigateway_rest_xray_tracing"), Some(Status::Fail));
        assert_eq!(get("apigateway_rest_access_logging"), Some(Status::Pass));
        assert_eq!(
            get("apigateway_stage_variables_no_secrets"),
            Some(Status::Fail)
        );
        assert!(f
            .iter()
            .all(|x| x.address.as_deref() == Some("aws_api_gateway_stage")));
        // Only controls the object decides: no execution-logging verdict (method settings
        // are another resource).
        assert_eq!(get("apigateway_rest_execution_logging"), None);

        let unknown = json!({"access_log_settings": [{"destination_arn": true}]});
        let f = resource_object_findings_with_unknown(
            "aws_api_gateway_stage",
            &stage,
            &unknown,
            &params(),
        )
        .expect("ok");
        assert!(f.iter().any(
            |x| x.control_id == "apigateway_rest_access_logging" && x.status == Status::Unknown
        ));

        let method = json!({"http_method": "GET", "authorization": "NONE", "rest_api_id": "abc", "resource_id": "r1"});
        let f = resource_object_findings("aws_api_gateway_method", &method, &params()).expect("ok");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);

        assert!(matches!(
            resource_object_findings("aws_s3_bucket", &json!({}), &params()),
            Err(PlanError::UnsupportedType { .. })
        ));
        assert!(matches!(
            resource_object_findings("aws_api_gateway_stage", &json!("prod"), &params()),
            Err(PlanError::WrongShape { .. })
        ));
    }
}

/// Plans as Terraform 0.12 (format 0.1), 0.15–1.0 (0.2), 1.1 (1.0) and 1.8+ (1.2) write them:
/// a module instance with an insecure stage, a role with an admin inline policy, values unknown
/// until apply, the region from a root variable. All four map and judge alike; 2.0 is refused.
mod formats {
    use super::*;

    fn judged(version: &str) -> Vec<(String, String, Status, Option<String>, String)> {
        let text = fixture(&format!("format_{version}.json"));
        let parsed = plan::parse_plan(&text).unwrap_or_else(|e| panic!("{version}: {e}"));
        assert_eq!(parsed.format_version, version);
        let planned = plan::plan_facts(&parsed, None, None);
        let a = plan::assess_plan(&planned, &params(), &Request::default());
        assert_unique(&a.findings);
        a.findings
            .into_iter()
            .filter(|f| f.address.is_some())
            .map(|f| {
                (
                    f.control_id,
                    f.address.unwrap_or_default(),
                    f.status,
                    f.account_id,
                    f.region,
                )
            })
            .collect()
    }

    #[test]
    fn every_format_terraform_wrote_since_0_12_is_read_alike() {
        let newest = judged("1.2");
        let stage = "module.api[\"orders\"].aws_api_gateway_stage.this";
        for (control, want) in [
            ("apigateway_rest_access_logging", Status::Fail),
            ("apigateway_stage_variables_no_secrets", Status::Fail),
            ("apigateway_rest_xray_tracing", Status::Fail),
        ] {
            let got: Vec<_> = newest
                .iter()
                .filter(|f| f.0 == control && f.1 == stage)
                .collect();
            assert_eq!(got.len(), 1, "{control}: {newest:#?}");
            assert_eq!(got[0].2, want, "{control}");
            // The region comes from the provider's `region = var.region`; no account is stated.
            assert_eq!(got[0].4, "eu-west-1", "{control}");
            assert_eq!(got[0].3, None, "{control}");
        }
        let admin: Vec<_> = newest
            .iter()
            .filter(|f| f.0 == "iam_policy_no_admin" && f.1 == "aws_iam_role_policy.everything")
            .collect();
        assert_eq!(admin.len(), 1, "{newest:#?}");
        assert_eq!(admin[0].2, Status::Fail);
        for version in ["0.1", "0.2", "1.0"] {
            assert_eq!(judged(version), newest, "format {version}");
        }
    }

    #[test]
    fn format_2_is_refused_naming_the_formats_read() {
        let err = plan::parse_plan(&fixture("format_2.json")).err();
        assert_eq!(
            err,
            Some(PlanError::UnsupportedFormat {
                found: "2.0".into()
            })
        );
        let text = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains("0.x") && text.contains("1.x"), "{text}");
    }
}

/// A planned resource lives where the plan says: its provider configuration's account
/// (`assume_role`) and region — never the caller's.
mod identity {
    use super::*;
    use serde_json::json;

    fn pinpoint_plan(provider: serde_json::Value) -> String {
        json!({
            "format_version": "1.2",
            "variables": {"region": {"value": "eu-west-1"}},
            "planned_values": {"root_module": {"resources": []}},
            "resource_changes": [{
                "address": "aws_pinpoint_app.shop", "mode": "managed", "type": "aws_pinpoint_app",
                "name": "shop", "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {"actions": ["create"], "before": null,
                           "after": {"name": "shop"},
                           "after_unknown": {"application_id": true, "arn": true, "id": true}}
            }],
            "configuration": {
                "provider_config": {"aws": provider},
                "root_module": {"resources": [{
                    "address": "aws_pinpoint_app.shop", "mode": "managed", "type": "aws_pinpoint_app",
                    "name": "shop", "provider_config_key": "aws", "expressions": {}
                }]}
            }
        })
        .to_string()
    }

    fn app_finding(provider: serde_json::Value, default_account: Option<&str>) -> Finding {
        let parsed = plan::parse_plan(&pinpoint_plan(provider)).expect("plan");
        let planned = plan::plan_facts(&parsed, default_account, Some(REGION));
        let a = plan::assess_plan(&planned, &params(), &Request::default());
        assert_unique(&a.findings);
        a.findings
            .into_iter()
            .find(|f| f.control_id == "pinpoint_event_stream" && f.address.is_some())
            .expect("a finding on the planned app")
    }

    #[test]
    fn account_and_region_come_from_the_provider_configuration() {
        let f = app_finding(
            json!({"name": "aws", "expressions": {
                "region": {"references": ["var.region"]},
                "assume_role": [{"role_arn": {"constant_value": "arn:aws:iam::185183891841:role/deploy"}}]
            }}),
            Some(ACCOUNT),
        );
        assert_eq!(f.account_id.as_deref(), Some("185183891841"));
        assert_eq!(f.region, "eu-west-1");
        assert_eq!(f.status, Status::Fail);
        // The app's ARN is not known until apply, so it is named by its address.
        assert_eq!(f.resource_id, "aws_pinpoint_app.shop");
    }

    #[test]
    fn without_a_stated_account_none_is_invented() {
        let f = app_finding(
            json!({"name": "aws", "expressions": {"allowed_account_ids": {"constant_value": ["111122223333", "444455556666"]}}}),
            None,
        );
        assert_eq!(f.account_id, None);
        // No region stated by the provider; the default the caller passes stands.
        assert_eq!(f.region, REGION);
        let one = app_finding(
            json!({"name": "aws", "expressions": {"allowed_account_ids": {"constant_value": ["111122223333"]}}}),
            None,
        );
        assert_eq!(one.account_id.as_deref(), Some("111122223333"));
    }
}
