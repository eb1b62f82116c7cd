//! Collects CloudWatch facts: the region's metric alarms.
//!
//! Calls: one DescribeAlarms (`AlarmTypes=MetricAlarm`) per 100 alarms.

use std::collections::BTreeMap;

use secbaseline_engine::facts::{Alarm, CloudWatchFacts, Collected, Known};

use crate::aws::{aws_error, AwsClients};
use crate::error::Error;
use crate::live::paging::all_pages;
use crate::live::{into_collected, CallCounter};

/// Largest page DescribeAlarms accepts.
const PAGE_LIMIT: i32 = 100;

/// CloudWatch alarm facts of `region`.
pub async fn collect(
    clients: &AwsClients,
    region: &str,
    calls: &CallCounter,
) -> Collected<CloudWatchFacts> {
    into_collected(collect_facts(&clients.cloudwatch(region), region, calls).await)
}

async fn collect_facts(
    client: &aws_sdk_cloudwatch::Client,
    region: &str,
    calls: &CallCounter,
) -> Result<CloudWatchFacts, Error> {
    let alarms = all_pages(calls, |token| async move {
        let out = client
            .describe_alarms()
            .alarm_types(aws_sdk_cloudwatch::types::AlarmType::MetricAlarm)
            .max_records(PAGE_LIMIT)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| aws_error(format!("listing CloudWatch alarms in {region}"), e))?;
        Ok((
            out.metric_alarms().to_vec(),
            out.next_token().map(str::to_string),
        ))
    })
    .await?;
    let mut alarms: Vec<Alarm> = alarms
        .iter()
        .map(|a| Alarm {
            name: a.alarm_name().unwrap_or_default().to_string(),
            arn: Known::Known(a.alarm_arn().unwrap_or_default().to_string()),
            namespace: Known::Known(a.namespace().map(str::to_string)),
            metric_name: Known::Known(a.metric_name().map(str::to_string)),
            dimensions: Known::Known(
                a.dimensions()
                    .iter()
                    .filter_map(|d| {
                        Some((
                            d.name()?.to_string(),
                            d.value().unwrap_or_default().to_string(),
                        ))
                    })
                    .collect::<BTreeMap<_, _>>(),
            ),
            // AWS's default when an alarm is created without it.
            actions_enabled: Known::Known(a.actions_enabled().unwrap_or(true)),
            alarm_actions: Known::Known(a.alarm_actions().to_vec()),
            address: None,
        })
        .collect();
    alarms.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(CloudWatchFacts { alarms })
}
