//! AWS Config facts: recorders, delivery channels and rules.

use serde::{Deserialize, Serialize};

use super::Known;

/// AWS Config facts of one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfigFacts {
    /// Configuration recorders (at most one customer recorder per region in practice).
    pub recorders: Vec<Recorder>,
    /// Delivery channels.
    pub delivery_channels: Vec<DeliveryChannel>,
    /// Config rules.
    pub rules: Vec<ConfigRule>,
}

/// A configuration recorder with its status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Recorder {
    /// Name.
    pub name: String,
    /// Role ARN.
    pub role_arn: Known<Option<String>>,
    /// `DescribeConfigurationRecorderStatus.recording`.
    pub recording: Known<bool>,
    /// Recording group.
    pub recording_group: Known<RecordingGroup>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

/// A recorder's recording group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordingGroup {
    /// `allSupported`.
    pub all_supported: bool,
    /// `includeGlobalResourceTypes`.
    pub include_global_resource_types: bool,
    /// `resourceTypes` (with strategy `INCLUSION_BY_RESOURCE_TYPES`).
    pub resource_types: Vec<String>,
    /// `exclusionByResourceTypes.resourceTypes` (with strategy `EXCLUSION_BY_RESOURCE_TYPES`).
    pub exclusion_resource_types: Vec<String>,
    /// `recordingStrategy.useOnly`, if set.
    pub strategy: Option<String>,
}

impl RecordingGroup {
    /// Whether a resource type (e.g. `AWS::ApiGateway::Stage`) is recorded.
    pub fn records(&self, resource_type: &str) -> bool {
        if self
            .exclusion_resource_types
            .iter()
            .any(|t| t == resource_type)
        {
            return false;
        }
        if self.strategy.as_deref() == Some("EXCLUSION_BY_RESOURCE_TYPES")
            || self.resource_types.iter().any(|t| t == resource_type)
        {
            return true;
        }
        // Global (IAM) types are recorded under allSupported only with
        // includeGlobalResourceTypes.
        self.all_supported
            && (self.include_global_resource_types || !resource_type.starts_with("AWS::IAM::"))
    }
}

/// A delivery channel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeliveryChannel {
    /// Name.
    pub name: String,
    /// S3 bucket.
    pub s3_bucket: Known<Option<String>>,
    /// SNS topic.
    pub sns_topic_arn: Known<Option<String>>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

/// A Config rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfigRule {
    /// Rule name.
    pub name: String,
    /// Rule ARN.
    pub arn: Known<String>,
    /// `Source.Owner`: `AWS`, `CUSTOM_LAMBDA`, `CUSTOM_POLICY`.
    pub source_owner: String,
    /// `Source.SourceIdentifier`, e.g. `API_GW_XRAY_ENABLED`.
    pub source_identifier: Known<String>,
    /// `ConfigRuleState`: `ACTIVE`, `DELETING`, …
    pub state: Option<String>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recording_group_records() {
        let all = RecordingGroup {
            all_supported: true,
            ..Default::default()
        };
        assert!(all.records("AWS::Lex::Bot"));
        assert!(!all.records("AWS::IAM::Role"));
        let global = RecordingGroup {
            all_supported: true,
            include_global_resource_types: true,
            ..Default::default()
        };
        assert!(global.records("AWS::IAM::Role"));
        let incl = RecordingGroup {
            resource_types: vec!["AWS::Lex::Bot".into()],
            ..Default::default()
        };
        assert!(incl.records("AWS::Lex::Bot"));
        assert!(!incl.records("AWS::Lex::BotAlias"));
        let excl = RecordingGroup {
            exclusion_resource_types: vec!["AWS::Lex::Bot".into()],
            strategy: Some("EXCLUSION_BY_RESOURCE_TYPES".into()),
            ..Default::default()
        };
        assert!(!excl.records("AWS::Lex::Bot"));
        assert!(excl.records("AWS::Pinpoint::App"));
    }
}
