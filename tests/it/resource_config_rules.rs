//! `secbaseline_config_rules` through the real `terraform` binary against the emulator:
//! create with a recorder, in-place update, drift repair, import by prefix, replacement,
//! destroy, the no-recorder refusal, and a create that fails halfway.

use crate::common;

use common::{Emulator, Workspace};
use serde_json::Value;

const PROVIDER: &str = r#"
terraform {
  required_providers {
    secbaseline = { source = "secbaseline/secbaseline" }
  }
}
"#;

fn config(body: &str) -> String {
    format!("{PROVIDER}\nresource \"secbaseline_config_rules\" \"main\" {{\n{body}\n}}\n")
}

/// The planned actions of the resource.
fn planned_actions(ws: &Workspace) -> Value {
    let plan = ws.plan_json();
    plan["resource_changes"]
        .as_array()
        .and_then(|r| {
            r.iter()
                .find(|r| r["address"] == "secbaseline_config_rules.main")
        })
        .map(|r| r["change"]["actions"].clone())
        .unwrap_or(Value::Null)
}

fn attrs(ws: &Workspace) -> Value {
    ws.show_json()["values"]["root_module"]["resources"]
        .as_array()
        .and_then(|r| {
            r.iter()
                .find(|r| r["address"] == "secbaseline_config_rules.main")
        })
        .map(|r| r["values"].clone())
        .unwrap_or(Value::Null)
}

/// What exists that the resource could have made.
const INVENTORY: &str = r#"
cfg = boto3.client("config"); s3 = boto3.client("s3"); iam = boto3.client("iam")
rules = {}
for page in cfg.get_paginator("describe_config_rules").paginate():
    for r in page["ConfigRules"]:
        rules[r["ConfigRuleName"]] = {"id": r["Source"]["SourceIdentifier"], "params": json.loads(r.get("InputParameters") or "{}")}
recs = cfg.describe_configuration_recorders()["ConfigurationRecorders"]
status = cfg.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
print(json.dumps({
    "rules": rules,
    "recorders": [{"name": r["name"], "all": r["recordingGroup"]["allSupported"], "global": r["recordingGroup"]["includeGlobalResourceTypes"]} for r in recs],
    "recording": [s["recording"] for s in status],
    "channels": [c["name"] for c in cfg.describe_delivery_channels()["DeliveryChannels"]],
    "buckets": sorted(b["Name"] for b in s3.list_buckets()["Buckets"]),
    "slr": [r["RoleName"] for r in iam.list_roles(PathPrefix="/aws-service-role/config.amazonaws.com/")["Roles"]],
}))
"#;

fn inventory(emu: &Emulator) -> Value {
    emu.python_json(INVENTORY)
}

#[test]
fn config_rules_lifecycle() {
    let emu = Emulator::start();
    let tf = config("recorder {}");
    let ws = Workspace::new(&emu, &tf);

    // Create: every rule, a recorder recording everything, channel, bucket, role.
    ws.apply().assert_success();
    assert_eq!(
        ws.plan_detailed_exitcode(),
        0,
        "apply then plan shows no changes"
    );
    let inv = inventory(&emu);
    let rules = inv["rules"].as_object().expect("rules");
    assert_eq!(rules.len(), 27, "{inv}");
    assert_eq!(
        rules["secbaseline-iam-password-policy"]["params"]["MinimumPasswordLength"],
        "14"
    );
    assert_eq!(
        rules["secbaseline-cloudwatch-alarm-action-check"]["params"]["okActionRequired"],
        "false"
    );
    assert_eq!(inv["recorders"][0]["all"], true);
    assert_eq!(inv["recorders"][0]["global"], true);
    assert_eq!(inv["recording"][0], true);
    assert_eq!(inv["channels"].as_array().map(Vec::len), Some(1));
    assert_eq!(inv["slr"].as_array().map(Vec::len), Some(1));
    let a = attrs(&ws);
    assert_eq!(a["recorder_name"], "default");
    assert_eq!(a["recording"], true);
    let first = &a["rules"][0];
    assert_eq!(first["identifier"], "API_GW_EXECUTION_LOGGING_ENABLED");
    assert!(first["control_ids"]
        .as_array()
        .expect("control_ids")
        .contains(&Value::from("apigateway_rest_execution_logging")));
    assert!(a["created_parts"]
        .as_array()
        .expect("created_parts")
        .contains(&Value::from("recorder")));

    // In-place update: exclude a rule, override a parameter.
    ws.write(
        "main.tf",
        &config(
            r#"recorder {}
exclude_rules = ["API_GW_ASSOCIATED_WITH_WAF"]
parameters    = { ACCESS_KEYS_ROTATED = { maxAccessKeyAge = "45" } }"#,
        ),
    );
    assert_eq!(planned_actions(&ws), serde_json::json!(["update"]));
    ws.apply().assert_success();
    assert_eq!(ws.plan_detailed_exitcode(), 0);
    let inv = inventory(&emu);
    assert!(inv["rules"]
        .get("secbaseline-api-gw-associated-with-waf")
        .is_none());
    assert_eq!(
        inv["rules"]["secbaseline-access-keys-rotated"]["params"]["maxAccessKeyAge"],
        "45"
    );

    // Drift: a rule deleted and another changed out of band are repaired in place.
    emu.python(
        r#"
cfg = boto3.client("config")
cfg.delete_config_rule(ConfigRuleName="secbaseline-iam-user-mfa-enabled")
cfg.put_config_rule(ConfigRule={"ConfigRuleName": "secbaseline-access-keys-rotated",
    "Source": {"Owner": "AWS", "SourceIdentifier": "ACCESS_KEYS_ROTATED"},
    "InputParameters": json.dumps({"maxAccessKeyAge": "365"})})
"#,
    );
    assert_eq!(planned_actions(&ws), serde_json::json!(["update"]));
    ws.apply().assert_success();
    assert_eq!(ws.plan_detailed_exitcode(), 0);
    let inv = inventory(&emu);
    assert!(inv["rules"]
        .get("secbaseline-iam-user-mfa-enabled")
        .is_some());
    assert_eq!(
        inv["rules"]["secbaseline-access-keys-rotated"]["params"]["maxAccessKeyAge"],
        "45"
    );

    // Drift: the recorder stopped out of band → planned repair.
    emu.python(
        r#"boto3.client("config").stop_configuration_recorder(ConfigurationRecorderName="default")"#,
    );
    assert_eq!(planned_actions(&ws), serde_json::json!(["update"]));
    ws.apply().assert_success();
    assert_eq!(inventory(&emu)["recording"][0], true);

    // Import by prefix into a fresh workspace: empty plan.
    let imported = Workspace::new(&emu, &ws_config_after_update());
    imported
        .import("secbaseline_config_rules.main", "secbaseline-")
        .assert_success();
    imported.assert_no_changes();

    // Replacement: a new prefix.
    ws.write(
        "main.tf",
        &config(
            r#"recorder {}
name_prefix = "cis-""#,
        ),
    );
    assert_eq!(
        planned_actions(&ws),
        serde_json::json!(["delete", "create"])
    );
    ws.apply().assert_success();
    assert_eq!(ws.plan_detailed_exitcode(), 0);
    let inv = inventory(&emu);
    let names: Vec<&String> = inv["rules"].as_object().expect("rules").keys().collect();
    assert!(names.iter().all(|n| n.starts_with("cis-")), "{names:?}");
    assert_eq!(names.len(), 27);

    // Destroy leaves nothing it created.
    ws.destroy().assert_success();
    let inv = inventory(&emu);
    assert_eq!(inv["rules"], serde_json::json!({}));
    assert_eq!(inv["recorders"], serde_json::json!([]));
    assert_eq!(inv["channels"], serde_json::json!([]));
    assert_eq!(inv["buckets"], serde_json::json!([]));
    assert_eq!(inv["slr"], serde_json::json!([]));
    // Re-runnable: a second destroy of the emptied workspace is a no-op.
    ws.destroy().assert_success();
}

