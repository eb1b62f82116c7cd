//! `secbaseline_assessment` through the real terraform binary against a seeded emulator:
//! every API Gateway control of the catalogue FAILs exactly on the insecure stages, methods,
//! routes, integrations, domains and policies and PASSes on the secure ones — REST, HTTP and
//! WebSocket, including APIs where secure and insecure parts live side by side — and leaves
//! what it does not judge alone; account logging controls pass once a compliant baseline
//! exists; gating, exemptions and collection errors behave as documented.

use crate::common;

use std::collections::BTreeSet;

use common::assessment::{
    assessment_config, expect, findings, of_control, only_on, out_of_scope, seed, seed_logging,
    PROVIDER,
};
use common::{Emulator, Workspace};
use secbaseline_engine::service::Service;
use serde_json::Value;

/// The emulator's account: account-level controls report on it.
const ACCOUNT_ID: &str = "123456789012";

/// Expectation status for "no finding, or NOT_APPLICABLE" (out of scope).
const OUT_OF_SCOPE: &str = "OUT_OF_SCOPE";

fn seed_apigateway(emu: &Emulator) -> Value {
    seed(emu, include_str!("../seeds/apigateway.py"))
}

/// The ids `tests/seeds/apigateway.py` printed, turned into resource-id needles precise enough
/// to tell stages, methods, routes and integrations of one API apart.
struct Seeded(Value);

impl Seeded {
    /// A seeded id; `path` is a key or `api_routes/which` for the WebSocket route maps.
    fn id(&self, path: &str) -> &str {
        let value = path.split('/').fold(&self.0, |v, k| &v[k]);
        value
            .as_str()
            .unwrap_or_else(|| panic!("the seed printed no id {path:?}: {}", self.0))
    }

    /// A REST API (its resource policy).
    fn rest_api(&self, api: &str) -> String {
        format!("::/restapis/{}", self.id(api))
    }

    fn rest_stage(&self, api: &str, stage: &str) -> String {
        format!("::/restapis/{}/stages/{stage}", self.id(api))
    }

    fn rest_method(&self, api: &str, resource: &str, verb: &str) -> String {
        format!(
            "::/restapis/{}/resources/{}/methods/{verb}",
            self.id(api),
            self.id(resource)
        )
    }

    fn v2_stage(&self, api: &str, stage: &str) -> String {
        format!("::/apis/{}/stages/{stage}", self.id(api))
    }

    /// One route (`route` is a seeded route id key), or every route of the API with `None`.
    fn route(&self, api: &str, route: Option<&str>) -> String {
        let rid = route.map_or("", |r| self.id(r));
        format!("::/apis/{}/routes/{rid}", self.id(api))
    }

    /// One integration, or every integration of the API with `None`.
    fn integration(&self, api: &str, integration: Option<&str>) -> String {
        let iid = integration.map_or("", |i| self.id(i));
        format!("::/apis/{}/integrations/{iid}", self.id(api))
    }
}

/// One expected outcome: `control` on resources matching `needle` has `status`.
struct Expect {
    control: &'static str,
    needle: String,
    status: &'static str,
}

/// Collects expectations: `on(controls, status, needles)` adds one per control and needle.
#[derive(Default)]
struct Expectations(Vec<Expect>);

