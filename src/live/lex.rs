//! Amazon Lex V2 collector (regional): bots, their aliases' conversation log settings, and the KMS key of each text log group.
//!
//! Calls: `ListBots` pages, one `ListBotAliases` page per bot, one `DescribeBotAlias` per
//! alias, and one CloudWatch Logs `DescribeLogGroups` (name-prefix filter) per distinct text
//! log group, each step with bounded fan-out.

use std::collections::BTreeMap;

use aws_sdk_lexmodelsv2::types::ConversationLogSettings as SdkLogSettings;
use futures::stream::{self, StreamExt, TryStreamExt};
use secbaseline_engine::facts::{
    AudioLogSetting, BotAlias, Collected, ConversationLogSettings, Known, LexBot, LexFacts,
    TextLogSetting,
};

use crate::aws::{aws_error, AwsClients};
use crate::error::{Error, Result};
use crate::live::{into_collected, CallCounter, FAN_OUT};

/// Collects the Lex V2 bots of `region`, sorted by bot id, aliases sorted by alias id.
pub async fn collect(
    clients: &AwsClients,
    region: &str,
    calls: &CallCounter,
) -> Collected<LexFacts> {
    into_collected(collect_bots(clients, region, calls).await)
}

async fn collect_bots(clients: &AwsClients, region: &str, calls: &CallCounter) -> Result<LexFacts> {
    let lex = clients.lexv2(region);

    let mut bots = Vec::new();
    let mut pages = lex.list_bots().into_paginator().send();
    while let Some(page) = pages.next().await {
        calls.tick();
        let page = page.map_err(|e| aws_error(format!("listing Lex V2 bots in {region}"), e))?;
        bots.extend(page.bot_summaries().iter().map(|b| LexBot {
            id: Known::Known(b.bot_id().unwrap_or_default().to_string()),
            name: b.bot_name().unwrap_or_default().to_string(),
            aliases: Vec::new(),
            address: None,
        }));
    }

    // Alias ids of every bot, then every alias described: two flat fan-outs.
    let lex_ref = &lex;
    // Owned (index, id) pairs: closures over borrowed items would make the future not `Send`
    // for every lifetime, which tonic's handlers require.
    let indexed_ids: Vec<(usize, String)> = bots
        .iter()
        .enumerate()
        .map(|(i, b)| (i, b.id.as_known().cloned().unwrap_or_default()))
        .collect();
    let alias_ids: Vec<(usize, String)> = stream::iter(indexed_ids)
        .map(|(i, id)| async move {
            let ids = list_alias_ids(lex_ref, region, &id, calls).await?;
            Ok::<_, Error>(ids.into_iter().map(move |a| (i, a)).collect::<Vec<_>>())
        })
        .buffer_unordered(FAN_OUT)
        .try_concat()
        .await?;
    let bot_ids: Vec<String> = bots
        .iter()
        .map(|b| b.id.as_known().cloned().unwrap_or_default())
        .collect();
    let bot_ids = &bot_ids;
    let described: Vec<(usize, BotAlias)> = stream::iter(alias_ids)
        .map(|(i, alias_id)| async move {
            let alias = describe_alias(lex_ref, region, &bot_ids[i], &alias_id, calls).await?;
            Ok::<_, Error>(alias.map(|a| (i, a)))
        })
        .buffer_unordered(FAN_OUT)
        .try_filter_map(|x| async move { Ok(x) })
        .try_collect()
        .await?;
    for (i, alias) in described {
        bots[i].aliases.push(alias);
    }

    // KMS key of each distinct text log group.
    let groups: Vec<String> = {
        let mut arns: Vec<String> = bots
            .iter()
            .flat_map(|b| &b.aliases)
            .filter_map(|a| a.conversation_logs.as_known())
            .flat_map(|c| &c.text)
            .filter_map(|t| t.log_group_arn.as_known().cloned())
            .filter(|arn| !arn.is_empty())
            .collect();
        arns.sort();
        arns.dedup();
        arns
    };
    let keys: BTreeMap<String, Option<String>> = stream::iter(groups)
        .map(|arn| async move {
            let key = log_group_kms_key(clients, region, &arn, calls).await?;
            Ok::<_, Error>((arn, key))
        })
        .buffer_unordered(FAN_OUT)
        .try_collect()
        .await?;
    for bot in &mut bots {
        bot.aliases
            .sort_by(|a, b| a.id.as_known().cmp(&b.id.as_known()));
        for alias in &mut bot.aliases {
            if let Known::Known(logs) = &mut alias.conversation_logs {
                for text in &mut logs.text {
                    if let Some(key) = text.log_group_arn.as_known().and_then(|arn| keys.get(arn)) {
                        text.log_group_kms_key_arn = Known::Known(key.clone());
                    }
                }
            }
        }
    }
    bots.sort_by(|a, b| a.id.as_known().cmp(&b.id.as_known()));
    Ok(LexFacts { bots })
}

