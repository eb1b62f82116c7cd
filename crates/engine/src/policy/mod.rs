//! The IAM policy-document model: parsing (plain or URL-encoded JSON) and the questions rules ask.
//!
//! Every policy control reads documents through this one model. The questions
//! only ever look at `Allow` statements: a `Deny` never makes a policy fail, and no attempt is
//! made to subtract denies from allows.

mod error;
mod parse;
mod pattern;
mod statement;
mod trust;

#[cfg(test)]
mod tests;

use std::str::FromStr;

use serde_json::Value;

pub use error::PolicyError;
pub use pattern::wildcard_match;
pub use statement::{
    ActionSpec, Effect, PrincipalMap, PrincipalSpec, Principals, ResourceSpec, Statement,
};
pub use trust::{aws_principal_account_id, TrustGrant, TrustPrincipal, ASSUME_ROLE_ACTIONS};

/// A parsed IAM policy document (identity-based, resource-based or trust policy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    /// `Version`, if present (e.g. `2012-10-17`).
    pub version: Option<String>,
    /// The statements in document order; a single `Statement` object becomes one entry.
    pub statements: Vec<Statement>,
}

impl PolicyDocument {
    /// Parses a policy document from plain JSON or from the percent-encoded JSON that IAM's
    /// `GetAccountAuthorizationDetails`, `GetPolicyVersion` and `GetRole` return.
    ///
    /// Text starting (after blanks) with `%` is percent-decoded, `+` staying a literal plus;
    /// other text is read as plain JSON, falling back to a decoded reading only when it is not
    /// valid JSON but contains `%`. Never panics; any malformed input yields a [`PolicyError`].
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        parse::parse_document(text)
    }

    /// Builds the model from an already parsed JSON value (e.g. a planned Terraform
    /// attribute), applying the same checks as [`PolicyDocument::parse`].
    pub fn from_value(value: &Value) -> Result<Self, PolicyError> {
        parse::document_from_value(value)
    }

    /// The `Allow` statements, in document order.
    pub fn allow_statements(&self) -> impl Iterator<Item = &Statement> {
        self.statements.iter().filter(|s| s.effect == Effect::Allow)
    }

    /// The statements granting administrator access (`iam_policy_no_admin`): see
    /// [`Statement::is_admin_equivalent`].
    pub fn admin_statements(&self) -> Vec<&Statement> {
        self.statements
            .iter()
            .filter(|s| s.is_admin_equivalent())
            .collect()
    }

    /// Lower-cased services for which an `Allow` statement lists a literal `<service>:*` in
    /// `Action` (`iam_policy_no_service_wildcard`), sorted and deduplicated, on any resource.
    /// `*` and `NotAction` are excluded (they are `iam_policy_no_admin`'s); a statement that
    /// lists both `*` and `s3:*` still reports `s3`.
    pub fn service_wildcards(&self) -> Vec<String> {
        let mut services: Vec<String> = self
            .allow_statements()
            .flat_map(Statement::literal_service_wildcards)
            .collect();
        services.sort();
        services.dedup();
        services
    }

    /// Whether an `Allow` statement that is not admin-equivalent lists a literal
    /// `<service>:*` (case-insensitive) and applies to all resources
    /// ([`Statement::on_all_resources`]). For the least-privilege controls of API Gateway
    /// (`apigateway`, `execute-api`), Pinpoint (`mobiletargeting`) and Lex (`lex`);
    /// admin-equivalent statements are left to `iam_policy_no_admin`.
    pub fn allows_service_wildcard_on_all_resources(&self, service: &str) -> bool {
        self.allow_statements().any(|s| {
            !s.is_admin_equivalent()
                && s.on_all_resources()
                && s.has_literal_service_wildcard(service)
        })
    }

    /// Whether an `Allow` statement covers `action` ([`Statement::covers_action`]: literal,
    /// `sts:*`, `*`, or a `NotAction` that does not exclude it) on all resources
    /// ([`Statement::on_all_resources`]). For `sts_no_assume_any_role` with `sts:AssumeRole`.
    /// Admin-equivalent statements count.
    pub fn allows_action_on_all_resources(&self, action: &str) -> bool {
        self.allow_statements()
            .any(|s| s.on_all_resources() && s.covers_action(action))
    }

    /// Resource-policy analysis: the `Allow` statements granting to everyone
    /// ([`Statement::names_everyone`]) without a condition ([`Statement::has_condition`]),
    /// with their positions, whatever their actions. For the public-principal controls of
    /// REST API resource policies and trail bucket policies.
    pub fn public_allows(&self) -> Vec<(usize, &Statement)> {
        self.statements
            .iter()
            .enumerate()
            .filter(|(_, s)| s.effect == Effect::Allow && s.names_everyone() && !s.has_condition())
            .collect()
    }

    /// Trust-policy analysis: one [`TrustGrant`] per principal of every `Allow` statement
    /// that covers any of [`ASSUME_ROLE_ACTIONS`], in document order. Statements without a
    /// principal element grant nothing; `Allow` with `NotPrincipal` grants
    /// [`TrustPrincipal::Everyone`].
    pub fn trust_grants(&self) -> Vec<TrustGrant> {
        self.statements
            .iter()
            .enumerate()
            .flat_map(|(index, stmt)| trust::statement_trust_grants(index, stmt))
            .collect()
    }
}

impl FromStr for PolicyDocument {
    type Err = PolicyError;

    /// Same as [`PolicyDocument::parse`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}
