//! "The account after this plan" is exact for this provider's own bundles: each bundle is
//! planned in three configurations (defaults; a given KMS key, bucket and topic; alarms on
//! REST, HTTP and WebSocket API stages), the saved plan is assessed with `live+plan`, the plan
//! is applied, the account is assessed live, and every control on every resource must have the
//! same status both times. An UNKNOWN before apply is allowed only where the value is AWS's to
//! decide; each case names those (none so far).
use crate::common;

use std::collections::BTreeMap;

use common::assessment::seed;
use common::{Emulator, Workspace};
use serde_json::Value;

/// The services the bundles change, and those whose logging controls they satisfy.
const SERVICES: &str = r#"["apigateway", "pinpoint", "lex", "cloudtrail", "config", "cloudwatch"]"#;

/// Seeds what every case judges besides the bundles: a REST, an HTTP and a WebSocket API with
/// one stage each, a Pinpoint app and a Lex bot (so the services' logging controls apply).
const SEED_APIS: &str = r#"
apigw = boto3.client("apigateway")
v2 = boto3.client("apigatewayv2")
rest = apigw.create_rest_api(name="orders")["id"]
root = [r for r in apigw.get_resources(restApiId=rest)["items"] if r["path"] == "/"][0]["id"]
apigw.put_method(restApiId=rest, resourceId=root, httpMethod="GET", authorizationType="AWS_IAM")
apigw.put_integration(restApiId=rest, resourceId=root, httpMethod="GET", type="MOCK")
dep = apigw.create_deployment(restApiId=rest)["id"]
apigw.create_stage(restApiId=rest, stageName="prod", deploymentId=dep)
http = v2.create_api(Name="catalog", ProtocolType="HTTP")["ApiId"]
v2.create_stage(ApiId=http, StageName="live")
ws = v2.create_api(Name="chat", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action")["ApiId"]
v2.create_stage(ApiId=ws, StageName="live")
boto3.client("pinpoint").create_app(CreateApplicationRequest={"Name": "shop"})
boto3.client("lexv2-models").create_bot(botName="helper", roleArn="arn:aws:iam::123456789012:role/lex",
    dataPrivacy={"childDirected": False}, idleSessionTTLInSeconds=300)
print(json.dumps({"rest": rest, "http": http, "ws": ws}))
"#;

/// An existing KMS key, trail bucket (CloudTrail's bucket policy, Block Public Access on,
/// access logging on), Config delivery bucket and SNS topic (CloudWatch may publish).
const SEED_GIVEN: &str = r#"
ACCOUNT = "123456789012"
s3 = boto3.client("s3")
key = boto3.client("kms").create_key(Description="given trail key")["KeyMetadata"]["Arn"]
for b in ["given-trail-bucket", "given-access-logs", "given-config-bucket"]:
    s3.create_bucket(Bucket=b)
    s3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
s3.put_bucket_policy(Bucket="given-trail-bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "Acl", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
     "Resource": "arn:aws:s3:::given-trail-bucket", "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
    {"Sid": "Write", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
     "Resource": f"arn:aws:s3:::given-trail-bucket/AWSLogs/{ACCOUNT}/*",
     "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control"}}}]}))
s3.put_bucket_policy(Bucket="given-access-logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
     "Resource": "arn:aws:s3:::given-access-logs/*", "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]}))
s3.put_bucket_logging(Bucket="given-trail-bucket", BucketLoggingStatus={"LoggingEnabled": {
    "TargetBucket": "given-access-logs", "TargetPrefix": "trail/"}})
sns = boto3.client("sns")
topic = sns.create_topic(Name="ops-alarms")["TopicArn"]
sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": topic,
     "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]}))
print(json.dumps({"key": key, "topic": topic}))
"#;

const PROVIDER: &str = r#"
terraform {
  required_providers {
    secbaseline = { source = "secbaseline/secbaseline" }
  }
}
provider "secbaseline" {
  region = "us-east-1"
}
"#;

/// The assessment workspace: `source` is `live+plan` (with plan.json) or `live`.
fn assessment(source: &str) -> String {
    let plan = if source == "live" {
        String::new()
    } else {
        "  plan_json = file(\"${path.module}/plan.json\")\n".to_string()
    };
    format!(
        "{PROVIDER}
data \"secbaseline_assessment\" \"after\" {{
  services = {SERVICES}
  source   = \"{source}\"
{plan}}}
output \"findings\" {{ value = data.secbaseline_assessment.after.findings }}
"
    )
}

/// (control, resource) → (status, message) of an assessment, each pair once.
fn verdicts(ws: &Workspace) -> BTreeMap<(String, String), (String, String)> {
    let findings = ws.output_json("findings");
    let mut out = BTreeMap::new();
    for f in findings.as_array().cloned().unwrap_or_default() {
        let text = |k: &str| f[k].as_str().unwrap_or_default().to_string();
        let key = (text("control_id"), text("resource_id"));
        let previous = out.insert(key.clone(), (text("status"), text("message")));
        assert!(previous.is_none(), "two findings of {key:?}");
    }
    assert!(!out.is_empty(), "the assessment found nothing");
    out
}

