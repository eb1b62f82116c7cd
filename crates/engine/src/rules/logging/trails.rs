//! The account's trails across regions, and the multi-region trail judgement.

use std::collections::BTreeMap;

use crate::facts::{Collected, Facts, Known, Trail};
use crate::finding::Status;
use crate::rules::support::{Out, GLOBAL};

/// Every trail visible in any region, de-duplicated by ARN, plus what could not be read.
pub(crate) struct AccountTrails<'a> {
    pub trails: Vec<&'a Trail>,
    pub failures: Vec<String>,
    /// Some region's CloudTrail was collected, or found not to be offered there.
    pub collected: bool,
    /// Regions where CloudTrail is not offered, with the reason.
    pub unavailable: Vec<String>,
    /// Some region's CloudTrail was read: without one, "no trail" is not a finding of fact.
    pub available: bool,
}

impl AccountTrails<'_> {
    /// The NOT_APPLICABLE message when no assessed region offers CloudTrail, `None` when one
    /// does (or none was asked).
    pub fn nowhere_offered(&self) -> Option<String> {
        (!self.available && !self.unavailable.is_empty()).then(|| {
            format!(
                "CloudTrail is not offered in any assessed region ({}).",
                self.unavailable.join("; ")
            )
        })
    }
}

pub(crate) fn account_trails(facts: &Facts) -> AccountTrails<'_> {
    let mut seen: BTreeMap<String, &Trail> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut unavailable = Vec::new();
    let mut collected = false;
    let mut available = false;
    for (region, rf) in &facts.regions {
        match &rf.cloudtrail {
            Collected::Ok(ct) => {
                collected = true;
                available = true;
                for t in &ct.trails {
                    let key = t
                        .arn
                        .as_known()
                        .cloned()
                        .or_else(|| t.address.clone())
                        .unwrap_or_else(|| format!("{}@{}", t.name, t.home_region));
                    seen.entry(key).or_insert(t);
                }
            }
            Collected::Failed { code, message } => {
                failures.push(format!("{region}: {code}: {message}"))
            }
            Collected::Unavailable { message } => {
                collected = true;
                unavailable.push(format!("{region}: {message}"));
            }
            Collected::NotCollected => {}
        }
    }
    available |= !facts.organization_trails.is_empty();
    collected |= !facts.organization_trails.is_empty();
    // Organization trails that cover this account, as their owners in the same assessment see
    // them: they count even when this account's own view of them is missing or lagging.
    for p in &facts.organization_trails {
        let key = p
            .trail
            .arn
            .as_known()
            .cloned()
            .unwrap_or_else(|| format!("{}@{}", p.trail.name, p.owner));
        seen.entry(key).or_insert(&p.trail);
    }
    AccountTrails {
        trails: seen.into_values().collect(),
        failures,
        collected,
        unavailable,
        available,
    }
}

/// Why a trail does not qualify as the account's multi-region trail, `Ok(())` if it does,
/// `Err(None)` when that is not known yet.
fn qualifies(t: &Trail) -> Result<(), Option<String>> {
    let mut why = Vec::new();
    let mut unknown = false;
    let mut check = |k: Known<bool>, problem: &str| match k {
        Known::Known(true) => {}
        Known::Known(false) => why.push(problem.to_owned()),
        Known::Unknown => unknown = true,
    };
    check(t.is_multi_region.clone(), "is not multi-region");
    check(t.is_logging.clone(), "is not logging");
    check(
        t.records_all_management_events(),
        "does not record read and write management events",
    );
    if !why.is_empty() {
        Err(Some(format!("trail '{}' {}", t.name, why.join(", "))))
    } else if unknown {
        Err(None)
    } else {
        Ok(())
    }
}

/// Emits the one account-level finding of `cloudtrail_multi_region` / `<service>_cloudtrail`.
pub(crate) fn multi_region_trail(out: &mut Out<'_>) {
    let res = out.account(GLOBAL);
    let all = account_trails(out.facts);
    let mut good = Vec::new();
    let mut problems = Vec::new();
    let mut undecided = Vec::new();
    for t in &all.trails {
        match qualifies(t) {
            Ok(()) => good.push(format!("'{}' (home {})", t.name, t.home_region)),
            Err(Some(p)) => problems.push(p),
            Err(None) => undecided.push(t.name.clone()),
        }
    }
    if !good.is_empty() {
        out.pass(
            &res,
            format!(
                "Multi-region trail(s) {} are logging and record read and write management events.",
                good.join(", ")
            ),
        );
    } else if !undecided.is_empty() {
        out.unknown(
            &res,
            &format!("Whether trail(s) {} qualify", undecided.join(", ")),
        );
    } else if !all.failures.is_empty() {
        out.emit(
            Status::Error,
            &res,
            format!(
                "No readable trail qualifies and CloudTrail could not be read in {}.",
                all.failures.join("; ")
            ),
        );
    } else if !all.collected {
        out.emit(
            Status::Unknown,
            &res,
            "CloudTrail facts were not collected.",
        );
    } else if let Some(nowhere) = all.nowhere_offered() {
        out.emit(Status::NotApplicable, &res, nowhere);
    } else if problems.is_empty() {
        out.fail(&res, "The account has no CloudTrail trail.");
    } else {
        out.fail(
            &res,
            format!(
                "No trail is multi-region, logging and recording read and write management events: {}.",
                problems.join("; ")
            ),
        );
    }
}
