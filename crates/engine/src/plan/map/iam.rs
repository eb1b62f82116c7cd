//! IAM resources of the hashicorp/aws provider: policies, roles (with inline policies and
//! managed policy attachments), users, groups, their policies and attachments, and the
//! account password policy. `aws_iam_policy_document` data sources feed the documents of
//! the resources that refer to them (see `Builder::document`).

use crate::facts::{
    AttachedPolicy, Attachment, Group, IdentityKind, InlinePolicy, Known, ManagedPolicy,
    PasswordPolicy, Role, User,
};

use super::Mapper;
use crate::plan::builder::{Builder, ParentRef, GLOBAL_REGION};
use crate::plan::model::PlannedResource;

/// The controls that judge one identity-based policy document.
pub(crate) const POLICY_CONTROLS: &[&str] = &[
    "iam_policy_no_admin",
    "iam_policy_no_service_wildcard",
    "apigateway_iam_least_privilege",
    "pinpoint_iam_least_privilege",
    "lex_iam_least_privilege",
    "sts_no_assume_any_role",
];

/// The controls that judge one role trust policy.
pub(crate) const TRUST_CONTROLS: &[&str] = &[
    "sts_trust_no_public_principal",
    "sts_cross_account_condition",
    "sts_service_confused_deputy",
];

const ROLE_CONTROLS: &[&str] = &[
    "iam_policy_no_admin",
    "apigateway_iam_least_privilege",
    "pinpoint_iam_least_privilege",
    "lex_iam_least_privilege",
    "sts_no_assume_any_role",
    "sts_trust_no_public_principal",
    "sts_cross_account_condition",
    "sts_service_confused_deputy",
];

const INLINE_CONTROLS: &[&str] = &[
    "iam_policy_no_admin",
    "apigateway_iam_least_privilege",
    "pinpoint_iam_least_privilege",
    "lex_iam_least_privilege",
    "sts_no_assume_any_role",
];

macro_rules! iam_mapper {
    ($ty:literal, $data:literal, $phase:literal, $controls:expr, $f:expr) => {
        Mapper {
            resource_type: $ty,
            data: $data,
            phase: $phase,
            controls: $controls,
            map: $f,
        }
    };
}

pub(super) static MAPPERS: &[Mapper] = &[
    iam_mapper!("aws_iam_policy", false, 0, POLICY_CONTROLS, policy),
    iam_mapper!("aws_iam_role", false, 0, ROLE_CONTROLS, role),
    iam_mapper!("aws_iam_user", false, 0, &[], user),
    iam_mapper!("aws_iam_group", false, 0, &[], group),
    iam_mapper!(
        "aws_iam_account_password_policy",
        false,
        0,
        &["iam_password_policy"],
        password_policy
    ),
    iam_mapper!(
        "aws_iam_role_policy",
        false,
        1,
        INLINE_CONTROLS,
        role_policy
    ),
    iam_mapper!(
        "aws_iam_user_policy",
        false,
        1,
        INLINE_CONTROLS,
        user_policy
    ),
    iam_mapper!(
        "aws_iam_group_policy",
        false,
        1,
        INLINE_CONTROLS,
        group_policy
    ),
    iam_mapper!(
        "aws_iam_role_policy_attachment",
        false,
        1,
        &[],
        role_attachment
    ),
    iam_mapper!(
        "aws_iam_user_policy_attachment",
        false,
        1,
        &[],
        user_attachment
    ),
    iam_mapper!(
        "aws_iam_group_policy_attachment",
        false,
        1,
        &[],
        group_attachment
    ),
    iam_mapper!(
        "aws_iam_policy_attachment",
        false,
        1,
        &[],
        policy_attachment
    ),
    iam_mapper!(
        "aws_iam_policy_document",
        true,
        0,
        POLICY_CONTROLS,
        policy_document
    ),
];

fn known_or_unknown(k: Known<Option<String>>) -> Known<String> {
    match k {
        Known::Known(Some(v)) => Known::Known(v),
        Known::Known(None) => Known::Known(String::new()),
        Known::Unknown => Known::Unknown,
    }
}

