//! API Gateway facts: REST APIs (v1), HTTP/WebSocket APIs (v2) and custom domain names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Known;

/// Stage-wide method-setting key in `methodSettings`.
pub const ALL_METHODS: &str = "*/*";

/// API Gateway v1 facts of one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiGatewayFacts {
    /// REST APIs with their stages and methods.
    pub rest_apis: Vec<RestApi>,
    /// v1 custom domain names.
    pub domain_names: Vec<DomainName>,
}

/// A REST API.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RestApi {
    /// API id (unknown for a planned API that does not exist yet).
    pub id: Known<String>,
    /// Human name.
    pub name: String,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
    /// Endpoint configuration types (`EDGE`, `REGIONAL`, `PRIVATE`).
    pub endpoint_types: Known<Vec<String>>,
    /// Resource policy document as raw JSON text (`None`: no policy). AWS returns it
    /// JSON-escaped; producers store the decoded document.
    pub policy: Known<Option<String>>,
    /// Stages.
    pub stages: Vec<RestStage>,
    /// Methods of all resources.
    pub methods: Vec<RestMethod>,
}

impl RestApi {
    /// `arn:<partition>:apigateway:<region>::/restapis/<id>`, when the id is known.
    pub fn arn(&self, partition: &str, region: &str) -> Option<String> {
        self.id
            .as_known()
            .filter(|_| !region.is_empty())
            .map(|id| format!("arn:{partition}:apigateway:{region}::/restapis/{id}"))
    }

    /// Stage ARN `…::/restapis/<id>/stages/<stage>`, when the id is known.
    pub fn stage_arn(&self, partition: &str, region: &str, stage: &str) -> Option<String> {
        self.arn(partition, region)
            .map(|arn| format!("{arn}/stages/{stage}"))
    }
}

/// A REST API stage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RestStage {
    /// Stage name.
    pub name: String,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
    /// Method settings keyed by `<resourcePath>/<httpMethod>` as AWS returns them
    /// (`*/*` is stage-wide; paths have their leading `/` removed and `~1` for `/`,
    /// e.g. `~1pets/GET`).
    pub method_settings: BTreeMap<String, MethodSetting>,
    /// `accessLogSettings.destinationArn` (`None`: no access logging).
    pub access_log_destination: Known<Option<String>>,
    /// `clientCertificateId`.
    pub client_certificate_id: Known<Option<String>>,
    /// `tracingEnabled` (X-Ray).
    pub tracing_enabled: Known<bool>,
    /// `webAclArn`.
    pub web_acl_arn: Known<Option<String>>,
    /// `cacheClusterEnabled`.
    pub cache_cluster_enabled: Known<bool>,
    /// Stage variables (values may be secrets: never print them).
    pub variables: Known<BTreeMap<String, String>>,
}

/// One entry of a stage's `methodSettings`. `None` means the setting is absent (AWS default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MethodSetting {
    /// `logging/loglevel`: `OFF`, `ERROR` or `INFO`.
    pub logging_level: Known<Option<String>>,
    /// `caching/enabled`.
    pub caching_enabled: Known<Option<bool>>,
    /// `caching/dataEncrypted`.
    pub cache_data_encrypted: Known<Option<bool>>,
    /// `metrics/enabled`.
    pub metrics_enabled: Known<Option<bool>>,
    /// `logging/dataTrace`.
    pub data_trace_enabled: Known<Option<bool>>,
}

/// A method of a REST API resource.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RestMethod {
    /// Resource id.
    pub resource_id: Known<String>,
    /// Resource path, e.g. `/pets/{id}`.
    pub path: String,
    /// HTTP method (`GET`, `OPTIONS`, `ANY`, …).
    pub http_method: String,
    /// `authorizationType`: `NONE`, `AWS_IAM`, `CUSTOM`, `COGNITO_USER_POOLS`.
    pub authorization_type: Known<String>,
    /// `apiKeyRequired`.
    pub api_key_required: Known<bool>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

impl RestMethod {
    /// The `methodSettings` key of this method: path without its leading `/`, `/` as `~1`,
    /// then `/<METHOD>`.
    pub fn settings_key(&self) -> String {
        let path = self.path.strip_prefix('/').unwrap_or(&self.path);
        format!("{}/{}", path.replace('/', "~1"), self.http_method)
    }
}

/// API Gateway v2 facts of one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiGatewayV2Facts {
    /// HTTP and WebSocket APIs.
    pub apis: Vec<V2Api>,
    /// v2 custom domain names.
    pub domain_names: Vec<DomainName>,
}

/// Protocol of a v2 API.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Protocol {
    /// HTTP API.
    #[default]
    Http,
    /// WebSocket API.
    Websocket,
}

/// An HTTP or WebSocket API.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct V2Api {
    /// API id.
    pub id: Known<String>,
    /// Human name.
    pub name: String,
    /// `ProtocolType`.
    pub protocol: Protocol,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
    /// Stages.
    pub stages: Vec<V2Stage>,
    /// Routes.
    pub routes: Vec<Route>,
    /// Integrations.
    pub integrations: Vec<Integration>,
}

