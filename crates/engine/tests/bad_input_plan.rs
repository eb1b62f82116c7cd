//! Bad plan JSON through the engine's public API: any text, mutations of the real fixtures
//! (fields dropped, replaced, retyped), deep nesting, huge numbers and wrong
//! `format_version` give a typed `PlanError` or a plan that maps and assesses — never a
//! panic — and values unknown until apply are never judged PASS or FAIL.

use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{json, Value};

use secbaseline_engine::assessment::{self, Request};
use secbaseline_engine::facts::Facts;
use secbaseline_engine::finding::Status;
use secbaseline_engine::params::Params;
use secbaseline_engine::plan::{self, PlanError};
use time::macros::datetime;

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";
const FIXTURES: [&str; 4] = [
    "apigateway_modules.json",
    "iam_documents.json",
    "logging_apps.json",
    "real_terraform_data.json",
];

fn fixtures() -> &'static Vec<Value> {
    static PARSED: OnceLock<Vec<Value>> = OnceLock::new();
    PARSED.get_or_init(|| {
        FIXTURES
            .iter()
            .map(|name| {
                let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/plans")
                    .join(name);
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
            })
            .collect()
    })
}

fn params() -> Params {
    Params::at(datetime!(2025-06-01 0:00 UTC))
}

/// Everything the provider does with a plan: parse, map, assess alone and over live facts.
/// Returns the parse result so properties can look at it.
fn judge(text: &str) -> Result<Vec<secbaseline_engine::finding::Finding>, PlanError> {
    let parsed = plan::parse_plan(text)?;
    let planned = plan::plan_facts(&parsed, Some(ACCOUNT), Some(REGION));
    let alone = plan::assess_plan(&planned, &params(), &Request::default());
    for p in &planned {
        let over = plan::overlay(&Facts::new(p.facts.account_id.clone()), p);
        let _ = assessment::assess(&over, &params(), &Request::default());
    }
    Ok(alone.findings)
}

/// JSON pointers of every node of `doc` (the root is "").
fn pointers(doc: &Value) -> Vec<String> {
    fn walk(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    let key = k.replace('~', "~0").replace('/', "~1");
                    walk(c, format!("{at}/{key}"), out);
                }
            }
            Value::Array(items) => {
                for (i, c) in items.iter().enumerate() {
                    walk(c, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }
    let mut out = Vec::new();
    walk(doc, String::new(), &mut out);
    out
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop::num::f64::NORMAL.prop_map(|f| json!(f)),
        prop::sample::select(vec![
            "",
            "1.2",
            "2.0",
            "create",
            "delete",
            "managed",
            "data",
            "aws_api_gateway_stage",
            "aws_iam_policy",
            "*",
            "{}",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Drop,
    Replace(Value),
    Retype,
    Null,
    HugeNumber(f64),
}

fn arb_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Drop),
        arb_json().prop_map(Mutation::Replace),
        Just(Mutation::Retype),
        Just(Mutation::Null),
        prop::sample::select(vec![
            f64::MAX,
            f64::MIN,
            1e300,
            -0.0,
            9.007_199_254_740_993e15
        ])
        .prop_map(Mutation::HugeNumber),
    ]
}

/// The same content in another JSON type (what a hand-edited or foreign file might hold).
fn retyped(v: &Value) -> Value {
    match v {
        Value::Null => json!({}),
        Value::Bool(b) => json!(b.to_string()),
        Value::Number(n) => json!(n.to_string()),
        Value::String(s) => s.parse::<f64>().map(|f| json!(f)).unwrap_or(json!([s])),
        Value::Array(items) => Value::Object(
            items
                .iter()
                .enumerate()
                .map(|(i, c)| (i.to_string(), c.clone()))
                .collect(),
        ),
        Value::Object(m) => Value::Array(m.values().cloned().collect()),
    }
}

