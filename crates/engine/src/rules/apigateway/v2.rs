//! HTTP/WebSocket API controls: access logging, route authorization, private integration TLS.

use crate::facts::{Facts, Protocol, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::apigateway::{each_v2_stage, v2_kind, v2_stage_name, V2_LABEL};
use crate::rules::support::{is_set, known, Out, Res};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `apigateway_v2_access_logging`.
pub struct V2AccessLogging;

impl V2AccessLogging {
    const META: Meta = Meta {
        id: "apigateway_v2_access_logging",
        title: "HTTP and WebSocket API stages have access logging",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["FSBP APIGateway.9"],
        remediation: "Configure access logging on the stage (aws_apigatewayv2_stage \
            access_log_settings with a CloudWatch Logs log group ARN as destination_arn).",
        remediated_by: None,
        sources: &[Source::ApiGatewayV2],
        doc: include_str!("../reference/apigateway_v2_access_logging.md"),
    };
}

impl Rule for V2AccessLogging {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_v2_stage(&mut out, |out, res, api, stage| {
            let name = v2_stage_name(api, stage);
            if let Some(dest) = known(
                out,
                res,
                &format!("The access log destination of {name}"),
                &stage.access_log_destination,
            ) {
                out.verdict(
                    is_set(dest),
                    res,
                    format!("{name} has access logging."),
                    format!("{name} has no access logging (AccessLogSettings.DestinationArn is not set)."),
                );
            }
        });
        out.finish()
    }
}

/// `apigateway_v2_route_authorization`.
pub struct V2RouteAuthorization;

impl V2RouteAuthorization {
    const META: Meta = Meta {
        id: "apigateway_v2_route_authorization",
        title: "HTTP API routes and WebSocket $connect routes require authorization",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["FSBP APIGateway.8"],
        remediation: "Set an authorization type (AWS_IAM, CUSTOM or JWT) on every HTTP route, \
            including $default, and on the $connect route of WebSocket APIs.",
        remediated_by: None,
        sources: &[Source::ApiGatewayV2],
        doc: include_str!("../reference/apigateway_v2_route_authorization.md"),
    };
}

impl Rule for V2RouteAuthorization {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        out.each_region(
            |r| &r.apigatewayv2,
            V2_LABEL,
            "No HTTP routes or WebSocket $connect routes",
            |out, region, v2| {
                for api in &v2.apis {
                    // WebSocket: authorization exists only on $connect.
                    let in_scope = |key: &str| api.protocol == Protocol::Http || key == "$connect";
                    for route in api.routes.iter().filter(|r| in_scope(&r.route_key)) {
                        let res = Res::new(
                            api.route_arn(out.partition(), region, route),
                            region,
                            route.address.as_ref(),
                            &format!("{}/{}", api.name, route.route_key),
                        );
                        let name = format!(
                            "{} '{}' route '{}'",
                            v2_kind(api),
                            api.name,
                            route.route_key
                        );
                        if let Some(auth) = known(
                            out,
                            &res,
                            &format!("The authorization type of {name}"),
                            &route.authorization_type,
                        ) {
                            let open = auth.is_empty() || auth.eq_ignore_ascii_case("NONE");
                            out.verdict(
                                !open,
                                &res,
                                format!("{name} uses {auth} authorization."),
                                format!("{name} has authorization type NONE."),
                            );
                        }
                    }
                }
            },
        );
        out.finish()
    }
}

/// `apigateway_v2_private_integration_tls`.
pub struct V2PrivateIntegrationTls;

impl V2PrivateIntegrationTls {
    const META: Meta = Meta {
        id: "apigateway_v2_private_integration_tls",
        title: "Private (VPC link) integrations verify the backend's TLS server name",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["FSBP APIGateway.10"],
        remediation: "Set tls_config.server_name_to_verify on every integration with \
            connection_type VPC_LINK, and use an HTTPS listener on the backend.",
        remediated_by: None,
        sources: &[Source::ApiGatewayV2],
        doc: include_str!("../reference/apigateway_v2_private_integration_tls.md"),
    };
}

