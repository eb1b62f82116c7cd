//! Create and update: one idempotent convergence of every part towards the spec. Create and
//! update differ only in CreateTrail vs UpdateTrail; every other step "ensures" its part, so a
//! re-run after a partial failure, or a re-create after the trail was deleted out of band,
//! adopts what the resource made earlier instead of failing on it.

use std::collections::BTreeMap;

use aws_sdk_cloudtrail::types::{
    DataResource, EventSelector, InsightSelector, InsightType, ReadWriteType,
};
use aws_sdk_s3::types as s3t;

use crate::aws::aws_error;
use crate::aws::wait::retry_while;
use crate::error::{Error, Result};

use super::finders::{bucket_exists, find_trail_by_name, find_usable_key};
use super::model::{Spec, TrailState};
use super::naming::TrailOutcome;
use super::waiters::{self, code, PROPAGATION_TIMEOUT, TRAIL_VISIBLE_TIMEOUT};
use super::{delete, naming, policies, Ctx};

fn build_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("building {what}: {e}"))
}

/// Converges AWS to `spec`. Returns the state of what exists afterwards — also when a step
/// failed, so Terraform records everything created so far.
pub async fn converge(
    ctx: &Ctx,
    spec: &Spec,
    prior: Option<&TrailState>,
) -> (TrailState, Result<()>) {
    let mut st = match prior {
        Some(p) => p.clone(),
        None => TrailState::empty(&spec.name, &ctx.scope.region),
    };
    let verb = if prior.is_some() {
        "updating"
    } else {
        "creating"
    };
    let result = steps(ctx, spec, prior, &mut st).await.map_err(|e| match e {
        Error::Aws {
            action,
            kind,
            code,
            message,
        } => Error::Aws {
            action: format!("{verb} CloudTrail Trail ({}): {action}", spec.name),
            kind,
            code,
            message,
        },
        other => other,
    });
    (st, result)
}