fn apply(doc: &mut Value, at: &str, m: &Mutation) {
    if at.is_empty() {
        // The root: only replacement makes sense.
        if let Mutation::Replace(v) = m {
            *doc = v.clone();
        }
        return;
    }
    let (parent_ptr, last) = at.rsplit_once('/').unwrap_or(("", at));
    let key = last.replace("~1", "/").replace("~0", "~");
    match m {
        Mutation::Drop => match doc.pointer_mut(parent_ptr) {
            Some(Value::Object(map)) => {
                map.remove(&key);
            }
            Some(Value::Array(items)) => {
                if let Ok(i) = key.parse::<usize>() {
                    if i < items.len() {
                        items.remove(i);
                    }
                }
            }
            _ => {}
        },
        other => {
            if let Some(node) = doc.pointer_mut(at) {
                *node = match other {
                    Mutation::Replace(v) => v.clone(),
                    Mutation::Retype => retyped(node),
                    Mutation::Null => Value::Null,
                    Mutation::HugeNumber(f) => json!(f),
                    Mutation::Drop => unreachable!("handled above"),
                };
            }
        }
    }
}

proptest! {
    /// Any text at all.
    #[test]
    fn any_text_is_a_plan_or_a_typed_error(text in any::<String>()) {
        let _ = judge(&text);
    }

    /// Any JSON value (mostly not plans): a typed error or an empty-ish plan.
    #[test]
    fn any_json_is_a_plan_or_a_typed_error(value in arb_json(), with_version in any::<bool>()) {
        let mut value = value;
        if with_version {
            if let Value::Object(m) = &mut value {
                m.insert("format_version".into(), json!("1.2"));
            }
        }
        let _ = judge(&value.to_string());
    }

    /// The real fixtures with one to four fields dropped, replaced, retyped, nulled or set
    /// to huge numbers.
    #[test]
    fn mutated_fixtures_are_a_plan_or_a_typed_error(
        which in 0..FIXTURES.len(),
        mutations in prop::collection::vec((any::<prop::sample::Index>(), arb_mutation()), 1..5),
    ) {
        let mut doc = fixtures()[which].clone();
        for (index, m) in &mutations {
            let all = pointers(&doc);
            let at = all[index.index(all.len())].clone();
            apply(&mut doc, &at, m);
        }
        let text = doc.to_string();
        // The fast reader and the careful one agree on every document, good or bad.
        let reread: Value = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(plan::parse_plan(&text), plan::plan_from_value(reread));
        let _ = judge(&text);
    }

    /// `format_version` other than 0.x and 1.x is refused by name, whatever else the plan holds.
    #[test]
    fn wrong_format_version_is_refused(which in 0..FIXTURES.len(), version in prop_oneof![
        "[2-9][0-9]{0,2}(\\.[0-9]{1,3})?",
        "[a-z ]{0,8}",
        Just(String::new()),
    ]) {
        let mut doc = fixtures()[which].clone();
        doc["format_version"] = json!(version.clone());
        let found = plan::parse_plan(&doc.to_string()).err();
        prop_assert_eq!(found, Some(PlanError::UnsupportedFormat { found: version }));
    }

    /// One resource object judged alone (`resource_findings`, the controls that object
    /// decides by itself): with every attribute unknown, nothing is PASS or FAIL.
    #[test]
    fn wholly_unknown_objects_are_never_judged(
        type_index in any::<prop::sample::Index>(),
        attrs in prop::collection::btree_set("[a-z_]{1,24}", 0..12),
        real_attrs in any::<bool>(),
    ) {
        let types = plan::judged_alone_types();
        let resource_type = types[type_index.index(types.len())].as_str();
        // Attribute names the mapper reads come from the fixtures; random ones test the rest.
        let mut names: Vec<String> = attrs.into_iter().collect();
        if real_attrs {
            for doc in fixtures() {
                for rc in doc["resource_changes"].as_array().into_iter().flatten() {
                    if rc["type"] == resource_type {
                        for m in [&rc["change"]["after"], &rc["change"]["after_unknown"]] {
                            names.extend(m.as_object().into_iter().flat_map(|o| o.keys().cloned()));
                        }
                    }
                }
            }
        }
        let object = Value::Object(names.iter().map(|k| (k.clone(), Value::Null)).collect());
        let mut masks = vec![json!(true)];
        // Terraform writes every attribute of a planned object, so a mask over the fixture's
        // attribute names is a wholly unknown object too (random names alone are not).
        if real_attrs && names.len() > 12 {
            masks.push(Value::Object(names.iter().map(|k| (k.clone(), json!(true))).collect()));
        }
        for mask in masks {
            let findings = plan::resource_object_findings_with_unknown(resource_type, &object, &mask, &params())
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            for f in &findings {
                prop_assert!(
                    matches!(f.status, Status::Unknown | Status::NotApplicable),
                    "{} on a wholly unknown {} is {:?}: {}", f.control_id, resource_type, f.status, f.message
                );
            }
        }
    }
}

