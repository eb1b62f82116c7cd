//! API Gateway REST (v1) and HTTP/WebSocket (v2) resources of the hashicorp/aws provider.

use crate::facts::{
    DomainName, Integration, Known, MethodSetting, Protocol, RestApi, RestMethod, RestStage, Route,
    RouteSetting, Source, V2Api, V2Stage, ALL_METHODS,
};

use super::Mapper;
use crate::plan::attrs::Attrs;
use crate::plan::builder::{ok_or_init, Builder, ParentRef};
use crate::plan::model::PlannedResource;

pub(super) static MAPPERS: &[Mapper] = &[
    Mapper {
        resource_type: "aws_api_gateway_rest_api",
        data: false,
        phase: 0,
        controls: &["apigateway_rest_resource_policy_public"],
        map: rest_api,
    },
    Mapper {
        resource_type: "aws_api_gateway_domain_name",
        data: false,
        phase: 0,
        controls: &["apigateway_domain_tls"],
        map: domain_v1,
    },
    Mapper {
        resource_type: "aws_api_gateway_stage",
        data: false,
        phase: 1,
        controls: &[
            "apigateway_rest_access_logging",
            "apigateway_rest_client_certificate",
            "apigateway_rest_xray_tracing",
            "apigateway_rest_waf",
            "apigateway_stage_variables_no_secrets",
        ],
        map: rest_stage,
    },
    Mapper {
        resource_type: "aws_api_gateway_method",
        data: false,
        phase: 1,
        controls: &["apigateway_rest_method_authorization"],
        map: rest_method,
    },
    Mapper {
        resource_type: "aws_api_gateway_rest_api_policy",
        data: false,
        phase: 1,
        controls: &["apigateway_rest_resource_policy_public"],
        map: rest_api_policy,
    },
    Mapper {
        resource_type: "aws_api_gateway_method_settings",
        data: false,
        phase: 2,
        controls: &[],
        map: method_settings,
    },
    Mapper {
        resource_type: "aws_wafv2_web_acl_association",
        data: false,
        phase: 2,
        controls: &[],
        map: waf_association,
    },
    Mapper {
        resource_type: "aws_apigatewayv2_api",
        data: false,
        phase: 0,
        controls: &[],
        map: v2_api,
    },
    Mapper {
        resource_type: "aws_apigatewayv2_domain_name",
        data: false,
        phase: 0,
        controls: &["apigateway_domain_tls"],
        map: domain_v2,
    },
    Mapper {
        resource_type: "aws_apigatewayv2_stage",
        data: false,
        phase: 1,
        controls: &[
            "apigateway_v2_access_logging",
            "apigateway_stage_variables_no_secrets",
        ],
        map: v2_stage,
    },
    Mapper {
        resource_type: "aws_apigatewayv2_route",
        data: false,
        phase: 1,
        controls: &["apigateway_v2_route_authorization"],
        map: v2_route,
    },
    Mapper {
        resource_type: "aws_apigatewayv2_integration",
        data: false,
        phase: 1,
        controls: &["apigateway_v2_private_integration_tls"],
        map: v2_integration,
    },
];

/// A known id, or `Unknown` (unset ids of planned objects are computed at apply).
fn id_of(a: Attrs<'_>, name: &str) -> Known<String> {
    match a.opt_string(name) {
        Known::Known(Some(id)) => Known::Known(id),
        _ => Known::Unknown,
    }
}

/// Placeholder for an API the plan does not define (its planned children hang off it):
/// everything about the API itself is unknown, so nothing PASSes or FAILs on its account.
fn rest_placeholder(id: Known<String>) -> RestApi {
    RestApi {
        name: id
            .as_known()
            .cloned()
            .unwrap_or_else(|| "(API not in this plan)".into()),
        id,
        address: None,
        endpoint_types: Known::Unknown,
        policy: Known::Unknown,
        ..Default::default()
    }
}

fn rest_api_slot(b: &mut Builder<'_>, r: &PlannedResource, region: &str) -> usize {
    let value = b.attrs(r).opt_string("rest_api_id");
    let plan = b.plan();
    b.rest_apis.resolve(
        plan,
        ParentRef {
            child: r,
            region,
            attr: "rest_api_id",
            value,
        },
        rest_placeholder,
    )
}

