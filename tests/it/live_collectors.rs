//! The live collectors against the emulator: seeded with boto3 (tests/fixtures/seed_*.py), then
//! every collected fact is checked field by field, with the number of AWS calls made. Failures
//! must come back as `Collected::Failed`, never as an empty success.

use crate::common;

use std::collections::BTreeMap;

use common::Emulator;
use secbaseline_engine::facts::{
    Collected, EventSelector, FieldSelector, Known, MethodSetting, Protocol, PublicAccessBlock,
    ReadWriteType, RouteSetting,
};
use serde_json::Value;
use terraform_provider_secbaseline::aws::clients::ENDPOINT_SERVICES;
use terraform_provider_secbaseline::aws::{AwsClients, AwsSettings};
use terraform_provider_secbaseline::live::{self, CallCounter};

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "123456789012";

/// Clients with every service pointed at `url`.
async fn clients_at(url: &str) -> AwsClients {
    common::isolate_sdk_env();
    let settings = AwsSettings {
        region: Some(REGION.into()),
        endpoints: ENDPOINT_SERVICES
            .iter()
            .map(|s| (s.to_string(), url.to_string()))
            .collect(),
        skip_credentials_validation: true,
        max_retries: Some(0),
        ..Default::default()
    };
    AwsClients::connect(&settings)
        .await
        .unwrap_or_else(|e| panic!("configuring clients: {e}"))
}

fn seed(emu: &Emulator, script: &str) -> Value {
    let out = emu.python(script);
    let last = out.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| panic!("seed output is not JSON ({e}): {out}"))
}

fn ok<T: std::fmt::Debug>(c: Collected<T>) -> T {
    match c {
        Collected::Ok(v) => v,
        other => panic!("expected collected facts, got {other:?}"),
    }
}

fn id(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("seed output lacks {key}: {v}"))
        .to_string()
}

fn known<T>(v: T) -> Known<T> {
    Known::Known(v)
}

fn some(v: &str) -> Known<Option<String>> {
    Known::Known(Some(v.to_string()))
}