impl V2Api {
    /// `arn:<partition>:apigateway:<region>::/apis/<id>`, when the id is known.
    pub fn arn(&self, partition: &str, region: &str) -> Option<String> {
        self.id
            .as_known()
            .filter(|_| !region.is_empty())
            .map(|id| format!("arn:{partition}:apigateway:{region}::/apis/{id}"))
    }

    /// `…::/apis/<id>/stages/<stage>`.
    pub fn stage_arn(&self, partition: &str, region: &str, stage: &str) -> Option<String> {
        self.arn(partition, region)
            .map(|arn| format!("{arn}/stages/{stage}"))
    }

    /// `…::/apis/<id>/routes/<routeId>`, when both ids are known.
    pub fn route_arn(&self, partition: &str, region: &str, route: &Route) -> Option<String> {
        let arn = self.arn(partition, region)?;
        route.id.as_known().map(|rid| format!("{arn}/routes/{rid}"))
    }

    /// `…::/apis/<id>/integrations/<integrationId>`, when both ids are known.
    pub fn integration_arn(
        &self,
        partition: &str,
        region: &str,
        integration: &Integration,
    ) -> Option<String> {
        let arn = self.arn(partition, region)?;
        integration
            .id
            .as_known()
            .map(|iid| format!("{arn}/integrations/{iid}"))
    }
}

/// A v2 stage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct V2Stage {
    /// Stage name (`$default` for HTTP APIs' default stage).
    pub name: String,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
    /// `AccessLogSettings.DestinationArn`.
    pub access_log_destination: Known<Option<String>>,
    /// `DefaultRouteSettings.LoggingLevel` (WebSocket only): `OFF`, `ERROR`, `INFO`.
    pub default_logging_level: Known<Option<String>>,
    /// `RouteSettings` overrides keyed by route key.
    pub route_settings: BTreeMap<String, RouteSetting>,
    /// Stage variables (values may be secrets: never print them).
    pub variables: Known<BTreeMap<String, String>>,
    /// `AutoDeploy`.
    pub auto_deploy: Known<bool>,
}

/// A per-route settings override of a v2 stage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RouteSetting {
    /// `LoggingLevel` (WebSocket only).
    pub logging_level: Known<Option<String>>,
    /// `DetailedMetricsEnabled`.
    pub detailed_metrics_enabled: Known<Option<bool>>,
}

/// A v2 route.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Route {
    /// Route id.
    pub id: Known<String>,
    /// `RouteKey`, e.g. `GET /pets`, `$default`, `$connect`.
    pub route_key: String,
    /// `AuthorizationType`: `NONE`, `AWS_IAM`, `CUSTOM`, `JWT`.
    pub authorization_type: Known<String>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

/// A v2 integration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Integration {
    /// Integration id.
    pub id: Known<String>,
    /// `ConnectionType`: `INTERNET` or `VPC_LINK`.
    pub connection_type: Known<String>,
    /// `TlsConfig.ServerNameToVerify`.
    pub tls_server_name_to_verify: Known<Option<String>>,
    /// `IntegrationUri` (informational; may name a load balancer listener).
    pub uri: Option<String>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

/// A custom domain name (v1 or v2).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DomainName {
    /// The domain name.
    pub name: String,
    /// Security policy, e.g. `TLS_1_0`, `TLS_1_2`, `SecurityPolicy_TLS13_1_2_2021_06`.
    pub security_policy: Known<Option<String>>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

impl DomainName {
    /// `arn:<partition>:apigateway:<region>::/domainnames/<name>`.
    pub fn arn(&self, partition: &str, region: &str) -> String {
        format!(
            "arn:{partition}:apigateway:{region}::/domainnames/{}",
            self.name
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_name_stages_routes_and_integrations() {
        let api = V2Api {
            id: "a1".into(),
            ..Default::default()
        };
        let route = Route {
            id: "r1".into(),
            ..Default::default()
        };
        assert_eq!(
            api.route_arn("aws", "eu-west-1", &route).as_deref(),
            Some("arn:aws:apigateway:eu-west-1::/apis/a1/routes/r1")
        );
        let rest = RestApi {
            id: "x".into(),
            ..Default::default()
        };
        assert_eq!(
            rest.stage_arn("aws", "us-east-1", "prod").as_deref(),
            Some("arn:aws:apigateway:us-east-1::/restapis/x/stages/prod")
        );
        let planned = RestApi {
            id: Known::Unknown,
            ..Default::default()
        };
        assert_eq!(planned.arn("aws", "us-east-1"), None);
    }

    #[test]
    fn settings_key_escapes_path() {
        let m = RestMethod {
            path: "/pets/{id}".into(),
            http_method: "GET".into(),
            ..Default::default()
        };
        assert_eq!(m.settings_key(), "pets~1{id}/GET");
    }
}
