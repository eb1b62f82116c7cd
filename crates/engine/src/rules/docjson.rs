//! Minimal reading of policy-document JSON for the controls of this branch (public principals,
//! service wildcards). A seam: the full IAM policy model (`crate::policy`, another branch)
//! replaces these helpers after merge.

use percent_encoding::percent_decode_str;
use serde_json::Value;

/// A policy document that is not valid JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("policy document is not valid JSON: {0}")]
pub struct DocError(pub String);

/// The statements of a policy document (a single statement object counts as one).
/// URL-encoded documents (as IAM returns them) are decoded first.
pub(crate) fn statements(doc: &str) -> Result<Vec<Value>, DocError> {
    let parsed: Result<Value, _> = serde_json::from_str(doc);
    let value = match parsed {
        Ok(v) => v,
        Err(first) => {
            let decoded = percent_decode_str(doc).decode_utf8_lossy();
            serde_json::from_str(&decoded).map_err(|_| DocError(first.to_string()))?
        }
    };
    Ok(match value.get("Statement") {
        Some(Value::Array(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    })
}

/// Strings of a field that may be a string or an array of strings.
pub(crate) fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// True for `"Effect": "Allow"`.
pub(crate) fn is_allow(stmt: &Value) -> bool {
    stmt.get("Effect").and_then(Value::as_str) == Some("Allow")
}

/// True when the statement has a non-empty `Condition`.
pub(crate) fn has_condition(stmt: &Value) -> bool {
    match stmt.get("Condition") {
        Some(Value::Object(m)) => !m.is_empty(),
        Some(Value::Null) | None => false,
        Some(_) => true,
    }
}

/// True when the principal is everyone: `"*"` or `{"AWS": "*"}` (also in an array).
pub(crate) fn is_public_principal(stmt: &Value) -> bool {
    match stmt.get("Principal") {
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(m)) => strings(m.get("AWS")).contains(&"*"),
        _ => false,
    }
}

/// Indexes (`Sid` when present) of `Allow` statements for everyone without a `Condition`.
pub(crate) fn public_allows(doc: &str) -> Result<Vec<String>, DocError> {
    Ok(statements(doc)?
        .iter()
        .enumerate()
        .filter(|(_, s)| is_allow(s) && is_public_principal(s) && !has_condition(s))
        .map(|(i, s)| label(i, s))
        .collect())
}

/// `Sid "x"` or `statement #n` (1-based).
pub(crate) fn label(index: usize, stmt: &Value) -> String {
    match stmt.get("Sid").and_then(Value::as_str) {
        Some(sid) if !sid.is_empty() => format!("statement {sid:?}"),
        _ => format!("statement #{}", index + 1),
    }
}

/// Seam to the policy model for the `*_iam_least_privilege` controls (Ruling 9): the literal
/// service wildcards of `wanted` (e.g. `apigateway:*`) that an `Allow` grants on resource `*`,
/// skipping admin-equivalent statements (left to `iam_policy_no_admin`).
pub type WildcardGrants = fn(document: &str, wanted: &[&str]) -> Result<Vec<String>, DocError>;

/// The interim [`WildcardGrants`] of this branch.
pub fn basic_wildcard_grants(document: &str, wanted: &[&str]) -> Result<Vec<String>, DocError> {
    let mut found = Vec::new();
    for stmt in statements(document)? {
        if !is_allow(&stmt) {
            continue;
        }
        let any_resource =
            strings(stmt.get("Resource")).contains(&"*") || stmt.get("NotResource").is_some();
        if !any_resource {
            continue;
        }
        let actions = strings(stmt.get("Action"));
        let admin = stmt.get("NotAction").is_some() || actions.contains(&"*");
        if admin {
            continue;
        }
        for w in wanted {
            if actions.iter().any(|a| a.eq_ignore_ascii_case(w)) && !found.iter().any(|f| f == w) {
                found.push((*w).to_owned());
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_principal_forms() -> Result<(), DocError> {
        let doc = r#"{"Statement":[
            {"Sid":"A","Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*"},
            {"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:GetObject","Resource":"*"},
            {"Effect":"Allow","Principal":"*","Action":"x:y","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
            {"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"},
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"*","Resource":"*"}
        ]}"#;
        assert_eq!(public_allows(doc)?, vec!["statement \"A\"", "statement #2"]);
        Ok(())
    }

    #[test]
    fn single_statement_and_url_encoded() -> Result<(), DocError> {
        let doc =
            "%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%22*%22%7D%7D";
        assert_eq!(public_allows(doc)?.len(), 1);
        assert!(public_allows("not json").is_err());
        Ok(())
    }

    #[test]
    fn wildcard_grants_skip_admin_and_scoped() -> Result<(), DocError> {
        let wanted = ["apigateway:*", "execute-api:*"];
        let doc = r#"{"Statement":[{"Effect":"Allow","Action":["apigateway:*"],"Resource":"*"}]}"#;
        assert_eq!(basic_wildcard_grants(doc, &wanted)?, vec!["apigateway:*"]);
        let admin =
            r#"{"Statement":[{"Effect":"Allow","Action":["*","apigateway:*"],"Resource":"*"}]}"#;
        assert!(basic_wildcard_grants(admin, &wanted)?.is_empty());
        let scoped = r#"{"Statement":[{"Effect":"Allow","Action":"execute-api:*","Resource":"arn:aws:execute-api:*:*:abc/*"}]}"#;
        assert!(basic_wildcard_grants(scoped, &wanted)?.is_empty());
        let deny = r#"{"Statement":[{"Effect":"Deny","Action":"execute-api:*","Resource":"*"}]}"#;
        assert!(basic_wildcard_grants(deny, &wanted)?.is_empty());
        Ok(())
    }
}
