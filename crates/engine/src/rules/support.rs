//! Shared plumbing of rule evaluation: the finding collector, source gating and identities.

use crate::facts::{Collected, Facts, IamFacts, Known, RegionFacts};
use crate::finding::{Finding, Status};
use crate::remediation::Bundle;
use crate::rules::meta::Meta;

/// Region name of account-level and IAM findings.
pub(crate) const GLOBAL: &str = "global";

/// The resource a finding is about.
#[derive(Debug, Clone)]
pub(crate) struct Res {
    /// ARN (or account ARN, or Terraform address when the ARN is not known yet).
    pub id: String,
    /// Region.
    pub region: String,
    /// Terraform address.
    pub address: Option<String>,
}

impl Res {
    /// A resource identified by `arn`, falling back to its address, then to `name`. A part of
    /// one of this provider's bundles (an alarm of `secbaseline_alarms.this`) whose ARN is not
    /// known yet is `<address>["<name>"]`, so the parts of one bundle stay apart.
    pub fn new(arn: Option<String>, region: &str, address: Option<&String>, name: &str) -> Res {
        let id = arn
            .or_else(|| {
                address.map(|a| {
                    if is_bundle_address(a) {
                        format!("{a}[{name:?}]")
                    } else {
                        a.clone()
                    }
                })
            })
            .unwrap_or_else(|| name.to_owned());
        Res {
            id,
            region: region.to_owned(),
            address: address.cloned(),
        }
    }
}

/// True when a Terraform address is an instance of one of this provider's bundle resources
/// (`module.m.secbaseline_alarms.this["x"]`).
fn is_bundle_address(address: &str) -> bool {
    let without_key = crate::plan::strip_instance_key(address);
    let mut parts = without_key.rsplitn(3, '.');
    let (_name, ty) = (parts.next(), parts.next());
    ty.and_then(Bundle::from_resource_type).is_some()
}

/// Collects the findings of one rule evaluation.
pub(crate) struct Out<'a> {
    meta: &'a Meta,
    pub facts: &'a Facts,
    findings: Vec<Finding>,
}

impl<'a> Out<'a> {
    pub fn new(meta: &'a Meta, facts: &'a Facts) -> Self {
        Out {
            meta,
            facts,
            findings: Vec::new(),
        }
    }

    /// The findings, one per resource: a rule that reads several sources (REST and
    /// WebSocket stages) may have judged the account in a region twice, and those verdicts
    /// become one — the graver status (ERROR, FAIL, UNKNOWN, PASS, NOT_APPLICABLE) with both
    /// messages.
    pub fn finish(self) -> Vec<Finding> {
        // Almost always every resource is judged once: check that without copying anything.
        let distinct: std::collections::HashSet<&str> = self
            .findings
            .iter()
            .map(|f| f.resource_id.as_str())
            .collect();
        if distinct.len() == self.findings.len() {
            return self.findings;
        }
        let mut out: Vec<Finding> = Vec::with_capacity(self.findings.len());
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for f in self.findings {
            match index.get(&f.resource_id) {
                Some(&i) => {
                    let kept = &mut out[i];
                    if gravity(f.status) > gravity(kept.status) {
                        kept.status = f.status;
                    }
                    if !kept.message.contains(&f.message) {
                        kept.message = format!("{} {}", kept.message, f.message);
                    }
                    if kept.address.is_none() {
                        kept.address = f.address;
                    }
                }
                None => {
                    index.insert(f.resource_id.clone(), out.len());
                    out.push(f);
                }
            }
        }
        out
    }

    pub fn emit(&mut self, status: Status, res: &Res, message: impl Into<String>) {
        // The account these facts are about owns what they show; an ARN's account speaks only
        // where the facts do not say (a plan that does not state its account).
        let account = self.facts.account().or_else(|| account_of(&res.id));
        self.findings.push(self.meta.finding(
            status,
            res.id.clone(),
            account,
            res.region.clone(),
            message,
            res.address.as_deref(),
        ));
    }

    pub fn pass(&mut self, res: &Res, message: impl Into<String>) {
        self.emit(Status::Pass, res, message);
    }

    pub fn fail(&mut self, res: &Res, message: impl Into<String>) {
        self.emit(Status::Fail, res, message);
    }

    /// An UNKNOWN finding for a value a plan has not decided.
    pub fn unknown(&mut self, res: &Res, what: &str) {
        self.emit(
            Status::Unknown,
            res,
            format!("{what} is not known until apply."),
        );
    }

    /// PASS or FAIL with the matching message.
    pub fn verdict(&mut self, ok: bool, res: &Res, pass: String, fail: String) {
        if ok {
            self.pass(res, pass);
        } else {
            self.fail(res, fail);
        }
    }

    /// The account as a resource in `region`: the account itself (`arn:…:iam::<account>:root`)
    /// for [`GLOBAL`], its settings of the control's service in the region otherwise
    /// (`arn:…:<service>:<region>:<account>:account`), so every finding of a control is
    /// unique by resource.
    pub fn account(&self, region: &str) -> Res {
        let id = if region == GLOBAL {
            self.facts.account_arn()
        } else {
            format!(
                "arn:{}:{}:{region}:{}:account",
                self.facts.partition(),
                self.meta.service.key(),
                self.facts.account_id
            )
        };
        Res {
            id,
            region: region.to_owned(),
            address: None,
        }
    }

