//! The CIS 4.x / CloudWatch.1–14 metric-filter-and-alarm controls: one type,
//! fourteen registered instances.

use crate::facts::{Collected, Facts, Known, Source};
use crate::finding::{Finding, Status};
use crate::params::Params;
use crate::remediation::Bundle;
use crate::rules::logging::trails::account_trails;
use crate::rules::support::{Out, GLOBAL};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// A CIS alarm control: metadata plus the exact filter pattern Security Hub expects.
pub struct CisAlarm {
    meta: Meta,
    /// The filter pattern Security Hub and CIS expect.
    pub pattern: &'static str,
}

/// Removes white space outside double-quoted strings, so patterns compare by meaning.
pub fn normalize_pattern(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut quoted = false;
    let mut escaped = false;
    for c in p.chars() {
        if quoted {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                quoted = false;
            }
        } else if c == '"' {
            quoted = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// `arn:aws:logs:<region>:<account>:log-group:<name>[:*]` → (region, name).
fn log_group(arn: &str) -> Option<(&str, &str)> {
    let mut parts = arn.splitn(7, ':');
    let region = parts.nth(3)?;
    let _account = parts.next()?;
    if parts.next()? != "log-group" {
        return None;
    }
    let name = parts.next()?;
    Some((region, name.strip_suffix(":*").unwrap_or(name)))
}

/// How far the chain trail → filter → metric → alarm got.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Progress {
    /// No filter with the pattern on the trail's log group.
    NothingFiltered(String),
    /// A filter, but no alarm on its metric.
    Unwatched(String),
    /// An alarm without an enabled SNS action.
    Silent(String),
}

impl CisAlarm {
    fn judge(&self, out: &mut Out<'_>) {
        let res = out.account(GLOBAL);
        let expected = normalize_pattern(self.pattern);
        let all = account_trails(out.facts);
        let mut best: Option<Progress> = None;
        let mut errors = Vec::new();
        let mut unknowns = Vec::new();
        let mut any_trail = false;
        for t in &all.trails {
            let qualifies = (&t.is_multi_region, &t.is_logging);
            match qualifies {
                (Known::Known(true), Known::Known(true)) => {}
                (Known::Known(false), _) | (_, Known::Known(false)) => continue,
                _ => {
                    unknowns.push(format!(
                        "whether trail '{}' is a logging multi-region trail",
                        t.name
                    ));
                    continue;
                }
            }
            let arn = match &t.cloudwatch_logs_log_group_arn {
                Known::Unknown => {
                    unknowns.push(format!("the log group of trail '{}'", t.name));
                    continue;
                }
                Known::Known(None) => continue,
                Known::Known(Some(a)) => a,
            };
            let Some((region, group)) = log_group(arn) else {
                continue;
            };
            any_trail = true;
            // An organization trail of another account logs to that account's log group: its
            // filters and alarms are the owner's, known only when the owner is assessed too.
            let facts = out.facts;
            let owner = t
                .owner_account
                .as_deref()
                .filter(|o| t.is_organization_trail && !o.is_empty() && *o != facts.account_id)
                .or_else(|| {
                    arn.split(':').nth(4).filter(|a| {
                        !a.is_empty() && *a != facts.account_id && !facts.account_id.is_empty()
                    })
                });
            let (logs_of, alarms_of) = match owner {
                None => {
                    let rf = facts.regions.get(region);
                    (rf.map(|r| &r.logs), rf.map(|r| &r.cloudwatch))
                }
                Some(owner) => match facts
                    .organization_trails
                    .iter()
                    .find(|p| p.owner == owner && p.trail.name == t.name)
                {
                    Some(p) => (Some(&p.logs), Some(&p.cloudwatch)),
                    None => {
                        unknowns.push(format!(
                            "the metric filters and alarms of organization trail '{}', which are in account {owner}: add account {owner} to the assessment",
                            t.name
                        ));
                        continue;
                    }
                },
            };
            let logs = match logs_of {
                Some(Collected::Ok(l)) => l,
                Some(Collected::Failed { code, message }) => {
                    errors.push(format!("metric filters in {region}: {code}: {message}"));
                    continue;
                }
                _ => {
                    unknowns.push(format!("the metric filters of {region}"));
                    continue;
                }
            };
            let mut filters = Vec::new();
            for f in &logs.metric_filters {
                let on_group = match &f.log_group_name {
                    Known::Known(g) => g == group,
                    Known::Unknown => {
                        unknowns.push(format!("the log group of metric filter '{}'", f.name));
                        false
                    }
                };
                if !on_group {
                    continue;
                }
                match &f.pattern {
                    Known::Known(p) if normalize_pattern(p) == expected => filters.push(f),
                    Known::Known(_) => {}
                    Known::Unknown => {
                        unknowns.push(format!("the pattern of metric filter '{}'", f.name))
                    }
                }
            }
            if filters.is_empty() {
                best = best.max(Some(Progress::NothingFiltered(format!(
                    "no metric filter on log group '{group}' of trail '{}' has the required pattern",
                    t.name
                ))));
                continue;
            }
            let alarms = match alarms_of {
                Some(Collected::Ok(c)) => &c.alarms,
                Some(Collected::Failed { code, message }) => {
                    errors.push(format!("CloudWatch alarms in {region}: {code}: {message}"));
                    continue;
                }
                _ => {
                    unknowns.push(format!("the CloudWatch alarms of {region}"));
                    continue;
                }
            };
            for f in filters {
                for m in &f.transformations {
                    let watching: Vec<_> = alarms
                        .iter()
                        .filter(|a| {
                            a.namespace.as_known().and_then(Option::as_deref)
                                == Some(m.namespace.as_str())
                                && a.metric_name.as_known().and_then(Option::as_deref)
                                    == Some(m.name.as_str())
                        })
                        .collect();
                    let good = watching
                        .iter()
                        .find(|a| a.actions_enabled == Known::Known(true) && a.has_sns_action());
                    if let Some(a) = good {
                        out.pass(
                            &res,
                            format!(
                                "Metric filter '{}' on log group '{group}' of trail '{}' feeds {}/{}, watched by alarm '{}' with an SNS action.",
                                f.name, t.name, m.namespace, m.name, a.name
                            ),
                        );
                        return;
                    }
                    let progress = match watching.first() {
                        Some(a) => Progress::Silent(format!(
                            "alarm '{}' on metric {}/{} of filter '{}' has no enabled SNS alarm action",
                            a.name, m.namespace, m.name, f.name
                        )),
                        None => Progress::Unwatched(format!(
                            "metric filter '{}' feeds {}/{} but no alarm watches that metric",
                            f.name, m.namespace, m.name
                        )),
                    };
                    best = best.max(Some(progress));
                }
            }
        }
        if !unknowns.is_empty() {
            out.unknown(
                &res,
                &format!("For {}, {}", self.meta.id, unknowns.join("; ")),
            );
        } else if !errors.is_empty() {
            out.emit(
                Status::Error,
                &res,
                format!("Could not read {}.", errors.join("; ")),
            );
        } else if !all.failures.is_empty() && !any_trail {
            out.emit(
                Status::Error,
                &res,
                format!("Could not read CloudTrail in {}.", all.failures.join("; ")),
            );
        } else if !all.collected {
            out.emit(
                Status::Unknown,
                &res,
                "CloudTrail facts were not collected.",
            );
        } else if let Some(nowhere) = all.nowhere_offered() {
            out.emit(Status::NotApplicable, &res, nowhere);
        } else {
            let why = match best {
                Some(
                    Progress::NothingFiltered(m) | Progress::Unwatched(m) | Progress::Silent(m),
                ) => m,
                None => "no logging multi-region trail delivers to CloudWatch Logs".to_owned(),
            };
            out.fail(&res, format!("CIS alarm missing: {why}."));
        }
    }
}

impl Rule for CisAlarm {
    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(&self.meta, facts);
        self.judge(&mut out);
        out.finish()
    }
}

