//! Tricky policy and trust documents run through every rule that reads them, so the rules'
//! verdicts (not just the policy model's answers) are pinned for each case.

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use crate::facts::Facts;
use crate::finding::Status;
use crate::finding::Status::{Error, Fail, NotApplicable as NA, Pass};
use crate::rules::testkit::{customer_policy, iam, params, role};
use crate::rules::{apigateway, iam as iam_rules, lex, pinpoint, sts, Rule};

/// Identity-policy rules, in the order of the expectation columns below.
fn identity_rules() -> [(&'static str, &'static dyn Rule); 6] {
    [
        ("iam_policy_no_admin", &iam_rules::PolicyNoAdmin),
        (
            "iam_policy_no_service_wildcard",
            &iam_rules::PolicyNoServiceWildcard,
        ),
        ("sts_no_assume_any_role", &sts::NoAssumeAnyRole),
        (
            "apigateway_iam_least_privilege",
            &apigateway::IamLeastPrivilege,
        ),
        (
            "pinpoint_iam_least_privilege",
            &pinpoint::IAM_LEAST_PRIVILEGE,
        ),
        ("lex_iam_least_privilege", &lex::IAM_LEAST_PRIVILEGE),
    ]
}

fn one_policy(doc: &str) -> Facts {
    iam(|i| i.policies = vec![customer_policy("p", doc)])
}

#[test]
fn identity_policy_documents_through_the_rules() {
    let encoded_admin: String = utf8_percent_encode(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        NON_ALPHANUMERIC,
    )
    .to_string();
    // Columns: no_admin, service_wildcard, assume_any_role, apigateway, pinpoint, lex.
    let table: Vec<(&str, String, [Status; 6])> = vec![
        (
            "NotAction + Allow on * is admin and covers sts:AssumeRole",
            r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#.into(),
            [Fail, Pass, Fail, Pass, Pass, Pass],
        ),
        (
            "NotAction excluding sts:* is admin but not assume-any-role",
            r#"{"Statement":[{"Effect":"Allow","NotAction":["sts:*"],"Resource":"*"}]}"#.into(),
            [Fail, Pass, Pass, Pass, Pass, Pass],
        ),
        (
            "Deny never fails",
            r#"{"Statement":[{"Effect":"Deny","Action":["*","sts:*","apigateway:*","lex:*","mobiletargeting:*"],"Resource":"*"}]}"#.into(),
            [Pass, Pass, Pass, Pass, Pass, Pass],
        ),
        (
            "sts:* on * is a service wildcard and assume-any-role",
            r#"{"Statement":{"Effect":"Allow","Action":"sts:*","Resource":"*"}}"#.into(),
            [Pass, Fail, Fail, Pass, Pass, Pass],
        ),
        (
            "admin statement listing apigateway:* is left to iam_policy_no_admin",
            r#"{"Statement":[{"Effect":"Allow","Action":["*","apigateway:*"],"Resource":"*"}]}"#.into(),
            [Fail, Fail, Fail, Pass, Pass, Pass],
        ),
        (
            "execute-api:* on NotResource counts as all resources",
            r#"{"Statement":[{"Effect":"Allow","Action":"execute-api:*","NotResource":"arn:aws:execute-api:*:*:secret/*"}]}"#.into(),
            [Pass, Fail, Pass, Fail, Pass, Pass],
        ),
        (
            "lex:* scoped to one bot is only a service wildcard",
            r#"{"Statement":[{"Effect":"Allow","Action":"lex:*","Resource":"arn:aws:lex:us-east-1:123456789012:bot/B1"}]}"#.into(),
            [Pass, Fail, Pass, Pass, Pass, Pass],
        ),
        (
            "a Deny does not subtract from an Allow",
            r#"{"Statement":[{"Effect":"Allow","Action":"MobileTargeting:*","Resource":"*"},{"Effect":"Deny","Action":"mobiletargeting:*","Resource":"*"}]}"#.into(),
            [Pass, Fail, Pass, Pass, Fail, Pass],
        ),
        (
            "URL-encoded admin document",
            encoded_admin,
            [Fail, Pass, Fail, Pass, Pass, Pass],
        ),
        (
            "malformed JSON is an ERROR naming the policy",
            r#"{"Statement":[{"Effect":"Allow","Action":"*""#.into(),
            [Error, Error, Error, Error, Error, Error],
        ),
        (
            "a statement without Effect is an ERROR",
            r#"{"Statement":[{"Action":"*","Resource":"*"}]}"#.into(),
            [Error, Error, Error, Error, Error, Error],
        ),
    ];
    for (case, doc, expected) in &table {
        let facts = one_policy(doc);
        for ((id, rule), want) in identity_rules().into_iter().zip(expected) {
            let findings = rule.evaluate(&facts, &params());
            let got: Vec<Status> = findings.iter().map(|f| f.status).collect();
            assert_eq!(got, vec![*want], "{case}: {id}: {findings:#?}");
            if *want == Error {
                assert!(
                    findings[0].message.contains("customer-managed policy 'p'"),
                    "{case}: {id}: {}",
                    findings[0].message
                );
            }
        }
    }
}

