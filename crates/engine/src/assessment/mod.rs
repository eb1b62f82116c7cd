//! Running an assessment: selection → rules → exemptions → sort → summary, gate and SARIF.

mod estate;
mod exemption;
mod gate;
mod sarif;
mod selection;
mod summary;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use estate::{assess_estate, organization_trails_of};
pub use exemption::{apply as apply_exemptions, glob_match, Exemption, ExemptionError, Expiry};
pub use gate::{gate, FailOn, Gate};
pub use sarif::to_sarif;
pub use selection::{Framework, Selection, SelectionError};
pub use summary::{summarize, Summary};

use crate::facts::{Facts, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::{self, Rule};

/// What the user asked for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    /// Which controls run.
    pub selection: Selection,
    /// Accepted FAILs.
    pub exemptions: Vec<Exemption>,
    /// Gating threshold.
    pub fail_on: FailOn,
}

/// The result of an assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// Findings in deterministic order.
    pub findings: Vec<Finding>,
    /// Counts and score.
    pub summary: Summary,
    /// Gating outcome.
    pub gate: Gate,
}

/// The fact units the selected rules read: what collectors must gather.
/// [`Source::Iam`] includes [`Source::IamPolicies`], so the set never holds both.
pub fn required_sources(selection: &Selection) -> BTreeSet<Source> {
    let mut sources: BTreeSet<Source> = selection
        .rules()
        .iter()
        .flat_map(|r| r.meta().sources.iter().copied())
        .collect();
    if sources.contains(&Source::Iam) {
        sources.remove(&Source::IamPolicies);
    }
    sources
}

/// Runs the selected rules over the facts. Pure and deterministic for given inputs.
pub fn assess(facts: &Facts, params: &Params, request: &Request) -> Assessment {
    let mut params = params.clone();
    params.selected_services = request.selection.services_or_all();
    let selected = request.selection.rules();
    let mut findings: Vec<Finding> = selected
        .iter()
        .flat_map(|r| r.evaluate(facts, &params))
        .collect();
    apply_exemptions(&mut findings, &request.exemptions, params.now);
    sort(&mut findings);
    Assessment {
        summary: summarize(&findings),
        gate: gate(&findings, request.fail_on),
        findings,
    }
}

/// Catalogue order, then region, resource, status and message.
pub fn sort(findings: &mut [Finding]) {
    let positions = catalogue_positions();
    let position = |id: &str| positions.get(id).copied().unwrap_or(usize::MAX);
    findings.sort_by(|a, b| {
        (
            position(&a.control_id),
            &a.control_id,
            &a.region,
            &a.resource_id,
            a.status,
            &a.message,
        )
            .cmp(&(
                position(&b.control_id),
                &b.control_id,
                &b.region,
                &b.resource_id,
                b.status,
                &b.message,
            ))
    });
}

/// Each control's position in the catalogue, computed once.
fn catalogue_positions() -> &'static std::collections::HashMap<&'static str, usize> {
    static POSITIONS: std::sync::OnceLock<std::collections::HashMap<&'static str, usize>> =
        std::sync::OnceLock::new();
    POSITIONS.get_or_init(|| {
        rules::catalogue()
            .iter()
            .enumerate()
            .map(|(i, r)| (r.meta().id, i))
            .collect()
    })
}

