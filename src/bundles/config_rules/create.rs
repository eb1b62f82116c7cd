//! Create and update: one idempotent convergence towards the spec. The recorder parts come
//! first (AWS refuses PutConfigRule without a recorder), then the rules. Every step "ensures"
//! its part, so a re-run after a partial failure adopts what an earlier run made.

use aws_sdk_config::types::{
    ConfigRule, ConfigurationRecorder, DeliveryChannel, Owner, RecordingGroup, Source,
};
use aws_sdk_s3::types as s3t;

use crate::aws::aws_error;
use crate::aws::wait::retry_while;
use crate::error::{AwsErrorKind, Error, Result};

use super::finders::{
    bucket_exists, find_channel, find_config_slr, find_recorder, find_rules_by_prefix,
    recorder_is_recording,
};
use super::model::{RecorderSpec, Spec, PART_BUCKET, PART_CHANNEL, PART_RECORDER, PART_ROLE};
use super::schema::DEFAULT_RECORDER;
use super::Ctx;

/// How long a new service-linked role may take before AWS Config accepts it.
const ROLE_PROPAGATION_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Converges AWS to `spec`, adding what it creates to `created`. Errors read
/// "creating AWS Config Rule (name): …".
pub async fn converge(ctx: &Ctx, spec: &Spec, created: &mut Vec<String>) -> Result<()> {
    if let Some(recorder) = &spec.recorder {
        ensure_recorder(ctx, spec, recorder, created).await?;
    }
    ensure_rules(ctx, spec).await
}

fn mark(created: &mut Vec<String>, part: &str) {
    if !created.iter().any(|p| p == part) {
        created.push(part.to_string());
    }
}

async fn ensure_rules(ctx: &Ctx, spec: &Spec) -> Result<()> {
    let client = ctx.config();
    let existing = find_rules_by_prefix(&client, &spec.prefix).await?;
    for want in &spec.rules {
        let found = existing.iter().find(|r| r.name == want.name);
        let up_to_date = found.is_some_and(|f| {
            f.identifier == want.rule.identifier && f.parameters == want.parameters
        });
        if up_to_date {
            continue;
        }
        let verb = if found.is_some() {
            "updating"
        } else {
            "creating"
        };
        let source = Source::builder()
            .owner(Owner::Aws)
            .source_identifier(want.rule.identifier)
            .build()
            .map_err(|e| Error::Internal(format!("building a Config rule source: {e}")))?;
        let mut rule = ConfigRule::builder()
            .config_rule_name(&want.name)
            .source(source)
            .description(format!(
                "secbaseline: AWS managed rule {} ({} controls).",
                want.rule.identifier, want.rule.service
            ));
        if !want.parameters.is_empty() {
            let json: serde_json::Map<String, serde_json::Value> = want
                .parameters
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect();
            rule = rule.input_parameters(serde_json::Value::Object(json).to_string());
        }
        client
            .put_config_rule()
            .config_rule(rule.build())
            .send()
            .await
            .map_err(|e| aws_error(format!("{verb} AWS Config Rule ({})", want.name), e))?;
    }
    // Rules of this resource's scheme that the spec no longer wants (excluded, service
    // deselected) are removed.
    for old in existing
        .iter()
        .filter(|r| !spec.rules.iter().any(|w| w.name == r.name))
    {
        delete_rule(ctx, &old.name).await?;
    }
    Ok(())
}

/// Deletes one rule; "not found" counts as done.
pub async fn delete_rule(ctx: &Ctx, name: &str) -> Result<()> {
    match ctx
        .config()
        .delete_config_rule()
        .config_rule_name(name)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) => {
            let err = aws_error(format!("deleting AWS Config Rule ({name})"), e);
            if err.is_not_found() {
                Ok(())
            } else {
                Err(err)
            }
        }
    }
}

