//! One policy statement and the questions rules ask about it.

use serde_json::Value;

use super::pattern::{is_universal_action_pattern, literal_service_wildcard, wildcard_match};

/// `Effect` of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `"Allow"`.
    Allow,
    /// `"Deny"`.
    Deny,
}

/// The statement's action element. A single string is stored as a one-element list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionSpec {
    /// `Action`: the statement applies to actions matching any of these patterns.
    Action(Vec<String>),
    /// `NotAction`: the statement applies to every action matching none of these patterns.
    NotAction(Vec<String>),
    /// Neither element is present (invalid for IAM; such a statement covers no action).
    None,
}

/// The statement's resource element. A single string is stored as a one-element list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceSpec {
    /// `Resource`.
    Resource(Vec<String>),
    /// `NotResource`.
    NotResource(Vec<String>),
    /// Neither element is present, as in trust policies and most resource policies, where the
    /// resource is the one the policy is attached to.
    None,
}

/// The statement's principal element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalSpec {
    /// `Principal`.
    Principal(Principals),
    /// `NotPrincipal`.
    NotPrincipal(Principals),
}

/// The value of a `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principals {
    /// The string `"*"`: everyone, including anonymous callers.
    Everyone,
    /// The map form; each list keeps the order written, single strings become one-element lists.
    Map(PrincipalMap),
}

/// The map form of a principal element: `{"AWS": …, "Service": …, "Federated": …,
/// "CanonicalUser": …}`, each a string or a list of strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrincipalMap {
    /// `AWS`: account IDs, account/user/role ARNs, or `"*"`.
    pub aws: Vec<String>,
    /// `Service`: service principals such as `lambda.amazonaws.com`.
    pub service: Vec<String>,
    /// `Federated`: SAML provider ARNs or web identity providers such as `cognito-identity.amazonaws.com`.
    pub federated: Vec<String>,
    /// `CanonicalUser`: S3 canonical user IDs.
    pub canonical_user: Vec<String>,
}

/// One statement of a policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// `Sid`, if any.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Action` / `NotAction`.
    pub actions: ActionSpec,
    /// `Resource` / `NotResource`.
    pub resources: ResourceSpec,
    /// `Principal` / `NotPrincipal`, if any.
    pub principal: Option<PrincipalSpec>,
    /// `Condition`, if any: an object of operators (e.g. `StringEquals`), each an object of
    /// condition keys to values. The shape is checked when parsing.
    pub condition: Option<Value>,
}

impl Statement {
    /// Whether this statement applies to `action` (e.g. `sts:AssumeRole`), regardless of its
    /// effect. `Action`: some pattern matches; `NotAction`: no pattern matches; neither
    /// element: never. Matching is IAM wildcard matching, case-insensitive.
    pub fn covers_action(&self, action: &str) -> bool {
        match &self.actions {
            ActionSpec::Action(patterns) => patterns.iter().any(|p| wildcard_match(p, action)),
            ActionSpec::NotAction(patterns) => !patterns.iter().any(|p| wildcard_match(p, action)),
            ActionSpec::None => false,
        }
    }

    /// Whether the statement's actions are treated as covering every action: an `Action`
    /// pattern that matches anything (`*`, `**`, `*:*`), or any `NotAction` at all
    /// (a `NotAction` is counted as all actions, whatever it excludes).
    pub fn covers_all_actions(&self) -> bool {
        match &self.actions {
            ActionSpec::Action(patterns) => patterns.iter().any(|p| is_universal_action_pattern(p)),
            ActionSpec::NotAction(_) => true,
            ActionSpec::None => false,
        }
    }

    /// Whether the statement applies to all resources: `Resource` lists exactly `"*"`, or the
    /// statement uses `NotResource` (any `NotResource` counts as all resources).
    ///
    /// Resource ARNs that merely contain wildcards (`arn:aws:s3:::*`) do not count. An absent
    /// resource element does **not** count: it occurs in trust and resource-based policies,
    /// where the statement is scoped to the resource the policy is attached to.
    pub fn on_all_resources(&self) -> bool {
        match &self.resources {
            ResourceSpec::Resource(resources) => resources.iter().any(|r| r == "*"),
            ResourceSpec::NotResource(_) => true,
            ResourceSpec::None => false,
        }
    }

    /// Whether the statement grants administrator access: `Allow`, covering every action
    /// ([`Statement::covers_all_actions`]), on all resources ([`Statement::on_all_resources`]).
    pub fn is_admin_equivalent(&self) -> bool {
        self.effect == Effect::Allow && self.covers_all_actions() && self.on_all_resources()
    }

    /// Lower-cased service prefixes written as a literal `<service>:*` in this statement's
    /// `Action` list, in order of appearance and without duplicates, whatever the effect.
    /// `*`, `*:*`, partial wildcards (`s3:Get*`) and `NotAction` yield nothing.
    pub fn literal_service_wildcards(&self) -> Vec<String> {
        let mut services: Vec<String> = Vec::new();
        if let ActionSpec::Action(patterns) = &self.actions {
            for service in patterns.iter().filter_map(|p| literal_service_wildcard(p)) {
                if !services.contains(&service) {
                    services.push(service);
                }
            }
        }
        services
    }