impl Expectations {
    fn on(&mut self, controls: &[&'static str], status: &'static str, needles: &[String]) {
        for control in controls {
            for needle in needles {
                self.0.push(Expect {
                    control,
                    needle: needle.clone(),
                    status,
                });
            }
        }
    }
}

/// The REST stage controls that every hardened stage passes.
const REST_STAGE_SETTINGS: [&str; 4] = [
    "apigateway_rest_access_logging",
    "apigateway_rest_client_certificate",
    "apigateway_rest_xray_tracing",
    "apigateway_rest_waf",
];

/// Account-level controls: FAIL on the neglected account, PASS with the logging baseline.
const ACCOUNT_CONTROLS: [&str; 3] = [
    "apigateway_cloudtrail",
    "apigateway_config_recording",
    "apigateway_config_rules",
];

/// What the seeded (neglected) account must show, per control and resource.
fn seeded_expectations(s: &Seeded) -> Expectations {
    let mut x = Expectations::default();
    let rest = |api: &str, stages: &[&str]| -> Vec<String> {
        stages.iter().map(|st| s.rest_stage(api, st)).collect()
    };
    let v2 = |api: &str, stages: &[&str]| -> Vec<String> {
        stages.iter().map(|st| s.v2_stage(api, st)).collect()
    };
    let all = |parts: &[Vec<String>]| -> Vec<String> { parts.concat() };

    // REST stages: secure-rest/prod and mixed-rest/prod are hardened; mixed-rest/logoff and
    // mixed-rest/cacheplain are hardened but for one method; insecure-rest/dev and
    // mixed-rest/dev have nothing.
    let hardened_rest = all(&[
        rest("secure_rest", &["prod"]),
        rest("mixed_rest", &["prod", "logoff", "cacheplain"]),
    ]);
    let bare_rest = all(&[
        rest("insecure_rest", &["dev"]),
        rest("mixed_rest", &["dev"]),
    ]);
    x.on(&REST_STAGE_SETTINGS, "PASS", &hardened_rest);
    x.on(&REST_STAGE_SETTINGS, "FAIL", &bare_rest);

    // REST `*/*` level plus method overrides; WebSocket default route level plus
    // route overrides; HTTP stages have no execution logs.
    let exec = ["apigateway_rest_execution_logging"];
    x.on(
        &exec,
        "PASS",
        &all(&[
            rest("secure_rest", &["prod"]),
            rest("mixed_rest", &["prod", "cacheplain"]),
            v2("secure_ws", &["live"]),
            v2("mixed_ws", &["live"]),
        ]),
    );
    x.on(
        &exec,
        "FAIL",
        &all(&[
            bare_rest.clone(),
            rest("mixed_rest", &["logoff"]),
            v2("insecure_ws", &["dev", "beta"]),
            v2("mixed_ws", &["canary"]),
        ]),
    );
    x.on(
        &exec,
        OUT_OF_SCOPE,
        &all(&[
            v2("secure_http", &["prod"]),
            v2("insecure_http", &["dev"]),
            v2("mixed_http", &["prod", "dev"]),
        ]),
    );

    // Every method whose effective setting caches.
    let cache = ["apigateway_rest_cache_encrypted"];
    x.on(
        &cache,
        "PASS",
        &all(&[
            rest("secure_rest", &["prod"]),
            rest("mixed_rest", &["prod", "logoff"]),
        ]),
    );
    x.on(
        &cache,
        "FAIL",
        &all(&[
            rest("insecure_rest", &["dev"]),
            rest("mixed_rest", &["cacheplain"]),
        ]),
    );
    x.on(&cache, OUT_OF_SCOPE, &rest("mixed_rest", &["dev"]));

    let auth = ["apigateway_rest_method_authorization"];
    x.on(
        &auth,
        "PASS",
        &[
            s.rest_method("secure_rest", "secure_rest_root", "GET"),
            s.rest_method("mixed_rest", "mixed_rest_items", "GET"),
            s.rest_method("mixed_rest", "mixed_rest_items", "PUT"),
        ],
    );
    x.on(
        &auth,
        "FAIL",
        &[
            s.rest_method("insecure_rest", "insecure_rest_root", "GET"),
            s.rest_method("mixed_rest", "mixed_rest_items", "POST"),
        ],
    );
    x.on(
        &auth,
        OUT_OF_SCOPE,
        &[
            s.rest_method("secure_rest", "secure_rest_root", "OPTIONS"),
            s.rest_method("mixed_rest", "mixed_rest_items", "OPTIONS"),
        ],
    );

    let policy = ["apigateway_rest_resource_policy_public"];
    x.on(&policy, "PASS", &[s.rest_api("secure_rest")]);
    x.on(&policy, "FAIL", &[s.rest_api("insecure_rest")]);
    x.on(&policy, OUT_OF_SCOPE, &[s.rest_api("mixed_rest")]);

    let v2_logs = ["apigateway_v2_access_logging"];
    x.on(
        &v2_logs,
        "PASS",
        &all(&[
            v2("secure_http", &["prod"]),
            v2("mixed_http", &["prod"]),
            v2("secure_ws", &["live"]),
            v2("mixed_ws", &["live", "canary"]),
        ]),
    );
    x.on(
        &v2_logs,
        "FAIL",
        &all(&[
            v2("insecure_http", &["dev"]),
            v2("mixed_http", &["dev"]),
            v2("insecure_ws", &["dev", "beta"]),
        ]),
    );

    // Every HTTP route including $default; WebSocket only $connect.
    let routes = ["apigateway_v2_route_authorization"];
    x.on(
        &routes,
        "PASS",
        &[
            s.route("secure_http", None),
            s.route("mixed_http", Some("mixed_http_private")),
            s.route("secure_ws", Some("secure_ws_routes/connect")),
            s.route("mixed_ws", Some("mixed_ws_routes/connect")),
        ],
    );
    x.on(
        &routes,
        "FAIL",
        &[
            s.route("insecure_http", None),
            s.route("mixed_http", Some("mixed_http_public")),
            s.route("mixed_http", Some("mixed_http_default")),
            s.route("insecure_ws", Some("insecure_ws_routes/connect")),
        ],
    );
    for api in ["secure_ws", "insecure_ws", "mixed_ws"] {
        let others: Vec<String> = ["disconnect", "default", "send"]
            .iter()
            .map(|r| s.route(api, Some(&format!("{api}_routes/{r}"))))
            .collect();
        x.on(&routes, OUT_OF_SCOPE, &others);
    }

    let tls = ["apigateway_v2_private_integration_tls"];
    x.on(
        &tls,
        "PASS",
        &[
            s.integration("secure_http", None),
            s.integration("mixed_http", Some("mixed_http_tls")),
        ],
    );
    x.on(
        &tls,
        "FAIL",
        &[
            s.integration("insecure_http", None),
            s.integration("mixed_http", Some("mixed_http_no_tls")),
        ],
    );
    x.on(
        &tls,
        OUT_OF_SCOPE,
        &[s.integration("mixed_http", Some("mixed_http_internet"))],
    );

    // TLS 1.2 or newer, v1 and v2 domain names.
    let domain = |d: &str| format!("::/domainnames/{d}");
    let domains = ["apigateway_domain_tls"];
    x.on(
        &domains,
        "PASS",
        &[domain("secure.example.com"), domain("ws.example.com")],
    );
    x.on(
        &domains,
        "FAIL",
        &[domain("legacy.example.com"), domain("old-ws.example.com")],
    );

    // Secrets in v1 and v2 stages; stages without variables are out of scope.
    let vars = ["apigateway_stage_variables_no_secrets"];
    x.on(
        &vars,
        "PASS",
        &all(&[
            rest("secure_rest", &["prod"]),
            rest("mixed_rest", &["prod"]),
            v2("secure_http", &["prod"]),
            v2("mixed_http", &["prod"]),
            v2("secure_ws", &["live"]),
        ]),
    );
    x.on(
        &vars,
        "FAIL",
        &all(&[
            bare_rest.clone(),
            v2("insecure_http", &["dev"]),
            v2("insecure_ws", &["dev", "beta"]),
        ]),
    );
    x.on(
        &vars,
        OUT_OF_SCOPE,
        &all(&[
            rest("mixed_rest", &["logoff", "cacheplain"]),
            v2("mixed_http", &["dev"]),
            v2("mixed_ws", &["live", "canary"]),
        ]),
    );

    // 5XXError (REST), 5xx (HTTP), IntegrationError/ExecutionError (WebSocket),
    // with an enabled alarm action. mixed-rest/dev's alarm has no action; mixed-http/dev's
    // watches the REST metric name.
    let alarms = ["apigateway_stage_alarms"];
    x.on(
        &alarms,
        "PASS",
        &all(&[
            hardened_rest.clone(),
            v2("secure_http", &["prod"]),
            v2("mixed_http", &["prod"]),
            v2("secure_ws", &["live"]),
            v2("mixed_ws", &["live", "canary"]),
        ]),
    );
    x.on(
        &alarms,
        "FAIL",
        &all(&[
            bare_rest,
            v2("insecure_http", &["dev"]),
            v2("mixed_http", &["dev"]),
            v2("insecure_ws", &["dev", "beta"]),
        ]),
    );

    x.on(&ACCOUNT_CONTROLS, "FAIL", &[ACCOUNT_ID.to_string()]);

    // An admin-equivalent policy is iam_policy_no_admin's, never this control's FAIL.
    let iam = ["apigateway_iam_least_privilege"];
    x.on(
        &iam,
        "PASS",
        &[
            ":policy/apigw-read-one".into(),
            ":policy/admin-everything".into(),
        ],
    );
    x.on(
        &iam,
        "FAIL",
        &[
            ":policy/apigw-everything".into(),
            ":role/api-deployer/inline-policy/invoke-all".into(),
        ],
    );
    x
}

/// What the account shows once `tests/seeds/logging.py` laid a compliant baseline: the
/// account-level controls pass, every API resource is judged as before.
fn baseline_expectations(s: &Seeded) -> Expectations {
    let mut x = seeded_expectations(s);
    x.0.retain(|e| !ACCOUNT_CONTROLS.contains(&e.control));
    x.on(&ACCOUNT_CONTROLS, "PASS", &[ACCOUNT_ID.to_string()]);
    x
}

/// Every API Gateway control id of the engine's catalogue.
fn apigateway_controls() -> BTreeSet<&'static str> {
    secbaseline_engine::rules::catalogue()
        .iter()
        .map(|r| r.meta())
        .filter(|m| m.service == Service::ApiGateway)
        .map(|m| m.id)
        .collect()
}