/// One configuration of the bundles: plan, judge the plan, apply, judge the account.
/// `aws_decides` lists (control, why) whose UNKNOWN before apply is AWS's to decide.
fn plan_then_apply_agree(
    seed_given: bool,
    baseline: impl Fn(&Value, &Value) -> String,
    aws_decides: &[(&str, &str)],
) {
    let emu = Emulator::start();
    let apis = seed(&emu, SEED_APIS);
    let given = if seed_given {
        seed(&emu, SEED_GIVEN)
    } else {
        Value::Null
    };
    let base = Workspace::new(&emu, &format!("{PROVIDER}{}", baseline(&apis, &given)));
    base.run(&["plan", "-input=false", "-out=baseline.tfplan"])
        .assert_success();
    let shown = base.run(&["show", "-json", "baseline.tfplan"]);
    shown.assert_success();

    let judge = Workspace::new(&emu, &assessment("live+plan"));
    judge.write("plan.json", &shown.stdout);
    judge.apply().assert_success();
    let planned = verdicts(&judge);

    base.run(&["apply", "-input=false", "baseline.tfplan"])
        .assert_success();
    judge.write("main.tf", &assessment("live"));
    judge.apply().assert_success();
    let applied = verdicts(&judge);

    let mut differences = Vec::new();
    for (key, (status, message)) in &applied {
        match planned.get(key) {
            None => differences.push(format!("{key:?}: {status} after apply, no finding before")),
            Some((before, _)) if before == status => {}
            Some((before, _))
                if before == "UNKNOWN" && aws_decides.iter().any(|(c, _)| *c == key.0) => {}
            Some((before, was)) => differences.push(format!(
                "{key:?}: {before} before apply ({was}), {status} after ({message})"
            )),
        }
    }
    for key in planned.keys().filter(|k| !applied.contains_key(*k)) {
        differences.push(format!("{key:?}: judged before apply, not after"));
    }
    assert!(
        differences.is_empty(),
        "live+plan and the applied account disagree:\n{}",
        differences.join("\n")
    );
    // The bundles do change the account: the comparison is not of two empty verdicts.
    let passes = applied.values().filter(|(s, _)| s == "PASS").count();
    assert!(passes >= 20, "only {passes} PASS after apply");
    base.run(&["destroy", "-auto-approve", "-input=false"])
        .assert_success();
}

#[test]
fn bundles_with_their_defaults() {
    plan_then_apply_agree(
        false,
        |_, _| {
            r#"
resource "secbaseline_cloudtrail" "main" {
  name          = "main"
  force_destroy = true
}
resource "secbaseline_config_rules" "all" {
  recorder {}
}
resource "secbaseline_alarms" "cis" {
  cloudtrail_log_group_name = secbaseline_cloudtrail.main.log_group_name
}
"#
            .to_string()
        },
        &[],
    );
}

#[test]
fn bundles_with_a_given_key_bucket_and_topic() {
    plan_then_apply_agree(
        true,
        |_, given| {
            format!(
                r#"
resource "secbaseline_cloudtrail" "given" {{
  name                       = "given"
  kms_key_arn                = "{key}"
  s3_bucket_name             = "given-trail-bucket"
  enable_log_file_validation = false
}}
resource "secbaseline_config_rules" "some" {{
  name_prefix   = "org-"
  services      = ["apigateway", "cloudtrail"]
  exclude_rules = ["API_GW_ASSOCIATED_WITH_WAF"]
  recorder {{
    s3_bucket_name = "given-config-bucket"
  }}
}}
resource "secbaseline_alarms" "some" {{
  name_prefix               = "org-"
  cloudtrail_log_group_name = secbaseline_cloudtrail.given.log_group_name
  sns_topic_arn             = "{topic}"
  cis_alarms                = ["root_usage", "unauthorized_api_calls", "iam_policy_changes"]
}}
"#,
                key = given["key"].as_str().unwrap_or_default(),
                topic = given["topic"].as_str().unwrap_or_default(),
            )
        },
        &[],
    );
}

#[test]
fn alarms_on_rest_http_and_websocket_stages() {
    plan_then_apply_agree(
        false,
        |apis, _| {
            format!(
                r#"
resource "secbaseline_cloudtrail" "main" {{
  name          = "apis"
  force_destroy = true
}}
resource "secbaseline_config_rules" "api" {{
  services = ["apigateway"]
  recorder {{
    name = "custom"
  }}
}}
resource "secbaseline_alarms" "apis" {{
  cloudtrail_log_group_name = secbaseline_cloudtrail.main.log_group_name
  api_gateway {{
    api_id = "{rest}"
    stage  = "prod"
  }}
  api_gateway {{
    api_id = "{http}"
    stage  = "live"
  }}
  api_gateway {{
    api_id = "{ws}"
    stage  = "live"
  }}
}}
"#,
                rest = apis["rest"].as_str().unwrap_or_default(),
                http = apis["http"].as_str().unwrap_or_default(),
                ws = apis["ws"].as_str().unwrap_or_default(),
            )
        },
        &[],
    );
}