async fn steps(
    ctx: &Ctx,
    spec: &Spec,
    prior: Option<&TrailState>,
    st: &mut TrailState,
) -> Result<()> {
    let name = spec.name.as_str();
    let scope = &ctx.scope;
    let trail_arn = scope.trail_arn(name);
    let ct = ctx.cloudtrail();

    // CloudTrail (and moto) may accept a duplicate CreateTrail; check existence ourselves.
    let existing = find_trail_by_name(&ct, name).await?;
    let exists = existing.is_some();
    if let (None, Some(trail)) = (prior, &existing) {
        // A trail this resource made in a run that never recorded it (an apply killed after
        // CreateTrail) is taken over; anyone else's trail of the same name is refused.
        let own_bucket = spec
            .given_bucket
            .clone()
            .unwrap_or_else(|| naming::trail_bucket(name, &scope.account));
        if !is_own_trail(trail, &own_bucket, &naming::log_group(name)) {
            return Err(Error::Aws {
                action: "checking for an existing trail".into(),
                kind: crate::error::AwsErrorKind::Validation,
                code: "TrailAlreadyExistsException".into(),
                message: format!(
                    "a trail named \"{name}\" already exists in {} and does not deliver to this resource's bucket and log group; import it with `terraform import <address> {name}`",
                    scope.region
                ),
            });
        }
        tracing::info!(
            trail = name,
            "taking over the resource's own unrecorded trail"
        );
    }
    st.force_destroy = spec.force_destroy;

    // 1. Buckets: the access-log bucket first, so the trail bucket can log to it.
    match &spec.given_bucket {
        None => {
            let log_bucket = naming::access_log_bucket(name, &scope.account);
            let bucket = naming::trail_bucket(name, &scope.account);
            // Recorded before they are made (delete treats "not found" as done), so a run
            // that fails or is killed between two calls leaves nothing untracked.
            st.created_bucket = true;
            st.access_log_bucket_name = Some(log_bucket.clone());
            st.s3_bucket_name = Some(bucket.clone());
            st.bucket_arn = Some(scope.bucket_arn(&bucket));
            ensure_bucket(ctx, &log_bucket, &spec.tags).await?;
            harden_bucket(
                ctx,
                &log_bucket,
                &policies::access_log_bucket(scope, &log_bucket, &bucket),
            )
            .await?;
            ensure_bucket(ctx, &bucket, &spec.tags).await?;
            harden_bucket(
                ctx,
                &bucket,
                &policies::trail_bucket(scope, &bucket, &trail_arn),
            )
            .await?;
            let logging = s3t::LoggingEnabled::builder()
                .target_bucket(&log_bucket)
                .target_prefix(format!("{bucket}/"))
                .build()
                .map_err(|e| build_err("bucket logging", e))?;
            ctx.s3()
                .put_bucket_logging()
                .bucket(&bucket)
                .bucket_logging_status(
                    s3t::BucketLoggingStatus::builder()
                        .logging_enabled(logging)
                        .build(),
                )
                .send()
                .await
                .map_err(|e| {
                    aws_error(
                        format!("enabling server access logging of S3 Bucket ({bucket})"),
                        e,
                    )
                })?;
        }
        Some(bucket) => {
            st.s3_bucket_name = Some(bucket.clone());
            st.bucket_arn = Some(scope.bucket_arn(bucket));
            st.created_bucket = false;
            st.access_log_bucket_name = None;
        }
    }

    // 2. KMS key.
    let retired_key = prior
        .filter(|p| p.created_kms_key)
        .and_then(|p| p.kms_key_arn.clone());
    let key_arn = match &spec.given_kms_key {
        None => {
            let candidate = if st.created_kms_key {
                st.kms_key_arn.clone()
            } else {
                None
            };
            ensure_key(ctx, name, candidate, &spec.tags, st).await?
        }
        Some(given) => given.clone(),
    };

    // 3. Log group and 4. delivery role.
    let group = naming::log_group(name);
    st.log_group_name = Some(group.clone());
    st.log_group_arn = Some(scope.log_group_arn(&group));
    ensure_log_group(ctx, &group, spec.retention_in_days, &spec.tags).await?;
    st.retention_in_days = Some(spec.retention_in_days);
    st.cloudwatch_role_arn = Some(scope.role_arn(&naming::role(name)));
    let role_arn = ensure_role(ctx, name, &group, &trail_arn, &spec.tags).await?;
    st.cloudwatch_role_arn = Some(role_arn.clone());

    // 5. The trail itself; the new role and policies may take a while to be accepted.
    let bucket = st.s3_bucket_name.clone().unwrap_or_default();
    let group_arn = format!("{}:*", scope.log_group_arn(&group));
    let creating = !exists;
    let action = format!(
        "{} CloudTrail Trail ({name})",
        if creating { "creating" } else { "updating" }
    );
    let arn = retry_while(
        &action,
        "IAM role and KMS/S3 policies to propagate",
        PROPAGATION_TIMEOUT,
        waiters::is_propagation_delay,
        || async {
            if creating {
                let tags = spec
                    .tags
                    .iter()
                    .map(|(k, v)| {
                        aws_sdk_cloudtrail::types::Tag::builder()
                            .key(k)
                            .value(v)
                            .build()
                    })
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map_err(|e| build_err("trail tags", e))?;
                let out = ct
                    .create_trail()
                    .name(name)
                    .s3_bucket_name(&bucket)
                    .set_sns_topic_name(spec.sns_topic_name.clone())
                    .is_multi_region_trail(true)
                    .include_global_service_events(true)
                    .enable_log_file_validation(spec.log_file_validation)
                    .cloud_watch_logs_log_group_arn(&group_arn)
                    .cloud_watch_logs_role_arn(&role_arn)
                    .kms_key_id(&key_arn)
                    .set_tags_list((!tags.is_empty()).then_some(tags))
                    .send()
                    .await
                    .map_err(|e| aws_error(&action, e))?;
                Ok(out.trail_arn().map(str::to_string))
            } else {
                let out = ct
                    .update_trail()
                    .name(name)
                    .s3_bucket_name(&bucket)
                    // An empty name removes the notification.
                    .sns_topic_name(spec.sns_topic_name.clone().unwrap_or_default())
                    .is_multi_region_trail(true)
                    .include_global_service_events(true)
                    .enable_log_file_validation(spec.log_file_validation)
                    .cloud_watch_logs_log_group_arn(&group_arn)
                    .cloud_watch_logs_role_arn(&role_arn)
                    .kms_key_id(&key_arn)
                    .send()
                    .await
                    .map_err(|e| aws_error(&action, e))?;
                Ok(out.trail_arn().map(str::to_string))
            }
        },
    )
    .await?;
    st.arn = Some(arn.unwrap_or_else(|| trail_arn.clone()));
    st.enable_log_file_validation = Some(spec.log_file_validation);
    st.sns_topic_name = spec.sns_topic_name.clone();
    if spec.given_kms_key.is_some() {
        if let Some(old) = &retired_key {
            delete::retire_key(ctx, name, old).await?;
        }
        st.kms_key_arn = Some(key_arn.clone());
        st.created_kms_key = false;
    }

    // 6. Event selectors: always explicit (a new trail's defaults differ between AWS and moto).
    let mut selector = EventSelector::builder()
        .read_write_type(ReadWriteType::All)
        .include_management_events(true);
    for (kind, values) in [
        ("AWS::S3::Object", &spec.data_events.s3_object_arns),
        (
            "AWS::Lambda::Function",
            &spec.data_events.lambda_function_arns,
        ),
    ] {
        if !values.is_empty() {
            selector = selector.data_resources(
                DataResource::builder()
                    .r#type(kind)
                    .set_values(Some(values.clone()))
                    .build(),
            );
        }
    }
    let selector = selector.build();
    retry_while(
        &format!("setting event selectors of CloudTrail Trail ({name})"),
        "the new trail to be visible",
        TRAIL_VISIBLE_TIMEOUT,
        waiters::is_trail_not_visible,
        || async {
            ct.put_event_selectors()
                .trail_name(name)
                .event_selectors(selector.clone())
                .send()
                .await
                .map_err(|e| {
                    aws_error(
                        format!("setting event selectors of CloudTrail Trail ({name})"),
                        e,
                    )
                })
        },
    )
    .await?;
    st.data_events = spec.planned_data_events.clone();

    // 7. Insights, only when they differ (an empty list turns Insights off).
    let current = if creating {
        Vec::new()
    } else {
        super::read::insight_types(&ct, name).await?
    };
    let same = current.len() == spec.insight_selectors.len()
        && spec.insight_selectors.iter().all(|t| current.contains(t));
    if !same {
        let selectors: Vec<InsightSelector> = spec
            .insight_selectors
            .iter()
            .map(|t| {
                InsightSelector::builder()
                    .insight_type(InsightType::from(t.as_str()))
                    .build()
            })
            .collect();
        ct.put_insight_selectors()
            .trail_name(name)
            .set_insight_selectors(Some(selectors))
            .send()
            .await
            .map_err(|e| {
                aws_error(
                    format!("setting insight selectors of CloudTrail Trail ({name})"),
                    e,
                )
            })?;
    }
    st.insight_selectors = spec.planned_insights.clone();

    // 8. Tags of an existing trail (a new one got them at create).
    if !creating {
        sync_trail_tags(ctx, st.arn.as_deref().unwrap_or(&trail_arn), &spec.tags).await?;
    }
    st.tags = spec.planned_tags.clone();

    // 9. Logging on.
    retry_while(
        &format!("starting logging of CloudTrail Trail ({name})"),
        "the new trail to be visible",
        TRAIL_VISIBLE_TIMEOUT,
        waiters::is_trail_not_visible,
        || async {
            ct.start_logging()
                .name(name)
                .send()
                .await
                .map_err(|e| aws_error(format!("starting logging of CloudTrail Trail ({name})"), e))
        },
    )
    .await?;
    st.is_logging = true;
    st.controls_satisfied =
        TrailOutcome::desired(spec.log_file_validation, st.created_bucket).controls();
    Ok(())
}

