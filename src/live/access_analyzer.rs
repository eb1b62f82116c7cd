//! IAM Access Analyzer collector (regional): `ListAnalyzers`, one call per page of analyzers.

use secbaseline_engine::facts::{AccessAnalyzerFacts, Analyzer, Collected};

use crate::aws::{aws_error, AwsClients};
use crate::error::Result;
use crate::live::{into_collected, CallCounter};

/// Collects the analyzers of `region` with their type and status, sorted by name.
pub async fn collect(
    clients: &AwsClients,
    region: &str,
    calls: &CallCounter,
) -> Collected<AccessAnalyzerFacts> {
    into_collected(list_analyzers(&clients.accessanalyzer(region), region, calls).await)
}

async fn list_analyzers(
    client: &aws_sdk_accessanalyzer::Client,
    region: &str,
    calls: &CallCounter,
) -> Result<AccessAnalyzerFacts> {
    let mut pages = client.list_analyzers().into_paginator().send();
    let mut analyzers = Vec::new();
    while let Some(page) = pages.next().await {
        calls.tick();
        let page = page.map_err(|e| {
            aws_error(
                format!("listing IAM Access Analyzer analyzers in {region}"),
                e,
            )
        })?;
        analyzers.extend(page.analyzers().iter().map(|a| Analyzer {
            name: a.name().to_string(),
            arn: Some(a.arn().to_string()).filter(|s| !s.is_empty()),
            analyzer_type: a.r#type().as_str().to_string(),
            status: a.status().as_str().to_string(),
            address: None,
        }));
    }
    analyzers.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(AccessAnalyzerFacts { analyzers })
}
