//! Counts by status and severity, and the score.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Status};
use crate::severity::Severity;

/// Counts of an assessment's findings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Number of findings.
    pub total: usize,
    /// Findings per status (every status present, zero included).
    pub by_status: BTreeMap<Status, usize>,
    /// Findings per severity, then per status (every severity and status present).
    pub by_severity: BTreeMap<Severity, BTreeMap<Status, usize>>,
    /// Findings per account (its 12-digit id; [`NO_ACCOUNT`] for planned resources whose
    /// account the plan does not state), then per status (every status present).
    pub by_account: BTreeMap<String, BTreeMap<Status, usize>>,
    /// Percent of PASS among PASS + FAIL + ERROR, rounded to one decimal; `None` when there
    /// is none of those.
    pub score: Option<f64>,
}

/// The `by_account` key of findings whose account is not stated.
pub const NO_ACCOUNT: &str = "unknown";

fn zeroes() -> BTreeMap<Status, usize> {
    Status::ALL.into_iter().map(|s| (s, 0)).collect()
}

/// Summarizes findings.
pub fn summarize(findings: &[Finding]) -> Summary {
    let mut by_status = zeroes();
    let mut by_severity: BTreeMap<Severity, BTreeMap<Status, usize>> =
        Severity::ALL.into_iter().map(|s| (s, zeroes())).collect();
    let mut by_account: BTreeMap<String, BTreeMap<Status, usize>> = BTreeMap::new();
    for f in findings {
        *by_status.entry(f.status).or_default() += 1;
        let account = f.account_id.as_deref().unwrap_or(NO_ACCOUNT);
        if !by_account.contains_key(account) {
            by_account.insert(account.to_owned(), zeroes());
        }
        if let Some(counts) = by_account.get_mut(account) {
            *counts.entry(f.status).or_default() += 1;
        }
        *by_severity
            .entry(f.severity)
            .or_default()
            .entry(f.status)
            .or_default() += 1;
    }
    let count = |s: Status| by_status.get(&s).copied().unwrap_or(0);
    let judged = count(Status::Pass) + count(Status::Fail) + count(Status::Error);
    let score = (judged > 0).then(|| {
        let pct = count(Status::Pass) as f64 * 100.0 / judged as f64;
        (pct * 10.0).round() / 10.0
    });
    Summary {
        total: findings.len(),
        by_status,
        by_severity,
        by_account,
        score,
    }
}
