//! API Gateway's own account-level controls: CloudTrail, Config recording and rules, IAM scope.

use crate::facts::{Facts, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::remediation::Bundle;
use crate::rules::logging::{multi_region_trail, records_types};
use crate::rules::policies::service_wildcards;
use crate::rules::support::Out;
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `apigateway_cloudtrail`.
pub struct Cloudtrail;

impl Cloudtrail {
    const META: Meta = Meta {
        id: "apigateway_cloudtrail",
        title: "A logging multi-region trail records API Gateway management events",
        service: Service::ApiGateway,
        severity: Severity::High,
        frameworks: &["Seed: Enable AWS CloudTrail"],
        remediation: "Create a multi-region trail that is logging and records read and write \
            management events — secbaseline_cloudtrail does this.",
        remediated_by: Some(Bundle::CloudTrail),
        sources: &[Source::CloudTrail],
        doc: include_str!("../reference/apigateway_cloudtrail.md"),
    };
}

impl Rule for Cloudtrail {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        multi_region_trail(&mut out);
        out.finish()
    }
}

/// `apigateway_config_recording`.
pub struct ConfigRecording;

/// Config resource types of API Gateway.
const TYPES: &[&str] = &[
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Stage",
];

impl ConfigRecording {
    const META: Meta = Meta {
        id: "apigateway_config_recording",
        title: "AWS Config records API Gateway resources",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["Seed: Enable AWS Config"],
        remediation:
            "Run a recording AWS Config recorder whose recording group covers \
            AWS::ApiGateway::RestApi, AWS::ApiGateway::Stage, AWS::ApiGatewayV2::Api and \
            AWS::ApiGatewayV2::Stage (or all supported types) — secbaseline_config_rules does this.",
        remediated_by: Some(Bundle::ConfigRules),
        sources: &[Source::Config],
        doc: include_str!("../reference/apigateway_config_recording.md"),
    };
}

impl Rule for ConfigRecording {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        records_types(&mut out, TYPES, "API Gateway");
        out.finish()
    }
}

/// `apigateway_config_rules`.
pub struct ConfigRules;

/// Managed rules the conformance pack expects (secbaseline_config_rules deploys them).
pub const MANAGED_RULES: &[&str] = &[
    "API_GW_EXECUTION_LOGGING_ENABLED",
    "API_GW_XRAY_ENABLED",
    "API_GW_ASSOCIATED_WITH_WAF",
    "API_GW_SSL_ENABLED",
    "API_GW_CACHE_ENABLED_AND_ENCRYPTED",
    "API_GWV2_ACCESS_LOGS_ENABLED",
    "API_GWV2_AUTHORIZATION_TYPE_CONFIGURED",
];

impl ConfigRules {
    const META: Meta = Meta {
        id: "apigateway_config_rules",
        title: "The API Gateway managed AWS Config rules are deployed",
        service: Service::ApiGateway,
        severity: Severity::Low,
        frameworks: &["Seed: Operational-Best-Practices-for-API-Gateway conformance pack"],
        remediation: "Deploy the managed Config rules API_GW_EXECUTION_LOGGING_ENABLED, \
            API_GW_XRAY_ENABLED, API_GW_ASSOCIATED_WITH_WAF, API_GW_SSL_ENABLED, \
            API_GW_CACHE_ENABLED_AND_ENCRYPTED, API_GWV2_ACCESS_LOGS_ENABLED and \
            API_GWV2_AUTHORIZATION_TYPE_CONFIGURED — secbaseline_config_rules does this.",
        remediated_by: Some(Bundle::ConfigRules),
        sources: &[Source::Config],
        doc: include_str!("../reference/apigateway_config_rules.md"),
    };
}

impl Rule for ConfigRules {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        out.each_region(
            |r| &r.config,
            "AWS Config",
            "AWS Config is not set up",
            |out, region, cfg| {
                let res = out.account(region);
                let mut unknown = false;
                let deployed: Vec<&str> = cfg
                    .rules
                    .iter()
                    .filter_map(|r| {
                        if r.source_identifier.is_unknown() {
                            unknown = true;
                        }
                        r.source_identifier.as_known().map(String::as_str)
                    })
                    .collect();
                let missing: Vec<&str> = MANAGED_RULES
                    .iter()
                    .copied()
                    .filter(|m| !deployed.contains(m))
                    .collect();
                if missing.is_empty() {
                    out.pass(
                        &res,
                        format!(
                            "All {} API Gateway managed Config rules are deployed in {region}.",
                            MANAGED_RULES.len()
                        ),
                    );
                } else if unknown {
                    out.unknown(
                        &res,
                        &format!("Which managed Config rules are deployed in {region}"),
                    );
                } else {
                    out.fail(
                        &res,
                        format!(
                            "Managed Config rules missing in {region}: {}.",
                            missing.join(", ")
                        ),
                    );
                }
            },
        );
        out.finish()
    }
}

/// `apigateway_iam_least_privilege`.
pub struct IamLeastPrivilege;