/// True when an existing trail named as the resource's is unmistakably the resource's own: it
/// delivers to the bucket this resource uses and to this resource's log group.
fn is_own_trail(
    trail: &aws_sdk_cloudtrail::types::Trail,
    own_bucket: &str,
    own_group: &str,
) -> bool {
    trail.s3_bucket_name() == Some(own_bucket)
        && trail
            .cloud_watch_logs_log_group_arn()
            .and_then(naming::log_group_from_arn)
            == Some(own_group)
}

/// Creates the bucket unless it already exists in this account (then it is adopted), and sets
/// its tags to exactly `tags`.
async fn ensure_bucket(ctx: &Ctx, bucket: &str, tags: &BTreeMap<String, String>) -> Result<()> {
    let s3 = ctx.s3();
    if !bucket_exists(&s3, bucket).await? {
        let mut req = s3.create_bucket().bucket(bucket);
        if ctx.scope.region != "us-east-1" {
            req = req.create_bucket_configuration(
                s3t::CreateBucketConfiguration::builder()
                    .location_constraint(s3t::BucketLocationConstraint::from(
                        ctx.scope.region.as_str(),
                    ))
                    .build(),
            );
        }
        if let Err(e) = req.send().await {
            let err = aws_error(format!("creating S3 Bucket ({bucket})"), e);
            if code(&err) != Some("BucketAlreadyOwnedByYou") {
                return Err(err);
            }
        }
    }
    if tags.is_empty() {
        s3.delete_bucket_tagging()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| aws_error(format!("removing tags of S3 Bucket ({bucket})"), e))?;
    } else {
        let set = tags
            .iter()
            .map(|(k, v)| s3t::Tag::builder().key(k).value(v).build())
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| build_err("bucket tags", e))?;
        s3.put_bucket_tagging()
            .bucket(bucket)
            .tagging(
                s3t::Tagging::builder()
                    .set_tag_set(Some(set))
                    .build()
                    .map_err(|e| build_err("bucket tags", e))?,
            )
            .send()
            .await
            .map_err(|e| aws_error(format!("tagging S3 Bucket ({bucket})"), e))?;
    }
    Ok(())
}

