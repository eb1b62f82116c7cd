//! Stage-setting controls: execution and access logging, client certificate, X-Ray, WAF, cache.

use crate::facts::Protocol;
use crate::facts::{Facts, Known, MethodSetting, RestStage, Source, V2Stage, ALL_METHODS};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::apigateway::{
    each_rest_stage, method_label, rest_stage_name, v2_stage_name, v2_stage_res, V2_LABEL,
};
use crate::rules::support::{is_set, known, Out, Res};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `apigateway_rest_execution_logging` (Ruling 3).
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
                    // HTTP stages have no execution logs: out of scope (Ruling 1).
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

/// Shared body of the "stage has a non-empty string attribute" controls.
fn attr_check(
    out: &mut Out<'_>,
    res: &Res,
    name: &str,
    what: &str,
    value: &Known<Option<String>>,
    pass: &str,
    fail: &str,
) {
    if let Some(v) = known(out, res, &format!("{what} of {name}"), value) {
        out.verdict(
            is_set(v),
            res,
            format!("{name} {pass}."),
            format!("{name} {fail}."),
        );
    }
}

/// `apigateway_rest_access_logging`.
pub struct RestAccessLogging;

impl RestAccessLogging {
    const META: Meta = Meta {
        id: "apigateway_rest_access_logging",
        title: "REST API stages have access logging",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["Checkov CKV_AWS_76"],
        remediation: "Configure access logging on the stage (access_log_settings with a \
            CloudWatch Logs log group or Firehose stream ARN as destination_arn).",
        remediated_by: None,
        sources: &[Source::ApiGateway],
        doc: include_str!("../reference/apigateway_rest_access_logging.md"),
    };
}

impl Rule for RestAccessLogging {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_rest_stage(&mut out, |out, res, api, stage| {
            attr_check(
                out,
                res,
                &rest_stage_name(api, stage),
                "the access log destination",
                &stage.access_log_destination,
                "has access logging",
                "has no access logging (accessLogSettings.destinationArn is not set)",
            );
        });
        out.finish()
    }
}

/// `apigateway_rest_client_certificate`.
pub struct RestClientCertificate;

impl RestClientCertificate {
    const META: Meta = Meta {
        id: "apigateway_rest_client_certificate",
        title: "REST API stages use a client certificate for backend authentication",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["FSBP APIGateway.2"],
        remediation: "Generate an API Gateway client certificate and set it on the stage \
            (client_certificate_id); have the backend verify it.",
        remediated_by: None,
        sources: &[Source::ApiGateway],
        doc: include_str!("../reference/apigateway_rest_client_certificate.md"),
    };
}

impl Rule for RestClientCertificate {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_rest_stage(&mut out, |out, res, api, stage| {
            attr_check(
                out,
                res,
                &rest_stage_name(api, stage),
                "the client certificate",
                &stage.client_certificate_id,
                "has a client certificate for backend authentication",
                "has no client certificate (clientCertificateId is not set)",
            );
        });
        out.finish()
    }
}

/// `apigateway_rest_xray_tracing`.
pub struct RestXrayTracing;

impl RestXrayTracing {
    const META: Meta = Meta {
        id: "apigateway_rest_xray_tracing",
        title: "REST API stages have X-Ray tracing enabled",
        service: Service::ApiGateway,
        severity: Severity::Low,
        frameworks: &["FSBP APIGateway.3"],
        remediation: "Enable X-Ray tracing on the stage (xray_tracing_enabled = true).",
        remediated_by: None,
        sources: &[Source::ApiGateway],
        doc: include_str!("../reference/apigateway_rest_xray_tracing.md"),
    };
}

impl Rule for RestXrayTracing {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_rest_stage(&mut out, |out, res, api, stage| {
            let name = rest_stage_name(api, stage);
            if let Some(on) = known(
                out,
                res,
                &format!("X-Ray tracing of {name}"),
                &stage.tracing_enabled,
            ) {
                out.verdict(
                    *on,
                    res,
                    format!("{name} has X-Ray tracing enabled."),
                    format!("{name} does not have X-Ray tracing enabled."),
                );
            }
        });
        out.finish()
    }
}

/// `apigateway_rest_waf`.
pub struct RestWaf;

