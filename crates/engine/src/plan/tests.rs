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

/// The fast reader reads every well-formed fixture (it is the path plans take) and gives the
/// same plan as the careful reader.
#[test]
fn the_fast_reader_reads_what_the_careful_one_reads() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plans");
    let mut read_fast = 0;
    let mut texts: Vec<(String, String)> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap_or_default(),
            )
        })
        .collect();
    texts.push(("synthetic".into(), synthetic_plan(300)));
    for (name, text) in &texts {
        let careful = serde_json::from_str(text)
            .map_err(|e| e.to_string())
            .map(crate::plan::plan_from_value);
        match super::fast_read::read(text) {
            Some(fast) => {
                read_fast += 1;
                assert_eq!(careful, Ok(Ok(fast)), "{name}");
            }
            None => assert!(
                !matches!(careful, Ok(Ok(_))),
                "{name}: a plan the careful reader reads must be read fast too"
            ),
        }
    }
    assert!(read_fast >= 8, "only {read_fast} fixtures were read fast");
}
