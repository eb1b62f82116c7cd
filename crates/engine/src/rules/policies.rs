//! Visiting the IAM policies a policy control judges: customer-managed and inline policies.

use crate::facts::{IamFacts, InlinePolicy, Known};
use crate::rules::support::{Res, GLOBAL};

/// One policy document to judge.
pub(crate) struct PolicyRef<'a> {
    /// Where findings about it point.
    pub res: Res,
    /// Human name: `customer-managed policy 'x'` / `inline policy 'p' of role 'r'`.
    pub name: String,
    /// The document (default version for managed policies, Ruling 9).
    pub document: &'a Known<String>,
}

/// Resource id of an inline policy: its identity's ARN + `/inline-policy/<name>`.
pub(crate) fn inline_policy_id(
    identity_arn: &Known<String>,
    identity: &str,
    policy: &str,
) -> String {
    match identity_arn.as_known() {
        Some(arn) => format!("{arn}/inline-policy/{policy}"),
        None => format!("{identity}/inline-policy/{policy}"),
    }
}

/// Customer-managed policies (attached or not) and inline policies of users, groups, roles.
/// AWS-managed policies are not visited (Ruling 9: NOT_APPLICABLE).
pub(crate) fn customer_policies(iam: &IamFacts) -> Vec<PolicyRef<'_>> {
    let mut refs = Vec::new();
    for p in iam.policies.iter().filter(|p| !p.aws_managed) {
        refs.push(PolicyRef {
            res: Res::new(
                p.arn.as_known().cloned(),
                GLOBAL,
                p.address.as_ref(),
                &p.name,
            ),
            name: format!("customer-managed policy '{}'", p.name),
            document: &p.document,
        });
    }
    for u in &iam.users {
        refs.extend(inline("user", &u.name, &u.arn, &u.inline_policies));
    }
    for g in &iam.groups {
        refs.extend(inline("group", &g.name, &g.arn, &g.inline_policies));
    }
    for r in &iam.roles {
        refs.extend(inline("role", &r.name, &r.arn, &r.inline_policies));
    }
    refs
}

fn inline<'a>(
    kind: &str,
    who: &str,
    arn: &Known<String>,
    list: &'a [InlinePolicy],
) -> impl Iterator<Item = PolicyRef<'a>> + use<'a> {
    let kind = kind.to_owned();
    let who = who.to_owned();
    let arn = arn.clone();
    list.iter().map(move |ip| PolicyRef {
        res: Res {
            id: ip
                .address
                .clone()
                .filter(|_| arn.is_unknown())
                .unwrap_or_else(|| inline_policy_id(&arn, &who, &ip.name)),
            region: GLOBAL.to_owned(),
            address: ip.address.clone(),
        },
        name: format!("inline policy '{}' of {kind} '{who}'", ip.name),
        document: &ip.document,
    })
}
