//! Plan-time compliance: judging planned configuration before it exists.
//!
//! [`parse_plan`] reads `terraform show -json <planfile>` (format 1.x) into a [`Plan`];
//! [`plan_facts`] maps the hashicorp/aws resources it lists (and this provider's bundles)
//! into [`Facts`] — values "(known after apply)" become [`Known::Unknown`](crate::facts::Known),
//! so rules answer UNKNOWN for them, never PASS or FAIL; every fact carries its resource
//! address, so findings name it. [`overlay`] applies a plan to live facts (`live+plan`).
//!
//! `source = "plan"` judges planned resources only. A plan is a partial view of an account:
//! it cannot show that the account *lacks* a trail, a recorder or an alarm that lives
//! outside this configuration. So [`scope_to_plan`] turns every FAIL or UNKNOWN that is not
//! about a planned resource (account-level findings, resources the plan only refers to)
//! into NOT_APPLICABLE, saying to use `live+plan` for the account view; account-level PASSes
//! that planned resources earn (a planned multi-region trail) stay PASS.

mod attrs;
mod builder;
mod documents;
mod error;
mod fast_read;
mod map;
mod model;
mod overlay;
mod synthetic;

use std::collections::BTreeSet;

use crate::assessment::{self, gate, summarize, Assessment, Request};
use crate::facts::{Facts, Source};
use crate::finding::{Finding, Status};
use crate::params::Params;

pub use documents::{
    policy_document_findings, resource_object_facts, resource_object_findings,
    resource_object_findings_with_unknown, trust_document_findings, DocumentError,
};
pub use error::PlanError;
pub use map::{judged_alone_types, supported_types};
pub use model::{parse_plan, plan_from_value, Action, Mode, Plan, PlannedResource};

pub use model::strip_key as strip_instance_key;
pub use overlay::overlay;
pub use synthetic::synthetic_plan;

pub use builder::BucketDecided;
use builder::{Builder, Side};

/// What a plan says about the account.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanFacts {
    /// Planned resources (`after` of everything not destroyed). Sources no planned resource
    /// touches stay `NotCollected`.
    pub facts: Facts,
    /// Prior values of what the plan destroys (deletes and the old half of replacements),
    /// as facts: [`overlay`] removes them from the live facts.
    pub removed: Facts,
    /// The sources planned resources fill, with their region (`""` for IAM).
    pub touched: BTreeSet<(String, Source)>,
    /// Addresses of destroyed resources (deletes and replacements).
    pub destroyed: Vec<String>,
    /// (region, bucket, what the plan decides) of every planned S3 bucket: [`overlay`] keeps
    /// the live bucket's policy, public access block, ACL and logging where the plan says
    /// nothing about them.
    pub buckets_decided: Vec<(String, String, BucketDecided)>,
}

impl PlanFacts {
    /// True when some planned resource fills `source` (in any region).
    pub fn touches(&self, source: Source) -> bool {
        self.touched.iter().any(|(_, s)| *s == source)
    }
}

fn map_side<'p>(
    plan: &'p Plan,
    side: Side,
    account: &str,
    region: &str,
    in_account: &dyn Fn(&PlannedResource) -> bool,
) -> Builder<'p> {
    let mut b = Builder::new(Some(plan), side, account, region);
    for phase in 0..=2u8 {
        for r in &plan.resources {
            let wanted = match side {
                Side::After => r.mode == Mode::Managed && r.action.keeps_after(),
                Side::Before => r.mode == Mode::Managed && r.action.removes_before(),
            };
            let value = match side {
                Side::After => &r.after,
                Side::Before => &r.before,
            };
            if !wanted || !value.is_object() || !in_account(r) {
                continue;
            }
            if let Some(m) = map::mapper(&r.resource_type, false) {
                if m.phase == phase {
                    (m.map)(&mut b, r);
                }
            }
        }
    }
    b
}

/// Maps a plan's resources to facts, one [`PlanFacts`] per account they live in (in account
/// order). A resource's account is the one in its known ARN, else its provider
/// configuration's (`assume_role`, `allowed_account_ids`, or a sibling's known ARN), else
/// `default_account`; its region its own `region` argument or ARN, else its provider
/// configuration's, else `default_region`. What the plan does not say and no default gives
/// stays unstated: an empty account id and region, never the caller's.
pub fn plan_facts(
    plan: &Plan,
    default_account: Option<&str>,
    default_region: Option<&str>,
) -> Vec<PlanFacts> {
    // Each resource's account, worked out once (by address: the mappers see resources).
    let account_by_address: std::collections::HashMap<&str, String> = plan
        .resources
        .iter()
        .map(|r| {
            let account = plan
                .account_of(r)
                .or_else(|| default_account.map(str::to_owned))
                .unwrap_or_default();
            (r.address.as_str(), account)
        })
        .collect();
    let account_of = |r: &PlannedResource| {
        account_by_address
            .get(r.address.as_str())
            .cloned()
            .unwrap_or_default()
    };
    let mut accounts: BTreeSet<String> = plan
        .resources
        .iter()
        .filter(|r| r.mode == Mode::Managed)
        .map(account_of)
        .collect();
    if accounts.is_empty() {
        accounts.insert(default_account.unwrap_or_default().to_owned());
    }
    let region = default_region.unwrap_or_default();
    accounts
        .into_iter()
        .map(|account| {
            let mine = |r: &PlannedResource| {
                account_by_address
                    .get(r.address.as_str())
                    .map(String::as_str)
                    == Some(account.as_str())
            };
            let after = map_side(plan, Side::After, &account, region, &mine).finish();
            let before = map_side(plan, Side::Before, &account, region, &mine).finish();
            PlanFacts {
                facts: after.facts,
                removed: before.facts,
                touched: after.touched,
                buckets_decided: after.buckets_decided,
                destroyed: plan
                    .resources
                    .iter()
                    .filter(|r| r.mode == Mode::Managed && r.action.removes_before() && mine(r))
                    .map(|r| r.address.clone())
                    .collect(),
            }
        })
        .collect()
}

/// `source = "plan"`: findings not about a planned resource cannot FAIL or stay UNKNOWN
/// on the plan's word alone; they become NOT_APPLICABLE (see the module documentation).
pub fn scope_to_plan(findings: Vec<Finding>) -> Vec<Finding> {
    findings
        .into_iter()
        .map(|mut f| {
            if f.address.is_none() && matches!(f.status, Status::Fail | Status::Unknown) {
                f.status = Status::NotApplicable;
                f.message = format!(
                    "Not decided by the plan alone ({}). Use source = \"live+plan\" to judge \
                     the account as it will be after apply.",
                    f.message.trim_end_matches('.')
                );
            }
            f
        })
        .collect()
}

/// Runs an assessment on planned facts alone (`source = "plan"`), every account the plan
/// works in, scoped as [`scope_to_plan`] says, with summary and gate recomputed.
pub fn assess_plan(planned: &[PlanFacts], params: &Params, request: &Request) -> Assessment {
    let mut findings: Vec<Finding> = planned
        .iter()
        .flat_map(|p| scope_to_plan(assessment::assess(&p.facts, params, request).findings))
        .collect();
    assessment::sort(&mut findings);
    Assessment {
        summary: summarize(&findings),
        gate: gate(&findings, request.fail_on),
        findings,
    }
}

#[cfg(test)]
mod tests;
