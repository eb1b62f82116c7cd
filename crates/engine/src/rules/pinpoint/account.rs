//! Pinpoint's account-level controls: IAM scope, CloudTrail and Config recording where apps
//! exist.

use crate::facts::{Facts, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::logging::{multi_region_trail_if_present, records_types_where_present};
use crate::rules::pinpoint::APPS;
use crate::rules::policies::service_wildcards;
use crate::rules::support::Out;
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `pinpoint_iam_least_privilege`.
pub struct IamLeastPrivilege;

impl IamLeastPrivilege {
    const META: Meta = Meta {
        id: "pinpoint_iam_least_privilege",
        title: "No customer policy allows mobiletargeting:* on every resource",
        service: Service::Pinpoint,
        severity: Severity::Medium,
        frameworks: &["Seed: Security in Amazon Pinpoint — least privilege"],
        remediation: "Replace mobiletargeting:* on Resource \"*\" with the specific Pinpoint \
            actions needed, scoped to the app ARNs \
            (arn:aws:mobiletargeting:<region>:<account>:apps/<app-id>*).",
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
        service_wildcards(&mut out, &["mobiletargeting"]);
        out.finish()
    }
}

/// `pinpoint_cloudtrail`.
pub struct Cloudtrail;

impl Cloudtrail {
    const META: Meta = Meta {
        id: "pinpoint_cloudtrail",
        title: "A logging multi-region trail records Pinpoint management events",
        service: Service::Pinpoint,
        severity: Severity::High,
        frameworks: &["Seed: Security in Amazon Pinpoint — logging with AWS CloudTrail"],
        remediation: "Create a multi-region trail that is logging and records read and write \
            management events — secbaseline_cloudtrail does this.",
        remediated_by: Some("secbaseline_cloudtrail"),
        sources: &[Source::Pinpoint, Source::CloudTrail],
    };
}

impl Rule for Cloudtrail {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        multi_region_trail_if_present(&mut out, &APPS);
        out.finish()
    }
}

/// `pinpoint_config_recording`.
pub struct ConfigRecording;

impl ConfigRecording {
    const META: Meta = Meta {
        id: "pinpoint_config_recording",
        title: "AWS Config records Pinpoint apps",
        service: Service::Pinpoint,
        severity: Severity::Medium,
        frameworks: &["Seed: Security in Amazon Pinpoint — AWS Config"],
        remediation: "Run a recording AWS Config recorder whose recording group covers \
            AWS::Pinpoint::App (or all supported types) — secbaseline_config_rules does this.",
        remediated_by: Some("secbaseline_config_rules"),
        sources: &[Source::Pinpoint, Source::Config],
    };
}

impl Rule for ConfigRecording {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        records_types_where_present(
            &mut out,
            &APPS,
            Service::Pinpoint.config_resource_types(),
            "Pinpoint",
        );
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{
        CloudTrailFacts, Collected, ConfigFacts, Known, PinpointFacts, Recorder, RecordingGroup,
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
            &IamLeastPrivilege,
            &iam(|i| i.policies = vec![customer_policy("push", WIDE)]),
            Status::Fail,
        );
        assert!(f.message.contains("mobiletargeting:*"), "{}", f.message);
        assert_eq!(f.resource_id, format!("arn:aws:iam::{ACCOUNT}:policy/push"));
        only(
            &IamLeastPrivilege,
            &iam(|i| i.policies = vec![customer_policy("push", SCOPED)]),
            Status::Pass,
        );
        let mut r = role("sender", "{}");
        r.inline_policies = vec![inline_policy("p", WIDE)];
        let f = only(
            &IamLeastPrivilege,
            &iam(|i| i.roles = vec![r]),
            Status::Fail,
        );
        assert_eq!(
            f.resource_id,
            format!("arn:aws:iam::{ACCOUNT}:role/sender/inline-policy/p")
        );
        only(&IamLeastPrivilege, &iam_denied(), Status::Error);
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
        let f = only(&Cloudtrail, &with(true, true), Status::Pass);
        assert_eq!(f.region, "global");
        only(&Cloudtrail, &with(true, false), Status::Fail);
        let f = only(&Cloudtrail, &with(false, false), Status::NotApplicable);
        assert!(f.message.contains("No Pinpoint apps"), "{}", f.message);
    }

    #[test]
    fn cloudtrail_error_and_unknown_follow_the_apps() {
        let mut facts = with(false, true);
        if let Some(r) = facts.regions.get_mut("us-east-1") {
            r.pinpoint = Collected::failed("AccessDeniedException", "no");
        }
        let f = only(&Cloudtrail, &facts, Status::Error);
        assert!(f.message.contains("AccessDeniedException"), "{}", f.message);
        if let Some(r) = facts.regions.get_mut("us-east-1") {
            r.pinpoint = Collected::NotCollected;
        }
        only(&Cloudtrail, &facts, Status::Unknown);
        if let Some(r) = facts.regions.get_mut("us-east-1") {
            r.pinpoint = Collected::unavailable("Pinpoint is not offered in this region");
        }
        only(&Cloudtrail, &facts, Status::NotApplicable);
    }

    #[test]
    fn config_recording_where_apps_exist() {
        let f = only(&ConfigRecording, &with(true, true), Status::Pass);
        assert_eq!(f.region, "us-east-1");
        let f = only(&ConfigRecording, &with(true, false), Status::Fail);
        assert!(f.message.contains("AWS::Pinpoint::App"), "{}", f.message);
        only(&ConfigRecording, &with(false, false), Status::NotApplicable);
        let mut facts = with(true, true);
        if let Some(r) = facts.regions.get_mut("us-east-1") {
            r.config = Collected::failed("AccessDeniedException", "no");
        }
        only(&ConfigRecording, &facts, Status::Error);
    }
}
