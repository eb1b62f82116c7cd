//! Collects CloudWatch Logs facts: the region's metric filters.
//!
//! Calls: one DescribeMetricFilters per 50 filters.

use secbaseline_engine::facts::{Collected, Known, LogsFacts, MetricFilter, MetricTransformation};

use crate::aws::{aws_error, AwsClients};
use crate::error::Error;
use crate::live::paging::all_pages;
use crate::live::{into_collected, CallCounter};

/// Largest page DescribeMetricFilters accepts.
const PAGE_LIMIT: i32 = 50;

/// CloudWatch Logs metric-filter facts of `region`.
pub async fn collect(
    clients: &AwsClients,
    region: &str,
    calls: &CallCounter,
) -> Collected<LogsFacts> {
    into_collected(collect_facts(&clients.logs(region), region, calls).await)
}

async fn collect_facts(
    client: &aws_sdk_cloudwatchlogs::Client,
    region: &str,
    calls: &CallCounter,
) -> Result<LogsFacts, Error> {
    let filters = all_pages(calls, |token| async move {
        let out = client
            .describe_metric_filters()
            .limit(PAGE_LIMIT)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| {
                aws_error(
                    format!("listing CloudWatch Logs metric filters in {region}"),
                    e,
                )
            })?;
        Ok((
            out.metric_filters().to_vec(),
            out.next_token().map(str::to_string),
        ))
    })
    .await?;
    let mut metric_filters: Vec<MetricFilter> = filters
        .iter()
        .map(|f| MetricFilter {
            log_group_name: Known::Known(f.log_group_name().unwrap_or_default().to_string()),
            name: f.filter_name().unwrap_or_default().to_string(),
            pattern: Known::Known(f.filter_pattern().unwrap_or_default().to_string()),
            transformations: f
                .metric_transformations()
                .iter()
                .map(|t| MetricTransformation {
                    namespace: t.metric_namespace().to_string(),
                    name: t.metric_name().to_string(),
                })
                .collect(),
            address: None,
        })
        .collect();
    metric_filters.sort_by(|a, b| {
        (a.log_group_name.as_known(), &a.name).cmp(&(b.log_group_name.as_known(), &b.name))
    });
    Ok(LogsFacts { metric_filters })
}
