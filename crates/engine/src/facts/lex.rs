//! Amazon Lex V2 facts: bots, aliases and their conversation log settings.

use serde::{Deserialize, Serialize};

use super::Known;

/// Name of the built-in test alias every Lex V2 bot has.
pub const TEST_BOT_ALIAS: &str = "TestBotAlias";

/// Lex V2 facts of one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LexFacts {
    /// Bots.
    pub bots: Vec<LexBot>,
}

/// A Lex V2 bot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LexBot {
    /// Bot id.
    pub id: Known<String>,
    /// Human name.
    pub name: String,
    /// Aliases.
    pub aliases: Vec<BotAlias>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

impl LexBot {
    /// `arn:<partition>:lex:<region>:<account>:bot/<id>`.
    pub fn arn(&self, partition: &str, region: &str, account: &str) -> Option<String> {
        self.id
            .as_known()
            .filter(|_| !region.is_empty() && !account.is_empty())
            .map(|id| format!("arn:{partition}:lex:{region}:{account}:bot/{id}"))
    }
}

/// A bot alias.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BotAlias {
    /// Alias id.
    pub id: Known<String>,
    /// Alias name (`TestBotAlias` for the built-in one).
    pub name: String,
    /// `conversationLogSettings`.
    pub conversation_logs: Known<ConversationLogSettings>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

/// Conversation log settings of an alias.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConversationLogSettings {
    /// `textLogSettings`.
    pub text: Vec<TextLogSetting>,
    /// `audioLogSettings`.
    pub audio: Vec<AudioLogSetting>,
}

/// One text log setting (CloudWatch Logs destination).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TextLogSetting {
    /// `enabled`.
    pub enabled: Known<bool>,
    /// `destination.cloudWatch.cloudWatchLogGroupArn`.
    pub log_group_arn: Known<String>,
    /// KMS key of that log group (from `DescribeLogGroups`; `None`: not encrypted with KMS).
    pub log_group_kms_key_arn: Known<Option<String>>,
}

/// One audio log setting (S3 destination).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AudioLogSetting {
    /// `enabled`.
    pub enabled: Known<bool>,
    /// `destination.s3Bucket.s3BucketArn`.
    pub bucket_arn: Known<String>,
    /// `destination.s3Bucket.kmsKeyArn`.
    pub kms_key_arn: Known<Option<String>>,
}