fn rest_api(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let policy = b.document(r, "policy");
    let policy = b.absent_unless_configured(r, &["policy"], policy);
    let endpoint_types = match a.block("endpoint_configuration") {
        Known::Known(Some(ep)) => ep.strings("types"),
        Known::Known(None) => Known::Known(vec!["EDGE".into()]),
        Known::Unknown => Known::Unknown,
    };
    let id = id_of(a, "id");
    let api = RestApi {
        id: id.clone(),
        name: a.str("name").unwrap_or(&r.address).to_owned(),
        address: Some(r.address.clone()),
        endpoint_types,
        policy,
        ..Default::default()
    };
    b.rest_apis.define(r, &region, id.into_known(), api);
    b.touch(&region, Source::ApiGateway);
}

fn rest_api_policy(b: &mut Builder<'_>, r: &PlannedResource) {
    let region = b.region(r);
    let policy = b.document(r, "policy");
    let slot = rest_api_slot(b, r, &region);
    b.rest_apis.get_mut(slot).policy = policy;
}

fn rest_stage(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let access_log_destination = match a.block("access_log_settings") {
        Known::Known(Some(s)) => s.opt_string("destination_arn"),
        Known::Known(None) => Known::Known(None),
        Known::Unknown => Known::Unknown,
    };
    // web_acl_arn is computed: AWS sets it only through a WAF association, mapped below.
    let web_acl_arn = b.absent_unless_configured(r, &["web_acl_arn"], a.opt_string("web_acl_arn"));
    let stage = RestStage {
        name: a.str("stage_name").unwrap_or(&r.address).to_owned(),
        address: Some(r.address.clone()),
        method_settings: Default::default(),
        access_log_destination,
        client_certificate_id: a.opt_string("client_certificate_id"),
        tracing_enabled: a.bool_or("xray_tracing_enabled", false),
        web_acl_arn,
        cache_cluster_enabled: a.bool_or("cache_cluster_enabled", false),
        variables: a.string_map("variables"),
    };
    let slot = rest_api_slot(b, r, &region);
    let name = stage.name.clone();
    let api = b.rest_apis.get_mut(slot);
    api.stages.push(stage);
    let index = api.stages.len() - 1;
    b.rest_stages.insert((slot, name), index);
    b.stage_by_address.insert(r.address.clone(), (slot, index));
}

/// A stage the plan does not define, holding planned method settings.
fn stage_placeholder(name: String) -> RestStage {
    RestStage {
        name,
        address: None,
        access_log_destination: Known::Unknown,
        client_certificate_id: Known::Unknown,
        tracing_enabled: Known::Unknown,
        web_acl_arn: Known::Unknown,
        cache_cluster_enabled: Known::Unknown,
        variables: Known::Unknown,
        ..Default::default()
    }
}

/// `method_path` as Terraform writes it (`pets/GET`, `pets/{id}/GET`, `*/*`) → the key AWS
/// uses in `methodSettings` (`pets~1{id}/GET`).
pub(crate) fn settings_key(method_path: &str) -> String {
    if method_path == ALL_METHODS {
        return ALL_METHODS.to_owned();
    }
    let trimmed = method_path.trim_start_matches('/');
    match trimmed.rsplit_once('/') {
        Some((path, method)) => format!("{}/{}", path.replace('/', "~1"), method),
        None => trimmed.to_owned(),
    }
}

fn method_settings(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let stage_name = a
        .str("stage_name")
        .map(str::to_owned)
        .unwrap_or_else(|| "(unknown stage)".into());
    let key = a
        .str("method_path")
        .map(settings_key)
        .unwrap_or_else(|| ALL_METHODS.to_owned());
    let setting = match a.block("settings") {
        Known::Known(Some(s)) => {
            let field = |b: &Builder<'_>, name: &str, k: Known<Option<bool>>| {
                b.absent_unless_configured(r, &["settings", name], k)
            };
            MethodSetting {
                logging_level: b.absent_unless_configured(
                    r,
                    &["settings", "logging_level"],
                    s.opt_string("logging_level"),
                ),
                caching_enabled: field(b, "caching_enabled", s.opt_bool("caching_enabled")),
                cache_data_encrypted: field(
                    b,
                    "cache_data_encrypted",
                    s.opt_bool("cache_data_encrypted"),
                ),
                metrics_enabled: field(b, "metrics_enabled", s.opt_bool("metrics_enabled")),
                data_trace_enabled: field(
                    b,
                    "data_trace_enabled",
                    s.opt_bool("data_trace_enabled"),
                ),
            }
        }
        Known::Known(None) => MethodSetting::default(),
        Known::Unknown => MethodSetting {
            logging_level: Known::Unknown,
            caching_enabled: Known::Unknown,
            cache_data_encrypted: Known::Unknown,
            metrics_enabled: Known::Unknown,
            data_trace_enabled: Known::Unknown,
        },
    };
    // The stage this setting's `stage_name` refers to, when the plan defines it: found by
    // reference first, so a stage whose name is unknown until apply still gets its settings
    // (and is not judged as having none).
    let referenced = b.plan().and_then(|plan| {
        plan.references(r, "stage_name")
            .iter()
            .find_map(|a| b.stage_by_address.get(a.as_str()).copied())
    });
    let slot = rest_api_slot(b, r, &region);
    let index = match referenced
        .filter(|(s, _)| *s == slot)
        .map(|(_, i)| i)
        .or_else(|| b.rest_stages.get(&(slot, stage_name.clone())).copied())
    {
        Some(i) => i,
        None => {
            let api = b.rest_apis.get_mut(slot);
            api.stages.push(stage_placeholder(stage_name.clone()));
            let i = api.stages.len() - 1;
            b.rest_stages.insert((slot, stage_name), i);
            i
        }
    };
    if let Some(stage) = b.rest_apis.get_mut(slot).stages.get_mut(index) {
        stage.method_settings.insert(key, setting);
    }
}

