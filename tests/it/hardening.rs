//! Hardening through the real `terraform` binary: many bundles and assessments at
//! `-parallelism=20` (the shared collection cache stays correct, each source is collected once
//! per provider process, no deadlock), and secrets (credentials, session tokens, secret-looking
//! stage variables) never reaching logs at TF_LOG=trace, stdout/stderr, state, findings or SARIF.
//! (`tests/it/protocol.rs` checks the provider's own stderr at the RPC level; this is the
//! Terraform level: Terraform's log, the state file and the outputs.)

use crate::common;

use std::time::Duration;

use common::inventory::{count, inventory};
use common::{Emulator, FaultProxy, Output, Workspace};
use serde_json::Value;

/// Upper bound of an apply/destroy: a deadlock fails the test instead of stalling CI.
const RUN_LIMIT: Duration = Duration::from_secs(600);
const QUICK_LIMIT: Duration = Duration::from_secs(180);

const HEADER: &str = r#"
terraform {
  required_providers {
    secbaseline = { source = "secbaseline/secbaseline" }
  }
}
"#;

/// Service sets of the ten assessments: overlapping, with two identical pairs.
const ASSESSMENTS: &[(&str, &str)] = &[
    ("a0", r#"["iam"]"#),
    ("a1", r#"["iam"]"#),
    ("a2", r#"["iam", "sts"]"#),
    ("a3", r#"["apigateway", "iam"]"#),
    ("a4", r#"["apigateway"]"#),
    ("a5", r#"["apigateway", "cloudtrail"]"#),
    ("a6", r#"["cloudtrail", "config", "cloudwatch"]"#),
    ("a7", r#"["cloudwatch", "iam"]"#),
    (
        "a8",
        r#"["apigateway", "iam", "sts", "cloudtrail", "config", "cloudwatch"]"#,
    ),
    (
        "a9",
        r#"["apigateway", "iam", "sts", "cloudtrail", "config", "cloudwatch"]"#,
    ),
];

fn assessment(name: &str, services: &str) -> String {
    format!(
        "data \"secbaseline_assessment\" \"{name}\" {{\n  services = {services}\n}}\noutput \"{name}\" {{\n  value = data.secbaseline_assessment.{name}.findings\n}}\n"
    )
}

/// Seven bundles with distinct names: three trails, an alarms bundle on each trail's log
/// group, and the Config rules with the region's recorder.
fn bundles() -> String {
    let mut tf = String::new();
    for i in 1..=3 {
        tf += &format!(
            "resource \"secbaseline_cloudtrail\" \"t{i}\" {{\n  name = \"trail{i}\"\n  force_destroy = true\n}}\n\
             resource \"secbaseline_alarms\" \"a{i}\" {{\n  name_prefix = \"alarms{i}-\"\n  cloudtrail_log_group_name = secbaseline_cloudtrail.t{i}.log_group_name\n}}\n"
        );
    }
    tf += "resource \"secbaseline_config_rules\" \"rules\" {\n  name_prefix = \"rules-\"\n  services = [\"apigateway\", \"iam\"]\n  recorder {\n    force_destroy = true\n  }\n}\n";
    tf
}

/// A REST API and an IAM user, so the assessments have something to find.
const SEED: &str = r#"
ag = boto3.client("apigateway")
api = ag.create_rest_api(name="shop")["id"]
root = ag.get_resources(restApiId=api)["items"][0]["id"]
ag.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
ag.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
ag.create_deployment(restApiId=api, stageName="prod", variables=VARIABLES)
iam = boto3.client("iam")
iam.create_user(UserName="alice")
iam.create_access_key(UserName="alice")
"#;

fn seed(emu: &Emulator, variables: &str) {
    emu.python(&SEED.replace("VARIABLES", variables));
}

#[track_caller]
fn ok(out: Output) -> Output {
    assert!(!out.timed_out, "timed out (deadlock?):\n{out}");
    out.assert_success();
    out
}

/// A workspace whose provider reaches `emu` through a fault proxy at rate 0, which counts
/// every AWS call by operation.
fn counted_workspace(emu: &Emulator) -> (FaultProxy, Workspace) {
    let proxy = FaultProxy::start(emu, 0.0, 1);
    let mut ws = Workspace::new(emu, HEADER);
    ws.set_env("AWS_ENDPOINT_URL", proxy.endpoint());
    (proxy, ws)
}

/// IAM calls that only the whole of IAM needs (credential report and account-level reads).
const CREDENTIAL_CALLS: &[&str] = &[
    "GenerateCredentialReport",
    "GetCredentialReport",
    "GetAccountSummary",
    "GetAccountPasswordPolicy",
    "ListVirtualMFADevices",
    "ListServerCertificates",
];

#[test]
fn policy_only_assessments_skip_the_credential_report_and_share_authorization_details() {
    let emu = Emulator::start();
    seed(&emu, "{}");
    let (proxy, ws) = counted_workspace(&emu);

    // API Gateway and STS read IAM policies only: authorization details, no credential report.
    ws.write(
        "main.tf",
        &format!("{HEADER}{}", assessment("p", r#"["apigateway", "sts"]"#)),
    );
    ok(ws.run_bounded(
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        QUICK_LIMIT,
    ));
    let policies_only = proxy.stats();
    assert_eq!(
        policies_only.calls("GetAccountAuthorizationDetails"),
        1,
        "{policies_only:?}"
    );
    for op in CREDENTIAL_CALLS {
        assert_eq!(
            policies_only.calls(op),
            0,
            "{op} for a policy-only assessment"
        );
    }
    let findings = ws.output_json("p");
    let judged: Vec<&Value> = findings
        .as_array()
        .map(|f| {
            f.iter()
                .filter(|x| {
                    x["control_id"] == "apigateway_iam_least_privilege" || x["service"] == "sts"
                })
                .collect()
        })
        .unwrap_or_default();
    assert!(
        !judged.is_empty()
            && judged.iter().all(|x| ["PASS", "FAIL", "NOT_APPLICABLE"]
                .contains(&x["status"].as_str().unwrap_or_default())),
        "policy controls are judged from the authorization details: {judged:#?}"
    );

    // With the whole of IAM asked for too, one provider process fetches the authorization
    // details once for both assessments, and the credential parts once.
    ws.write(
        "main.tf",
        &format!(
            "{HEADER}{}{}",
            assessment("p", r#"["apigateway", "sts"]"#),
            assessment("i", r#"["iam"]"#)
        ),
    );
    ok(ws.run_bounded(&["plan", "-input=false", "-no-color"], QUICK_LIMIT));
    let both = proxy.stats();
    assert_eq!(
        both.calls("GetAccountAuthorizationDetails")
            - policies_only.calls("GetAccountAuthorizationDetails"),
        1,
        "{both:?}"
    );
    for op in [
        "GetCredentialReport",
        "GetAccountSummary",
        "GetAccountPasswordPolicy",
    ] {
        assert_eq!(
            both.calls(op),
            1,
            "{op} once for the whole of IAM: {both:?}"
        );
    }
}

#[test]
fn parallel_bundles_and_assessments_share_one_collection() {
    let emu = Emulator::start();
    seed(&emu, "{}");
    let (proxy, ws) = counted_workspace(&emu);

    // Baseline: one assessment of every service the ten below ask for.
    ws.write(
        "main.tf",
        &format!("{HEADER}{}", assessment("all", ASSESSMENTS[9].1)),
    );
    let before = proxy.stats();
    ok(ws.run_bounded(&["plan", "-input=false", "-no-color"], QUICK_LIMIT));
    let one = proxy.stats();

    // Ten overlapping assessments in one plan: every collection call is made exactly as often
    // as for the one assessment — once per provider process, not once per data source.
    let mut tf = HEADER.to_string();
    for (name, services) in ASSESSMENTS {
        tf += &assessment(name, services);
    }
    ws.write("main.tf", &tf);
    ok(ws.run_bounded(
        &["plan", "-input=false", "-no-color", "-parallelism=20"],
        QUICK_LIMIT,
    ));
    let ten = proxy.stats();
    let mut compared = 0;
    for (op, n_after_one) in &one.by_operation {
        if op == "GetCallerIdentity" {
            continue; // once per configured provider process, not per collection
        }
        let baseline = n_after_one - before.calls(op);
        let with_ten = ten.calls(op) - n_after_one;
        // At most as many: a call may be fewer the second time (the credential report, once
        // generated, is not generated again), never more.
        assert!(
            with_ten <= baseline,
            "{op}: {baseline} call(s) for one assessment but {with_ten} for ten"
        );
        compared += 1;
    }
    assert!(
        ten.calls("GetAccountAuthorizationDetails")
            == one.calls("GetAccountAuthorizationDetails") + 1
            && compared >= 5,
        "the baseline collected nothing, so the comparison proves nothing: {one:?}"
    );

    // Bundles and assessments together at -parallelism=20: no deadlock, all succeed.
    tf += &bundles();
    ws.write("main.tf", &tf);
    ok(ws.run_bounded(
        &[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-parallelism=20",
        ],
        RUN_LIMIT,
    ));
    let outputs = ok(ws.run_bounded(&["output", "-json", "-no-color"], QUICK_LIMIT));
    let outputs: Value = serde_json::from_str(&outputs.stdout).expect("output -json is JSON");
    for (a, b) in [("a0", "a1"), ("a8", "a9")] {
        let fa = &outputs[a]["value"];
        assert!(
            fa.as_array().is_some_and(|f| !f.is_empty()),
            "{a} has findings: {fa}"
        );
        assert_eq!(
            fa, &outputs[b]["value"],
            "identical assessments {a} and {b}"
        );
    }
    // The IAM findings agree wherever they appear (one cached collection behind them all).
    let of_service = |name: &str, service: &str| -> Vec<Value> {
        outputs[name]["value"]
            .as_array()
            .map(|f| {
                f.iter()
                    .filter(|x| x["service"] == service)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    for name in ["a2", "a3", "a7", "a8"] {
        assert_eq!(
            of_service(name, "iam"),
            of_service("a0", "iam"),
            "IAM findings of {name} and a0"
        );
    }
    // API Gateway alone reads IAM policies without the credential parts, and judges them as
    // an assessment that collected the whole of IAM does.
    assert_eq!(
        of_service("a4", "apigateway"),
        of_service("a3", "apigateway"),
        "API Gateway findings with and without the whole of IAM"
    );
    let inv = inventory(&emu);
    assert_eq!(inv["trails"].as_array().map(Vec::len), Some(3), "{inv}");
    assert_eq!(inv["alarms"].as_array().map(Vec::len), Some(42), "{inv}");

    // Destroy in parallel too: nothing left.
    ok(ws.run_bounded(
        &[
            "destroy",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-parallelism=20",
        ],
        RUN_LIMIT,
    ));
    let inv = inventory(&emu);
    // The seeded user's access key is not a bundle's; everything else must be gone.
    assert_eq!(count(&inv), 0, "orphans after a parallel destroy: {inv}");
}

const ACCESS_KEY_ID: &str = "AKIASBHARDENTEST0001";
const SECRET_KEY: &str = "sbHardenSecretKeyNeverShown0123456789ABCD";
const SESSION_TOKEN: &str = "sbHardenSessionTokenNeverShown9876543210xyz";
const STAGE_PASSWORD: &str = "sbStagePasswordNeverShown-4242";
const STAGE_KEY_ID: &str = "AKIASTAGEVARIABLE0042";

/// The distinctive values, and 16-character fragments of each (a value may be split).
fn needles() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (name, value) in [
        ("access key id", ACCESS_KEY_ID),
        ("secret access key", SECRET_KEY),
        ("session token", SESSION_TOKEN),
        ("db_password stage variable", STAGE_PASSWORD),
        ("access key in a stage variable", STAGE_KEY_ID),
    ] {
        out.push((name, value.to_string()));
        out.push((name, value[..16].to_string()));
        out.push((name, value[value.len() - 16..].to_string()));
    }
    out
}

#[track_caller]
fn assert_no_secret(place: &str, text: &str) {
    for (name, needle) in needles() {
        assert!(
            !text.contains(&needle),
            "the {name} (or part of it: {needle:?}) appears in {place}"
        );
    }
}

#[test]
fn secrets_never_reach_logs_state_or_findings() {
    let emu = Emulator::start();
    seed(
        &emu,
        &format!(
            r#"{{"db_password": "{STAGE_PASSWORD}", "upstream_key": "{STAGE_KEY_ID}", "host": "db.internal"}}"#
        ),
    );
    let config = format!(
        r#"{HEADER}
data "secbaseline_assessment" "api" {{
  services = ["apigateway", "iam", "sts"]
}}
output "findings" {{
  value = data.secbaseline_assessment.api.findings
}}
output "sarif" {{
  value = data.secbaseline_assessment.api.sarif
}}
resource "secbaseline_config_rules" "rules" {{
  name_prefix = "s-"
  services    = ["apigateway"]
  recorder {{}}
}}
"#
    );
    let mut ws = Workspace::new(&emu, &config);
    let log_path = ws.dir().join("trace.log");
    ws.set_env("TF_LOG", "trace");
    ws.set_env("TF_LOG_PATH", &log_path.display().to_string());
    ws.set_env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID);
    ws.set_env("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    ws.set_env("AWS_SESSION_TOKEN", SESSION_TOKEN);

    let plan = ok(ws.run_bounded(&["plan", "-input=false", "-no-color"], QUICK_LIMIT));
    let apply = ok(ws.run_bounded(
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        RUN_LIMIT,
    ));
    let outputs = ok(ws.run_bounded(&["output", "-json", "-no-color"], QUICK_LIMIT));
    let show = ok(ws.run_bounded(&["show", "-json", "-no-color"], QUICK_LIMIT));
    let state = std::fs::read_to_string(ws.dir().join("terraform.tfstate")).expect("state file");
    let log = std::fs::read_to_string(&log_path).expect("TF_LOG_PATH file");

    // Not vacuous: the trace log has the provider's own lines and the AWS calls, the findings
    // name the offending variables, and the SARIF document is there.
    assert!(
        log.contains("secbaseline") && log.len() > 100_000,
        "TF_LOG=trace wrote a real log ({} bytes)",
        log.len()
    );
    let outputs_json: Value = serde_json::from_str(&outputs.stdout).expect("outputs JSON");
    let finding = outputs_json["findings"]["value"]
        .as_array()
        .and_then(|f| {
            f.iter()
                .find(|x| x["control_id"] == "apigateway_stage_variables_no_secrets")
        })
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(finding["status"], "FAIL", "{finding}");
    let message = finding["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("db_password") && message.contains("upstream_key"),
        "the finding names the variables: {message}"
    );
    assert!(
        !message.contains("host'"),
        "a harmless variable is not named: {message}"
    );
    let sarif = outputs_json["sarif"]["value"].as_str().unwrap_or_default();
    assert!(
        sarif.contains("apigateway_stage_variables_no_secrets"),
        "SARIF carries the finding"
    );

    for (place, text) in [
        ("plan stdout/stderr", plan.combined()),
        ("apply stdout/stderr", apply.combined()),
        ("terraform output -json", outputs.stdout.clone()),
        ("SARIF", sarif.to_string()),
        ("terraform show -json", show.stdout.clone()),
        ("terraform.tfstate", state),
        ("the TF_LOG=trace log", log),
    ] {
        assert_no_secret(place, &text);
    }
    ok(ws.run_bounded(
        &["destroy", "-auto-approve", "-input=false", "-no-color"],
        RUN_LIMIT,
    ));
}