    /// Whether this statement has a literal `<service>:*` in its `Action` list (`service`
    /// compared case-insensitively), whatever the effect.
    pub fn has_literal_service_wildcard(&self, service: &str) -> bool {
        self.literal_service_wildcards()
            .iter()
            .any(|s| s.eq_ignore_ascii_case(service))
    }

    /// The condition keys this statement tests, lower-cased, sorted and without duplicates,
    /// gathered from every operator (`StringEquals`, `ForAnyValue:StringLike`, `Bool`, …).
    /// Empty when there is no condition or it names no key.
    pub fn condition_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .condition
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|operators| operators.values())
            .filter_map(Value::as_object)
            .flat_map(|entries| entries.keys())
            .map(|key| key.to_lowercase())
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// Whether the statement carries a condition that names at least one key. `"Condition": {}`
    /// and operators with no keys restrict nothing and therefore count as no condition.
    pub fn has_condition(&self) -> bool {
        !self.condition_keys().is_empty()
    }

    /// Whether the statement's principal element names everyone: `"*"`, an `AWS` entry `"*"`,
    /// or any `NotPrincipal` (everyone except the listed principals).
    pub fn names_everyone(&self) -> bool {
        match &self.principal {
            None => false,
            Some(PrincipalSpec::NotPrincipal(_)) => true,
            Some(PrincipalSpec::Principal(Principals::Everyone)) => true,
            Some(PrincipalSpec::Principal(Principals::Map(map))) => {
                map.aws.iter().any(|p| p == "*")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmt(effect: Effect, actions: ActionSpec, resources: ResourceSpec) -> Statement {
        Statement {
            sid: None,
            effect,
            actions,
            resources,
            principal: None,
            condition: None,
        }
    }

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn covers_action_with_action_and_not_action() {
        let a = stmt(
            Effect::Allow,
            ActionSpec::Action(list(&["s3:Get*", "IAM:PassRole"])),
            ResourceSpec::None,
        );
        assert!(a.covers_action("s3:GetObject"));
        assert!(a.covers_action("iam:passrole"));
        assert!(!a.covers_action("s3:PutObject"));

        let n = stmt(
            Effect::Allow,
            ActionSpec::NotAction(list(&["iam:*"])),
            ResourceSpec::None,
        );
        assert!(n.covers_action("s3:PutObject"));
        assert!(!n.covers_action("IAM:CreateUser"));

        let empty_not = stmt(
            Effect::Allow,
            ActionSpec::NotAction(vec![]),
            ResourceSpec::None,
        );
        assert!(empty_not.covers_action("anything:AtAll"));

        let none = stmt(Effect::Allow, ActionSpec::None, ResourceSpec::None);
        assert!(!none.covers_action("s3:GetObject"));
    }

    #[test]
    fn all_resources() {
        let r = |spec| stmt(Effect::Allow, ActionSpec::None, spec);
        assert!(r(ResourceSpec::Resource(list(&["arn:aws:s3:::b", "*"]))).on_all_resources());
        assert!(!r(ResourceSpec::Resource(list(&["arn:aws:s3:::*"]))).on_all_resources());
        assert!(!r(ResourceSpec::Resource(list(&[" *"]))).on_all_resources());
        assert!(r(ResourceSpec::NotResource(list(&["arn:aws:s3:::b"]))).on_all_resources());
        assert!(!r(ResourceSpec::None).on_all_resources());
    }

    #[test]
    fn admin_equivalence() {
        let all = || ResourceSpec::Resource(list(&["*"]));
        assert!(stmt(Effect::Allow, ActionSpec::Action(list(&["*"])), all()).is_admin_equivalent());
        assert!(
            stmt(Effect::Allow, ActionSpec::Action(list(&["*:*"])), all()).is_admin_equivalent()
        );
        assert!(stmt(
            Effect::Allow,
            ActionSpec::NotAction(list(&["iam:*"])),
            all()
        )
        .is_admin_equivalent());
        assert!(!stmt(Effect::Deny, ActionSpec::Action(list(&["*"])), all()).is_admin_equivalent());
        assert!(
            !stmt(Effect::Allow, ActionSpec::Action(list(&["iam:*"])), all()).is_admin_equivalent()
        );
        assert!(!stmt(
            Effect::Allow,
            ActionSpec::Action(list(&["*"])),
            ResourceSpec::Resource(list(&["arn:aws:s3:::b/*"]))
        )
        .is_admin_equivalent());
    }

    #[test]
    fn condition_keys_from_all_operators() {
        let mut s = stmt(Effect::Allow, ActionSpec::None, ResourceSpec::None);
        assert!(!s.has_condition());
        s.condition = Some(serde_json::json!({
            "StringEquals": {"sts:ExternalId": "x", "aws:SourceAccount": "1"},
            "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-1/*"]},
            "Bool": {"aws:MultiFactorAuthPresent": "true"},
            "StringLike": {"sts:externalid": "y"}
        }));
        assert_eq!(
            s.condition_keys(),
            list(&[
                "aws:multifactorauthpresent",
                "aws:principalorgpaths",
                "aws:sourceaccount",
                "sts:externalid"
            ])
        );
        assert!(s.has_condition());
        s.condition = Some(serde_json::json!({"StringEquals": {}}));
        assert!(!s.has_condition());
    }
}