/// The name of an identity or policy: `name`, else (name_prefix / computed) the address.
fn name_of(b: &Builder<'_>, r: &PlannedResource) -> String {
    b.attrs(r).str("name").unwrap_or(&r.address).to_owned()
}

fn policy(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let arn = match a.opt_string("arn") {
        Known::Known(Some(arn)) => Known::Known(arn),
        _ => Known::Unknown,
    };
    let p = ManagedPolicy {
        name: name_of(b, r),
        arn: arn.clone(),
        path: a.str("path").unwrap_or("/").to_owned(),
        aws_managed: false,
        default_version_id: None,
        document: known_or_unknown(b.document(r, "policy")),
        attachment_count: None,
        attached_to: Vec::new(),
        address: Some(r.address.clone()),
    };
    b.iam();
    b.policies.define(r, GLOBAL_REGION, arn.into_known(), p);
}

/// A data source judged on its own (`resource_findings`): its `json` as a policy.
fn policy_document(b: &mut Builder<'_>, r: &PlannedResource) {
    if b.plan().is_some() {
        // In a plan, documents are judged where they are used (Builder::document).
        return;
    }
    let p = ManagedPolicy {
        name: name_of(b, r),
        arn: Known::Unknown,
        path: "/".into(),
        document: known_or_unknown(b.attrs(r).opt_string("json")),
        address: Some(r.address.clone()),
        ..Default::default()
    };
    b.iam().policies.push(p);
}

fn inline_list(b: &Builder<'_>, r: &PlannedResource) -> Vec<InlinePolicy> {
    let mut out = Vec::new();
    if let Known::Known(items) = b.attrs(r).items("inline_policy") {
        for ip in items {
            let Some(name) = ip.str("name") else { continue };
            let document = ip.opt_string("policy");
            if document.as_known().is_some_and(Option::is_none) {
                continue; // an empty inline_policy {} block removes inline policies
            }
            out.push(InlinePolicy {
                name: name.to_owned(),
                document: known_or_unknown(document),
                address: Some(r.address.clone()),
            });
        }
    }
    out
}

fn aws_managed_name(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_owned()
}

fn role(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    // `managed_policy_arns` is optional+computed: unknown only because it is not configured
    // means none; a configured list not known until apply is one attachment of unknown ARN
    // (so the attachment controls answer UNKNOWN, not PASS).
    let configured_arns = b.absent_unless_configured(
        r,
        &["managed_policy_arns"],
        a.strings("managed_policy_arns").map(Some),
    );
    let attached = match configured_arns {
        Known::Known(arns) => arns
            .unwrap_or_default()
            .into_iter()
            .map(|arn| AttachedPolicy {
                name: aws_managed_name(&arn),
                arn: Known::Known(arn),
            })
            .collect(),
        Known::Unknown => vec![AttachedPolicy {
            name: String::new(),
            arn: Known::Unknown,
        }],
    };
    let role = Role {
        name: name_of(b, r),
        arn: match a.opt_string("arn") {
            Known::Known(Some(arn)) => Known::Known(arn),
            _ => Known::Unknown,
        },
        path: a.str("path").unwrap_or("/").to_owned(),
        trust_policy: known_or_unknown(b.document(r, "assume_role_policy")),
        attached_policies: attached,
        inline_policies: inline_list(b, r),
        created: None,
        last_used: None,
        address: Some(r.address.clone()),
    };
    let key = a.str("name").map(str::to_owned);
    b.iam();
    b.roles.define(r, GLOBAL_REGION, key, role);
}

fn user(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let u = User {
        name: name_of(b, r),
        arn: match a.opt_string("arn") {
            Known::Known(Some(arn)) => Known::Known(arn),
            _ => Known::Unknown,
        },
        path: a.str("path").unwrap_or("/").to_owned(),
        // A planned user has no console password unless a login profile says so.
        password_enabled: Known::Known(false),
        address: Some(r.address.clone()),
        ..Default::default()
    };
    let key = a.str("name").map(str::to_owned);
    b.iam();
    b.users.define(r, GLOBAL_REGION, key, u);
}

