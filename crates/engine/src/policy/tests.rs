//! Document-level tests of the policy model: tricky documents, errors, trust policies, fuzzing.

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;

fn doc(text: &str) -> PolicyDocument {
    match PolicyDocument::parse(text) {
        Ok(d) => d,
        Err(e) => panic!("{text} should parse: {e}"),
    }
}

fn err(text: &str) -> PolicyError {
    match PolicyDocument::parse(text) {
        Ok(d) => panic!("{text} should not parse, got {d:?}"),
        Err(e) => e,
    }
}

/// What the identity-policy questions answer for one document.
struct Expect {
    admin: usize,
    service_wildcards: &'static [&'static str],
    assume_any_role: bool,
}

#[test]
fn identity_policy_table() {
    let table: &[(&str, &str, Expect)] = &[
        (
            "Action * string form on Resource *",
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
            Expect {
                admin: 1,
                service_wildcards: &[],
                assume_any_role: true,
            },
        ),
        (
            "NotAction with Allow on * is admin-equivalent",
            r#"{"Statement":[{"Effect":"Allow","NotAction":["iam:*","sts:*"],"Resource":"*"}]}"#,
            Expect {
                admin: 1,
                service_wildcards: &[],
                assume_any_role: false,
            },
        ),
        (
            "NotAction not excluding sts covers AssumeRole",
            r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#,
            Expect {
                admin: 1,
                service_wildcards: &[],
                assume_any_role: true,
            },
        ),
        (
            "NotResource counts as all resources",
            r#"{"Statement":[{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::b"}]}"#,
            Expect {
                admin: 1,
                service_wildcards: &[],
                assume_any_role: true,
            },
        ),
        (
            "Deny never counts",
            r#"{"Statement":[{"Effect":"Deny","Action":["*","s3:*","sts:AssumeRole"],"Resource":"*"}]}"#,
            Expect {
                admin: 0,
                service_wildcards: &[],
                assume_any_role: false,
            },
        ),
        (
            "Resource list containing * among ARNs",
            r#"{"Statement":[{"Effect":"Allow","Action":["*"],"Resource":["arn:aws:s3:::b","*"]}]}"#,
            Expect {
                admin: 1,
                service_wildcards: &[],
                assume_any_role: true,
            },
        ),
        (
            "wildcard inside an ARN is not all resources",
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::*"}]}"#,
            Expect {
                admin: 0,
                service_wildcards: &[],
                assume_any_role: false,
            },
        ),
        (
            "upper-case service wildcards are lower-cased",
            r#"{"Statement":[{"Effect":"Allow","Action":["IAM:*","s3:Get*","S3:*","iam:*"],"Resource":"arn:aws:s3:::b"}]}"#,
            Expect {
                admin: 0,
                service_wildcards: &["iam", "s3"],
                assume_any_role: false,
            },
        ),
        (
            "sts:* on * allows assuming any role",
            r#"{"Statement":[{"Effect":"Allow","Action":"STS:*","Resource":"*"}]}"#,
            Expect {
                admin: 0,
                service_wildcards: &["sts"],
                assume_any_role: true,
            },
        ),
        (
            "sts:AssumeRole on a specific role is fine",
            r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/r"}]}"#,
            Expect {
                admin: 0,
                service_wildcards: &[],
                assume_any_role: false,
            },
        ),
        (
            "sts:Assume* on * covers AssumeRole",
            r#"{"Statement":[{"Effect":"Allow","Action":"sts:Assume*","Resource":"*"}]}"#,
            Expect {
                admin: 0,
                service_wildcards: &[],
                assume_any_role: true,
            },
        ),
        (
            "no Resource element is not all resources",
            r#"{"Statement":[{"Effect":"Allow","Action":"*"}]}"#,
            Expect {
                admin: 0,
                service_wildcards: &[],
                assume_any_role: false,
            },
        ),
    ];
    for (name, text, expect) in table {
        let d = doc(text);
        assert_eq!(
            d.admin_statements().len(),
            expect.admin,
            "{name}: admin statements"
        );
        assert_eq!(
            d.service_wildcards(),
            expect.service_wildcards,
            "{name}: service wildcards"
        );
        assert_eq!(
            d.allows_action_on_all_resources("sts:AssumeRole"),
            expect.assume_any_role,
            "{name}: sts:AssumeRole on *"
        );
    }
}