/// Public access block fully on, default encryption, and the given bucket policy.
async fn harden_bucket(ctx: &Ctx, bucket: &str, policy: &str) -> Result<()> {
    let s3 = ctx.s3();
    s3.put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(
            s3t::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .map_err(|e| aws_error(format!("blocking public access to S3 Bucket ({bucket})"), e))?;
    // SSE-S3: the only default encryption a server-access-log target supports; CloudTrail
    // encrypts its own log files with the trail's KMS key anyway.
    let by_default = s3t::ServerSideEncryptionByDefault::builder()
        .sse_algorithm(s3t::ServerSideEncryption::Aes256)
        .build()
        .map_err(|e| build_err("bucket encryption", e))?;
    let encryption = s3t::ServerSideEncryptionConfiguration::builder()
        .rules(
            s3t::ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(by_default)
                .build(),
        )
        .build()
        .map_err(|e| build_err("bucket encryption", e))?;
    s3.put_bucket_encryption()
        .bucket(bucket)
        .server_side_encryption_configuration(encryption)
        .send()
        .await
        .map_err(|e| {
            aws_error(
                format!("setting default encryption of S3 Bucket ({bucket})"),
                e,
            )
        })?;
    s3.put_bucket_policy()
        .bucket(bucket)
        .policy(policy)
        .send()
        .await
        .map_err(|e| aws_error(format!("setting the policy of S3 Bucket ({bucket})"), e))?;
    Ok(())
}

/// The resource's KMS key: the one in state if still enabled, else the one behind the
/// resource's alias if enabled, else a new one. Its policy, rotation and alias are (re)set.
async fn ensure_key(
    ctx: &Ctx,
    trail: &str,
    candidate: Option<String>,
    tags: &BTreeMap<String, String>,
    st: &mut TrailState,
) -> Result<String> {
    let kms = ctx.kms();
    let alias = naming::key_alias(trail);
    let policy = policies::kms_key(&ctx.scope, &ctx.scope.trail_arn(trail));
    let mut existing = match candidate {
        Some(c) => find_usable_key(&kms, &c).await?,
        None => None,
    };
    if existing.is_none() {
        existing = find_usable_key(&kms, &alias).await?;
    }
    let arn = match existing {
        Some(arn) => {
            kms.put_key_policy()
                .key_id(&arn)
                .policy_name("default")
                .policy(&policy)
                .send()
                .await
                .map_err(|e| aws_error(format!("setting the policy of KMS Key ({arn})"), e))?;
            arn
        }
        None => {
            let tags = tags
                .iter()
                .map(|(k, v)| {
                    aws_sdk_kms::types::Tag::builder()
                        .tag_key(k)
                        .tag_value(v)
                        .build()
                })
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| build_err("key tags", e))?;
            let out = kms
                .create_key()
                .description(naming::key_description(trail))
                .policy(&policy)
                .set_tags((!tags.is_empty()).then_some(tags))
                .send()
                .await
                .map_err(|e| aws_error("creating KMS Key", e))?;
            let meta = out
                .key_metadata
                .ok_or_else(|| Error::Internal("CreateKey returned no key metadata".into()))?;
            meta.arn()
                .map(str::to_string)
                .unwrap_or_else(|| meta.key_id().to_string())
        }
    };
    // Recorded at once: a failure before the alias exists must not orphan a new key.
    st.kms_key_arn = Some(arn.clone());
    st.created_kms_key = true;
    // The alias first: it is how a later run finds this key again, so the window in which a
    // killed run could leave an unfindable key is the one call between CreateKey and here.
    if let Err(e) = kms
        .create_alias()
        .alias_name(&alias)
        .target_key_id(&arn)
        .send()
        .await
    {
        let err = aws_error(format!("creating KMS Alias ({alias})"), e);
        if code(&err) != Some("AlreadyExistsException") {
            return Err(err);
        }
        kms.update_alias()
            .alias_name(&alias)
            .target_key_id(&arn)
            .send()
            .await
            .map_err(|e| aws_error(format!("updating KMS Alias ({alias})"), e))?;
    }
    kms.enable_key_rotation()
        .key_id(&arn)
        .send()
        .await
        .map_err(|e| aws_error(format!("enabling rotation of KMS Key ({arn})"), e))?;
    Ok(arn)
}