impl RestWaf {
    const META: Meta = Meta {
        id: "apigateway_rest_waf",
        title: "REST API stages are associated with an AWS WAF web ACL",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["FSBP APIGateway.4"],
        remediation: "Associate a WAFv2 web ACL with the stage \
            (aws_wafv2_web_acl_association with the stage ARN).",
        remediated_by: None,
        sources: &[Source::ApiGateway],
        doc: include_str!("../reference/apigateway_rest_waf.md"),
    };
}

impl Rule for RestWaf {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_rest_stage(&mut out, |out, res, api, stage| {
            attr_check(
                out,
                res,
                &rest_stage_name(api, stage),
                "the web ACL",
                &stage.web_acl_arn,
                "is associated with a WAF web ACL",
                "is not associated with a WAF web ACL (webAclArn is not set)",
            );
        });
        out.finish()
    }
}

/// `apigateway_rest_cache_encrypted` (Ruling 4).
pub struct RestCacheEncrypted;

impl RestCacheEncrypted {
    const META: Meta = Meta {
        id: "apigateway_rest_cache_encrypted",
        title: "REST API stage caches are encrypted",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["FSBP APIGateway.5"],
        remediation: "Set `caching/dataEncrypted` to true for every cached method \
            (aws_api_gateway_method_settings: settings.cache_data_encrypted = true, for \"*/*\" \
            and for each method that overrides caching).",
        remediated_by: None,
        sources: &[Source::ApiGateway],
        doc: include_str!("../reference/apigateway_rest_cache_encrypted.md"),
    };
}

/// Cached method-settings entries of a stage and whether each is encrypted (Ruling 4).
fn cached_entries(stage: &RestStage) -> Result<Vec<(String, bool)>, String> {
    let cluster = match &stage.cache_cluster_enabled {
        Known::Known(b) => *b,
        Known::Unknown => return Err("cacheClusterEnabled".into()),
    };
    let wide = stage.method_settings.get(ALL_METHODS);
    let get =
        |m: Option<&MethodSetting>, f: fn(&MethodSetting) -> &Known<Option<bool>>, what: &str| {
            match m.map(f) {
                None | Some(Known::Known(None)) => Ok(None),
                Some(Known::Known(Some(b))) => Ok(Some(*b)),
                Some(Known::Unknown) => Err(what.to_owned()),
            }
        };
    let wide_caching = get(wide, |m| &m.caching_enabled, "caching/enabled of */*")?;
    let wide_encrypted = get(
        wide,
        |m| &m.cache_data_encrypted,
        "caching/dataEncrypted of */*",
    )?;
    // With a cache cluster and no stage-wide setting, the stage caches.
    let wide_caches = wide_caching.unwrap_or(cluster);
    let mut entries = Vec::new();
    if wide_caches {
        entries.push((
            "all methods (*/*)".to_owned(),
            wide_encrypted.unwrap_or(false),
        ));
    }
    for (key, m) in stage
        .method_settings
        .iter()
        .filter(|(k, _)| k.as_str() != ALL_METHODS)
    {
        let label = format!("method {}", method_label(key));
        let caches = get(
            Some(m),
            |m| &m.caching_enabled,
            &format!("caching/enabled of {label}"),
        )?
        .unwrap_or(wide_caches);
        if caches {
            let enc = get(
                Some(m),
                |m| &m.cache_data_encrypted,
                &format!("caching/dataEncrypted of {label}"),
            )?
            .or(wide_encrypted)
            .unwrap_or(false);
            entries.push((label, enc));
        }
    }
    Ok(entries)
}

impl Rule for RestCacheEncrypted {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_rest_stage(&mut out, |out, res, api, stage| {
            let name = rest_stage_name(api, stage);
            match cached_entries(stage) {
                Err(what) => out.unknown(res, &format!("For {name}, {what}")),
                // No method caches: out of scope (Ruling 1), said per stage so the region's
                // "no stages" message never stands for a stage that exists.
                Ok(entries) if entries.is_empty() => out.emit(
                    crate::finding::Status::NotApplicable,
                    res,
                    format!("{name} caches nothing: no cache cluster and no method caching, so there is no cache to encrypt."),
                ),
                Ok(entries) => {
                    let plain: Vec<&str> = entries
                        .iter()
                        .filter(|(_, enc)| !enc)
                        .map(|(l, _)| l.as_str())
                        .collect();
                    out.verdict(
                        plain.is_empty(),
                        res,
                        format!("{name} encrypts its cache for every cached method."),
                        format!("{name} caches without encryption for {}.", plain.join(", ")),
                    );
                }
            }
        });
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

