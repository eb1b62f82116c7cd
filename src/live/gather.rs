//! Gathers the facts an assessment needs through one registry of collectors: each entry names
//! its source, its scope (once per account, or once per region) and where its facts go. Every
//! (account, region, source) is collected once per provider process through the cache, and
//! every collection waits for a permit of the process's one concurrency budget, so many
//! accounts and regions neither serialize nor flood AWS.

use std::any::Any;
use std::collections::BTreeSet;
use std::sync::Arc;

use secbaseline_engine::facts::{Collected, Facts, IamFacts, Source};
use tokio::sync::Semaphore;

use crate::aws::AwsClients;
use crate::collect::{CollectionCache, Key, Part};
use crate::framework::BoxFut;
use crate::live::{self, CallCounter};

/// Collected once per account, or once per assessed region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Account,
    Regional,
}

/// What one collection job runs with.
#[derive(Clone, Copy)]
pub struct Job<'a> {
    pub clients: &'a AwsClients,
    pub cache: &'a CollectionCache,
    pub account: &'a str,
    pub region: &'a str,
    pub calls: &'a CallCounter,
}

type Erased = Arc<dyn Any + Send + Sync>;

/// One collector of the registry.
pub struct Collector {
    /// The fact unit it fills.
    pub source: Source,
    /// Once per account or per region.
    pub scope: Scope,
    /// Collects (the value is what `store` expects).
    run: for<'a> fn(Job<'a>) -> BoxFut<'a, Erased>,
    /// Puts the collected value into its place in the facts.
    store: fn(&mut Facts, &str, &(dyn Any + Send + Sync)),
}

/// `*slot = value` when `value` is a `T` (the registry pairs each `run` with its `store`).
fn put<T: Clone + 'static>(slot: &mut T, value: &(dyn Any + Send + Sync)) {
    if let Some(v) = value.downcast_ref::<T>() {
        *slot = v.clone();
    }
}

