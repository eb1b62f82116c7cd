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
pub use map::supported_types;
pub use model::{parse_plan, plan_from_value, Action, Mode, Plan, PlannedResource};
pub use overlay::overlay;
pub use synthetic::synthetic_plan;

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
}

impl PlanFacts {
    /// True when some planned resource fills `source` (in any region).
    pub fn touches(&self, source: Source) -> bool {
        self.touched.iter().any(|(_, s)| *s == source)
    }
}

fn map_side<'p>(plan: &'p Plan, side: Side, account_id: &str, region: &str) -> Builder<'p> {
    let mut b = Builder::new(Some(plan), side, account_id, region);
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
            if !wanted || !value.is_object() {
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

/// Maps a plan's resources to facts about account `account_id`; planned resources live in
/// `region` unless their own `region` argument or their provider configuration says
/// otherwise.
pub fn plan_facts(plan: &Plan, account_id: &str, region: &str) -> PlanFacts {
    let (facts, touched) = map_side(plan, Side::After, account_id, region).finish();
    let (removed, _) = map_side(plan, Side::Before, account_id, region).finish();
    PlanFacts {
        facts,
        removed,
        touched,
        destroyed: plan
            .resources
            .iter()
            .filter(|r| r.mode == Mode::Managed && r.action.removes_before())
            .map(|r| r.address.clone())
            .collect(),
    }
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

/// Runs an assessment on planned facts alone (`source = "plan"`), scoped as
/// [`scope_to_plan`] says, with summary and gate recomputed.
pub fn assess_plan(planned: &PlanFacts, params: &Params, request: &Request) -> Assessment {
    let a = assessment::assess(&planned.facts, params, request);
    let mut findings = scope_to_plan(a.findings);
    assessment::sort(&mut findings);
    Assessment {
        summary: summarize(&findings),
        gate: gate(&findings, request.fail_on),
        findings,
    }
}

#[cfg(test)]
mod tests;
