//! Gathers the facts of every account an assessment targets — the provider's own, one role's,
//! or a list of accounts reached through one role name — concurrently, each in its own
//! regions, within the process's one budget. An account that cannot be reached gives facts
//! that fail with AWS's own error, for that account alone.

use std::collections::BTreeSet;

use secbaseline_engine::facts::{Facts, Source};

use crate::aws::{AssumeRole, AwsClients};
use crate::error::Error;
use crate::live::gather::{gather, Gathering};
use crate::live::{regions, CallCounter};

/// One account to assess, and how to reach it.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// The account of the provider's own credentials.
    Own,
    /// The account of a role assumed with the provider's credentials.
    Role(AssumeRole),
}

/// Which regions each account is assessed in.
#[derive(Debug, Clone, PartialEq)]
pub enum RegionChoice {
    /// The provider's region.
    Provider,
    /// These regions.
    Listed(Vec<String>),
    /// Every region enabled for the account (`regions = ["all"]`).
    AllEnabled,
}

/// The shared machinery of one assessment's collection (the clients are per account).
pub struct Shared<'a> {
    pub base: &'a AwsClients,
    pub cache: &'a crate::collect::CollectionCache,
    pub budget: &'a tokio::sync::Semaphore,
    pub calls: &'a CallCounter,
}

/// The facts of every target, in target order.
pub async fn gather_estate(
    shared: &Shared<'_>,
    targets: &[Target],
    regions: &RegionChoice,
    sources: &BTreeSet<Source>,
) -> Vec<Facts> {
    let jobs = targets
        .iter()
        .map(|target| gather_target(shared, target, regions, sources));
    futures::future::join_all(jobs).await
}

async fn gather_target(
    shared: &Shared<'_>,
    target: &Target,
    choice: &RegionChoice,
    sources: &BTreeSet<Source>,
) -> Facts {
    let provider_region = vec![shared.base.region().to_string()];
    let clients = match target {
        Target::Own => Ok(shared.base.clone()),
        Target::Role(role) => {
            let _permit = shared.budget.acquire().await.ok();
            shared.calls.tick();
            shared.base.assume(role).await
        }
    };
    let clients = match clients {
        Ok(c) => c,
        Err(e) => {
            let account = match target {
                Target::Role(role) => role.role_arn.split(':').nth(4).unwrap_or("").to_string(),
                Target::Own => String::new(),
            };
            let regions = match choice {
                RegionChoice::Listed(r) => r.clone(),
                _ => provider_region,
            };
            return unreadable(&account, &regions, e);
        }
    };
    let identity = match clients.identity().await {
        Ok(i) => i,
        Err(e) => return unreadable("", &provider_region, e),
    };
    let regions = match choice {
        RegionChoice::Provider => provider_region,
        RegionChoice::Listed(r) => r.clone(),
        RegionChoice::AllEnabled => {
            let _permit = shared.budget.acquire().await.ok();
            match regions::enabled(&clients, shared.calls).await {
                Ok(r) if !r.is_empty() => r,
                Ok(_) => provider_region,
                Err(e) => return unreadable(&identity.account_id, &provider_region, e),
            }
        }
    };
    let g = Gathering {
        clients: &clients,
        cache: shared.cache,
        budget: shared.budget,
        calls: shared.calls,
    };
    gather(
        &g,
        &identity.account_id,
        &identity.partition,
        &regions,
        sources,
    )
    .await
}

/// The facts of an account that could not be reached: every source fails with the AWS error
/// code and what was being done ("assuming role arn:…: AccessDenied: …").
fn unreadable(account: &str, regions: &[String], e: Error) -> Facts {
    let (code, message) = match &e {
        Error::Aws {
            code,
            action,
            message,
            ..
        } => (code.clone(), format!("{action}: {message}")),
        other => ("InternalError".to_string(), other.to_string()),
    };
    Facts::unreadable(account, regions, &code, &message)
}
