//! Visiting the IAM policies a policy control judges (customer-managed and inline), reading
//! them through the one policy model, and the `*_iam_least_privilege` body.

use crate::facts::{IamFacts, InlinePolicy, Known};
use crate::finding::Status;
use crate::policy::{PolicyDocument, PolicyError, Statement};
use crate::rules::support::{iam_facts, known, Out, Res, GLOBAL};

/// One policy document to judge.
pub(crate) struct PolicyRef<'a> {
    /// Where findings about it point.
    pub res: Res,
    /// Human name: `customer-managed policy 'x'` / `inline policy 'p' of role 'r'`.
    pub name: String,
    /// The document (the default version, for managed policies).
    pub document: &'a Known<String>,
    /// True for a customer-managed policy, false for an inline one.
    pub managed: bool,
    /// True for an inline policy of a service-linked role (`/aws-service-role/`).
    pub service_linked_owner: bool,
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
/// AWS-managed policies are not visited (NOT_APPLICABLE).
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
            managed: true,
            service_linked_owner: false,
        });
    }
    for u in &iam.users {
        refs.extend(inline("user", &u.name, &u.arn, &u.inline_policies, false));
    }
    for g in &iam.groups {
        refs.extend(inline("group", &g.name, &g.arn, &g.inline_policies, false));
    }
    for r in &iam.roles {
        let linked = r.is_service_linked();
        refs.extend(inline("role", &r.name, &r.arn, &r.inline_policies, linked));
    }
    refs
}

fn inline<'a>(
    kind: &str,
    who: &str,
    arn: &Known<String>,
    list: &'a [InlinePolicy],
    service_linked_owner: bool,
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
        managed: false,
        service_linked_owner,
    })
}

/// The policy's document read through the policy model; `None` after an UNKNOWN finding (not
/// decided by the plan) or an ERROR finding naming the policy (malformed document).
pub(crate) fn parsed(out: &mut Out<'_>, p: &PolicyRef<'_>) -> Option<PolicyDocument> {
    let text = known(
        out,
        &p.res,
        &format!("The document of {}", p.name),
        p.document,
    )?;
    match PolicyDocument::parse(text) {
        Ok(doc) => Some(doc),
        Err(e) => {
            out.emit(
                Status::Error,
                &p.res,
                format!("The {} could not be read: {e}.", p.name),
            );
            None
        }
    }
}

/// `statement "Sid"` or `statement #n` (1-based), for messages.
pub(crate) fn statement_label(index: usize, stmt: &Statement) -> String {
    label(index, stmt.sid.as_deref())
}

/// `statement "Sid"` or `statement #n` (1-based) from a position and an optional `Sid`.
pub(crate) fn label(index: usize, sid: Option<&str>) -> String {
    match sid {
        Some(sid) if !sid.is_empty() => format!("statement {sid:?}"),
        _ => format!("statement #{}", index + 1),
    }
}

/// Labels of the `Allow` statements of a resource policy that grant to everyone without a
/// condition ([`PolicyDocument::public_allows`]); `Err` for a malformed document.
pub(crate) fn public_statements(text: &str) -> Result<Vec<String>, PolicyError> {
    let doc = PolicyDocument::parse(text)?;
    Ok(doc
        .public_allows()
        .into_iter()
        .map(|(i, s)| statement_label(i, s))
        .collect())
}

/// Gates IAM, then runs `f` on every customer-managed and inline policy whose document could
/// be read; NOT_APPLICABLE when there is none.
pub(crate) fn each_customer_policy<'a>(
    out: &mut Out<'a>,
    mut f: impl FnMut(&mut Out<'a>, &PolicyRef<'a>, &PolicyDocument),
) {
    let Some(iam) = iam_facts(out) else {
        return;
    };
    out.scoped(
        GLOBAL,
        "No customer-managed or inline IAM policies",
        |out| {
            for p in customer_policies(iam) {
                if let Some(doc) = parsed(out, &p) {
                    f(out, &p, &doc);
                }
            }
        },
    );
}

/// Shared body of the `*_iam_least_privilege` controls: one finding per
/// customer-managed or inline policy, FAIL when a statement that is not admin-equivalent
/// allows `<service>:*` for one of `services` on resource `*`.
pub(crate) fn service_wildcards(out: &mut Out<'_>, services: &[&str]) {
    let wanted: Vec<String> = services.iter().map(|s| format!("{s}:*")).collect();
    each_customer_policy(out, |out, p, doc| {
        let found: Vec<&str> = services
            .iter()
            .zip(&wanted)
            .filter(|(s, _)| doc.allows_service_wildcard_on_all_resources(s))
            .map(|(_, w)| w.as_str())
            .collect();
        // Admin-equivalent statements are iam_policy_no_admin's; say so rather than
        // claim a policy that allows everything allows none of these.
        let admin = if doc.statements.iter().any(|s| s.is_admin_equivalent()) {
            " outside its admin-equivalent statements (iam_policy_no_admin judges those)"
        } else {
            ""
        };
        out.verdict(
            found.is_empty(),
            &p.res,
            format!(
                "The {} allows none of {} on resource *{admin}.",
                p.name,
                wanted.join(", ")
            ),
            format!("The {} allows {} on resource *.", p.name, found.join(", ")),
        );
    });
}
