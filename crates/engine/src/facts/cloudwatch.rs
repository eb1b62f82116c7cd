//! CloudWatch facts: metric alarms, and CloudWatch Logs metric filters.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Known;

/// CloudWatch (metrics and alarms) facts of one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CloudWatchFacts {
    /// Metric alarms.
    pub alarms: Vec<Alarm>,
}

/// A metric alarm.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Alarm {
    /// Alarm name.
    pub name: String,
    /// Alarm ARN.
    pub arn: Known<String>,
    /// `Namespace` (`None` for metric-math alarms).
    pub namespace: Known<Option<String>>,
    /// `MetricName` (`None` for metric-math alarms).
    pub metric_name: Known<Option<String>>,
    /// `Dimensions`.
    pub dimensions: Known<BTreeMap<String, String>>,
    /// `ActionsEnabled`.
    pub actions_enabled: Known<bool>,
    /// `AlarmActions` (ARNs).
    pub alarm_actions: Known<Vec<String>>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

impl Alarm {
    /// True when `AlarmActions` is known and has at least one SNS topic.
    pub fn has_sns_action(&self) -> bool {
        self.alarm_actions
            .as_known()
            .is_some_and(|a| a.iter().any(|arn| arn.contains(":sns:")))
    }
}

/// CloudWatch Logs facts of one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogsFacts {
    /// Metric filters.
    pub metric_filters: Vec<MetricFilter>,
}

/// A metric filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetricFilter {
    /// Log group name.
    pub log_group_name: Known<String>,
    /// Filter name.
    pub name: String,
    /// `filterPattern`.
    pub pattern: Known<String>,
    /// Metric transformations.
    pub transformations: Vec<MetricTransformation>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

/// A metric transformation of a filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetricTransformation {
    /// `metricNamespace`.
    pub namespace: String,
    /// `metricName`.
    pub name: String,
}
