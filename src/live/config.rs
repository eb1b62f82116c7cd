//! Collects AWS Config facts: configuration recorders with their status, delivery channels and Config rules.
//!
//! Calls: 1 DescribeConfigurationRecorders + 1 DescribeConfigurationRecorderStatus +
//! 1 DescribeDeliveryChannels + one DescribeConfigRules per page (the API pages by 25),
//! all four started at once.

use secbaseline_engine::facts::{
    Collected, ConfigFacts, ConfigRule, DeliveryChannel, Known, Recorder, RecordingGroup,
};

use crate::aws::{aws_error, AwsClients};
use crate::error::Error;
use crate::live::paging::all_pages;
use crate::live::{into_collected, CallCounter};

/// AWS Config facts of `region`; any failed call makes the whole service `Failed`.
pub async fn collect(
    clients: &AwsClients,
    region: &str,
    calls: &CallCounter,
) -> Collected<ConfigFacts> {
    into_collected(collect_facts(&clients.config(region), region, calls).await)
}

async fn collect_facts(
    client: &aws_sdk_config::Client,
    region: &str,
    calls: &CallCounter,
) -> Result<ConfigFacts, Error> {
    let recorders = async {
        calls.tick();
        client
            .describe_configuration_recorders()
            .send()
            .await
            .map_err(|e| aws_error(format!("reading AWS Config recorders in {region}"), e))
    };
    let statuses = async {
        calls.tick();
        client
            .describe_configuration_recorder_status()
            .send()
            .await
            .map_err(|e| aws_error(format!("reading AWS Config recorder status in {region}"), e))
    };
    let channels = async {
        calls.tick();
        client
            .describe_delivery_channels()
            .send()
            .await
            .map_err(|e| {
                aws_error(
                    format!("reading AWS Config delivery channels in {region}"),
                    e,
                )
            })
    };
    let rules = all_pages(calls, |token| async move {
        let out = client
            .describe_config_rules()
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| aws_error(format!("listing AWS Config rules in {region}"), e))?;
        Ok((
            out.config_rules().to_vec(),
            out.next_token().map(str::to_string),
        ))
    });
    let (recorders, statuses, channels, rules) =
        futures::try_join!(recorders, statuses, channels, rules)?;

    let mut recorders: Vec<Recorder> = recorders
        .configuration_recorders()
        .iter()
        .map(|r| {
            let name = r.name().unwrap_or_default().to_string();
            let recording = statuses
                .configuration_recorders_status()
                .iter()
                .any(|s| s.name() == Some(name.as_str()) && s.recording());
            Recorder {
                role_arn: Known::Known(r.role_arn().filter(|a| !a.is_empty()).map(str::to_string)),
                recording: Known::Known(recording),
                recording_group: Known::Known(
                    r.recording_group().map(recording_group).unwrap_or_default(),
                ),
                address: None,
                name,
            }
        })
        .collect();
    recorders.sort_by(|a, b| a.name.cmp(&b.name));

    let mut delivery_channels: Vec<DeliveryChannel> = channels
        .delivery_channels()
        .iter()
        .map(|c| DeliveryChannel {
            name: c.name().unwrap_or_default().to_string(),
            s3_bucket: Known::Known(
                c.s3_bucket_name()
                    .filter(|b| !b.is_empty())
                    .map(str::to_string),
            ),
            sns_topic_arn: Known::Known(
                c.sns_topic_arn()
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
            ),
            address: None,
        })
        .collect();
    delivery_channels.sort_by(|a, b| a.name.cmp(&b.name));

    let mut rules: Vec<ConfigRule> = rules
        .iter()
        .map(|r| ConfigRule {
            name: r.config_rule_name().unwrap_or_default().to_string(),
            arn: Known::Known(r.config_rule_arn().unwrap_or_default().to_string()),
            source_owner: r
                .source()
                .map(|s| s.owner().as_str().to_string())
                .unwrap_or_default(),
            source_identifier: Known::Known(
                r.source()
                    .and_then(|s| s.source_identifier())
                    .unwrap_or_default()
                    .to_string(),
            ),
            state: r.config_rule_state().map(|s| s.as_str().to_string()),
            address: None,
        })
        .collect();
    rules.sort_by(|a, b| a.name.cmp(&b.name));

    Ok(ConfigFacts {
        recorders,
        delivery_channels,
        rules,
    })
}

fn recording_group(g: &aws_sdk_config::types::RecordingGroup) -> RecordingGroup {
    RecordingGroup {
        all_supported: g.all_supported(),
        include_global_resource_types: g.include_global_resource_types(),
        resource_types: g
            .resource_types()
            .iter()
            .map(|t| t.as_str().to_string())
            .collect(),
        exclusion_resource_types: g
            .exclusion_by_resource_types()
            .map(|e| {
                e.resource_types()
                    .iter()
                    .map(|t| t.as_str().to_string())
                    .collect()
            })
            .unwrap_or_default(),
        strategy: g
            .recording_strategy()
            .and_then(|s| s.use_only())
            .map(|u| u.as_str().to_string()),
    }
}
