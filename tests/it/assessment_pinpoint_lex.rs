//! `secbaseline_assessment` through the real terraform binary on seeded Pinpoint apps and
//! Lex V2 bots (`tests/seeds/pinpoint_lex.py`): every Pinpoint and Lex control of the
//! catalogue reports exactly the expected status per resource; the built-in `TestBotAlias` is
//! left out; the services' CloudTrail and Config controls FAIL without a trail and recorder,
//! PASS with them, and the regional ones are NOT_APPLICABLE in a region without apps or bots
//! (issue #5).

use crate::common;

use std::collections::BTreeSet;

use common::assessment::{
    assessment_config, expect, findings, of_control, only_on, seed, seed_logging,
};
use common::{Emulator, Workspace};
use secbaseline_engine::service::Service;
use serde_json::Value;

const ACCOUNT: &str = "123456789012";

/// Every Pinpoint and Lex control id of the engine's catalogue.
fn pinpoint_and_lex_controls() -> BTreeSet<&'static str> {
    secbaseline_engine::rules::catalogue()
        .iter()
        .map(|r| r.meta())
        .filter(|m| matches!(m.service, Service::Pinpoint | Service::Lex))
        .map(|m| m.id)
        .collect()
}

/// (control, resource-id fragment, status) expected on the seeded account without logging.
fn expectations(ids: &Value) -> Vec<(&'static str, String, &'static str)> {
    let id = |k: &str| ids[k].as_str().expect("seeded id").to_string();
    let app = |k: &str| format!(":apps/{}", id(k));
    let alias = |bot: &str, a: &str| format!(":bot-alias/{}/{}", id(bot), id(a));
    let policy = |name: &str| format!(":policy/{name}");
    vec![
        ("pinpoint_event_stream", app("streaming"), "PASS"),
        ("pinpoint_event_stream", app("silent"), "FAIL"),
        (
            "pinpoint_iam_least_privilege",
            policy("pinpoint-one-app"),
            "PASS",
        ),
        (
            "pinpoint_iam_least_privilege",
            policy("lex-everything"),
            "PASS",
        ),
        (
            "pinpoint_iam_least_privilege",
            policy("administrator"),
            "PASS",
        ),
        (
            "pinpoint_iam_least_privilege",
            policy("pinpoint-everything"),
            "FAIL",
        ),
        ("pinpoint_cloudtrail", ACCOUNT.into(), "FAIL"),
        ("pinpoint_config_recording", ACCOUNT.into(), "FAIL"),
        (
            "lex_conversation_logs",
            alias("orders", "orders_prod"),
            "PASS",
        ),
        (
            "lex_conversation_logs",
            alias("support", "support_live"),
            "PASS",
        ),
        (
            "lex_conversation_logs",
            alias("orders", "orders_dev"),
            "FAIL",
        ),
        (
            "lex_conversation_logs",
            alias("support", "support_paused"),
            "FAIL",
        ),
        (
            "lex_conversation_logs_encrypted",
            alias("orders", "orders_prod"),
            "PASS",
        ),
        (
            "lex_conversation_logs_encrypted",
            alias("support", "support_live"),
            "FAIL",
        ),
        ("lex_iam_least_privilege", policy("lex-one-bot"), "PASS"),
        (
            "lex_iam_least_privilege",
            policy("pinpoint-everything"),
            "PASS",
        ),
        ("lex_iam_least_privilege", policy("administrator"), "PASS"),
        ("lex_iam_least_privilege", policy("lex-everything"), "FAIL"),
        ("lex_cloudtrail", ACCOUNT.into(), "FAIL"),
        ("lex_config_recording", ACCOUNT.into(), "FAIL"),
    ]
}

/// The services' logging controls once a compliant trail and recorder exist.
const LOGGED: [(&str, &str, &str); 4] = [
    ("pinpoint_cloudtrail", ACCOUNT, "PASS"),
    ("pinpoint_config_recording", ACCOUNT, "PASS"),
    ("lex_cloudtrail", ACCOUNT, "PASS"),
    ("lex_config_recording", ACCOUNT, "PASS"),
];

fn in_region<'a>(f: &'a [Value], control: &str, region: &str) -> Vec<&'a Value> {
    of_control(f, control)
        .into_iter()
        .filter(|x| x["region"] == region)
        .collect()
}

