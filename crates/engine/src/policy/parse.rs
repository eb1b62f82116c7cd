//! Reading policy text (plain or URL-encoded JSON) into the typed policy model.

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use super::error::PolicyError;
use super::statement::{
    ActionSpec, Effect, PrincipalMap, PrincipalSpec, Principals, ResourceSpec, Statement,
};
use super::PolicyDocument;

/// Reads policy text as AWS returns it into a JSON value.
///
/// Text whose first non-blank character is `%` is percent-decoded first, as
/// `GetAccountAuthorizationDetails`, `GetPolicyVersion` and `GetRole` return documents
/// (RFC 3986 encoding: `+` is a literal plus, not a space; `{` always arrives as `%7B`).
/// Anything else is read as plain JSON, so `%` inside plain JSON strings stays untouched; only
/// if that fails and the text contains `%` is a decoded reading tried as well (for text
/// encoded by tools that leave `{` alone). Errors describe the first reading.
fn parse_json(text: &str) -> Result<Value, PolicyError> {
    let decode = || {
        percent_decode_str(text)
            .decode_utf8()
            .map_err(|_| PolicyError::InvalidEncoding)
    };
    let not_json = |e: serde_json::Error| PolicyError::NotJson(e.to_string());
    if text.trim_start().starts_with('%') {
        return serde_json::from_str(&decode()?).map_err(not_json);
    }
    match serde_json::from_str(text) {
        Ok(value) => Ok(value),
        Err(plain_error) => {
            if text.contains('%') {
                if let Ok(value) = decode().and_then(|d| serde_json::from_str(&d).map_err(not_json))
                {
                    return Ok(value);
                }
            }
            Err(not_json(plain_error))
        }
    }
}

/// Parses plain or URL-encoded policy text; see [`parse_json`] and [`document_from_value`].
pub fn parse_document(text: &str) -> Result<PolicyDocument, PolicyError> {
    document_from_value(&parse_json(text)?)
}

/// Builds the model from an already parsed JSON value, checking the grammar: unknown
/// top-level and statement elements (e.g. `Id`) are ignored; element names are
/// case-sensitive, as in IAM.
pub fn document_from_value(value: &Value) -> Result<PolicyDocument, PolicyError> {
    let Value::Object(doc) = value else {
        return Err(PolicyError::NotAnObject {
            found: json_type(value),
        });
    };
    let version = match doc.get("Version") {
        None => None,
        Some(Value::String(v)) => Some(v.clone()),
        Some(other) => {
            return Err(PolicyError::InvalidVersion {
                found: json_type(other),
            })
        }
    };
    let statements = match doc.get("Statement") {
        None => return Err(PolicyError::MissingStatement),
        Some(Value::Object(stmt)) => vec![statement_from_map(0, stmt)?],
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::Object(stmt) => statement_from_map(index, stmt),
                other => Err(PolicyError::StatementNotObject {
                    index,
                    found: json_type(other),
                }),
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(other) => {
            return Err(PolicyError::InvalidStatement {
                found: json_type(other),
            })
        }
    };
    Ok(PolicyDocument {
        version,
        statements,
    })
}

const STRING_OR_LIST: &str = "a string or an array of strings";

fn statement_from_map(index: usize, stmt: &Map<String, Value>) -> Result<Statement, PolicyError> {
    let sid = match stmt.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(PolicyError::InvalidElement {
                index,
                element: "Sid",
                expected: "a string",
                found: json_type(other),
            })
        }
    };
    let effect = match stmt.get("Effect") {
        None => return Err(PolicyError::MissingEffect { index }),
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(other) => {
            return Err(PolicyError::InvalidEffect {
                index,
                found: truncated_json(other),
            })
        }
    };
    let actions = match either(index, stmt, "Action", "NotAction")? {
        Either::Neither => ActionSpec::None,
        Either::Plain(v) => ActionSpec::Action(string_list(index, "Action", v)?),
        Either::Not(v) => ActionSpec::NotAction(string_list(index, "NotAction", v)?),
    };
    let resources = match either(index, stmt, "Resource", "NotResource")? {
        Either::Neither => ResourceSpec::None,
        Either::Plain(v) => ResourceSpec::Resource(string_list(index, "Resource", v)?),
        Either::Not(v) => ResourceSpec::NotResource(string_list(index, "NotResource", v)?),
    };
    let principal = match either(index, stmt, "Principal", "NotPrincipal")? {
        Either::Neither => None,
        Either::Plain(v) => Some(PrincipalSpec::Principal(principals(index, "Principal", v)?)),
        Either::Not(v) => Some(PrincipalSpec::NotPrincipal(principals(
            index,
            "NotPrincipal",
            v,
        )?)),
    };
    let condition = match stmt.get("Condition") {
        None => None,
        Some(c) => Some(checked_condition(index, c)?),
    };
    Ok(Statement {
        sid,
        effect,
        actions,
        resources,
        principal,
        condition,
    })
}

