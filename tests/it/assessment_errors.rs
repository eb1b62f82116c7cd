//! `secbaseline_assessment` through the real terraform binary when AWS refuses calls: the
//! provider talks to the emulator through the fault proxy (`tools/emulator/faults.py`, fault
//! rate 0) set to deny whole services or single operations with AWS's own authorization
//! failure (403 `AccessDenied` / `AccessDeniedException`). Every control that needs a refused
//! read is ERROR with the AWS error code in its message — never PASS, never FAIL — with a
//! warning from `terraform apply` and `passed = false`; controls of the same assessment that
//! need nothing refused evaluate as usual.

use crate::common;

use std::collections::BTreeSet;

use common::assessment::{
    assessment_config, expect, findings, of_control, seed, seed_logging, PROVIDER,
};
use common::{Emulator, FaultProxy, Output, Workspace};
use secbaseline_engine::facts::Source;
use serde_json::Value;

/// The warning `terraform apply` shows for a control with ERROR findings
/// (`src/data_sources/assessment.rs::diagnostics`).
fn error_warning(control: &str) -> String {
    format!("Warning: Control {control} could not be evaluated (ERROR)")
}

/// The catalogue's controls of `services` (engine keys, e.g. `pinpoint`), each with whether it
/// reads one of `denied` (its `meta().sources`).
fn controls_of(services: &[&str], denied: &[Source]) -> Vec<(&'static str, bool)> {
    secbaseline_engine::rules::catalogue()
        .iter()
        .map(|r| r.meta())
        .filter(|m| services.contains(&m.service.key()))
        .map(|m| (m.id, m.sources.iter().any(|s| denied.contains(s))))
        .collect()
}

/// A fault proxy in front of `emu` that denies `entries` and injects nothing else, and a
/// workspace for `config` whose provider talks to AWS through it (seeds go to `emu` directly).
fn denying(emu: &Emulator, entries: &[&str], config: &str) -> (FaultProxy, Workspace) {
    let proxy = FaultProxy::start(emu, 0.0, 1);
    proxy.deny(entries);
    let mut ws = Workspace::new(emu, config);
    ws.set_env("AWS_ENDPOINT_URL", proxy.endpoint());
    (proxy, ws)
}

/// Applies `config` through a proxy that denies `entries` (see [`denying`]); it
/// must succeed and report `passed = false`. Returns the proxy, what terraform printed and
/// the findings.
fn assess_denied(
    emu: &Emulator,
    entries: &[&str],
    config: &str,
) -> (FaultProxy, Output, Vec<Value>) {
    let (proxy, ws) = denying(emu, entries, config);
    let out = ws.apply();
    out.assert_success();
    assert_eq!(ws.output_json("passed"), Value::Bool(false), "{out}");
    let f = findings(&ws);
    (proxy, out, f)
}

/// Asserts every finding of `control` is ERROR (at least one), each message naming the AWS
/// error code and every fragment of `names`, and that apply warned about the control.
#[track_caller]
fn all_error(f: &[Value], out: &Output, control: &str, code: &str, names: &[&str]) {
    let mine = of_control(f, control);
    assert!(
        !mine.is_empty() && mine.iter().all(|x| x["status"] == "ERROR"),
        "{control}: expected only ERROR findings: {mine:#?}"
    );
    for x in &mine {
        let message = x["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(code) && names.iter().all(|n| message.contains(n)),
            "{control}: the message should carry {code} and name {names:?}: {message}"
        );
    }
    assert!(
        out.combined().contains(&error_warning(control)),
        "{control}: no warning that it could not be evaluated:\n{out}"
    );
}

/// Asserts no finding of `control` is ERROR and apply did not warn about it.
#[track_caller]
fn no_error(f: &[Value], out: &Output, control: &str) {
    let errors: Vec<&Value> = of_control(f, control)
        .into_iter()
        .filter(|x| x["status"] == "ERROR")
        .collect();
    assert!(
        errors.is_empty(),
        "{control} reads nothing denied: {errors:#?}"
    );
    assert!(!out.combined().contains(&error_warning(control)), "{out}");
}

