//! Credential age: access key rotation and unused passwords and keys.

use crate::facts::{Facts, Known, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::iam::{active_keys, days_since, each_user_credentials, key_label};
use crate::rules::support::Out;
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `iam_access_key_rotation`.
pub struct AccessKeyRotation;

impl AccessKeyRotation {
    const META: Meta = Meta {
        id: "iam_access_key_rotation",
        title: "Active access keys are rotated",
        service: Service::Iam,
        severity: Severity::Medium,
        frameworks: &["FSBP IAM.3", "CIS 1.14"],
        remediation: "Create a new access key, switch the workload to it, then deactivate and \
            delete the old key; rotate at least every 90 days (parameter \
            access_key_max_age_days), or replace the key with a role.",
        remediated_by: None,
        sources: &[Source::Iam],
        doc: include_str!("../reference/iam_access_key_rotation.md"),
    };
}

impl Rule for AccessKeyRotation {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, params: &Params) -> Vec<Finding> {
        let max = i64::from(params.access_key_max_age_days);
        let mut out = Out::new(self.meta(), facts);
        each_user_credentials(
            &mut out,
            "No IAM user has an active access key",
            |out, res, name, u| {
                let mut stale = Vec::new();
                let mut undecided = Vec::new();
                let mut judged = 0;
                for k in active_keys(u) {
                    judged += 1;
                    match k.created {
                        Some(created) => {
                            let age = days_since(params.now, created);
                            if age > max {
                                stale.push(format!("{} is {age} days old", key_label(k)));
                            }
                        }
                        None => undecided.push(format!("the creation date of {}", key_label(k))),
                    }
                }
                // Users without an active key are out of scope.
                if judged == 0 {
                    return;
                }
                if !stale.is_empty() {
                    out.fail(
                        res,
                        format!("{name}: {} (limit {max} days).", stale.join(", ")),
                    );
                } else if !undecided.is_empty() {
                    out.unknown(res, &format!("For {name}, {}", undecided.join(", ")));
                } else {
                    out.pass(
                        res,
                        format!(
                            "{name}: {judged} active access key(s), none older than {max} days."
                        ),
                    );
                }
            },
        );
        out.finish()
    }
}

/// `iam_unused_credentials`.
pub struct UnusedCredentials;

impl UnusedCredentials {
    const META: Meta = Meta {
        id: "iam_unused_credentials",
        title: "No password or active access key is left unused",
        service: Service::Iam,
        severity: Severity::Medium,
        frameworks: &["FSBP IAM.8", "FSBP IAM.22", "CIS 1.12"],
        remediation: "Remove the console password and deactivate the access keys that have not \
            been used within the period (parameter unused_credentials_days: 90, CIS 1.12 uses \
            45); delete users that no longer need access.",
        remediated_by: None,
        sources: &[Source::Iam],
        doc: include_str!("../reference/iam_unused_credentials.md"),
    };
}

impl Rule for UnusedCredentials {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, params: &Params) -> Vec<Finding> {
        let limit = i64::from(params.unused_credentials_days);
        let now = params.now;
        let mut out = Out::new(self.meta(), facts);
        each_user_credentials(
            &mut out,
            "No IAM user has a password or an active access key",
            |out, res, name, u| {
                let mut creds = Vec::new();
                let mut undecided = Vec::new();
                match u.password_enabled {
                    Known::Known(true) => creds.push((
                        "the console password".to_owned(),
                        u.password_last_used,
                        u.password_last_changed.or(u.created),
                    )),
                    Known::Known(false) => {}
                    Known::Unknown => {
                        undecided.push("whether the user has a console password".to_owned())
                    }
                }
                for k in active_keys(u) {
                    creds.push((key_label(k), k.last_used, k.created));
                }
                let judged: Vec<String> = creds.iter().map(|(what, _, _)| what.clone()).collect();
                let mut unused = Vec::new();
                // A credential never used counts from its creation.
                for (what, last_used, created) in creds {
                    match (last_used, created) {
                        (Some(used), _) => {
                            let idle = days_since(now, used);
                            if idle > limit {
                                unused.push(format!("{what} last used {idle} days ago"));
                            }
                        }
                        (None, Some(created)) => {
                            let age = days_since(now, created);
                            if age > limit {
                                unused.push(format!(
                                    "{what} never used in the {age} days since its creation"
                                ));
                            }
                        }
                        (None, None) => undecided.push(format!("when {what} was created")),
                    }
                }
                if !unused.is_empty() {
                    out.fail(
                        res,
                        format!("{name}: {} (limit {limit} days).", unused.join("; ")),
                    );
                } else if !undecided.is_empty() {
                    out.unknown(res, &format!("For {name}, {}", undecided.join(", ")));
                } else if !judged.is_empty() {
                    out.pass(
                        res,
                        format!(
                            "{name}: {} used, or created, within the last {limit} days.",
                            judged.join(", ")
                        ),
                    );
                }
                // Neither password nor active key: out of scope.
            },
        );
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{AccessKey, KeyStatus, User};
    use crate::finding::Status;
    use crate::rules::testkit::{iam, iam_denied, only, params, user};
    use time::macros::datetime;
    use time::OffsetDateTime;