fn vars(pairs: &[(&str, &str)]) -> Known<BTreeMap<String, String>> {
    Known::Known(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apigateway_rest_apis_stages_methods_and_domains() {
    let emu = Emulator::start();
    let ids = seed(&emu, include_str!("../fixtures/seed_apigateway.py"));
    let clients = clients_at(emu.endpoint()).await;
    let calls = CallCounter::default();
    let facts = ok(live::apigateway::collect(&clients, REGION, &calls).await);
    // 1 GetRestApis + 1 GetDomainNames + per API 1 GetResources + 1 GetStages.
    assert_eq!(calls.get(), 2 + 2 * 2);

    let (open_id, safe_id) = (id(&ids, "open"), id(&ids, "safe"));
    let mut expected_order = vec![open_id.clone(), safe_id.clone()];
    expected_order.sort();
    let got_order: Vec<_> = facts
        .rest_apis
        .iter()
        .map(|a| a.id.as_known().cloned().unwrap_or_default())
        .collect();
    assert_eq!(got_order, expected_order, "REST APIs sorted by id");

    let open = facts
        .rest_apis
        .iter()
        .find(|a| a.id == known(open_id.clone()))
        .expect("open-api collected");
    assert_eq!(open.name, "open-api");
    assert_eq!(open.address, None);
    assert_eq!(open.endpoint_types, known(vec!["EDGE".to_string()]));
    let policy = open.policy.flatten_ref().expect("open-api has a policy");
    let doc: Value = serde_json::from_str(policy).expect("policy stored as JSON text");
    assert_eq!(doc["Statement"][0]["Principal"], "*");
    assert!(
        secbaseline_engine::policy::PolicyDocument::parse(policy).is_ok(),
        "the policy model reads it"
    );
    let methods: Vec<_> = open
        .methods
        .iter()
        .map(|m| {
            (
                m.path.as_str(),
                m.http_method.as_str(),
                m.authorization_type.clone(),
                m.api_key_required.clone(),
            )
        })
        .collect();
    assert_eq!(
        methods,
        vec![
            ("/", "GET", known("NONE".to_string()), known(false)),
            ("/pets", "GET", known("NONE".to_string()), known(false)),
            ("/pets", "OPTIONS", known("NONE".to_string()), known(false)),
        ]
    );
    assert_eq!(open.methods[0].resource_id, known(id(&ids, "root")));
    assert_eq!(open.methods[1].resource_id, known(id(&ids, "pets")));
    assert_eq!(open.methods[1].settings_key(), "pets/GET");
    assert_eq!(open.stages.len(), 1);
    let dev = &open.stages[0];
    assert_eq!(dev.name, "dev");
    assert!(
        dev.method_settings.is_empty(),
        "no method settings: {:?}",
        dev.method_settings
    );
    assert_eq!(dev.access_log_destination, known(None));
    assert_eq!(dev.client_certificate_id, known(None));
    assert_eq!(dev.tracing_enabled, known(false));
    assert_eq!(dev.web_acl_arn, known(None));
    assert_eq!(dev.cache_cluster_enabled, known(false));
    assert_eq!(dev.variables, vars(&[("db_password", "hunter2")]));
    assert_eq!(
        open.stage_arn("aws", REGION, &dev.name),
        Some(format!(
            "arn:aws:apigateway:us-east-1::/restapis/{open_id}/stages/dev"
        ))
    );

    let safe = facts
        .rest_apis
        .iter()
        .find(|a| a.id == known(safe_id.clone()))
        .expect("safe-api collected");
    assert_eq!(safe.name, "safe-api");
    assert_eq!(safe.endpoint_types, known(vec!["REGIONAL".to_string()]));
    assert_eq!(safe.policy, known(None));
    let methods: Vec<_> = safe
        .methods
        .iter()
        .map(|m| {
            (
                m.http_method.as_str(),
                m.authorization_type.clone(),
                m.api_key_required.clone(),
            )
        })
        .collect();
    assert_eq!(
        methods,
        vec![
            ("GET", known("AWS_IAM".to_string()), known(false)),
            ("POST", known("NONE".to_string()), known(true))
        ]
    );
    let prod = &safe.stages[0];
    assert_eq!(prod.name, "prod");
    assert_eq!(
        prod.access_log_destination,
        some("arn:aws:logs:us-east-1:123456789012:log-group:api-access")
    );
    assert_eq!(prod.client_certificate_id, some(&id(&ids, "cert")));
    assert_eq!(prod.tracing_enabled, known(true));
    assert_eq!(prod.web_acl_arn, some(&id(&ids, "acl")));
    assert_eq!(prod.cache_cluster_enabled, known(true));
    assert_eq!(prod.variables, vars(&[("mode", "live")]));
    let keys: Vec<_> = prod.method_settings.keys().map(String::as_str).collect();
    assert_eq!(keys, vec!["*/*", "~1/POST"]);
    assert_eq!(
        prod.method_settings["*/*"],
        MethodSetting {
            logging_level: some("ERROR"),
            caching_enabled: known(Some(true)),
            cache_data_encrypted: known(Some(true)),
            metrics_enabled: known(Some(false)),
            data_trace_enabled: known(Some(false)),
        }
    );
    assert_eq!(prod.method_settings["~1/POST"].logging_level, some("OFF"));
    assert_eq!(
        prod.method_settings["~1/POST"].caching_enabled,
        known(Some(false))
    );

    let domains: Vec<_> = facts
        .domain_names
        .iter()
        .map(|d| (d.name.as_str(), d.security_policy.clone()))
        .collect();
    assert_eq!(
        domains,
        vec![
            ("new.example.com", some("TLS_1_2")),
            ("old.example.com", some("TLS_1_0"))
        ]
    );

    // Deterministic: a second collection gives the same facts.
    let again = ok(live::apigateway::collect(&clients, REGION, &CallCounter::default()).await);
    assert_eq!(again, facts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apigatewayv2_apis_stages_routes_integrations_and_domains() {
    let emu = Emulator::start();
    let ids = seed(&emu, include_str!("../fixtures/seed_apigatewayv2.py"));
    let clients = clients_at(emu.endpoint()).await;
    let calls = CallCounter::default();
    let facts = ok(live::apigatewayv2::collect(&clients, REGION, &calls).await);
    // 1 GetApis + 1 GetDomainNames + per API GetStages, GetRoutes, GetIntegrations.
    assert_eq!(calls.get(), 2 + 2 * 3);
    assert_eq!(facts.apis.len(), 2);

    let http = facts
        .apis
        .iter()
        .find(|a| a.id == known(id(&ids, "http")))
        .expect("HTTP API collected");
    assert_eq!(
        (http.name.as_str(), http.protocol),
        ("http-open", Protocol::Http)
    );
    let routes: Vec<_> = http
        .routes
        .iter()
        .map(|r| {
            (
                r.route_key.as_str(),
                r.id.clone(),
                r.authorization_type.clone(),
            )
        })
        .collect();
    assert_eq!(
        routes,
        vec![
            (
                "$default",
                known(id(&ids, "r_default")),
                known("NONE".to_string())
            ),
            (
                "GET /pets",
                known(id(&ids, "r_get")),
                known("AWS_IAM".to_string())
            ),
        ]
    );
    assert_eq!(
        http.route_arn("aws", REGION, &http.routes[0]),
        Some(format!(
            "arn:aws:apigateway:us-east-1::/apis/{}/routes/{}",
            id(&ids, "http"),
            id(&ids, "r_default")
        ))
    );
    let tls = http
        .integrations
        .iter()
        .find(|i| i.id == known(id(&ids, "i_tls")))
        .expect("VPC link integration");
    assert_eq!(tls.connection_type, known("VPC_LINK".to_string()));
    assert_eq!(tls.tls_server_name_to_verify, some("backend.internal"));
    assert_eq!(
        tls.uri.as_deref(),
        Some("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/lb/1/2")
    );
    let plain = http
        .integrations
        .iter()
        .find(|i| i.id == known(id(&ids, "i_plain")))
        .expect("internet integration");
    assert_eq!(plain.connection_type, known("INTERNET".to_string()));
    assert_eq!(plain.tls_server_name_to_verify, known(None));
    assert_eq!(http.stages.len(), 1);
    let default = &http.stages[0];
    assert_eq!(default.name, "$default");
    assert_eq!(default.access_log_destination, known(None));
    assert_eq!(default.auto_deploy, known(true));
    assert_eq!(default.variables, vars(&[("api_token", "abc123secret")]));

    let ws = facts
        .apis
        .iter()
        .find(|a| a.id == known(id(&ids, "ws")))
        .expect("WebSocket API collected");
    assert_eq!(
        (ws.name.as_str(), ws.protocol),
        ("ws-api", Protocol::Websocket)
    );
    let routes: Vec<_> = ws
        .routes
        .iter()
        .map(|r| (r.route_key.as_str(), r.authorization_type.clone()))
        .collect();
    assert_eq!(
        routes,
        vec![
            ("$connect", known("AWS_IAM".to_string())),
            ("$disconnect", known("NONE".to_string()))
        ]
    );
    assert!(ws.integrations.is_empty());
    let names: Vec<_> = ws.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["bare", "live"], "stages sorted by name");
    let bare = &ws.stages[0];
    assert_eq!(
        bare.default_logging_level,
        some("OFF"),
        "moto reports OFF for a stage without settings"
    );
    assert_eq!(bare.access_log_destination, known(None));
    assert!(bare.route_settings.is_empty());
    let live_stage = &ws.stages[1];
    assert_eq!(
        live_stage.access_log_destination,
        some("arn:aws:logs:us-east-1:123456789012:log-group:ws-access")
    );
    assert_eq!(live_stage.default_logging_level, some("INFO"));
    assert_eq!(
        live_stage.route_settings.get("$disconnect"),
        Some(&RouteSetting {
            logging_level: some("OFF"),
            detailed_metrics_enabled: known(Some(false))
        })
    );
    assert_eq!(live_stage.auto_deploy, known(false));
    assert_eq!(live_stage.variables, vars(&[]));

    let domains: Vec<_> = facts
        .domain_names
        .iter()
        .map(|d| (d.name.as_str(), d.security_policy.clone()))
        .collect();
    assert_eq!(domains, vec![("v2.example.com", some("TLS_1_2"))]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_and_monitoring_services() {
    let emu = Emulator::start();
    let ids = seed(&emu, include_str!("../fixtures/seed_logging.py"));
    let clients = clients_at(emu.endpoint()).await;

    // CloudTrail: 1 DescribeTrails + 2 per trail (4 visible: 3 home + 1 shadow) + 4 per bucket
    // of the 3 home-region trails, except the deleted bucket, whose first read fails.
    let calls = CallCounter::default();
    let ct = ok(live::cloudtrail::collect(&clients, REGION, &calls).await);
    assert_eq!(calls.get(), 1 + 2 * 4 + 4 * 2 + 1);
    let names: Vec<_> = ct.trails.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["data-only", "org-audit", "orphan", "west-global"],
        "sorted by ARN"
    );

    let good = &ct.trails[1];
    assert_eq!(good.arn, known(id(&ids, "good")));
    assert_eq!(good.home_region, REGION);
    assert_eq!(good.is_multi_region, known(true));
    assert_eq!(good.is_logging, known(true));
    assert_eq!(good.log_file_validation, known(true));
    assert_eq!(
        good.kms_key_id,
        some("arn:aws:kms:us-east-1:123456789012:key/k1")
    );
    assert_eq!(
        good.cloudwatch_logs_log_group_arn,
        some("arn:aws:logs:us-east-1:123456789012:log-group:trail:*")
    );
    assert_eq!(good.s3_bucket, known("trail-good".to_string()));
    assert!(!good.is_organization_trail);
    assert_eq!(good.owner_account.as_deref(), Some(ACCOUNT));
    assert_eq!(
        good.event_selectors,
        known(vec![EventSelector::Classic {
            read_write_type: ReadWriteType::All,
            include_management_events: true
        }])
    );
    assert_eq!(good.records_all_management_events(), known(true));

    let bad = &ct.trails[0];
    assert_eq!(bad.is_multi_region, known(false));
    assert_eq!(bad.is_logging, known(false));
    assert_eq!(bad.log_file_validation, known(false));
    assert_eq!(bad.kms_key_id, known(None));
    assert_eq!(bad.cloudwatch_logs_log_group_arn, known(None));
    let field = |f: &str, eq: &[&str]| FieldSelector {
        field: f.into(),
        equals: eq.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    assert_eq!(
        bad.event_selectors,
        known(vec![EventSelector::Advanced {
            name: Some("s3 data".into()),
            field_selectors: vec![
                field("eventCategory", &["Data"]),
                field("resources.type", &["AWS::S3::Object"]),
                FieldSelector {
                    field: "resources.ARN".into(),
                    starts_with: vec!["arn:aws:s3:::x/".into()],
                    not_ends_with: vec![".tmp".into()],
                    ..Default::default()
                },
            ],
        }])
    );
    assert_eq!(bad.records_all_management_events(), known(false));

    // A multi-region trail created in another region shows up here as its shadow.
    let west = &ct.trails[3];
    assert_eq!(west.home_region, "us-west-2");
    assert_eq!(
        west.arn,
        known("arn:aws:cloudtrail:us-west-2:123456789012:trail/west-global".to_string())
    );
    assert_eq!(west.is_multi_region, known(true));
    assert_eq!(
        west.is_logging,
        known(true),
        "status read in the trail's home region"
    );
    assert_eq!(
        west.event_selectors,
        known(vec![]),
        "moto gives a new trail no selectors"
    );

    // Buckets: one entry per home-region trail bucket; the shadow trail's bucket is read by its
    // home region's collection.
    let keys: Vec<_> = ct.buckets.keys().map(String::as_str).collect();
    assert_eq!(keys, vec!["trail-bad", "trail-gone", "trail-good"]);
    let good_bucket = ct.buckets["trail-good"].ok().expect("trail-good readable");
    assert_eq!(good_bucket.name, "trail-good");
    let policy: Value = serde_json::from_str(good_bucket.policy.flatten_ref().expect("policy set"))
        .expect("bucket policy is JSON");
    assert_eq!(
        policy["Statement"][0]["Principal"]["Service"],
        "cloudtrail.amazonaws.com"
    );
    assert_eq!(
        good_bucket.public_access_block,
        known(Some(PublicAccessBlock::ALL_ON))
    );
    assert_eq!(good_bucket.public_acl_grantees, known(vec![]));
    assert_eq!(good_bucket.logging_target_bucket, some("access-logs"));
    let bad_bucket = ct.buckets["trail-bad"].ok().expect("trail-bad readable");
    assert_eq!(bad_bucket.policy, known(None));
    assert_eq!(
        bad_bucket.public_access_block,
        known(Some(PublicAccessBlock {
            block_public_acls: false,
            ignore_public_acls: false,
            block_public_policy: true,
            restrict_public_buckets: false,
        }))
    );
    assert_eq!(
        bad_bucket.public_acl_grantees,
        known(vec![
            "http://acs.amazonaws.com/groups/global/AllUsers".to_string()
        ])
    );
    assert_eq!(bad_bucket.logging_target_bucket, known(None));
    match &ct.buckets["trail-gone"] {
        Collected::Failed { code, message } => {
            assert_eq!(code, "NoSuchBucket");
            assert!(message.contains("trail-gone"), "{message}");
        }
        other => panic!("a deleted trail bucket must be Failed, got {other:?}"),
    }

    // AWS Config: recorders, status, channels, and rules over two pages (moto pages by 25).
    let calls = CallCounter::default();
    let cfg = ok(live::config::collect(&clients, REGION, &calls).await);
    assert_eq!(calls.get(), 3 + 2);
    assert_eq!(cfg.recorders.len(), 1);
    let rec = &cfg.recorders[0];
    assert_eq!(rec.name, "default");
    assert_eq!(rec.role_arn, some("arn:aws:iam::123456789012:role/config"));
    assert_eq!(rec.recording, known(true));
    let group = rec
        .recording_group
        .as_known()
        .expect("recording group known");
    assert!(!group.all_supported && !group.include_global_resource_types);
    assert_eq!(
        group.resource_types,
        vec!["AWS::ApiGateway::RestApi", "AWS::ApiGateway::Stage"]
    );
    assert!(group.exclusion_resource_types.is_empty());
    assert_eq!(
        group.strategy.as_deref(),
        Some("INCLUSION_BY_RESOURCE_TYPES")
    );
    assert_eq!(cfg.delivery_channels.len(), 1);
    assert_eq!(cfg.delivery_channels[0].name, "default");
    assert_eq!(cfg.delivery_channels[0].s3_bucket, some("access-logs"));
    assert_eq!(
        cfg.delivery_channels[0].sns_topic_arn,
        some("arn:aws:sns:us-east-1:123456789012:cfg")
    );
    assert_eq!(cfg.rules.len(), 32);
    let r0 = &cfg.rules[0];
    assert_eq!(r0.name, "rule-0");
    assert!(
        matches!(r0.arn.as_known(), Some(a) if a.starts_with("arn:aws:config:us-east-1:123456789012:config-rule/"))
    );
    assert_eq!(r0.source_owner, "AWS");
    assert_eq!(
        r0.source_identifier,
        known("API_GW_XRAY_ENABLED".to_string())
    );
    assert_eq!(r0.state.as_deref(), Some("ACTIVE"));
    assert_eq!(
        cfg.rules[1].source_identifier,
        known("API_GW_EXECUTION_LOGGING_ENABLED".to_string())
    );
    assert_eq!(cfg.rules[31].name, "zz-bulk-29");

    // CloudWatch alarms (moto does not page DescribeAlarms): one call.
    let calls = CallCounter::default();
    let cw = ok(live::cloudwatch::collect(&clients, REGION, &calls).await);
    assert_eq!(calls.get(), 1);
    let names: Vec<_> = cw.alarms.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, vec!["api-5xx", "muted"]);
    let api = &cw.alarms[0];
    assert_eq!(
        api.arn,
        known("arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-5xx".to_string())
    );
    assert_eq!(api.namespace, some("AWS/ApiGateway"));
    assert_eq!(api.metric_name, some("5XXError"));
    assert_eq!(
        api.dimensions,
        vars(&[("ApiName", "safe-api"), ("Stage", "prod")])
    );
    assert_eq!(api.actions_enabled, known(true));
    assert_eq!(api.alarm_actions, known(vec![id(&ids, "topic")]));
    assert!(api.has_sns_action());
    let muted = &cw.alarms[1];
    assert_eq!(muted.actions_enabled, known(false));
    assert_eq!(muted.alarm_actions, known(vec![]));
    assert_eq!(muted.dimensions, vars(&[]));

    // Metric filters.
    let calls = CallCounter::default();
    let logs = ok(live::logs::collect(&clients, REGION, &calls).await);
    assert_eq!(calls.get(), 1);
    let filters: Vec<_> = logs
        .metric_filters
        .iter()
        .map(|f| (f.log_group_name.clone(), f.name.as_str()))
        .collect();
    assert_eq!(
        filters,
        vec![
            (known("trail".to_string()), "auth-failures"),
            (known("trail".to_string()), "root-usage")
        ]
    );
    let root = &logs.metric_filters[1];
    assert_eq!(
        root.pattern,
        known(r#"{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}"#.to_string())
    );
    assert_eq!(root.transformations.len(), 1);
    assert_eq!(
        (
            root.transformations[0].namespace.as_str(),
            root.transformations[0].name.as_str()
        ),
        ("CIS", "RootUsage")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_region_is_collected_as_empty_not_failed() {
    let emu = Emulator::start();
    let clients = clients_at(emu.endpoint()).await;
    let calls = CallCounter::default();
    assert_eq!(
        ok(live::apigateway::collect(&clients, REGION, &calls).await),
        Default::default()
    );
    assert_eq!(
        ok(live::apigatewayv2::collect(&clients, REGION, &calls).await),
        Default::default()
    );
    assert_eq!(
        ok(live::cloudtrail::collect(&clients, REGION, &calls).await),
        Default::default()
    );
    assert_eq!(
        ok(live::config::collect(&clients, REGION, &calls).await),
        Default::default()
    );
    assert_eq!(
        ok(live::cloudwatch::collect(&clients, REGION, &calls).await),
        Default::default()
    );
    assert_eq!(
        ok(live::logs::collect(&clients, REGION, &calls).await),
        Default::default()
    );
    assert_eq!(calls.get(), 2 + 2 + 1 + 4 + 1 + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_account_public_access_block() {
    let emu = Emulator::start();
    let clients = clients_at(emu.endpoint()).await;
    let calls = CallCounter::default();
    assert_eq!(
        live::s3account::collect(&clients, ACCOUNT, &calls).await,
        Collected::Ok(None),
        "not configured"
    );
    assert_eq!(calls.get(), 1);
    emu.python(
        r#"
# Botocore puts the account id in front of the host (S3 Control's endpoint rules); a loopback
# address cannot take it, so drop it just before sending.
s3c = boto3.client("s3control")
def strip_account_prefix(request, **kwargs):
    request.url = request.url.replace("://123456789012.", "://", 1)
s3c.meta.events.register("before-send", strip_account_prefix)
s3c.put_public_access_block(AccountId="123456789012", PublicAccessBlockConfiguration={
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": False})
"#,
    );
    let got = live::s3account::collect(&clients, ACCOUNT, &calls).await;
    assert_eq!(
        got,
        Collected::Ok(Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: false,
        }))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_endpoints_fail_and_never_look_empty() {
    // A port that was free a moment ago: nothing listens, every call fails to connect.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port());
    let url = format!("http://127.0.0.1:{}", port.expect("a free port"));
    let clients = clients_at(&url).await;
    let calls = CallCounter::default();
    let failed = |c: (&str, Option<(String, String)>)| {
        let (service, outcome) = c;
        let (code, message) = outcome.unwrap_or_else(|| panic!("{service}: expected Failed"));
        assert_eq!(code, "RequestFailed", "{service}: {message}");
        assert!(
            message.contains(" in us-east-1") || message.contains(ACCOUNT),
            "{service}: action named: {message}"
        );
    };
    fn failure<T>(c: Collected<T>) -> Option<(String, String)> {
        match c {
            Collected::Failed { code, message } => Some((code, message)),
            _ => None,
        }
    }
    failed((
        "apigateway",
        failure(live::apigateway::collect(&clients, REGION, &calls).await),
    ));
    failed((
        "apigatewayv2",
        failure(live::apigatewayv2::collect(&clients, REGION, &calls).await),
    ));
    failed((
        "cloudtrail",
        failure(live::cloudtrail::collect(&clients, REGION, &calls).await),
    ));
    failed((
        "config",
        failure(live::config::collect(&clients, REGION, &calls).await),
    ));
    failed((
        "cloudwatch",
        failure(live::cloudwatch::collect(&clients, REGION, &calls).await),
    ));
    failed((
        "logs",
        failure(live::logs::collect(&clients, REGION, &calls).await),
    ));
    failed((
        "s3account",
        failure(live::s3account::collect(&clients, ACCOUNT, &calls).await),
    ));
    assert!(calls.get() >= 7, "every attempt is counted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_unreachable_service_fails_only_itself() {
    let emu = Emulator::start();
    seed(&emu, include_str!("../fixtures/seed_apigatewayv2.py"));
    common::isolate_sdk_env();
    let mut endpoints: BTreeMap<String, String> = ENDPOINT_SERVICES
        .iter()
        .map(|s| (s.to_string(), emu.endpoint().to_string()))
        .collect();
    endpoints.insert("apigateway".into(), "http://127.0.0.1:9".into());
    let settings = AwsSettings {
        region: Some(REGION.into()),
        endpoints,
        skip_credentials_validation: true,
        max_retries: Some(0),
        ..Default::default()
    };
    let clients = AwsClients::connect(&settings).await.expect("clients");
    let calls = CallCounter::default();
    assert!(matches!(
        live::apigateway::collect(&clients, REGION, &calls).await,
        Collected::Failed { .. }
    ));
    let v2 = ok(live::apigatewayv2::collect(&clients, REGION, &calls).await);
    assert_eq!(v2.apis.len(), 2);
}
