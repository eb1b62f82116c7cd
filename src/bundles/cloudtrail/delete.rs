//! Delete: removes the trail and every part the resource created, never a part it was given.
//! "Not found" counts as done, so a destroy that failed halfway can simply be run again; on
//! failure the state of what is left is returned.

use aws_sdk_s3::types as s3t;

use crate::aws::aws_error;
use crate::error::{AwsErrorKind, Error, Result};

use super::finders::{bucket_exists, find_key_state, find_trail_by_name};
use super::model::TrailState;
use super::waiters::code;
use super::{naming, Ctx};

/// KMS keeps a key this many days before deleting it (the minimum AWS allows).
const KEY_DELETION_WINDOW_DAYS: i32 = 7;

/// Deletes everything recorded in `st`. Returns what is left (None: nothing) and the error.
pub async fn delete(ctx: &Ctx, mut st: TrailState) -> (Option<TrailState>, Result<()>) {
    match steps(ctx, &mut st).await {
        Ok(()) => (None, Ok(())),
        Err(e) => {
            let e = match e {
                Error::Aws {
                    action,
                    kind,
                    code,
                    message,
                } => Error::Aws {
                    action: format!("deleting CloudTrail Trail ({}): {action}", st.name),
                    kind,
                    code,
                    message,
                },
                other => other,
            };
            (Some(st), Err(e))
        }
    }
}

fn ok_if_not_found(result: Result<()>) -> Result<()> {
    match result {
        Err(e) if e.is_not_found() => Ok(()),
        other => other,
    }
}

async fn steps(ctx: &Ctx, st: &mut TrailState) -> Result<()> {
    let name = st.name.clone();
    let ct = ctx.cloudtrail();
    // CloudTrail (moto too) answers success for a missing trail; look first.
    if find_trail_by_name(&ct, &name).await?.is_some() {
        ok_if_not_found(
            ct.delete_trail()
                .name(&name)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| aws_error(format!("deleting CloudTrail Trail ({name})"), e)),
        )?;
    }
    st.arn = None;
    st.is_logging = false;
    st.controls_satisfied.clear();

    if st.cloudwatch_role_arn.is_some() {
        delete_role(ctx, &naming::role(&name)).await?;
        st.cloudwatch_role_arn = None;
    }
    if let Some(group) = st.log_group_name.clone() {
        ok_if_not_found(
            ctx.logs()
                .delete_log_group()
                .log_group_name(&group)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| aws_error(format!("deleting CloudWatch Logs Log Group ({group})"), e)),
        )?;
        st.log_group_name = None;
        st.log_group_arn = None;
    }
    if st.created_kms_key {
        if let Some(key) = st.kms_key_arn.clone() {
            retire_key(ctx, &name, &key).await?;
        }
        st.kms_key_arn = None;
        st.created_kms_key = false;
    }
    if st.created_bucket {
        if let Some(bucket) = st.s3_bucket_name.clone() {
            // Stop access logging first, so the destroy's own requests on the trail bucket do
            // not refill the access-log bucket it is about to delete.
            if bucket_exists(&ctx.s3(), &bucket).await? {
                ok_if_not_found(
                    ctx.s3()
                        .put_bucket_logging()
                        .bucket(&bucket)
                        .bucket_logging_status(s3t::BucketLoggingStatus::builder().build())
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| {
                            aws_error(
                                format!("disabling server access logging of S3 Bucket ({bucket})"),
                                e,
                            )
                        }),
                )?;
            }
            delete_bucket(ctx, &bucket, st.force_destroy).await?;
            st.s3_bucket_name = None;
            st.bucket_arn = None;
        }
        if let Some(bucket) = st.access_log_bucket_name.clone() {
            delete_bucket(ctx, &bucket, st.force_destroy).await?;
            st.access_log_bucket_name = None;
        }
        st.created_bucket = false;
    }
    Ok(())
}

/// Removes the resource's alias and schedules the key's deletion, unless already scheduled.
pub async fn retire_key(ctx: &Ctx, trail: &str, key: &str) -> Result<()> {
    let kms = ctx.kms();
    let alias = naming::key_alias(trail);
    // Only drop the alias when it still points at this key.
    let aliased = super::finders::find_usable_key(&kms, &alias).await?;
    if aliased.as_deref() == Some(key) {
        ok_if_not_found(
            kms.delete_alias()
                .alias_name(&alias)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| aws_error(format!("deleting KMS Alias ({alias})"), e)),
        )?;
    }
    use aws_sdk_kms::types::KeyState;
    match find_key_state(&kms, key).await? {
        None | Some(KeyState::PendingDeletion) | Some(KeyState::PendingReplicaDeletion) => Ok(()),
        Some(_) => ok_if_not_found(
            // By key ID: moto 5.2.5 fails (500) on an ARN here; AWS takes either.
            kms.schedule_key_deletion()
                .key_id(naming::arn_tail(key))
                .pending_window_in_days(KEY_DELETION_WINDOW_DAYS)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| aws_error(format!("scheduling deletion of KMS Key ({key})"), e)),
        ),
    }
}