fn ws_config_after_update() -> String {
    config(
        r#"recorder {}
exclude_rules = ["API_GW_ASSOCIATED_WITH_WAF"]
parameters    = { ACCESS_KEYS_ROTATED = { maxAccessKeyAge = "45" } }"#,
    )
}

#[test]
fn without_a_recorder_the_plan_is_refused_and_an_existing_one_is_kept() {
    let emu = Emulator::start();
    let ws = Workspace::new(&emu, &config(r#"services = ["apigateway"]"#));
    let out = ws.plan();
    out.assert_failure();
    assert!(
        out.combined()
            .contains("No AWS Config configuration recorder"),
        "{out}"
    );
    assert!(out.combined().contains("recorder {}"), "{out}");

    // Someone else's recorder: the rules deploy, and destroy keeps the recorder.
    emu.python(
        r#"
iam = boto3.client("iam")
trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
role = iam.create_role(RoleName="config", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
boto3.client("config").put_configuration_recorder(ConfigurationRecorder={"name": "theirs", "roleARN": role})
"#,
    );
    ws.apply().assert_success();
    assert_eq!(ws.plan_detailed_exitcode(), 0);
    let a = attrs(&ws);
    assert_eq!(a["recorder_name"], "theirs");
    assert_eq!(a["rules"].as_array().map(Vec::len), Some(8));
    ws.destroy().assert_success();
    let inv = inventory(&emu);
    assert_eq!(inv["rules"], serde_json::json!({}));
    assert_eq!(inv["recorders"][0]["name"], "theirs");
}

#[test]
fn a_create_that_fails_halfway_records_what_it_made() {
    let emu = Emulator::start();
    // AWS (and the emulator) refuse an unknown rule parameter: the recorder parts exist by then.
    let ws = Workspace::new(
        &emu,
        &config(
            r#"recorder {}
services   = ["apigateway"]
parameters = { API_GW_XRAY_ENABLED = { bogus = "1" } }"#,
        ),
    );
    let out = ws.apply();
    out.assert_failure();
    assert!(
        out.combined()
            .contains("AWS Config Rule (secbaseline-api-gw-xray-enabled)"),
        "{out}"
    );
    let a = attrs(&ws);
    assert!(
        a["created_parts"]
            .as_array()
            .is_some_and(|p| p.contains(&Value::from("recorder"))),
        "partial state recorded: {a}"
    );
    // Fixed configuration: the tainted resource is replaced and converges.
    ws.write(
        "main.tf",
        &config("recorder {}\nservices = [\"apigateway\"]"),
    );
    ws.apply().assert_success();
    assert_eq!(ws.plan_detailed_exitcode(), 0);
    ws.destroy().assert_success();
    let inv = inventory(&emu);
    assert_eq!(inv["rules"], serde_json::json!({}));
    assert_eq!(inv["recorders"], serde_json::json!([]));
    assert_eq!(inv["buckets"], serde_json::json!([]));
}
