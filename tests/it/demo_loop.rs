//! The product's loop, end to end through terraform init/apply/destroy on examples/demo:
//! an account with an insecure API and no logging fails the assessment; applying
//! secbaseline_cloudtrail + secbaseline_config_rules + secbaseline_alarms makes every
//! account-level control and the service logging controls pass; destroy leaves nothing.

use crate::common;

use common::{Emulator, Workspace};
use serde_json::Value;

const SEED: &str = r#"
apigw = boto3.client("apigateway")
api = apigw.create_rest_api(name="orders-api")
root = [r for r in apigw.get_resources(restApiId=api["id"])["items"] if r["path"] == "/"][0]
apigw.put_method(restApiId=api["id"], resourceId=root["id"], httpMethod="GET", authorizationType="NONE")
apigw.put_integration(restApiId=api["id"], resourceId=root["id"], httpMethod="GET", type="MOCK")
apigw.create_deployment(restApiId=api["id"], stageName="prod")
print(api["id"])
"#;

const INVENTORY: &str = r#"
ct, cfg, logs, cw, sns = (boto3.client(s) for s in ("cloudtrail", "config", "logs", "cloudwatch", "sns"))
rules, token = [], None
while True:
    page = cfg.describe_config_rules(**({"NextToken": token} if token else {}))
    rules += page["ConfigRules"]
    token = page.get("NextToken")
    if not token:
        break
print(json.dumps({
    "trails": len(ct.describe_trails()["trailList"]),
    "rules": len(rules),
    "recorders": len(cfg.describe_configuration_recorders()["ConfigurationRecorders"]),
    "filters": len(logs.describe_metric_filters()["metricFilters"]),
    "alarms": len(cw.describe_alarms()["MetricAlarms"]),
    "topics": len(sns.list_topics()["Topics"]),
}))
"#;

fn statuses(ws: &Workspace) -> Vec<(String, String)> {
    ws.output_json("findings")
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| {
            (
                f["control"].as_str().unwrap_or_default().to_string(),
                f["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn assess_apply_baseline_assess_again_then_destroy_leaves_nothing() {
    let emu = Emulator::start();
    let api_id = emu.python(SEED).trim().to_string();
    let ws = Workspace::with_mirror_files(
        &emu,
        &[
            ("main.tf", include_str!("../../examples/demo/main.tf")),
            (
                "baseline/main.tf",
                include_str!("../../examples/demo/baseline/main.tf"),
            ),
        ],
    );
    let var = format!("api_id={api_id}");

    ws.run(&["apply", "-auto-approve", "-no-color", "-var", &var])
        .assert_success();
    let before = statuses(&ws);
    let status_of = |list: &[(String, String)], control: &str| -> Vec<String> {
        list.iter()
            .filter(|(c, _)| c == control)
            .map(|(_, s)| s.clone())
            .collect()
    };
    for control in [
        "cloudtrail_multi_region",
        "config_recorder",
        "cloudwatch_alarm_root_usage",
        "apigateway_cloudtrail",
        "apigateway_stage_alarms",
    ] {
        assert!(
            status_of(&before, control).contains(&"FAIL".to_string()),
            "{control} should fail before: {:?}",
            status_of(&before, control)
        );
    }

    ws.run(&[
        "apply",
        "-auto-approve",
        "-no-color",
        "-var",
        &var,
        "-var",
        "apply_baseline=true",
    ])
    .assert_success();
    let after = statuses(&ws);
    let must_pass: Vec<&(String, String)> = after
        .iter()
        .filter(|(c, _)| {
            c.starts_with("cloudtrail_")
                || c.starts_with("cloudwatch_")
                || c == "config_recorder"
                || [
                    "apigateway_cloudtrail",
                    "apigateway_config_recording",
                    "apigateway_config_rules",
                    "apigateway_stage_alarms",
                ]
                .contains(&c.as_str())
        })
        .collect();
    assert!(
        must_pass.len() >= 26,
        "expected the account and service logging controls: {must_pass:?}"
    );
    for (control, status) in &must_pass {
        assert_eq!(
            status, "PASS",
            "{control} should pass after the baseline: {after:?}"
        );
    }
    // The API's own settings are not the baseline's job: they still fail.
    assert!(status_of(&after, "apigateway_rest_xray_tracing").contains(&"FAIL".to_string()));

    let created: Value = emu.python_json(INVENTORY);
    assert!(
        created["trails"].as_u64() >= Some(1)
            && created["rules"].as_u64() >= Some(20)
            && created["alarms"].as_u64() >= Some(15),
        "{created}"
    );

    ws.run(&[
        "destroy",
        "-auto-approve",
        "-no-color",
        "-var",
        &var,
        "-var",
        "apply_baseline=true",
    ])
    .assert_success();
    let left: Value = emu.python_json(INVENTORY);
    assert_eq!(
        left,
        serde_json::json!({"trails": 0, "rules": 0, "recorders": 0, "filters": 0, "alarms": 0, "topics": 0}),
        "destroy must leave nothing the demo created"
    );
}
