//! `sts_no_assume_any_role`: no customer policy lets its holder assume every role.

use crate::facts::{Facts, Source};
use crate::finding::{Finding, Status};
use crate::params::Params;
use crate::policy::Effect;
use crate::rules::policies::{customer_policies, parsed, statement_label};
use crate::rules::support::{iam_facts, Out, GLOBAL};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `sts_no_assume_any_role`.
pub struct NoAssumeAnyRole;

impl NoAssumeAnyRole {
    const META: Meta = Meta {
        id: "sts_no_assume_any_role",
        title: "No customer policy allows sts:AssumeRole on every role",
        service: Service::Sts,
        severity: Severity::High,
        frameworks: &["Prowler no_custom_policy_permissive_role_assumption"],
        remediation: "Allow sts:AssumeRole only on the ARNs of the roles the identity needs \
            (Resource arn:aws:iam::<account>:role/<name>), never on Resource \"*\"; avoid sts:* \
            and NotAction statements that include it.",
        remediated_by: None,
        sources: &[Source::IamPolicies],
        doc: include_str!("../reference/sts_no_assume_any_role.md"),
    };
}

const ASSUME_ROLE: &str = "sts:AssumeRole";

impl Rule for NoAssumeAnyRole {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        let Some(iam) = iam_facts(&mut out) else {
            return out.finish();
        };
        out.scoped(
            GLOBAL,
            "No customer-managed or inline IAM policies",
            |out| {
                for p in customer_policies(iam) {
                    if p.service_linked_owner {
                        out.emit(
                            Status::NotApplicable,
                            &p.res,
                            format!("The {} belongs to an AWS service-linked role.", p.name),
                        );
                        continue;
                    }
                    let Some(doc) = parsed(out, &p) else {
                        continue;
                    };
                    // `sts:AssumeRole`, `sts:*`, `*` and a NotAction that does not
                    // exclude it all count; Deny statements never do.
                    let wide: Vec<String> = doc
                        .statements
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| {
                            s.effect == Effect::Allow
                                && s.on_all_resources()
                                && s.covers_action(ASSUME_ROLE)
                        })
                        .map(|(i, s)| statement_label(i, s))
                        .collect();
                    out.verdict(
                        wide.is_empty(),
                        &p.res,
                        format!("The {} does not allow {ASSUME_ROLE} on resource *.", p.name),
                        format!(
                            "The {} allows {ASSUME_ROLE} on resource * in {}.",
                            p.name,
                            wide.join(", ")
                        ),
                    );
                }
            },
        );
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testkit::{customer_policy, iam, iam_denied, inline_policy, only, role};

    #[test]
    fn assume_any_role_pass_and_fail() {
        let any = r#"{"Statement":[{"Sid":"Hop","Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#;
        let f = only(
            &NoAssumeAnyRole,
            &iam(|i| i.policies = vec![customer_policy("hop", any)]),
            Status::Fail,
        );
        assert!(f.message.contains("statement \"Hop\""), "{}", f.message);
        let one = r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/deploy"}]}"#;
        only(
            &NoAssumeAnyRole,
            &iam(|i| i.policies = vec![customer_policy("hop", one)]),
            Status::Pass,
        );
        only(&NoAssumeAnyRole, &iam_denied(), Status::Error);
    }

    #[test]
    fn service_linked_role_inline_policies_are_not_applicable() {
        let any = r#"{"Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}"#;
        let mut r = role("AWSServiceRoleForX", "{}");
        r.path = "/aws-service-role/x.amazonaws.com/".into();
        r.inline_policies = vec![inline_policy("p", any)];
        only(
            &NoAssumeAnyRole,
            &iam(|i| i.roles = vec![r]),
            Status::NotApplicable,
        );
    }
}
