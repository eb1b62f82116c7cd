//! `apigateway_stage_alarms`: every stage has a 5XX-style alarm with an action.

use crate::facts::{Alarm, Facts, Known, Protocol, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::remediation::Bundle;
use crate::rules::apigateway::{
    rest_stage_name, rest_stage_res, v2_stage_name, v2_stage_res, REST_LABEL, V2_LABEL,
};
use crate::rules::support::{Out, Res};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `apigateway_stage_alarms`.
pub struct StageAlarms;

impl StageAlarms {
    const META: Meta = Meta {
        id: "apigateway_stage_alarms",
        title: "API stages have a CloudWatch alarm on server errors with an action",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["Seed: Implement Amazon CloudWatch alarms"],
        remediation: "Create a CloudWatch alarm on AWS/ApiGateway 5XXError (REST, dimensions \
            ApiName + Stage), 5xx (HTTP, ApiId + Stage) or IntegrationError/ExecutionError \
            (WebSocket, ApiId + Stage) with an SNS alarm action — secbaseline_alarms does this.",
        remediated_by: Some(Bundle::Alarms),
        sources: &[Source::ApiGateway, Source::ApiGatewayV2, Source::CloudWatch],
        doc: include_str!("../reference/apigateway_stage_alarms.md"),
    };
}

/// What the alarm must watch.
struct Want<'w> {
    metrics: &'static [&'static str],
    dims: [(&'static str, &'w str); 2],
}

enum Match {
    /// An alarm watches the metric with an enabled action.
    Good(String),
    /// An alarm watches the metric but has no enabled action.
    NoAction(String),
    /// Some alarm is not fully known.
    Unknown,
    None,
}

fn watches(alarm: &Alarm, want: &Want<'_>) -> Known<bool> {
    let (Known::Known(ns), Known::Known(metric), Known::Known(dims)) =
        (&alarm.namespace, &alarm.metric_name, &alarm.dimensions)
    else {
        return Known::Unknown;
    };
    let ok = ns.as_deref() == Some("AWS/ApiGateway")
        && metric.as_deref().is_some_and(|m| want.metrics.contains(&m))
        && dims.len() == want.dims.len()
        && want
            .dims
            .iter()
            .all(|(k, v)| dims.get(*k).map(String::as_str) == Some(*v));
    Known::Known(ok)
}

fn find(alarms: &[Alarm], want: &Want<'_>) -> Match {
    let mut best = Match::None;
    for a in alarms {
        match watches(a, want) {
            Known::Unknown => {
                if matches!(best, Match::None) {
                    best = Match::Unknown;
                }
            }
            Known::Known(false) => {}
            Known::Known(true) => {
                let enabled = a.actions_enabled.as_known().copied();
                let actions = a.alarm_actions.as_known().map(|v| !v.is_empty());
                match (enabled, actions) {
                    (Some(true), Some(true)) => return Match::Good(a.name.clone()),
                    (None, _) | (_, None) => best = Match::Unknown,
                    _ => {
                        if !matches!(best, Match::Unknown) {
                            best = Match::NoAction(a.name.clone());
                        }
                    }
                }
            }
        }
    }
    best
}

fn report(out: &mut Out<'_>, res: &Res, name: &str, metric: &str, m: Match) {
    match m {
        Match::Good(a) => out.pass(
            res,
            format!("{name} has alarm '{a}' on {metric} with an alarm action."),
        ),
        Match::NoAction(a) => out.fail(
            res,
            format!("{name}: alarm '{a}' watches {metric} but has no enabled alarm action."),
        ),
        Match::Unknown => out.unknown(res, &format!("Whether an alarm watches {metric} of {name}")),
        Match::None => out.fail(
            res,
            format!(
                "{name} has no CloudWatch alarm on AWS/ApiGateway {metric} for its API and stage."
            ),
        ),
    }
}

