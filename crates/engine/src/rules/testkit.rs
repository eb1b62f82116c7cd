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

/// Facts with collected IAM facts built by `f` (and no region).
pub(crate) fn iam(f: impl FnOnce(&mut crate::facts::IamFacts)) -> Facts {
    let mut facts = Facts::new(ACCOUNT);
    let mut iam = crate::facts::IamFacts::default();
    f(&mut iam);
    facts.iam = crate::facts::Collected::Ok(iam);
    facts.iam_credentials = crate::facts::Collected::Ok(());
    facts
}

/// A customer-managed policy with `doc` as its default version.
pub(crate) fn customer_policy(name: &str, doc: &str) -> crate::facts::ManagedPolicy {
    crate::facts::ManagedPolicy {
        name: name.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:policy/{name}").into(),
        document: doc.into(),
        default_version_id: Some("v1".into()),
        ..Default::default()
    }
}

/// An inline policy.
pub(crate) fn inline_policy(name: &str, doc: &str) -> crate::facts::InlinePolicy {
    crate::facts::InlinePolicy {
        name: name.into(),
        document: doc.into(),
        address: None,
    }
}

/// A role with a trust policy.
pub(crate) fn role(name: &str, trust: &str) -> crate::facts::Role {
    crate::facts::Role {
        name: name.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:role/{name}").into(),
        path: "/".into(),
        trust_policy: trust.into(),
        ..Default::default()
    }
}

/// A user without credentials.
pub(crate) fn user(name: &str) -> crate::facts::User {
    crate::facts::User {
        name: name.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}").into(),
        path: "/".into(),
        ..Default::default()
    }
}

/// Facts whose IAM collection failed with AccessDenied.
pub(crate) fn iam_denied() -> Facts {
    let mut facts = Facts::new(ACCOUNT);
    facts.iam = crate::facts::Collected::failed("AccessDenied", "not authorized");
    facts
}
