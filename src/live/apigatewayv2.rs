//! Collects API Gateway v2 facts: HTTP and WebSocket APIs (stages, routes, integrations) and v2 custom domain names.
//!
//! Calls for N APIs: one GetApis per 500 APIs + per API one GetStages, one GetRoutes and one
//! GetIntegrations (each one more page per 500 items) + one GetDomainNames per 500 domains.
//! APIs are described concurrently, at most `FAN_OUT` at a time.

use std::collections::BTreeMap;

use aws_sdk_apigatewayv2::types as sdk;
use futures::{StreamExt, TryStreamExt};
use secbaseline_engine::facts::{
    ApiGatewayV2Facts, Collected, DomainName, Integration, Known, Protocol, Route, RouteSetting,
    V2Api, V2Stage,
};

use crate::aws::{aws_error, AwsClients};
use crate::error::Error;
use crate::live::paging::all_pages;
use crate::live::{into_collected, CallCounter, FAN_OUT};

/// Largest page the v2 list calls accept (`MaxResults` is a string in this API).
const PAGE_LIMIT: &str = "500";

/// API Gateway v2 facts of `region`; any failed call makes the whole service `Failed`.
pub async fn collect(
    clients: &AwsClients,
    region: &str,
    calls: &CallCounter,
) -> Collected<ApiGatewayV2Facts> {
    into_collected(collect_facts(&clients.apigatewayv2(region), region, calls).await)
}

async fn collect_facts(
    client: &aws_sdk_apigatewayv2::Client,
    region: &str,
    calls: &CallCounter,
) -> Result<ApiGatewayV2Facts, Error> {
    let (apis, mut domain_names) = futures::try_join!(
        list_apis(client, region, calls),
        list_domain_names(client, region, calls)
    )?;
    let mut apis: Vec<V2Api> = futures::stream::iter(apis)
        .map(|api| describe_api(client, region, calls, api))
        .buffer_unordered(FAN_OUT)
        .try_collect()
        .await?;
    apis.sort_by(|a, b| (a.id.as_known(), &a.name).cmp(&(b.id.as_known(), &b.name)));
    domain_names.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ApiGatewayV2Facts { apis, domain_names })
}

async fn list_apis(
    client: &aws_sdk_apigatewayv2::Client,
    region: &str,
    calls: &CallCounter,
) -> Result<Vec<sdk::Api>, Error> {
    all_pages(calls, |token| async move {
        let out = client
            .get_apis()
            .max_results(PAGE_LIMIT)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| aws_error(format!("listing API Gateway v2 APIs in {region}"), e))?;
        Ok((out.items().to_vec(), out.next_token().map(str::to_string)))
    })
    .await
}

async fn list_domain_names(
    client: &aws_sdk_apigatewayv2::Client,
    region: &str,
    calls: &CallCounter,
) -> Result<Vec<DomainName>, Error> {
    let domains = all_pages(calls, |token| async move {
        let out = client
            .get_domain_names()
            .max_results(PAGE_LIMIT)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| {
                aws_error(
                    format!("listing API Gateway v2 domain names in {region}"),
                    e,
                )
            })?;
        Ok((out.items().to_vec(), out.next_token().map(str::to_string)))
    })
    .await?;
    Ok(domains
        .iter()
        .map(|d| DomainName {
            name: d.domain_name().unwrap_or_default().to_string(),
            // A v2 domain has one configuration per endpoint; judge the weakest policy
            // (the first one that is not TLS 1.2+), else the first.
            security_policy: Known::Known(domain_security_policy(d.domain_name_configurations())),
            address: None,
        })
        .collect())
}

fn domain_security_policy(configs: &[sdk::DomainNameConfiguration]) -> Option<String> {
    let policies: Vec<&str> = configs
        .iter()
        .filter_map(|c| c.security_policy())
        .map(|p| p.as_str())
        .collect();
    policies
        .iter()
        .find(|p| !(**p == "TLS_1_2" || p.contains("TLS12") || p.contains("TLS13")))
        .or_else(|| policies.first())
        .map(|p| (*p).to_string())
}