fn trust_rules() -> [(&'static str, &'static dyn Rule); 3] {
    [
        (
            "sts_trust_no_public_principal",
            &sts::TrustNoPublicPrincipal,
        ),
        ("sts_cross_account_condition", &sts::CrossAccountCondition),
        ("sts_service_confused_deputy", &sts::ServiceConfusedDeputy),
    ]
}

#[test]
fn trust_documents_through_the_rules() {
    // Columns: public principal, cross-account condition, service confused deputy.
    // Roles with nothing a rule judges get its region-wide NOT_APPLICABLE.
    let table: &[(&str, &str, bool, [Status; 3])] = &[
        (
            "{\"AWS\":\"*\"} without a condition",
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#,
            false,
            [Fail, NA, NA],
        ),
        (
            "{\"AWS\":\"*\"} with a condition",
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}"#,
            false,
            [Pass, NA, NA],
        ),
        (
            "\"*\" with an empty condition restricts nothing",
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{}}]}"#,
            false,
            [Fail, NA, NA],
        ),
        (
            "Allow with NotPrincipal lets everyone else in",
            r#"{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole"}]}"#,
            false,
            [Fail, NA, NA],
        ),
        (
            "Deny to everyone never fails",
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}]}"#,
            false,
            [Pass, NA, NA],
        ),
        (
            "cross-account with sts:ExternalId",
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:role/vendor"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"abc"}}}]}"#,
            false,
            [Pass, Pass, NA],
        ),
        (
            "cross-account with MFA",
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
            false,
            [Pass, Pass, NA],
        ),
        (
            "cross-account with an unrelated condition",
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","arn:aws:iam::999988887777:root"]},"Action":"sts:AssumeRole","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#,
            false,
            [Pass, Fail, NA],
        ),
        (
            "service principal with aws:SourceArn",
            r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:events:us-east-1:123456789012:rule/r"}}}]}"#,
            false,
            [Pass, NA, Pass],
        ),
        (
            "service principal without a source condition",
            r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}]}"#,
            false,
            [Pass, NA, Fail],
        ),
        (
            "federated principal",
            r#"{"Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"pool"}}}]}"#,
            false,
            [Pass, NA, NA],
        ),
        (
            "/aws-service-role/ roles are NOT_APPLICABLE to every sts_* control",
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}"#,
            true,
            [NA, NA, NA],
        ),
        (
            "malformed trust policy is an ERROR",
            r#"{"Statement":"#,
            false,
            [Error, Error, Error],
        ),
    ];
    for (case, doc, service_linked, expected) in table {
        let mut r = role("r", doc);
        if *service_linked {
            r.path = "/aws-service-role/x.amazonaws.com/".into();
        }
        let facts = iam(|i| i.roles = vec![r]);
        for ((id, rule), want) in trust_rules().into_iter().zip(expected) {
            let f = only_status(rule, &facts, *want, case, id);
            if *want == Error {
                assert!(f.contains("Role 'r'"), "{case}: {id}: {f}");
            }
        }
    }
}

fn only_status(rule: &dyn Rule, facts: &Facts, want: Status, case: &str, id: &str) -> String {
    let findings = rule.evaluate(facts, &params());
    let got: Vec<Status> = findings.iter().map(|f| f.status).collect();
    assert_eq!(got, vec![want], "{case}: {id}: {findings:#?}");
    findings
        .into_iter()
        .next()
        .map(|f| f.message)
        .unwrap_or_default()
}
