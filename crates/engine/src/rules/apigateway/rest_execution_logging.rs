//! `apigateway_rest_execution_logging`: REST and WebSocket stages log execution, with no
//! method or route turning it off.

use crate::facts::Protocol;
use crate::facts::{Facts, Known, MethodSetting, RestStage, Source, V2Stage, ALL_METHODS};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::apigateway::{
    method_label, rest_stage_name, v2_stage_name, v2_stage_res, V2_LABEL,
};
use crate::rules::support::{Out, Res};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `apigateway_rest_execution_logging`.
pub struct RestExecutionLogging;

impl RestExecutionLogging {
    const META: Meta = Meta {
        id: "apigateway_rest_execution_logging",
        title: "REST and WebSocket API stages log execution at ERROR or INFO",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["FSBP APIGateway.1"],
        remediation:
            "Set the stage-wide method setting `logging/loglevel` (`*/*`) to ERROR or INFO \
            (aws_api_gateway_method_settings with method_path \"*/*\"), and remove method \
            overrides to OFF; for WebSocket stages set DefaultRouteSettings.LoggingLevel.",
        remediated_by: None,
        sources: &[Source::ApiGateway, Source::ApiGatewayV2],
        doc: include_str!("../reference/apigateway_rest_execution_logging.md"),
    };
}

fn logs(level: &str) -> bool {
    level.eq_ignore_ascii_case("ERROR") || level.eq_ignore_ascii_case("INFO")
}

/// Outcome of judging a stage-wide level plus overrides.
enum Verdict {
    Pass(String),
    Fail(String),
    Unknown(String),
}

fn judge_levels<'k>(
    default: Option<&'k Known<Option<String>>>,
    overrides: impl Iterator<Item = (String, &'k Known<Option<String>>)>,
    default_label: &str,
) -> Verdict {
    let level = match default {
        None | Some(Known::Known(None)) => None,
        Some(Known::Unknown) => return Verdict::Unknown(format!("the {default_label}")),
        Some(Known::Known(Some(l))) => Some(l.as_str()),
    };
    let Some(level) = level.filter(|l| logs(l)) else {
        let shown = level.unwrap_or("not set (OFF)");
        return Verdict::Fail(format!("has {default_label} {shown}"));
    };
    let mut off = Vec::new();
    for (name, k) in overrides {
        match k {
            Known::Unknown => return Verdict::Unknown(format!("the logging level of {name}")),
            Known::Known(Some(l)) if l.eq_ignore_ascii_case("OFF") => off.push(name),
            Known::Known(_) => {}
        }
    }
    if off.is_empty() {
        Verdict::Pass(format!("logs execution at {}", level.to_ascii_uppercase()))
    } else {
        Verdict::Fail(format!(
            "logs at {} stage-wide but overrides logging to OFF for {}",
            level.to_ascii_uppercase(),
            off.join(", ")
        ))
    }
}

fn report(out: &mut Out<'_>, res: &Res, name: &str, v: Verdict) {
    match v {
        Verdict::Pass(m) => out.pass(res, format!("{name} {m}.")),
        Verdict::Fail(m) => out.fail(res, format!("{name} {m}.")),
        Verdict::Unknown(what) => out.unknown(res, &format!("For {name}, {what}")),
    }
}

fn rest_overrides(stage: &RestStage) -> impl Iterator<Item = (String, &Known<Option<String>>)> {
    stage
        .method_settings
        .iter()
        .filter(|(k, _)| k.as_str() != ALL_METHODS)
        .map(|(k, m)| (format!("method {}", method_label(k)), &m.logging_level))
}

fn ws_overrides(stage: &V2Stage) -> impl Iterator<Item = (String, &Known<Option<String>>)> {
    stage
        .route_settings
        .iter()
        .map(|(k, r)| (format!("route {k}"), &r.logging_level))
}

