//! Role trust-policy controls: no public principal, conditions on foreign
//! accounts and on AWS service principals.

use crate::facts::{Facts, Role, Source};
use crate::finding::{Finding, Status};
use crate::params::Params;
use crate::policy::{PolicyDocument, TrustGrant, TrustPrincipal};
use crate::rules::policies::label;
use crate::rules::support::{iam_facts, known, Out, Res, GLOBAL};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// Gates IAM and visits every role's trust grants: service-linked roles are NOT_APPLICABLE,
/// unknown trust policies UNKNOWN, malformed ones an ERROR naming the role.
fn each_trust<'a>(
    out: &mut Out<'a>,
    nothing: &str,
    mut f: impl FnMut(&mut Out<'a>, &Res, &str, &'a Role, &[TrustGrant]),
) {
    let Some(iam) = iam_facts(out) else {
        return;
    };
    out.scoped(GLOBAL, nothing, |out| {
        for role in &iam.roles {
            let res = Res::new(
                role.arn.as_known().cloned(),
                GLOBAL,
                role.address.as_ref(),
                &role.name,
            );
            let name = format!("Role '{}'", role.name);
            if role.is_service_linked() {
                out.emit(
                    Status::NotApplicable,
                    &res,
                    format!(
                        "{name} is an AWS service-linked role ({}); AWS manages its trust policy.",
                        role.path
                    ),
                );
                continue;
            }
            let Some(text) = known(
                out,
                &res,
                &format!("The trust policy of {name}"),
                &role.trust_policy,
            ) else {
                continue;
            };
            match PolicyDocument::parse(text) {
                Ok(doc) => f(out, &res, &name, role, &doc.trust_grants()),
                Err(e) => out.emit(
                    Status::Error,
                    &res,
                    format!("The trust policy of {name} could not be read: {e}."),
                ),
            }
        }
    });
}

/// `statement "Sid"` / `statement #n` of a grant.
fn grant_label(g: &TrustGrant) -> String {
    label(g.statement_index, g.sid.as_deref())
}

/// `sts_trust_no_public_principal`.
pub struct TrustNoPublicPrincipal;

impl TrustNoPublicPrincipal {
    const META: Meta = Meta {
        id: "sts_trust_no_public_principal",
        title: "No role trust policy lets everyone assume the role without a condition",
        service: Service::Sts,
        severity: Severity::Critical,
        frameworks: &["Checkov CKV_AWS_60", "Checkov CKV_AWS_283"],
        remediation: "Name the accounts, roles or services allowed to assume the role in the \
            trust policy's Principal instead of \"*\", or restrict the statement with a \
            Condition (aws:PrincipalOrgID, sts:ExternalId, aws:SourceArn).",
        remediated_by: None,
        sources: &[Source::IamPolicies],
        doc: include_str!("../reference/sts_trust_no_public_principal.md"),
    };
}

impl Rule for TrustNoPublicPrincipal {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_trust(&mut out, "No IAM roles", |out, res, name, _, grants| {
            let open: Vec<String> = grants
                .iter()
                .filter(|g| g.principal == TrustPrincipal::Everyone && !g.has_condition)
                .map(grant_label)
                .collect();
            out.verdict(
                open.is_empty(),
                res,
                format!("{name} cannot be assumed by everyone without a condition."),
                format!(
                    "{name} can be assumed by any principal without a condition ({}).",
                    open.join(", ")
                ),
            );
        });
        out.finish()
    }
}

/// `sts_cross_account_condition`.
pub struct CrossAccountCondition;

impl CrossAccountCondition {
    const META: Meta = Meta {
        id: "sts_cross_account_condition",
        title: "Roles trusting another account require an external ID or MFA",
        service: Service::Sts,
        severity: Severity::Medium,
        frameworks: &["Seed: IAM user guide, confused deputy"],
        remediation: "Add a Condition to the trust statement for the other account: \
            StringEquals sts:ExternalId for third parties, or Bool aws:MultiFactorAuthPresent \
            true for people.",
        remediated_by: None,
        sources: &[Source::IamPolicies],
        doc: include_str!("../reference/sts_cross_account_condition.md"),
    };
}

