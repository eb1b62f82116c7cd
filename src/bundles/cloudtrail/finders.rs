//! Finders: look one thing up and say "not found" as `Ok(None)`, every other failure as an error.

use aws_sdk_cloudtrail::types::Trail;

use crate::aws::aws_error;
use crate::error::{Error, Result};

fn none_if_not_found<T>(result: Result<T>) -> Result<Option<T>> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The trail named `name` in its home region.
pub async fn find_trail_by_name(
    client: &aws_sdk_cloudtrail::Client,
    name: &str,
) -> Result<Option<Trail>> {
    let out = client.get_trail().name(name).send().await;
    let out = none_if_not_found(
        out.map_err(|e| aws_error(format!("reading CloudTrail Trail ({name})"), e)),
    )?;
    Ok(out.and_then(|o| o.trail))
}

/// The log group named exactly `name`, with its retention (None: never expires).
pub async fn find_log_group(
    client: &aws_sdk_cloudwatchlogs::Client,
    name: &str,
) -> Result<Option<Option<i32>>> {
    let mut token = None;
    loop {
        let out = client
            .describe_log_groups()
            .log_group_name_prefix(name)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| aws_error(format!("reading CloudWatch Logs Log Group ({name})"), e))?;
        if let Some(group) = out
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(name))
        {
            return Ok(Some(group.retention_in_days()));
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(None),
        }
    }
}

/// The ARN of the IAM role named `name`.
pub async fn find_role_arn(client: &aws_sdk_iam::Client, name: &str) -> Result<Option<String>> {
    let out = client.get_role().role_name(name).send().await;
    let out =
        none_if_not_found(out.map_err(|e| aws_error(format!("reading IAM Role ({name})"), e)))?;
    Ok(out.and_then(|o| o.role).map(|r| r.arn().to_string()))
}

/// A KMS key usable for new log files: its ARN when it exists and is enabled.
pub async fn find_usable_key(client: &aws_sdk_kms::Client, key: &str) -> Result<Option<String>> {
    let out = client.describe_key().key_id(key).send().await;
    let out = none_if_not_found(out.map_err(|e| aws_error(format!("reading KMS Key ({key})"), e)))?;
    Ok(out.and_then(|o| o.key_metadata).and_then(|m| {
        let enabled = m.key_state() == Some(&aws_sdk_kms::types::KeyState::Enabled);
        enabled.then(|| m.arn().unwrap_or(m.key_id()).to_string())
    }))
}

/// The state of a KMS key (None: gone).
pub async fn find_key_state(
    client: &aws_sdk_kms::Client,
    key: &str,
) -> Result<Option<aws_sdk_kms::types::KeyState>> {
    let out = client.describe_key().key_id(key).send().await;
    let out = none_if_not_found(out.map_err(|e| aws_error(format!("reading KMS Key ({key})"), e)))?;
    Ok(out
        .and_then(|o| o.key_metadata)
        .and_then(|m| m.key_state().cloned()))
}

/// Whether the bucket exists and is ours (HeadBucket: 404 none; 403 someone else's).
pub async fn bucket_exists(client: &aws_sdk_s3::Client, bucket: &str) -> Result<bool> {
    match client.head_bucket().bucket(bucket).send().await {
        Ok(_) => Ok(true),
        Err(e) => {
            let err = aws_error(format!("reading S3 Bucket ({bucket})"), e);
            if err.is_not_found() {
                Ok(false)
            } else if err.aws_kind() == Some(crate::error::AwsErrorKind::AccessDenied) {
                Err(Error::Aws {
                    action: format!("creating S3 Bucket ({bucket})"),
                    kind: crate::error::AwsErrorKind::Validation,
                    code: "BucketAlreadyExists".into(),
                    message: "the bucket name is taken by another account; set `s3_bucket_name` or rename the trail".into(),
                })
            } else {
                Err(err)
            }
        }
    }
}