fn waf_association(b: &mut Builder<'_>, r: &PlannedResource) {
    let Some(plan) = b.plan() else { return };
    let acl = match b.attrs(r).opt_string("web_acl_arn") {
        Known::Known(Some(arn)) => arn,
        _ => "(web ACL created by this plan)".to_owned(),
    };
    for reference in plan.references(r, "resource_arn") {
        if let Some(&(slot, i)) = b.stage_by_address.get(reference.as_str()) {
            if let Some(stage) = b.rest_apis.get_mut(slot).stages.get_mut(i) {
                stage.web_acl_arn = Known::Known(Some(acl.clone()));
            }
        }
    }
}

/// The path of an `aws_api_gateway_resource` (computed at apply for new resources): its
/// `path`, else rebuilt from `path_part` and the parent chain of references.
fn resource_path(b: &Builder<'_>, resource: &PlannedResource, depth: usize) -> Option<String> {
    let a = b.attrs(resource);
    if let Some(path) = a.str("path") {
        return Some(path.to_owned());
    }
    let part = a.str("path_part")?;
    if depth > 32 {
        return None;
    }
    let plan = b.plan()?;
    let parent = plan
        .references(resource, "parent_id")
        .into_iter()
        .find_map(|p| match b.by_address.get(p.as_str()) {
            Some(pr) if pr.resource_type == "aws_api_gateway_resource" => {
                resource_path(b, pr, depth + 1)
            }
            Some(pr) if pr.resource_type == "aws_api_gateway_rest_api" => Some(String::new()),
            _ => None,
        })?;
    Some(format!("{}/{part}", parent.trim_end_matches('/')))
}

fn method_path(b: &Builder<'_>, r: &PlannedResource) -> String {
    if let Some(plan) = b.plan() {
        for reference in plan.references(r, "resource_id") {
            match b.by_address.get(reference.as_str()) {
                Some(res) if res.resource_type == "aws_api_gateway_resource" => {
                    if let Some(p) = resource_path(b, res, 0) {
                        return p;
                    }
                }
                Some(res) if res.resource_type == "aws_api_gateway_rest_api" => {
                    return "/".into();
                }
                _ => {}
            }
        }
    }
    match b.attrs(r).str("resource_id") {
        Some(id) => format!("(resource {id})"),
        None => "(resource path not known until apply)".into(),
    }
}

fn rest_method(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let method = RestMethod {
        resource_id: id_of(a, "resource_id"),
        path: method_path(b, r),
        http_method: a.str("http_method").unwrap_or("ANY").to_owned(),
        authorization_type: a.string_or("authorization", "NONE"),
        api_key_required: a.bool_or("api_key_required", false),
        address: Some(r.address.clone()),
    };
    let slot = rest_api_slot(b, r, &region);
    b.rest_apis.get_mut(slot).methods.push(method);
}

fn domain_v1(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let d = DomainName {
        name: a.str("domain_name").unwrap_or(&r.address).to_owned(),
        security_policy: a.opt_string("security_policy"),
        address: Some(r.address.clone()),
    };
    ok_or_init(&mut b.regional(&region, Source::ApiGateway).apigateway)
        .domain_names
        .push(d);
}

fn domain_v2(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let security_policy = match a.block("domain_name_configuration") {
        Known::Known(Some(c)) => c.opt_string("security_policy"),
        Known::Known(None) => Known::Known(None),
        Known::Unknown => Known::Unknown,
    };
    let d = DomainName {
        name: a.str("domain_name").unwrap_or(&r.address).to_owned(),
        security_policy,
        address: Some(r.address.clone()),
    };
    ok_or_init(&mut b.regional(&region, Source::ApiGatewayV2).apigatewayv2)
        .domain_names
        .push(d);
}

