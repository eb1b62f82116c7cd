//! Gathers the facts an assessment needs: every (region, source) pair at once, each through
//! the per-process cache, so one provider process collects a service once however many
//! assessment data sources ask.

use std::collections::BTreeSet;
use std::sync::Arc;

use secbaseline_engine::facts::{
    AccessAnalyzerFacts, ApiGatewayFacts, ApiGatewayV2Facts, CloudTrailFacts, CloudWatchFacts,
    Collected, ConfigFacts, Facts, IamFacts, LexFacts, LogsFacts, PinpointFacts, PublicAccessBlock,
    Source,
};

use crate::aws::AwsClients;
use crate::collect::CollectionCache;
use crate::live::CallCounter;

/// One source's collected facts, as cached.
#[derive(Debug, Clone)]
enum SourceFacts {
    ApiGateway(Collected<ApiGatewayFacts>),
    ApiGatewayV2(Collected<ApiGatewayV2Facts>),
    /// The IAM facts and the outcome of their credential parts.
    Iam(Collected<IamFacts>, Collected<()>),
    AccessAnalyzer(Collected<AccessAnalyzerFacts>),
    Pinpoint(Collected<PinpointFacts>),
    Lex(Collected<LexFacts>),
    CloudTrail(Collected<CloudTrailFacts>),
    Config(Collected<ConfigFacts>),
    CloudWatch(Collected<CloudWatchFacts>),
    Logs(Collected<LogsFacts>),
    S3Account(Collected<Option<PublicAccessBlock>>),
}

/// Sources collected once per account rather than per region.
fn is_global(source: Source) -> bool {
    matches!(
        source,
        Source::Iam | Source::IamPolicies | Source::S3Account
    )
}

/// The IAM facts from their two parts, each collected once per process through `cache`:
/// the authorization details (every IAM source needs them) and, for the whole of IAM, the
/// credential parts. A policy-only assessment so never generates the credential report,
/// and a later whole-IAM one in the same process reuses its authorization details.
async fn iam_facts(
    clients: &AwsClients,
    cache: &CollectionCache,
    account: &str,
    region: &str,
    whole: bool,
    calls: &CallCounter,
) -> (Collected<IamFacts>, Collected<()>) {
    use crate::live::iam::{collect_authorization, collect_credentials, facts};
    let authorization = cache.get_or_collect(account, "global", "IamAuthorization", || {
        collect_authorization(clients, region, calls)
    });
    if !whole {
        return facts(&*authorization.await, None);
    }
    let credentials = cache.get_or_collect(account, "global", "IamCredentials", || {
        collect_credentials(clients, region, calls)
    });
    let (authorization, credentials) = futures::join!(authorization, credentials);
    facts(&authorization, Some(&*credentials))
}

/// Runs the collector of one source in one region.
async fn collect_one(
    clients: &AwsClients,
    cache: &CollectionCache,
    account: &str,
    region: &str,
    source: Source,
    calls: &CallCounter,
) -> SourceFacts {
    use crate::live;
    match source {
        Source::ApiGateway => {
            SourceFacts::ApiGateway(live::apigateway::collect(clients, region, calls).await)
        }
        Source::ApiGatewayV2 => {
            SourceFacts::ApiGatewayV2(live::apigatewayv2::collect(clients, region, calls).await)
        }
        Source::Iam | Source::IamPolicies => {
            let whole = source == Source::Iam;
            let (iam, credentials) = iam_facts(clients, cache, account, region, whole, calls).await;
            SourceFacts::Iam(iam, credentials)
        }
        Source::AccessAnalyzer => SourceFacts::AccessAnalyzer(
            live::access_analyzer::collect(clients, region, calls).await,
        ),
        Source::Pinpoint => {
            SourceFacts::Pinpoint(live::pinpoint::collect(clients, region, calls).await)
        }
        Source::Lex => SourceFacts::Lex(live::lex::collect(clients, region, calls).await),
        Source::CloudTrail => {
            SourceFacts::CloudTrail(live::cloudtrail::collect(clients, region, calls).await)
        }
        Source::Config => SourceFacts::Config(live::config::collect(clients, region, calls).await),
        Source::CloudWatch => {
            SourceFacts::CloudWatch(live::cloudwatch::collect(clients, region, calls).await)
        }
        Source::Logs => SourceFacts::Logs(live::logs::collect(clients, region, calls).await),
        Source::S3Account => {
            SourceFacts::S3Account(live::s3account::collect(clients, account, calls).await)
        }
    }
}

fn store(facts: &mut Facts, region: &str, collected: SourceFacts) {
    match collected {
        SourceFacts::Iam(iam, credentials) => {
            facts.iam = iam;
            facts.iam_credentials = credentials;
        }
        SourceFacts::S3Account(c) => facts.s3_account_public_access_block = c,
        SourceFacts::ApiGateway(c) => facts.region_mut(region).apigateway = c,
        SourceFacts::ApiGatewayV2(c) => facts.region_mut(region).apigatewayv2 = c,
        SourceFacts::AccessAnalyzer(c) => facts.region_mut(region).access_analyzer = c,
        SourceFacts::Pinpoint(c) => facts.region_mut(region).pinpoint = c,
        SourceFacts::Lex(c) => facts.region_mut(region).lex = c,
        SourceFacts::CloudTrail(c) => facts.region_mut(region).cloudtrail = c,
        SourceFacts::Config(c) => facts.region_mut(region).config = c,
        SourceFacts::CloudWatch(c) => facts.region_mut(region).cloudwatch = c,
        SourceFacts::Logs(c) => facts.region_mut(region).logs = c,
    }
}

/// Collects `sources` in `regions` for `account`, concurrently and through `cache`.
pub async fn gather(
    clients: &AwsClients,
    cache: &CollectionCache,
    account: &str,
    partition: &str,
    regions: &[String],
    sources: &BTreeSet<Source>,
    calls: &CallCounter,
) -> Facts {
    let mut jobs: Vec<(String, Source)> = Vec::new();
    for source in sources {
        if is_global(*source) {
            jobs.push((clients.region().to_string(), *source));
        } else {
            jobs.extend(regions.iter().map(|r| (r.clone(), *source)));
        }
    }
    // Boxed futures erase the borrowed types, which keeps the whole read `Send` for tonic.
    let mut pending: Vec<crate::framework::BoxFut<'_, (String, Arc<SourceFacts>)>> = Vec::new();
    for (region, source) in jobs {
        pending.push(Box::pin(async move {
            let key = if is_global(source) {
                "global".to_string()
            } else {
                region.clone()
            };
            let collect = || -> crate::framework::BoxFut<'_, SourceFacts> {
                Box::pin(collect_one(clients, cache, account, &region, source, calls))
            };
            let value: Arc<SourceFacts> = cache
                .get_or_collect(account, &key, &format!("{source:?}"), collect)
                .await;
            (region, value)
        }));
    }
    let results = futures::future::join_all(pending).await;

    let mut facts = Facts::new(account);
    facts.partition = partition.to_string();
    for region in regions {
        facts.region_mut(region);
    }
    for (region, value) in results {
        store(&mut facts, &region, (*value).clone());
    }
    facts
}
