//! Assessing several accounts at once (an organization): each account on its own facts plus
//! what the others say about it — the organization trails that cover it.

use crate::facts::{Facts, OrganizationTrail};
use crate::params::Params;

use super::{assess, gate, sort, summarize, Assessment, Request};

/// Runs the selected rules over several accounts at once (an organization): each account is
/// judged on its own facts, plus what the others say about it — the organization trails of
/// accounts in the same organization, with their owners' filters and alarms (see
/// [`organization_trails_of`]). Findings of all accounts, one summary and gate.
pub fn assess_estate(mut accounts: Vec<Facts>, params: &Params, request: &Request) -> Assessment {
    let peers: Vec<Vec<OrganizationTrail>> = (0..accounts.len())
        .map(|i| organization_trails_of(&accounts, i))
        .collect();
    let mut findings = Vec::new();
    for (facts, trails) in accounts.iter_mut().zip(peers) {
        facts.organization_trails = trails;
        findings.extend(assess(facts, params, request).findings);
    }
    sort(&mut findings);
    Assessment {
        summary: summarize(&findings),
        gate: gate(&findings, request.fail_on),
        findings,
    }
}

/// The organization trails of the other accounts in `accounts` that cover account `i`: trails
/// marked as organization trails, owned by an account of the same organization (both
/// memberships read), with the owner's metric filters and alarms of the trail's log-group
/// region.
pub fn organization_trails_of(accounts: &[Facts], i: usize) -> Vec<OrganizationTrail> {
    let Some(Some(mine)) = accounts
        .get(i)
        .map(|a| a.organization.ok().cloned().flatten())
    else {
        return Vec::new();
    };
    let mut out: Vec<OrganizationTrail> = Vec::new();
    for (j, owner) in accounts.iter().enumerate() {
        let same_org = owner
            .organization
            .ok()
            .and_then(Option::as_ref)
            .is_some_and(|m| m.organization_id == mine.organization_id);
        if j == i || !same_org {
            continue;
        }
        for (region, rf) in &owner.regions {
            let Some(ct) = rf.cloudtrail.ok() else {
                continue;
            };
            for t in ct.trails.iter().filter(|t| {
                t.is_organization_trail
                    && (t.home_region.is_empty() || t.home_region == *region)
                    && t.owner_account
                        .as_deref()
                        .is_none_or(|o| o == owner.account_id)
            }) {
                if out
                    .iter()
                    .any(|o| o.trail.arn == t.arn && o.trail.name == t.name)
                {
                    continue;
                }
                let group_region = t
                    .cloudwatch_logs_log_group_arn
                    .flatten_ref()
                    .and_then(|arn| arn.split(':').nth(3))
                    .unwrap_or(region);
                let at = owner.regions.get(group_region);
                let mut trail = t.clone();
                trail.owner_account = Some(owner.account_id.clone());
                out.push(OrganizationTrail {
                    trail,
                    owner: owner.account_id.clone(),
                    logs: at.map(|r| r.logs.clone()).unwrap_or_default(),
                    cloudwatch: at.map(|r| r.cloudwatch.clone()).unwrap_or_default(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{
        Alarm, CloudTrailFacts, CloudWatchFacts, Collected, LogsFacts, Membership, MetricFilter,
        MetricTransformation, RegionFacts,
    };
    use crate::finding::{Finding, Status};
    use crate::rules::logging::fixtures::good_trail;
    use crate::rules::logging::CIS_ALARMS;
    use crate::rules::testkit::params;

    const MANAGEMENT: &str = "111111111111";
    const MEMBER: &str = "222222222222";
    const STRANGER: &str = "333333333333";
    const REGION: &str = "us-east-1";

    fn member_of(org: &str, account: &str) -> Facts {
        let mut f = Facts::new(account);
        f.organization = Collected::Ok(Some(Membership {
            organization_id: org.into(),
            management_account_id: MANAGEMENT.into(),
        }));
        f.regions.insert(
            REGION.into(),
            RegionFacts {
                cloudtrail: Collected::Ok(CloudTrailFacts::default()),
                logs: Collected::Ok(LogsFacts::default()),
                cloudwatch: Collected::Ok(CloudWatchFacts::default()),
                ..Default::default()
            },
        );
        f
    }

    /// The organization trail of the management account, as it sees it.
    fn org_trail() -> crate::facts::Trail {
        let mut t = good_trail("org");
        t.arn = format!("arn:aws:cloudtrail:{REGION}:{MANAGEMENT}:trail/org").into();
        t.cloudwatch_logs_log_group_arn =
            format!("arn:aws:logs:{REGION}:{MANAGEMENT}:log-group:org-trail:*")
                .as_str()
                .into();
        t.owner_account = Some(MANAGEMENT.into());
        t.is_organization_trail = true;
        t
    }

    /// The management account with its organization trail and the root-usage filter + alarm.
    fn management() -> Facts {
        let mut m = member_of("o-abc", MANAGEMENT);
        let root = &CIS_ALARMS[0];
        if let Some(rf) = m.regions.get_mut(REGION) {
            rf.cloudtrail = Collected::Ok(CloudTrailFacts {
                trails: vec![org_trail()],
                ..Default::default()
            });
            rf.logs = Collected::Ok(LogsFacts {
                metric_filters: vec![MetricFilter {
                    log_group_name: "org-trail".to_string().into(),
                    name: "root".into(),
                    pattern: root.pattern.to_string().into(),
                    transformations: vec![MetricTransformation {
                        namespace: "CIS".into(),
                        name: "RootUsage".into(),
                    }],
                    address: None,
                }],
            });
            rf.cloudwatch = Collected::Ok(CloudWatchFacts {
                alarms: vec![Alarm {
                    name: "root".into(),
                    arn: format!("arn:aws:cloudwatch:{REGION}:{MANAGEMENT}:alarm:root").into(),
                    namespace: Some("CIS".to_string()).into(),
                    metric_name: Some("RootUsage".to_string()).into(),
                    actions_enabled: true.into(),
                    alarm_actions: vec![format!("arn:aws:sns:{REGION}:{MANAGEMENT}:ops")].into(),
                    ..Default::default()
                }],
            });
        }
        m
    }

    /// The member's own view: the organization trail as a shadow trail.
    fn with_shadow(mut member: Facts) -> Facts {
        if let Some(rf) = member.regions.get_mut(REGION) {
            rf.cloudtrail = Collected::Ok(CloudTrailFacts {
                trails: vec![org_trail()],
                ..Default::default()
            });
        }
        member
    }

    fn request(controls: &[&str]) -> Request {
        Request {
            selection: crate::assessment::Selection::parse::<&str>(&[], controls, &[], &[])
                .unwrap_or_default(),
            ..Default::default()
        }
    }

    fn status(findings: &[Finding], control: &str, account: &str) -> Vec<Status> {
        findings
            .iter()
            .filter(|f| f.control_id == control && f.account_id.as_deref() == Some(account))
            .map(|f| f.status)
            .collect()
    }

    const CONTROLS: &[&str] = &[
        "cloudtrail_multi_region",
        "cloudwatch_alarm_root_usage",
        "cloudtrail_log_file_validation",
    ];

    #[test]
    fn an_organization_trail_counts_for_members_whose_own_view_is_missing() {
        let a = assess_estate(
            vec![management(), member_of("o-abc", MEMBER)],
            &params(),
            &request(CONTROLS),
        );
        for account in [MANAGEMENT, MEMBER] {
            assert_eq!(
                status(&a.findings, "cloudtrail_multi_region", account),
                [Status::Pass]
            );
            assert_eq!(
                status(&a.findings, "cloudwatch_alarm_root_usage", account),
                [Status::Pass],
                "{account}: {:#?}",
                a.findings
            );
        }
        // The trail itself is judged once, in the account that owns it.
        assert_eq!(
            status(&a.findings, "cloudtrail_log_file_validation", MANAGEMENT),
            [Status::Pass]
        );
        assert!(
            status(&a.findings, "cloudtrail_log_file_validation", MEMBER)
                .iter()
                .all(|s| *s == Status::NotApplicable)
        );
        assert_eq!(a.summary.by_account.len(), 2);
        assert_eq!(a.summary.by_account[MEMBER][&Status::Pass], 2);
    }

    #[test]
    fn without_the_owner_a_member_sees_the_trail_but_its_alarms_are_unknown() {
        let a = assess_estate(
            vec![with_shadow(member_of("o-abc", MEMBER))],
            &params(),
            &request(CONTROLS),
        );
        assert_eq!(
            status(&a.findings, "cloudtrail_multi_region", MEMBER),
            [Status::Pass]
        );
        let alarm: Vec<&Finding> = a
            .findings
            .iter()
            .filter(|f| f.control_id == "cloudwatch_alarm_root_usage")
            .collect();
        assert_eq!(alarm.len(), 1);
        assert_eq!(alarm[0].status, Status::Unknown);
        assert!(
            alarm[0]
                .message
                .contains(&format!("add account {MANAGEMENT} to the assessment")),
            "{}",
            alarm[0].message
        );
        let trail: Vec<&Finding> = a
            .findings
            .iter()
            .filter(|f| f.control_id == "cloudtrail_log_file_validation")
            .collect();
        assert_eq!(trail.len(), 1);
        assert_eq!(trail[0].status, Status::NotApplicable);
        assert!(
            trail[0].message.contains(MANAGEMENT),
            "{}",
            trail[0].message
        );
    }

    #[test]
    fn another_organization_trail_counts_for_nobody_else() {
        let a = assess_estate(
            vec![management(), member_of("o-other", STRANGER)],
            &params(),
            &request(CONTROLS),
        );
        assert_eq!(
            status(&a.findings, "cloudtrail_multi_region", STRANGER),
            [Status::Fail]
        );
        assert_eq!(
            status(&a.findings, "cloudwatch_alarm_root_usage", STRANGER),
            [Status::Fail]
        );
        // No finding of one account names another's resources.
        assert!(a
            .findings
            .iter()
            .filter(|f| f.account_id.as_deref() == Some(STRANGER))
            .all(|f| !f.resource_id.contains(MANAGEMENT)));
    }

    #[test]
    fn an_account_whose_facts_could_not_be_read_is_error_alone() {
        let mut denied = Facts::new(STRANGER);
        fn refused<T>() -> Collected<T> {
            Collected::failed(
                "AccessDenied",
                "assuming role arn:aws:iam::333333333333:role/audit",
            )
        }
        denied.regions.insert(
            REGION.into(),
            RegionFacts {
                cloudtrail: refused(),
                logs: refused(),
                cloudwatch: refused(),
                ..Default::default()
            },
        );
        denied.organization = refused();
        let a = assess_estate(
            vec![management(), member_of("o-abc", MEMBER), denied],
            &params(),
            &request(CONTROLS),
        );
        let theirs: Vec<&Finding> = a
            .findings
            .iter()
            .filter(|f| f.account_id.as_deref() == Some(STRANGER))
            .collect();
        assert!(!theirs.is_empty());
        assert!(
            theirs.iter().all(|f| f.status == Status::Error),
            "{theirs:#?}"
        );
        assert!(theirs.iter().all(|f| f.message.contains("role/audit")));
        assert_eq!(
            status(&a.findings, "cloudtrail_multi_region", MEMBER),
            [Status::Pass]
        );
    }
}
