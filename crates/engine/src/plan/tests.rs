//! Unit tests of the plan reader beside the code; fixture-driven tests live in
//! `crates/engine/tests/plan_fixtures.rs`.

use super::*;
use crate::facts::Known;

#[test]
fn synthetic_plan_parses_and_maps() -> Result<(), PlanError> {
    let text = synthetic_plan(300);
    let plan = parse_plan(&text)?;
    assert_eq!(plan.resources.len(), 300);
    let pf = plan_facts(&plan, Some("123456789012"), Some("us-east-1")).remove(0);
    let rf = pf.facts.regions.get("us-east-1").expect("region");
    let apis = &rf.apigateway.ok().expect("apigateway").rest_apis;
    assert_eq!(apis.len(), 30);
    assert!(apis
        .iter()
        .all(|a| a.address.is_some() && a.stages.len() == 1));
    assert!(apis.iter().all(|a| a.methods.len() == 2));
    let iam = pf.facts.iam.ok().expect("iam");
    assert_eq!(iam.roles.len(), 30);
    assert!(iam.roles.iter().all(|r| r.address.is_some()));
    assert!(iam.roles.iter().all(|r| r.inline_policies.len() == 1));
    assert!(!pf.destroyed.is_empty());
    // Unknown ids of planned APIs stay unknown.
    assert!(apis.iter().any(|a| a.id == Known::Unknown));
    Ok(())
}