enum Either<'a> {
    Neither,
    Plain(&'a Value),
    Not(&'a Value),
}

fn either<'a>(
    index: usize,
    stmt: &'a Map<String, Value>,
    element: &'static str,
    not_element: &'static str,
) -> Result<Either<'a>, PolicyError> {
    match (stmt.get(element), stmt.get(not_element)) {
        (Some(_), Some(_)) => Err(PolicyError::BothElementAndNot { index, element }),
        (Some(v), None) => Ok(Either::Plain(v)),
        (None, Some(v)) => Ok(Either::Not(v)),
        (None, None) => Ok(Either::Neither),
    }
}

fn string_list(
    index: usize,
    element: &'static str,
    value: &Value,
) -> Result<Vec<String>, PolicyError> {
    let invalid = |found: &Value| PolicyError::InvalidElement {
        index,
        element,
        expected: STRING_OR_LIST,
        found: json_type(found),
    };
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(invalid(other)),
            })
            .collect(),
        other => Err(invalid(other)),
    }
}

fn principals(
    index: usize,
    element: &'static str,
    value: &Value,
) -> Result<Principals, PolicyError> {
    let invalid = |found: &Value| PolicyError::InvalidElement {
        index,
        element,
        expected: "\"*\" or an object of AWS/Service/Federated/CanonicalUser entries",
        found: json_type(found),
    };
    match value {
        Value::String(s) if s == "*" => Ok(Principals::Everyone),
        Value::Object(map) => {
            let mut out = PrincipalMap::default();
            for (key, entries) in map {
                let list = string_list(index, element, entries)?;
                match key.as_str() {
                    "AWS" => out.aws.extend(list),
                    "Service" => out.service.extend(list),
                    "Federated" => out.federated.extend(list),
                    "CanonicalUser" => out.canonical_user.extend(list),
                    _ => {
                        return Err(PolicyError::UnknownPrincipalType {
                            index,
                            element,
                            key: truncated(key),
                        })
                    }
                }
            }
            Ok(Principals::Map(out))
        }
        other => Err(invalid(other)),
    }
}

fn checked_condition(index: usize, value: &Value) -> Result<Value, PolicyError> {
    let invalid = |found: &Value| PolicyError::InvalidElement {
        index,
        element: "Condition",
        expected: "an object of condition operators, each an object of condition keys",
        found: json_type(found),
    };
    let Value::Object(operators) = value else {
        return Err(invalid(value));
    };
    if let Some(bad) = operators.values().find(|v| !v.is_object()) {
        return Err(invalid(bad));
    }
    Ok(value.clone())
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

const MAX_SHOWN: usize = 64;

/// `text`, cut to at most `MAX_SHOWN` characters so error messages stay readable.
fn truncated(text: &str) -> String {
    match text.char_indices().nth(MAX_SHOWN) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

fn truncated_json(value: &Value) -> String {
    truncated(&value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_json_keeps_percent_signs() {
        let text = r#" {"a": "s3:Get%41 %FF"}"#;
        assert_eq!(
            parse_json(text),
            Ok(serde_json::json!({"a": "s3:Get%41 %FF"}))
        );
        assert_eq!(parse_json(r#"["%Aa"]"#), Ok(serde_json::json!(["%Aa"])));
    }

    #[test]
    fn percent_decoding_keeps_plus() {
        assert_eq!(
            parse_json("%7B%22a%22%3A%22b+c%22%7D"),
            Ok(serde_json::json!({"a": "b+c"}))
        );
    }

    #[test]
    fn partially_encoded_text_is_decoded() {
        assert_eq!(
            parse_json("{%22a%22:%22b%22}"),
            Ok(serde_json::json!({"a": "b"}))
        );
    }

    #[test]
    fn invalid_utf8_after_decoding_is_an_error() {
        assert_eq!(parse_json("%FF%FE"), Err(PolicyError::InvalidEncoding));
        assert!(matches!(parse_json("{%FF"), Err(PolicyError::NotJson(_))));
    }

    #[test]
    fn long_values_are_truncated_in_messages() {
        let long = "x".repeat(500);
        assert_eq!(truncated(&long).chars().count(), MAX_SHOWN + 1);
        assert_eq!(truncated("short"), "short");
    }
}
