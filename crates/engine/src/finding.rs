//! `Finding` and `Status`: what a rule says about one resource.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::service::Service;
use crate::severity::Severity;

/// The verdict of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// The control holds.
    Pass,
    /// The control does not hold.
    Fail,
    /// Nothing to evaluate (excluded resource, no resource, service unavailable).
    NotApplicable,
    /// A planned value the control needs is not known yet.
    Unknown,
    /// The facts could not be collected (AccessDenied, throttling, 5xx…).
    Error,
    /// A FAIL that a valid exemption covers.
    Exempted,
}

impl Status {
    /// Every status, in report order.
    pub const ALL: [Status; 6] = [
        Status::Pass,
        Status::Fail,
        Status::NotApplicable,
        Status::Unknown,
        Status::Error,
        Status::Exempted,
    ];

    /// The public name (`PASS`, `NOT_APPLICABLE`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::NotApplicable => "NOT_APPLICABLE",
            Status::Unknown => "UNKNOWN",
            Status::Error => "ERROR",
            Status::Exempted => "EXEMPTED",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule's verdict on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Control id from CONTROLS.md.
    pub control_id: String,
    /// Control title.
    pub title: String,
    /// Service the control belongs to.
    pub service: Service,
    /// Control severity.
    pub severity: Severity,
    /// Verdict.
    pub status: Status,
    /// The resource's ARN (Ruling 2), the account ARN for account-level controls, or the
    /// Terraform address of a planned resource whose ARN is not known yet.
    pub resource_id: String,
    /// Region (`global` for IAM and account-level controls).
    pub region: String,
    /// What holds or what is wrong, naming the resource by its human name.
    pub message: String,
    /// How to fix it.
    pub remediation: String,
    /// Framework references (`FSBP APIGateway.1`, `CIS 3.1`, …).
    pub frameworks: Vec<String>,
    /// The bundle resource that remediates this control, if any.
    pub remediated_by: Option<String>,
    /// Terraform address when the resource comes from a plan.
    pub address: Option<String>,
}