async fn delete_role(ctx: &Ctx, role: &str) -> Result<()> {
    let iam = ctx.iam();
    let inline = match iam.list_role_policies().role_name(role).send().await {
        Ok(out) => out.policy_names().to_vec(),
        Err(e) => {
            let err = aws_error(format!("listing policies of IAM Role ({role})"), e);
            return if err.is_not_found() { Ok(()) } else { Err(err) };
        }
    };
    for policy in inline {
        ok_if_not_found(
            iam.delete_role_policy()
                .role_name(role)
                .policy_name(&policy)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| {
                    aws_error(format!("deleting policy {policy} of IAM Role ({role})"), e)
                }),
        )?;
    }
    let attached: Vec<String> = match iam
        .list_attached_role_policies()
        .role_name(role)
        .send()
        .await
    {
        Ok(out) => out
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn().map(str::to_string))
            .collect(),
        Err(e) => {
            let err = aws_error(format!("listing attached policies of IAM Role ({role})"), e);
            return if err.is_not_found() { Ok(()) } else { Err(err) };
        }
    };
    for arn in attached {
        ok_if_not_found(
            iam.detach_role_policy()
                .role_name(role)
                .policy_arn(&arn)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| aws_error(format!("detaching {arn} from IAM Role ({role})"), e)),
        )?;
    }
    ok_if_not_found(
        iam.delete_role()
            .role_name(role)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| aws_error(format!("deleting IAM Role ({role})"), e)),
    )
}

async fn delete_bucket(ctx: &Ctx, bucket: &str, force: bool) -> Result<()> {
    let s3 = ctx.s3();
    if !bucket_exists(&s3, bucket).await? {
        return Ok(());
    }
    if force {
        // The bucket goes anyway; its policy (which denies non-TLS requests, and may have
        // gained denies since) must not stop the emptying.
        ok_if_not_found(
            s3.delete_bucket_policy()
                .bucket(bucket)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| aws_error(format!("deleting the policy of S3 Bucket ({bucket})"), e)),
        )?;
        empty_bucket(&s3, bucket).await?;
    }
    match s3.delete_bucket().bucket(bucket).send().await {
        Ok(_) => Ok(()),
        Err(e) => {
            let err = aws_error(format!("deleting S3 Bucket ({bucket})"), e);
            match code(&err) {
                Some("BucketNotEmpty") => Err(Error::Aws {
                    action: format!("deleting S3 Bucket ({bucket})"),
                    kind: AwsErrorKind::Validation,
                    code: "BucketNotEmpty".into(),
                    message: "the bucket still holds log files. Set `force_destroy = true` and apply before destroying, \
                              or empty the bucket yourself; then run destroy again (what was already deleted stays deleted)."
                        .into(),
                }),
                _ if err.is_not_found() => Ok(()),
                _ => Err(err),
            }
        }
    }
}

/// Deletes every object version and delete marker (force_destroy).
async fn empty_bucket(s3: &aws_sdk_s3::Client, bucket: &str) -> Result<()> {
    let mut last_batch: Vec<s3t::ObjectIdentifier> = Vec::new();
    loop {
        let out = s3
            .list_object_versions()
            .bucket(bucket)
            .max_keys(1000)
            .send()
            .await
            .map_err(|e| aws_error(format!("listing objects of S3 Bucket ({bucket})"), e))?;
        let mut ids = Vec::new();
        for (key, version) in out
            .versions()
            .iter()
            .map(|v| (v.key(), v.version_id()))
            .chain(
                out.delete_markers()
                    .iter()
                    .map(|m| (m.key(), m.version_id())),
            )
        {
            if let Some(key) = key {
                let id = s3t::ObjectIdentifier::builder()
                    .key(key)
                    // "null" is the version of objects written while versioning was off;
                    // moto only deletes those when no version ID is given.
                    .set_version_id(version.filter(|v| *v != "null").map(str::to_string))
                    .build()
                    .map_err(|e| Error::Internal(format!("building an object identifier: {e}")))?;
                ids.push(id);
            }
        }
        if ids.is_empty() {
            return Ok(());
        }
        if ids == last_batch {
            return Err(Error::Aws {
                action: format!("emptying S3 Bucket ({bucket})"),
                kind: AwsErrorKind::Other,
                code: "ObjectsNotDeleted".into(),
                message: format!(
                    "{} object versions are still listed after being deleted",
                    ids.len()
                ),
            });
        }
        last_batch = ids.clone();
        let delete = s3t::Delete::builder()
            .set_objects(Some(ids))
            .quiet(true)
            .build()
            .map_err(|e| Error::Internal(format!("building a delete request: {e}")))?;
        let out = s3
            .delete_objects()
            .bucket(bucket)
            .delete(delete)
            .send()
            .await
            .map_err(|e| aws_error(format!("emptying S3 Bucket ({bucket})"), e))?;
        if let Some(failed) = out.errors().first() {
            return Err(Error::Aws {
                action: format!("emptying S3 Bucket ({bucket})"),
                kind: AwsErrorKind::Other,
                code: failed.code().unwrap_or("DeleteObjectsFailed").to_string(),
                message: format!(
                    "{} objects could not be deleted, e.g. {}: {}",
                    out.errors().len(),
                    failed.key().unwrap_or("?"),
                    failed.message().unwrap_or("no message")
                ),
            });
        }
    }
}
