//! `secbaseline_alarms` through the real `terraform` binary against the emulator: the 14 CIS
//! filters (exact patterns) and alarms, topic and subscription, API Gateway alarms for a REST
//! and an HTTP API (their own metrics), in-place update, drift repair, import by prefix, replacement,
//! destroy, and an unknown API refused at plan time.

use crate::common;

use common::{Emulator, Workspace};
use secbaseline_engine::rules::logging::{normalize_pattern, CIS_ALARMS};
use serde_json::{json, Value};

const PROVIDER: &str = r#"
terraform {
  required_providers {
    secbaseline = { source = "secbaseline/secbaseline" }
  }
}
"#;

const LOG_GROUP: &str = "/aws/cloudtrail/main";

fn config(body: &str) -> String {
    format!(
        "{PROVIDER}\nresource \"secbaseline_alarms\" \"main\" {{\ncloudtrail_log_group_name = \"{LOG_GROUP}\"\n{body}\n}}\n"
    )
}

fn planned_actions(ws: &Workspace) -> Value {
    let plan = ws.plan_json();
    plan["resource_changes"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["address"] == "secbaseline_alarms.main"))
        .map(|r| r["change"]["actions"].clone())
        .unwrap_or(Value::Null)
}

/// Seeds the trail's log group, a REST API "shop" and an HTTP API, each with a `prod` stage.
/// Returns (rest id, http id).
fn seed(emu: &Emulator) -> (String, String) {
    let ids = emu.python_json(&format!(
        r#"
boto3.client("logs").create_log_group(logGroupName="{LOG_GROUP}")
ag = boto3.client("apigateway")
rest = ag.create_rest_api(name="shop")["id"]
root = ag.get_resources(restApiId=rest)["items"][0]["id"]
ag.put_method(restApiId=rest, resourceId=root, httpMethod="GET", authorizationType="NONE")
ag.put_integration(restApiId=rest, resourceId=root, httpMethod="GET", type="MOCK")
ag.create_deployment(restApiId=rest, stageName="prod")
v2 = boto3.client("apigatewayv2")
http = v2.create_api(Name="orders", ProtocolType="HTTP")["ApiId"]
v2.create_stage(ApiId=http, StageName="prod")
print(json.dumps([rest, http]))
"#
    ));
    (
        ids[0].as_str().expect("rest id").to_string(),
        ids[1].as_str().expect("http id").to_string(),
    )
}

const INVENTORY: &str = r#"
cw = boto3.client("cloudwatch"); logs = boto3.client("logs"); sns = boto3.client("sns")
alarms = {a["AlarmName"]: a for a in cw.describe_alarms()["MetricAlarms"]}
filters = {f["filterName"]: f for f in logs.describe_metric_filters()["metricFilters"]}
topics = [t["TopicArn"] for t in sns.list_topics()["Topics"]]
policies = {t: sns.get_topic_attributes(TopicArn=t)["Attributes"].get("Policy", "") for t in topics}
subs = [s["Endpoint"] for s in sns.list_subscriptions()["Subscriptions"]]
print(json.dumps({"alarms": alarms, "filters": filters, "topics": topics, "policies": policies, "subs": subs}, default=str))
"#;

fn inventory(emu: &Emulator) -> Value {
    emu.python_json(INVENTORY)
}

/// The two blocks in API ID order (the order an import reads them back in).
fn api_blocks(rest: &str, http: &str) -> String {
    let rest_block = format!("api_gateway {{\n  api_id = \"{rest}\"\n  stage  = \"prod\"\n}}\n");
    let http_block = format!(
        "api_gateway {{\n  api_id = \"{http}\"\n  stage  = \"prod\"\n  latency_statistic    = \"Average\"\n  latency_threshold_ms = 1500\n}}\n"
    );
    if rest < http {
        format!("{rest_block}{http_block}")
    } else {
        format!("{http_block}{rest_block}")
    }
}

