//! Collects API Gateway v1 facts: REST APIs (methods, stages, resource policy) and v1 custom domain names.
//!
//! Calls for N REST APIs: `ceil(N/500)` GetRestApis + N GetResources (`embed=methods`, so
//! methods come with the resources; one more page per 500 resources) + N GetStages +
//! `ceil(D/500)` GetDomainNames. APIs are described concurrently, at most `FAN_OUT` at a time.

use std::collections::BTreeMap;

use aws_sdk_apigateway::types as sdk;
use futures::{StreamExt, TryStreamExt};
use secbaseline_engine::facts::{
    ApiGatewayFacts, Collected, DomainName, Known, MethodSetting, RestApi, RestMethod, RestStage,
};

use crate::aws::{aws_error, AwsClients};
use crate::error::Error;
use crate::live::paging::all_pages;
use crate::live::{into_collected, CallCounter, FAN_OUT};

/// Largest page GetRestApis, GetResources and GetDomainNames accept.
const PAGE_LIMIT: i32 = 500;

/// API Gateway v1 facts of `region`; any failed call makes the whole service `Failed`.
pub async fn collect(
    clients: &AwsClients,
    region: &str,
    calls: &CallCounter,
) -> Collected<ApiGatewayFacts> {
    into_collected(collect_facts(&clients.apigateway(region), region, calls).await)
}

async fn collect_facts(
    client: &aws_sdk_apigateway::Client,
    region: &str,
    calls: &CallCounter,
) -> Result<ApiGatewayFacts, Error> {
    let (apis, mut domain_names) = futures::try_join!(
        list_rest_apis(client, region, calls),
        list_domain_names(client, region, calls)
    )?;
    let mut rest_apis: Vec<RestApi> = futures::stream::iter(apis)
        .map(|api| describe_rest_api(client, region, calls, api))
        .buffer_unordered(FAN_OUT)
        .try_collect()
        .await?;
    rest_apis.sort_by(|a, b| (a.id.as_known(), &a.name).cmp(&(b.id.as_known(), &b.name)));
    domain_names.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ApiGatewayFacts {
        rest_apis,
        domain_names,
    })
}

async fn list_rest_apis(
    client: &aws_sdk_apigateway::Client,
    region: &str,
    calls: &CallCounter,
) -> Result<Vec<sdk::RestApi>, Error> {
    all_pages(calls, |position| async move {
        let out = client
            .get_rest_apis()
            .limit(PAGE_LIMIT)
            .set_position(position)
            .send()
            .await
            .map_err(|e| aws_error(format!("listing API Gateway REST APIs in {region}"), e))?;
        Ok((out.items().to_vec(), out.position().map(str::to_string)))
    })
    .await
}

async fn list_domain_names(
    client: &aws_sdk_apigateway::Client,
    region: &str,
    calls: &CallCounter,
) -> Result<Vec<DomainName>, Error> {
    let domains = all_pages(calls, |position| async move {
        let out = client
            .get_domain_names()
            .limit(PAGE_LIMIT)
            .set_position(position)
            .send()
            .await
            .map_err(|e| aws_error(format!("listing API Gateway domain names in {region}"), e))?;
        Ok((out.items().to_vec(), out.position().map(str::to_string)))
    })
    .await?;
    Ok(domains
        .iter()
        .map(|d| DomainName {
            name: d.domain_name().unwrap_or_default().to_string(),
            security_policy: Known::Known(d.security_policy().map(|p| p.as_str().to_string())),
            address: None,
        })
        .collect())
}

/// Methods (GetResources with `embed=methods`) and stages (GetStages) of one REST API.
async fn describe_rest_api(
    client: &aws_sdk_apigateway::Client,
    region: &str,
    calls: &CallCounter,
    api: sdk::RestApi,
) -> Result<RestApi, Error> {
    let id = api.id().unwrap_or_default().to_string();
    let (resources, stages) = futures::try_join!(
        list_resources(client, region, calls, &id),
        list_stages(client, region, calls, &id)
    )?;

    let mut methods: Vec<RestMethod> = resources.iter().flat_map(resource_methods).collect();
    methods.sort_by(|a, b| (&a.path, &a.http_method).cmp(&(&b.path, &b.http_method)));
    let mut stages: Vec<RestStage> = stages.iter().map(rest_stage).collect();
    stages.sort_by(|a, b| a.name.cmp(&b.name));

    Ok(RestApi {
        name: api.name().unwrap_or_default().to_string(),
        address: None,
        endpoint_types: Known::Known(
            api.endpoint_configuration()
                .map(|c| c.types().iter().map(|t| t.as_str().to_string()).collect())
                .unwrap_or_default(),
        ),
        policy: Known::Known(
            api.policy()
                .filter(|p| !p.trim().is_empty())
                .map(decode_policy),
        ),
        stages,
        methods,
        id: Known::Known(id),
    })
}