#[test]
fn denied_pinpoint_and_lex_are_error_with_a_warning_while_other_services_evaluate() {
    let emu = Emulator::start();
    let ids = seed(&emu, include_str!("../seeds/pinpoint_lex.py"));
    let (proxy, out, f) = assess_denied(
        &emu,
        &["mobiletargeting", "lex"],
        &assessment_config("services = [\"pinpoint\", \"lex\", \"iam\"]"),
    );

    let mut refused = 0;
    for (control, reads_denied) in controls_of(
        &["pinpoint", "lex", "iam"],
        &[Source::Pinpoint, Source::Lex],
    ) {
        if !reads_denied {
            no_error(&f, &out, control);
        } else if control.starts_with("pinpoint_") {
            refused += 1;
            all_error(
                &f,
                &out,
                control,
                "AccessDeniedException",
                &["is not authorized to perform: mobiletargeting:"],
            );
        } else {
            refused += 1;
            all_error(
                &f,
                &out,
                control,
                "AccessDeniedException",
                &["is not authorized to perform: lex:"],
            );
        }
    }
    // event_stream, cloudtrail, config_recording; conversation_logs(_encrypted), cloudtrail,
    // config_recording.
    assert_eq!(
        refused, 7,
        "the Pinpoint and Lex controls reading their service"
    );

    // The services' IAM-based controls and the IAM controls still judge the account.
    let policy = |name: &str| format!(":policy/{name}");
    expect(
        &f,
        "pinpoint_iam_least_privilege",
        &policy("pinpoint-everything"),
        "FAIL",
    );
    expect(
        &f,
        "pinpoint_iam_least_privilege",
        &policy("pinpoint-one-app"),
        "PASS",
    );
    expect(
        &f,
        "lex_iam_least_privilege",
        &policy("lex-everything"),
        "FAIL",
    );
    expect(
        &f,
        "lex_iam_least_privilege",
        &policy("lex-one-bot"),
        "PASS",
    );
    expect(&f, "iam_policy_no_admin", &policy("administrator"), "FAIL");
    expect(&f, "iam_root_mfa", "123456789012", "PASS");

    // Nothing about the seeded apps or bots leaked into a finding: they were never read.
    let text = serde_json::to_string(&f).expect("findings serialize");
    for key in ["streaming", "silent", "orders", "support"] {
        let id = ids[key].as_str().expect("seeded id");
        assert!(
            !text.contains(id),
            "{key} ({id}) was judged despite the denial"
        );
    }
    let stats = proxy.stats();
    assert!(
        stats.denied_service("mobiletargeting") && stats.denied_service("lex") && stats.faults == 0,
        "{stats:?}"
    );
}

