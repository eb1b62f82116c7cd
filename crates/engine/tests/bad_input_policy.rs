//! Bad IAM policy documents through the engine's public API: the parser gives a model or a
//! typed error for any text (plain, URL-encoded, odd shapes in every element), and the rule
//! layer never judges a document it could not read as PASS — and a `Deny` never makes a
//! policy fail.

use proptest::prelude::*;
use serde_json::{json, Value};

use secbaseline_engine::facts::{
    ApiGatewayFacts, Collected, Facts, IamFacts, InlinePolicy, Known, ManagedPolicy, RestApi, Role,
    User,
};
use secbaseline_engine::finding::{Finding, Status};
use secbaseline_engine::params::Params;
use secbaseline_engine::plan::{policy_document_findings, trust_document_findings};
use secbaseline_engine::policy::{PolicyDocument, PolicyError};
use secbaseline_engine::rules;
use time::macros::datetime;

const ACCOUNT: &str = "123456789012";

fn params() -> Params {
    Params::at(datetime!(2025-06-01 0:00 UTC))
}

/// Any JSON value, with the names and values of the policy grammar over-represented.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        prop::sample::select(vec![
            "*",
            "Allow",
            "Deny",
            "allow",
            "",
            "s3:*",
            "sts:AssumeRole",
            "arn:aws:iam::1:root",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        let key = prop_oneof![
            prop::sample::select(vec![
                "Statement",
                "Effect",
                "Action",
                "NotAction",
                "Resource",
                "NotResource",
                "Principal",
                "NotPrincipal",
                "AWS",
                "Service",
                "Federated",
                "Condition",
                "Version",
                "Sid",
                "StringEquals",
            ])
            .prop_map(str::to_owned),
            "[A-Za-z:]{1,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(key, inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A grammatical statement, so that questions about real documents get asked.
fn arb_statement(effect: &'static str) -> impl Strategy<Value = Value> {
    let actions = prop::sample::subsequence(
        vec![
            "*",
            "iam:*",
            "s3:Get*",
            "apigateway:*",
            "lex:*",
            "sts:AssumeRole",
            "sts:*",
            "mobiletargeting:*",
            "execute-api:Invoke",
        ],
        1..4,
    );
    let resources = prop::sample::select(vec!["*", "arn:aws:s3:::b/*"]);
    (actions, resources, any::<bool>(), any::<bool>()).prop_map(
        move |(actions, resource, not_action, condition)| {
            let mut s = serde_json::Map::new();
            s.insert("Effect".into(), json!(effect));
            s.insert(
                if not_action { "NotAction" } else { "Action" }.into(),
                json!(actions),
            );
            s.insert("Resource".into(), json!(resource));
            if condition {
                s.insert(
                    "Condition".into(),
                    json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
                );
            }
            Value::Object(s)
        },
    )
}

/// One statement with one element replaced by an arbitrary JSON value.
fn statement_with_odd_element() -> impl Strategy<Value = (String, Value)> {
    let element = prop::sample::select(vec![
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
        "Sid",
    ]);
    (element, arb_json()).prop_map(|(element, odd)| {
        let mut s = json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"});
        s[element] = odd;
        (element.to_owned(), s)
    })
}

fn statuses_by_control(findings: &[Finding]) -> Vec<(String, Status)> {
    findings
        .iter()
        .map(|f| (f.control_id.clone(), f.status))
        .collect()
}

/// Account facts holding `text` in every place a policy document lives (managed, inline,
/// trust, REST API resource policy).
fn facts_with_documents(text: &str) -> Facts {
    let mut facts = Facts::new(ACCOUNT);
    facts.iam = Collected::Ok(IamFacts {
        policies: vec![ManagedPolicy {
            name: "odd".into(),
            arn: Known::Known(format!("arn:aws:iam::{ACCOUNT}:policy/odd")),
            path: "/".into(),
            document: Known::Known(text.to_owned()),
            ..Default::default()
        }],
        users: vec![User {
            name: "u".into(),
            arn: Known::Known(format!("arn:aws:iam::{ACCOUNT}:user/u")),
            path: "/".into(),
            inline_policies: vec![InlinePolicy {
                name: "odd-inline".into(),
                document: Known::Known(text.to_owned()),
                address: None,
            }],
            ..Default::default()
        }],
        roles: vec![Role {
            name: "r".into(),
            arn: Known::Known(format!("arn:aws:iam::{ACCOUNT}:role/r")),
            path: "/".into(),
            trust_policy: Known::Known(text.to_owned()),
            ..Default::default()
        }],
        ..Default::default()
    });
    facts.region_mut("us-east-1").apigateway = Collected::Ok(ApiGatewayFacts {
        rest_apis: vec![RestApi {
            id: Known::Known("abc123".into()),
            name: "odd-api".into(),
            policy: Known::Known(Some(text.to_owned())),
            ..Default::default()
        }],
        ..Default::default()
    });
    facts
}

/// Resource ids of findings that judge nothing but the document `facts_with_documents` put
/// there (the role's id is judged by other controls too, so only the trust controls count).
fn judges_the_document(f: &Finding) -> bool {
    let policy = format!("arn:aws:iam::{ACCOUNT}:policy/odd");
    let inline = format!("arn:aws:iam::{ACCOUNT}:user/u/inline-policy/odd-inline");
    let role = format!("arn:aws:iam::{ACCOUNT}:role/r");
    let api = "arn:aws:apigateway:us-east-1::/restapis/abc123";
    (f.resource_id == api && f.control_id == "apigateway_rest_resource_policy_public")
        || f.resource_id == policy
        || f.resource_id == inline
        || (f.resource_id.starts_with(&role) && f.control_id.starts_with("sts_"))
}

fn run_catalogue(facts: &Facts) -> Vec<Finding> {
    rules::catalogue()
        .iter()
        .flat_map(|r| r.evaluate(facts, &params()))
        .collect()
}

proptest! {
    /// Any text: a model or a typed error, plain and percent-encoded alike.
    #[test]
    fn any_text_parses_or_errs(text in any::<String>()) {
        let plain = PolicyDocument::parse(&text);
        let encoded: String = text.bytes().map(|b| format!("%{b:02X}")).collect();
        let decoded = PolicyDocument::parse(&encoded);
        // Fully encoded text is read exactly as the text it encodes (when that text does
        // not itself start with a `%` that would be decoded a second time).
        if !text.trim_start().starts_with('%') && !text.contains('%') {
            prop_assert_eq!(&decoded, &plain);
        }
    }

    /// Any JSON value: the same answer from text, from the value, and from its URL-encoded
    /// text; functions give findings or an error, never a panic.
    #[test]
    fn any_json_document_gives_model_or_typed_error(value in arb_json()) {
        let text = value.to_string();
        let parsed = PolicyDocument::parse(&text);
        prop_assert_eq!(&parsed, &PolicyDocument::from_value(&value));
        let encoded: String = text.bytes().map(|b| format!("%{b:02X}")).collect();
        prop_assert_eq!(&parsed, &PolicyDocument::parse(&encoded));
        let policy = policy_document_findings(&text, &params());
        let trust = trust_document_findings(&text, Some(ACCOUNT), &params());
        prop_assert_eq!(policy.is_ok(), parsed.is_ok());
        prop_assert_eq!(trust.is_ok(), parsed.is_ok());
    }

    /// An odd value in one element of a statement: rejected with an error naming that
    /// element (or the Effect), or accepted when the grammar allows that shape.
    #[test]
    fn odd_element_is_named_in_the_error((element, stmt) in statement_with_odd_element()) {
        let doc = json!({"Version": "2012-10-17", "Statement": [stmt.clone()]});
        match PolicyDocument::from_value(&doc) {
            Ok(d) => prop_assert_eq!(d.statements.len(), 1),
            Err(e) => {
                let text = e.to_string();
                let named = text.contains(&format!("`{element}`"))
                    || text.contains(element.trim_start_matches("Not"))
                    || matches!(e, PolicyError::MissingEffect { .. } | PolicyError::InvalidEffect { .. });
                prop_assert!(named, "error for an odd {}: {}", element, text);
            }
        }
        // A single statement object is the same as a list of one.
        let single = json!({"Statement": stmt.clone()});
        let listed = json!({"Statement": [stmt]});
        prop_assert_eq!(PolicyDocument::from_value(&single), PolicyDocument::from_value(&listed));
    }

    /// The rule layer: a document that does not parse is judged ERROR by every control
    /// that reads it — never PASS (and never FAIL on a guess).
    #[test]
    fn unreadable_documents_are_never_pass(value in arb_json(), raw in any::<String>(), use_raw in any::<bool>()) {
        let text = if use_raw { raw } else { value.to_string() };
        let readable = PolicyDocument::parse(&text).is_ok();
        let findings = run_catalogue(&facts_with_documents(&text));
        let about: Vec<&Finding> = findings.iter().filter(|f| judges_the_document(f)).collect();
        prop_assert!(!about.is_empty(), "no control judged the documents");
        if !readable {
            for f in about {
                prop_assert_eq!(f.status, Status::Error, "{} on {}: {}", f.control_id, f.resource_id, f.message);
            }
        }
    }

    /// Adding a `Deny` statement never makes a policy fail a check or turns a non-admin
    /// verdict into admin.
    #[test]
    fn adding_a_deny_never_makes_a_policy_fail(
        allows in prop::collection::vec(arb_statement("Allow"), 0..4),
        denies in prop::collection::vec(arb_statement("Deny"), 1..3),
        position in any::<prop::sample::Index>(),
    ) {
        let before_doc = json!({"Version": "2012-10-17", "Statement": allows.clone()});
        let mut with_deny = allows;
        for d in denies {
            let at = position.index(with_deny.len() + 1);
            with_deny.insert(at, d);
        }
        let after_doc = json!({"Version": "2012-10-17", "Statement": with_deny});
        let before = PolicyDocument::from_value(&before_doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let after = PolicyDocument::from_value(&after_doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(after.admin_statements().len() <= before.admin_statements().len());

        for judge in [
            |t: &str| policy_document_findings(t, &params()),
            |t: &str| trust_document_findings(t, Some(ACCOUNT), &params()),
        ] {
            let b = judge(&before_doc.to_string()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let a = judge(&after_doc.to_string()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            for (control, status) in statuses_by_control(&b) {
                if status == Status::Pass {
                    let now: Vec<Status> = a.iter().filter(|f| f.control_id == control).map(|f| f.status).collect();
                    prop_assert!(
                        now.iter().all(|s| *s == Status::Pass),
                        "{} was PASS, after adding a Deny it is {:?}", control, now
                    );
                }
            }
        }
    }
}

#[test]
fn documents_with_every_principal_form_parse() {
    for principal in [
        json!("*"),
        json!({"AWS": "*"}),
        json!({"AWS": ["arn:aws:iam::111122223333:root", "444455556666"]}),
        json!({"Service": ["ec2.amazonaws.com"]}),
        json!({"Federated": "cognito-identity.amazonaws.com"}),
        json!({"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}),
    ] {
        let doc = json!({"Statement": {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}});
        assert!(
            PolicyDocument::from_value(&doc).is_ok(),
            "{doc} should parse"
        );
    }
    for bad in [
        json!("arn:aws:iam::1:root"),
        json!(1),
        json!(["*"]),
        json!({"Aws": "*"}),
        json!({"AWS": 1}),
    ] {
        let doc =
            json!({"Statement": {"Effect": "Allow", "Principal": bad, "Action": "sts:AssumeRole"}});
        let err = PolicyDocument::from_value(&doc).expect_err("an odd principal is an error");
        assert!(err.to_string().contains("Principal"), "{err}");
    }
}

#[test]
fn deeply_nested_documents_are_a_typed_error() {
    let depth = 100_000;
    let text = format!(
        "{{\"Statement\":{}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert!(matches!(
        PolicyDocument::parse(&text),
        Err(PolicyError::NotJson(_))
    ));
    let encoded: String = text.bytes().map(|b| format!("%{b:02X}")).collect();
    assert!(PolicyDocument::parse(&encoded).is_err());
    // And in the rule layer: ERROR, not PASS.
    let findings = run_catalogue(&facts_with_documents(&text));
    let about: Vec<&Finding> = findings.iter().filter(|f| judges_the_document(f)).collect();
    assert!(!about.is_empty());
    assert!(
        about.iter().all(|f| f.status == Status::Error),
        "{about:#?}"
    );
}
