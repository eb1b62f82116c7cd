//! `cloudwatch_alarm_actions`: every alarm has enabled actions and an alarm target.

use crate::facts::{Facts, Known, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::remediation::Bundle;
use crate::rules::support::{Out, Res};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `cloudwatch_alarm_actions`.
pub struct AlarmActions;

impl AlarmActions {
    const META: Meta = Meta {
        id: "cloudwatch_alarm_actions",
        title: "CloudWatch alarms have actions enabled and an alarm action",
        service: Service::CloudWatch,
        severity: Severity::High,
        frameworks: &["FSBP CloudWatch.15", "FSBP CloudWatch.17"],
        remediation: "Set actions_enabled = true and at least one alarm_actions target (an SNS \
            topic) on every alarm — secbaseline_alarms does this for the alarms it creates.",
        remediated_by: Some(Bundle::Alarms),
        sources: &[Source::CloudWatch],
        doc: include_str!("../reference/cloudwatch_alarm_actions.md"),
    };
}

impl Rule for AlarmActions {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        out.each_region(
            |r| &r.cloudwatch,
            "CloudWatch alarms",
            "No CloudWatch alarms",
            |out, region, cw| {
                for a in &cw.alarms {
                    let res = Res::new(
                        a.arn.as_known().cloned(),
                        region,
                        a.address.as_ref(),
                        &a.name,
                    );
                    let name = format!("CloudWatch alarm '{}'", a.name);
                    match (&a.actions_enabled, &a.alarm_actions) {
                        (Known::Unknown, _) | (_, Known::Unknown) => {
                            out.unknown(&res, &format!("The actions of {name}"))
                        }
                        (Known::Known(enabled), Known::Known(actions)) => {
                            let mut problems = Vec::new();
                            if !enabled {
                                problems.push("has actions disabled");
                            }
                            if actions.is_empty() {
                                problems.push("has no alarm action");
                            }
                            out.verdict(
                                problems.is_empty(),
                                &res,
                                format!(
                                    "{name} has actions enabled and {} alarm action(s).",
                                    actions.len()
                                ),
                                format!("{name} {}.", problems.join(" and ")),
                            );
                        }
                    }
                }
            },
        );
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Alarm, CloudWatchFacts, Collected};
    use crate::finding::Status;
    use crate::rules::testkit::{only, region};

    fn alarms(list: Vec<Alarm>) -> Facts {
        region(|r| r.cloudwatch = Collected::Ok(CloudWatchFacts { alarms: list }))
    }

    fn alarm(enabled: bool, actions: &[&str]) -> Alarm {
        Alarm {
            name: "api-5xx".into(),
            arn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-5xx".into(),
            actions_enabled: enabled.into(),
            alarm_actions: actions
                .iter()
                .map(|s| (*s).to_owned())
                .collect::<Vec<_>>()
                .into(),
            ..Default::default()
        }
    }

    #[test]
    fn alarm_actions() {
        let topic = "arn:aws:sns:us-east-1:123456789012:ops";
        let f = only(
            &AlarmActions,
            &alarms(vec![alarm(true, &[topic])]),
            Status::Pass,
        );
        assert_eq!(
            f.resource_id,
            "arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-5xx"
        );
        let f = only(
            &AlarmActions,
            &alarms(vec![alarm(false, &[])]),
            Status::Fail,
        );
        assert!(
            f.message
                .contains("actions disabled and has no alarm action"),
            "{}",
            f.message
        );
        only(&AlarmActions, &alarms(vec![alarm(true, &[])]), Status::Fail);
        only(&AlarmActions, &alarms(vec![]), Status::NotApplicable);
        let denied = region(|r| r.cloudwatch = Collected::failed("AccessDenied", "no"));
        only(&AlarmActions, &denied, Status::Error);
    }
}