macro_rules! cis_alarm {
    ($id:literal, $title:literal, $fsbp:literal, $cis:literal, $pattern:literal) => {
        CisAlarm {
            meta: Meta {
                id: $id,
                title: $title,
                service: Service::CloudWatch,
                severity: Severity::Low,
                frameworks: &[$fsbp, $cis],
                remediation: concat!(
                    "Create a metric filter with the CIS pattern on the CloudWatch Logs log group \
                     of a logging multi-region trail, and an alarm on its metric with an SNS \
                     topic in AlarmActions — secbaseline_alarms does this. Pattern: ",
                    $pattern
                ),
                remediated_by: Some(Bundle::Alarms),
                sources: &[Source::CloudTrail, Source::Logs, Source::CloudWatch],
                doc: include_str!(concat!("../reference/", $id, ".md")),
            },
            pattern: $pattern,
        }
    };
}

/// The fourteen CIS alarm controls, in catalogue order.
pub static CIS_ALARMS: [CisAlarm; 14] = [
    cis_alarm!(
        "cloudwatch_alarm_root_usage",
        "A metric filter and alarm watch root user usage",
        "FSBP CloudWatch.1",
        "CIS 4.3",
        r#"{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}"#
    ),
    cis_alarm!(
        "cloudwatch_alarm_unauthorized_api_calls",
        "A metric filter and alarm watch unauthorized API calls",
        "FSBP CloudWatch.2",
        "CIS 4.1",
        r#"{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}"#
    ),
    cis_alarm!(
        "cloudwatch_alarm_console_signin_no_mfa",
        "A metric filter and alarm watch console sign-in without MFA",
        "FSBP CloudWatch.3",
        "CIS 4.2",
        r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#
    ),
    cis_alarm!(
        "cloudwatch_alarm_iam_policy_changes",
        "A metric filter and alarm watch IAM policy changes",
        "FSBP CloudWatch.4",
        "CIS 4.4",
        r#"{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}"#
    ),
    cis_alarm!(
        "cloudwatch_alarm_cloudtrail_changes",
        "A metric filter and alarm watch CloudTrail configuration changes",
        "FSBP CloudWatch.5",
        "CIS 4.5",
        r#"{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}"#
    ),
    cis_alarm!(
        "cloudwatch_alarm_console_auth_failures",
        "A metric filter and alarm watch console authentication failures",
        "FSBP CloudWatch.6",
        "CIS 4.6",
        r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}"#
    ),
    cis_alarm!(
        "cloudwatch_alarm_kms_key_deletion",
        "A metric filter and alarm watch disabling or scheduled deletion of KMS keys",
        "FSBP CloudWatch.7",
        "CIS 4.7",
        r#"{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}"#
    ),
    cis_alarm!(
        "cloudwatch_alarm_s3_policy_changes",
        "A metric filter and alarm watch S3 bucket policy changes",
        "FSBP CloudWatch.8",
        "CIS 4.8",
        r#"{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}"#
    ),
    cis_alarm!(
        "cloudwatch_alarm_config_changes",
        "A metric filter and alarm watch AWS Config configuration changes",
        "FSBP CloudWatch.9",
        "CIS 4.9",
        r#"{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}"#
    ),
    cis_alarm!(
        "cloudwatch_alarm_security_group_changes",
        "A metric filter and alarm watch security group changes",
        "FSBP CloudWatch.10",
        "CIS 4.10",
        r#"{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}"#
    ),
    cis_alarm!(
        "cloudwatch_alarm_nacl_changes",
        "A metric filter and alarm watch network ACL changes",
        "FSBP CloudWatch.11",
        "CIS 4.11",
        r#"{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}"#
    ),
    cis_alarm!(
        "cloudwatch_alarm_network_gateway_changes",
        "A metric filter and alarm watch network gateway changes",
        "FSBP CloudWatch.12",
        "CIS 4.12",
        r#"{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}"#
    ),
    cis_alarm!(
        "cloudwatch_alarm_route_table_changes",
        "A metric filter and alarm watch route table changes",
        "FSBP CloudWatch.13",
        "CIS 4.13",
        r#"{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}"#
    ),
    cis_alarm!(
        "cloudwatch_alarm_vpc_changes",
        "A metric filter and alarm watch VPC changes",
        "FSBP CloudWatch.14",
        "CIS 4.14",
        r#"{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}"#
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{
        Alarm, CloudTrailFacts, CloudWatchFacts, LogsFacts, MetricFilter, MetricTransformation,
        Trail,
    };
    use crate::rules::logging::fixtures::good_trail;
    use crate::rules::testkit::{only, region, ACCOUNT};

    const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:security";

    fn rule(id: &str) -> &'static CisAlarm {
        CIS_ALARMS
            .iter()
            .find(|r| r.meta.id == id)
            .expect("registered CIS alarm")
    }

    fn facts(trail: Trail, pattern: &str, alarm: Option<(bool, &str)>) -> Facts {
        region(|r| {
            r.cloudtrail = Collected::Ok(CloudTrailFacts {
                trails: vec![trail],
                ..Default::default()
            });
            r.logs = Collected::Ok(LogsFacts {
                metric_filters: vec![MetricFilter {
                    log_group_name: "trail-logs".into(),
                    name: "root-usage".into(),
                    pattern: pattern.into(),
                    transformations: vec![MetricTransformation {
                        namespace: "CISBenchmark".into(),
                        name: "RootUsage".into(),
                    }],
                    address: None,
                }],
            });
            r.cloudwatch = Collected::Ok(CloudWatchFacts {
                alarms: alarm
                    .map(|(enabled, action)| Alarm {
                        name: "root-usage".into(),
                        namespace: "CISBenchmark".into(),
                        metric_name: "RootUsage".into(),
                        actions_enabled: enabled.into(),
                        alarm_actions: vec![action.to_owned()].into(),
                        ..Default::default()
                    })
                    .into_iter()
                    .collect(),
            });
        })
    }

    #[test]
    fn normalization_keeps_quoted_spaces() {
        assert_eq!(normalize_pattern(r#"{ $.a = "x y" }"#), r#"{$.a="x y"}"#);
        assert_eq!(
            normalize_pattern(rule("cloudwatch_alarm_console_signin_no_mfa").pattern),
            r#"{($.eventName="ConsoleLogin")&&($.additionalEventData.MFAUsed!="Yes")&&($.userIdentity.type="IAMUser")&&($.responseElements.ConsoleLogin="Success")}"#
        );
        assert_eq!(
            log_group("arn:aws:logs:eu-west-1:1:log-group:a/b:*"),
            Some(("eu-west-1", "a/b"))
        );
    }

    #[test]
    fn root_usage_pass_with_reformatted_pattern() {
        let r = rule("cloudwatch_alarm_root_usage");
        let spaced = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;
        let f = only(
            r,
            &facts(good_trail("main"), spaced, Some((true, TOPIC))),
            Status::Pass,
        );
        assert!(f.message.contains("'root-usage'"), "{}", f.message);
        assert_eq!(f.resource_id, format!("arn:aws:iam::{ACCOUNT}:root"));
    }

    #[test]
    fn fail_reasons_are_specific() {
        let r = rule("cloudwatch_alarm_root_usage");
        let f = only(r, &facts(good_trail("main"), r.pattern, None), Status::Fail);
        assert!(f.message.contains("no alarm watches"), "{}", f.message);
        let f = only(
            r,
            &facts(good_trail("main"), r.pattern, Some((false, TOPIC))),
            Status::Fail,
        );
        assert!(
            f.message.contains("no enabled SNS alarm action"),
            "{}",
            f.message
        );
        let lambda = "arn:aws:lambda:us-east-1:1:function:f";
        only(
            r,
            &facts(good_trail("main"), r.pattern, Some((true, lambda))),
            Status::Fail,
        );
        let f = only(
            r,
            &facts(good_trail("main"), "{$.x=1}", Some((true, TOPIC))),
            Status::Fail,
        );
        assert!(f.message.contains("required pattern"), "{}", f.message);
        // A different control's pattern does not count.
        let other = rule("cloudwatch_alarm_vpc_changes");
        only(
            other,
            &facts(good_trail("main"), r.pattern, Some((true, TOPIC))),
            Status::Fail,
        );
    }

    #[test]
    fn filter_must_be_on_a_logging_multi_region_trail() {
        let r = rule("cloudwatch_alarm_root_usage");
        let mut t = good_trail("main");
        t.is_multi_region = false.into();
        let f = only(r, &facts(t, r.pattern, Some((true, TOPIC))), Status::Fail);
        assert!(
            f.message.contains("no logging multi-region trail"),
            "{}",
            f.message
        );
    }

    #[test]
    fn not_applicable_where_no_region_offers_cloudtrail() {
        let r = rule("cloudwatch_alarm_root_usage");
        let nowhere = region(|rf| rf.cloudtrail = Collected::unavailable("not offered"));
        only(r, &nowhere, Status::NotApplicable);
    }

    #[test]
    fn unreadable_logs_is_error() {
        let r = rule("cloudwatch_alarm_root_usage");
        let mut fx = facts(good_trail("main"), r.pattern, Some((true, TOPIC)));
        if let Some(rf) = fx.regions.get_mut("us-east-1") {
            rf.logs = Collected::failed("AccessDeniedException", "no");
        }
        only(r, &fx, Status::Error);
    }

    #[test]
    fn every_cis_alarm_passes_with_its_pattern_and_fails_without() {
        for r in &CIS_ALARMS {
            only(
                r,
                &facts(good_trail("main"), r.pattern, Some((true, TOPIC))),
                Status::Pass,
            );
            only(
                r,
                &facts(
                    good_trail("main"),
                    "{$.eventName=Nothing}",
                    Some((true, TOPIC)),
                ),
                Status::Fail,
            );
        }
    }

    #[test]
    fn all_fourteen_are_distinct() {
        let mut ids: Vec<&str> = CIS_ALARMS.iter().map(|r| r.meta.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 14);
    }
}