impl IamLeastPrivilege {
    const META: Meta = Meta {
        id: "apigateway_iam_least_privilege",
        title: "No customer policy allows apigateway:* or execute-api:* on every resource",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["Seed: Implement least privilege access"],
        remediation: "Replace apigateway:* / execute-api:* on Resource \"*\" with the specific \
            actions needed, scoped to the API ARNs (arn:aws:apigateway:<region>::/restapis/<id>/*, \
            arn:aws:execute-api:<region>:<account>:<id>/<stage>/<method>/<path>).",
        remediated_by: None,
        sources: &[Source::IamPolicies],
        doc: include_str!("../reference/apigateway_iam_least_privilege.md"),
    };
}

impl Rule for IamLeastPrivilege {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        service_wildcards(&mut out, &["apigateway", "execute-api"]);
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{
        Collected, ConfigFacts, ConfigRule, IamFacts, InlinePolicy, ManagedPolicy, Role,
    };
    use crate::finding::Status;
    use crate::rules::testkit::{only, region, run, statuses, ACCOUNT};

    fn with_rules(ids: &[&str]) -> Facts {
        region(|r| {
            r.config = Collected::Ok(ConfigFacts {
                rules: ids
                    .iter()
                    .map(|id| ConfigRule {
                        name: id.to_ascii_lowercase(),
                        source_owner: "AWS".into(),
                        source_identifier: (*id).into(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            });
        })
    }

    #[test]
    fn cloudtrail_pass_and_fail() {
        use crate::facts::CloudTrailFacts;
        use crate::rules::logging::fixtures::good_trail;
        let with = |trails| {
            region(|r| {
                r.cloudtrail = Collected::Ok(CloudTrailFacts {
                    trails,
                    ..Default::default()
                })
            })
        };
        let f = only(&Cloudtrail, &with(vec![good_trail("main")]), Status::Pass);
        assert_eq!(f.control_id, "apigateway_cloudtrail");
        let mut stopped = good_trail("main");
        stopped.is_logging = false.into();
        let f = only(&Cloudtrail, &with(vec![stopped]), Status::Fail);
        assert!(f.message.contains("is not logging"), "{}", f.message);
    }

    #[test]
    fn config_rules() {
        only(&ConfigRules, &with_rules(MANAGED_RULES), Status::Pass);
        let f = only(&ConfigRules, &with_rules(&MANAGED_RULES[1..]), Status::Fail);
        assert!(
            f.message.contains("API_GW_EXECUTION_LOGGING_ENABLED"),
            "{}",
            f.message
        );
        assert_eq!(
            f.resource_id,
            format!("arn:aws:apigateway:us-east-1:{ACCOUNT}:account")
        );
        assert_eq!(f.account_id.as_deref(), Some(ACCOUNT));
        let mut denied = with_rules(&[]);
        if let Some(r) = denied.regions.get_mut("us-east-1") {
            r.config = Collected::failed("AccessDeniedException", "no");
        }
        only(&ConfigRules, &denied, Status::Error);
    }

    fn iam(policies: Vec<ManagedPolicy>, roles: Vec<Role>) -> Facts {
        let mut f = Facts::new(ACCOUNT);
        f.iam = Collected::Ok(IamFacts {
            policies,
            roles,
            ..Default::default()
        });
        f
    }

    fn managed(name: &str, doc: &str, aws: bool) -> ManagedPolicy {
        ManagedPolicy {
            name: name.into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:policy/{name}").into(),
            aws_managed: aws,
            document: doc.into(),
            ..Default::default()
        }
    }

    const WIDE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:*","Resource":"*"}]}"#;
    const SCOPED: &str = r#"{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:abc/*"}]}"#;

    #[test]
    fn iam_least_privilege() {
        let f = only(
            &IamLeastPrivilege,
            &iam(vec![managed("wide", WIDE, false)], vec![]),
            Status::Fail,
        );
        assert!(
            f.message.contains("'wide'") && f.message.contains("execute-api:*"),
            "{}",
            f.message
        );
        assert_eq!(f.region, "global");
        only(
            &IamLeastPrivilege,
            &iam(vec![managed("scoped", SCOPED, false)], vec![]),
            Status::Pass,
        );
        // AWS-managed policies are not judged.
        only(
            &IamLeastPrivilege,
            &iam(
                vec![managed("AmazonAPIGatewayAdministrator", WIDE, true)],
                vec![],
            ),
            Status::NotApplicable,
        );
        let role = Role {
            name: "deployer".into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:role/deployer").into(),
            inline_policies: vec![InlinePolicy {
                name: "api".into(),
                document: WIDE.into(),
                address: None,
            }],
            ..Default::default()
        };
        let f = only(&IamLeastPrivilege, &iam(vec![], vec![role]), Status::Fail);
        assert_eq!(
            f.resource_id,
            format!("arn:aws:iam::{ACCOUNT}:role/deployer/inline-policy/api")
        );
        let mut denied = Facts::new(ACCOUNT);
        denied.iam = Collected::failed("AccessDenied", "no");
        assert_eq!(
            statuses(&run(&IamLeastPrivilege, &denied)),
            vec![Status::Error]
        );
    }
}