fn group(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let g = Group {
        name: name_of(b, r),
        arn: match a.opt_string("arn") {
            Known::Known(Some(arn)) => Known::Known(arn),
            _ => Known::Unknown,
        },
        path: a.str("path").unwrap_or("/").to_owned(),
        address: Some(r.address.clone()),
        ..Default::default()
    };
    let key = a.str("name").map(str::to_owned);
    b.iam();
    b.groups.define(r, GLOBAL_REGION, key, g);
}

fn placeholder_name(key: &Known<String>, kind: &str) -> String {
    key.as_known()
        .cloned()
        .unwrap_or_else(|| format!("({kind} not in this plan)"))
}

/// Slot of the role/user/group named by `attr`, a placeholder when outside the plan
/// (its own facts unknown: only the planned policies on it are judged).
fn role_slot(b: &mut Builder<'_>, r: &PlannedResource, attr: &str) -> usize {
    let value = b.attrs(r).opt_string(attr);
    let plan = b.plan();
    b.iam();
    b.roles.resolve(
        plan,
        ParentRef {
            child: r,
            region: GLOBAL_REGION,
            attr,
            value,
        },
        |key| Role {
            name: placeholder_name(&key, "role"),
            arn: Known::Unknown,
            trust_policy: Known::Unknown,
            ..Default::default()
        },
    )
}

fn user_slot(b: &mut Builder<'_>, r: &PlannedResource, attr: &str) -> usize {
    let value = b.attrs(r).opt_string(attr);
    let plan = b.plan();
    b.iam();
    b.users.resolve(
        plan,
        ParentRef {
            child: r,
            region: GLOBAL_REGION,
            attr,
            value,
        },
        |key| User {
            name: placeholder_name(&key, "user"),
            arn: Known::Unknown,
            password_enabled: Known::Unknown,
            ..Default::default()
        },
    )
}

fn group_slot(b: &mut Builder<'_>, r: &PlannedResource, attr: &str) -> usize {
    let value = b.attrs(r).opt_string(attr);
    let plan = b.plan();
    b.iam();
    b.groups.resolve(
        plan,
        ParentRef {
            child: r,
            region: GLOBAL_REGION,
            attr,
            value,
        },
        |key| Group {
            name: placeholder_name(&key, "group"),
            arn: Known::Unknown,
            ..Default::default()
        },
    )
}

fn inline_of(b: &Builder<'_>, r: &PlannedResource) -> InlinePolicy {
    InlinePolicy {
        name: name_of(b, r),
        document: known_or_unknown(b.document(r, "policy")),
        address: Some(r.address.clone()),
    }
}

fn role_policy(b: &mut Builder<'_>, r: &PlannedResource) {
    let ip = inline_of(b, r);
    let slot = role_slot(b, r, "role");
    b.roles.get_mut(slot).inline_policies.push(ip);
}

fn user_policy(b: &mut Builder<'_>, r: &PlannedResource) {
    let ip = inline_of(b, r);
    let slot = user_slot(b, r, "user");
    b.users.get_mut(slot).inline_policies.push(ip);
}

fn group_policy(b: &mut Builder<'_>, r: &PlannedResource) {
    let ip = inline_of(b, r);
    let slot = group_slot(b, r, "group");
    b.groups.get_mut(slot).inline_policies.push(ip);
}

/// The attached policy, and records the identity on the policy when the plan defines it.
fn attach(
    b: &mut Builder<'_>,
    r: &PlannedResource,
    kind: IdentityKind,
    who: &str,
) -> AttachedPolicy {
    let arn = b.attrs(r).opt_string("policy_arn");
    let plan = b.plan();
    let found = b.policies.find(
        plan,
        &ParentRef {
            child: r,
            region: GLOBAL_REGION,
            attr: "policy_arn",
            value: arn.clone(),
        },
    );
    let mut name = arn
        .as_known()
        .and_then(|a| a.as_deref())
        .map(aws_managed_name)
        .unwrap_or_default();
    if let Some(i) = found {
        let p = b.policies.get_mut(i);
        p.attached_to.push(Attachment {
            kind,
            name: who.to_owned(),
        });
        name = p.name.clone();
    }
    AttachedPolicy {
        name,
        arn: known_or_unknown(arn),
    }
}

