//! `secbaseline_accounts`: the organization's ACTIVE accounts (from AWS Organizations, read
//! with the provider's credentials in the management or a delegated administrator account),
//! optionally only those under some organizational units (recursively), minus exclusions.

use crate::diag::{AttrPath, Diag};
use crate::framework::{BoxFut, DataSource, ProviderState, ReadResult};
use crate::live::organization_tree::{members, Member};
use crate::live::CallCounter;
use crate::schema::{Attribute, Block};
use crate::value::{Ty, Value};

/// The organization accounts data source.
pub struct AccountsDataSource;

fn account_type() -> Ty {
    Ty::object([
        ("id", Ty::String),
        ("name", Ty::String),
        ("email", Ty::String),
        ("ou_path", Ty::String),
    ])
}

/// A root (`r-…`) or organizational unit (`ou-…-…`) ID.
fn is_parent_id(s: &str) -> bool {
    let ok = |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric());
    match s.split('-').collect::<Vec<_>>().as_slice() {
        ["r", id] => ok(id),
        ["ou", root, id] => ok(root) && ok(id),
        _ => false,
    }
}

fn validate(config: &Value) -> Vec<Diag> {
    let mut diags = Vec::new();
    for (i, id) in config.get("ou_ids").strings().iter().enumerate() {
        if !is_parent_id(id) {
            diags.push(Diag::error(
                "Invalid OU ID",
                format!("{id:?} is not an organizational unit ID (`ou-abcd-12345678`) or root ID (`r-abcd`)."),
                Some(AttrPath::of("ou_ids").index(i as i64)),
            ));
        }
    }
    for (i, id) in config.get("exclude_ids").strings().iter().enumerate() {
        if !(id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())) {
            diags.push(Diag::error(
                "Invalid account ID",
                format!("{id:?} is not an AWS account ID: 12 digits."),
                Some(AttrPath::of("exclude_ids").index(i as i64)),
            ));
        }
    }
    diags
}

/// The members `config` selects: ACTIVE, under one of `ou_ids` (any depth) when given, not
/// excluded. An OU the organization does not have is an error on it.
fn select(all: Vec<Member>, config: &Value) -> Result<Vec<Member>, Vec<Diag>> {
    let ou_ids = config.get("ou_ids").strings();
    let exclude = config.get("exclude_ids").strings();
    let missing: Vec<Diag> = ou_ids
        .iter()
        .enumerate()
        .filter(|(_, ou)| !all.iter().any(|m| m.ancestors.contains(ou)))
        .map(|(i, ou)| {
            Diag::error(
                "Organizational unit not found",
                format!("The organization has no account under {ou:?} (no such OU, or it holds no account)."),
                Some(AttrPath::of("ou_ids").index(i as i64)),
            )
        })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    Ok(all
        .into_iter()
        .filter(|m| m.status == "ACTIVE")
        .filter(|m| ou_ids.is_empty() || m.ancestors.iter().any(|a| ou_ids.contains(a)))
        .filter(|m| !exclude.contains(&m.id))
        .collect())
}

impl DataSource for AccountsDataSource {
    fn name(&self) -> &'static str {
        "secbaseline_accounts"
    }

    fn schema(&self) -> Block {
        Block::new("The ACTIVE accounts of the AWS Organization, read from the management account (or a delegated administrator) the provider's credentials are in — for `accounts` of `secbaseline_assessment`.")
            .attr(Attribute::optional("ou_ids", Ty::list(Ty::String), "Only accounts under these organizational units (`ou-…`) or roots (`r-…`), at any depth."))
            .attr(Attribute::optional("exclude_ids", Ty::list(Ty::String), "Account IDs to leave out."))
            .attr(Attribute::computed("id", Ty::String, "Identifier of this listing."))
            .attr(Attribute::computed("ids", Ty::list(Ty::String), "The selected account IDs, in ID order."))
            .attr(Attribute::computed("accounts", Ty::list(account_type()), "The selected accounts: `id`, `name`, `email` and `ou_path` (OU names from the root, `/Root/Workloads/Prod`)."))
    }

    fn validate(&self, config: &Value) -> Vec<Diag> {
        validate(config)
    }

    fn read<'a>(&'a self, state: &'a ProviderState, config: Value) -> BoxFut<'a, ReadResult> {
        Box::pin(async move {
            let diags = validate(&config);
            if !diags.is_empty() {
                return ReadResult { value: None, diags };
            }
            let clients = match state.clients() {
                Ok(c) => c,
                Err(e) => return ReadResult::error(e),
            };
            let all = match members(&clients, &CallCounter::default()).await {
                Ok(all) => all,
                Err(e) => return ReadResult::error(e),
            };
            let selected = match select(all, &config) {
                Ok(s) => s,
                Err(diags) => return ReadResult { value: None, diags },
            };
            let ids: Vec<String> = selected.iter().map(|m| m.id.clone()).collect();
            let mut state = config.clone();
            state.set("id", Value::string(format!("{} accounts", ids.len())));
            state.set("ids", Value::string_list(ids));
            state.set(
                "accounts",
                Value::List(
                    selected
                        .iter()
                        .map(|m| {
                            Value::object([
                                ("id", Value::string(&m.id)),
                                ("name", Value::string(&m.name)),
                                ("email", Value::string(&m.email)),
                                ("ou_path", Value::string(&m.ou_path)),
                            ])
                        })
                        .collect(),
                ),
            );
            ReadResult::ok(state)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, status: &str, ancestors: &[&str]) -> Member {
        Member {
            id: id.into(),
            name: id.into(),
            email: format!("{id}@example.com"),
            status: status.into(),
            ou_path: "/Root".into(),
            ancestors: ancestors.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn active_accounts_under_the_ous_minus_exclusions() {
        let all = vec![
            member("111111111111", "ACTIVE", &["r-ab12", "ou-ab12-prod0001"]),
            member(
                "222222222222",
                "ACTIVE",
                &["r-ab12", "ou-ab12-prod0001", "ou-ab12-web00001"],
            ),
            member("333333333333", "SUSPENDED", &["r-ab12", "ou-ab12-prod0001"]),
            member("444444444444", "ACTIVE", &["r-ab12", "ou-ab12-dev00001"]),
        ];
        let config = Value::object([
            ("ou_ids", Value::string_list(["ou-ab12-prod0001"])),
            ("exclude_ids", Value::string_list(["111111111111"])),
        ]);
        let ids: Vec<String> = select(all.clone(), &config)
            .unwrap_or_default()
            .into_iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(ids, ["222222222222"]);
        let missing = select(
            all,
            &Value::object([("ou_ids", Value::string_list(["ou-ab12-none0000"]))]),
        );
        assert!(missing.is_err());
    }

    #[test]
    fn ids_are_checked_on_their_elements() {
        let diags = validate(&Value::object([
            ("ou_ids", Value::string_list(["ou-ab12-prod0001", "prod"])),
            ("exclude_ids", Value::string_list(["12"])),
        ]));
        let paths: Vec<String> = diags
            .iter()
            .map(|d| d.path.as_ref().map(|p| p.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(paths, ["ou_ids[1]", "exclude_ids[0]"]);
    }
}
