//! Test helpers: concise hand-built facts and assertions on findings.

use time::macros::datetime;

use crate::facts::{Facts, RegionFacts};
use crate::finding::{Finding, Status};
use crate::params::Params;
use crate::rules::Rule;

pub(crate) const REGION: &str = "us-east-1";
pub(crate) const ACCOUNT: &str = "123456789012";

/// Facts with one region built by `f`.
pub(crate) fn region(f: impl FnOnce(&mut RegionFacts)) -> Facts {
    let mut facts = Facts::new(ACCOUNT);
    f(facts.region_mut(REGION));
    facts
}

/// Fixed-clock parameters.
pub(crate) fn params() -> Params {
    Params::at(datetime!(2025-06-01 0:00 UTC))
}

pub(crate) fn run(rule: &dyn Rule, facts: &Facts) -> Vec<Finding> {
    rule.evaluate(facts, &params())
}

pub(crate) fn statuses(findings: &[Finding]) -> Vec<Status> {
    findings.iter().map(|f| f.status).collect()
}

/// Asserts exactly one finding with `status` and returns it.
#[track_caller]
pub(crate) fn only(rule: &dyn Rule, facts: &Facts, status: Status) -> Finding {
    let findings = run(rule, facts);
    assert_eq!(statuses(&findings), vec![status], "{findings:#?}");
    assert!(findings.iter().all(|f| f.control_id == rule.meta().id));
    findings.into_iter().next().expect("one finding")
}
