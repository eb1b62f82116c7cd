//! Create and update: one idempotent convergence. The topic first (alarms point at it), then
//! subscriptions, metric filters, alarms; parts the spec no longer wants go last. Every step
//! compares with what exists, so a re-run after a partial failure only does what is missing.

use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic};
use aws_sdk_cloudwatchlogs::types::MetricTransformation;

use crate::aws::aws_error;
use crate::error::{Error, Result};

use super::delete::{delete_alarms, delete_filters, delete_topic};
use super::desired::{topic_name, AlarmSpec, ApiKind, Inputs};
use super::finders::{find_alarms, find_email_subscriptions, find_filters, topic_exists};
use super::Ctx;

/// What the previous state says (update) — for clean-up of what moved.
pub struct Prior {
    pub log_group: Option<String>,
    pub created_topic_arn: Option<String>,
}

/// Converges to `inputs`. Returns whether the topic is the resource's own.
pub async fn converge(ctx: &Ctx, inputs: &Inputs, kinds: &[ApiKind], prior: &Prior) -> Result<()> {
    let topic = ensure_topic(ctx, inputs).await?;
    if let Some(emails) = &inputs.emails {
        ensure_subscriptions(ctx, &topic, emails).await?;
    }
    ensure_filters(ctx, inputs, prior).await?;
    ensure_alarms(ctx, inputs, kinds).await?;
    // A topic the resource made, now replaced by a given one.
    if let Some(old) = &prior.created_topic_arn {
        if old != &topic {
            delete_topic(ctx, old).await?;
        }
    }
    Ok(())
}

async fn ensure_topic(ctx: &Ctx, inputs: &Inputs) -> Result<String> {
    let sns = ctx.sns();
    if let Some(arn) = &inputs.given_topic {
        if !topic_exists(&sns, arn).await? {
            return Err(Error::config(
                crate::diag::AttrPath::of("sns_topic_arn"),
                "SNS topic not found",
                format!(
                    "The topic {arn} does not exist (or is not readable) in {}.",
                    ctx.env.region
                ),
            ));
        }
        return Ok(arn.clone());
    }
    let name = topic_name(&inputs.prefix);
    // CreateTopic is idempotent for the same name and attributes: it adopts an earlier run's.
    let out = sns
        .create_topic()
        .name(&name)
        .send()
        .await
        .map_err(|e| aws_error(format!("creating SNS Topic ({name})"), e))?;
    let arn = out
        .topic_arn()
        .map(str::to_string)
        .unwrap_or_else(|| ctx.env.topic_arn(&name));
    sns.set_topic_attributes()
        .topic_arn(&arn)
        .attribute_name("Policy")
        .attribute_value(topic_policy(&ctx.env.partition, &ctx.env.account, &arn))
        .send()
        .await
        .map_err(|e| aws_error(format!("putting the policy of SNS Topic ({name})"), e))?;
    Ok(arn)
}

/// Lets CloudWatch alarms of this account publish, and the account manage the topic.
pub fn topic_policy(partition: &str, account: &str, topic: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountOwnerManages",
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:{partition}:iam::{account}:root")},
                "Action": [
                    "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                    "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                    "SNS:ListSubscriptionsByTopic", "SNS:Publish"
                ],
                "Resource": topic
            },
            {
                "Sid": "CloudWatchAlarmsPublish",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": "SNS:Publish",
                "Resource": topic,
                "Condition": {
                    "StringEquals": {"AWS:SourceAccount": account},
                    "ArnLike": {"AWS:SourceArn": format!("arn:{partition}:cloudwatch:*:{account}:alarm:*")}
                }
            }
        ]
    })
    .to_string()
}

async fn ensure_subscriptions(ctx: &Ctx, topic: &str, emails: &[String]) -> Result<()> {
    let sns = ctx.sns();
    let existing = find_email_subscriptions(&sns, topic).await?;
    for email in emails {
        if existing.iter().any(|(e, _)| e == email) {
            continue;
        }
        sns.subscribe()
            .topic_arn(topic)
            .protocol("email")
            .endpoint(email)
            .send()
            .await
            .map_err(|e| aws_error(format!("creating SNS Topic Subscription ({email})"), e))?;
    }
    for (email, arn) in existing {
        // A pending subscription has no ARN yet; AWS expires it after three days.
        if emails.contains(&email) || !arn.starts_with("arn:") {
            continue;
        }
        sns.unsubscribe()
            .subscription_arn(&arn)
            .send()
            .await
            .map_err(|e| aws_error(format!("deleting SNS Topic Subscription ({email})"), e))?;
    }
    Ok(())
}

