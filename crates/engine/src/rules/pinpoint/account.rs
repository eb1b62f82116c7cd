//! Pinpoint's account-level controls: IAM scope, CloudTrail and Config recording where apps
//! exist.

use crate::facts::Source;
use crate::remediation::Bundle;
use crate::rules::pinpoint::APPS;
use crate::rules::service_account::{LeastPrivilege, RecordedWherePresent, TrailWherePresent};
use crate::rules::Meta;
use crate::service::Service;
use crate::severity::Severity;

/// `pinpoint_iam_least_privilege`.
pub static IAM_LEAST_PRIVILEGE: LeastPrivilege = LeastPrivilege {
    meta: Meta {
        id: "pinpoint_iam_least_privilege",
        title: "No customer policy allows mobiletargeting:* on every resource",
        service: Service::Pinpoint,
        severity: Severity::Medium,
        frameworks: &["Seed: Security in Amazon Pinpoint — least privilege"],
        remediation: "Replace mobiletargeting:* on Resource \"*\" with the specific Pinpoint \
            actions needed, scoped to the app ARNs \
            (arn:aws:mobiletargeting:<region>:<account>:apps/<app-id>*).",
        remediated_by: None,
        sources: &[Source::IamPolicies],
        doc: include_str!("../reference/pinpoint_iam_least_privilege.md"),
    },
    action_prefixes: &["mobiletargeting"],
};

/// `pinpoint_cloudtrail`.
pub static CLOUDTRAIL: TrailWherePresent = TrailWherePresent {
    meta: Meta {
        id: "pinpoint_cloudtrail",
        title: "A logging multi-region trail records Pinpoint management events",
        service: Service::Pinpoint,
        severity: Severity::High,
        frameworks: &["Seed: Security in Amazon Pinpoint — logging with AWS CloudTrail"],
        remediation: "Create a multi-region trail that is logging and records read and write \
            management events — secbaseline_cloudtrail does this.",
        remediated_by: Some(Bundle::CloudTrail),
        sources: &[Source::Pinpoint, Source::CloudTrail],
        doc: include_str!("../reference/pinpoint_cloudtrail.md"),
    },
    resources: &APPS,
};

/// `pinpoint_config_recording`.
pub static CONFIG_RECORDING: RecordedWherePresent = RecordedWherePresent {
    meta: Meta {
        id: "pinpoint_config_recording",
        title: "AWS Config records Pinpoint apps",
        service: Service::Pinpoint,
        severity: Severity::Medium,
        frameworks: &["Seed: Security in Amazon Pinpoint — AWS Config"],
        remediation: "Run a recording AWS Config recorder whose recording group covers \
            AWS::Pinpoint::App (or all supported types) — secbaseline_config_rules does this.",
        remediated_by: Some(Bundle::ConfigRules),
        sources: &[Source::Pinpoint, Source::Config],
        doc: include_str!("../reference/pinpoint_config_recording.md"),
    },
    resources: &APPS,
    service_name: "Pinpoint",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{
        CloudTrailFacts, Collected, ConfigFacts, Facts, Known, PinpointFacts, Recorder,
        RecordingGroup,
    };
    use crate::finding::Status;
    use crate::rules::logging::fixtures::good_trail;
    use crate::rules::pinpoint::fixtures::app;
    use crate::rules::testkit::{
        customer_policy, iam, iam_denied, inline_policy, only, region, role, ACCOUNT,
    };

    const WIDE: &str =
        r#"{"Statement":[{"Effect":"Allow","Action":"mobiletargeting:*","Resource":"*"}]}"#;
    const SCOPED: &str = r#"{"Statement":[{"Effect":"Allow","Action":"mobiletargeting:*","Resource":"arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc*"}]}"#;

    #[test]
    fn least_privilege_pass_and_fail() {
        let f = only(
            &IAM_LEAST_PRIVILEGE,
            &iam(|i| i.policies = vec![customer_policy("push", WIDE)]),
            Status::Fail,
        );
        assert!(f.message.contains("mobiletargeting:*"), "{}", f.message);
        assert_eq!(f.resource_id, format!("arn:aws:iam::{ACCOUNT}:policy/push"));
        only(
            &IAM_LEAST_PRIVILEGE,
            &iam(|i| i.policies = vec![customer_policy("push", SCOPED)]),
            Status::Pass,
        );
        let mut r = role("sender", "{}");
        r.inline_policies = vec![inline_policy("p", WIDE)];
        let f = only(
            &IAM_LEAST_PRIVILEGE,
            &iam(|i| i.roles = vec![r]),
            Status::Fail,
        );
        assert_eq!(
            f.resource_id,
            format!("arn:aws:iam::{ACCOUNT}:role/sender/inline-policy/p")
        );
        only(&IAM_LEAST_PRIVILEGE, &iam_denied(), Status::Error);
    }

    fn with(apps: bool, trail: bool) -> Facts {
        region(|r| {
            r.pinpoint = Collected::Ok(PinpointFacts {
                apps: if apps {
                    vec![app("shop", Known::Known(None))]
                } else {
                    vec![]
                },
            });
            r.cloudtrail = Collected::Ok(CloudTrailFacts {
                trails: if trail {
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
                        resource_types: if trail {
                            vec!["AWS::Pinpoint::App".into()]
                        } else {
                            vec!["AWS::Lex::Bot".into()]
                        },
                        ..Default::default()
                    }
                    .into(),
                    ..Default::default()
                }],
                ..Default::default()
            });
        })
    }

    #[test]
    fn cloudtrail_where_apps_exist() {
        let f = only(&CLOUDTRAIL, &with(true, true), Status::Pass);
        assert_eq!(f.region, "global");
        only(&CLOUDTRAIL, &with(true, false), Status::Fail);
        let f = only(&CLOUDTRAIL, &with(false, false), Status::NotApplicable);
        assert!(f.message.contains("No Pinpoint apps"), "{}", f.message);
    }

    #[test]
    fn cloudtrail_error_and_unknown_follow_the_apps() {
        let mut facts = with(false, true);
        if let Some(r) = facts.regions.get_mut("us-east-1") {
            r.pinpoint = Collected::failed("AccessDeniedException", "no");
        }
        let f = only(&CLOUDTRAIL, &facts, Status::Error);
        assert!(f.message.contains("AccessDeniedException"), "{}", f.message);
        if let Some(r) = facts.regions.get_mut("us-east-1") {
            r.pinpoint = Collected::NotCollected;
        }
        only(&CLOUDTRAIL, &facts, Status::Unknown);
        if let Some(r) = facts.regions.get_mut("us-east-1") {
            r.pinpoint = Collected::unavailable("Pinpoint is not offered in this region");
        }
        only(&CLOUDTRAIL, &facts, Status::NotApplicable);
    }

    #[test]
    fn config_recording_where_apps_exist() {
        let f = only(&CONFIG_RECORDING, &with(true, true), Status::Pass);
        assert_eq!(f.region, "us-east-1");
        let f = only(&CONFIG_RECORDING, &with(true, false), Status::Fail);
        assert!(f.message.contains("AWS::Pinpoint::App"), "{}", f.message);
        only(
            &CONFIG_RECORDING,
            &with(false, false),
            Status::NotApplicable,
        );
        let mut facts = with(true, true);
        if let Some(r) = facts.regions.get_mut("us-east-1") {
            r.config = Collected::failed("AccessDeniedException", "no");
        }
        only(&CONFIG_RECORDING, &facts, Status::Error);
    }
}