fn protocol(a: Attrs<'_>) -> Protocol {
    match a.str("protocol_type") {
        Some(p) if p.eq_ignore_ascii_case("WEBSOCKET") => Protocol::Websocket,
        _ => Protocol::Http,
    }
}

fn v2_placeholder(id: Known<String>) -> V2Api {
    V2Api {
        name: id
            .as_known()
            .cloned()
            .unwrap_or_else(|| "(API not in this plan)".into()),
        id,
        address: None,
        ..Default::default()
    }
}

fn v2_api_slot(b: &mut Builder<'_>, r: &PlannedResource, region: &str) -> usize {
    let value = b.attrs(r).opt_string("api_id");
    let plan = b.plan();
    b.v2_apis.resolve(
        plan,
        ParentRef {
            child: r,
            region,
            attr: "api_id",
            value,
        },
        v2_placeholder,
    )
}

fn v2_api(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let id = id_of(a, "id");
    let api = V2Api {
        id: id.clone(),
        name: a.str("name").unwrap_or(&r.address).to_owned(),
        protocol: protocol(a),
        address: Some(r.address.clone()),
        ..Default::default()
    };
    b.v2_apis.define(r, &region, id.into_known(), api);
    b.touch(&region, Source::ApiGatewayV2);
}

fn v2_stage(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let access_log_destination = match a.block("access_log_settings") {
        Known::Known(Some(s)) => s.opt_string("destination_arn"),
        Known::Known(None) => Known::Known(None),
        Known::Unknown => Known::Unknown,
    };
    let default_logging_level = match a.block("default_route_settings") {
        Known::Known(Some(s)) => b.absent_unless_configured(
            r,
            &["default_route_settings", "logging_level"],
            s.opt_string("logging_level"),
        ),
        Known::Known(None) => Known::Known(None),
        Known::Unknown => Known::Unknown,
    };
    let mut route_settings = std::collections::BTreeMap::new();
    if let Known::Known(items) = a.items("route_settings") {
        for s in items {
            if let Some(key) = s.str("route_key") {
                route_settings.insert(
                    key.to_owned(),
                    RouteSetting {
                        logging_level: s.opt_string("logging_level"),
                        detailed_metrics_enabled: s.opt_bool("detailed_metrics_enabled"),
                    },
                );
            }
        }
    }
    let stage = V2Stage {
        name: a.str("name").unwrap_or(&r.address).to_owned(),
        address: Some(r.address.clone()),
        access_log_destination,
        default_logging_level,
        route_settings,
        variables: a.string_map("stage_variables"),
        auto_deploy: a.bool_or("auto_deploy", false),
    };
    let slot = v2_api_slot(b, r, &region);
    b.v2_apis.get_mut(slot).stages.push(stage);
}

fn v2_route(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let route = Route {
        id: id_of(a, "id"),
        route_key: a.str("route_key").unwrap_or("$default").to_owned(),
        authorization_type: a.string_or("authorization_type", "NONE"),
        address: Some(r.address.clone()),
    };
    let slot = v2_api_slot(b, r, &region);
    let api = b.v2_apis.get_mut(slot);
    // An API outside the plan: WebSocket route keys ($connect, $disconnect) tell its protocol.
    if api.address.is_none() && route.route_key.starts_with('$') && route.route_key != "$default" {
        api.protocol = Protocol::Websocket;
    }
    api.routes.push(route);
}

fn v2_integration(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let tls = match a.block("tls_config") {
        Known::Known(Some(t)) => t.opt_string("server_name_to_verify"),
        Known::Known(None) => Known::Known(None),
        Known::Unknown => Known::Unknown,
    };
    let integration = Integration {
        id: id_of(a, "id"),
        connection_type: a.string_or("connection_type", "INTERNET"),
        tls_server_name_to_verify: tls,
        uri: a.str("integration_uri").map(str::to_owned),
        address: Some(r.address.clone()),
    };
    let slot = v2_api_slot(b, r, &region);
    b.v2_apis.get_mut(slot).integrations.push(integration);
}

#[cfg(test)]
mod tests {
    use super::settings_key;

    #[test]
    fn method_paths_become_settings_keys() {
        assert_eq!(settings_key("*/*"), "*/*");
        assert_eq!(settings_key("pets/GET"), "pets/GET");
        assert_eq!(settings_key("pets/{id}/GET"), "pets~1{id}/GET");
        assert_eq!(settings_key("/pets/GET"), "pets/GET");
    }
}
