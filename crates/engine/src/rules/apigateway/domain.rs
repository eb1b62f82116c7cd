//! `apigateway_domain_tls`: custom domain names (v1 and v2) use TLS 1.2 or newer.

use crate::facts::{DomainName, Facts, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::apigateway::{REST_LABEL, V2_LABEL};
use crate::rules::support::{known, Out, Res};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `apigateway_domain_tls`.
pub struct DomainTls;

impl DomainTls {
    const META: Meta = Meta {
        id: "apigateway_domain_tls",
        title: "Custom domain names use a TLS 1.2 or newer security policy",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["FSBP APIGateway.11"],
        remediation: "Set the domain name's security_policy to TLS_1_2 (or a newer \
            SecurityPolicy_TLS13_* policy).",
        remediated_by: None,
        sources: &[Source::ApiGateway, Source::ApiGatewayV2],
        doc: include_str!("../reference/apigateway_domain_tls.md"),
    };
}

/// TLS 1.2 or newer: `TLS_1_2`, or any policy whose name contains `TLS12` or `TLS13`.
pub(crate) fn modern_policy(policy: &str) -> bool {
    let upper = policy.to_ascii_uppercase();
    upper == "TLS_1_2" || upper.contains("TLS12") || upper.contains("TLS13")
}

fn judge(out: &mut Out<'_>, region: &str, kind: &str, d: &DomainName) {
    let res = Res::new(
        Some(d.arn(out.partition(), region)),
        region,
        d.address.as_ref(),
        &d.name,
    );
    let name = format!("{kind} custom domain name '{}'", d.name);
    let Some(policy) = known(
        out,
        &res,
        &format!("The security policy of {name}"),
        &d.security_policy,
    ) else {
        return;
    };
    match policy {
        None => out.unknown(
            &res,
            &format!("The security policy of {name} (not reported)"),
        ),
        Some(p) => out.verdict(
            modern_policy(p),
            &res,
            format!("{name} uses security policy {p}."),
            format!("{name} uses security policy {p}, older than TLS 1.2."),
        ),
    }
}

impl Rule for DomainTls {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        for (region, rf) in out.regions() {
            out.scoped(region, "No API Gateway custom domain names", |out| {
                // AWS keeps one namespace of custom domain names for both APIs: the v2 API
                // also lists a regional domain created through v1. Judge each name once.
                let mut judged = std::collections::BTreeSet::new();
                if let Some(v1) = out.gate(region, REST_LABEL, &rf.apigateway) {
                    for d in &v1.domain_names {
                        judged.insert(d.name.as_str());
                        judge(out, region, "REST", d);
                    }
                }
                if let Some(v2) = out.gate(region, V2_LABEL, &rf.apigatewayv2) {
                    for d in v2
                        .domain_names
                        .iter()
                        .filter(|d| !judged.contains(d.name.as_str()))
                    {
                        judge(out, region, "HTTP/WebSocket", d);
                    }
                }
            });
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{ApiGatewayFacts, ApiGatewayV2Facts, Collected};
    use crate::finding::Status;
    use crate::rules::testkit::{only, region, run, statuses};

    fn domains(v1: &[&str], v2: &[&str]) -> Facts {
        let d = |p: &&str| DomainName {
            name: format!("api-{p}.example.com"),
            security_policy: (*p).into(),
            address: None,
        };
        region(|r| {
            r.apigateway = Collected::Ok(ApiGatewayFacts {
                domain_names: v1.iter().map(d).collect(),
                ..Default::default()
            });
            r.apigatewayv2 = Collected::Ok(ApiGatewayV2Facts {
                domain_names: v2.iter().map(d).collect(),
                ..Default::default()
            });
        })
    }

    #[test]
    fn tls12_and_tls13_policies_are_modern() {
        assert!(modern_policy("TLS_1_2"));
        assert!(modern_policy("SecurityPolicy_TLS13_1_2_2021_06"));
        assert!(modern_policy("SecurityPolicy_TLS12_PFS_2025_EDGE"));
        assert!(!modern_policy("TLS_1_0"));
    }

    #[test]
    fn domain_tls_v1_and_v2() {
        let f = only(&DomainTls, &domains(&["TLS_1_2"], &[]), Status::Pass);
        assert_eq!(
            f.resource_id,
            "arn:aws:apigateway:us-east-1::/domainnames/api-TLS_1_2.example.com"
        );
        let f = only(&DomainTls, &domains(&[], &["TLS_1_0"]), Status::Fail);
        assert!(f.message.contains("TLS_1_0"));
        assert_eq!(
            statuses(&run(&DomainTls, &domains(&["TLS_1_0"], &["TLS_1_2"]))),
            vec![Status::Fail, Status::Pass]
        );
        only(&DomainTls, &domains(&[], &[]), Status::NotApplicable);
    }

    #[test]
    fn a_domain_both_apis_list_is_judged_once() {
        let f = only(
            &DomainTls,
            &domains(&["TLS_1_0"], &["TLS_1_0"]),
            Status::Fail,
        );
        assert!(f.message.starts_with("REST custom domain name"), "{f:?}");
    }
}
