//! A generated plan of `n` resources in `terraform show -json` format, for benchmarks and
//! scale tests: REST APIs with stages, methods and method settings, IAM policies, roles with
//! inline policies and attachments, and alarms, spread over root and child modules, with a
//! share of unknown values and a few deletes.

use serde_json::{json, Map, Value};

/// Resources per generated unit (one API with its parts, one role with its policies, …).
const UNIT: usize = 10;

/// A plan JSON text with exactly `n` resource changes.
pub fn synthetic_plan(n: usize) -> String {
    let mut changes = Vec::with_capacity(n);
    // Per module: (planned_values resources, configuration resources).
    let mut modules: Vec<(String, Vec<Value>, Vec<Value>)> = Vec::new();
    let units = n.div_ceil(UNIT);
    for u in 0..units {
        let module = if u % 4 == 0 {
            String::new()
        } else {
            format!("module.svc{}", u % 16)
        };
        let pos = match modules.iter().position(|(m, _, _)| *m == module) {
            Some(p) => p,
            None => {
                modules.push((module.clone(), Vec::new(), Vec::new()));
                modules.len() - 1
            }
        };
        for (k, (ty, name, after, unknown, refs)) in unit(u).into_iter().enumerate() {
            if changes.len() >= n {
                break;
            }
            let local = format!("{ty}.{name}");
            let address = if module.is_empty() {
                local.clone()
            } else {
                format!("{module}.{local}")
            };
            let delete = u % 25 == 24 && k == 9;
            let actions = if delete {
                json!(["delete"])
            } else if u % 3 == 0 {
                json!(["no-op"])
            } else {
                json!(["create"])
            };
            let mut rc = json!({
                "address": address,
                "mode": "managed",
                "type": ty,
                "name": name,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {
                    "actions": actions,
                    "before": if delete { after.clone() } else { Value::Null },
                    "after": if delete { Value::Null } else { after.clone() },
                    "after_unknown": if delete { json!({}) } else { unknown.clone() },
                    "before_sensitive": false,
                    "after_sensitive": {}
                }
            });
            if !module.is_empty() {
                rc["module_address"] = json!(module);
            }
            changes.push(rc);
            if !delete {
                modules[pos].1.push(json!({
                    "address": address, "mode": "managed", "type": ty, "name": name,
                    "provider_name": "registry.terraform.io/hashicorp/aws",
                    "schema_version": 0, "values": after, "sensitive_values": {}
                }));
            }
            let mut exprs = Map::new();
            for (attr, target) in refs {
                exprs.insert(
                    attr.to_owned(),
                    json!({"references": [format!("{target}.id"), target]}),
                );
            }
            modules[pos].2.push(json!({
                "address": local, "mode": "managed", "type": ty, "name": name,
                "provider_config_key": "aws", "expressions": exprs, "schema_version": 0
            }));
        }
    }
    let mut root_resources = Vec::new();
    let mut root_config = Vec::new();
    let mut child_modules = Vec::new();
    let mut module_calls = Map::new();
    for (module, planned, config) in modules {
        if module.is_empty() {
            root_resources = planned;
            root_config = config;
        } else {
            let call = module.trim_start_matches("module.").to_owned();
            child_modules.push(json!({"address": module, "resources": planned}));
            module_calls.insert(
                call,
                json!({"source": "./modules/svc", "module": {"resources": config}}),
            );
        }
    }
    json!({
        "format_version": "1.2",
        "terraform_version": "1.11.0",
        "planned_values": {"root_module": {"resources": root_resources, "child_modules": child_modules}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                "expressions": {"region": {"constant_value": "us-east-1"}}}},
            "root_module": {"resources": root_config, "module_calls": module_calls}
        },
        "timestamp": "2025-06-01T00:00:00Z",
        "applyable": true,
        "complete": true,
        "errored": false
    })
    .to_string()
}