#[test]
fn deep_nesting_is_a_typed_error_not_a_stack_overflow() {
    let depth = 100_000;
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let nested = format!("{}null{}", open.repeat(depth), close.repeat(depth));
        for text in [
            nested.clone(),
            format!("{{\"format_version\":\"1.2\",\"planned_values\":{nested}}}"),
            format!(
                "{{\"format_version\":\"1.2\",\"planned_values\":{{\"root_module\":{{}}}},\"resource_changes\":[{{\"address\":\"a.b\",\"type\":\"a\",\"name\":\"b\",\"change\":{{\"actions\":[\"create\"],\"after\":{{\"x\":{nested}}}}}}}]}}"
            ),
        ] {
            assert!(
                matches!(plan::parse_plan(&text), Err(PlanError::NotJson { .. })),
                "nesting {depth} deep must be refused by the JSON reader"
            );
        }
    }
}

#[test]
fn nesting_within_the_reader_limit_is_mapped_without_trouble() {
    // Just under serde_json's 128 levels, inside a planned object's attribute.
    let nested = format!("{}1{}", "[".repeat(120), "]".repeat(120));
    let text = format!(
        "{{\"format_version\":\"1.2\",\"planned_values\":{{\"root_module\":{{}}}},\"resource_changes\":[{{\"address\":\"aws_api_gateway_stage.s\",\"type\":\"aws_api_gateway_stage\",\"name\":\"s\",\"change\":{{\"actions\":[\"create\"],\"after\":{{\"stage_name\":\"p\",\"variables\":{nested},\"access_log_settings\":{nested}}},\"after_unknown\":{{}}}}}}]}}"
    );
    let findings = judge(&text).expect("a plan");
    assert!(findings
        .iter()
        .any(|f| f.address.as_deref() == Some("aws_api_gateway_stage.s")));
}

#[test]
fn huge_numbers_are_a_typed_error_or_a_plan() {
    for number in [
        "1e400",
        "-1e400",
        "18446744073709551616",
        "1e-400",
        "123456789012345678901234567890",
    ] {
        let text = format!(
            "{{\"format_version\":\"1.2\",\"planned_values\":{{\"root_module\":{{}}}},\"resource_changes\":[{{\"address\":\"aws_cloudwatch_log_group.g\",\"type\":\"aws_cloudwatch_log_group\",\"name\":\"g\",\"change\":{{\"actions\":[\"create\"],\"after\":{{\"name\":\"g\",\"retention_in_days\":{number}}},\"after_unknown\":{{}}}}}}]}}"
        );
        match judge(&text) {
            Ok(_) => {}
            Err(PlanError::NotJson { reason, .. }) => {
                assert!(reason.contains("number"), "{number}: {reason}")
            }
            Err(other) => panic!("{number}: unexpected {other}"),
        }
    }
    let versions = ["1e400", "2", "0.1", "10.0", "v1.2", "1", "2.0", "00.1"];
    for v in versions {
        let text =
            format!("{{\"format_version\":{v:?},\"planned_values\":{{\"root_module\":{{}}}}}}");
        let got = plan::parse_plan(&text);
        if v == "1" || v == "0.1" {
            assert!(got.is_ok(), "{v}: {got:?}");
        } else {
            assert_eq!(
                got.err(),
                Some(PlanError::UnsupportedFormat {
                    found: v.to_owned()
                }),
                "{v}"
            );
        }
    }
    // A format_version that is a number, not a string.
    let got = plan::parse_plan("{\"format_version\":1.2,\"planned_values\":{\"root_module\":{}}}");
    assert!(
        matches!(got, Err(PlanError::WrongShape { ref path, .. }) if path == "format_version"),
        "{got:?}"
    );
}