/// Condition keys that make a cross-account trust acceptable.
const CROSS_ACCOUNT_KEYS: [&str; 2] = ["sts:ExternalId", "aws:MultiFactorAuthPresent"];

impl Rule for CrossAccountCondition {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let own = facts.account_id.clone();
        let mut out = Out::new(self.meta(), facts);
        each_trust(
            &mut out,
            "No IAM role trusts another account",
            |out, res, name, _, grants| {
                // `*` is sts_trust_no_public_principal's; principals whose account cannot be
                // read (unique IDs of deleted principals) are not known to be foreign.
                let foreign: Vec<(&TrustGrant, &str)> = grants
                    .iter()
                    .filter_map(|g| {
                        g.principal
                            .account_id()
                            .filter(|a| *a != own)
                            .map(|a| (g, a))
                    })
                    .collect();
                if foreign.is_empty() {
                    // Federated principals are out of scope: NOT_APPLICABLE.
                    if grants
                        .iter()
                        .any(|g| matches!(g.principal, TrustPrincipal::Federated(_)))
                    {
                        out.emit(
                            Status::NotApplicable,
                            res,
                            format!(
                                "{name} trusts federated principals only; they are out of scope."
                            ),
                        );
                    }
                    return;
                }
                let bare: Vec<String> = foreign
                    .iter()
                    .filter(|(g, _)| !CROSS_ACCOUNT_KEYS.iter().any(|k| g.has_condition_key(k)))
                    .map(|(g, a)| format!("account {a} in {}", grant_label(g)))
                    .collect();
                let accounts: Vec<&str> = foreign.iter().map(|(_, a)| *a).collect();
                out.verdict(
                bare.is_empty(),
                res,
                format!(
                    "{name} requires sts:ExternalId or aws:MultiFactorAuthPresent for account(s) {}.",
                    accounts.join(", ")
                ),
                format!(
                    "{name} trusts {} without an sts:ExternalId or aws:MultiFactorAuthPresent condition.",
                    bare.join(", ")
                ),
            );
            },
        );
        out.finish()
    }
}

/// `sts_service_confused_deputy`.
pub struct ServiceConfusedDeputy;

impl ServiceConfusedDeputy {
    const META: Meta = Meta {
        id: "sts_service_confused_deputy",
        title: "Roles trusting an AWS service constrain the source",
        service: Service::Sts,
        severity: Severity::High,
        frameworks: &["Prowler role_cross_service_confused_deputy_prevention"],
        remediation: "Add aws:SourceAccount, aws:SourceArn, aws:SourceOrgID or \
            aws:SourceOrgPaths to the Condition of trust statements for service principals \
            (*.amazonaws.com), so the service can assume the role only on your resources' behalf.",
        remediated_by: None,
        sources: &[Source::IamPolicies],
        doc: include_str!("../reference/sts_service_confused_deputy.md"),
    };
}

/// Condition keys that tie a service principal to the caller's resources.
const SOURCE_KEYS: [&str; 4] = [
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];

fn is_aws_service(principal: &str) -> bool {
    principal.ends_with(".amazonaws.com") || principal.ends_with(".amazonaws.com.cn")
}

impl Rule for ServiceConfusedDeputy {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_trust(
            &mut out,
            "No IAM role trusts an AWS service",
            |out, res, name, _, grants| {
                let services: Vec<(&TrustGrant, &str)> = grants
                    .iter()
                    .filter_map(|g| match &g.principal {
                        TrustPrincipal::Service(s) if is_aws_service(s) => Some((g, s.as_str())),
                        _ => None,
                    })
                    .collect();
                // Roles without a service principal are out of scope.
                if services.is_empty() {
                    return;
                }
                let bare: Vec<&str> = services
                    .iter()
                    .filter(|(g, _)| !SOURCE_KEYS.iter().any(|k| g.has_condition_key(k)))
                    .map(|(_, s)| *s)
                    .collect();
                let all: Vec<&str> = services.iter().map(|(_, s)| *s).collect();
                out.verdict(
                bare.is_empty(),
                res,
                format!("{name} constrains {} with a source condition.", all.join(", ")),
                format!(
                    "{name} trusts {} without aws:SourceAccount, aws:SourceArn, aws:SourceOrgID or aws:SourceOrgPaths.",
                    bare.join(", ")
                ),
            );
            },
        );
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testkit::{iam, iam_denied, only, role, run, statuses, ACCOUNT};