async fn ensure_recorder(
    ctx: &Ctx,
    spec: &Spec,
    want: &RecorderSpec,
    created: &mut Vec<String>,
) -> Result<()> {
    let config = ctx.config();
    let existing = find_recorder(&config).await?;
    let channel = find_channel(&config).await?;
    if let Some(r) = &existing {
        adopt_own_unrecorded(ctx, spec, want, r, channel.as_ref(), created).await?;
    }
    let name = match (&existing, &want.name) {
        (Some(r), Some(n)) if &r.name != n => {
            return Err(Error::Aws {
                action: format!("creating AWS Config Configuration Recorder ({n})"),
                kind: AwsErrorKind::Validation,
                code: "MaxNumberOfConfigurationRecordersExceededException".into(),
                message: format!(
                    "{} already has the configuration recorder \"{}\" and AWS allows one per region; leave `recorder.name` unset (or set it to \"{}\") to adopt it",
                    ctx.region, r.name, r.name
                ),
            })
        }
        (Some(r), _) => r.name.clone(),
        (None, n) => n.clone().unwrap_or_else(|| DEFAULT_RECORDER.to_string()),
    };

    // The role: given, the existing recorder's, or the service-linked role.
    let role_arn = match (
        &want.role_arn,
        existing.as_ref().and_then(|r| r.role_arn.clone()),
    ) {
        (Some(arn), _) => arn.clone(),
        (None, Some(arn)) => arn,
        (None, None) => ensure_service_linked_role(ctx, created).await?,
    };
    let recorder = ConfigurationRecorder::builder()
        .name(&name)
        .role_arn(&role_arn)
        .recording_group(
            RecordingGroup::builder()
                .all_supported(true)
                .include_global_resource_types(true)
                .build(),
        )
        .build();
    let verb = if existing.is_some() {
        "updating"
    } else {
        "creating"
    };
    retry_while(
        &format!("{verb} AWS Config Configuration Recorder ({name})"),
        "the recorder's IAM role to propagate",
        ROLE_PROPAGATION_TIMEOUT,
        |e| matches!(e, Error::Aws { code, .. } if code == "InsufficientDeliveryPolicyException" || code == "InvalidRoleException"),
        || async {
            config
                .put_configuration_recorder()
                .configuration_recorder(recorder.clone())
                .send()
                .await
                .map(|_| ())
                .map_err(|e| {
                    aws_error(
                        format!("{verb} AWS Config Configuration Recorder ({name})"),
                        e,
                    )
                })
        },
    )
    .await?;
    if existing.is_none() {
        mark(created, PART_RECORDER);
    }

    // The delivery channel: adopt the region's, pointing it at a given bucket. (Putting the
    // recorder does not change it, so the answer read above still holds.)
    let (channel_name, current_bucket, current_prefix) = match &channel {
        Some((n, b, p)) => (n.clone(), b.clone(), p.clone()),
        None => (DEFAULT_RECORDER.to_string(), None, None),
    };
    let bucket = match (&want.s3_bucket_name, current_bucket.clone()) {
        (Some(b), _) => b.clone(),
        (None, Some(b)) => b,
        (None, None) => {
            let bucket = ctx.bucket_name(&spec.prefix);
            ensure_bucket(ctx, &bucket, created).await?;
            bucket
        }
    };
    let up_to_date = channel.is_some()
        && current_bucket.as_deref() == Some(bucket.as_str())
        && current_prefix == want.s3_key_prefix;
    if !up_to_date {
        let verb = if channel.is_some() {
            "updating"
        } else {
            "creating"
        };
        let action = format!("{verb} AWS Config Delivery Channel ({channel_name})");
        config
            .put_delivery_channel()
            .delivery_channel(
                DeliveryChannel::builder()
                    .name(&channel_name)
                    .s3_bucket_name(&bucket)
                    .set_s3_key_prefix(want.s3_key_prefix.clone())
                    .build(),
            )
            .send()
            .await
            .map_err(|e| aws_error(action, e))?;
        if channel.is_none() {
            mark(created, PART_CHANNEL);
        }
    }

    if !recorder_is_recording(&config, &name).await? {
        config
            .start_configuration_recorder()
            .configuration_recorder_name(&name)
            .send()
            .await
            .map_err(|e| {
                aws_error(
                    format!("starting AWS Config Configuration Recorder ({name})"),
                    e,
                )
            })?;
    }
    Ok(())
}

