//! Delete: alarms, metric filters, subscriptions of a given topic, then the resource's own
//! topic. Existence is checked first (AWS and the emulator both answer success for a missing
//! alarm or filter), "not found" counts as done, and a failed destroy can be re-run.

use crate::aws::aws_error;
use crate::error::Result;
use crate::value::Value;

use super::finders::{find_alarms, find_email_subscriptions, find_filters};
use super::Ctx;

/// DeleteAlarms takes up to 100 names per call.
const DELETE_ALARMS_BATCH: usize = 100;

pub async fn delete_alarms(ctx: &Ctx, names: &[String]) -> Result<()> {
    for batch in names.chunks(DELETE_ALARMS_BATCH) {
        ctx.cloudwatch()
            .delete_alarms()
            .set_alarm_names(Some(batch.to_vec()))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| {
                aws_error(
                    format!("deleting CloudWatch Metric Alarms ({})", batch.join(", ")),
                    e,
                )
            })
            .or_else(not_found_is_done)?;
    }
    Ok(())
}

pub async fn delete_filters(ctx: &Ctx, log_group: &str, names: &[String]) -> Result<()> {
    for name in names {
        ctx.logs()
            .delete_metric_filter()
            .log_group_name(log_group)
            .filter_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| {
                aws_error(
                    format!("deleting CloudWatch Logs Metric Filter ({name})"),
                    e,
                )
            })
            .or_else(not_found_is_done)?;
    }
    Ok(())
}

pub async fn delete_topic(ctx: &Ctx, arn: &str) -> Result<()> {
    ctx.sns()
        .delete_topic()
        .topic_arn(arn)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| aws_error(format!("deleting SNS Topic ({arn})"), e))
        .or_else(not_found_is_done)
}

fn not_found_is_done<T: Default>(e: crate::error::Error) -> Result<T> {
    if e.is_not_found() {
        Ok(T::default())
    } else {
        Err(e)
    }
}

/// Deletes what `state` records. Returns what is left (None: all gone) and the error.
pub async fn delete(ctx: &Ctx, state: &Value) -> (Option<Value>, Result<()>) {
    let mut left = state.clone();
    match steps(ctx, state, &mut left).await {
        Ok(()) => (None, Ok(())),
        Err(e) => (Some(left), Err(e)),
    }
}

async fn steps(ctx: &Ctx, state: &Value, left: &mut Value) -> Result<()> {
    let prefix = state.get("name_prefix").as_str().unwrap_or_default();
    let alarms: Vec<String> = find_alarms(&ctx.cloudwatch(), prefix)
        .await?
        .into_iter()
        .map(|a| a.name)
        .collect();
    delete_alarms(ctx, &alarms).await?;
    left.set("alarms", Value::List(Vec::new()));

    if let Some(group) = state.get("cloudtrail_log_group_name").as_str() {
        let filters: Vec<String> = find_filters(&ctx.logs(), prefix, Some(group))
            .await?
            .into_iter()
            .map(|f| f.name)
            .collect();
        delete_filters(ctx, group, &filters).await?;
    }
    left.set("metric_filters", Value::List(Vec::new()));

    let Some(topic) = state.get("sns_topic_arn").as_str() else {
        return Ok(());
    };
    if state.get("created_sns_topic") == &Value::Bool(true) {
        delete_topic(ctx, topic).await?;
    } else {
        // A given topic stays; only the subscriptions this resource made go.
        let ours = state.get("email_subscriptions").strings();
        for (email, arn) in find_email_subscriptions(&ctx.sns(), topic).await? {
            if ours.contains(&email) && arn.starts_with("arn:") {
                ctx.sns()
                    .unsubscribe()
                    .subscription_arn(&arn)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| aws_error(format!("deleting SNS Topic Subscription ({email})"), e))
                    .or_else(not_found_is_done)?;
            }
        }
    }
    Ok(())
}
