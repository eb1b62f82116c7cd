//! Policy-document controls: no admin statements, no service wildcards.

use crate::facts::{Facts, Source};
use crate::finding::{Finding, Status};
use crate::params::Params;
use crate::rules::policies::{customer_policies, parsed, statement_label};
use crate::rules::support::{iam_facts, Out, Res, GLOBAL};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `iam_policy_no_admin`.
pub struct PolicyNoAdmin;

impl PolicyNoAdmin {
    const META: Meta = Meta {
        id: "iam_policy_no_admin",
        title: "No customer-managed or inline policy grants full administrative access",
        service: Service::Iam,
        severity: Severity::High,
        frameworks: &["FSBP IAM.1", "CIS 1.16"],
        remediation: "Replace Allow statements of Action \"*\" (or NotAction) on Resource \"*\" \
            with the specific actions and resources the identity needs; grant administration \
            through a few audited roles instead.",
        remediated_by: None,
        sources: &[Source::IamPolicies],
        doc: include_str!("../reference/iam_policy_no_admin.md"),
    };
}

impl Rule for PolicyNoAdmin {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        let Some(iam) = iam_facts(&mut out) else {
            return out.finish();
        };
        out.scoped(GLOBAL, "No IAM policies", |out| {
            // AWS-managed policies are NOT_APPLICABLE.
            for p in iam.policies.iter().filter(|p| p.aws_managed) {
                let res = Res::new(p.arn.as_known().cloned(), GLOBAL, p.address.as_ref(), &p.name);
                out.emit(
                    Status::NotApplicable,
                    &res,
                    format!("AWS-managed policy '{}' is not judged; only customer-managed and inline policies are.", p.name),
                );
            }
            for p in customer_policies(iam) {
                let Some(doc) = parsed(out, &p) else {
                    continue;
                };
                let admin: Vec<String> = doc
                    .statements
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.is_admin_equivalent())
                    .map(|(i, s)| statement_label(i, s))
                    .collect();
                out.verdict(
                    admin.is_empty(),
                    &p.res,
                    format!("The {} grants no administrative access.", p.name),
                    format!(
                        "The {} allows every action on every resource in {}.",
                        p.name,
                        admin.join(", ")
                    ),
                );
            }
        });
        out.finish()
    }
}

/// `iam_policy_no_service_wildcard`.
pub struct PolicyNoServiceWildcard;

impl PolicyNoServiceWildcard {
    const META: Meta = Meta {
        id: "iam_policy_no_service_wildcard",
        title: "No customer-managed policy allows all actions of a service",
        service: Service::Iam,
        severity: Severity::Low,
        frameworks: &["FSBP IAM.21"],
        remediation: "Replace <service>:* in Allow statements with the specific actions needed \
            (for example s3:GetObject instead of s3:*).",
        remediated_by: None,
        sources: &[Source::IamPolicies],
        doc: include_str!("../reference/iam_policy_no_service_wildcard.md"),
    };
}

impl Rule for PolicyNoServiceWildcard {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        let Some(iam) = iam_facts(&mut out) else {
            return out.finish();
        };
        out.scoped(GLOBAL, "No customer-managed IAM policies", |out| {
            // Inline policies are out of this control's scope (FSBP IAM.21).
            for p in customer_policies(iam).into_iter().filter(|p| p.managed) {
                let Some(doc) = parsed(out, &p) else {
                    continue;
                };
                let services = doc.service_wildcards();
                let wildcards: Vec<String> = services.iter().map(|s| format!("{s}:*")).collect();
                out.verdict(
                    wildcards.is_empty(),
                    &p.res,
                    format!("The {} allows no <service>:* action.", p.name),
                    format!("The {} allows {}.", p.name, wildcards.join(", ")),
                );
            }
        });
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::ManagedPolicy;
    use crate::rules::testkit::{
        customer_policy, iam, iam_denied, inline_policy, only, run, statuses, user, ACCOUNT,
    };

    const ADMIN: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    const S3_ALL: &str =
        r#"{"Statement":[{"Effect":"Allow","Action":["s3:*","ec2:Describe*"],"Resource":"*"}]}"#;
    const READ: &str = r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;

    #[test]
    fn admin_pass_and_fail() {
        let f = only(
            &PolicyNoAdmin,
            &iam(|i| i.policies = vec![customer_policy("admin", ADMIN)]),
            Status::Fail,
        );
        assert!(f.message.contains("statement \"All\""), "{}", f.message);
        assert_eq!(
            f.resource_id,
            format!("arn:aws:iam::{ACCOUNT}:policy/admin")
        );
        only(
            &PolicyNoAdmin,
            &iam(|i| i.policies = vec![customer_policy("read", READ)]),
            Status::Pass,
        );
    }

    #[test]
    fn admin_judges_inline_and_skips_aws_managed() {
        let mut u = user("alice");
        u.inline_policies = vec![inline_policy("everything", ADMIN)];
        let aws = ManagedPolicy {
            name: "AdministratorAccess".into(),
            arn: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
            aws_managed: true,
            document: ADMIN.into(),
            ..Default::default()
        };
        let findings = run(
            &PolicyNoAdmin,
            &iam(|i| {
                i.users = vec![u];
                i.policies = vec![aws];
            }),
        );
        assert_eq!(
            statuses(&findings),
            vec![Status::NotApplicable, Status::Fail]
        );
        assert_eq!(
            findings[0].resource_id,
            "arn:aws:iam::aws:policy/AdministratorAccess"
        );
        assert_eq!(
            findings[1].resource_id,
            format!("arn:aws:iam::{ACCOUNT}:user/alice/inline-policy/everything")
        );
        only(&PolicyNoAdmin, &iam(|_| {}), Status::NotApplicable);
        only(&PolicyNoAdmin, &iam_denied(), Status::Error);
    }

    #[test]
    fn service_wildcard_pass_and_fail() {
        let f = only(
            &PolicyNoServiceWildcard,
            &iam(|i| i.policies = vec![customer_policy("s3", S3_ALL)]),
            Status::Fail,
        );
        assert!(f.message.contains("s3:*"), "{}", f.message);
        only(
            &PolicyNoServiceWildcard,
            &iam(|i| i.policies = vec![customer_policy("read", READ)]),
            Status::Pass,
        );
        // `*` is iam_policy_no_admin's, not a service wildcard.
        only(
            &PolicyNoServiceWildcard,
            &iam(|i| i.policies = vec![customer_policy("admin", ADMIN)]),
            Status::Pass,
        );
    }

    #[test]
    fn service_wildcard_ignores_inline_policies() {
        let mut u = user("alice");
        u.inline_policies = vec![inline_policy("s3", S3_ALL)];
        only(
            &PolicyNoServiceWildcard,
            &iam(|i| i.users = vec![u]),
            Status::NotApplicable,
        );
        only(&PolicyNoServiceWildcard, &iam_denied(), Status::Error);
    }
}