/// Each expectation holds, and for every API Gateway control nothing outside the expected
/// set FAILs, and nothing is ERROR or UNKNOWN on a healthy emulator.
fn check_exactly(f: &[Value], expectations: &Expectations) {
    for x in &expectations.0 {
        match x.status {
            OUT_OF_SCOPE => out_of_scope(f, x.control, &x.needle),
            status => expect(f, x.control, &x.needle, status),
        }
    }
    for control in apigateway_controls() {
        let fails: Vec<&str> = expectations
            .0
            .iter()
            .filter(|x| x.control == control && x.status == "FAIL")
            .map(|x| x.needle.as_str())
            .collect();
        only_on(f, control, "FAIL", &fails);
        for status in ["ERROR", "UNKNOWN"] {
            only_on(f, control, status, &[]);
        }
    }
}

/// The message of the one finding of `control` on resources matching `needle`.
fn message<'a>(f: &'a [Value], control: &str, needle: &str) -> &'a str {
    let mine: Vec<&Value> = of_control(f, control)
        .into_iter()
        .filter(|x| {
            x["resource_id"]
                .as_str()
                .is_some_and(|r| r.contains(needle))
        })
        .collect();
    assert_eq!(mine.len(), 1, "{control} on {needle}: {mine:#?}");
    mine[0]["message"].as_str().unwrap_or_default()
}

