//! `iam_access_analyzer`: an ACTIVE external-access analyzer in every assessed region.

use crate::facts::{Facts, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::support::Out;
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `iam_access_analyzer`.
pub struct AccessAnalyzer;

impl AccessAnalyzer {
    const META: Meta = Meta {
        id: "iam_access_analyzer",
        title: "An IAM Access Analyzer analyzer is active in the region",
        service: Service::Iam,
        severity: Severity::High,
        frameworks: &["FSBP IAM.28", "CIS 1.20"],
        remediation: "Create an IAM Access Analyzer analyzer of type ACCOUNT (or ORGANIZATION \
            from the delegated administrator) in every region (aws_accessanalyzer_analyzer).",
        remediated_by: None,
        sources: &[Source::AccessAnalyzer],
        doc: include_str!("../reference/iam_access_analyzer.md"),
    };
}

/// External-access analyzer types; unused-access analyzers do not count.
const TYPES: [&str; 2] = ["ACCOUNT", "ORGANIZATION"];

impl Rule for AccessAnalyzer {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        out.each_region(
            |r| &r.access_analyzer,
            "IAM Access Analyzer",
            "No analyzers judged",
            |out, region, aa| {
                let res = out.account(region);
                let typed: Vec<_> = aa
                    .analyzers
                    .iter()
                    .filter(|a| TYPES.contains(&a.analyzer_type.as_str()))
                    .collect();
                if let Some(a) = typed.iter().find(|a| a.status == "ACTIVE") {
                    out.pass(
                        &res,
                        format!(
                            "Analyzer '{}' ({}) is active in {region}.",
                            a.name, a.analyzer_type
                        ),
                    );
                } else if let Some(a) = typed
                    .iter()
                    .find(|a| a.status.is_empty() && a.address.is_some())
                {
                    out.unknown(&res, &format!("The status of planned analyzer '{}'", a.name));
                } else if aa.analyzers.is_empty() {
                    out.fail(&res, format!("No IAM Access Analyzer analyzer exists in {region}."));
                } else {
                    let seen: Vec<String> = aa
                        .analyzers
                        .iter()
                        .map(|a| format!("'{}' ({}, {})", a.name, a.analyzer_type, a.status))
                        .collect();
                    out.fail(
                        &res,
                        format!(
                            "No ACTIVE analyzer of type ACCOUNT or ORGANIZATION exists in {region}; found {}.",
                            seen.join(", ")
                        ),
                    );
                }
            },
        );
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{AccessAnalyzerFacts, Analyzer, Collected};
    use crate::finding::Status;
    use crate::rules::testkit::{only, region, ACCOUNT};

    fn analyzers(list: &[(&str, &str)]) -> Facts {
        region(|r| {
            r.access_analyzer = Collected::Ok(AccessAnalyzerFacts {
                analyzers: list
                    .iter()
                    .map(|(t, s)| Analyzer {
                        name: format!("{t}-analyzer").to_lowercase(),
                        analyzer_type: (*t).into(),
                        status: (*s).into(),
                        ..Default::default()
                    })
                    .collect(),
            })
        })
    }

    #[test]
    fn active_account_or_organization_analyzer() {
        let f = only(
            &AccessAnalyzer,
            &analyzers(&[("ACCOUNT", "ACTIVE")]),
            Status::Pass,
        );
        assert_eq!(f.region, "us-east-1");
        assert_eq!(
            f.resource_id,
            format!("arn:aws:iam:us-east-1:{ACCOUNT}:account")
        );
        assert_eq!(f.account_id.as_deref(), Some(ACCOUNT));
        only(
            &AccessAnalyzer,
            &analyzers(&[("ORGANIZATION", "ACTIVE")]),
            Status::Pass,
        );
        only(&AccessAnalyzer, &analyzers(&[]), Status::Fail);
        let f = only(
            &AccessAnalyzer,
            &analyzers(&[("ACCOUNT_UNUSED_ACCESS", "ACTIVE"), ("ACCOUNT", "DISABLED")]),
            Status::Fail,
        );
        assert!(f.message.contains("DISABLED"), "{}", f.message);
    }

    #[test]
    fn collection_outcomes() {
        let denied =
            region(|r| r.access_analyzer = Collected::failed("AccessDeniedException", "no"));
        only(&AccessAnalyzer, &denied, Status::Error);
        let off = region(|r| r.access_analyzer = Collected::unavailable("not offered"));
        only(&AccessAnalyzer, &off, Status::NotApplicable);
        only(&AccessAnalyzer, &region(|_| {}), Status::Unknown);
    }
}
