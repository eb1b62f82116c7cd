//! Amazon Pinpoint facts: apps and their event streams.

use serde::{Deserialize, Serialize};

use super::Known;

/// Pinpoint facts of one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PinpointFacts {
    /// Apps (projects).
    pub apps: Vec<PinpointApp>,
}

/// A Pinpoint app.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PinpointApp {
    /// Application id.
    pub id: Known<String>,
    /// Human name.
    pub name: String,
    /// ARN.
    pub arn: Known<String>,
    /// Event stream (`GetEventStream`; `None`: no stream).
    pub event_stream: Known<Option<EventStream>>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

/// A Pinpoint event stream.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventStream {
    /// Kinesis Data Stream or Firehose delivery stream ARN.
    pub destination_stream_arn: String,
    /// Role Pinpoint assumes to write.
    pub role_arn: Option<String>,
}