    fn roles(trusts: &[&str]) -> Facts {
        iam(|i| {
            i.roles = trusts
                .iter()
                .enumerate()
                .map(|(n, t)| role(&format!("r{n}"), t))
                .collect()
        })
    }

    fn linked(trust: &str) -> Facts {
        iam(|i| {
            let mut r = role("AWSServiceRoleForSupport", trust);
            r.path = "/aws-service-role/support.amazonaws.com/".into();
            i.roles = vec![r];
        })
    }

    const PUBLIC: &str = r#"{"Statement":[{"Sid":"Open","Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
    const EC2: &str = r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    const FOREIGN: &str = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole"}]}"#;

    #[test]
    fn public_principal() {
        let f = only(&TrustNoPublicPrincipal, &roles(&[PUBLIC]), Status::Fail);
        assert!(f.message.contains("statement \"Open\""), "{}", f.message);
        assert_eq!(f.resource_id, format!("arn:aws:iam::{ACCOUNT}:role/r0"));
        only(&TrustNoPublicPrincipal, &roles(&[EC2]), Status::Pass);
        only(
            &TrustNoPublicPrincipal,
            &linked(PUBLIC),
            Status::NotApplicable,
        );
        only(&TrustNoPublicPrincipal, &roles(&[]), Status::NotApplicable);
        only(&TrustNoPublicPrincipal, &iam_denied(), Status::Error);
        let f = only(
            &TrustNoPublicPrincipal,
            &roles(&["{not json"]),
            Status::Error,
        );
        assert!(f.message.contains("Role 'r0'"), "{}", f.message);
    }

    #[test]
    fn cross_account() {
        let f = only(&CrossAccountCondition, &roles(&[FOREIGN]), Status::Fail);
        assert!(f.message.contains("999988887777"), "{}", f.message);
        let with_id = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}"#;
        only(&CrossAccountCondition, &roles(&[with_id]), Status::Pass);
        let own = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#;
        // Own account and services only: nothing to judge.
        only(
            &CrossAccountCondition,
            &roles(&[own, EC2]),
            Status::NotApplicable,
        );
        only(
            &CrossAccountCondition,
            &linked(FOREIGN),
            Status::NotApplicable,
        );
    }

    #[test]
    fn cross_account_federated_is_not_applicable() {
        let saml = r#"{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/idp"},"Action":"sts:AssumeRoleWithSAML"}]}"#;
        let f = only(
            &CrossAccountCondition,
            &roles(&[saml]),
            Status::NotApplicable,
        );
        assert!(f.message.contains("federated"), "{}", f.message);
    }

    #[test]
    fn service_confused_deputy() {
        let f = only(&ServiceConfusedDeputy, &roles(&[EC2]), Status::Fail);
        assert!(f.message.contains("ec2.amazonaws.com"), "{}", f.message);
        let scoped = r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:*"}}}]}"#;
        only(&ServiceConfusedDeputy, &roles(&[scoped]), Status::Pass);
        only(
            &ServiceConfusedDeputy,
            &roles(&[FOREIGN]),
            Status::NotApplicable,
        );
        only(&ServiceConfusedDeputy, &linked(EC2), Status::NotApplicable);
        let findings = run(&ServiceConfusedDeputy, &roles(&[EC2, scoped, FOREIGN]));
        assert_eq!(statuses(&findings), vec![Status::Fail, Status::Pass]);
    }
}
