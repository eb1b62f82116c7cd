//! `Finding` and `Status`: what a rule says about one resource.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::rules::Meta;
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

/// One rule's verdict on one resource. Only what varies per resource is here; the control's
/// title, remediation, frameworks and remediating bundle are in its [`Meta`] ([`Finding::meta`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Control id from the catalogue.
    pub control_id: String,
    /// Service the control belongs to.
    pub service: Service,
    /// Control severity.
    pub severity: Severity,
    /// Verdict.
    pub status: Status,
    /// The resource's ARN, the account (`arn:<partition>:iam::<account>:root`; per region
    /// `arn:<partition>:<service>:<region>:<account>:account`) for account-level controls, or
    /// the Terraform address of a planned resource whose ARN is not known yet.
    pub resource_id: String,
    /// The 12-digit account the resource belongs to; `None` for a planned resource whose
    /// account the plan does not state.
    pub account_id: Option<String>,
    /// Region (`global` for IAM and account-level controls; empty for a planned resource
    /// whose region the plan does not state).
    pub region: String,
    /// What holds or what is wrong, naming the resource by its human name.
    pub message: String,
    /// Terraform address when the resource comes from a plan.
    pub address: Option<String>,
}

impl Finding {
    /// True when the finding is about the account (`arn:…:iam::<account>:root`) or the
    /// account's settings of a service in a region (`arn:…:<service>:<region>:<account>:account`)
    /// rather than about one resource.
    pub fn is_account_level(&self) -> bool {
        let parts: Vec<&str> = self.resource_id.split(':').collect();
        parts.len() == 6
            && parts[0] == "arn"
            && ((parts[2] == "iam" && parts[3].is_empty() && parts[5] == "root")
                || parts[5] == "account")
    }

    /// The control's metadata (title, remediation, frameworks, remediating bundle).
    pub fn meta(&self) -> Option<&'static Meta> {
        crate::rules::find(&self.control_id).map(|r| r.meta())
    }
}