    // The test clock is 2025-06-01.
    fn key(status: KeyStatus, created: OffsetDateTime, used: Option<OffsetDateTime>) -> AccessKey {
        AccessKey {
            id: "AKIAIOSFODNN7EXAMPLE".into(),
            status,
            created: Some(created),
            last_used: used,
            address: None,
        }
    }

    fn with_keys(keys: Vec<AccessKey>) -> Facts {
        let mut u = user("ci");
        u.access_keys = keys;
        iam(|i| i.users = vec![u])
    }

    #[test]
    fn rotation() {
        let f = only(
            &AccessKeyRotation,
            &with_keys(vec![key(
                KeyStatus::Active,
                datetime!(2025-04-01 0:00 UTC),
                None,
            )]),
            Status::Pass,
        );
        assert!(f.resource_id.ends_with(":user/ci"));
        let f = only(
            &AccessKeyRotation,
            &with_keys(vec![key(
                KeyStatus::Active,
                datetime!(2025-01-01 0:00 UTC),
                None,
            )]),
            Status::Fail,
        );
        assert!(f.message.contains("…MPLE is 151 days old"), "{}", f.message);
        assert!(!f.message.contains("AKIA"), "{}", f.message);
        // Inactive keys are out of scope.
        only(
            &AccessKeyRotation,
            &with_keys(vec![key(
                KeyStatus::Inactive,
                datetime!(2020-01-01 0:00 UTC),
                None,
            )]),
            Status::NotApplicable,
        );
        only(&AccessKeyRotation, &iam_denied(), Status::Error);
    }

    #[test]
    fn rotation_limit_is_a_parameter() {
        let facts = with_keys(vec![key(
            KeyStatus::Active,
            datetime!(2025-04-01 0:00 UTC),
            None,
        )]);
        let mut strict = params();
        strict.access_key_max_age_days = 30;
        assert_eq!(
            AccessKeyRotation.evaluate(&facts, &strict)[0].status,
            Status::Fail
        );
        let mut k = key(KeyStatus::Active, datetime!(2025-04-01 0:00 UTC), None);
        k.created = None;
        only(&AccessKeyRotation, &with_keys(vec![k]), Status::Unknown);
    }

    #[test]
    fn unused_keys() {
        let recent = Some(datetime!(2025-05-20 0:00 UTC));
        only(
            &UnusedCredentials,
            &with_keys(vec![key(
                KeyStatus::Active,
                datetime!(2024-01-01 0:00 UTC),
                recent,
            )]),
            Status::Pass,
        );
        let f = only(
            &UnusedCredentials,
            &with_keys(vec![key(
                KeyStatus::Active,
                datetime!(2024-01-01 0:00 UTC),
                Some(datetime!(2025-01-01 0:00 UTC)),
            )]),
            Status::Fail,
        );
        assert!(
            f.message.contains("last used 151 days ago"),
            "{}",
            f.message
        );
    }

    #[test]
    fn pass_messages_name_the_credentials_judged() {
        let mut u = user("ci");
        u.password_enabled = true.into();
        u.password_last_changed = Some(datetime!(2025-05-01 0:00 UTC));
        u.access_keys = vec![AccessKey {
            id: AccessKey::report_slot_id(1).into(),
            status: KeyStatus::Active,
            created: Some(datetime!(2025-05-01 0:00 UTC)),
            last_used: None,
            address: None,
        }];
        let facts = iam(|i| i.users = vec![u]);
        let f = only(&UnusedCredentials, &facts, Status::Pass);
        assert_eq!(
            f.message,
            "User 'ci': the console password, access key 1 used, or created, within the last 90 days."
        );
        let f = only(&AccessKeyRotation, &facts, Status::Pass);
        assert_eq!(
            f.message,
            "User 'ci': 1 active access key(s), none older than 90 days."
        );
    }

    #[test]
    fn never_used_counts_from_creation() {
        only(
            &UnusedCredentials,
            &with_keys(vec![key(
                KeyStatus::Active,
                datetime!(2025-05-01 0:00 UTC),
                None,
            )]),
            Status::Pass,
        );
        let f = only(
            &UnusedCredentials,
            &with_keys(vec![key(
                KeyStatus::Active,
                datetime!(2025-01-01 0:00 UTC),
                None,
            )]),
            Status::Fail,
        );
        assert!(f.message.contains("never used"), "{}", f.message);
    }

    #[test]
    fn unused_passwords_and_the_cis_45_days() {
        let pw = |used: Option<OffsetDateTime>| User {
            password_enabled: true.into(),
            password_last_used: used,
            password_last_changed: Some(datetime!(2024-01-01 0:00 UTC)),
            ..user("alice")
        };
        let facts = iam(|i| i.users = vec![pw(Some(datetime!(2025-04-01 0:00 UTC)))]);
        only(&UnusedCredentials, &facts, Status::Pass);
        let mut cis = params();
        cis.unused_credentials_days = 45;
        assert_eq!(
            UnusedCredentials.evaluate(&facts, &cis)[0].status,
            Status::Fail
        );
        let f = only(
            &UnusedCredentials,
            &iam(|i| i.users = vec![pw(None)]),
            Status::Fail,
        );
        assert!(
            f.message.contains("console password never used"),
            "{}",
            f.message
        );
        // No password, no active key: out of scope.
        only(
            &UnusedCredentials,
            &iam(|i| i.users = vec![user("x")]),
            Status::NotApplicable,
        );
    }
}