impl Rule for V2PrivateIntegrationTls {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        out.each_region(
            |r| &r.apigatewayv2,
            V2_LABEL,
            "No VPC link integrations",
            |out, region, v2| {
                for api in &v2.apis {
                    for integ in &api.integrations {
                        let res = Res::new(
                            api.integration_arn(out.partition(), region, integ),
                            region,
                            integ.address.as_ref(),
                            &format!("{}/integration", api.name),
                        );
                        let iid = integ.id.as_known().map_or("(planned)", String::as_str);
                        let name = format!("{} '{}' integration {}", v2_kind(api), api.name, iid);
                        let Some(conn) = known(
                            out,
                            &res,
                            &format!("The connection type of {name}"),
                            &integ.connection_type,
                        ) else {
                            continue;
                        };
                        // Internet integrations are out of scope.
                        if !conn.eq_ignore_ascii_case("VPC_LINK") {
                            continue;
                        }
                        if let Some(sni) = known(
                            out,
                            &res,
                            &format!("The TLS server name of {name}"),
                            &integ.tls_server_name_to_verify,
                        ) {
                            out.verdict(
                                is_set(sni),
                                &res,
                                format!(
                                    "{name} (VPC link) verifies the backend's TLS server name."
                                ),
                                format!("{name} (VPC link) has no TlsConfig.ServerNameToVerify."),
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
    use crate::facts::{Integration, Known, Route};
    use crate::finding::Status;
    use crate::rules::apigateway::fixtures::*;
    use crate::rules::testkit::{only, run, statuses};

    #[test]
    fn v2_access_logging() {
        let mut s = v2_stage("$default");
        s.access_log_destination = "arn:aws:logs:us-east-1:123456789012:log-group:x".into();
        let f = only(
            &V2AccessLogging,
            &v2(vec![v2_api(Protocol::Http, vec![s])]),
            Status::Pass,
        );
        assert_eq!(
            f.resource_id,
            "arn:aws:apigateway:us-east-1::/apis/h1/stages/$default"
        );
        only(
            &V2AccessLogging,
            &v2(vec![v2_api(Protocol::Websocket, vec![v2_stage("live")])]),
            Status::Fail,
        );
        only(&V2AccessLogging, &v2(vec![]), Status::NotApplicable);
    }

    fn route(id: &str, key: &str, auth: &str) -> Route {
        Route {
            id: id.into(),
            route_key: key.into(),
            authorization_type: auth.into(),
            address: None,
        }
    }

    fn with_routes(protocol: Protocol, routes: Vec<Route>) -> Facts {
        let mut api = v2_api(protocol, vec![]);
        api.routes = routes;
        v2(vec![api])
    }

    #[test]
    fn route_authorization_http_includes_default() {
        let f = only(
            &V2RouteAuthorization,
            &with_routes(Protocol::Http, vec![route("r1", "GET /pets", "JWT")]),
            Status::Pass,
        );
        assert_eq!(
            f.resource_id,
            "arn:aws:apigateway:us-east-1::/apis/h1/routes/r1"
        );
        let f = only(
            &V2RouteAuthorization,
            &with_routes(Protocol::Http, vec![route("r2", "$default", "NONE")]),
            Status::Fail,
        );
        assert!(f.message.contains("'$default'"), "{}", f.message);
    }

    #[test]
    fn route_authorization_websocket_only_connect() {
        let facts = with_routes(
            Protocol::Websocket,
            vec![
                route("c", "$connect", "NONE"),
                route("d", "$disconnect", "NONE"),
                route("m", "sendMessage", "NONE"),
            ],
        );
        assert_eq!(
            statuses(&run(&V2RouteAuthorization, &facts)),
            vec![Status::Fail]
        );
        let facts = with_routes(Protocol::Websocket, vec![route("c", "$connect", "AWS_IAM")]);
        only(&V2RouteAuthorization, &facts, Status::Pass);
        let facts = with_routes(Protocol::Websocket, vec![route("m", "sendMessage", "NONE")]);
        only(&V2RouteAuthorization, &facts, Status::NotApplicable);
    }

    fn with_integration(conn: &str, sni: Option<&str>) -> Facts {
        let mut api = v2_api(Protocol::Http, vec![]);
        api.integrations = vec![Integration {
            id: "i1".into(),
            connection_type: conn.into(),
            tls_server_name_to_verify: sni.map(str::to_owned).into(),
            ..Default::default()
        }];
        v2(vec![api])
    }

    #[test]
    fn private_integration_tls() {
        only(
            &V2PrivateIntegrationTls,
            &with_integration("VPC_LINK", Some("api.internal")),
            Status::Pass,
        );
        only(
            &V2PrivateIntegrationTls,
            &with_integration("VPC_LINK", None),
            Status::Fail,
        );
        only(
            &V2PrivateIntegrationTls,
            &with_integration("INTERNET", None),
            Status::NotApplicable,
        );
        let mut facts = with_integration("VPC_LINK", None);
        if let Some(api) = facts
            .regions
            .get_mut("us-east-1")
            .and_then(|r| r.apigatewayv2.ok_mut())
            .and_then(|v| v.apis.first_mut())
        {
            api.integrations[0].tls_server_name_to_verify = Known::Unknown;
        }
        only(&V2PrivateIntegrationTls, &facts, Status::Unknown);
    }
}