impl Rule for RestExecutionLogging {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        for (region, rf) in out.regions() {
            out.scoped(region, "No REST or WebSocket API stages", |out| {
                if let Some(rest) = out.gate(region, super::REST_LABEL, &rf.apigateway) {
                    for api in &rest.rest_apis {
                        for stage in &api.stages {
                            let res = super::rest_stage_res(out, region, api, stage);
                            let wide = stage.method_settings.get(ALL_METHODS);
                            let v = judge_levels(
                                wide.map(|m: &MethodSetting| &m.logging_level),
                                rest_overrides(stage),
                                "stage-wide (*/*) execution logging level",
                            );
                            report(out, &res, &rest_stage_name(api, stage), v);
                        }
                    }
                }
                if let Some(v2) = out.gate(region, V2_LABEL, &rf.apigatewayv2) {
                    // HTTP stages have no execution logs: out of scope.
                    for api in v2.apis.iter().filter(|a| a.protocol == Protocol::Websocket) {
                        for stage in &api.stages {
                            let res = v2_stage_res(out, region, api, stage);
                            let v = judge_levels(
                                Some(&stage.default_logging_level),
                                ws_overrides(stage),
                                "default route logging level",
                            );
                            report(out, &res, &v2_stage_name(api, stage), v);
                        }
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
    use crate::facts::{Collected, RouteSetting};
    use crate::finding::Status;
    use crate::rules::apigateway::fixtures::*;
    use crate::rules::testkit::{only, run, statuses};

    #[test]
    fn execution_logging_pass_and_fail() {
        let ok = rest(vec![rest_api(vec![with_settings(
            stage("prod"),
            vec![(wide(), logging("INFO"))],
        )])]);
        let f = only(&RestExecutionLogging, &ok, Status::Pass);
        assert_eq!(
            f.resource_id,
            "arn:aws:apigateway:us-east-1::/restapis/a1b2c3/stages/prod"
        );
        assert!(
            f.message.contains("REST API 'pets' stage 'prod'"),
            "{}",
            f.message
        );

        let none = rest(vec![rest_api(vec![stage("prod")])]);
        let f = only(&RestExecutionLogging, &none, Status::Fail);
        assert!(f.message.contains("not set (OFF)"), "{}", f.message);

        let off = rest(vec![rest_api(vec![with_settings(
            stage("prod"),
            vec![(wide(), logging("OFF"))],
        )])]);
        only(&RestExecutionLogging, &off, Status::Fail);
    }

    #[test]
    fn execution_logging_method_override_off_fails_naming_method() {
        let facts = rest(vec![rest_api(vec![with_settings(
            stage("prod"),
            vec![(wide(), logging("ERROR")), ("~1pets/GET", logging("OFF"))],
        )])]);
        let f = only(&RestExecutionLogging, &facts, Status::Fail);
        assert!(f.message.contains("GET /pets"), "{}", f.message);
    }

    #[test]
    fn execution_logging_websocket_and_http() {
        let mut ws = v2_stage("live");
        ws.default_logging_level = "ERROR".into();
        let http = v2_stage("$default");
        let facts = v2(vec![
            v2_api(Protocol::Websocket, vec![ws.clone()]),
            v2_api(Protocol::Http, vec![http]),
        ]);
        // The HTTP stage is out of scope: only the WebSocket stage is judged.
        only(&RestExecutionLogging, &facts, Status::Pass);

        ws.route_settings.insert(
            "$connect".into(),
            RouteSetting {
                logging_level: "OFF".into(),
                ..Default::default()
            },
        );
        let facts = v2(vec![v2_api(Protocol::Websocket, vec![ws])]);
        let f = only(&RestExecutionLogging, &facts, Status::Fail);
        assert!(f.message.contains("route $connect"), "{}", f.message);
    }

    #[test]
    fn execution_logging_not_applicable_error_unknown() {
        let empty = rest(vec![]);
        only(&RestExecutionLogging, &empty, Status::NotApplicable);

        let mut denied = rest(vec![]);
        if let Some(r) = denied.regions.get_mut("us-east-1") {
            r.apigateway = Collected::failed("AccessDeniedException", "not authorized");
        }
        let f = only(&RestExecutionLogging, &denied, Status::Error);
        assert!(f.message.contains("AccessDeniedException"), "{}", f.message);

        let planned = rest(vec![rest_api(vec![with_settings(
            stage("prod"),
            vec![(
                wide(),
                MethodSetting {
                    logging_level: Known::Unknown,
                    ..Default::default()
                },
            )],
        )])]);
        only(&RestExecutionLogging, &planned, Status::Unknown);
    }

    #[test]
    fn unavailable_service_is_not_applicable() {
        let mut facts = rest(vec![]);
        if let Some(r) = facts.regions.get_mut("us-east-1") {
            r.apigateway = Collected::unavailable("not offered");
            r.apigatewayv2 = Collected::unavailable("not offered");
        }
        let findings = run(&RestExecutionLogging, &facts);
        // REST and WebSocket stages are both unavailable: one verdict on the region's account.
        assert_eq!(statuses(&findings), vec![Status::NotApplicable]);
        assert_eq!(
            findings[0].message.matches("not offered").count(),
            2,
            "{}",
            findings[0].message
        );
    }
}