#[test]
fn a_denied_credential_report_errors_the_credential_controls_and_policies_are_still_judged() {
    let emu = Emulator::start();
    // Root is secure by default: iam_root_* would PASS if IAM could be read.
    emu.python(
        r#"
iam = boto3.client("iam")
iam.create_user(UserName="alice")
iam.create_access_key(UserName="alice")
iam.create_policy(PolicyName="administrator", PolicyDocument=json.dumps({"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
"#,
    );
    let (proxy, out, f) = assess_denied(
        &emu,
        &["iam:GenerateCredentialReport"],
        &assessment_config("services = [\"iam\", \"sts\"]"),
    );

    let controls = controls_of(&["iam", "sts"], &[Source::Iam]);
    for (control, reads_credentials) in &controls {
        if *reads_credentials {
            all_error(
                &f,
                &out,
                control,
                "AccessDenied",
                &["iam:GenerateCredentialReport"],
            );
        } else {
            no_error(&f, &out, control);
        }
    }
    assert_eq!(
        controls.iter().filter(|(_, r)| *r).count(),
        10,
        "10 IAM controls read the credential parts (report, summary, password policy, MFA, \
         certificates)"
    );
    // The identity and policy controls read only the authorization details, which IAM gave.
    expect(&f, "iam_policy_no_admin", ":policy/administrator", "FAIL");
    expect(&f, "iam_user_no_direct_policies", ":user/alice", "PASS");
    // Access Analyzer is another service: still judged (no analyzer in the emulator).
    expect(&f, "iam_access_analyzer", "123456789012", "FAIL");

    // Only the one operation was refused; the rest of IAM answered.
    let stats = proxy.stats();
    assert!(
        stats.denied_by_operation.keys().collect::<Vec<_>>() == ["iam:GenerateCredentialReport"]
            && stats.calls("GetAccountAuthorizationDetails") >= 1,
        "{stats:?}"
    );
}

#[test]
fn one_denied_operation_of_a_regional_service_errors_exactly_the_controls_that_need_it() {
    let emu = Emulator::start();
    let ids = seed(&emu, include_str!("../seeds/apigateway.py"));
    seed_logging(&emu);
    let (secure_rest, insecure_rest, secure_http, insecure_http) = (
        ids["secure_rest"].as_str().expect("id").to_string(),
        ids["insecure_rest"].as_str().expect("id").to_string(),
        ids["secure_http"].as_str().expect("id").to_string(),
        ids["insecure_http"].as_str().expect("id").to_string(),
    );
    // API Gateway v1 and v2 sign as one service (`apigateway`); refusing only the v2 API
    // listing must leave v1 judged. CloudTrail answers DescribeTrails but not GetTrailStatus.
    let services = ["apigateway", "cloudtrail", "config", "cloudwatch"];
    let (proxy, out, f) = assess_denied(
        &emu,
        &["apigateway:GET /v2/apis", "cloudtrail:GetTrailStatus"],
        &assessment_config(
            "services = [\"apigateway\", \"cloudtrail\", \"config\", \"cloudwatch\"]",
        ),
    );

    let v2_only = [
        "apigateway_v2_access_logging",
        "apigateway_v2_route_authorization",
        "apigateway_v2_private_integration_tls",
    ];
    let mut erred = BTreeSet::new();
    for (control, reads_denied) in
        controls_of(&services, &[Source::ApiGatewayV2, Source::CloudTrail])
    {
        if !reads_denied {
            no_error(&f, &out, control);
            continue;
        }
        erred.insert(control);
        let mine = of_control(&f, control);
        let errors: Vec<&&Value> = mine.iter().filter(|x| x["status"] == "ERROR").collect();
        assert!(!errors.is_empty(), "{control}: no ERROR: {mine:#?}");
        assert!(out.combined().contains(&error_warning(control)), "{out}");
        for x in &errors {
            let message = x["message"].as_str().unwrap_or_default();
            assert!(
                message.contains("AccessDeniedException")
                    && (message.contains("apigateway:GET /v2/apis")
                        || message.contains("cloudtrail:GetTrailStatus")),
                "{control}: {message}"
            );
        }
        // Nothing on an HTTP API is judged: its facts were never read.
        for id in [&secure_http, &insecure_http] {
            let judged: Vec<&&Value> = mine
                .iter()
                .filter(|x| {
                    x["status"] != "ERROR"
                        && x["resource_id"]
                            .as_str()
                            .is_some_and(|r| r.contains(id.as_str()))
                })
                .collect();
            assert!(
                judged.is_empty(),
                "{control} judged an HTTP API: {judged:#?}"
            );
        }
        if v2_only.contains(&control) || !control.starts_with("apigateway_") {
            assert!(
                mine.iter().all(|x| x["status"] == "ERROR"),
                "{control}: everything it judges needs the refused read: {mine:#?}"
            );
        }
    }
    assert!(
        v2_only.iter().all(|c| erred.contains(c))
            && erred.contains("cloudtrail_multi_region")
            && erred.contains("apigateway_cloudtrail"),
        "{erred:?}"
    );
    // v1-only controls judge the REST APIs as usual, Config and alarm actions pass on the
    // compliant baseline.
    for control in [
        "apigateway_rest_access_logging",
        "apigateway_rest_xray_tracing",
        "apigateway_rest_resource_policy_public",
    ] {
        expect(&f, control, &secure_rest, "PASS");
        expect(&f, control, &insecure_rest, "FAIL");
    }
    for control in ["config_recorder", "apigateway_config_recording"] {
        expect(&f, control, "123456789012", "PASS");
    }
    // Alarm actions are judged as usual: the CIS alarms pass, the seed's silent alarm fails.
    expect(&f, "cloudwatch_alarm_actions", ":alarm:cis-", "PASS");
    expect(
        &f,
        "cloudwatch_alarm_actions",
        ":alarm:mixed-rest-dev-5xx-silent",
        "FAIL",
    );

    let stats = proxy.stats();
    let denied: Vec<&String> = stats.denied_by_operation.keys().collect();
    assert_eq!(
        denied,
        ["apigateway:GET /v2/apis", "cloudtrail:GetTrailStatus"],
        "{stats:?}"
    );
    assert!(stats.calls("DescribeTrails") >= 1 && stats.calls("GET /restapis") >= 1);
}

#[test]
fn denied_s3_and_cloudwatch_error_only_the_trail_bucket_and_alarm_controls() {
    let emu = Emulator::start();
    seed_logging(&emu);
    // S3 refuses in REST-XML, CloudWatch in its SDK's protocol (query XML for the pinned
    // aws-sdk-cloudwatch, RPC v2 CBOR for newer ones): the code starts `AccessDenied` either way.
    let (proxy, out, f) = assess_denied(
        &emu,
        &["s3", "monitoring"],
        &assessment_config("services = [\"cloudtrail\", \"config\", \"cloudwatch\"]"),
    );

    // The trail's bucket is read per bucket: only the two bucket controls need S3.
    for control in [
        "cloudtrail_bucket_not_public",
        "cloudtrail_bucket_access_logging",
    ] {
        all_error(&f, &out, control, "AccessDenied", &["s3:"]);
    }
    let mut alarms = 0;
    for (control, reads_cloudwatch) in controls_of(&["cloudwatch"], &[Source::CloudWatch]) {
        assert!(reads_cloudwatch, "{control} reads no CloudWatch alarms?");
        all_error(&f, &out, control, "AccessDenied", &["monitoring:"]);
        alarms += 1;
    }
    assert_eq!(
        alarms, 15,
        "14 CIS alarm controls and cloudwatch_alarm_actions"
    );
    // The trail itself and Config are read and pass on the compliant baseline.
    for control in [
        "cloudtrail_multi_region",
        "cloudtrail_kms_encryption",
        "cloudtrail_log_file_validation",
        "cloudtrail_cloudwatch_logs",
        "config_recorder",
    ] {
        expect(&f, control, "", "PASS");
        no_error(&f, &out, control);
    }
    let stats = proxy.stats();
    assert!(
        stats.denied_service("s3")
            && stats.denied_service("monitoring")
            && stats.calls("GetTrailStatus") >= 1,
        "{stats:?}"
    );
}

#[test]
fn an_error_at_or_above_fail_on_makes_passed_false_but_only_a_fail_stops_the_plan() {
    let emu = Emulator::start();
    emu.python(r#"boto3.client("pinpoint").create_app(CreateApplicationRequest={"Name": "app"})"#);
    // Three assessments of the same denied service in one run (collected once).
    let assessment = |name: &str, body: &str| {
        format!(
            "data \"secbaseline_assessment\" \"{name}\" {{\n{body}\n}}\n\
             output \"{name}_passed\" {{ value = data.secbaseline_assessment.{name}.passed }}\n\
             output \"{name}_findings\" {{ value = data.secbaseline_assessment.{name}.findings }}\n"
        )
    };
    let config = format!(
        "{PROVIDER}{}{}{}",
        // pinpoint_cloudtrail (high) is ERROR: at the threshold.
        assessment("high", "services = [\"pinpoint\"]\nfail_on = \"high\""),
        // pinpoint_event_stream (low) is ERROR: below the threshold.
        assessment(
            "below",
            "controls = [\"pinpoint_event_stream\"]\nfail_on = \"high\""
        ),
        assessment(
            "low",
            "controls = [\"pinpoint_event_stream\"]\nfail_on = \"low\""
        ),
    );
    let (_proxy, ws) = denying(&emu, &["mobiletargeting"], &config);
    // Documented behaviour (docs/data-sources/assessment.md; engine gate: only FAIL gates):
    // ERROR is a warning, never an error diagnostic, so the run succeeds; `passed` is false
    // when an ERROR is at or above `fail_on`.
    let out = ws.apply();
    out.assert_success();
    let text = out.combined();
    assert!(
        text.contains(&error_warning("pinpoint_cloudtrail"))
            && text.contains(&error_warning("pinpoint_event_stream")),
        "{text}"
    );
    assert!(
        !text.contains("Error:"),
        "ERROR findings must not gate: {text}"
    );
    let high: Vec<Value> = ws
        .output_json("high_findings")
        .as_array()
        .cloned()
        .expect("findings list");
    let high_errors: Vec<&Value> = high
        .iter()
        .filter(|x| x["status"] == "ERROR" && x["severity"] == "high")
        .collect();
    assert!(
        !high_errors.is_empty()
            && high
                .iter()
                .all(|x| x["status"] != "FAIL" || x["severity"] != "high"),
        "a high ERROR and no high FAIL: {high:#?}"
    );
    assert_eq!(ws.output_json("high_passed"), Value::Bool(false));
    assert_eq!(ws.output_json("below_passed"), Value::Bool(true));
    assert_eq!(ws.output_json("low_passed"), Value::Bool(false));
}
