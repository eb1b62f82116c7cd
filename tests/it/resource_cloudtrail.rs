//! `secbaseline_cloudtrail` through the real `terraform` binary against the emulator: create,
//! in-place update, replacement, drift repair, import, destroy, a create that fails halfway
//! and a destroy that fails halfway.

use crate::common;

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
        .and_then(|r| {
            r.iter()
                .find(|r| r["address"] == "secbaseline_cloudtrail.main")
        })
        .map(|r| r["values"].clone())
        .unwrap_or(Value::Null)
}

/// The planned actions for the resource, and its replace paths.
fn planned(ws: &Workspace) -> (Value, Value) {
    let plan = ws.plan_json();
    let change = plan["resource_changes"]
        .as_array()
        .and_then(|r| {
            r.iter()
                .find(|r| r["address"] == "secbaseline_cloudtrail.main")
        })
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

/// Puts one object in BUCKET; drops its policy first (it denies the emulator's plain HTTP).
const PUT_LOG_OBJECT: &str = r#"
s3 = boto3.client("s3")
s3.delete_bucket_policy(Bucket="BUCKET")
s3.put_object(Bucket="BUCKET", Key="AWSLogs/x.json.gz", Body=b"x")
"#;

/// Empties every bucket (dropping their policies first, as above).
const EMPTY_BUCKETS: &str = r#"
s3 = boto3.client("s3")
for b in sorted(s3.list_buckets()["Buckets"], key=lambda b: b["Name"].endswith("access-logs")):
    s3.delete_bucket_policy(Bucket=b["Name"])
    for o in s3.list_objects_v2(Bucket=b["Name"]).get("Contents", []):
        s3.delete_object(Bucket=b["Name"], Key=o["Key"])
"#;

fn inventory(emu: &Emulator) -> Value {
    parse(&emu.python(INVENTORY))
}

fn enabled_keys(inv: &Value) -> Vec<String> {
    inv["keys"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(_, s)| *s == "Enabled")
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn cloudtrail_basic_update_drift_import_destroy() {
    let emu = Emulator::start();
    let ws = Workspace::new(
        &emu,
        &config("  name = \"main\"\n  tags = { env = \"test\" }"),
    );

    // Create: everything CIS/FSBP asks for, then a plan with no changes.
    let create_ms = apply_ok(&ws);
    ws.assert_no_changes();
    let a = attrs(&ws);
    assert_eq!(a["id"], "main");
    assert_eq!(
        a["arn"],
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/main"
    );
    assert_eq!(a["home_region"], "us-east-1");
    assert_eq!(a["s3_bucket_name"], "main-123456789012-trail");
    assert_eq!(a["access_log_bucket_name"], "main-123456789012-access-logs");
    assert_eq!(a["log_group_name"], "/aws/cloudtrail/main");
    assert_eq!(a["retention_in_days"], 365);
    assert_eq!(a["is_logging"], true);
    assert_eq!(
        (a["created_bucket"].clone(), a["created_kms_key"].clone()),
        (json!(true), json!(true))
    );
    assert_eq!(
        a["controls_satisfied"],
        json!([
            "cloudtrail_multi_region",
            "apigateway_cloudtrail",
            "pinpoint_cloudtrail",
            "lex_cloudtrail",
            "cloudtrail_kms_encryption",
            "cloudtrail_log_file_validation",
            "cloudtrail_cloudwatch_logs",
            "cloudtrail_bucket_not_public",
            "cloudtrail_bucket_access_logging"
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
    assert_eq!(
        (
            facts["multi"].clone(),
            facts["global"].clone(),
            facts["validation"].clone()
        ),
        (json!(true), json!(true), json!(true))
    );
    assert_eq!(facts["kms"], key_arn.as_str());
    assert_eq!(
        facts["cw"],
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/main:*"
    );
    assert_eq!(
        facts["role"],
        "arn:aws:iam::123456789012:role/main-CloudTrailToLogs"
    );
    assert_eq!(facts["logging"], true);
    assert_eq!(
        facts["selectors"],
        json!([{"ReadWriteType": "All", "IncludeManagementEvents": true}])
    );
    assert_eq!(facts["pab"], true);
    assert_eq!(
        facts["source_arn"],
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/main"
    );
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
    assert_eq!(
        a["kms_key_arn"],
        key_arn.as_str(),
        "an update keeps the key"
    );
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
    assert_eq!(
        facts["insights"],
        json!([{"InsightType": "ApiCallRateInsight"}])
    );
    assert_eq!(
        facts["data"],
        json!([{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}])
    );
    assert_eq!(facts["tags"], json!(["env=prod", "team=sec"]));

    // Drift 1: logging stopped out of band -> update that restarts it.
    emu.python(r#"boto3.client("cloudtrail").stop_logging(Name="main")"#);
    assert_eq!(
        planned(&ws).0,
        json!(["update"]),
        "stopped logging must plan an update"
    );
    apply_ok(&ws);
    ws.assert_no_changes();
    assert_eq!(attrs(&ws)["is_logging"], true);

    // Drift 2: log file validation turned off out of band.
    emu.python(
        r#"boto3.client("cloudtrail").update_trail(Name="main", EnableLogFileValidation=False)"#,
    );
    assert_eq!(
        planned(&ws).0,
        json!(["update"]),
        "validation off must plan an update"
    );
    apply_ok(&ws);
    ws.assert_no_changes();
    let v = parse(&emu.python(r#"print(json.dumps(boto3.client("cloudtrail").get_trail(Name="main")["Trail"]["LogFileValidationEnabled"]))"#));
    assert_eq!(v, true);

    // Drift 3: the log group deleted out of band.
    emu.python(r#"boto3.client("logs").delete_log_group(logGroupName="/aws/cloudtrail/main")"#);
    assert_eq!(
        planned(&ws).0,
        json!(["update"]),
        "a deleted log group must plan an update"
    );
    apply_ok(&ws);
    ws.assert_no_changes();
    let v = parse(&emu.python(r#"print(json.dumps(boto3.client("logs").describe_log_groups(logGroupNamePrefix="/aws/cloudtrail/main")["logGroups"][0]["retentionInDays"]))"#));
    assert_eq!(v, 90);

    // Drift 4: the trail deleted out of band -> a create, which adopts the bundle's own parts.
    emu.python(r#"boto3.client("cloudtrail").delete_trail(Name="main")"#);
    assert_eq!(
        planned(&ws).0,
        json!(["create"]),
        "a deleted trail must plan a create"
    );
    apply_ok(&ws);
    ws.assert_no_changes();
    assert_eq!(
        attrs(&ws)["kms_key_arn"],
        key_arn.as_str(),
        "the re-created trail adopts its key"
    );
    assert_eq!(
        enabled_keys(&inventory(&emu)),
        vec![key_arn.clone()],
        "no orphaned key"
    );

    // Import by name (CLI), then an import {} block: both plan no changes.
    ws.run(&["state", "rm", "secbaseline_cloudtrail.main"])
        .assert_success();
    ws.import("secbaseline_cloudtrail.main", "main")
        .assert_success();
    ws.assert_no_changes();
    let imported = attrs(&ws);
    assert_eq!(
        (
            imported["created_bucket"].clone(),
            imported["created_kms_key"].clone()
        ),
        (json!(true), json!(true))
    );

    ws.run(&["state", "rm", "secbaseline_cloudtrail.main"])
        .assert_success();
    let body = r#"  name = "main"
  retention_in_days = 90
  tags = { env = "prod", team = "sec" }
  insight_selectors = ["ApiCallRateInsight"]
  data_events {
    s3_object_arns = ["arn:aws:s3"]
  }"#;
    ws.write(
        "main.tf",
        &format!(
            "{}\nimport {{\n  to = secbaseline_cloudtrail.main\n  id = \"main\"\n}}\n",
            config(body)
        ),
    );
    let plan = ws.plan_json();
    let change = &plan["resource_changes"][0];
    assert_eq!(change["change"]["actions"], json!(["no-op"]), "{change}");
    assert_eq!(change["change"]["importing"]["id"], "main");
    apply_ok(&ws);
    ws.assert_no_changes();

    // Destroy with force_destroy removes a non-empty bucket and everything else it created.
    // (The bucket policy denies non-TLS requests, and the emulator is plain HTTP and enforces
    // it: drop the policy to put an object. That is drift too, which the apply repairs.)
    emu.python(
        PUT_LOG_OBJECT
            .replace("BUCKET", "main-123456789012-trail")
            .as_str(),
    );
    ws.write(
        "main.tf",
        &config(&format!("{body}\n  force_destroy = true")),
    );
    assert_eq!(planned(&ws).0, json!(["update"]));
    apply_ok(&ws);
    let policy = parse(&emu.python(r#"print(json.dumps(len(boto3.client("s3").get_bucket_policy(Bucket="main-123456789012-trail")["Policy"]) > 0))"#));
    assert_eq!(policy, true, "the deleted bucket policy is restored");
    let out = ws.destroy();
    out.assert_success();
    let inv = inventory(&emu);
    assert_eq!(inv["trails"], json!([]));
    assert_eq!(inv["buckets"], json!([]));
    assert_eq!(inv["log_groups"], json!([]));
    assert_eq!(inv["roles"], json!([]));
    assert_eq!(inv["aliases"], json!([]));
    assert!(
        enabled_keys(&inv).is_empty(),
        "the key is scheduled for deletion: {inv}"
    );
    eprintln!(
        "timings: create {create_ms} ms, update {update_ms} ms, destroy {} ms",
        out.millis
    );
}

#[test]
fn cloudtrail_rename_replaces_and_given_parts_are_kept() {
    let emu = Emulator::start();
    // A bucket and key the user owns (moto does not check their policies; AWS would).
    let key_arn = parse(&emu.python(
        r#"
boto3.client("s3").create_bucket(Bucket="given-trail-bucket")
print(json.dumps(boto3.client("kms").create_key(Description="given")["KeyMetadata"]["Arn"]))
"#,
    ));
    let key_arn = key_arn.as_str().expect("key arn").to_string();
    let body = |name: &str| {
        format!("  name = \"{name}\"\n  s3_bucket_name = \"given-trail-bucket\"\n  kms_key_arn = \"{key_arn}\"")
    };
    let ws = Workspace::new(&emu, &config(&body("first")));
    apply_ok(&ws);
    ws.assert_no_changes();
    let a = attrs(&ws);
    assert_eq!(
        (a["created_bucket"].clone(), a["created_kms_key"].clone()),
        (json!(false), json!(false))
    );
    assert_eq!(a["access_log_bucket_name"], Value::Null);
    assert_eq!(a["kms_key_arn"], key_arn.as_str());
    assert!(
        !a["controls_satisfied"]
            .as_array()
            .expect("list")
            .iter()
            .any(|c| c.as_str().is_some_and(|c| c.contains("bucket"))),
        "a given bucket's controls are its owner's: {a}"
    );

    // A change of provider region plans a replacement on home_region.
    ws.write(
        "main.tf",
        &format!(
            "{}\nprovider \"secbaseline\" {{\n  region = \"us-west-2\"\n}}\n",
            config(&body("first"))
        ),
    );
    let (actions, paths) = planned(&ws);
    assert_eq!(actions, json!(["delete", "create"]));
    assert_eq!(paths, json!([["home_region"]]));

    // Renaming replaces, shown as such in the plan JSON.
    ws.write("main.tf", &config(&body("second")));
    let (actions, paths) = planned(&ws);
    assert_eq!(actions, json!(["delete", "create"]));
    assert_eq!(paths, json!([["name"]]));
    apply_ok(&ws);
    ws.assert_no_changes();
    let inv = inventory(&emu);
    assert_eq!(inv["trails"], json!(["second"]));
    assert_eq!(inv["log_groups"], json!(["/aws/cloudtrail/second"]));
    assert_eq!(inv["roles"], json!(["second-CloudTrailToLogs"]));

    // Destroy removes what it created and keeps what it was given.
    ws.destroy().assert_success();
    let inv = inventory(&emu);
    assert_eq!(inv["trails"], json!([]));
    assert_eq!(inv["log_groups"], json!([]));
    assert_eq!(inv["roles"], json!([]));
    assert_eq!(inv["buckets"], json!(["given-trail-bucket"]));
    assert_eq!(enabled_keys(&inv), vec![key_arn]);
}

#[test]
fn cloudtrail_partial_create_and_destroy_failures() {
    let emu = Emulator::start();
    // A real AWS-side failure halfway through create: the SNS topic does not exist, so
    // CreateTrail is refused after the buckets, key, log group and role were made.
    let body = "  name = \"halfway\"\n  sns_topic_name = \"trail-notifications\"";
    let ws = Workspace::new(&emu, &config(body));
    let out = ws.apply();
    out.assert_failure();
    assert!(
        out.combined()
            .contains("creating CloudTrail Trail (halfway)"),
        "{out}"
    );
    let state = ws.show_json();
    let res = &state["values"]["root_module"]["resources"][0];
    assert_eq!(
        res["tainted"], true,
        "the partial resource is recorded as tainted: {state}"
    );
    let a = &res["values"];
    assert_eq!(a["arn"], Value::Null);
    assert_eq!(a["created_bucket"], true);
    assert_eq!(a["s3_bucket_name"], "halfway-123456789012-trail");
    assert_eq!(a["created_kms_key"], true);
    assert!(
        a["kms_key_arn"].is_string()
            && a["log_group_arn"].is_string()
            && a["cloudwatch_role_arn"].is_string(),
        "{a}"
    );

    // A destroy of that partial resource that fails halfway (a non-empty bucket with
    // force_destroy false) removes everything else and keeps the rest in state…
    emu.python(
        PUT_LOG_OBJECT
            .replace("BUCKET", "halfway-123456789012-trail")
            .as_str(),
    );
    let out = ws.destroy();
    out.assert_failure();
    assert!(out.combined().contains("BucketNotEmpty"), "{out}");
    assert!(out.combined().contains("force_destroy"), "{out}");
    let inv = inventory(&emu);
    assert_eq!(
        inv["log_groups"],
        json!([]),
        "everything but the buckets is gone: {inv}"
    );
    assert_eq!(inv["roles"], json!([]));
    assert!(enabled_keys(&inv).is_empty(), "{inv}");
    assert_eq!(
        inv["buckets"],
        json!([
            "halfway-123456789012-access-logs",
            "halfway-123456789012-trail"
        ])
    );
    assert!(attrs(&ws).is_object(), "the resource stays in state");

    // …and a second destroy, once the bucket is emptied, completes.
    emu.python(EMPTY_BUCKETS);
    ws.destroy().assert_success();
    let inv = inventory(&emu);
    assert_eq!(inv["buckets"], json!([]));
    assert_eq!(attrs(&ws), Value::Null);

    // With the cause fixed, the same configuration applies cleanly from scratch.
    emu.python(r#"boto3.client("sns").create_topic(Name="trail-notifications")"#);
    apply_ok(&ws);
    ws.assert_no_changes();
    let inv = inventory(&emu);
    assert_eq!(inv["trails"], json!(["halfway"]));
    assert_eq!(enabled_keys(&inv).len(), 1, "{inv}");
}
