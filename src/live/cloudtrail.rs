//! Collects CloudTrail facts: trails with status and event selectors, and the S3 buckets home-region trails write to.
//!
//! Calls for T trails visible in the region, B distinct buckets of the trails whose home region
//! this is: 1 DescribeTrails (shadow trails included, so a multi-region trail created elsewhere
//! counts here too) + T GetTrailStatus + T GetEventSelectors (both sent to the trail's home
//! region, by ARN) + 4·B bucket reads (GetBucketPolicy, GetPublicAccessBlock, GetBucketAcl,
//! GetBucketLogging; the policy read follows S3's region redirect once when the bucket lives in
//! another region). Each bucket is `Collected` on its own: an unreadable bucket is an ERROR for
//! the bucket control only. Buckets of shadow trails are read in their home region's collection,
//! where the per-trail controls judge them, not once per region.

use std::collections::BTreeMap;

use aws_sdk_cloudtrail::types as sdk;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use futures::{StreamExt, TryStreamExt};
use secbaseline_engine::facts::{
    CloudTrailFacts, Collected, EventSelector, FieldSelector, Known, PublicAccessBlock,
    ReadWriteType, Trail, TrailBucket,
};

use crate::aws::{aws_error, AwsClients};
use crate::error::Error;
use crate::live::{into_collected, CallCounter, FAN_OUT};