#[test]
fn alarms_lifecycle() {
    let emu = Emulator::start();
    let (rest, http) = seed(&emu);
    let body = format!(
        "email_subscriptions = [\"security@example.com\"]\n{}",
        api_blocks(&rest, &http)
    );
    let ws = Workspace::new(&emu, &config(&body));

    // Create.
    ws.apply().assert_success();
    assert_eq!(
        ws.plan_detailed_exitcode(),
        0,
        "apply then plan shows no changes"
    );
    let inv = inventory(&emu);
    let topic = "arn:aws:sns:us-east-1:123456789012:secbaseline-alarms";
    assert_eq!(inv["topics"], json!([topic]));
    assert!(inv["policies"][topic]
        .as_str()
        .is_some_and(|p| p.contains("cloudwatch.amazonaws.com")));
    assert_eq!(inv["subs"], json!(["security@example.com"]));

    // The 14 filters carry exactly the CIS patterns of the catalogue, each watched by an alarm.
    let filters = inv["filters"].as_object().expect("filters");
    assert_eq!(filters.len(), 14);
    for rule in CIS_ALARMS.iter() {
        use secbaseline_engine::rules::Rule;
        let key = rule
            .meta()
            .id
            .trim_start_matches("cloudwatch_alarm_")
            .replace('_', "-");
        let name = format!("secbaseline-{key}");
        let f = &filters[&name];
        assert_eq!(f["filterPattern"].as_str(), Some(rule.pattern), "{name}");
        assert_eq!(
            normalize_pattern(f["filterPattern"].as_str().unwrap_or_default()),
            normalize_pattern(rule.pattern)
        );
        let metric = &f["metricTransformations"][0];
        assert_eq!(metric["metricNamespace"], "CISBenchmark");
        let alarm = &inv["alarms"][&name];
        assert_eq!(alarm["MetricName"], metric["metricName"]);
        assert_eq!(alarm["Namespace"], "CISBenchmark");
        assert_eq!(alarm["ActionsEnabled"], true);
        assert_eq!(alarm["AlarmActions"], json!([topic]));
        assert_eq!(alarm["TreatMissingData"], "notBreaching");
        assert_eq!(alarm["Threshold"], 1.0);
    }

    // API Gateway alarms (docs/controls/apigateway_stage_alarms.md).
    let rest_5xx = &inv["alarms"][&format!("secbaseline-apigw-{rest}-prod-5xx")];
    assert_eq!(rest_5xx["Namespace"], "AWS/ApiGateway");
    assert_eq!(rest_5xx["MetricName"], "5XXError");
    assert_eq!(
        rest_5xx["Dimensions"],
        json!([{"Name": "ApiName", "Value": "shop"}, {"Name": "Stage", "Value": "prod"}])
    );
    assert_eq!(rest_5xx["ActionsEnabled"], true);
    assert_eq!(rest_5xx["AlarmActions"], json!([topic]));
    let rest_latency = &inv["alarms"][&format!("secbaseline-apigw-{rest}-prod-latency")];
    assert_eq!(rest_latency["MetricName"], "Latency");
    assert_eq!(rest_latency["ExtendedStatistic"], "p99");
    let http_5xx = &inv["alarms"][&format!("secbaseline-apigw-{http}-prod-5xx")];
    assert_eq!(http_5xx["MetricName"], "5xx");
    assert_eq!(
        http_5xx["Dimensions"],
        json!([{"Name": "ApiId", "Value": http}, {"Name": "Stage", "Value": "prod"}])
    );
    let http_latency = &inv["alarms"][&format!("secbaseline-apigw-{http}-prod-latency")];
    assert_eq!(http_latency["Statistic"], "Average");
    assert_eq!(http_latency["Threshold"], 1500.0);

    // In-place update: a higher threshold, fewer CIS alarms.
    let updated = format!(
        "{body}\nthreshold = 2\ncis_alarms = [\"root_usage\", \"unauthorized_api_calls\", \"console_signin_no_mfa\"]"
    );
    ws.write("main.tf", &config(&updated));
    assert_eq!(planned_actions(&ws), json!(["update"]));
    ws.apply().assert_success();
    assert_eq!(ws.plan_detailed_exitcode(), 0);
    let inv = inventory(&emu);
    assert_eq!(inv["filters"].as_object().map(|f| f.len()), Some(3));
    assert_eq!(inv["alarms"].as_object().map(|a| a.len()), Some(3 + 4));
    assert_eq!(inv["alarms"]["secbaseline-root-usage"]["Threshold"], 2.0);

    // Drift: an alarm deleted, a filter deleted, an alarm changed → planned repair.
    emu.python(&format!(
        r#"
cw = boto3.client("cloudwatch"); logs = boto3.client("logs")
cw.delete_alarms(AlarmNames=["secbaseline-root-usage"])
logs.delete_metric_filter(logGroupName="{LOG_GROUP}", filterName="secbaseline-unauthorized-api-calls")
a = cw.describe_alarms(AlarmNames=["secbaseline-apigw-{rest}-prod-5xx"])["MetricAlarms"][0]
cw.put_metric_alarm(AlarmName=a["AlarmName"], Namespace=a["Namespace"], MetricName=a["MetricName"],
    Dimensions=a["Dimensions"], Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=50,
    ComparisonOperator="GreaterThanOrEqualToThreshold", ActionsEnabled=False, AlarmActions=[])
"#
    ));
    assert_eq!(planned_actions(&ws), json!(["update"]));
    ws.apply().assert_success();
    assert_eq!(ws.plan_detailed_exitcode(), 0);
    let inv = inventory(&emu);
    assert!(inv["alarms"].get("secbaseline-root-usage").is_some());
    assert!(inv["filters"]
        .get("secbaseline-unauthorized-api-calls")
        .is_some());
    let repaired = &inv["alarms"][&format!("secbaseline-apigw-{rest}-prod-5xx")];
    assert_eq!(repaired["ActionsEnabled"], true);
    assert_eq!(repaired["Threshold"], 1.0);

    // Import by prefix: empty plan.
    let imported = Workspace::new(&emu, &config(&updated));
    imported
        .import("secbaseline_alarms.main", "secbaseline-")
        .assert_success();
    imported.assert_no_changes();

    // Replacement: a new prefix.
    ws.write(
        "main.tf",
        &config(&format!("name_prefix = \"cis-\"\n{updated}")),
    );
    assert_eq!(planned_actions(&ws), json!(["delete", "create"]));
    ws.apply().assert_success();
    assert_eq!(ws.plan_detailed_exitcode(), 0);
    let inv = inventory(&emu);
    let names: Vec<&String> = inv["alarms"].as_object().expect("alarms").keys().collect();
    assert!(names.iter().all(|n| n.starts_with("cis-")), "{names:?}");

    // Destroy leaves nothing it created (the trail's log group is not its own).
    ws.destroy().assert_success();
    let inv = inventory(&emu);
    assert_eq!(inv["alarms"], json!({}));
    assert_eq!(inv["filters"], json!({}));
    assert_eq!(inv["topics"], json!([]));
    ws.destroy().assert_success();
}

#[test]
fn a_given_topic_is_kept_and_an_unknown_api_is_refused() {
    let emu = Emulator::start();
    seed(&emu);
    let topic = emu
        .python(r#"print(boto3.client("sns").create_topic(Name="ops")["TopicArn"])"#)
        .trim()
        .to_string();

    let ws = Workspace::new(
        &emu,
        &config("api_gateway {\n  api_id = \"nosuchapi\"\n  stage = \"prod\"\n}"),
    );
    let out = ws.plan();
    out.assert_failure();
    assert!(
        out.combined().contains("API Gateway API not found"),
        "{out}"
    );

    ws.write(
        "main.tf",
        &config(&format!(
            "sns_topic_arn = \"{topic}\"\ncis_alarms = [\"root_usage\"]"
        )),
    );
    ws.apply().assert_success();
    assert_eq!(ws.plan_detailed_exitcode(), 0);
    let inv = inventory(&emu);
    assert_eq!(
        inv["alarms"]["secbaseline-root-usage"]["AlarmActions"],
        json!([topic])
    );
    ws.destroy().assert_success();
    let inv = inventory(&emu);
    assert_eq!(inv["topics"], json!([topic]));
    assert_eq!(inv["alarms"], json!({}));
}
