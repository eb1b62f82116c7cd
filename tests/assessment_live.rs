//! `secbaseline_assessment` through the real terraform binary against a seeded emulator:
//! every API Gateway control FAILs exactly on the insecure resources and PASSes on the secure
//! ones; account logging controls pass once a compliant baseline exists; gating, exemptions
//! and collection errors behave as documented.

mod common;

use common::assessment::{assessment_config, expect, findings, seed, seed_logging, PROVIDER};
use common::{Emulator, Workspace};
use serde_json::Value;

fn seed_apigateway(emu: &Emulator) -> Value {
    seed(emu, include_str!("seeds/apigateway.py"))
}

#[test]
fn apigateway_controls_judge_exactly_the_insecure_resources_then_the_account_baseline_passes() {
    let emu = Emulator::start();
    let ids = seed_apigateway(&emu);
    let id = |k: &str| ids[k].as_str().expect("seeded id").to_string();
    let (secure_rest, insecure_rest, secure_http, insecure_http) = (
        id("secure_rest"),
        id("insecure_rest"),
        id("secure_http"),
        id("insecure_http"),
    );

    let ws = Workspace::new(&emu, &assessment_config("services = [\"apigateway\"]"));
    ws.apply().assert_success();
    let f = findings(&ws);

    for control in [
        "apigateway_rest_execution_logging",
        "apigateway_rest_access_logging",
        "apigateway_rest_client_certificate",
        "apigateway_rest_xray_tracing",
        "apigateway_rest_waf",
        "apigateway_rest_cache_encrypted",
        "apigateway_rest_method_authorization",
        "apigateway_rest_resource_policy_public",
    ] {
        expect(&f, control, &secure_rest, "PASS");
        expect(&f, control, &insecure_rest, "FAIL");
    }
    for control in [
        "apigateway_v2_access_logging",
        "apigateway_v2_route_authorization",
        "apigateway_v2_private_integration_tls",
    ] {
        expect(&f, control, &secure_http, "PASS");
        expect(&f, control, &insecure_http, "FAIL");
    }
    for (api_id, status) in [
        (&secure_rest, "PASS"),
        (&insecure_rest, "FAIL"),
        (&secure_http, "PASS"),
        (&insecure_http, "FAIL"),
    ] {
        expect(&f, "apigateway_stage_variables_no_secrets", api_id, status);
        expect(&f, "apigateway_stage_alarms", api_id, status);
    }
    expect(&f, "apigateway_domain_tls", "secure.example.com", "PASS");
    expect(&f, "apigateway_domain_tls", "legacy.example.com", "FAIL");
    expect(
        &f,
        "apigateway_iam_least_privilege",
        "apigw-read-one",
        "PASS",
    );
    expect(
        &f,
        "apigateway_iam_least_privilege",
        "apigw-everything",
        "FAIL",
    );
    for control in [
        "apigateway_cloudtrail",
        "apigateway_config_recording",
        "apigateway_config_rules",
    ] {
        expect(&f, control, "123456789012", "FAIL");
    }
    // Secrets in stage variables are named, never printed.
    let text = serde_json::to_string(&f).expect("findings serialize");
    assert!(
        !text.contains("hunter2-plain")
            && !text.contains("s3cr3t-t0ken-value")
            && !text.contains("AKIAABCDEFGHIJKLMNOP")
    );
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
    for control in [
        "apigateway_cloudtrail",
        "apigateway_config_recording",
        "apigateway_config_rules",
    ] {
        expect(&f, control, "123456789012", "PASS");
    }
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
    for control in account_controls {
        let mine: Vec<&Value> = f.iter().filter(|x| x["control_id"] == control).collect();
        assert!(!mine.is_empty(), "{control}: no finding");
        assert!(
            mine.iter().all(|x| x["status"] == "PASS"),
            "{control} should pass on the compliant baseline: {mine:#?}"
        );
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