fn role_attachment(b: &mut Builder<'_>, r: &PlannedResource) {
    let slot = role_slot(b, r, "role");
    let who = b.roles.get_mut(slot).name.clone();
    let ap = attach(b, r, IdentityKind::Role, &who);
    b.roles.get_mut(slot).attached_policies.push(ap);
}

fn user_attachment(b: &mut Builder<'_>, r: &PlannedResource) {
    let slot = user_slot(b, r, "user");
    let who = b.users.get_mut(slot).name.clone();
    let ap = attach(b, r, IdentityKind::User, &who);
    b.users.get_mut(slot).attached_policies.push(ap);
}

fn group_attachment(b: &mut Builder<'_>, r: &PlannedResource) {
    let slot = group_slot(b, r, "group");
    let who = b.groups.get_mut(slot).name.clone();
    let ap = attach(b, r, IdentityKind::Group, &who);
    b.groups.get_mut(slot).attached_policies.push(ap);
}

/// `aws_iam_policy_attachment` (exclusive): lists of users, roles and groups by name.
fn policy_attachment(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let lists = [
        (IdentityKind::User, a.strings("users")),
        (IdentityKind::Role, a.strings("roles")),
        (IdentityKind::Group, a.strings("groups")),
    ];
    for (kind, names) in lists {
        let Known::Known(names) = names else { continue };
        for who in names {
            let ap = attach(b, r, kind, &who);
            let value = Known::Known(Some(who.clone()));
            let plan = b.plan();
            let p = ParentRef {
                child: r,
                region: GLOBAL_REGION,
                attr: "",
                value,
            };
            let key = Known::Known(who.clone());
            b.iam();
            match kind {
                IdentityKind::User => {
                    let i = b.users.resolve(plan, p, |_| User {
                        name: placeholder_name(&key, "user"),
                        arn: Known::Unknown,
                        password_enabled: Known::Unknown,
                        ..Default::default()
                    });
                    b.users.get_mut(i).attached_policies.push(ap);
                }
                IdentityKind::Role => {
                    let i = b.roles.resolve(plan, p, |_| Role {
                        name: placeholder_name(&key, "role"),
                        arn: Known::Unknown,
                        trust_policy: Known::Unknown,
                        ..Default::default()
                    });
                    b.roles.get_mut(i).attached_policies.push(ap);
                }
                IdentityKind::Group => {
                    let i = b.groups.resolve(plan, p, |_| Group {
                        name: placeholder_name(&key, "group"),
                        arn: Known::Unknown,
                        ..Default::default()
                    });
                    b.groups.get_mut(i).attached_policies.push(ap);
                }
            }
        }
    }
}

fn password_policy(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let p = PasswordPolicy {
        minimum_length: match b.absent_unless_configured(
            r,
            &["minimum_password_length"],
            a.opt_u32("minimum_password_length"),
        ) {
            // AWS's default minimum when unset.
            Known::Known(None) => Known::Known(Some(6)),
            k => k,
        },
        require_uppercase: b.flag(r, "require_uppercase_characters", false),
        require_lowercase: b.flag(r, "require_lowercase_characters", false),
        require_numbers: b.flag(r, "require_numbers", false),
        require_symbols: b.flag(r, "require_symbols", false),
        reuse_prevention: b.absent_unless_configured(
            r,
            &["password_reuse_prevention"],
            a.opt_u32("password_reuse_prevention"),
        ),
        max_age_days: b.absent_unless_configured(
            r,
            &["max_password_age"],
            a.opt_u32("max_password_age"),
        ),
        address: Some(r.address.clone()),
    };
    b.iam().password_policy = Some(p);
}
