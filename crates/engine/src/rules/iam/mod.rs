//! IAM controls and the visitors they share.

mod access_analyzer;
mod attachments;
mod certificates;
mod credentials;
mod password_policy;
mod policies;
mod root;
mod users;

pub use access_analyzer::AccessAnalyzer;
pub use attachments::{NoCloudshellFullAccess, SupportRole};
pub use certificates::ExpiredServerCertificates;
pub use credentials::{AccessKeyRotation, UnusedCredentials};
pub use password_policy::PasswordPolicy;
pub use policies::{PolicyNoAdmin, PolicyNoServiceWildcard};
pub use root::{RootAccessKey, RootHardwareMfa, RootMfa};
pub use users::{UserConsoleMfa, UserMfa, UserNoDirectPolicies, UserSingleActiveKey};

use time::OffsetDateTime;

use crate::facts::{AccessKey, IamFacts, KeyStatus, User};
use crate::rules::support::{iam_credential_facts, iam_facts, Out, Res, GLOBAL};

/// Where findings about a user point: its ARN (else its address, else its name).
pub(crate) fn user_res(u: &User) -> Res {
    Res::new(
        u.arn.as_known().cloned(),
        GLOBAL,
        u.address.as_ref(),
        &u.name,
    )
}

/// Gates IAM, then visits every user; NOT_APPLICABLE when `f` judged none. For
/// rules that read users' policies only.
pub(crate) fn each_user<'a>(
    out: &mut Out<'a>,
    nothing: &str,
    f: impl FnMut(&mut Out<'a>, &Res, &str, &'a User),
) {
    let iam = iam_facts(out);
    visit_users(out, iam, nothing, f);
}

/// [`each_user`] for rules that read users' credentials (passwords, keys, MFA): gates the
/// credential parts of IAM too.
pub(crate) fn each_user_credentials<'a>(
    out: &mut Out<'a>,
    nothing: &str,
    f: impl FnMut(&mut Out<'a>, &Res, &str, &'a User),
) {
    let iam = iam_credential_facts(out);
    visit_users(out, iam, nothing, f);
}

fn visit_users<'a>(
    out: &mut Out<'a>,
    iam: Option<&'a IamFacts>,
    nothing: &str,
    mut f: impl FnMut(&mut Out<'a>, &Res, &str, &'a User),
) {
    let Some(iam) = iam else {
        return;
    };
    out.scoped(GLOBAL, nothing, |out| {
        for u in &iam.users {
            let res = user_res(u);
            f(out, &res, &format!("User '{}'", u.name), u);
        }
    });
}

/// The user's active access keys.
pub(crate) fn active_keys(u: &User) -> impl Iterator<Item = &AccessKey> {
    u.access_keys
        .iter()
        .filter(|k| k.status == KeyStatus::Active)
}

/// `access key …WXYZ` (never the whole id), `access key 1` (a credential-report slot: the
/// report has no key ids) or `a new access key`.
pub(crate) fn key_label(k: &AccessKey) -> String {
    if let Some(slot) = k.report_slot() {
        return format!("access key {slot}");
    }
    match k.id.as_known() {
        Some(id) => {
            let tail: String = id
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("access key …{tail}")
        }
        None => "a new access key".to_owned(),
    }
}

/// Whole days from `then` to `now` (negative if `then` is in the future).
pub(crate) fn days_since(now: OffsetDateTime, then: OffsetDateTime) -> i64 {
    (now - then).whole_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_labels_hide_the_id() {
        let k = AccessKey {
            id: "AKIAIOSFODNN7EXAMPLE".into(),
            ..Default::default()
        };
        assert_eq!(key_label(&k), "access key …MPLE");
        let new = AccessKey {
            id: crate::facts::Known::Unknown,
            ..Default::default()
        };
        assert_eq!(key_label(&new), "a new access key");
        // Live keys are known by their credential-report slot, not by a masked tail of it.
        let slot = AccessKey {
            id: AccessKey::report_slot_id(2).into(),
            ..Default::default()
        };
        assert_eq!(key_label(&slot), "access key 2");
    }
}
