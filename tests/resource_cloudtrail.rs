//! `secbaseline_cloudtrail` through the real `terraform` binary against the emulator: create,
//! in-place update, replacement, drift repair, import, destroy, a create that fails halfway
//! and a destroy that fails halfway.

mod common;

use common::{Emulator, Workspace};
use serde_json::{json, Value};

const PROVIDER: &str = r#"
terraform {
  required_providers {
    secbaseline = { source = "secbaseline/secbaseline" }
  }
}
"#;

fn config(body: &str) -> String {
    format!("{PROVIDER}\nresource \"secbaseline_cloudtrail\" \"main\" {{\n{body}\n}}\n")
}

fn parse(s: &str) -> Value {
    serde_json::from_str(s.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

/// The resource's attributes in state (Null when it is not in state).
fn attrs(ws: &Workspace) -> Value {
    let state = ws.show_json();
    state["values"]["root_module"]["resources"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["address"] == "secbaseline_cloudtrail.main"))
        .map(|r| r["values"].clone())
        .unwrap_or(Value::Null)
}

/// The planned actions for the resource, and its replace paths.
fn planned(ws: &Workspace) -> (Value, Value) {
    let plan = ws.plan_json();
    let change = plan["resource_changes"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["address"] == "secbaseline_cloudtrail.main"))
        .map(|r| r["change"].clone())
        .unwrap_or(Value::Null);
    (change["actions"].clone(), change["replace_paths"].clone())
}

#[track_caller]
fn apply_ok(ws: &Workspace) -> u128 {
    let out = ws.apply();
    out.assert_success();
    out.millis
}

/// What exists in the emulator that a trail bundle could have made.
const INVENTORY: &str = r#"
ct = boto3.client("cloudtrail"); s3 = boto3.client("s3"); kms = boto3.client("kms")
logs = boto3.client("logs"); iam = boto3.client("iam")
keys = {}
for k in kms.list_keys()["Keys"]:
    keys[k["KeyArn"]] = kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"]
print(json.dumps({
    "trails": sorted(t["Name"] for t in ct.describe_trails()["trailList"]),
    "buckets": sorted(b["Name"] for b in s3.list_buckets()["Buckets"]),
    "keys": keys,
    "aliases": sorted(a["AliasName"] for a in kms.list_aliases()["Aliases"] if a["AliasName"].startswith("alias/secbaseline")),
    "log_groups": sorted(g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]),
    "roles": sorted(r["RoleName"] for r in iam.list_roles()["Roles"] if "CloudTrail" in r["RoleName"]),
}))
"#;

fn inventory(emu: &Emulator) -> Value {
    parse(&emu.python(INVENTORY))
}

fn enabled_keys(inv: &Value) -> Vec<String> {
    inv["keys"]
        .as_object()
        .map(|m| m.iter().filter(|(_, s)| *s == "Enabled").map(|(k, _)| k.clone()).collect())
        .unwrap_or_default()
}

