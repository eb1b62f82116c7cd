//! Per-user controls: MFA, a single active key, no directly attached policies.

use crate::facts::{Facts, Known, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::iam::{active_keys, each_user, each_user_credentials};
use crate::rules::support::Out;
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `iam_user_console_mfa`.
pub struct UserConsoleMfa;

impl UserConsoleMfa {
    const META: Meta = Meta {
        id: "iam_user_console_mfa",
        title: "Users with a console password have MFA",
        service: Service::Iam,
        severity: Severity::Medium,
        frameworks: &["FSBP IAM.5", "CIS 1.10"],
        remediation: "Assign an MFA device to every IAM user that has a console password, or \
            remove the password (aws_iam_user_login_profile) of users that do not sign in.",
        remediated_by: None,
        sources: &[Source::Iam],
        doc: include_str!("../reference/iam_user_console_mfa.md"),
    };
}

impl Rule for UserConsoleMfa {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_user_credentials(
            &mut out,
            "No IAM user has a console password",
            |out, res, name, u| {
                match u.password_enabled {
                    // Users without a console password are out of scope.
                    Known::Known(false) => {}
                    Known::Unknown => {
                        out.unknown(res, &format!("Whether {name} has a console password"))
                    }
                    Known::Known(true) => out.verdict(
                        !u.mfa_devices.is_empty(),
                        res,
                        format!("{name} has a console password and an MFA device."),
                        format!("{name} has a console password but no MFA device."),
                    ),
                }
            },
        );
        out.finish()
    }
}

/// `iam_user_mfa`.
pub struct UserMfa;

impl UserMfa {
    const META: Meta = Meta {
        id: "iam_user_mfa",
        title: "Every IAM user has MFA",
        service: Service::Iam,
        severity: Severity::Medium,
        frameworks: &["FSBP IAM.19"],
        remediation: "Assign an MFA device to every IAM user, or replace long-lived users with \
            federated access and IAM roles.",
        remediated_by: None,
        sources: &[Source::Iam],
        doc: include_str!("../reference/iam_user_mfa.md"),
    };
}

impl Rule for UserMfa {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_user_credentials(&mut out, "No IAM users", |out, res, name, u| {
            out.verdict(
                !u.mfa_devices.is_empty(),
                res,
                format!("{name} has {} MFA device(s).", u.mfa_devices.len()),
                format!("{name} has no MFA device."),
            );
        });
        out.finish()
    }
}

/// `iam_user_single_active_key`.
pub struct UserSingleActiveKey;

impl UserSingleActiveKey {
    const META: Meta = Meta {
        id: "iam_user_single_active_key",
        title: "No user has two active access keys",
        service: Service::Iam,
        severity: Severity::Medium,
        frameworks: &["CIS 1.13"],
        remediation: "Deactivate and delete the access key the user no longer needs; keep at \
            most one active key per user (two only briefly while rotating).",
        remediated_by: None,
        sources: &[Source::Iam],
        doc: include_str!("../reference/iam_user_single_active_key.md"),
    };
}

impl Rule for UserSingleActiveKey {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_user_credentials(
            &mut out,
            "No IAM user has access keys",
            |out, res, name, u| {
                // Users without keys are out of scope.
                if u.access_keys.is_empty() {
                    return;
                }
                let active = active_keys(u).count();
                out.verdict(
                    active <= 1,
                    res,
                    format!("{name} has {active} active access key(s)."),
                    format!("{name} has {active} active access keys."),
                );
            },
        );
        out.finish()
    }
}

/// `iam_user_no_direct_policies`.
pub struct UserNoDirectPolicies;

impl UserNoDirectPolicies {
    const META: Meta = Meta {
        id: "iam_user_no_direct_policies",
        title: "Users receive permissions only through groups or roles",
        service: Service::Iam,
        severity: Severity::Low,
        frameworks: &["FSBP IAM.2", "CIS 1.15"],
        remediation: "Detach managed policies from the user and delete its inline policies; \
            grant the permissions through a group the user belongs to, or a role.",
        remediated_by: None,
        sources: &[Source::IamPolicies],
        doc: include_str!("../reference/iam_user_no_direct_policies.md"),
    };
}

