//! The typed facts model: everything the rules judge, filled by live collectors or a plan mapper.
//!
//! Shape: [`Facts`] holds account identity, the global services (IAM, the account-level S3
//! public access block) and one [`RegionFacts`] per assessed region. Every service's facts are
//! wrapped in [`Collected`] so a failed collection is an `ERROR`, an unavailable service is
//! `NOT_APPLICABLE`, and facts nobody gathered are `UNKNOWN`. Values a Terraform plan may not
//! know yet are [`Known`]. Every resource carries `address: Option<String>`, its Terraform
//! address when it comes from a plan.

pub mod apigateway;
pub mod cloudtrail;
pub mod cloudwatch;
mod collected;
pub mod config;
pub mod iam;
mod known;
pub mod lex;
pub mod organization;
pub mod pinpoint;
pub mod timestamp;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use apigateway::{
    ApiGatewayFacts, ApiGatewayV2Facts, DomainName, Integration, MethodSetting, Protocol, RestApi,
    RestMethod, RestStage, Route, RouteSetting, V2Api, V2Stage, ALL_METHODS,
};
pub use cloudtrail::{
    CloudTrailFacts, EventSelector, FieldSelector, PublicAccessBlock, ReadWriteType, Trail,
    TrailBucket,
};
pub use cloudwatch::{Alarm, CloudWatchFacts, LogsFacts, MetricFilter, MetricTransformation};
pub use collected::Collected;
pub use config::{ConfigFacts, ConfigRule, DeliveryChannel, Recorder, RecordingGroup};
pub use iam::{
    AccessAnalyzerFacts, AccessKey, AccountSummary, Analyzer, AttachedPolicy, Attachment, Group,
    IamFacts, IdentityKind, InlinePolicy, KeyStatus, ManagedPolicy, PasswordPolicy, Role,
    RootCredentials, ServerCertificate, User, VirtualMfaDevice,
};
pub use known::Known;
pub use lex::{
    AudioLogSetting, BotAlias, ConversationLogSettings, LexBot, LexFacts, TextLogSetting,
};
pub use organization::{Membership, OrganizationTrail};
pub use pinpoint::{EventStream, PinpointApp, PinpointFacts};

/// Everything known about one account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Facts {
    /// 12-digit account id.
    pub account_id: String,
    /// Partition (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: String,
    /// Regional facts keyed by region name (`us-east-1`, …).
    pub regions: BTreeMap<String, RegionFacts>,
    /// IAM (global, collected once).
    pub iam: Collected<IamFacts>,
    /// Whether the credential parts of [`Facts::iam`] (credential report, account summary,
    /// password policy, MFA device and server certificate lists) were collected: `Ok` when
    /// they were, the failure when they could not be read (the identities and policies may
    /// still have been), `NotCollected` when only [`Source::IamPolicies`] was asked for.
    pub iam_credentials: Collected<()>,
    /// Account-level S3 Block Public Access (`None`: not configured).
    pub s3_account_public_access_block: Collected<Option<PublicAccessBlock>>,
    /// The organization the account belongs to (`None`: none).
    pub organization: Collected<Option<Membership>>,
    /// Organization trails of other accounts of the same assessment that cover this one,
    /// with their owners' filters and alarms (filled by [`crate::assessment::assess_estate`],
    /// never collected).
    pub organization_trails: Vec<OrganizationTrail>,
}

impl Facts {
    /// A new, empty fact set for an account in the `aws` partition.
    pub fn new(account_id: impl Into<String>) -> Self {
        Facts {
            account_id: account_id.into(),
            partition: "aws".into(),
            ..Default::default()
        }
    }

    /// `arn:<partition>:iam::<account>:root`, the resource of account-level findings.
    pub fn account_arn(&self) -> String {
        format!("arn:{}:iam::{}:root", self.partition(), self.account_id)
    }

    /// The account these facts are about; `None` when a plan does not state it.
    pub fn account(&self) -> Option<String> {
        (!self.account_id.is_empty()).then(|| self.account_id.clone())
    }

    /// The partition, `aws` when not set.
    pub fn partition(&self) -> &str {
        if self.partition.is_empty() {
            "aws"
        } else {
            &self.partition
        }
    }

    /// Facts of an account none of whose facts could be read (e.g. its role could not be
    /// assumed): every source of the account and of each region fails with `code`/`message`,
    /// so every control judging it is ERROR.
    pub fn unreadable(
        account_id: impl Into<String>,
        regions: &[String],
        code: &str,
        message: &str,
    ) -> Self {
        fn failed<T>(code: &str, message: &str) -> Collected<T> {
            Collected::failed(code, message)
        }
        let mut facts = Facts::new(account_id);
        facts.iam = failed(code, message);
        facts.iam_credentials = failed(code, message);
        facts.s3_account_public_access_block = failed(code, message);
        facts.organization = failed(code, message);
        for region in regions {
            facts.regions.insert(
                region.clone(),
                RegionFacts {
                    apigateway: failed(code, message),
                    apigatewayv2: failed(code, message),
                    access_analyzer: failed(code, message),
                    pinpoint: failed(code, message),
                    lex: failed(code, message),
                    cloudtrail: failed(code, message),
                    config: failed(code, message),
                    cloudwatch: failed(code, message),
                    logs: failed(code, message),
                },
            );
        }
        facts
    }