async fn describe_api(
    client: &aws_sdk_apigatewayv2::Client,
    region: &str,
    calls: &CallCounter,
    api: sdk::Api,
) -> Result<V2Api, Error> {
    let id = api.api_id().unwrap_or_default().to_string();
    let (stages, routes, integrations) = futures::try_join!(
        list_stages(client, region, calls, &id),
        list_routes(client, region, calls, &id),
        list_integrations(client, region, calls, &id),
    )?;
    let mut stages: Vec<V2Stage> = stages.iter().map(v2_stage).collect();
    stages.sort_by(|a, b| a.name.cmp(&b.name));
    let mut routes: Vec<Route> = routes
        .iter()
        .map(|r| Route {
            id: Known::Known(r.route_id().unwrap_or_default().to_string()),
            route_key: r.route_key().unwrap_or_default().to_string(),
            authorization_type: Known::Known(
                r.authorization_type()
                    .map_or("NONE", |t| t.as_str())
                    .to_string(),
            ),
            address: None,
        })
        .collect();
    routes.sort_by(|a, b| (&a.route_key, a.id.as_known()).cmp(&(&b.route_key, b.id.as_known())));
    let mut integrations: Vec<Integration> = integrations
        .iter()
        .map(|i| Integration {
            id: Known::Known(i.integration_id().unwrap_or_default().to_string()),
            connection_type: Known::Known(
                i.connection_type()
                    .map_or("INTERNET", |t| t.as_str())
                    .to_string(),
            ),
            tls_server_name_to_verify: Known::Known(
                i.tls_config()
                    .and_then(|t| t.server_name_to_verify())
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            ),
            uri: i.integration_uri().map(str::to_string),
            address: None,
        })
        .collect();
    integrations.sort_by(|a, b| a.id.as_known().cmp(&b.id.as_known()));
    Ok(V2Api {
        name: api.name().unwrap_or_default().to_string(),
        protocol: match api.protocol_type() {
            Some(sdk::ProtocolType::Websocket) => Protocol::Websocket,
            _ => Protocol::Http,
        },
        address: None,
        stages,
        routes,
        integrations,
        id: Known::Known(id),
    })
}

async fn list_stages(
    client: &aws_sdk_apigatewayv2::Client,
    region: &str,
    calls: &CallCounter,
    api_id: &str,
) -> Result<Vec<sdk::Stage>, Error> {
    all_pages(calls, |token| async move {
        let out = client
            .get_stages()
            .api_id(api_id)
            .max_results(PAGE_LIMIT)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| {
                aws_error(
                    format!("reading API Gateway v2 stages of API {api_id} in {region}"),
                    e,
                )
            })?;
        Ok((out.items().to_vec(), out.next_token().map(str::to_string)))
    })
    .await
}

async fn list_routes(
    client: &aws_sdk_apigatewayv2::Client,
    region: &str,
    calls: &CallCounter,
    api_id: &str,
) -> Result<Vec<sdk::Route>, Error> {
    all_pages(calls, |token| async move {
        let out = client
            .get_routes()
            .api_id(api_id)
            .max_results(PAGE_LIMIT)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| {
                aws_error(
                    format!("reading API Gateway v2 routes of API {api_id} in {region}"),
                    e,
                )
            })?;
        Ok((out.items().to_vec(), out.next_token().map(str::to_string)))
    })
    .await
}

async fn list_integrations(
    client: &aws_sdk_apigatewayv2::Client,
    region: &str,
    calls: &CallCounter,
    api_id: &str,
) -> Result<Vec<sdk::Integration>, Error> {
    all_pages(calls, |token| async move {
        let out = client
            .get_integrations()
            .api_id(api_id)
            .max_results(PAGE_LIMIT)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| {
                aws_error(
                    format!("reading API Gateway v2 integrations of API {api_id} in {region}"),
                    e,
                )
            })?;
        Ok((out.items().to_vec(), out.next_token().map(str::to_string)))
    })
    .await
}

fn v2_stage(stage: &sdk::Stage) -> V2Stage {
    V2Stage {
        name: stage.stage_name().unwrap_or_default().to_string(),
        address: None,
        access_log_destination: Known::Known(
            stage
                .access_log_settings()
                .and_then(|s| s.destination_arn())
                .filter(|d| !d.is_empty())
                .map(str::to_string),
        ),
        default_logging_level: Known::Known(
            stage
                .default_route_settings()
                .and_then(|s| s.logging_level())
                .map(|l| l.as_str().to_string()),
        ),
        route_settings: stage
            .route_settings()
            .into_iter()
            .flatten()
            .map(|(key, s)| {
                let setting = RouteSetting {
                    logging_level: Known::Known(s.logging_level().map(|l| l.as_str().to_string())),
                    detailed_metrics_enabled: Known::Known(s.detailed_metrics_enabled()),
                };
                (key.clone(), setting)
            })
            .collect(),
        variables: Known::Known(
            stage
                .stage_variables()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        ),
        auto_deploy: Known::Known(stage.auto_deploy().unwrap_or(false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weakest_domain_policy_wins() {
        let config = |p: &str| {
            sdk::DomainNameConfiguration::builder()
                .security_policy(sdk::SecurityPolicy::from(p))
                .build()
        };
        assert_eq!(
            domain_security_policy(&[config("TLS_1_2"), config("TLS_1_0")]).as_deref(),
            Some("TLS_1_0")
        );
        assert_eq!(
            domain_security_policy(&[config("TLS_1_2")]).as_deref(),
            Some("TLS_1_2")
        );
        assert_eq!(domain_security_policy(&[]), None);
    }
}