async fn ensure_log_group(
    ctx: &Ctx,
    group: &str,
    retention: i64,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let logs = ctx.logs();
    let mut req = logs.create_log_group().log_group_name(group);
    for (k, v) in tags {
        req = req.tags(k, v);
    }
    if let Err(e) = req.send().await {
        let err = aws_error(format!("creating CloudWatch Logs Log Group ({group})"), e);
        if code(&err) != Some("ResourceAlreadyExistsException") {
            return Err(err);
        }
    }
    logs.put_retention_policy()
        .log_group_name(group)
        .retention_in_days(retention as i32)
        .send()
        .await
        .map_err(|e| {
            aws_error(
                format!("setting retention of CloudWatch Logs Log Group ({group})"),
                e,
            )
        })?;
    Ok(())
}

async fn ensure_role(
    ctx: &Ctx,
    trail: &str,
    group: &str,
    trail_arn: &str,
    tags: &BTreeMap<String, String>,
) -> Result<String> {
    let iam = ctx.iam();
    let role = naming::role(trail);
    let trust = policies::role_trust(&ctx.scope, trail_arn);
    let tags = tags
        .iter()
        .map(|(k, v)| aws_sdk_iam::types::Tag::builder().key(k).value(v).build())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| build_err("role tags", e))?;
    let created = iam
        .create_role()
        .role_name(&role)
        .assume_role_policy_document(&trust)
        .description(format!(
            "Lets CloudTrail trail {trail} deliver to CloudWatch Logs (secbaseline_cloudtrail)"
        ))
        .set_tags((!tags.is_empty()).then_some(tags))
        .send()
        .await;
    let arn = match created {
        Ok(out) => out
            .role
            .map(|r| r.arn)
            .unwrap_or_else(|| ctx.scope.role_arn(&role)),
        Err(e) => {
            let err = aws_error(format!("creating IAM Role ({role})"), e);
            if code(&err) != Some("EntityAlreadyExists") {
                return Err(err);
            }
            iam.update_assume_role_policy()
                .role_name(&role)
                .policy_document(&trust)
                .send()
                .await
                .map_err(|e| {
                    aws_error(format!("updating the trust policy of IAM Role ({role})"), e)
                })?;
            ctx.scope.role_arn(&role)
        }
    };
    iam.put_role_policy()
        .role_name(&role)
        .policy_name(naming::ROLE_POLICY)
        .policy_document(policies::role_permissions(&ctx.scope, group))
        .send()
        .await
        .map_err(|e| aws_error(format!("setting the policy of IAM Role ({role})"), e))?;
    Ok(arn)
}