#[test]
fn apigateway_controls_judge_exactly_the_insecure_resources_then_the_account_baseline_passes() {
    let emu = Emulator::start();
    let s = Seeded(seed_apigateway(&emu));
    let seeded = seeded_expectations(&s);
    let baseline = baseline_expectations(&s);

    // Every API Gateway control of the catalogue has a PASS and a FAIL case, so a new control
    // without expectations here fails this test.
    let controls = apigateway_controls();
    assert_eq!(
        controls.len(),
        18,
        "the catalogue has 18 API Gateway controls"
    );
    for control in &controls {
        let outcomes: BTreeSet<&str> = seeded
            .0
            .iter()
            .chain(&baseline.0)
            .filter(|x| x.control == *control)
            .map(|x| x.status)
            .collect();
        assert!(
            outcomes.contains("PASS") && outcomes.contains("FAIL"),
            "{control}: the seeded assessment test covers {outcomes:?}; it needs a PASS and a \
             FAIL case (add them to tests/seeds/apigateway.py and this test)"
        );
    }

    let ws = Workspace::new(&emu, &assessment_config("services = [\"apigateway\"]"));
    ws.apply().assert_success();
    let f = findings(&ws);
    check_exactly(&f, &seeded);
    let reported: BTreeSet<&str> = f.iter().filter_map(|x| x["control_id"].as_str()).collect();
    assert_eq!(
        reported, controls,
        "one or more findings per selected control, and no other control"
    );

    // Failures within an otherwise secure stage name what fails (a method's logging or cache).
    let exec = "apigateway_rest_execution_logging";
    let m = message(&f, exec, &s.rest_stage("mixed_rest", "logoff"));
    assert!(m.contains("POST /items") && m.contains("OFF"), "{m}");
    let m = message(&f, exec, &s.v2_stage("mixed_ws", "canary"));
    assert!(m.contains("route sendMessage"), "{m}");
    let m = message(&f, exec, &s.v2_stage("insecure_ws", "beta"));
    assert!(m.contains("not set (OFF)"), "{m}");
    let m = message(
        &f,
        "apigateway_rest_cache_encrypted",
        &s.rest_stage("mixed_rest", "cacheplain"),
    );
    assert!(m.contains("GET /items") && !m.contains("*/*"), "{m}");
    let m = message(
        &f,
        "apigateway_stage_alarms",
        &s.rest_stage("mixed_rest", "dev"),
    );
    assert!(m.contains("no enabled alarm action"), "{m}");
    let m = message(
        &f,
        "apigateway_v2_route_authorization",
        &s.route("mixed_http", Some("mixed_http_default")),
    );
    assert!(m.contains("'$default'"), "{m}");
    let m = message(
        &f,
        "apigateway_stage_variables_no_secrets",
        &s.v2_stage("insecure_ws", "dev"),
    );
    assert!(
        m.contains("WebSocket API 'insecure-ws'") && m.contains("'client_secret'"),
        "{m}"
    );
    let m = message(
        &f,
        "apigateway_stage_variables_no_secrets",
        &s.v2_stage("insecure_ws", "beta"),
    );
    assert!(m.contains("'backend' holds an AWS access key ID"), "{m}");
    // Secrets in stage variables are named, never printed.
    let text = serde_json::to_string(&f).expect("findings serialize");
    for secret in [
        "hunter2-plain",
        "s3cr3t-t0ken-value",
        "AKIAABCDEFGHIJKLMNOP",
        "x9-literal-value",
        "ws-plain-s3cret",
        "ASIAQWERTYUIOPASDFGH",
    ] {
        assert!(!text.contains(secret), "{secret} printed");
    }
    // Messages name the resource by its human name.
    assert!(f
        .iter()
        .any(|x| x["control_id"] == "apigateway_rest_xray_tracing"
            && x["status"] == "FAIL"
            && x["message"]
                .as_str()
                .is_some_and(|m| m.contains("insecure-rest") && m.contains("dev"))));

    // SARIF 2.1.0 with a result per FAIL.
    let sarif: Value =
        serde_json::from_str(ws.output_json("sarif").as_str().expect("sarif string"))
            .expect("sarif JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let fails = f.iter().filter(|x| x["status"] == "FAIL").count();
    assert!(sarif["runs"][0]["results"]
        .as_array()
        .is_some_and(|r| r.len() >= fails));

    // A compliant trail, recorder, rules and CIS alarms make the account controls pass.
    seed_logging(&emu);
    let ws = Workspace::new(
        &emu,
        &assessment_config(
            "services = [\"apigateway\", \"cloudtrail\", \"config\", \"cloudwatch\"]",
        ),
    );
    ws.apply().assert_success();
    let f = findings(&ws);
    check_exactly(&f, &baseline);
    let account_controls: Vec<&str> = secbaseline_engine::rules::catalogue()
        .iter()
        .map(|r| r.meta())
        .filter(|m| ["cloudtrail", "config", "cloudwatch"].contains(&m.service.key()))
        .map(|m| m.id)
        .collect();
    assert_eq!(
        account_controls.len(),
        22,
        "the account logging section has 22 controls"
    );
    // The API seed's deliberately silent stage alarm is the one thing the baseline leaves
    // failing (cloudwatch_alarm_actions judges every alarm).
    let silent = ":alarm:mixed-rest-dev-5xx-silent";
    expect(&f, "cloudwatch_alarm_actions", silent, "FAIL");
    for control in account_controls {
        assert!(!of_control(&f, control).is_empty(), "{control}: no finding");
        let fails: &[&str] = if control == "cloudwatch_alarm_actions" {
            &[silent]
        } else {
            &[]
        };
        for status in ["FAIL", "ERROR", "UNKNOWN", "NOT_APPLICABLE"] {
            only_on(&f, control, status, fails);
        }
    }
}

#[test]
fn fail_on_high_stops_the_plan_and_exemptions_turn_fails_into_exempted() {
    let emu = Emulator::start();
    let ids = seed_apigateway(&emu);
    let insecure_rest = ids["insecure_rest"].as_str().expect("id").to_string();

    let ws = Workspace::new(
        &emu,
        &assessment_config("services = [\"apigateway\"]\nfail_on = \"high\""),
    );
    let out = ws.plan();
    out.assert_failure();
    let text = out.combined();
    assert!(
        text.contains("Error: Control apigateway_rest_resource_policy_public failed (high"),
        "{text}"
    );
    assert!(
        text.contains("Error: Control apigateway_stage_variables_no_secrets failed (high"),
        "{text}"
    );
    // Below the threshold a failure is a warning, not an error.
    assert!(
        text.contains("Warning: Control apigateway_rest_xray_tracing failed (low"),
        "{text}"
    );
    assert!(
        !text.contains("Error: Control apigateway_rest_xray_tracing"),
        "low controls must not gate: {text}"
    );

    let exempt = format!(
        r#"services = ["apigateway"]
exemptions = [
  {{ control = "apigateway_rest_resource_policy_public", resource = "*{insecure_rest}*", reason = "public by design", expires = "2999-01-01" }},
  {{ control = "apigateway_rest_waf", resource = "*{insecure_rest}*", reason = "old waiver", expires = "2020-01-01" }},
]"#
    );
    let ws = Workspace::new(&emu, &assessment_config(&exempt));
    ws.apply().assert_success();
    let f = findings(&ws);
    expect(
        &f,
        "apigateway_rest_resource_policy_public",
        &insecure_rest,
        "EXEMPTED",
    );
    expect(&f, "apigateway_rest_waf", &insecure_rest, "FAIL");
    assert!(
        f.iter().any(|x| x["control_id"] == "apigateway_rest_waf"
            && x["status"] == "FAIL"
            && x["message"].as_str().is_some_and(|m| m.contains("expired"))),
        "an expired exemption says so"
    );
}

#[test]
fn a_service_that_cannot_be_read_is_error_with_a_warning_never_pass() {
    let emu = Emulator::start();
    seed_apigateway(&emu);
    let provider_override = PROVIDER.replace(
        "max_retries = 0",
        "max_retries = 0\n  endpoints {\n    apigatewayv2 = \"http://127.0.0.1:9\"\n  }",
    );
    let config =
        assessment_config("services = [\"apigateway\"]").replace(PROVIDER, &provider_override);
    let ws = Workspace::new(&emu, &config);
    let out = ws.apply();
    out.assert_success();
    assert!(
        out.combined().contains("could not be evaluated (ERROR)"),
        "{}",
        out.combined()
    );
    let f = findings(&ws);
    let v2: Vec<&Value> = f
        .iter()
        .filter(|x| x["control_id"] == "apigateway_v2_route_authorization")
        .collect();
    assert!(
        !v2.is_empty() && v2.iter().all(|x| x["status"] == "ERROR"),
        "{v2:#?}"
    );
    assert_eq!(ws.output_json("passed"), Value::Bool(false));
}

#[test]
fn bad_inputs_get_diagnostics_on_their_attributes() {
    let cases = [
        ("services = [\"apigw\"]", "Invalid services"),
        ("controls = [\"no_such_control\"]", "Invalid controls"),
        ("frameworks = [\"nist\"]", "Invalid frameworks"),
        ("regions = [\"moon-1\"]", "Invalid region"),
        ("fail_on = \"severe\"", "Invalid fail_on"),
        ("parameters = { access_key_max_age_days = \"ninety\" }", "Invalid parameters"),
        ("parameters = { no_such_parameter = \"1\" }", "Invalid parameters"),
        ("exemptions = [{ control = \"apigateway_rest_waf\", resource = \"*\", reason = \"x\", expires = \"tomorrow\" }]", "Invalid exemption"),
    ];
    for (body, summary) in cases {
        let ws = Workspace::offline(&assessment_config(body));
        let out = ws.run(&["validate", "-no-color"]);
        out.assert_failure();
        assert!(
            out.combined().contains(summary),
            "{body}: expected {summary:?} in {}",
            out.combined()
        );
        assert!(!out.combined().contains("panicked"));
    }
}