macro_rules! regional {
    ($run:ident, $source:expr, $collect:path, $field:ident) => {{
        fn $run(job: Job<'_>) -> BoxFut<'_, Erased> {
            Box::pin(async move {
                Arc::new($collect(job.clients, job.region, job.calls).await) as Erased
            })
        }
        Collector {
            source: $source,
            scope: Scope::Regional,
            run: $run,
            store: |facts, region, value| put(&mut facts.region_mut(region).$field, value),
        }
    }};
}

/// The IAM facts and the outcome of their credential parts, as IAM's collectors return them.
type IamOutcome = (Collected<IamFacts>, Collected<()>);

fn store_iam(facts: &mut Facts, _region: &str, value: &(dyn Any + Send + Sync)) {
    if let Some((iam, credentials)) = value.downcast_ref::<IamOutcome>() {
        facts.iam = iam.clone();
        facts.iam_credentials = credentials.clone();
    }
}

/// The IAM facts from their two parts, each collected once per process: the authorization
/// details (every IAM source needs them) and, for the whole of IAM, the credential parts. A
/// policy-only assessment so never generates the credential report, and a later whole-IAM one
/// in the same process reuses its authorization details.
async fn iam(job: Job<'_>, whole: bool) -> IamOutcome {
    use crate::live::iam::{collect_authorization, collect_credentials, facts};
    let key = |part| Key {
        account: job.account.to_owned(),
        region: None,
        part,
    };
    let authorization = job.cache.get_or_collect(key(Part::IamAuthorization), || {
        collect_authorization(job.clients, job.region, job.calls)
    });
    if !whole {
        return facts(&*authorization.await, None);
    }
    let credentials = job.cache.get_or_collect(key(Part::IamCredentials), || {
        collect_credentials(job.clients, job.region, job.calls)
    });
    let (authorization, credentials) = futures::join!(authorization, credentials);
    facts(&authorization, Some(&*credentials))
}

fn run_iam(job: Job<'_>) -> BoxFut<'_, Erased> {
    Box::pin(async move { Arc::new(iam(job, true).await) as Erased })
}

fn run_iam_policies(job: Job<'_>) -> BoxFut<'_, Erased> {
    Box::pin(async move { Arc::new(iam(job, false).await) as Erased })
}

fn run_s3_account(job: Job<'_>) -> BoxFut<'_, Erased> {
    Box::pin(async move {
        Arc::new(live::s3account::collect(job.clients, job.account, job.calls).await) as Erased
    })
}

fn run_organization(job: Job<'_>) -> BoxFut<'_, Erased> {
    Box::pin(async move {
        Arc::new(live::organization::collect(job.clients, job.calls).await) as Erased
    })
}

/// Every collector: the one list of what can be collected, how and where it goes.
pub fn collectors() -> &'static [Collector] {
    static COLLECTORS: std::sync::OnceLock<Vec<Collector>> = std::sync::OnceLock::new();
    COLLECTORS.get_or_init(|| {
        vec![
            regional!(
                apigateway,
                Source::ApiGateway,
                live::apigateway::collect,
                apigateway
            ),
            regional!(
                apigatewayv2,
                Source::ApiGatewayV2,
                live::apigatewayv2::collect,
                apigatewayv2
            ),
            regional!(
                access_analyzer,
                Source::AccessAnalyzer,
                live::access_analyzer::collect,
                access_analyzer
            ),
            regional!(
                pinpoint,
                Source::Pinpoint,
                live::pinpoint::collect,
                pinpoint
            ),
            regional!(lex, Source::Lex, live::lex::collect, lex),
            regional!(
                cloudtrail,
                Source::CloudTrail,
                live::cloudtrail::collect,
                cloudtrail
            ),
            regional!(config, Source::Config, live::config::collect, config),
            regional!(
                cloudwatch,
                Source::CloudWatch,
                live::cloudwatch::collect,
                cloudwatch
            ),
            regional!(logs, Source::Logs, live::logs::collect, logs),
            Collector {
                source: Source::Iam,
                scope: Scope::Account,
                run: run_iam,
                store: store_iam,
            },
            Collector {
                source: Source::IamPolicies,
                scope: Scope::Account,
                run: run_iam_policies,
                store: store_iam,
            },
            Collector {
                source: Source::S3Account,
                scope: Scope::Account,
                run: run_s3_account,
                store: |facts, _, value| put(&mut facts.s3_account_public_access_block, value),
            },
            Collector {
                source: Source::Organization,
                scope: Scope::Account,
                run: run_organization,
                store: |facts, _, value| put(&mut facts.organization, value),
            },
        ]
    })
}

/// The collector of `source`.
pub fn collector(source: Source) -> Option<&'static Collector> {
    collectors().iter().find(|c| c.source == source)
}

/// Where an assessment's facts come from, and the shared machinery that collects them.
pub struct Gathering<'a> {
    pub clients: &'a AwsClients,
    pub cache: &'a CollectionCache,
    /// The process's concurrency budget: one permit per running collection.
    pub budget: &'a Semaphore,
    pub calls: &'a CallCounter,
}

/// Collects `sources` in `regions` for `account`, concurrently within the budget and through
/// the cache.
pub async fn gather(
    g: &Gathering<'_>,
    account: &str,
    partition: &str,
    regions: &[String],
    sources: &BTreeSet<Source>,
) -> Facts {
    let mut jobs: Vec<(&'static Collector, String)> = Vec::new();
    for source in sources {
        let Some(c) = collector(*source) else {
            continue;
        };
        match c.scope {
            Scope::Account => jobs.push((c, g.clients.region().to_string())),
            Scope::Regional => jobs.extend(regions.iter().map(|r| (c, r.clone()))),
        }
    }
    // Boxed futures erase the borrowed types, which keeps the whole read `Send` for tonic.
    let mut pending: Vec<BoxFut<'_, (&'static Collector, String, Erased)>> = Vec::new();
    for (c, region) in jobs {
        pending.push(Box::pin(async move {
            let key = Key {
                account: account.to_owned(),
                region: (c.scope == Scope::Regional).then(|| region.clone()),
                part: Part::Source(c.source),
            };
            let job = Job {
                clients: g.clients,
                cache: g.cache,
                account,
                region: &region,
                calls: g.calls,
            };
            let value: Arc<Erased> = g
                .cache
                .get_or_collect(key, || async {
                    // A closed semaphore is never closed here; without a permit, collect anyway.
                    let _permit = g.budget.acquire().await.ok();
                    (c.run)(job).await
                })
                .await;
            (c, region, Erased::clone(&value))
        }));
    }
    let results = futures::future::join_all(pending).await;

    let mut facts = Facts::new(account);
    facts.partition = partition.to_string();
    for region in regions {
        facts.region_mut(region);
    }
    for (c, region, value) in results {
        (c.store)(&mut facts, &region, value.as_ref());
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_has_exactly_one_collector() {
        assert_eq!(collectors().len(), Source::ALL.len());
        for s in Source::ALL {
            assert_eq!(
                collectors().iter().filter(|c| c.source == s).count(),
                1,
                "{s:?}"
            );
        }
    }
}