    /// `arn:<partition>:<service>:<region>:<account>:<resource>` for a resource AWS names by
    /// region and account, when both are known (a plan may state neither).
    pub fn regional_arn(&self, service: &str, region: &str, resource: &str) -> Option<String> {
        let account = self.facts.account()?;
        (!region.is_empty() && region != GLOBAL).then(|| {
            format!(
                "arn:{}:{service}:{region}:{account}:{resource}",
                self.partition()
            )
        })
    }

    pub fn partition(&self) -> &'a str {
        self.facts.partition()
    }

    /// Regions in name order.
    pub fn regions(&self) -> impl Iterator<Item = (&'a str, &'a RegionFacts)> {
        self.facts.regions.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The collected facts, or an ERROR / NOT_APPLICABLE / UNKNOWN finding for the region
    /// explaining why they are missing.
    pub fn gate<'c, T>(&mut self, region: &str, label: &str, c: &'c Collected<T>) -> Option<&'c T> {
        let res = self.account(region);
        let region = place(region);
        match c {
            Collected::Ok(v) => return Some(v),
            Collected::Failed { code, message } => self.emit(
                Status::Error,
                &res,
                format!("Could not read {label} in {region}: {code}: {message}"),
            ),
            Collected::Unavailable { message } => self.emit(
                Status::NotApplicable,
                &res,
                format!("{label} is not available in {region}: {message}"),
            ),
            Collected::NotCollected => self.emit(
                Status::Unknown,
                &res,
                format!("{label} facts were not collected for {region}."),
            ),
        }
        None
    }

    /// Runs `f`; when it emitted nothing, emits one NOT_APPLICABLE for the region.
    pub fn scoped(&mut self, region: &str, nothing: &str, f: impl FnOnce(&mut Self)) {
        let before = self.findings.len();
        f(self);
        if self.findings.len() == before {
            let res = self.account(region);
            self.emit(
                Status::NotApplicable,
                &res,
                format!("{nothing} in {}.", place(region)),
            );
        }
    }

    /// For each region: gate one source, then run `f` on its facts, scoped.
    pub fn each_region<T: 'a>(
        &mut self,
        pick: fn(&RegionFacts) -> &Collected<T>,
        label: &str,
        nothing: &str,
        mut f: impl FnMut(&mut Self, &str, &'a T),
    ) {
        for (region, rf) in self.regions() {
            self.scoped(region, nothing, |out| {
                if let Some(t) = out.gate(region, label, pick(rf)) {
                    f(out, region, t);
                }
            });
        }
    }
}

/// The collected IAM facts (global), or an ERROR / NOT_APPLICABLE / UNKNOWN finding: for
/// rules that read identities and policies only ([`Source::IamPolicies`]).
///
/// [`Source::IamPolicies`]: crate::facts::Source::IamPolicies
pub(crate) fn iam_facts<'a>(out: &mut Out<'a>) -> Option<&'a IamFacts> {
    let facts = out.facts;
    out.gate(GLOBAL, "IAM", &facts.iam)
}

/// The collected IAM facts with their credential parts, or an ERROR / NOT_APPLICABLE /
/// UNKNOWN finding: for rules that read the credential report, account summary, password
/// policy, MFA devices or server certificates ([`Source::Iam`]).
///
/// [`Source::Iam`]: crate::facts::Source::Iam
pub(crate) fn iam_credential_facts<'a>(out: &mut Out<'a>) -> Option<&'a IamFacts> {
    let facts = out.facts;
    let iam = iam_facts(out)?;
    out.gate(GLOBAL, "IAM credentials", &facts.iam_credentials)?;
    Some(iam)
}

/// `Some(v)` for a known value; `None` after emitting UNKNOWN for `what`.
pub(crate) fn known<'k, T>(
    out: &mut Out<'_>,
    res: &Res,
    what: &str,
    k: &'k Known<T>,
) -> Option<&'k T> {
    match k {
        Known::Known(v) => Some(v),
        Known::Unknown => {
            out.unknown(res, what);
            None
        }
    }
}

/// How much a status says about a resource, for merging two verdicts on it.
fn gravity(status: Status) -> u8 {
    match status {
        Status::NotApplicable => 0,
        Status::Pass => 1,
        Status::Exempted => 2,
        Status::Unknown => 3,
        Status::Fail => 4,
        Status::Error => 5,
    }
}

/// A region for messages: its name, or what a plan that does not state it means.
pub(crate) fn place(region: &str) -> &str {
    if region.is_empty() {
        "the region the plan does not state"
    } else {
        region
    }
}

/// The 12-digit account field of an ARN (`arn:aws:iam::123456789012:role/x`), if it has one.
pub(crate) fn account_of(arn: &str) -> Option<String> {
    let account = arn.strip_prefix("arn:")?.split(':').nth(3)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then(|| account.to_owned())
}

/// True when an optional string is set and not blank.
pub(crate) fn is_set(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}
