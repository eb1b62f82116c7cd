//! Whose accounts and which regions an assessment judges: `accounts` + `role_name`, an
//! `assume_role` block, or the provider's own account; `regions`, `["all"]` for every enabled
//! one. Validation gives each mistake a diagnostic on its attribute.

use std::collections::BTreeMap;

use crate::aws::AssumeRole;
use crate::diag::{AttrPath, Diag};
use crate::live::estate::{RegionChoice, Target};
use crate::value::Value;

/// `regions` value meaning every region enabled for each account.
pub const ALL_REGIONS: &str = "all";

/// The accounts the configuration asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Accounts {
    /// The provider's own account.
    Own,
    /// One role's account (`assume_role { … }`).
    Role(AssumeRole),
    /// Each of these accounts through the role `role_name` (the provider's own account, when
    /// listed, directly).
    Listed { ids: Vec<String>, role_name: String },
}

impl Accounts {
    /// The targets to gather, given the provider's own account and partition.
    pub fn targets(&self, own_account: &str, partition: &str) -> Vec<Target> {
        match self {
            Accounts::Own => vec![Target::Own],
            Accounts::Role(role) => vec![Target::Role(role.clone())],
            Accounts::Listed { ids, role_name } => ids
                .iter()
                .map(|id| {
                    if id == own_account {
                        Target::Own
                    } else {
                        Target::Role(AssumeRole {
                            role_arn: format!("arn:{partition}:iam::{id}:role/{role_name}"),
                            ..Default::default()
                        })
                    }
                })
                .collect(),
        }
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// An IAM role name, optionally with a path (`audit/SecurityAudit`): `[\w+=,.@-]` segments.
fn is_role_name(s: &str) -> bool {
    let name = s.rsplit('/').next().unwrap_or(s);
    (1..=64).contains(&name.len())
        && s.len() <= 512
        && s.split('/').all(|seg| {
            !seg.is_empty()
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
        })
}

/// `accounts`, `role_name` and `assume_role`; errors are pushed to `errors`.
pub fn parse_accounts(config: &Value, errors: &mut Vec<Diag>) -> Accounts {
    let accounts = config.get("accounts");
    let role_name = config.get("role_name");
    let block = config.get("assume_role").as_list().and_then(|l| l.first());
    let mut ids: Vec<String> = Vec::new();
    let mut first_seen: BTreeMap<&str, usize> = BTreeMap::new();
    let items = accounts.as_list().unwrap_or_default();
    for (i, item) in items.iter().enumerate() {
        let Some(id) = item.as_str() else {
            continue;
        };
        let path = AttrPath::of("accounts").index(i as i64);
        if !is_account_id(id) {
            errors.push(Diag::error(
                "Invalid account ID",
                format!("{id:?} is not an AWS account ID: 12 digits, e.g. \"111122223333\"."),
                Some(path),
            ));
        } else if let Some(first) = first_seen.get(id) {
            errors.push(Diag::error(
                "Duplicate account ID",
                format!(
                    "Account {id} is already listed at accounts[{first}]; list each account once."
                ),
                Some(path),
            ));
        } else {
            first_seen.insert(id, i);
            ids.push(id.to_string());
        }
    }
    let listed = !accounts.is_null();
    // Whether accounts is set is not known yet (e.g. from another data source at validate
    // time): what it needs with it is checked once it is.
    let decided = !accounts.is_unknown() && !role_name.is_unknown();
    if listed && !accounts.is_unknown() && items.is_empty() {
        errors.push(Diag::error(
            "No account listed",
            "accounts = [] would assess no account. List the account IDs (e.g. data.secbaseline_accounts.org.ids), or leave accounts out to assess the provider's own account.",
            Some(AttrPath::of("accounts")),
        ));
    }
    match (listed, &role_name) {
        _ if !decided => {}
        (true, Value::Null) => errors.push(Diag::error(
            "Missing role_name",
            "accounts needs role_name: the name of the IAM role to assume in each listed account (e.g. \"SecurityAudit\").",
            Some(AttrPath::of("accounts")),
        )),
        (false, Value::String(_)) => errors.push(Diag::error(
            "role_name without accounts",
            "role_name names the role to assume in each of `accounts`; without accounts it has nothing to do. Add accounts, or use an assume_role block for a single account.",
            Some(AttrPath::of("role_name")),
        )),
        _ => {}
    }
    if let Value::String(name) = &role_name {
        if !is_role_name(name) {
            errors.push(Diag::error(
                "Invalid role_name",
                format!("{name:?} is not an IAM role name: 1–64 letters, digits or `_+=,.@-`, optionally after a path (`audit/SecurityAudit`)."),
                Some(AttrPath::of("role_name")),
            ));
        }
    }
    let role = block.map(|b| parse_assume_role(b, errors));
    if listed && block.is_some() {
        errors.push(Diag::error(
            "assume_role together with accounts",
            "An assessment reaches either one account through an assume_role block, or each of `accounts` through role_name — not both. For many roles, use for_each over the data source.",
            Some(AttrPath::of("assume_role")),
        ));
    }
    match (role, listed, role_name.as_str()) {
        (Some(Some(role)), false, _) => Accounts::Role(role),
        (_, true, Some(name)) => Accounts::Listed {
            ids,
            role_name: name.to_string(),
        },
        _ => Accounts::Own,
    }
}

/// The `assume_role` block (same rules as the provider's own).
fn parse_assume_role(block: &Value, errors: &mut Vec<Diag>) -> Option<AssumeRole> {
    let path = AttrPath::of("assume_role").index(0);
    let text = |name: &str| block.get(name).as_str().map(str::to_string);
    let mut role = AssumeRole::default();
    match text("role_arn") {
        Some(arn) if arn.starts_with("arn:") && arn.contains(":role/") => role.role_arn = arn,
        Some(arn) => errors.push(Diag::error(
            "Invalid assume_role role_arn",
            format!("{arn:?} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)."),
            Some(path.attr("role_arn")),
        )),
        None if block.get("role_arn").is_unknown() => {}
        None => errors.push(Diag::error(
            "Missing assume_role role_arn",
            "An assume_role block needs role_arn: the ARN of the IAM role to assume.",
            Some(path.attr("role_arn")),
        )),
    }
    match text("session_name") {
        Some(name) if !crate::provider::is_session_name(&name) => errors.push(Diag::error(
            "Invalid assume_role session_name",
            format!("{name:?} is not a role session name: 2–64 letters, digits or `_+=,.@-`."),
            Some(path.attr("session_name")),
        )),
        other => role.session_name = other,
    }
    match text("external_id") {
        Some(id) if !crate::provider::is_external_id(&id) => errors.push(Diag::error(
            "Invalid assume_role external_id",
            "external_id must be 2–1224 letters, digits or `_+=,.@:/-` (the value is not shown).",
            Some(path.attr("external_id")),
        )),
        other => role.external_id = other,
    }
    if let Some(d) = text("duration") {
        match crate::provider::parse_duration(&d) {
            Some(dur) if (900..=43200).contains(&dur.as_secs()) => role.duration = Some(dur),
            _ => errors.push(Diag::error(
                "Invalid assume_role duration",
                format!("{d:?} is not a duration between 15m and 12h (examples: \"1h\", \"30m\")."),
                Some(path.attr("duration")),
            )),
        }
    }
    (!role.role_arn.is_empty()).then_some(role)
}

/// `regions`; errors are pushed to `errors`.
pub fn parse_regions(config: &Value, errors: &mut Vec<Diag>) -> RegionChoice {
    let value = config.get("regions");
    let regions = value.strings();
    if value.as_list().is_some_and(<[Value]>::is_empty) {
        errors.push(Diag::error(
            "No region listed",
            "regions = [] would assess no region. Leave regions out for the provider's region, list regions, or use [\"all\"] for every region enabled in each account.",
            Some(AttrPath::of("regions")),
        ));
    }
    if regions.iter().any(|r| r == ALL_REGIONS) {
        if regions.len() > 1 {
            for (i, r) in regions
                .iter()
                .enumerate()
                .filter(|(_, r)| *r != ALL_REGIONS)
            {
                errors.push(Diag::error(
                    "\"all\" with other regions",
                    format!("\"all\" already means every enabled region; {r:?} adds nothing. Use [\"all\"] alone."),
                    Some(AttrPath::of("regions").index(i as i64)),
                ));
            }
        }
        return RegionChoice::AllEnabled;
    }
    for (i, region) in regions.iter().enumerate() {
        if !crate::provider::is_region_name(region) {
            errors.push(Diag::error(
                "Invalid region",
                format!(
                    "\"{region}\" is not an AWS region name (e.g. \"us-east-1\"), nor \"all\"."
                ),
                Some(AttrPath::of("regions").index(i as i64)),
            ));
        }
    }
    if regions.is_empty() {
        RegionChoice::Provider
    } else {
        RegionChoice::Listed(regions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(config: Value) -> (Accounts, Vec<String>) {
        let mut errors = Vec::new();
        let a = parse_accounts(&config, &mut errors);
        let paths = errors
            .iter()
            .map(|d| d.path.as_ref().map(|p| p.to_string()).unwrap_or_default())
            .collect();
        (a, paths)
    }

    #[test]
    fn bad_account_lists_get_a_diagnostic_on_the_element() {
        let (_, paths) = parse(Value::object([
            (
                "accounts",
                Value::string_list(["111122223333", "12345", "111122223333"]),
            ),
            ("role_name", Value::string("audit")),
        ]));
        assert_eq!(paths, ["accounts[1]", "accounts[2]"]);
        let (_, paths) = parse(Value::object([(
            "accounts",
            Value::string_list(["111122223333"]),
        )]));
        assert_eq!(paths, ["accounts"]);
        let (_, paths) = parse(Value::object([("role_name", Value::string("audit"))]));
        assert_eq!(paths, ["role_name"]);
    }

    #[test]
    fn the_provider_account_is_read_directly_the_others_through_the_role() {
        let (accounts, errors) = parse(Value::object([
            (
                "accounts",
                Value::string_list(["111122223333", "444455556666"]),
            ),
            ("role_name", Value::string("audit/SecurityAudit")),
        ]));
        assert!(errors.is_empty());
        let targets = accounts.targets("111122223333", "aws");
        assert_eq!(targets[0], Target::Own);
        assert_eq!(
            targets[1],
            Target::Role(AssumeRole {
                role_arn: "arn:aws:iam::444455556666:role/audit/SecurityAudit".into(),
                ..Default::default()
            })
        );
    }

    #[test]
    fn regions_all_alone_or_listed() {
        let mut errors = Vec::new();
        let all = parse_regions(
            &Value::object([("regions", Value::string_list(["all"]))]),
            &mut errors,
        );
        assert_eq!(all, RegionChoice::AllEnabled);
        assert!(errors.is_empty());
        parse_regions(
            &Value::object([("regions", Value::string_list(["all", "us-east-1"]))]),
            &mut errors,
        );
        parse_regions(
            &Value::object([("regions", Value::List(Vec::new()))]),
            &mut errors,
        );
        let paths: Vec<String> = errors
            .iter()
            .map(|d| d.path.as_ref().map(|p| p.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(paths, ["regions[1]", "regions"]);
    }
}
