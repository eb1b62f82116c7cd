//! Gating: which failing controls reach the `fail_on` severity threshold.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Status};
use crate::severity::{Severity, UnknownSeverity};

/// The `fail_on` threshold: `none` (default) or a severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailOn {
    /// Never fail.
    #[default]
    None,
    /// Fail when a control of this severity or higher FAILs.
    AtLeast(Severity),
}

impl FromStr for FailOn {
    type Err = UnknownSeverity;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().is_empty() || s.trim().eq_ignore_ascii_case("none") {
            Ok(FailOn::None)
        } else {
            s.parse().map(FailOn::AtLeast)
        }
    }
}

impl fmt::Display for FailOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailOn::None => f.write_str("none"),
            FailOn::AtLeast(s) => s.fmt(f),
        }
    }
}

/// The gating outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gate {
    /// The threshold applied.
    pub fail_on: FailOn,
    /// Control ids with a FAIL at or above the threshold, sorted.
    pub failing_controls: Vec<String>,
    /// True when `failing_controls` is not empty.
    pub failed: bool,
}

/// Applies the threshold. Only FAIL gates (EXEMPTED, ERROR and UNKNOWN do not).
pub fn gate(findings: &[Finding], fail_on: FailOn) -> Gate {
    let failing: BTreeSet<String> = match fail_on {
        FailOn::None => BTreeSet::new(),
        FailOn::AtLeast(min) => findings
            .iter()
            .filter(|f| f.status == Status::Fail && f.severity >= min)
            .map(|f| f.control_id.clone())
            .collect(),
    };
    Gate {
        fail_on,
        failed: !failing.is_empty(),
        failing_controls: failing.into_iter().collect(),
    }
}
