//! `PolicyError`: why a policy document could not be read.

use thiserror::Error;

/// A policy document that could not be decoded or does not follow the IAM policy grammar.
///
/// Statement positions are zero-based indexes into the document's `Statement` list (a single
/// statement object is index 0). Messages never include condition values or other payload
/// beyond the offending element's name and, for `Effect`, the value found.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PolicyError {
    /// The text looked URL-encoded, but decoding it did not produce UTF-8.
    #[error("policy document is URL-encoded but does not decode to UTF-8 text")]
    InvalidEncoding,
    /// The (decoded) text is not JSON.
    #[error("policy document is not valid JSON: {0}")]
    NotJson(String),
    /// The JSON value at the top level is not an object.
    #[error("policy document must be a JSON object, found {found}")]
    NotAnObject {
        /// The JSON type found instead.
        found: &'static str,
    },
    /// `Version` is present but not a string.
    #[error("policy document `Version` must be a string, found {found}")]
    InvalidVersion {
        /// The JSON type found instead.
        found: &'static str,
    },
    /// The document has no `Statement` element.
    #[error("policy document has no `Statement` element")]
    MissingStatement,
    /// `Statement` is neither an object nor an array.
    #[error("policy document `Statement` must be an object or an array of objects, found {found}")]
    InvalidStatement {
        /// The JSON type found instead.
        found: &'static str,
    },
    /// An entry of the `Statement` array is not an object.
    #[error("statement {index} must be a JSON object, found {found}")]
    StatementNotObject {
        /// Position of the statement.
        index: usize,
        /// The JSON type found instead.
        found: &'static str,
    },
    /// A statement has no `Effect`.
    #[error("statement {index} has no `Effect` (expected \"Allow\" or \"Deny\")")]
    MissingEffect {
        /// Position of the statement.
        index: usize,
    },
    /// A statement's `Effect` is not exactly `"Allow"` or `"Deny"` (IAM treats it
    /// case-sensitively).
    #[error("statement {index} has invalid `Effect` {found} (expected \"Allow\" or \"Deny\")")]
    InvalidEffect {
        /// Position of the statement.
        index: usize,
        /// The value found, rendered as JSON.
        found: String,
    },
    /// A statement names both an element and its `Not` form, e.g. `Action` and `NotAction`.
    #[error("statement {index} has both `{element}` and `Not{element}`; at most one is allowed")]
    BothElementAndNot {
        /// Position of the statement.
        index: usize,
        /// The element, without its `Not` prefix: `Action`, `Resource` or `Principal`.
        element: &'static str,
    },
    /// An element has the wrong JSON shape, e.g. `Action` holding a number.
    #[error("statement {index}: `{element}` must be {expected}, found {found}")]
    InvalidElement {
        /// Position of the statement.
        index: usize,
        /// The element's name as written in the grammar, e.g. `NotAction` or `Sid`.
        element: &'static str,
        /// What the grammar allows there.
        expected: &'static str,
        /// The JSON type found instead.
        found: &'static str,
    },
    /// A `Principal`/`NotPrincipal` map names a principal type IAM does not know.
    #[error(
        "statement {index}: `{element}` has unknown principal type `{key}` \
         (expected AWS, Service, Federated or CanonicalUser)"
    )]
    UnknownPrincipalType {
        /// Position of the statement.
        index: usize,
        /// `Principal` or `NotPrincipal`.
        element: &'static str,
        /// The unknown key.
        key: String,
    },
}
