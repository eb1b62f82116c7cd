//! API Gateway controls and the visitors they share.

mod account;
mod domain;
mod rest_access_logging;
mod rest_api;
mod rest_cache_encrypted;
mod rest_client_certificate;
mod rest_execution_logging;
mod rest_waf;
mod rest_xray_tracing;
mod stage_alarms;
mod stage_variables;
mod v2;

pub use account::{Cloudtrail, ConfigRecording, ConfigRules, IamLeastPrivilege, MANAGED_RULES};
pub use domain::DomainTls;
pub use rest_access_logging::RestAccessLogging;
pub use rest_api::{RestMethodAuthorization, RestResourcePolicyPublic};
pub use rest_cache_encrypted::RestCacheEncrypted;
pub use rest_client_certificate::RestClientCertificate;
pub use rest_execution_logging::RestExecutionLogging;
pub use rest_waf::RestWaf;
pub use rest_xray_tracing::RestXrayTracing;
pub use stage_alarms::StageAlarms;
pub use stage_variables::StageVariablesNoSecrets;
pub use v2::{V2AccessLogging, V2PrivateIntegrationTls, V2RouteAuthorization};

use crate::facts::{Known, Protocol, RestApi, RestStage, V2Api, V2Stage};
use crate::rules::support::{is_set, known, Out, Res};

pub(crate) const REST_LABEL: &str = "API Gateway REST APIs";
pub(crate) const V2_LABEL: &str = "API Gateway HTTP/WebSocket APIs";

/// `REST API 'name' stage 'stage'`.
pub(crate) fn rest_stage_name(api: &RestApi, stage: &RestStage) -> String {
    format!("REST API '{}' stage '{}'", api.name, stage.name)
}

/// `HTTP API 'name' stage 'stage'` / `WebSocket API …`.
pub(crate) fn v2_stage_name(api: &V2Api, stage: &V2Stage) -> String {
    format!("{} '{}' stage '{}'", v2_kind(api), api.name, stage.name)
}

/// `HTTP API` or `WebSocket API`.
pub(crate) fn v2_kind(api: &V2Api) -> &'static str {
    match api.protocol {
        Protocol::Http => "HTTP API",
        Protocol::Websocket => "WebSocket API",
    }
}

pub(crate) fn rest_stage_res(out: &Out<'_>, region: &str, api: &RestApi, stage: &RestStage) -> Res {
    Res::new(
        api.stage_arn(out.partition(), region, &stage.name),
        region,
        stage.address.as_ref(),
        &format!("{}/{}", api.name, stage.name),
    )
}

pub(crate) fn v2_stage_res(out: &Out<'_>, region: &str, api: &V2Api, stage: &V2Stage) -> Res {
    Res::new(
        api.stage_arn(out.partition(), region, &stage.name),
        region,
        stage.address.as_ref(),
        &format!("{}/{}", api.name, stage.name),
    )
}

/// Visits every REST stage; NOT_APPLICABLE per region without one.
pub(crate) fn each_rest_stage<'a>(
    out: &mut Out<'a>,
    mut f: impl FnMut(&mut Out<'a>, &Res, &'a RestApi, &'a RestStage),
) {
    out.each_region(
        |r| &r.apigateway,
        REST_LABEL,
        "No REST API stages",
        |out, region, facts| {
            for api in &facts.rest_apis {
                for stage in &api.stages {
                    let res = rest_stage_res(out, region, api, stage);
                    f(out, &res, api, stage);
                }
            }
        },
    );
}

/// Visits every HTTP/WebSocket stage; NOT_APPLICABLE per region without one.
pub(crate) fn each_v2_stage<'a>(
    out: &mut Out<'a>,
    mut f: impl FnMut(&mut Out<'a>, &Res, &'a V2Api, &'a V2Stage),
) {
    out.each_region(
        |r| &r.apigatewayv2,
        V2_LABEL,
        "No HTTP or WebSocket API stages",
        |out, region, facts| {
            for api in &facts.apis {
                for stage in &api.stages {
                    let res = v2_stage_res(out, region, api, stage);
                    f(out, &res, api, stage);
                }
            }
        },
    );
}

/// Shared body of the stage controls that ask for a non-blank setting (access log destination,
/// client certificate, web ACL): PASS or FAIL on `value`, UNKNOWN while a plan leaves it open.
pub(crate) fn stage_setting_is_set(
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

/// Readable method from a `methodSettings` key: `~1pets/GET` → `GET /pets`.
pub(crate) fn method_label(key: &str) -> String {
    match key.rsplit_once('/') {
        Some((path, method)) => {
            let path = path.replace("~1", "/");
            let path = if path.starts_with('/') || path == "*" {
                path
            } else {
                format!("/{path}")
            };
            format!("{method} {path}")
        }
        None => key.to_owned(),
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Builders of API Gateway facts for the rule tests.

    use std::collections::BTreeMap;

    use crate::facts::{
        ApiGatewayFacts, ApiGatewayV2Facts, Collected, Facts, MethodSetting, Protocol, RestApi,
        RestStage, V2Api, V2Stage, ALL_METHODS,
    };
    use crate::rules::testkit;

    pub(crate) fn rest_api(stages: Vec<RestStage>) -> RestApi {
        RestApi {
            id: "a1b2c3".into(),
            name: "pets".into(),
            stages,
            ..Default::default()
        }
    }

    pub(crate) fn stage(name: &str) -> RestStage {
        RestStage {
            name: name.into(),
            ..Default::default()
        }
    }

    pub(crate) fn logging(level: &str) -> MethodSetting {
        MethodSetting {
            logging_level: level.into(),
            ..Default::default()
        }
    }

    pub(crate) fn with_settings(mut s: RestStage, pairs: Vec<(&str, MethodSetting)>) -> RestStage {
        s.method_settings = pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<BTreeMap<_, _>>();
        s
    }

    pub(crate) fn wide() -> &'static str {
        ALL_METHODS
    }

    pub(crate) fn rest(apis: Vec<RestApi>) -> Facts {
        testkit::region(|r| {
            r.apigateway = Collected::Ok(ApiGatewayFacts {
                rest_apis: apis,
                ..Default::default()
            });
            r.apigatewayv2 = Collected::Ok(ApiGatewayV2Facts::default());
        })
    }

    pub(crate) fn v2_api(protocol: Protocol, stages: Vec<V2Stage>) -> V2Api {
        V2Api {
            id: "h1".into(),
            name: "orders".into(),
            protocol,
            stages,
            ..Default::default()
        }
    }

    pub(crate) fn v2_stage(name: &str) -> V2Stage {
        V2Stage {
            name: name.into(),
            ..Default::default()
        }
    }

    pub(crate) fn v2(apis: Vec<V2Api>) -> Facts {
        testkit::region(|r| {
            r.apigateway = Collected::Ok(ApiGatewayFacts::default());
            r.apigatewayv2 = Collected::Ok(ApiGatewayV2Facts {
                apis,
                ..Default::default()
            });
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_labels_read_well() {
        assert_eq!(method_label("~1pets~1{id}/GET"), "GET /pets/{id}");
        assert_eq!(method_label("*/*"), "* *");
    }
}