    /// The facts of one region, inserted empty (all `NotCollected`) if absent.
    pub fn region_mut(&mut self, region: &str) -> &mut RegionFacts {
        self.regions.entry(region.to_owned()).or_default()
    }
}

/// Everything known about one region. Each service is collected independently.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegionFacts {
    /// API Gateway v1 (REST APIs, v1 domain names).
    pub apigateway: Collected<ApiGatewayFacts>,
    /// API Gateway v2 (HTTP/WebSocket APIs, v2 domain names).
    pub apigatewayv2: Collected<ApiGatewayV2Facts>,
    /// IAM Access Analyzer analyzers (regional).
    pub access_analyzer: Collected<AccessAnalyzerFacts>,
    /// Pinpoint apps.
    pub pinpoint: Collected<PinpointFacts>,
    /// Lex V2 bots.
    pub lex: Collected<LexFacts>,
    /// CloudTrail trails and their buckets.
    pub cloudtrail: Collected<CloudTrailFacts>,
    /// AWS Config recorders, channels and rules.
    pub config: Collected<ConfigFacts>,
    /// CloudWatch alarms.
    pub cloudwatch: Collected<CloudWatchFacts>,
    /// CloudWatch Logs metric filters.
    pub logs: Collected<LogsFacts>,
}

/// One collectable unit of facts: what a rule reads and what a collector fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// [`RegionFacts::apigateway`].
    ApiGateway,
    /// [`RegionFacts::apigatewayv2`].
    ApiGatewayV2,
    /// [`Facts::iam`], whole: identities and policies plus the credential report, account
    /// summary, password policy, virtual MFA devices and server certificates.
    Iam,
    /// [`Facts::iam`], identities and policies only (`GetAccountAuthorizationDetails`):
    /// users, groups and roles with their inline and attached policies, trust policies and
    /// managed policies. The credential parts are left empty, so only rules that read none
    /// of them may declare this source; it spares a policy-only assessment the credential
    /// report. [`Source::Iam`] includes it.
    IamPolicies,
    /// [`RegionFacts::access_analyzer`].
    AccessAnalyzer,
    /// [`RegionFacts::pinpoint`].
    Pinpoint,
    /// [`RegionFacts::lex`].
    Lex,
    /// [`RegionFacts::cloudtrail`].
    CloudTrail,
    /// [`RegionFacts::config`].
    Config,
    /// [`RegionFacts::cloudwatch`].
    CloudWatch,
    /// [`RegionFacts::logs`].
    Logs,
    /// [`Facts::s3_account_public_access_block`].
    S3Account,
    /// [`Facts::organization`].
    Organization,
}

impl Source {
    /// Every source, in declaration order.
    pub const ALL: [Source; 13] = [
        Source::ApiGateway,
        Source::ApiGatewayV2,
        Source::Iam,
        Source::IamPolicies,
        Source::AccessAnalyzer,
        Source::Pinpoint,
        Source::Lex,
        Source::CloudTrail,
        Source::Config,
        Source::CloudWatch,
        Source::Logs,
        Source::S3Account,
        Source::Organization,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Source::ALL` lists every variant: a new one fails to compile here until it is added.
    #[test]
    fn all_sources_are_listed() {
        for s in Source::ALL {
            match s {
                Source::ApiGateway
                | Source::ApiGatewayV2
                | Source::Iam
                | Source::IamPolicies
                | Source::AccessAnalyzer
                | Source::Pinpoint
                | Source::Lex
                | Source::CloudTrail
                | Source::Config
                | Source::CloudWatch
                | Source::Logs
                | Source::S3Account
                | Source::Organization => {}
            }
        }
        let distinct: std::collections::BTreeSet<Source> = Source::ALL.into_iter().collect();
        assert_eq!(distinct.len(), Source::ALL.len());
    }

    #[test]
    fn facts_round_trip_through_json() -> Result<(), serde_json::Error> {
        let mut facts = Facts::new("123456789012");
        facts.region_mut("us-east-1").apigateway = Collected::Ok(ApiGatewayFacts {
            rest_apis: vec![RestApi {
                id: "abc".into(),
                name: "pets".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
        facts.iam = Collected::failed("AccessDenied", "not allowed");
        let json = serde_json::to_string(&facts)?;
        let back: Facts = serde_json::from_str(&json)?;
        assert_eq!(back, facts);
        assert_eq!(facts.account_arn(), "arn:aws:iam::123456789012:root");
        Ok(())
    }

    #[test]
    fn missing_fields_default() -> Result<(), serde_json::Error> {
        let facts: Facts =
            serde_json::from_str(r#"{"account_id":"1","regions":{"eu-west-1":{}}}"#)?;
        let region = facts.regions.get("eu-west-1");
        assert_eq!(region.map(|r| &r.lex), Some(&Collected::NotCollected));
        Ok(())
    }
}
