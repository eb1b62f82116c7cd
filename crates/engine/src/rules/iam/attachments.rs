//! Controls on which AWS-managed policies are attached: AWSSupportAccess (needed) and
//! AWSCloudShellFullAccess (not allowed).

use std::collections::BTreeSet;

use crate::facts::{AttachedPolicy, Facts, IamFacts, IdentityKind, Source};
use crate::finding::{Finding, Status};
use crate::params::Params;
use crate::rules::support::{iam_facts, Out, Res, GLOBAL};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

const SUPPORT_ACCESS: &str = "AWSSupportAccess";
const CLOUDSHELL_FULL_ACCESS: &str = "AWSCloudShellFullAccess";

/// Whether `arn` is the AWS-managed policy `name` (`arn:<partition>:iam::aws:policy/[path/]name`).
fn is_aws_managed(arn: &str, name: &str) -> bool {
    arn.split_once(":iam::aws:policy/")
        .is_some_and(|(prefix, rest)| {
            prefix.starts_with("arn:") && rest.rsplit('/').next() == Some(name)
        })
}

fn attaches(list: &[AttachedPolicy], name: &str) -> bool {
    list.iter().any(|p| {
        p.arn
            .as_known()
            .is_some_and(|arn| is_aws_managed(arn, name))
    })
}

/// Whether an attachment whose ARN is not known until apply (and that does not resolve to
/// a planned customer-managed policy) might be the AWS-managed policy `name`.
fn may_attach(list: &[AttachedPolicy], name: &str) -> bool {
    list.iter()
        .any(|p| p.arn.is_unknown() && (p.name.is_empty() || p.name == name))
}

/// Identities with an attachment that might be `name` once its ARN is known.
fn maybe_attached_identities(iam: &IamFacts, name: &str) -> BTreeSet<(IdentityKind, String)> {
    let users = iam
        .users
        .iter()
        .filter(|u| may_attach(&u.attached_policies, name))
        .map(|u| (IdentityKind::User, u.name.clone()));
    let groups = iam
        .groups
        .iter()
        .filter(|g| may_attach(&g.attached_policies, name))
        .map(|g| (IdentityKind::Group, g.name.clone()));
    let roles = iam
        .roles
        .iter()
        .filter(|r| may_attach(&r.attached_policies, name))
        .map(|r| (IdentityKind::Role, r.name.clone()));
    users.chain(groups).chain(roles).collect()
}

fn kind_name(kind: IdentityKind) -> &'static str {
    match kind {
        IdentityKind::User => "user",
        IdentityKind::Group => "group",
        IdentityKind::Role => "role",
    }
}

/// Identities the AWS-managed policy `name` is attached to, from the identities' own lists
/// and from the policy's attachment list.
fn attached_identities(iam: &IamFacts, name: &str) -> BTreeSet<(IdentityKind, String)> {
    let mut found = BTreeSet::new();
    for u in iam
        .users
        .iter()
        .filter(|u| attaches(&u.attached_policies, name))
    {
        found.insert((IdentityKind::User, u.name.clone()));
    }
    for g in iam
        .groups
        .iter()
        .filter(|g| attaches(&g.attached_policies, name))
    {
        found.insert((IdentityKind::Group, g.name.clone()));
    }
    for r in iam
        .roles
        .iter()
        .filter(|r| attaches(&r.attached_policies, name))
    {
        found.insert((IdentityKind::Role, r.name.clone()));
    }
    for p in iam.policies.iter().filter(|p| {
        p.aws_managed
            && p.arn
                .as_known()
                .is_some_and(|arn| is_aws_managed(arn, name))
    }) {
        found.extend(p.attached_to.iter().map(|a| (a.kind, a.name.clone())));
    }
    found
}

/// `iam_support_role`.
pub struct SupportRole;

impl SupportRole {
    const META: Meta = Meta {
        id: "iam_support_role",
        title: "AWSSupportAccess is attached to an identity",
        service: Service::Iam,
        severity: Severity::Low,
        frameworks: &["FSBP IAM.18", "CIS 1.17"],
        remediation: "Create a role (or group) for incident handling with AWS Support and attach \
            the AWS-managed policy arn:aws:iam::aws:policy/AWSSupportAccess to it.",
        remediated_by: None,
        sources: &[Source::IamPolicies],
        doc: include_str!("../reference/iam_support_role.md"),
    };
}

impl Rule for SupportRole {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        let Some(iam) = iam_facts(&mut out) else {
            return out.finish();
        };
        let res = out.account(GLOBAL);
        let who: Vec<String> = attached_identities(iam, SUPPORT_ACCESS)
            .into_iter()
            .map(|(k, n)| format!("{} '{n}'", kind_name(k)))
            .collect();
        let maybe = maybe_attached_identities(iam, SUPPORT_ACCESS);
        if who.is_empty() && !maybe.is_empty() {
            out.emit(
                Status::Unknown,
                &res,
                format!("{SUPPORT_ACCESS} is not attached yet; policy attachments whose ARN is known only after apply may attach it."),
            );
            return out.finish();
        }
        out.verdict(
            !who.is_empty(),
            &res,
            format!("{SUPPORT_ACCESS} is attached to {}.", who.join(", ")),
            format!("{SUPPORT_ACCESS} is not attached to any user, group or role."),
        );
        out.finish()
    }
}

/// `iam_no_cloudshell_full_access`.
pub struct NoCloudshellFullAccess;

