//! Reads an AWS Organization's tree from its management (or delegated administrator) account:
//! the root, every organizational unit and every account, with each account's path of OU
//! names. What `secbaseline_accounts` lists.

use std::collections::BTreeMap;

use crate::aws::{aws_error, AwsClients};
use crate::error::Error;
use crate::live::paging::all_pages;
use crate::live::CallCounter;

/// An account of the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub email: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`.
    pub status: String,
    /// Names from the root down to the account's parent: `/Root/Workloads/Prod`.
    pub ou_path: String,
    /// The IDs of the root and every OU above the account, outermost first.
    pub ancestors: Vec<String>,
}

/// Every account of the organization, in ID order.
pub async fn members(clients: &AwsClients, calls: &CallCounter) -> Result<Vec<Member>, Error> {
    let org = clients.organizations(clients.region());
    calls.tick();
    let roots = org.list_roots().send().await.map_err(|e| {
        aws_error(
            "listing the organization's roots (organizations:ListRoots)",
            e,
        )
    })?;
    // (parent id, path of names, ancestor ids) still to visit.
    let mut frontier: Vec<(String, String, Vec<String>)> = roots
        .roots()
        .iter()
        .filter_map(|r| {
            let id = r.id()?.to_owned();
            let name = r.name().unwrap_or("Root").to_owned();
            Some((id.clone(), format!("/{name}"), vec![id]))
        })
        .collect();
    let mut found: BTreeMap<String, Member> = BTreeMap::new();
    while !frontier.is_empty() {
        let level = futures::future::join_all(
            frontier
                .iter()
                .map(|(parent, _, _)| children(clients, calls, parent)),
        )
        .await;
        let mut next = Vec::new();
        for ((_, path, ancestors), result) in frontier.iter().zip(level) {
            let (units, accounts) = result?;
            for a in accounts {
                found.insert(
                    a.id.clone(),
                    Member {
                        ou_path: path.clone(),
                        ancestors: ancestors.clone(),
                        ..a
                    },
                );
            }
            for (id, name) in units {
                let mut below = ancestors.clone();
                below.push(id.clone());
                next.push((id, format!("{path}/{name}"), below));
            }
        }
        frontier = next;
    }
    Ok(found.into_values().collect())
}

/// The OUs (id, name) and accounts directly under `parent`.
async fn children(
    clients: &AwsClients,
    calls: &CallCounter,
    parent: &str,
) -> Result<(Vec<(String, String)>, Vec<Member>), Error> {
    let org = clients.organizations(clients.region());
    let units = all_pages(calls, |token| {
        let org = org.clone();
        async move {
            let out = org
                .list_organizational_units_for_parent()
                .parent_id(parent)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| aws_error(format!("listing the OUs under {parent}"), e))?;
            let units = out
                .organizational_units()
                .iter()
                .filter_map(|u| Some((u.id()?.to_owned(), u.name().unwrap_or_default().to_owned())))
                .collect();
            Ok((units, out.next_token().map(str::to_owned)))
        }
    });
    let accounts = all_pages(calls, |token| {
        let org = org.clone();
        async move {
            let out = org
                .list_accounts_for_parent()
                .parent_id(parent)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| aws_error(format!("listing the accounts under {parent}"), e))?;
            let accounts = out
                .accounts()
                .iter()
                .filter_map(|a| {
                    Some(Member {
                        id: a.id()?.to_owned(),
                        name: a.name().unwrap_or_default().to_owned(),
                        email: a.email().unwrap_or_default().to_owned(),
                        status: a
                            .status()
                            .map(|s| s.as_str().to_owned())
                            .unwrap_or_default(),
                        ou_path: String::new(),
                        ancestors: Vec::new(),
                    })
                })
                .collect();
            Ok((accounts, out.next_token().map(str::to_owned)))
        }
    });
    let (units, accounts) = futures::join!(units, accounts);
    Ok((units?, accounts?))
}
