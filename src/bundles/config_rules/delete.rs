//! Delete: the rules, then what the `recorder` block created, in reverse order. "Not found"
//! counts as done, so a destroy can be re-run after a partial failure; on failure the state
//! keeps exactly the parts that still exist.

use crate::aws::aws_error;
use crate::error::{Error, Result};
use crate::value::Value;

use super::create::delete_rule;
use super::finders::{find_config_slr, find_recorder, find_rules_by_prefix};
use super::model::{recorder_block, PART_BUCKET, PART_CHANNEL, PART_RECORDER, PART_ROLE};
use super::Ctx;

fn ok_if_not_found(r: Result<()>) -> Result<()> {
    match r {
        Err(e) if e.is_not_found() => Ok(()),
        other => other,
    }
}

/// Deletes everything `state` records. Returns what is left (None: all gone) and the error.
pub async fn delete(ctx: &Ctx, state: &Value) -> (Option<Value>, Result<()>) {
    let mut left = state.clone();
    let result = steps(ctx, state, &mut left).await;
    match result {
        Ok(()) => (None, Ok(())),
        Err(e) => (Some(left), Err(e)),
    }
}

async fn steps(ctx: &Ctx, state: &Value, left: &mut Value) -> Result<()> {
    let prefix = state.get("name_prefix").as_str().unwrap_or_default();
    let mut names: Vec<String> = state
        .get("rules")
        .as_list()
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r.get("name").as_str().map(str::to_string))
        .collect();
    for r in find_rules_by_prefix(&ctx.config(), prefix).await? {
        if !names.contains(&r.name) {
            names.push(r.name);
        }
    }
    for (i, name) in names.iter().enumerate() {
        if let Err(e) = delete_rule(ctx, name).await {
            left.set(
                "rules",
                Value::List(
                    state
                        .get("rules")
                        .as_list()
                        .unwrap_or_default()
                        .iter()
                        .filter(|r| {
                            names[i..]
                                .iter()
                                .any(|n| Some(n.as_str()) == r.get("name").as_str())
                        })
                        .cloned()
                        .collect(),
                ),
            );
            return Err(e);
        }
    }
    left.set("rules", Value::List(Vec::new()));

    let mut parts = state.get("created_parts").strings();
    let config = ctx.config();
    let recorder_name = state
        .get("recorder_name")
        .as_str()
        .map(str::to_string)
        .or(find_recorder(&config).await?.map(|r| r.name));
    let force_destroy = recorder_block(state)
        .and_then(|b| b.get("force_destroy").as_bool())
        .unwrap_or(false);
    for part in [PART_CHANNEL, PART_RECORDER, PART_BUCKET, PART_ROLE] {
        if !parts.iter().any(|p| p == part) {
            continue;
        }
        let r = match part {
            PART_CHANNEL => delete_channel(ctx, state, recorder_name.as_deref()).await,
            PART_RECORDER => match &recorder_name {
                Some(n) => delete_recorder(ctx, n).await,
                None => Ok(()),
            },
            PART_BUCKET => delete_bucket(ctx, &ctx.bucket_name(prefix), force_destroy).await,
            _ => delete_service_linked_role(ctx).await,
        };
        r?;
        parts.retain(|p| p != part);
        left.set("created_parts", Value::string_list(parts.clone()));
    }
    Ok(())
}

async fn delete_channel(ctx: &Ctx, state: &Value, recorder: Option<&str>) -> Result<()> {
    let config = ctx.config();
    // AWS refuses to delete the channel of a running recorder.
    if let Some(name) = recorder {
        ok_if_not_found(
            config
                .stop_configuration_recorder()
                .configuration_recorder_name(name)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| {
                    aws_error(
                        format!("stopping AWS Config Configuration Recorder ({name})"),
                        e,
                    )
                }),
        )?;
    }
    let name = state
        .get("delivery_channel_name")
        .as_str()
        .unwrap_or(super::schema::DEFAULT_RECORDER);
    ok_if_not_found(
        config
            .delete_delivery_channel()
            .delivery_channel_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| aws_error(format!("deleting AWS Config Delivery Channel ({name})"), e)),
    )
}

async fn delete_recorder(ctx: &Ctx, name: &str) -> Result<()> {
    ok_if_not_found(
        ctx.config()
            .delete_configuration_recorder()
            .configuration_recorder_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| {
                aws_error(
                    format!("deleting AWS Config Configuration Recorder ({name})"),
                    e,
                )
            }),
    )
}

async fn delete_bucket(ctx: &Ctx, bucket: &str, force_destroy: bool) -> Result<()> {
    let s3 = ctx.s3();
    if force_destroy {
        loop {
            let out = match s3.list_object_versions().bucket(bucket).send().await {
                Ok(o) => o,
                Err(e) => {
                    let err = aws_error(format!("listing objects of S3 Bucket ({bucket})"), e);
                    return if err.is_not_found() { Ok(()) } else { Err(err) };
                }
            };
            let mut ids = Vec::new();
            for v in out.versions() {
                ids.push((
                    v.key().unwrap_or_default().to_string(),
                    v.version_id().map(str::to_string),
                ));
            }
            for m in out.delete_markers() {
                ids.push((
                    m.key().unwrap_or_default().to_string(),
                    m.version_id().map(str::to_string),
                ));
            }
            if ids.is_empty() {
                break;
            }
            for (key, version) in ids {
                s3.delete_object()
                    .bucket(bucket)
                    .key(&key)
                    .set_version_id(version)
                    .send()
                    .await
                    .map_err(|e| aws_error(format!("emptying S3 Bucket ({bucket})"), e))?;
            }
        }
    }
    match s3.delete_bucket().bucket(bucket).send().await {
        Ok(_) => Ok(()),
        Err(e) => {
            let err = aws_error(format!("deleting S3 Bucket ({bucket})"), e);
            match &err {
                _ if err.is_not_found() => Ok(()),
                Error::Aws { code, action, kind, message } if code == "BucketNotEmpty" => Err(Error::Aws {
                    action: action.clone(),
                    kind: *kind,
                    code: code.clone(),
                    message: format!("{message}. Set `recorder {{ force_destroy = true }}` to empty it on destroy."),
                }),
                _ => Err(err),
            }
        }
    }
}

async fn delete_service_linked_role(ctx: &Ctx) -> Result<()> {
    let iam = ctx.iam();
    let Some((name, _)) = find_config_slr(&iam).await? else {
        return Ok(());
    };
    ok_if_not_found(
        iam.delete_service_linked_role()
            .role_name(&name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| aws_error(format!("deleting IAM Service-Linked Role ({name})"), e)),
    )
}