impl Rule for UserNoDirectPolicies {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_user(&mut out, "No IAM users", |out, res, name, u| {
            let mut direct: Vec<String> = u
                .attached_policies
                .iter()
                .map(|p| format!("managed policy '{}'", p.name))
                .collect();
            direct.extend(
                u.inline_policies
                    .iter()
                    .map(|p| format!("inline policy '{}'", p.name)),
            );
            out.verdict(
                direct.is_empty(),
                res,
                format!("{name} has no attached or inline policies."),
                format!("{name} has {}.", direct.join(", ")),
            );
        });
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{AccessKey, AttachedPolicy, KeyStatus};
    use crate::finding::Status;
    use crate::rules::testkit::{
        iam, iam_denied, inline_policy, only, run, statuses, user, ACCOUNT,
    };

    fn mfa() -> Vec<String> {
        vec![format!("arn:aws:iam::{ACCOUNT}:mfa/alice")]
    }

    #[test]
    fn console_mfa() {
        let mut alice = user("alice");
        alice.password_enabled = true.into();
        let mut with_mfa = alice.clone();
        with_mfa.mfa_devices = mfa();
        let f = only(
            &UserConsoleMfa,
            &iam(|i| i.users = vec![with_mfa]),
            Status::Pass,
        );
        assert_eq!(f.resource_id, format!("arn:aws:iam::{ACCOUNT}:user/alice"));
        let f = only(
            &UserConsoleMfa,
            &iam(|i| i.users = vec![alice.clone()]),
            Status::Fail,
        );
        assert!(f.message.contains("'alice'"), "{}", f.message);
        // No password: out of scope.
        only(
            &UserConsoleMfa,
            &iam(|i| i.users = vec![user("bot")]),
            Status::NotApplicable,
        );
        alice.password_enabled = Known::Unknown;
        only(
            &UserConsoleMfa,
            &iam(|i| i.users = vec![alice]),
            Status::Unknown,
        );
        only(&UserConsoleMfa, &iam_denied(), Status::Error);
    }

    #[test]
    fn every_user_mfa() {
        let mut alice = user("alice");
        alice.mfa_devices = mfa();
        let findings = run(&UserMfa, &iam(|i| i.users = vec![alice, user("bot")]));
        assert_eq!(statuses(&findings), vec![Status::Pass, Status::Fail]);
        only(&UserMfa, &iam(|_| {}), Status::NotApplicable);
    }

    fn key(id: &str, status: KeyStatus) -> AccessKey {
        AccessKey {
            id: id.into(),
            status,
            ..Default::default()
        }
    }

    #[test]
    fn single_active_key() {
        let mut one = user("one");
        one.access_keys = vec![
            key("AKIAAAAAAAAAAAAA1111", KeyStatus::Active),
            key("AKIAAAAAAAAAAAAA2222", KeyStatus::Inactive),
        ];
        only(
            &UserSingleActiveKey,
            &iam(|i| i.users = vec![one]),
            Status::Pass,
        );
        let mut two = user("two");
        two.access_keys = vec![
            key("AKIAAAAAAAAAAAAA1111", KeyStatus::Active),
            key("AKIAAAAAAAAAAAAA2222", KeyStatus::Active),
        ];
        let f = only(
            &UserSingleActiveKey,
            &iam(|i| i.users = vec![two]),
            Status::Fail,
        );
        assert!(!f.message.contains("AKIA"), "{}", f.message);
        only(
            &UserSingleActiveKey,
            &iam(|i| i.users = vec![user("none")]),
            Status::NotApplicable,
        );
    }

    #[test]
    fn no_direct_policies() {
        only(
            &UserNoDirectPolicies,
            &iam(|i| i.users = vec![user("alice")]),
            Status::Pass,
        );
        let mut bob = user("bob");
        bob.attached_policies = vec![AttachedPolicy {
            name: "ReadOnlyAccess".into(),
            arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
        }];
        bob.inline_policies = vec![inline_policy("extra", "{}")];
        let f = only(
            &UserNoDirectPolicies,
            &iam(|i| i.users = vec![bob]),
            Status::Fail,
        );
        assert!(
            f.message.contains("'ReadOnlyAccess'") && f.message.contains("'extra'"),
            "{}",
            f.message
        );
        only(&UserNoDirectPolicies, &iam_denied(), Status::Error);
    }
}
