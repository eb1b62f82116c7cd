//! Lex's account-level controls: IAM scope, CloudTrail and Config recording where bots exist.

use crate::facts::Source;
use crate::remediation::Bundle;
use crate::rules::lex::BOTS;
use crate::rules::service_account::{LeastPrivilege, RecordedWherePresent, TrailWherePresent};
use crate::rules::Meta;
use crate::service::Service;
use crate::severity::Severity;

/// `lex_iam_least_privilege`.
pub static IAM_LEAST_PRIVILEGE: LeastPrivilege = LeastPrivilege {
    meta: Meta {
        id: "lex_iam_least_privilege",
        title: "No customer policy allows lex:* on every resource",
        service: Service::Lex,
        severity: Severity::Medium,
        frameworks: &["Seed: Security in Amazon Lex — least privilege"],
        remediation: "Replace lex:* on Resource \"*\" with the specific Lex actions needed, \
            scoped to the bot and alias ARNs (arn:aws:lex:<region>:<account>:bot/<bot-id>, \
            …:bot-alias/<bot-id>/<alias-id>).",
        remediated_by: None,
        sources: &[Source::IamPolicies],
        doc: include_str!("../reference/lex_iam_least_privilege.md"),
    },
    action_prefixes: &["lex"],
};

/// `lex_cloudtrail`.
pub static CLOUDTRAIL: TrailWherePresent = TrailWherePresent {
    meta: Meta {
        id: "lex_cloudtrail",
        title: "A logging multi-region trail records Lex management events",
        service: Service::Lex,
        severity: Severity::High,
        frameworks: &["Seed: Security in Amazon Lex — logging with AWS CloudTrail"],
        remediation: "Create a multi-region trail that is logging and records read and write \
            management events — secbaseline_cloudtrail does this.",
        remediated_by: Some(Bundle::CloudTrail),
        sources: &[Source::Lex, Source::CloudTrail],
        doc: include_str!("../reference/lex_cloudtrail.md"),
    },
    resources: &BOTS,
};

/// `lex_config_recording`.
pub static CONFIG_RECORDING: RecordedWherePresent = RecordedWherePresent {
    meta: Meta {
        id: "lex_config_recording",
        title: "AWS Config records Lex bots and bot aliases",
        service: Service::Lex,
        severity: Severity::Medium,
        frameworks: &["Seed: Security in Amazon Lex — AWS Config"],
        remediation: "Run a recording AWS Config recorder whose recording group covers \
            AWS::Lex::Bot and AWS::Lex::BotAlias (or all supported types) — \
            secbaseline_config_rules does this.",
        remediated_by: Some(Bundle::ConfigRules),
        sources: &[Source::Lex, Source::Config],
        doc: include_str!("../reference/lex_config_recording.md"),
    },
    resources: &BOTS,
    service_name: "Lex",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{CloudTrailFacts, Collected, ConfigFacts, Facts, Recorder, RecordingGroup};
    use crate::finding::Status;
    use crate::rules::lex::fixtures::{bots, no_bots};
    use crate::rules::logging::fixtures::good_trail;
    use crate::rules::testkit::{customer_policy, iam, iam_denied, only};

    #[test]
    fn least_privilege_pass_and_fail() {
        let wide = r#"{"Statement":[{"Effect":"Allow","Action":["lex:*"],"Resource":["*"]}]}"#;
        let read = r#"{"Statement":[{"Effect":"Allow","Action":["lex:Describe*","lex:List*"],"Resource":"*"}]}"#;
        let f = only(
            &IAM_LEAST_PRIVILEGE,
            &iam(|i| i.policies = vec![customer_policy("bots", wide)]),
            Status::Fail,
        );
        assert!(f.message.contains("lex:*"), "{}", f.message);
        only(
            &IAM_LEAST_PRIVILEGE,
            &iam(|i| i.policies = vec![customer_policy("bots", read)]),
            Status::Pass,
        );
        only(&IAM_LEAST_PRIVILEGE, &iam(|_| {}), Status::NotApplicable);
        only(&IAM_LEAST_PRIVILEGE, &iam_denied(), Status::Error);
    }

    #[test]
    fn admin_policies_are_left_to_iam_policy_no_admin_and_say_so() {
        let admin = r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        let f = only(
            &IAM_LEAST_PRIVILEGE,
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
            &IAM_LEAST_PRIVILEGE,
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
        only(&CLOUDTRAIL, &with_logging(bots(vec![]), true), Status::Pass);
        only(
            &CLOUDTRAIL,
            &with_logging(bots(vec![]), false),
            Status::Fail,
        );
        only(
            &CLOUDTRAIL,
            &with_logging(no_bots(), false),
            Status::NotApplicable,
        );
    }

    #[test]
    fn config_recording_where_bots_exist() {
        only(
            &CONFIG_RECORDING,
            &with_logging(bots(vec![]), true),
            Status::Pass,
        );
        let f = only(
            &CONFIG_RECORDING,
            &with_logging(bots(vec![]), false),
            Status::Fail,
        );
        assert!(f.message.contains("AWS::Lex::BotAlias"), "{}", f.message);
        assert!(!f.message.contains("AWS::Lex::Bot,"), "{}", f.message);
        only(
            &CONFIG_RECORDING,
            &with_logging(no_bots(), false),
            Status::NotApplicable,
        );
    }
}