type Item = (
    &'static str,
    String,
    Value,
    Value,
    Vec<(&'static str, String)>,
);

/// One unit of ten resources; `u` varies names and good/bad settings.
fn unit(u: usize) -> Vec<Item> {
    let api = format!("api{u}");
    let role = format!("role{u}");
    let pol = format!("pol{u}");
    let bad = u % 2 == 0;
    let known = u % 3 == 0; // no-op units have ids
    let id = |p: &str| {
        if known {
            json!(format!("{p}{u}"))
        } else {
            Value::Null
        }
    };
    let unk = |attrs: &[&str]| {
        let m: Map<String, Value> = if known {
            Map::new()
        } else {
            attrs
                .iter()
                .map(|a| ((*a).to_owned(), Value::Bool(true)))
                .collect()
        };
        Value::Object(m)
    };
    let admin =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let narrow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
    let wide_api = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"apigateway:*","Resource":"*"}]}"#;
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let rest_ref = vec![("rest_api_id", format!("aws_api_gateway_rest_api.{api}"))];
    vec![
        (
            "aws_api_gateway_rest_api",
            api.clone(),
            json!({"name": api, "id": id("a"), "policy": null, "endpoint_configuration": [{"types": ["REGIONAL"]}]}),
            unk(&["id", "arn", "root_resource_id"]),
            vec![],
        ),
        (
            "aws_api_gateway_stage",
            format!("{api}_prod"),
            json!({"rest_api_id": id("a"), "stage_name": "prod", "xray_tracing_enabled": !bad,
                   "cache_cluster_enabled": false, "client_certificate_id": null,
                   "access_log_settings": if bad { json!([]) } else { json!([{"destination_arn": "arn:aws:logs:us-east-1:123456789012:log-group:access", "format": "$context.requestId"}]) },
                   "variables": {"mode": "live"}, "web_acl_arn": null}),
            unk(&["rest_api_id", "arn", "web_acl_arn", "invoke_url"]),
            rest_ref.clone(),
        ),
        (
            "aws_api_gateway_method",
            format!("{api}_get"),
            json!({"rest_api_id": id("a"), "resource_id": id("r"), "http_method": "GET",
                   "authorization": if bad { "NONE" } else { "AWS_IAM" }, "api_key_required": false}),
            unk(&["rest_api_id", "resource_id"]),
            rest_ref.clone(),
        ),
        (
            "aws_api_gateway_method",
            format!("{api}_options"),
            json!({"rest_api_id": id("a"), "resource_id": id("r"), "http_method": "OPTIONS",
                   "authorization": "NONE", "api_key_required": false}),
            unk(&["rest_api_id", "resource_id"]),
            rest_ref.clone(),
        ),
        (
            "aws_api_gateway_method_settings",
            format!("{api}_all"),
            json!({"rest_api_id": id("a"), "stage_name": "prod", "method_path": "*/*",
                   "settings": [{"logging_level": if bad { "OFF" } else { "INFO" }, "metrics_enabled": true,
                                 "caching_enabled": false, "cache_data_encrypted": false, "data_trace_enabled": false}]}),
            unk(&["rest_api_id"]),
            rest_ref,
        ),
        (
            "aws_iam_policy",
            pol.clone(),
            json!({"name": pol, "path": "/", "policy": if u % 5 == 0 { admin } else if bad { wide_api } else { narrow }, "arn": id("arn:aws:iam::123456789012:policy/p")}),
            unk(&["arn", "id", "policy_id"]),
            vec![],
        ),
        (
            "aws_iam_role",
            role.clone(),
            json!({"name": role, "path": "/", "assume_role_policy": trust, "arn": id("arn:aws:iam::123456789012:role/r"), "inline_policy": [], "managed_policy_arns": []}),
            unk(&[
                "arn",
                "id",
                "unique_id",
                "managed_policy_arns",
                "inline_policy",
            ]),
            vec![],
        ),
        (
            "aws_iam_role_policy",
            format!("{role}_inline"),
            json!({"role": role, "name": "inline", "policy": narrow}),
            Value::Object(Map::new()),
            vec![("role", format!("aws_iam_role.{role}"))],
        ),
        (
            "aws_iam_role_policy_attachment",
            format!("{role}_attach"),
            json!({"role": role, "policy_arn": id("arn:aws:iam::123456789012:policy/p")}),
            unk(&["policy_arn"]),
            vec![
                ("role", format!("aws_iam_role.{role}")),
                ("policy_arn", format!("aws_iam_policy.{pol}")),
            ],
        ),
        (
            "aws_cloudwatch_metric_alarm",
            format!("{api}_5xx"),
            json!({"alarm_name": format!("{api}-5xx"), "namespace": "AWS/ApiGateway", "metric_name": "5XXError",
                   "dimensions": {"ApiName": api, "Stage": "prod"}, "actions_enabled": true,
                   "alarm_actions": if bad { json!([]) } else { json!(["arn:aws:sns:us-east-1:123456789012:ops"]) }}),
            unk(&["arn", "id"]),
            vec![],
        ),
    ]
}