impl NoCloudshellFullAccess {
    const META: Meta = Meta {
        id: "iam_no_cloudshell_full_access",
        title: "No identity has AWSCloudShellFullAccess attached",
        service: Service::Iam,
        severity: Severity::Medium,
        frameworks: &["FSBP IAM.27"],
        remediation: "Detach AWSCloudShellFullAccess and grant a policy that allows CloudShell \
            without file upload and download (deny cloudshell:GetFileUploadUrls and \
            cloudshell:GetFileDownloadUrls).",
        remediated_by: None,
        sources: &[Source::IamPolicies],
        doc: include_str!("../reference/iam_no_cloudshell_full_access.md"),
    };
}

impl Rule for NoCloudshellFullAccess {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        let Some(iam) = iam_facts(&mut out) else {
            return out.finish();
        };
        let with = attached_identities(iam, CLOUDSHELL_FULL_ACCESS);
        let maybe = maybe_attached_identities(iam, CLOUDSHELL_FULL_ACCESS);
        let identities = iam
            .users
            .iter()
            .map(|u| (IdentityKind::User, &u.name, &u.arn, &u.address))
            .chain(
                iam.groups
                    .iter()
                    .map(|g| (IdentityKind::Group, &g.name, &g.arn, &g.address)),
            )
            .chain(
                iam.roles
                    .iter()
                    .map(|r| (IdentityKind::Role, &r.name, &r.arn, &r.address)),
            );
        out.scoped(GLOBAL, "No IAM users, groups or roles", |out| {
            for (kind, name, arn, address) in identities {
                let res = Res::new(arn.as_known().cloned(), GLOBAL, address.as_ref(), name);
                let who = format!("The {} '{name}'", kind_name(kind));
                let key = (kind, name.clone());
                if !with.contains(&key) && maybe.contains(&key) {
                    out.emit(
                        Status::Unknown,
                        &res,
                        format!(
                            "{who} has a policy attachment whose ARN is known only after apply."
                        ),
                    );
                    continue;
                }
                out.verdict(
                    !with.contains(&(kind, name.clone())),
                    &res,
                    format!("{who} does not have {CLOUDSHELL_FULL_ACCESS} attached."),
                    format!("{who} has {CLOUDSHELL_FULL_ACCESS} attached."),
                );
            }
        });
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Attachment, Group, ManagedPolicy};
    use crate::finding::Status;
    use crate::rules::testkit::{iam, iam_denied, only, role, run, statuses, user, ACCOUNT};

    fn attached(name: &str) -> AttachedPolicy {
        AttachedPolicy {
            name: name.into(),
            arn: format!("arn:aws:iam::aws:policy/{name}").into(),
        }
    }

    #[test]
    fn support_role() {
        let mut r = role("support", "{}");
        r.attached_policies = vec![attached(SUPPORT_ACCESS)];
        let f = only(&SupportRole, &iam(|i| i.roles = vec![r]), Status::Pass);
        assert!(f.message.contains("role 'support'"), "{}", f.message);
        assert_eq!(f.resource_id, format!("arn:aws:iam::{ACCOUNT}:root"));
        only(
            &SupportRole,
            &iam(|i| i.roles = vec![role("x", "{}")]),
            Status::Fail,
        );
        only(&SupportRole, &iam_denied(), Status::Error);
    }

    #[test]
    fn support_role_from_the_policy_attachment_list() {
        let p = ManagedPolicy {
            name: SUPPORT_ACCESS.into(),
            arn: format!("arn:aws:iam::aws:policy/{SUPPORT_ACCESS}").into(),
            aws_managed: true,
            attached_to: vec![Attachment {
                kind: IdentityKind::Group,
                name: "helpdesk".into(),
            }],
            ..Default::default()
        };
        only(&SupportRole, &iam(|i| i.policies = vec![p]), Status::Pass);
        // A customer policy that merely shares the name does not count.
        let mut u = user("u");
        u.attached_policies = vec![AttachedPolicy {
            name: SUPPORT_ACCESS.into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:policy/{SUPPORT_ACCESS}").into(),
        }];
        only(&SupportRole, &iam(|i| i.users = vec![u]), Status::Fail);
    }

    #[test]
    fn cloudshell_full_access() {
        let mut u = user("dev");
        u.attached_policies = vec![attached(CLOUDSHELL_FULL_ACCESS)];
        let g = Group {
            name: "ops".into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:group/ops").into(),
            ..Default::default()
        };
        let findings = run(
            &NoCloudshellFullAccess,
            &iam(|i| {
                i.users = vec![u];
                i.groups = vec![g];
            }),
        );
        assert_eq!(statuses(&findings), vec![Status::Fail, Status::Pass]);
        assert_eq!(
            findings[0].resource_id,
            format!("arn:aws:iam::{ACCOUNT}:user/dev")
        );
        only(&NoCloudshellFullAccess, &iam(|_| {}), Status::NotApplicable);
        only(&NoCloudshellFullAccess, &iam_denied(), Status::Error);
    }

    #[test]
    fn aws_managed_arns() {
        assert!(is_aws_managed(
            "arn:aws:iam::aws:policy/AWSSupportAccess",
            SUPPORT_ACCESS
        ));
        assert!(is_aws_managed(
            "arn:aws-cn:iam::aws:policy/AWSSupportAccess",
            SUPPORT_ACCESS
        ));
        assert!(!is_aws_managed(
            "arn:aws:iam::123456789012:policy/AWSSupportAccess",
            SUPPORT_ACCESS
        ));
        assert!(!is_aws_managed(
            "arn:aws:iam::aws:policy/AWSSupportAccessX",
            SUPPORT_ACCESS
        ));
    }
}