/// Alias ids of one bot; a bot deleted meanwhile has none.
async fn list_alias_ids(
    lex: &aws_sdk_lexmodelsv2::Client,
    region: &str,
    bot_id: &str,
    calls: &CallCounter,
) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    let mut pages = lex
        .list_bot_aliases()
        .bot_id(bot_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        calls.tick();
        match page {
            Ok(page) => ids.extend(
                page.bot_alias_summaries()
                    .iter()
                    .filter_map(|a| a.bot_alias_id().map(str::to_string)),
            ),
            Err(e) => {
                let err = aws_error(
                    format!("listing aliases of Lex V2 bot {bot_id} in {region}"),
                    e,
                );
                return if err.is_not_found() {
                    Ok(Vec::new())
                } else {
                    Err(err)
                };
            }
        }
    }
    Ok(ids)
}

/// One alias with its conversation log settings; `None` when it was deleted meanwhile.
async fn describe_alias(
    lex: &aws_sdk_lexmodelsv2::Client,
    region: &str,
    bot_id: &str,
    alias_id: &str,
    calls: &CallCounter,
) -> Result<Option<BotAlias>> {
    calls.tick();
    let out = match lex
        .describe_bot_alias()
        .bot_id(bot_id)
        .bot_alias_id(alias_id)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => {
            let err = aws_error(
                format!("describing Lex V2 bot alias {alias_id} of bot {bot_id} in {region}"),
                e,
            );
            return if err.is_not_found() {
                Ok(None)
            } else {
                Err(err)
            };
        }
    };
    Ok(Some(BotAlias {
        id: Known::Known(out.bot_alias_id().unwrap_or(alias_id).to_string()),
        name: out.bot_alias_name().unwrap_or_default().to_string(),
        conversation_logs: Known::Known(
            out.conversation_log_settings()
                .map(log_settings)
                .unwrap_or_default(),
        ),
        address: None,
    }))
}

fn log_settings(settings: &SdkLogSettings) -> ConversationLogSettings {
    ConversationLogSettings {
        text: settings
            .text_log_settings()
            .iter()
            .map(|t| TextLogSetting {
                enabled: Known::Known(t.enabled()),
                log_group_arn: Known::Known(
                    t.destination()
                        .and_then(|d| d.cloud_watch())
                        .map(|c| c.cloud_watch_log_group_arn().to_string())
                        .unwrap_or_default(),
                ),
                // Filled from DescribeLogGroups once all aliases are read.
                log_group_kms_key_arn: Known::Known(None),
            })
            .collect(),
        audio: settings
            .audio_log_settings()
            .iter()
            .map(|a| {
                let bucket = a.destination().and_then(|d| d.s3_bucket());
                AudioLogSetting {
                    enabled: Known::Known(a.enabled()),
                    bucket_arn: Known::Known(
                        bucket
                            .map(|b| b.s3_bucket_arn().to_string())
                            .unwrap_or_default(),
                    ),
                    kms_key_arn: Known::Known(
                        bucket
                            .and_then(|b| b.kms_key_arn())
                            .map(str::to_string)
                            .filter(|k| !k.is_empty()),
                    ),
                }
            })
            .collect(),
    }
}

/// `(region, name)` of a log group ARN `arn:<p>:logs:<region>:<account>:log-group:<name>[:*]`.
fn log_group_of(arn: &str) -> Option<(&str, &str)> {
    let region = arn.split(':').nth(3)?;
    let name = arn.split_once(":log-group:")?.1;
    let name = name.strip_suffix(":*").unwrap_or(name);
    (!name.is_empty()).then_some((region, name))
}

/// The KMS key of a log group (`None`: not KMS-encrypted, or the group does not exist).
async fn log_group_kms_key(
    clients: &AwsClients,
    default_region: &str,
    arn: &str,
    calls: &CallCounter,
) -> Result<Option<String>> {
    let Some((region, name)) = log_group_of(arn) else {
        return Ok(None);
    };
    let region = if region.is_empty() {
        default_region
    } else {
        region
    };
    let logs = clients.logs(region);
    let mut pages = logs
        .describe_log_groups()
        .log_group_name_prefix(name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        calls.tick();
        let page = page.map_err(|e| {
            aws_error(
                format!("reading CloudWatch Logs group {name} in {region}"),
                e,
            )
        })?;
        if let Some(group) = page
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(name))
        {
            return Ok(group
                .kms_key_id()
                .map(str::to_string)
                .filter(|k| !k.is_empty()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_group_arns_split() {
        assert_eq!(
            log_group_of("arn:aws:logs:eu-west-1:1:log-group:/lex/bot:*"),
            Some(("eu-west-1", "/lex/bot"))
        );
        assert_eq!(
            log_group_of("arn:aws:logs:us-east-1:1:log-group:a:b"),
            Some(("us-east-1", "a:b"))
        );
        assert_eq!(log_group_of("not-an-arn"), None);
    }
}