async fn ensure_filters(ctx: &Ctx, inputs: &Inputs, prior: &Prior) -> Result<()> {
    let logs = ctx.logs();
    if let Some(old) = prior
        .log_group
        .as_deref()
        .filter(|g| *g != inputs.log_group)
    {
        let names: Vec<String> = find_filters(&logs, &inputs.prefix, Some(old))
            .await?
            .into_iter()
            .map(|f| f.name)
            .collect();
        delete_filters(ctx, old, &names).await?;
    }
    let existing = find_filters(&logs, &inputs.prefix, Some(&inputs.log_group)).await?;
    let wanted = inputs.filters();
    for f in &wanted {
        if existing.contains(f) {
            continue;
        }
        let verb = if existing.iter().any(|e| e.name == f.name) {
            "updating"
        } else {
            "creating"
        };
        let transformation = MetricTransformation::builder()
            .metric_name(&f.metric_name)
            .metric_namespace(&f.metric_namespace)
            .metric_value(&f.metric_value)
            .build()
            .map_err(|e| Error::Internal(format!("building a metric transformation: {e}")))?;
        logs.put_metric_filter()
            .log_group_name(&f.log_group_name)
            .filter_name(&f.name)
            .filter_pattern(&f.pattern)
            .metric_transformations(transformation)
            .send()
            .await
            .map_err(|e| {
                aws_error(
                    format!("{verb} CloudWatch Logs Metric Filter ({})", f.name),
                    e,
                )
            })?;
    }
    let stale: Vec<String> = existing
        .into_iter()
        .filter(|e| !wanted.iter().any(|w| w.name == e.name))
        .map(|e| e.name)
        .collect();
    delete_filters(ctx, &inputs.log_group, &stale).await
}

async fn ensure_alarms(ctx: &Ctx, inputs: &Inputs, kinds: &[ApiKind]) -> Result<()> {
    let cw = ctx.cloudwatch();
    let existing = find_alarms(&cw, &inputs.prefix).await?;
    let wanted = inputs.alarms(&ctx.env, kinds);
    for a in &wanted {
        if existing.contains(a) {
            continue;
        }
        let verb = if existing.iter().any(|e| e.name == a.name) {
            "updating"
        } else {
            "creating"
        };
        put_alarm(&cw, a)
            .await
            .map_err(|e| aws_error(format!("{verb} CloudWatch Metric Alarm ({})", a.name), e))?;
    }
    let stale: Vec<String> = existing
        .into_iter()
        .filter(|e| !wanted.iter().any(|w| w.name == e.name))
        .map(|e| e.name)
        .collect();
    delete_alarms(ctx, &stale).await
}

async fn put_alarm(
    cw: &aws_sdk_cloudwatch::Client,
    a: &AlarmSpec,
) -> std::result::Result<
    aws_sdk_cloudwatch::operation::put_metric_alarm::PutMetricAlarmOutput,
    aws_sdk_cloudwatch::error::SdkError<
        aws_sdk_cloudwatch::operation::put_metric_alarm::PutMetricAlarmError,
        aws_smithy_runtime_api::http::Response,
    >,
> {
    let mut req = cw
        .put_metric_alarm()
        .alarm_name(&a.name)
        .alarm_description(format!("secbaseline: {} ({})", a.control_id, a.kind))
        .namespace(&a.namespace)
        .metric_name(&a.metric_name)
        .period(a.period as i32)
        .evaluation_periods(a.evaluation_periods as i32)
        .threshold(a.threshold)
        .comparison_operator(ComparisonOperator::from(a.comparison_operator.as_str()))
        .treat_missing_data(&a.treat_missing_data)
        .actions_enabled(a.actions_enabled)
        .set_alarm_actions(Some(a.alarm_actions.clone()));
    req = if a.is_extended() {
        req.extended_statistic(&a.statistic)
    } else {
        req.statistic(Statistic::from(a.statistic.as_str()))
    };
    for (k, v) in &a.dimensions {
        req = req.dimensions(Dimension::builder().name(k).value(v).build());
    }
    req.send().await
}