/// Makes the trail's tags exactly `tags`.
async fn sync_trail_tags(ctx: &Ctx, arn: &str, tags: &BTreeMap<String, String>) -> Result<()> {
    let ct = ctx.cloudtrail();
    let current = super::read::trail_tags(&ct, arn).await?;
    let stale: Vec<_> = current
        .iter()
        .filter(|(k, v)| tags.get(*k) != Some(*v))
        .map(|(k, _)| aws_sdk_cloudtrail::types::Tag::builder().key(k).build())
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| build_err("trail tags", e))?;
    let wanted: Vec<_> = tags
        .iter()
        .filter(|(k, v)| current.get(*k) != Some(*v))
        .map(|(k, v)| {
            aws_sdk_cloudtrail::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
        })
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| build_err("trail tags", e))?;
    if !stale.is_empty() {
        ct.remove_tags()
            .resource_id(arn)
            .set_tags_list(Some(stale))
            .send()
            .await
            .map_err(|e| aws_error(format!("removing tags of CloudTrail Trail ({arn})"), e))?;
    }
    if !wanted.is_empty() {
        ct.add_tags()
            .resource_id(arn)
            .set_tags_list(Some(wanted))
            .send()
            .await
            .map_err(|e| aws_error(format!("tagging CloudTrail Trail ({arn})"), e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_own_trail;
    use aws_sdk_cloudtrail::types::Trail;

    const GROUP_ARN: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/main:*";

    #[test]
    fn only_a_trail_delivering_to_the_resources_own_parts_is_taken_over() {
        let own = Trail::builder()
            .name("main")
            .s3_bucket_name("main-123456789012-trail")
            .cloud_watch_logs_log_group_arn(GROUP_ARN)
            .build();
        assert!(is_own_trail(
            &own,
            "main-123456789012-trail",
            "/aws/cloudtrail/main"
        ));

        let other_bucket = Trail::builder()
            .name("main")
            .s3_bucket_name("corporate-trail-bucket")
            .cloud_watch_logs_log_group_arn(GROUP_ARN)
            .build();
        assert!(!is_own_trail(
            &other_bucket,
            "main-123456789012-trail",
            "/aws/cloudtrail/main"
        ));

        let no_logs = Trail::builder()
            .name("main")
            .s3_bucket_name("main-123456789012-trail")
            .build();
        assert!(!is_own_trail(
            &no_logs,
            "main-123456789012-trail",
            "/aws/cloudtrail/main"
        ));
    }
}