impl Assessment {
    /// SARIF 2.1.0 of this assessment, with the selected rules as the tool's rules.
    pub fn sarif(&self, selection: &Selection) -> serde_json::Value {
        let rules: Vec<&dyn Rule> = selection.rules();
        to_sarif(&self.findings, &rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{ApiGatewayFacts, Collected, RestApi, RestStage};
    use crate::finding::Status;
    use crate::rules::testkit::{params, region};
    use crate::severity::Severity;

    fn facts() -> Facts {
        region(|r| {
            r.apigateway = Collected::Ok(ApiGatewayFacts {
                rest_apis: vec![RestApi {
                    id: "abc".into(),
                    name: "pets".into(),
                    stages: vec![RestStage {
                        name: "prod".into(),
                        tracing_enabled: true.into(),
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            });
        })
    }

    fn request(controls: &[&str], fail_on: FailOn) -> Result<Request, SelectionError> {
        Ok(Request {
            selection: Selection::parse::<&str>(&[], controls, &[], &[])?,
            exemptions: vec![],
            fail_on,
        })
    }

    #[test]
    fn assess_summarizes_scores_and_gates() -> Result<(), SelectionError> {
        let req = request(
            &[
                "apigateway_rest_xray_tracing",
                "apigateway_rest_waf",
                "apigateway_rest_access_logging",
            ],
            FailOn::AtLeast(Severity::Medium),
        )?;
        let a = assess(&facts(), &params(), &req);
        assert_eq!(a.findings.len(), 3);
        assert_eq!(a.summary.by_status.get(&Status::Pass), Some(&1));
        assert_eq!(a.summary.by_status.get(&Status::Fail), Some(&2));
        assert_eq!(a.summary.score, Some(33.3));
        assert_eq!(
            a.summary
                .by_severity
                .get(&Severity::Medium)
                .and_then(|m| m.get(&Status::Fail)),
            Some(&2)
        );
        assert!(a.gate.failed);
        assert_eq!(
            a.gate.failing_controls,
            vec!["apigateway_rest_access_logging", "apigateway_rest_waf"]
        );
        // Catalogue order.
        let ids: Vec<&str> = a.findings.iter().map(|f| f.control_id.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                "apigateway_rest_access_logging",
                "apigateway_rest_xray_tracing",
                "apigateway_rest_waf"
            ]
        );
        let high = request(&["apigateway_rest_waf"], FailOn::AtLeast(Severity::High))?;
        assert!(!assess(&facts(), &params(), &high).gate.failed);
        let none = request(&["apigateway_rest_waf"], FailOn::None)?;
        assert!(!assess(&facts(), &params(), &none).gate.failed);
        Ok(())
    }

    #[test]
    fn exempted_fail_does_not_gate() -> Result<(), Box<dyn std::error::Error>> {
        let mut req = request(&["apigateway_rest_waf"], FailOn::AtLeast(Severity::Low))?;
        req.exemptions = vec![Exemption::parse(
            "apigateway_rest_waf",
            "*/stages/prod",
            "behind CloudFront",
            None,
        )?];
        let a = assess(&facts(), &params(), &req);
        assert_eq!(a.findings[0].status, Status::Exempted);
        assert!(!a.gate.failed);
        assert_eq!(a.summary.score, None);
        Ok(())
    }

    #[test]
    fn deterministic() -> Result<(), SelectionError> {
        let req = request(&[], FailOn::None)?;
        let a = assess(&facts(), &params(), &req);
        let b = assess(&facts(), &params(), &req);
        assert_eq!(a, b);
        assert!(!a.findings.is_empty());
        Ok(())
    }

    #[test]
    fn required_sources_follow_selection() -> Result<(), SelectionError> {
        let s = Selection::parse::<&str>(&["cloudtrail"], &[], &[], &[])?;
        assert_eq!(
            required_sources(&s),
            [Source::CloudTrail, Source::S3Account]
                .into_iter()
                .collect()
        );
        Ok(())
    }

    #[test]
    fn fail_on_parses() {
        assert_eq!("none".parse::<FailOn>(), Ok(FailOn::None));
        assert_eq!(
            "High".parse::<FailOn>(),
            Ok(FailOn::AtLeast(Severity::High))
        );
        assert!("bad".parse::<FailOn>().is_err());
    }

    #[test]
    fn sarif_shape() -> Result<(), SelectionError> {
        let req = request(
            &["apigateway_rest_waf", "apigateway_rest_xray_tracing"],
            FailOn::None,
        )?;
        let a = assess(&facts(), &params(), &req);
        let s = a.sarif(&req.selection);
        assert_eq!(s["version"], "2.1.0");
        let run = &s["runs"][0];
        assert_eq!(
            run["tool"]["driver"]["rules"].as_array().map(Vec::len),
            Some(2)
        );
        let results = run["results"].as_array().cloned().unwrap_or_default();
        assert_eq!(results.len(), 2);
        let fail = results
            .iter()
            .find(|r| r["ruleId"] == "apigateway_rest_waf");
        let fail = fail.cloned().unwrap_or_default();
        assert_eq!(fail["level"], "warning");
        assert_eq!(fail["kind"], "fail");
        assert_eq!(
            fail["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod"
        );
        let idx = fail["ruleIndex"].as_u64().unwrap_or(99) as usize;
        assert_eq!(
            run["tool"]["driver"]["rules"][idx]["id"],
            "apigateway_rest_waf"
        );
        Ok(())
    }
}