/// A recorder this resource made in a run that never recorded it (an apply killed between
/// PutConfigurationRecorder and the end of the create) is taken over as created here, so the
/// destroy removes it: it is named as this resource names its recorder and has no delivery
/// channel yet, or one into this resource's own bucket. Its channel, that bucket and the
/// service-linked role it uses are taken over with it. Anyone else's recorder stays adopted-only.
async fn adopt_own_unrecorded(
    ctx: &Ctx,
    spec: &Spec,
    want: &RecorderSpec,
    recorder: &super::finders::FoundRecorder,
    channel: Option<&(String, Option<String>, Option<String>)>,
    created: &mut Vec<String>,
) -> Result<()> {
    if created.iter().any(|p| p == PART_RECORDER) {
        return Ok(());
    }
    let wanted_name = want.name.as_deref().unwrap_or(DEFAULT_RECORDER);
    let own_bucket = want
        .s3_bucket_name
        .clone()
        .unwrap_or_else(|| ctx.bucket_name(&spec.prefix));
    let channel_is_own = match channel {
        None => true,
        Some((_, bucket, _)) => bucket.as_deref() == Some(own_bucket.as_str()),
    };
    if recorder.name != wanted_name || !channel_is_own {
        return Ok(());
    }
    tracing::info!(recorder = %recorder.name, "taking over the resource's own unrecorded recorder");
    mark(created, PART_RECORDER);
    if channel.is_some() {
        mark(created, PART_CHANNEL);
        // The channel already delivers there, so the bucket step below is skipped: the
        // resource's own delivery bucket is taken over here.
        if want.s3_bucket_name.is_none() {
            mark(created, PART_BUCKET);
        }
    }
    if let Some((_, slr)) = find_config_slr(&ctx.iam()).await? {
        if recorder.role_arn.as_deref() == Some(slr.as_str()) {
            mark(created, PART_ROLE);
        }
    }
    Ok(())
}

/// AWS Config's service-linked role, created when missing.
async fn ensure_service_linked_role(ctx: &Ctx, created: &mut Vec<String>) -> Result<String> {
    let iam = ctx.iam();
    if let Some((_, arn)) = find_config_slr(&iam).await? {
        return Ok(arn);
    }
    let out = iam
        .create_service_linked_role()
        .aws_service_name("config.amazonaws.com")
        .send()
        .await
        .map_err(|e| aws_error("creating IAM Service-Linked Role (config.amazonaws.com)", e))?;
    mark(created, PART_ROLE);
    out.role()
        .map(|r| r.arn().to_string())
        .ok_or_else(|| Error::Internal("CreateServiceLinkedRole returned no role".into()))
}

/// The delivery bucket: created when missing, public access blocked, AWS Config's policy.
async fn ensure_bucket(ctx: &Ctx, bucket: &str, created: &mut Vec<String>) -> Result<()> {
    let s3 = ctx.s3();
    if !bucket_exists(&s3, bucket).await? {
        let mut req = s3.create_bucket().bucket(bucket);
        if ctx.region != "us-east-1" {
            req = req.create_bucket_configuration(
                s3t::CreateBucketConfiguration::builder()
                    .location_constraint(s3t::BucketLocationConstraint::from(ctx.region.as_str()))
                    .build(),
            );
        }
        req.send()
            .await
            .map_err(|e| aws_error(format!("creating S3 Bucket ({bucket})"), e))?;
    }
    mark(created, PART_BUCKET);
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
    s3.put_bucket_policy()
        .bucket(bucket)
        .policy(bucket_policy(&ctx.partition, &ctx.account, bucket))
        .send()
        .await
        .map_err(|e| aws_error(format!("putting the policy of S3 Bucket ({bucket})"), e))?;
    Ok(())
}

/// The bucket policy AWS Config needs for delivery, pinned to this account.
pub fn bucket_policy(partition: &str, account: &str, bucket: &str) -> String {
    let arn = format!("arn:{partition}:s3:::{bucket}");
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AWSConfigBucketPermissionsCheck",
                "Effect": "Allow",
                "Principal": {"Service": "config.amazonaws.com"},
                "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
                "Resource": arn,
                "Condition": {"StringEquals": {"AWS:SourceAccount": account}}
            },
            {
                "Sid": "AWSConfigBucketDelivery",
                "Effect": "Allow",
                "Principal": {"Service": "config.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": format!("{arn}/*"),
                "Condition": {"StringEquals": {
                    "s3:x-amz-acl": "bucket-owner-full-control",
                    "AWS:SourceAccount": account
                }}
            },
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn.clone(), format!("{arn}/*")],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}
            }
        ]
    })
    .to_string()
}