#[test]
fn service_wildcard_on_all_resources_leaves_admin_to_its_rule() {
    let least = doc(r#"{"Statement":[
            {"Effect":"Allow","Action":["apigateway:*","execute-api:Invoke"],"Resource":"*"},
            {"Effect":"Allow","Action":"lex:*","Resource":"arn:aws:lex:us-east-1:111122223333:bot/*"},
            {"Effect":"Deny","Action":"mobiletargeting:*","Resource":"*"}
        ]}"#);
    assert!(least.allows_service_wildcard_on_all_resources("apigateway"));
    assert!(least.allows_service_wildcard_on_all_resources("APIGateway"));
    assert!(!least.allows_service_wildcard_on_all_resources("execute-api"));
    assert!(!least.allows_service_wildcard_on_all_resources("lex"));
    assert!(!least.allows_service_wildcard_on_all_resources("mobiletargeting"));

    let admin = doc(r#"{"Statement":{"Effect":"Allow","Action":["*","lex:*"],"Resource":"*"}}"#);
    assert!(!admin.allows_service_wildcard_on_all_resources("lex"));
    assert_eq!(admin.admin_statements().len(), 1);
    assert_eq!(admin.service_wildcards(), ["lex"]);

    let not_resource =
        doc(r#"{"Statement":{"Effect":"Allow","Action":"lex:*","NotResource":"arn:x"}}"#);
    assert!(not_resource.allows_service_wildcard_on_all_resources("lex"));
}

#[test]
fn url_encoded_round_trip() {
    let plain = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A b+c","Effect":"Allow","Action":["s3:Get*","iam:*"],"Resource":"arn:aws:s3:::my-bucket/a+b %2F/*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1"}}}]}"#;
    let encoded = utf8_percent_encode(plain, NON_ALPHANUMERIC).to_string();
    assert!(encoded.starts_with("%7B"));
    let from_plain = doc(plain);
    let from_encoded = doc(&encoded);
    assert_eq!(from_plain, from_encoded);
    assert_eq!(from_encoded.statements[0].sid.as_deref(), Some("A b+c"));
    assert_eq!(
        from_encoded.statements[0].resources,
        ResourceSpec::Resource(vec!["arn:aws:s3:::my-bucket/a+b %2F/*".into()])
    );

    // The form IAM returns: only reserved characters encoded, `+` kept literally.
    let iam_style = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D";
    assert_eq!(doc(iam_style).admin_statements().len(), 1);
    // Equality with the plain-JSON value, via from_value.
    let value: Value = serde_json::from_str(plain).expect("valid JSON");
    assert_eq!(PolicyDocument::from_value(&value), Ok(from_plain.clone()));
    assert_eq!(plain.parse::<PolicyDocument>(), Ok(from_plain));
}

#[test]
fn model_shapes() {
    let d = doc(
        r#"{"Id":"ignored","Statement":{"Sid":"S","Effect":"Deny","NotAction":"iam:*",
            "Resource":["a","b"],"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},
            "Condition":{"Bool":{"aws:SecureTransport":"false"}}}}"#,
    );
    assert_eq!(d.version, None);
    let s = &d.statements[0];
    assert_eq!(s.sid.as_deref(), Some("S"));
    assert_eq!(s.effect, Effect::Deny);
    assert_eq!(s.actions, ActionSpec::NotAction(vec!["iam:*".into()]));
    assert_eq!(
        s.resources,
        ResourceSpec::Resource(vec!["a".into(), "b".into()])
    );
    assert_eq!(
        s.principal,
        Some(PrincipalSpec::NotPrincipal(Principals::Map(PrincipalMap {
            aws: vec!["arn:aws:iam::111122223333:root".into()],
            ..PrincipalMap::default()
        })))
    );
    assert_eq!(
        s.condition,
        Some(json!({"Bool":{"aws:SecureTransport":"false"}}))
    );

    let empty = doc(r#"{"Version":"2012-10-17","Statement":[]}"#);
    assert_eq!(empty.version.as_deref(), Some("2012-10-17"));
    assert!(empty.statements.is_empty());
    assert!(empty.trust_grants().is_empty());
}

#[test]
fn malformed_documents_explain_themselves() {
    let table: &[(&str, PolicyError, &str)] = &[
        (
            "not json",
            PolicyError::NotJson(String::new()),
            "not valid JSON",
        ),
        ("", PolicyError::NotJson(String::new()), "not valid JSON"),
        (
            "%7B%22Statement",
            PolicyError::NotJson(String::new()),
            "not valid JSON",
        ),
        (
            "%FF",
            PolicyError::InvalidEncoding,
            "does not decode to UTF-8",
        ),
        (
            "[]",
            PolicyError::NotAnObject { found: "an array" },
            "must be a JSON object, found an array",
        ),
        (
            r#"{"Version":1,"Statement":[]}"#,
            PolicyError::InvalidVersion { found: "a number" },
            "`Version` must be a string",
        ),
        (
            r#"{"Version":"2012-10-17"}"#,
            PolicyError::MissingStatement,
            "no `Statement`",
        ),
        (
            r#"{"Statement":"Allow"}"#,
            PolicyError::InvalidStatement { found: "a string" },
            "`Statement` must be an object or an array",
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"*"},7]}"#,
            PolicyError::StatementNotObject {
                index: 1,
                found: "a number",
            },
            "statement 1 must be a JSON object",
        ),
        (
            r#"{"Statement":{"Action":"*","Resource":"*"}}"#,
            PolicyError::MissingEffect { index: 0 },
            "statement 0 has no `Effect`",
        ),
        (
            r#"{"Statement":{"Effect":"allow","Action":"*"}}"#,
            PolicyError::InvalidEffect {
                index: 0,
                found: "\"allow\"".into(),
            },
            "invalid `Effect` \"allow\"",
        ),
        (
            r#"{"Statement":{"Effect":true,"Action":"*"}}"#,
            PolicyError::InvalidEffect {
                index: 0,
                found: "true".into(),
            },
            "invalid `Effect` true",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","NotAction":"iam:*"}}"#,
            PolicyError::BothElementAndNot {
                index: 0,
                element: "Action",
            },
            "both `Action` and `NotAction`",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"x"}}"#,
            PolicyError::BothElementAndNot {
                index: 0,
                element: "Resource",
            },
            "both `Resource` and `NotResource`",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Principal":"*","NotPrincipal":"*"}}"#,
            PolicyError::BothElementAndNot {
                index: 0,
                element: "Principal",
            },
            "both `Principal` and `NotPrincipal`",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":["s3:*",3]}}"#,
            PolicyError::InvalidElement {
                index: 0,
                element: "Action",
                expected: "a string or an array of strings",
                found: "a number",
            },
            "`Action` must be a string or an array of strings, found a number",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":{}}}"#,
            PolicyError::InvalidElement {
                index: 0,
                element: "Resource",
                expected: "a string or an array of strings",
                found: "an object",
            },
            "`Resource` must be",
        ),
        (
            r#"{"Statement":{"Sid":1,"Effect":"Allow"}}"#,
            PolicyError::InvalidElement {
                index: 0,
                element: "Sid",
                expected: "a string",
                found: "a number",
            },
            "`Sid` must be a string",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Principal":"arn:aws:iam::111122223333:root"}}"#,
            PolicyError::InvalidElement {
                index: 0,
                element: "Principal",
                expected: "\"*\" or an object of AWS/Service/Federated/CanonicalUser entries",
                found: "a string",
            },
            "`Principal` must be \"*\" or an object",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Principal":{"aws":"*"}}}"#,
            PolicyError::UnknownPrincipalType {
                index: 0,
                element: "Principal",
                key: "aws".into(),
            },
            "unknown principal type `aws`",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":[null]}}}"#,
            PolicyError::InvalidElement {
                index: 0,
                element: "Principal",
                expected: "a string or an array of strings",
                found: "null",
            },
            "found null",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Condition":"x"}}"#,
            PolicyError::InvalidElement {
                index: 0,
                element: "Condition",
                expected: "an object of condition operators, each an object of condition keys",
                found: "a string",
            },
            "`Condition` must be an object",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Condition":{"StringEquals":["x"]}}}"#,
            PolicyError::InvalidElement {
                index: 0,
                element: "Condition",
                expected: "an object of condition operators, each an object of condition keys",
                found: "an array",
            },
            "found an array",
        ),
    ];
    for (text, expected, message_part) in table {
        let e = err(text);
        match (&e, expected) {
            (PolicyError::NotJson(msg), PolicyError::NotJson(_)) => {
                assert!(!msg.is_empty(), "{text}: serde message kept")
            }
            _ => assert_eq!(&e, expected, "{text}"),
        }
        let message = e.to_string();
        assert!(
            message.contains(message_part),
            "{text}: {message:?} lacks {message_part:?}"
        );
    }
}

fn grants(text: &str) -> Vec<(TrustPrincipal, bool)> {
    doc(text)
        .trust_grants()
        .into_iter()
        .map(|g| (g.principal, g.has_condition))
        .collect()
}

#[test]
fn trust_principal_forms() {
    use TrustPrincipal::*;
    let assume = |principal: &str| {
        format!(
            r#"{{"Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]}}"#
        )
    };
    assert_eq!(grants(&assume(r#""*""#)), [(Everyone, false)]);
    assert_eq!(grants(&assume(r#"{"AWS":"*"}"#)), [(Everyone, false)]);
    assert_eq!(
        grants(&assume(r#"{"AWS":["arn:aws:iam::111122223333:root"]}"#)),
        [(Aws("arn:aws:iam::111122223333:root".into()), false)]
    );
    assert_eq!(
        grants(&assume(
            r#"{"AWS":"111122223333","Service":["ec2.amazonaws.com","lambda.amazonaws.com"]}"#
        )),
        [
            (Aws("111122223333".into()), false),
            (Service("ec2.amazonaws.com".into()), false),
            (Service("lambda.amazonaws.com".into()), false),
        ]
    );
    assert_eq!(
        grants(&assume(
            r#"{"Federated":"arn:aws:iam::111122223333:saml-provider/x","CanonicalUser":"abc"}"#
        )),
        [
            (
                Federated("arn:aws:iam::111122223333:saml-provider/x".into()),
                false
            ),
            (CanonicalUser("abc".into()), false),
        ]
    );
    // Allow + NotPrincipal lets everyone else in.
    assert_eq!(
        grants(
            r#"{"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}}"#
        ),
        [(Everyone, false)]
    );
}

#[test]
fn trust_grants_only_for_allowed_assume_actions() {
    use TrustPrincipal::*;
    // Deny, non-assume actions, TagSession alone and statements without a principal grant nothing.
    for text in [
        r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}}"#,
        r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:TagSession"}}"#,
        r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}"#,
        r#"{"Statement":{"Effect":"Allow","Principal":"*","NotAction":"sts:*"}}"#,
    ] {
        assert!(doc(text).trust_grants().is_empty(), "{text}");
    }
    let d = doc(r#"{"Statement":[
            {"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"]},
            {"Sid":"All","Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:*"},
            {"Effect":"Allow","Principal":{"AWS":"*"},"NotAction":"sts:AssumeRoleWithSAML"}
        ]}"#);
    let g = d.trust_grants();
    assert_eq!(g.len(), 3);
    assert_eq!(
        g[0].principal,
        Federated("cognito-identity.amazonaws.com".into())
    );
    assert_eq!(g[0].actions, ["sts:AssumeRoleWithWebIdentity"]);
    assert_eq!(
        (g[1].statement_index, g[1].sid.as_deref()),
        (1, Some("All"))
    );
    assert_eq!(g[1].actions, ASSUME_ROLE_ACTIONS);
    assert_eq!(
        g[2].actions,
        ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]
    );
}

#[test]
fn trust_condition_keys_from_nested_operators() {
    let d = doc(r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/x"},"Action":"sts:AssumeRole",
             "Condition":{"StringEquals":{"sts:ExternalId":"abc"},"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
            {"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sts:AssumeRole",
             "Condition":{"ForAnyValue:StringLike":{"aws:SourceArn":["arn:aws:sns:*:123456789012:*"]},
                          "StringEqualsIfExists":{"AWS:SourceAccount":"123456789012"}}},
            {"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{}}
        ]}"#);
    let g = d.trust_grants();
    assert_eq!(g.len(), 3);
    assert!(g[0].has_condition);
    assert_eq!(
        g[0].condition_keys,
        ["aws:multifactorauthpresent", "sts:externalid"]
    );
    assert!(g[0].has_condition_key("sts:ExternalId"));
    assert_eq!(g[0].principal.account_id(), Some("111122223333"));
    assert_eq!(g[1].condition_keys, ["aws:sourceaccount", "aws:sourcearn"]);
    assert!(g[1].has_condition_key("aws:SourceArn"));
    assert!(!g[1].has_condition_key("sts:ExternalId"));
    assert_eq!(g[2].principal, TrustPrincipal::Everyone);
    assert!(!g[2].has_condition, "an empty Condition restricts nothing");
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop_oneof![
            Just("*".to_owned()),
            Just("Allow".to_owned()),
            Just("Deny".to_owned()),
            Just("sts:AssumeRole".to_owned()),
            "[a-z*?:]{0,12}",
            any::<String>(),
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let key = prop_oneof![
            Just("Statement".to_owned()),
            Just("Effect".to_owned()),
            Just("Action".to_owned()),
            Just("NotAction".to_owned()),
            Just("Resource".to_owned()),
            Just("NotResource".to_owned()),
            Just("Principal".to_owned()),
            Just("NotPrincipal".to_owned()),
            Just("AWS".to_owned()),
            Just("Service".to_owned()),
            Just("Condition".to_owned()),
            Just("Version".to_owned()),
            Just("Sid".to_owned()),
            "[A-Za-z:]{1,10}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(key, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn exercise(d: &PolicyDocument) {
    let _ = d.admin_statements();
    let _ = d.service_wildcards();
    let _ = d.allows_service_wildcard_on_all_resources("lex");
    let _ = d.allows_action_on_all_resources("sts:AssumeRole");
    for g in d.trust_grants() {
        let _ = g.principal.account_id();
    }
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        if let Ok(d) = PolicyDocument::parse(&text) {
            exercise(&d);
        }
    }

    #[test]
    fn arbitrary_json_never_panics(value in arb_json()) {
        let text = value.to_string();
        let parsed = PolicyDocument::parse(&text);
        prop_assert_eq!(&parsed, &PolicyDocument::from_value(&value));
        let encoded = utf8_percent_encode(&text, NON_ALPHANUMERIC).to_string();
        prop_assert_eq!(&parsed, &PolicyDocument::parse(&encoded));
        if let Ok(d) = parsed {
            exercise(&d);
        }
    }

    #[test]
    fn wildcard_match_never_panics(pattern in "[a-z*?:]{0,20}", text in any::<String>()) {
        let _ = wildcard_match(&pattern, &text);
        prop_assert!(wildcard_match("*", &text));
        prop_assert!(wildcard_match(&text.replace(['*', '?'], ""), &text) || text.contains(['*', '?']));
    }
}

fn arb_string_or_list(items: &'static [&'static str]) -> impl Strategy<Value = Value> {
    let item = prop::sample::select(items).prop_map(|s| Value::String(s.to_owned()));
    prop_oneof![
        item.clone(),
        prop::collection::vec(item, 0..4).prop_map(Value::Array)
    ]
}

/// Grammatical statements built from the interesting pieces, so the questions get exercised.
fn arb_statement() -> impl Strategy<Value = Value> {
    let actions: &'static [&'static str] = &[
        "*",
        "*:*",
        "iam:*",
        "IAM:*",
        "s3:Get*",
        "lex:*",
        "sts:AssumeRole",
        "sts:Assume*",
        "sts:*",
        "sts:TagSession",
    ];
    let resources: &'static [&'static str] = &["*", "arn:aws:s3:::b", "arn:aws:s3:::*"];
    let principals = prop_oneof![
        Just(json!("*")),
        Just(json!({"AWS": "*"})),
        Just(json!({"AWS": ["arn:aws:iam::111122223333:root", "444455556666"]})),
        Just(json!({"Service": "ec2.amazonaws.com"})),
        Just(json!({"Federated": "cognito-identity.amazonaws.com"})),
    ];
    (
        any::<bool>(),
        any::<bool>(),
        arb_string_or_list(actions),
        prop::option::of((any::<bool>(), arb_string_or_list(resources))),
        prop::option::of((any::<bool>(), principals)),
        any::<bool>(),
    )
        .prop_map(|(allow, not_action, a, r, p, cond)| {
            let mut s = serde_json::Map::new();
            s.insert("Effect".into(), json!(if allow { "Allow" } else { "Deny" }));
            s.insert(if not_action { "NotAction" } else { "Action" }.into(), a);
            if let Some((not, r)) = r {
                s.insert(if not { "NotResource" } else { "Resource" }.into(), r);
            }
            if let Some((not, p)) = p {
                s.insert(if not { "NotPrincipal" } else { "Principal" }.into(), p);
            }
            if cond {
                s.insert(
                    "Condition".into(),
                    json!({"StringEquals": {"sts:ExternalId": "x"}}),
                );
            }
            Value::Object(s)
        })
}

proptest! {
    #[test]
    fn deny_never_makes_a_policy_fail(statements in prop::collection::vec(arb_statement(), 1..5)) {
        let d = PolicyDocument::from_value(&json!({"Statement": statements}))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        exercise(&d);
        // Every admin statement also lets one assume any role unless NotAction excludes it.
        for s in d.admin_statements() {
            prop_assert!(s.covers_action("sts:AssumeRole") || matches!(s.actions, ActionSpec::NotAction(_)));
        }
        let mut denied = d.clone();
        for s in &mut denied.statements {
            s.effect = Effect::Deny;
        }
        prop_assert!(denied.admin_statements().is_empty());
        prop_assert!(denied.service_wildcards().is_empty());
        prop_assert!(!denied.allows_action_on_all_resources("sts:AssumeRole"));
        prop_assert!(!denied.allows_service_wildcard_on_all_resources("lex"));
        prop_assert!(denied.trust_grants().is_empty());
    }
}

#[test]
fn public_allows_of_resource_policies() {
    let d = doc(r#"{"Statement":[
        {"Sid":"A","Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*"},
        {"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:GetObject","Resource":"*"},
        {"Effect":"Allow","Principal":"*","Action":"x:y","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
        {"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"},
        {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"*","Resource":"*"},
        {"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"*"},
        {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"*"},
        {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{}}}
    ]}"#);
    let found: Vec<usize> = d.public_allows().iter().map(|(i, _)| *i).collect();
    assert_eq!(found, vec![0, 1, 5, 7]);
    assert_eq!(d.public_allows()[0].1.sid.as_deref(), Some("A"));
}