#[test]
fn every_pinpoint_and_lex_control_reports_the_expected_statuses() {
    let emu = Emulator::start();
    let ids = seed(&emu, include_str!("../seeds/pinpoint_lex.py"));
    let expected = expectations(&ids);

    // Coverage comes from the catalogue: a new Pinpoint or Lex control fails this test until
    // it has a PASS and a FAIL case here.
    for control in pinpoint_and_lex_controls() {
        let outcomes: BTreeSet<&str> = expected
            .iter()
            .map(|(c, _, s)| (*c, *s))
            .chain(LOGGED.iter().map(|(c, _, s)| (*c, *s)))
            .filter(|(c, _)| *c == control)
            .map(|(_, s)| s)
            .collect();
        assert!(
            outcomes.contains("PASS") && outcomes.contains("FAIL"),
            "{control}: covered with {outcomes:?}; add a PASS and a FAIL case"
        );
    }

    // No trail, no recorder; a second region with neither apps nor bots.
    let ws = Workspace::new(
        &emu,
        &assessment_config(
            "services = [\"pinpoint\", \"lex\"]\nregions = [\"us-east-1\", \"us-west-2\"]",
        ),
    );
    ws.apply().assert_success();
    let all = findings(&ws);
    let selected: BTreeSet<&str> = all
        .iter()
        .filter_map(|x| x["control_id"].as_str())
        .collect();
    assert_eq!(selected, pinpoint_and_lex_controls());
    // Regional controls in the empty region: evaluated, nothing to judge. (The *_cloudtrail
    // controls are one account-wide finding: a multi-region trail covers every region.)
    for control in [
        "pinpoint_event_stream",
        "pinpoint_config_recording",
        "lex_conversation_logs",
        "lex_conversation_logs_encrypted",
        "lex_config_recording",
    ] {
        let west = in_region(&all, control, "us-west-2");
        assert!(
            !west.is_empty() && west.iter().all(|x| x["status"] == "NOT_APPLICABLE"),
            "{control} in us-west-2: {west:#?}"
        );
    }
    let f: Vec<Value> = all
        .iter()
        .filter(|x| x["region"] != "us-west-2")
        .cloned()
        .collect();
    for (control, needle, status) in &expected {
        expect(&f, control, needle, status);
    }
    for control in pinpoint_and_lex_controls() {
        let fails: Vec<&str> = expected
            .iter()
            .filter(|(c, _, s)| *c == control && *s == "FAIL")
            .map(|(_, n, _)| n.as_str())
            .collect();
        only_on(&f, control, "FAIL", &fails);
        only_on(&f, control, "ERROR", &[]);
    }
    // The built-in TestBotAlias exists (named as AWS names it) and is left out of
    // lex_conversation_logs; an alias without any enabled destination has no encryption finding.
    let test_aliases: Vec<&str> = ids["test_aliases"]
        .as_array()
        .expect("test alias ids")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(test_aliases.len(), 2, "one TestBotAlias per bot: {ids}");
    for control in ["lex_conversation_logs", "lex_conversation_logs_encrypted"] {
        for id in &test_aliases {
            let judged: Vec<&Value> = of_control(&f, control)
                .into_iter()
                .filter(|x| {
                    x["resource_id"]
                        .as_str()
                        .is_some_and(|r| r.ends_with(&format!("/{id}")))
                })
                .collect();
            assert!(
                judged.is_empty(),
                "{control} judged TestBotAlias: {judged:#?}"
            );
        }
    }
    // Messages name the resource by its human name.
    assert!(of_control(&f, "lex_conversation_logs_encrypted")
        .iter()
        .any(|x| x["status"] == "FAIL"
            && x["message"]
                .as_str()
                .is_some_and(|m| m.contains("'support'") && m.contains("'live'"))));
    assert!(of_control(&f, "pinpoint_event_stream")
        .iter()
        .any(|x| x["status"] == "FAIL"
            && x["message"]
                .as_str()
                .is_some_and(|m| m.contains("'silent'"))));

    // With a logging multi-region trail and an all-supported recorder, the services' logging
    // controls pass; the resources' own settings do not change.
    seed_logging(&emu);
    let ws = Workspace::new(
        &emu,
        &assessment_config("services = [\"pinpoint\", \"lex\"]"),
    );
    ws.apply().assert_success();
    let f = findings(&ws);
    for (control, needle, status) in LOGGED {
        expect(&f, control, needle, status);
    }
    let logged: BTreeSet<&str> = LOGGED.iter().map(|(c, _, _)| *c).collect();
    for (control, needle, status) in expected.iter().filter(|(c, _, _)| !logged.contains(c)) {
        expect(&f, control, needle, status);
    }
}