    #[test]
    fn access_logging() {
        let mut s = stage("prod");
        s.access_log_destination = "arn:aws:logs:us-east-1:123456789012:log-group:api".into();
        only(
            &RestAccessLogging,
            &rest(vec![rest_api(vec![s])]),
            Status::Pass,
        );
        only(
            &RestAccessLogging,
            &rest(vec![rest_api(vec![stage("prod")])]),
            Status::Fail,
        );
        only(&RestAccessLogging, &rest(vec![]), Status::NotApplicable);
        let mut planned = stage("prod");
        planned.access_log_destination = Known::Unknown;
        only(
            &RestAccessLogging,
            &rest(vec![rest_api(vec![planned])]),
            Status::Unknown,
        );
    }

    #[test]
    fn client_certificate() {
        let mut s = stage("prod");
        s.client_certificate_id = "cert1".into();
        only(
            &RestClientCertificate,
            &rest(vec![rest_api(vec![s])]),
            Status::Pass,
        );
        let f = only(
            &RestClientCertificate,
            &rest(vec![rest_api(vec![stage("prod")])]),
            Status::Fail,
        );
        assert!(f.message.contains("clientCertificateId"));
    }

    #[test]
    fn xray_tracing() {
        let mut s = stage("prod");
        s.tracing_enabled = true.into();
        only(
            &RestXrayTracing,
            &rest(vec![rest_api(vec![s])]),
            Status::Pass,
        );
        only(
            &RestXrayTracing,
            &rest(vec![rest_api(vec![stage("prod")])]),
            Status::Fail,
        );
    }

    #[test]
    fn waf() {
        let mut s = stage("prod");
        s.web_acl_arn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/x/1".into();
        only(&RestWaf, &rest(vec![rest_api(vec![s])]), Status::Pass);
        only(
            &RestWaf,
            &rest(vec![rest_api(vec![stage("prod")])]),
            Status::Fail,
        );
    }

    fn cache(enabled: Option<bool>, encrypted: Option<bool>) -> MethodSetting {
        MethodSetting {
            caching_enabled: enabled.into(),
            cache_data_encrypted: encrypted.into(),
            ..Default::default()
        }
    }

    #[test]
    fn cache_encrypted_pass_fail_and_out_of_scope() {
        let mut s = with_settings(stage("prod"), vec![(wide(), cache(Some(true), Some(true)))]);
        s.cache_cluster_enabled = true.into();
        only(
            &RestCacheEncrypted,
            &rest(vec![rest_api(vec![s])]),
            Status::Pass,
        );

        let mut s = with_settings(
            stage("prod"),
            vec![(wide(), cache(Some(true), Some(false)))],
        );
        s.cache_cluster_enabled = true.into();
        only(
            &RestCacheEncrypted,
            &rest(vec![rest_api(vec![s])]),
            Status::Fail,
        );

        // Cluster on, no settings: the stage caches unencrypted.
        let mut s = stage("prod");
        s.cache_cluster_enabled = true.into();
        only(
            &RestCacheEncrypted,
            &rest(vec![rest_api(vec![s])]),
            Status::Fail,
        );

        // No caching anywhere: no finding for the stage, so the region is NOT_APPLICABLE.
        only(
            &RestCacheEncrypted,
            &rest(vec![rest_api(vec![stage("prod")])]),
            Status::NotApplicable,
        );
    }

    #[test]
    fn cache_encrypted_method_override_inherits_and_overrides() {
        // */* encrypted, a method turns caching on and inherits encryption: PASS.
        let s = with_settings(
            stage("prod"),
            vec![
                (wide(), cache(None, Some(true))),
                ("~1pets/GET", cache(Some(true), None)),
            ],
        );
        only(
            &RestCacheEncrypted,
            &rest(vec![rest_api(vec![s])]),
            Status::Pass,
        );
        // A method overrides encryption off: FAIL naming it.
        let s = with_settings(
            stage("prod"),
            vec![
                (wide(), cache(Some(true), Some(true))),
                ("~1pets/GET", cache(None, Some(false))),
            ],
        );
        let f = only(
            &RestCacheEncrypted,
            &rest(vec![rest_api(vec![s])]),
            Status::Fail,
        );
        assert!(f.message.contains("GET /pets"), "{}", f.message);
    }
}