impl Rule for StageAlarms {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        for (region, rf) in out.regions() {
            out.scoped(region, "No API Gateway stages", |out| {
                let rest = out.gate(region, REST_LABEL, &rf.apigateway);
                let v2 = out.gate(region, V2_LABEL, &rf.apigatewayv2);
                let any_stage = rest
                    .is_some_and(|r| r.rest_apis.iter().any(|a| !a.stages.is_empty()))
                    || v2.is_some_and(|v| v.apis.iter().any(|a| !a.stages.is_empty()));
                if !any_stage {
                    return;
                }
                let Some(cw) = out.gate(region, "CloudWatch alarms", &rf.cloudwatch) else {
                    return;
                };
                for api in rest.map(|r| r.rest_apis.as_slice()).unwrap_or_default() {
                    for stage in &api.stages {
                        let res = rest_stage_res(out, region, api, stage);
                        let want = Want {
                            metrics: &["5XXError"],
                            dims: [("ApiName", &api.name), ("Stage", &stage.name)],
                        };
                        report(
                            out,
                            &res,
                            &rest_stage_name(api, stage),
                            "5XXError",
                            find(&cw.alarms, &want),
                        );
                    }
                }
                for api in v2.map(|v| v.apis.as_slice()).unwrap_or_default() {
                    for stage in &api.stages {
                        let res = v2_stage_res(out, region, api, stage);
                        let name = v2_stage_name(api, stage);
                        let Some(id) = api.id.as_known() else {
                            out.unknown(&res, &format!("The API id of {name}"));
                            continue;
                        };
                        let (metrics, label): (&'static [&'static str], &str) = match api.protocol {
                            Protocol::Http => (&["5xx"], "5xx"),
                            Protocol::Websocket => (
                                &["IntegrationError", "ExecutionError"],
                                "IntegrationError/ExecutionError",
                            ),
                        };
                        let want = Want {
                            metrics,
                            dims: [("ApiId", id), ("Stage", &stage.name)],
                        };
                        report(out, &res, &name, label, find(&cw.alarms, &want));
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
    use crate::facts::{CloudWatchFacts, Collected};
    use crate::finding::Status;
    use crate::rules::apigateway::fixtures::*;
    use crate::rules::testkit::only;

    fn alarm(metric: &str, dims: &[(&str, &str)], enabled: bool, actions: &[&str]) -> Alarm {
        Alarm {
            name: format!("{metric}-alarm"),
            arn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:x".into(),
            namespace: "AWS/ApiGateway".into(),
            metric_name: metric.into(),
            dimensions: Known::Known(
                dims.iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            ),
            actions_enabled: enabled.into(),
            alarm_actions: Known::Known(actions.iter().map(|s| (*s).to_owned()).collect()),
            address: None,
        }
    }

    fn with_alarms(mut facts: Facts, alarms: Vec<Alarm>) -> Facts {
        if let Some(r) = facts.regions.get_mut("us-east-1") {
            r.cloudwatch = Collected::Ok(CloudWatchFacts { alarms });
        }
        facts
    }

    const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:ops";

    #[test]
    fn rest_stage_alarm() {
        let facts = || rest(vec![rest_api(vec![stage("prod")])]);
        let good = alarm(
            "5XXError",
            &[("ApiName", "pets"), ("Stage", "prod")],
            true,
            &[TOPIC],
        );
        only(
            &StageAlarms,
            &with_alarms(facts(), vec![good]),
            Status::Pass,
        );
        only(&StageAlarms, &with_alarms(facts(), vec![]), Status::Fail);
        let silent = alarm(
            "5XXError",
            &[("ApiName", "pets"), ("Stage", "prod")],
            false,
            &[TOPIC],
        );
        let f = only(
            &StageAlarms,
            &with_alarms(facts(), vec![silent]),
            Status::Fail,
        );
        assert!(
            f.message.contains("no enabled alarm action"),
            "{}",
            f.message
        );
        let other_stage = alarm(
            "5XXError",
            &[("ApiName", "pets"), ("Stage", "dev")],
            true,
            &[TOPIC],
        );
        only(
            &StageAlarms,
            &with_alarms(facts(), vec![other_stage]),
            Status::Fail,
        );
    }

    #[test]
    fn v2_stage_alarms_by_protocol() {
        let http = || v2(vec![v2_api(Protocol::Http, vec![v2_stage("$default")])]);
        let good = alarm(
            "5xx",
            &[("ApiId", "h1"), ("Stage", "$default")],
            true,
            &[TOPIC],
        );
        only(&StageAlarms, &with_alarms(http(), vec![good]), Status::Pass);
        let wrong = alarm(
            "5XXError",
            &[("ApiId", "h1"), ("Stage", "$default")],
            true,
            &[TOPIC],
        );
        only(
            &StageAlarms,
            &with_alarms(http(), vec![wrong]),
            Status::Fail,
        );
        let ws = v2(vec![v2_api(Protocol::Websocket, vec![v2_stage("live")])]);
        let good = alarm(
            "ExecutionError",
            &[("ApiId", "h1"), ("Stage", "live")],
            true,
            &[TOPIC],
        );
        only(&StageAlarms, &with_alarms(ws, vec![good]), Status::Pass);
    }

    #[test]
    fn alarms_unreadable_is_error_and_no_stage_is_not_applicable() {
        let mut facts = rest(vec![rest_api(vec![stage("prod")])]);
        if let Some(r) = facts.regions.get_mut("us-east-1") {
            r.cloudwatch = Collected::failed("AccessDenied", "no");
        }
        only(&StageAlarms, &facts, Status::Error);
        let mut empty = rest(vec![]);
        if let Some(r) = empty.regions.get_mut("us-east-1") {
            r.cloudwatch = Collected::failed("AccessDenied", "no");
        }
        only(&StageAlarms, &empty, Status::NotApplicable);
    }
}