async fn list_resources(
    client: &aws_sdk_apigateway::Client,
    region: &str,
    calls: &CallCounter,
    api_id: &str,
) -> Result<Vec<sdk::Resource>, Error> {
    all_pages(calls, |position| async move {
        let out = client
            .get_resources()
            .rest_api_id(api_id)
            .embed("methods")
            .limit(PAGE_LIMIT)
            .set_position(position)
            .send()
            .await
            .map_err(|e| {
                aws_error(
                    format!("reading API Gateway resources of REST API {api_id} in {region}"),
                    e,
                )
            })?;
        Ok((out.items().to_vec(), out.position().map(str::to_string)))
    })
    .await
}

async fn list_stages(
    client: &aws_sdk_apigateway::Client,
    region: &str,
    calls: &CallCounter,
    api_id: &str,
) -> Result<Vec<sdk::Stage>, Error> {
    calls.tick();
    let out = client
        .get_stages()
        .rest_api_id(api_id)
        .send()
        .await
        .map_err(|e| {
            aws_error(
                format!("reading API Gateway stages of REST API {api_id} in {region}"),
                e,
            )
        })?;
    Ok(out.item().to_vec())
}

fn resource_methods(resource: &sdk::Resource) -> Vec<RestMethod> {
    let resource_id = resource.id().unwrap_or_default();
    let path = resource.path().unwrap_or("/");
    resource
        .resource_methods()
        .into_iter()
        .flatten()
        .map(|(verb, method)| RestMethod {
            resource_id: Known::Known(resource_id.to_string()),
            path: path.to_string(),
            http_method: method.http_method().unwrap_or(verb.as_str()).to_string(),
            // AWS's default when a method is created without one.
            authorization_type: Known::Known(
                method.authorization_type().unwrap_or("NONE").to_string(),
            ),
            api_key_required: Known::Known(method.api_key_required().unwrap_or(false)),
            address: None,
        })
        .collect()
}

fn rest_stage(stage: &sdk::Stage) -> RestStage {
    let method_settings = stage
        .method_settings()
        .into_iter()
        .flatten()
        .map(|(key, s)| {
            // AWS returns every field of a method setting; the SDK reads an absent boolean as
            // false, so the flags are always "present" here.
            let setting = MethodSetting {
                logging_level: Known::Known(s.logging_level().map(str::to_string)),
                caching_enabled: Known::Known(Some(s.caching_enabled())),
                cache_data_encrypted: Known::Known(Some(s.cache_data_encrypted())),
                metrics_enabled: Known::Known(Some(s.metrics_enabled())),
                data_trace_enabled: Known::Known(Some(s.data_trace_enabled())),
            };
            (key.clone(), setting)
        })
        .collect();
    RestStage {
        name: stage.stage_name().unwrap_or_default().to_string(),
        address: None,
        method_settings,
        access_log_destination: Known::Known(non_empty(
            stage
                .access_log_settings()
                .and_then(|s| s.destination_arn()),
        )),
        client_certificate_id: Known::Known(non_empty(stage.client_certificate_id())),
        tracing_enabled: Known::Known(stage.tracing_enabled()),
        web_acl_arn: Known::Known(non_empty(stage.web_acl_arn())),
        cache_cluster_enabled: Known::Known(stage.cache_cluster_enabled()),
        variables: Known::Known(
            stage
                .variables()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.is_empty()).map(str::to_string)
}

/// The resource policy as a JSON document. AWS returns it with its quotes backslash-escaped
/// (`{\"Version\":…}`); that text is read back as the body of a JSON string. Text that is
/// already JSON (the emulator's), or that reads neither way, is kept as is.
pub(crate) fn decode_policy(raw: &str) -> String {
    if serde_json::from_str::<serde_json::Value>(raw).is_ok() {
        return raw.to_string();
    }
    match serde_json::from_str::<String>(&format!("\"{raw}\"")) {
        Ok(unescaped) if serde_json::from_str::<serde_json::Value>(&unescaped).is_ok() => unescaped,
        _ => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::decode_policy;

    #[test]
    fn escaped_policies_are_decoded() {
        let escaped = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"arn:aws:execute-api:us-east-1:1:a\/*\"}]}"#;
        let decoded = decode_policy(escaped);
        let doc: serde_json::Value = serde_json::from_str(&decoded).unwrap_or_default();
        assert_eq!(doc["Statement"][0]["Principal"], "*");
        assert_eq!(
            doc["Statement"][0]["Resource"],
            "arn:aws:execute-api:us-east-1:1:a/*"
        );
        let plain = r#"{"Version":"2012-10-17","Statement":[]}"#;
        assert_eq!(decode_policy(plain), plain);
        assert_eq!(decode_policy("not json"), "not json");
    }
}
