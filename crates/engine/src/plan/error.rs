//! `PlanError`: why a text is not a plan this engine can judge, in words a user can act on.

use thiserror::Error;

/// A plan JSON document that could not be read.
///
/// Every message says what was expected (the output of `terraform show -json <planfile>`)
/// and what was found, so a wrong file, a truncated upload or a state file are told apart.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    /// The text ends before the JSON document does.
    #[error(
        "plan JSON is truncated: the text ends at line {line}, column {column} before the \
         document is complete (was the output of `terraform show -json <planfile>` cut off?)"
    )]
    Truncated {
        /// 1-based line where the text ends.
        line: usize,
        /// 1-based column where the text ends.
        column: usize,
    },
    /// The text is not JSON at all.
    #[error(
        "plan JSON is not valid JSON at line {line}, column {column}: {reason} (expected the \
         output of `terraform show -json <planfile>`)"
    )]
    NotJson {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// serde_json's description.
        reason: String,
    },
    /// `format_version` is absent.
    #[error(
        "plan JSON has no `format_version`: expected the output of `terraform show -json \
         <planfile>`, which starts with {{\"format_version\":\"1.2\", …}} (0.x and 1.x are read)"
    )]
    MissingFormatVersion,
    /// `format_version` has a major version this engine does not read.
    #[error(
        "plan JSON format_version {found:?} is not supported: this provider reads formats 0.x \
         (Terraform 0.12 to 1.0) and 1.x (Terraform 1.1 and later)"
    )]
    UnsupportedFormat {
        /// The version found.
        found: String,
    },
    /// The document is a state (`terraform show -json` without a plan file).
    #[error(
        "this JSON is a Terraform state, not a plan: it has `values` but no `planned_values`. \
         Run `terraform plan -out=tfplan` and pass the output of `terraform show -json tfplan`"
    )]
    StateNotPlan,
    /// A required top-level member is absent.
    #[error(
        "plan JSON has no `{member}`: expected the output of `terraform show -json <planfile>`"
    )]
    Missing {
        /// The member name.
        member: &'static str,
    },
    /// A member has the wrong JSON type.
    #[error("plan JSON `{path}` must be {expected}, found {found}")]
    WrongShape {
        /// JSON path of the member (`resource_changes[3].change`).
        path: String,
        /// What was expected (`an object`, `a string`, …).
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// `resource_findings` was given a resource type the mapper does not know.
    #[error(
        "resource type {resource_type:?} is not judged by secbaseline (supported: {supported})"
    )]
    UnsupportedType {
        /// The type given.
        resource_type: String,
        /// Comma-separated supported types.
        supported: String,
    },
}

/// The JSON type name of a value, for messages.
pub(crate) fn json_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