/// The fixture `name` with the planned object of `address` changed by `edit(after, after_unknown)`.
fn fixture_with(name: &str, address: &str, edit: impl Fn(&mut Value, &mut Value)) -> String {
    let i = FIXTURES.iter().position(|f| *f == name).expect("a fixture");
    let mut doc = fixtures()[i].clone();
    let rc = doc["resource_changes"]
        .as_array_mut()
        .and_then(|l| l.iter_mut().find(|rc| rc["address"] == address))
        .expect("the resource change");
    let change = &mut rc["change"];
    let mut after = change["after"].take();
    let mut unknown = change["after_unknown"].take();
    edit(&mut after, &mut unknown);
    change["after"] = after;
    change["after_unknown"] = unknown;
    doc.to_string()
}

fn statuses(
    findings: &[secbaseline_engine::finding::Finding],
    control: &str,
    address: &str,
) -> Vec<Status> {
    findings
        .iter()
        .filter(|f| f.control_id == control && f.address.as_deref() == Some(address))
        .map(|f| f.status)
        .collect()
}

/// Found by `wholly_unknown_plans…` (an earlier form of the properties above): a stage whose
/// `stage_name` is unknown until apply lost its method settings (they are matched by name)
/// and FAILed execution logging. Settings now follow the `stage_name` reference.
#[test]
fn stage_with_unknown_name_keeps_the_settings_that_refer_to_it() {
    let text = fixture_with(
        "apigateway_modules.json",
        "aws_api_gateway_stage.prod",
        |after, unknown| {
            after["stage_name"] = Value::Null;
            unknown["stage_name"] = json!(true);
        },
    );
    let findings = judge(&text).expect("a plan");
    let got = statuses(
        &findings,
        "apigateway_rest_execution_logging",
        "aws_api_gateway_stage.prod",
    );
    let known = judge(&fixture_with(
        "apigateway_modules.json",
        "aws_api_gateway_stage.prod",
        |_, _| {},
    ))
    .expect("a plan");
    let want = statuses(
        &known,
        "apigateway_rest_execution_logging",
        "aws_api_gateway_stage.prod",
    );
    assert_eq!(
        got, want,
        "the stage's name should not change its execution-logging verdict"
    );
}

/// Found by the same property: a role whose configured `managed_policy_arns` is unknown
/// until apply was judged as having nothing attached (PASS for AWSCloudShellFullAccess).
#[test]
fn role_with_unknown_managed_policy_arns_is_unknown_not_pass() {
    let no_arns = judge(&fixture_with(
        "iam_documents.json",
        "aws_iam_role.app",
        |_, _| {},
    ))
    .expect("a plan");
    // Not configured (optional+computed, unknown only for that reason): nothing attached.
    assert_eq!(
        statuses(
            &no_arns,
            "iam_no_cloudshell_full_access",
            "aws_iam_role.app"
        ),
        vec![Status::Pass]
    );
    let i = FIXTURES
        .iter()
        .position(|f| *f == "iam_documents.json")
        .expect("a fixture");
    let mut doc = fixtures()[i].clone();
    let configured = doc["configuration"]["root_module"]["resources"]
        .as_array_mut()
        .and_then(|l| l.iter_mut().find(|r| r["address"] == "aws_iam_role.app"))
        .expect("the role's configuration");
    configured["expressions"]["managed_policy_arns"] = json!({"references": ["var.policy_arns"]});
    let findings = judge(&doc.to_string()).expect("a plan");
    assert_eq!(
        statuses(
            &findings,
            "iam_no_cloudshell_full_access",
            "aws_iam_role.app"
        ),
        vec![Status::Unknown]
    );
}
