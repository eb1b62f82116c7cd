//! Trust-policy analysis: who may assume a role, and under which condition keys.

use super::statement::{Effect, PrincipalSpec, Principals, Statement};

/// The actions through which a principal obtains a role's credentials; a trust statement
/// grants assumption when it covers any of them.
///
/// `sts:TagSession`, `sts:SetSourceIdentity` and `sts:SetContext` are deliberately absent:
/// they only add to a session that one of these actions creates and grant nothing alone.
pub const ASSUME_ROLE_ACTIONS: [&str; 3] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
];

/// Who a trust statement lets in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TrustPrincipal {
    /// Anyone: `"Principal": "*"`, `{"AWS": "*"}`, or an `Allow` with `NotPrincipal`
    /// (everyone except the listed principals).
    Everyone,
    /// An `AWS` principal other than `*`: an account ID, or an account/user/role ARN (or the
    /// unique ID IAM shows when the named principal was deleted).
    Aws(String),
    /// A `Service` principal, e.g. `lambda.amazonaws.com`.
    Service(String),
    /// A `Federated` principal: a SAML provider ARN or a web identity provider.
    Federated(String),
    /// A `CanonicalUser` principal.
    CanonicalUser(String),
}

impl TrustPrincipal {
    /// The 12-digit account ID of an [`TrustPrincipal::Aws`] principal (see
    /// [`aws_principal_account_id`]); `None` for every other kind and for unparseable values.
    pub fn account_id(&self) -> Option<&str> {
        match self {
            TrustPrincipal::Aws(p) => aws_principal_account_id(p),
            _ => None,
        }
    }
}

/// One principal allowed to assume the role by one `Allow` statement of a trust policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustGrant {
    /// Position of the statement in the document.
    pub statement_index: usize,
    /// The statement's `Sid`, if any.
    pub sid: Option<String>,
    /// Who may assume the role.
    pub principal: TrustPrincipal,
    /// Which of [`ASSUME_ROLE_ACTIONS`] the statement covers, in that list's order.
    pub actions: Vec<String>,
    /// Whether the statement's condition names at least one key (see
    /// [`Statement::has_condition`]).
    pub has_condition: bool,
    /// The condition keys the statement tests, lower-cased, sorted, deduplicated, from every
    /// operator, e.g. `sts:externalid`, `aws:sourcearn`.
    pub condition_keys: Vec<String>,
}

impl TrustGrant {
    /// Whether the statement's condition tests `key` (compared case-insensitively), e.g.
    /// `sts:ExternalId`.
    pub fn has_condition_key(&self, key: &str) -> bool {
        let key = key.to_lowercase();
        self.condition_keys.contains(&key)
    }
}

/// The grants of one statement: one per principal of an `Allow` statement with a principal
/// element that covers an assume-role action; nothing otherwise.
pub(super) fn statement_trust_grants(index: usize, stmt: &Statement) -> Vec<TrustGrant> {
    if stmt.effect != Effect::Allow {
        return Vec::new();
    }
    let actions: Vec<String> = ASSUME_ROLE_ACTIONS
        .iter()
        .filter(|a| stmt.covers_action(a))
        .map(|a| (*a).to_owned())
        .collect();
    if actions.is_empty() {
        return Vec::new();
    }
    let mut principals: Vec<TrustPrincipal> = Vec::new();
    match &stmt.principal {
        None => {}
        Some(PrincipalSpec::NotPrincipal(_))
        | Some(PrincipalSpec::Principal(Principals::Everyone)) => {
            principals.push(TrustPrincipal::Everyone);
        }
        Some(PrincipalSpec::Principal(Principals::Map(map))) => {
            let all = map
                .aws
                .iter()
                .map(|p| {
                    if p == "*" {
                        TrustPrincipal::Everyone
                    } else {
                        TrustPrincipal::Aws(p.clone())
                    }
                })
                .chain(map.service.iter().cloned().map(TrustPrincipal::Service))
                .chain(map.federated.iter().cloned().map(TrustPrincipal::Federated))
                .chain(
                    map.canonical_user
                        .iter()
                        .cloned()
                        .map(TrustPrincipal::CanonicalUser),
                );
            for p in all {
                if !principals.contains(&p) {
                    principals.push(p);
                }
            }
        }
    }
    let condition_keys = stmt.condition_keys();
    principals
        .into_iter()
        .map(|principal| TrustGrant {
            statement_index: index,
            sid: stmt.sid.clone(),
            principal,
            actions: actions.clone(),
            has_condition: !condition_keys.is_empty(),
            condition_keys: condition_keys.clone(),
        })
        .collect()
}

/// The account ID an `AWS` principal value names: a bare 12-digit account ID
/// (`123456789012`), or the account field of an ARN in any partition
/// (`arn:aws:iam::123456789012:root`, `arn:aws:iam::123456789012:role/x`,
/// `arn:aws-cn:sts::123456789012:assumed-role/r/s`). `None` for `*` (that is
/// [`TrustPrincipal::Everyone`]), unique IDs such as `AROA…`, and anything malformed.
pub fn aws_principal_account_id(principal: &str) -> Option<&str> {
    let is_account = |s: &str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    let principal = principal.trim();
    if is_account(principal) {
        return Some(principal);
    }
    let mut fields = principal.splitn(6, ':');
    let (Some("arn"), Some(_partition), Some(_service), Some(_region), Some(account), Some(_)) = (
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
    ) else {
        return None;
    };
    is_account(account).then_some(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids() {
        let cases: &[(&str, Option<&str>)] = &[
            ("123456789012", Some("123456789012")),
            ("arn:aws:iam::123456789012:root", Some("123456789012")),
            ("arn:aws:iam::123456789012:role/x", Some("123456789012")),
            (
                "arn:aws:iam::123456789012:role/path/with:colon",
                Some("123456789012"),
            ),
            (
                "arn:aws-us-gov:iam::111122223333:user/u",
                Some("111122223333"),
            ),
            (
                "arn:aws:sts::123456789012:assumed-role/r/s",
                Some("123456789012"),
            ),
            ("*", None),
            ("AROAEXAMPLEID1234567", None),
            ("12345678901", None),
            ("1234567890123", None),
            ("arn:aws:iam::12345678901x:root", None),
            ("arn:aws:iam::123456789012", None),
            ("", None),
        ];
        for &(principal, expected) in cases {
            assert_eq!(aws_principal_account_id(principal), expected, "{principal}");
        }
        assert_eq!(
            TrustPrincipal::Aws("arn:aws:iam::111122223333:root".into()).account_id(),
            Some("111122223333")
        );
        assert_eq!(TrustPrincipal::Everyone.account_id(), None);
        assert_eq!(
            TrustPrincipal::Service("123456789012".into()).account_id(),
            None
        );
    }
}
