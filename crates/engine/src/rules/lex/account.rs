//! Lex's account-level controls: IAM scope, CloudTrail and Config recording where bots exist.

use crate::facts::{Facts, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::lex::BOTS;
use crate::rules::logging::{multi_region_trail_if_present, records_types_where_present};
use crate::rules::policies::service_wildcards;
use crate::rules::support::Out;
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `lex_iam_least_privilege`.
pub struct IamLeastPrivilege;

impl IamLeastPrivilege {
    const META: Meta = Meta {
        id: "lex_iam_least_privilege",
        title: "No customer policy allows lex:* on every resource",
        service: Service::Lex,
        severity: Severity::Medium,
        frameworks: &["Seed: Security in Amazon Lex — least privilege"],
        remediation: "Replace lex:* on Resource \"*\" with the specific Lex actions needed, \
            scoped to the bot and alias ARNs (arn:aws:lex:<region>:<account>:bot/<bot-id>, \
            …:bot-alias/<bot-id>/<alias-id>).",
        remediated_by: None,
        sources: &[Source::Iam],
    };
}

impl Rule for IamLeastPrivilege {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        service_wildcards(&mut out, &["lex"]);
        out.finish()
    }
}

/// `lex_cloudtrail`.
pub struct Cloudtrail;

impl Cloudtrail {
    const META: Meta = Meta {
        id: "lex_cloudtrail",
        title: "A logging multi-region trail records Lex management events",
        service: Service::Lex,
        severity: Severity::High,
        frameworks: &["Seed: Security in Amazon Lex — logging with AWS CloudTrail"],
        remediation: "Create a multi-region trail that is logging and records read and write \
            management events — secbaseline_cloudtrail does this.",
        remediated_by: Some("secbaseline_cloudtrail"),
        sources: &[Source::Lex, Source::CloudTrail],
    };
}

impl Rule for Cloudtrail {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        multi_region_trail_if_present(&mut out, &BOTS);
        out.finish()
    }
}

/// `lex_config_recording`.
pub struct ConfigRecording;

impl ConfigRecording {
    const META: Meta = Meta {
        id: "lex_config_recording",
        title: "AWS Config records Lex bots and bot aliases",
        service: Service::Lex,
        severity: Severity::Medium,
        frameworks: &["Seed: Security in Amazon Lex — AWS Config"],
        remediation: "Run a recording AWS Config recorder whose recording group covers \
            AWS::Lex::Bot and AWS::Lex::BotAlias (or all supported types) — \
            secbaseline_config_rules does this.",
        remediated_by: Some("secbaseline_config_rules"),
        sources: &[Source::Lex, Source::Config],
    };
}

impl Rule for ConfigRecording {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        records_types_where_present(&mut out, &BOTS, Service::Lex.config_resource_types(), "Lex");
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{CloudTrailFacts, Collected, ConfigFacts, Recorder, RecordingGroup};
    use crate::finding::Status;
    use crate::rules::lex::fixtures::{bots, no_bots};
    use crate::rules::logging::fixtures::good_trail;
    use crate::rules::testkit::{customer_policy, iam, iam_denied, only};

    #[test]
    fn least_privilege_pass_and_fail() {
        let wide = r#"{"Statement":[{"Effect":"Allow","Action":["lex:*"],"Resource":["*"]}]}"#;
        let read = r#"{"Statement":[{"Effect":"Allow","Action":["lex:Describe*","lex:List*"],"Resource":"*"}]}"#;
        let f = only(
            &IamLeastPrivilege,
            &iam(|i| i.policies = vec![customer_policy("bots", wide)]),
            Status::Fail,
        );
        assert!(f.message.contains("lex:*"), "{}", f.message);
        only(
            &IamLeastPrivilege,
            &iam(|i| i.policies = vec![customer_policy("bots", read)]),
            Status::Pass,
        );
        only(&IamLeastPrivilege, &iam(|_| {}), Status::NotApplicable);
        only(&IamLeastPrivilege, &iam_denied(), Status::Error);
    }

    #[test]
    fn admin_policies_are_left_to_iam_policy_no_admin_and_say_so() {
        let admin = r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        let f = only(
            &IamLeastPrivilege,
            &iam(|i| i.policies = vec![customer_policy("admin", admin)]),
            Status::Pass,
        );
        assert!(
            f.message.contains("iam_policy_no_admin judges those"),
            "{}",
            f.message
        );
        let read = r#"{"Statement":[{"Effect":"Allow","Action":"lex:List*","Resource":"*"}]}"#;
        let f = only(
            &IamLeastPrivilege,
            &iam(|i| i.policies = vec![customer_policy("read", read)]),
            Status::Pass,
        );
        assert!(!f.message.contains("admin"), "{}", f.message);
    }

    fn with_logging(mut facts: Facts, good: bool) -> Facts {
        let r = facts.region_mut("us-east-1");
        r.cloudtrail = Collected::Ok(CloudTrailFacts {
            trails: if good {
                vec![good_trail("main")]
            } else {
                vec![]
            },
            ..Default::default()
        });
        r.config = Collected::Ok(ConfigFacts {
            recorders: vec![Recorder {
                name: "default".into(),
                recording: true.into(),
                recording_group: RecordingGroup {
                    all_supported: good,
                    resource_types: vec!["AWS::Lex::Bot".into()],
                    ..Default::default()
                }
                .into(),
                ..Default::default()
            }],
            ..Default::default()
        });
        facts
    }

    #[test]
    fn cloudtrail_where_bots_exist() {
        only(&Cloudtrail, &with_logging(bots(vec![]), true), Status::Pass);
        only(
            &Cloudtrail,
            &with_logging(bots(vec![]), false),
            Status::Fail,
        );
        only(
            &Cloudtrail,
            &with_logging(no_bots(), false),
            Status::NotApplicable,
        );
    }

    #[test]
    fn config_recording_where_bots_exist() {
        only(
            &ConfigRecording,
            &with_logging(bots(vec![]), true),
            Status::Pass,
        );
        let f = only(
            &ConfigRecording,
            &with_logging(bots(vec![]), false),
            Status::Fail,
        );
        assert!(f.message.contains("AWS::Lex::BotAlias"), "{}", f.message);
        assert!(!f.message.contains("AWS::Lex::Bot,"), "{}", f.message);
        only(
            &ConfigRecording,
            &with_logging(no_bots(), false),
            Status::NotApplicable,
        );
    }
}