#[test]
fn cloudtrail_basic_update_drift_import_destroy() {
    let emu = Emulator::start();
    let ws = Workspace::new(&emu, &config("  name = \"main\"\n  tags = { env = \"test\" }"));

    // Create: everything CIS/FSBP asks for, then a plan with no changes.
    let create_ms = apply_ok(&ws);
    ws.assert_no_changes();
    let a = attrs(&ws);
    assert_eq!(a["id"], "main");
    assert_eq!(a["arn"], "arn:aws:cloudtrail:us-east-1:123456789012:trail/main");
    assert_eq!(a["home_region"], "us-east-1");
    assert_eq!(a["s3_bucket_name"], "main-123456789012-trail");
    assert_eq!(a["access_log_bucket_name"], "main-123456789012-access-logs");
    assert_eq!(a["log_group_name"], "/aws/cloudtrail/main");
    assert_eq!(a["retention_in_days"], 365);
    assert_eq!(a["is_logging"], true);
    assert_eq!((a["created_bucket"].clone(), a["created_kms_key"].clone()), (json!(true), json!(true)));
    assert_eq!(
        a["controls_satisfied"],
        json!([
            "cloudtrail_multi_region", "apigateway_cloudtrail", "pinpoint_cloudtrail", "lex_cloudtrail",
            "cloudtrail_kms_encryption", "cloudtrail_log_file_validation", "cloudtrail_cloudwatch_logs",
            "cloudtrail_bucket_not_public", "cloudtrail_bucket_access_logging"
        ])
    );
    let key_arn = a["kms_key_arn"].as_str().expect("key arn").to_string();

    // What AWS holds matches the recommendations.
    let facts = parse(&emu.python(&format!(
        r#"
ct = boto3.client("cloudtrail"); s3 = boto3.client("s3"); kms = boto3.client("kms")
t = ct.get_trail(Name="main")["Trail"]
b = "main-123456789012-trail"
pab = s3.get_public_access_block(Bucket=b)["PublicAccessBlockConfiguration"]
policy = json.loads(s3.get_bucket_policy(Bucket=b)["Policy"])
print(json.dumps({{
  "multi": t["IsMultiRegionTrail"], "global": t["IncludeGlobalServiceEvents"],
  "validation": t["LogFileValidationEnabled"], "kms": t.get("KmsKeyId"),
  "cw": t.get("CloudWatchLogsLogGroupArn"), "role": t.get("CloudWatchLogsRoleArn"),
  "logging": ct.get_trail_status(Name="main")["IsLogging"],
  "selectors": ct.get_event_selectors(TrailName="main")["EventSelectors"],
  "pab": all(pab.values()),
  "source_arn": policy["Statement"][0]["Condition"]["StringEquals"]["aws:SourceArn"],
  "access_log_target": s3.get_bucket_logging(Bucket=b)["LoggingEnabled"]["TargetBucket"],
  "sse": s3.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"],
  "rotation": kms.get_key_rotation_status(KeyId="{key_arn}")["KeyRotationEnabled"],
  "retention": boto3.client("logs").describe_log_groups(logGroupNamePrefix="/aws/cloudtrail/main")["logGroups"][0]["retentionInDays"],
  "tags": ct.list_tags(ResourceIdList=[t["TrailARN"]])["ResourceTagList"][0]["TagsList"],
}}))
"#
    )));
    assert_eq!((facts["multi"].clone(), facts["global"].clone(), facts["validation"].clone()), (json!(true), json!(true), json!(true)));
    assert_eq!(facts["kms"], key_arn.as_str());
    assert_eq!(facts["cw"], "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/main:*");
    assert_eq!(facts["role"], "arn:aws:iam::123456789012:role/main-CloudTrailToLogs");
    assert_eq!(facts["logging"], true);
    assert_eq!(facts["selectors"], json!([{"ReadWriteType": "All", "IncludeManagementEvents": true, "DataResources": []}]));
    assert_eq!(facts["pab"], true);
    assert_eq!(facts["source_arn"], "arn:aws:cloudtrail:us-east-1:123456789012:trail/main");
    assert_eq!(facts["access_log_target"], "main-123456789012-access-logs");
    assert_eq!(facts["sse"], "AES256");
    assert_eq!(facts["rotation"], true);
    assert_eq!(facts["retention"], 365);
    assert_eq!(facts["tags"], json!([{"Key": "env", "Value": "test"}]));

    // Update in place: retention, tags, insights, data events.
    ws.write(
        "main.tf",
        &config(
            r#"  name = "main"
  retention_in_days = 90
  tags = { env = "prod", team = "sec" }
  insight_selectors = ["ApiCallRateInsight"]
  data_events {
    s3_object_arns = ["arn:aws:s3"]
  }"#,
        ),
    );
    assert_eq!(planned(&ws).0, json!(["update"]));
    let update_ms = apply_ok(&ws);
    ws.assert_no_changes();
    let a = attrs(&ws);
    assert_eq!(a["retention_in_days"], 90);
    assert_eq!(a["kms_key_arn"], key_arn.as_str(), "an update keeps the key");
    let facts = parse(&emu.python(
        r#"
ct = boto3.client("cloudtrail")
print(json.dumps({
  "retention": boto3.client("logs").describe_log_groups(logGroupNamePrefix="/aws/cloudtrail/main")["logGroups"][0]["retentionInDays"],
  "insights": ct.get_insight_selectors(TrailName="main")["InsightSelectors"],
  "data": ct.get_event_selectors(TrailName="main")["EventSelectors"][0]["DataResources"],
  "tags": sorted(t["Key"] + "=" + t["Value"] for t in ct.list_tags(ResourceIdList=["arn:aws:cloudtrail:us-east-1:123456789012:trail/main"])["ResourceTagList"][0]["TagsList"]),
}))
"#,
    ));
    assert_eq!(facts["retention"], 90);
    assert_eq!(facts["insights"], json!([{"InsightType": "ApiCallRateInsight"}]));
    assert_eq!(facts["data"], json!([{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]));
    assert_eq!(facts["tags"], json!(["env=prod", "team=sec"]));

    // Drift 1: logging stopped out of band -> update that restarts it.
    emu.python(r#"boto3.client("cloudtrail").stop_logging(Name="main")"#);
    assert_eq!(planned(&ws).0, json!(["update"]), "stopped logging must plan an update");
    apply_ok(&ws);
    ws.assert_no_changes();
    assert_eq!(attrs(&ws)["is_logging"], true);

    // Drift 2: log file validation turned off out of band.
    emu.python(r#"boto3.client("cloudtrail").update_trail(Name="main", EnableLogFileValidation=False)"#);
    assert_eq!(planned(&ws).0, json!(["update"]), "validation off must plan an update");
    apply_ok(&ws);
    ws.assert_no_changes();
    let v = parse(&emu.python(r#"print(json.dumps(boto3.client("cloudtrail").get_trail(Name="main")["Trail"]["LogFileValidationEnabled"]))"#));
    assert_eq!(v, true);

    // Drift 3: the log group deleted out of band.
    emu.python(r#"boto3.client("logs").delete_log_group(logGroupName="/aws/cloudtrail/main")"#);
    assert_eq!(planned(&ws).0, json!(["update"]), "a deleted log group must plan an update");
    apply_ok(&ws);
    ws.assert_no_changes();
    let v = parse(&emu.python(r#"print(json.dumps(boto3.client("logs").describe_log_groups(logGroupNamePrefix="/aws/cloudtrail/main")["logGroups"][0]["retentionInDays"]))"#));
    assert_eq!(v, 90);

    // Drift 4: the trail deleted out of band -> a create, which adopts the bundle's own parts.
    emu.python(r#"boto3.client("cloudtrail").delete_trail(Name="main")"#);
    assert_eq!(planned(&ws).0, json!(["create"]), "a deleted trail must plan a create");
    apply_ok(&ws);
    ws.assert_no_changes();
    assert_eq!(attrs(&ws)["kms_key_arn"], key_arn.as_str(), "the re-created trail adopts its key");
    assert_eq!(enabled_keys(&inventory(&emu)), vec![key_arn.clone()], "no orphaned key");

    // Import by name (CLI), then an import {} block: both plan no changes.
    ws.run(&["state", "rm", "secbaseline_cloudtrail.main"]).assert_success();
    ws.import("secbaseline_cloudtrail.main", "main").assert_success();
    ws.assert_no_changes();
    let imported = attrs(&ws);
    assert_eq!((imported["created_bucket"].clone(), imported["created_kms_key"].clone()), (json!(true), json!(true)));

    ws.run(&["state", "rm", "secbaseline_cloudtrail.main"]).assert_success();
    let body = r#"  name = "main"
  retention_in_days = 90
  tags = { env = "prod", team = "sec" }
  insight_selectors = ["ApiCallRateInsight"]
  data_events {
    s3_object_arns = ["arn:aws:s3"]
  }"#;
    ws.write("main.tf", &format!("{}\nimport {{\n  to = secbaseline_cloudtrail.main\n  id = \"main\"\n}}\n", config(body)));
    let plan = ws.plan_json();
    let change = &plan["resource_changes"][0];
    assert_eq!(change["change"]["actions"], json!(["no-op"]), "{change}");
    assert_eq!(change["change"]["importing"]["id"], "main");
    apply_ok(&ws);
    ws.assert_no_changes();

    // Destroy with force_destroy removes a non-empty bucket and everything else it created.
    emu.python(r#"boto3.client("s3").put_object(Bucket="main-123456789012-trail", Key="AWSLogs/x.json.gz", Body=b"x")"#);
    ws.write("main.tf", &config(&format!("{body}\n  force_destroy = true")));
    assert_eq!(planned(&ws).0, json!(["update"]));
    apply_ok(&ws);
    let out = ws.destroy();
    out.assert_success();
    let inv = inventory(&emu);
    assert_eq!(inv["trails"], json!([]));
    assert_eq!(inv["buckets"], json!([]));
    assert_eq!(inv["log_groups"], json!([]));
    assert_eq!(inv["roles"], json!([]));
    assert_eq!(inv["aliases"], json!([]));
    assert!(enabled_keys(&inv).is_empty(), "the key is scheduled for deletion: {inv}");
    eprintln!("timings: create {create_ms} ms, update {update_ms} ms, destroy {} ms", out.millis);
}