/// ACL grantees that make a bucket public (`docs/controls/cloudtrail_bucket_not_public.md`).
const PUBLIC_GRANTEES: &[&str] = &[
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

/// CloudTrail facts of `region`. A failed trail read makes the service `Failed`; a failed
/// bucket read fails only that bucket's entry.
pub async fn collect(
    clients: &AwsClients,
    region: &str,
    calls: &CallCounter,
) -> Collected<CloudTrailFacts> {
    into_collected(collect_facts(clients, region, calls).await)
}

async fn collect_facts(
    clients: &AwsClients,
    region: &str,
    calls: &CallCounter,
) -> Result<CloudTrailFacts, Error> {
    calls.tick();
    let listed = clients
        .cloudtrail(region)
        .describe_trails()
        .include_shadow_trails(true)
        .send()
        .await
        .map_err(|e| aws_error(format!("listing CloudTrail trails in {region}"), e))?;
    let mut trails: Vec<Trail> = futures::stream::iter(listed.trail_list().iter().cloned())
        .map(|t| describe_trail(clients, region, calls, t))
        .buffer_unordered(FAN_OUT)
        .try_collect()
        .await?;
    trails.sort_by(|a, b| (a.arn.as_known(), &a.name).cmp(&(b.arn.as_known(), &b.name)));

    let mut names: Vec<String> = trails
        .iter()
        .filter(|t| t.home_region == region)
        .filter_map(|t| t.s3_bucket.as_known().filter(|b| !b.is_empty()).cloned())
        .collect();
    names.sort();
    names.dedup();
    let buckets = read_buckets(clients, region, calls, names).await;
    Ok(CloudTrailFacts { trails, buckets })
}

/// The policy, public access block, ACL and logging of each named bucket (a failed read
/// fails only that bucket's entry). Also what `live+plan` reads for buckets a planned trail
/// names that no live trail writes to yet.
pub async fn read_buckets(
    clients: &AwsClients,
    region: &str,
    calls: &CallCounter,
    names: Vec<String>,
) -> BTreeMap<String, Collected<TrailBucket>> {
    futures::stream::iter(names)
        .map(|name| async move {
            let bucket = into_collected(read_bucket(clients, region, calls, &name).await);
            (name, bucket)
        })
        .buffer_unordered(FAN_OUT)
        .collect()
        .await
}

/// GetTrailStatus and GetEventSelectors of one trail, in its home region. For organization
/// trails (which another account may own) a refused read leaves the value unknown instead of
/// failing every CloudTrail control.
async fn describe_trail(
    clients: &AwsClients,
    region: &str,
    calls: &CallCounter,
    trail: sdk::Trail,
) -> Result<Trail, Error> {
    let name = trail.name().unwrap_or_default().to_string();
    let arn = trail.trail_arn().unwrap_or_default().to_string();
    let home = trail.home_region().unwrap_or(region).to_string();
    let key = if arn.is_empty() {
        name.clone()
    } else {
        arn.clone()
    };
    let client = clients.cloudtrail(&home);
    let status = async {
        calls.tick();
        client
            .get_trail_status()
            .name(&key)
            .send()
            .await
            .map(|s| s.is_logging().unwrap_or(false))
            .map_err(|e| {
                aws_error(
                    format!("reading the status of CloudTrail trail {name} in {home}"),
                    e,
                )
            })
    };
    let selectors = async {
        calls.tick();
        client
            .get_event_selectors()
            .trail_name(&key)
            .send()
            .await
            .map(|out| {
                let classic = out.event_selectors().iter().map(classic_selector);
                let advanced = out.advanced_event_selectors().iter().map(advanced_selector);
                classic.chain(advanced).collect::<Vec<_>>()
            })
            .map_err(|e| {
                aws_error(
                    format!("reading the event selectors of CloudTrail trail {name} in {home}"),
                    e,
                )
            })
    };
    let (status, selectors) = futures::join!(status, selectors);
    let organization = trail.is_organization_trail().unwrap_or(false);
    let is_logging = tolerate_organization(status, organization, &arn)?;
    let event_selectors = tolerate_organization(selectors, organization, &arn)?;
    Ok(Trail {
        owner_account: arn
            .split(':')
            .nth(4)
            .filter(|a| !a.is_empty())
            .map(str::to_string),
        arn: Known::Known(arn.clone()),
        home_region: home,
        is_multi_region: Known::Known(trail.is_multi_region_trail().unwrap_or(false)),
        is_logging,
        log_file_validation: Known::Known(trail.log_file_validation_enabled().unwrap_or(false)),
        kms_key_id: Known::Known(non_empty(trail.kms_key_id())),
        cloudwatch_logs_log_group_arn: Known::Known(non_empty(
            trail.cloud_watch_logs_log_group_arn(),
        )),
        s3_bucket: Known::Known(trail.s3_bucket_name().unwrap_or_default().to_string()),
        is_organization_trail: organization,
        event_selectors,
        address: None,
        name,
    })
}

/// A read of an organization trail that failed becomes `Unknown` (another account may own the
/// trail); for the account's own trails the error stands.
fn tolerate_organization<T>(
    read: Result<T, Error>,
    organization: bool,
    arn: &str,
) -> Result<Known<T>, Error> {
    match read {
        Ok(v) => Ok(Known::Known(v)),
        Err(e) if organization => {
            tracing::warn!(trail = %arn, error = %e, "organization trail not readable; its value stays unknown");
            Ok(Known::Unknown)
        }
        Err(e) => Err(e),
    }
}

fn classic_selector(s: &sdk::EventSelector) -> EventSelector {
    EventSelector::Classic {
        read_write_type: match s.read_write_type() {
            Some(sdk::ReadWriteType::ReadOnly) => ReadWriteType::ReadOnly,
            Some(sdk::ReadWriteType::WriteOnly) => ReadWriteType::WriteOnly,
            _ => ReadWriteType::All,
        },
        // AWS's default for a selector that does not say.
        include_management_events: s.include_management_events().unwrap_or(true),
    }
}

fn advanced_selector(s: &sdk::AdvancedEventSelector) -> EventSelector {
    EventSelector::Advanced {
        name: s.name().map(str::to_string),
        field_selectors: s
            .field_selectors()
            .iter()
            .map(|f| FieldSelector {
                field: f.field().to_string(),
                equals: f.equals().to_vec(),
                not_equals: f.not_equals().to_vec(),
                starts_with: f.starts_with().to_vec(),
                not_starts_with: f.not_starts_with().to_vec(),
                ends_with: f.ends_with().to_vec(),
                not_ends_with: f.not_ends_with().to_vec(),
            })
            .collect(),
    }
}

/// Policy, public access block, ACL and logging of one bucket.
async fn read_bucket(
    clients: &AwsClients,
    region: &str,
    calls: &CallCounter,
    bucket: &str,
) -> Result<TrailBucket, Error> {
    let action =
        |what: &str, r: &str| format!("reading the {what} of CloudTrail bucket {bucket} in {r}");
    let mut bucket_region = region.to_string();
    let mut s3 = clients.s3(&bucket_region);
    calls.tick();
    let mut policy = s3.get_bucket_policy().bucket(bucket).send().await;
    let redirect = policy
        .as_ref()
        .err()
        .and_then(redirect_region)
        .filter(|r| *r != bucket_region);
    if let Some(other) = redirect {
        bucket_region = other;
        s3 = clients.s3(&bucket_region);
        calls.tick();
        policy = s3.get_bucket_policy().bucket(bucket).send().await;
    }
    let policy = match policy {
        Ok(out) => out
            .policy()
            .filter(|p| !p.trim().is_empty())
            .map(str::to_string),
        Err(e) => absent_if(
            aws_error(action("policy", &bucket_region), e),
            "NoSuchBucketPolicy",
        )?,
    };
    let r = bucket_region.as_str();
    let public_access_block = async {
        calls.tick();
        match s3.get_public_access_block().bucket(bucket).send().await {
            Ok(out) => Ok(out
                .public_access_block_configuration()
                .map(|c| PublicAccessBlock {
                    block_public_acls: c.block_public_acls().unwrap_or(false),
                    ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                    block_public_policy: c.block_public_policy().unwrap_or(false),
                    restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
                })),
            Err(e) => absent_if(
                aws_error(action("public access block", r), e),
                "NoSuchPublicAccessBlockConfiguration",
            ),
        }
    };
    let acl = async {
        calls.tick();
        let out = s3
            .get_bucket_acl()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| aws_error(action("ACL", r), e))?;
        let mut grantees: Vec<String> = out
            .grants()
            .iter()
            .filter_map(|g| g.grantee().and_then(|g| g.uri()))
            .filter(|uri| PUBLIC_GRANTEES.contains(uri))
            .map(str::to_string)
            .collect();
        grantees.sort();
        grantees.dedup();
        Ok::<_, Error>(grantees)
    };
    let logging = async {
        calls.tick();
        let out = s3
            .get_bucket_logging()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| aws_error(action("access logging", r), e))?;
        Ok::<_, Error>(
            out.logging_enabled()
                .map(|l| l.target_bucket().to_string())
                .filter(|b| !b.is_empty()),
        )
    };
    let (public_access_block, public_acl_grantees, logging_target_bucket) =
        futures::try_join!(public_access_block, acl, logging)?;
    Ok(TrailBucket {
        name: bucket.to_string(),
        policy: Known::Known(policy),
        public_access_block: Known::Known(public_access_block),
        public_acl_grantees: Known::Known(public_acl_grantees),
        logging_target_bucket: Known::Known(logging_target_bucket),
        address: None,
    })
}

/// `Ok(None)` when the error is exactly "this configuration does not exist" (`code`); any other
/// error, including a missing bucket, stays an error.
fn absent_if<T>(err: Error, code: &str) -> Result<Option<T>, Error> {
    match &err {
        Error::Aws { code: c, .. } if c == code => Ok(None),
        _ => Err(err),
    }
}

/// The region S3 names in a redirect (`x-amz-bucket-region`), when the bucket lives elsewhere.
fn redirect_region<E>(err: &SdkError<E, HttpResponse>) -> Option<String> {
    let raw = err.raw_response()?;
    let status = raw.status().as_u16();
    if !(status == 301 || status == 400 || status == 307) {
        return None;
    }
    raw.headers()
        .get("x-amz-bucket-region")
        .filter(|r| !r.is_empty())
        .map(str::to_string)
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.is_empty()).map(str::to_string)
}
