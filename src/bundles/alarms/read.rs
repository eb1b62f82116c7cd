//! Read: the alarms, filters, topic and subscriptions of the resource's naming scheme, as
//! state; and the state an import by prefix starts from.

use std::collections::BTreeMap;

use crate::diag::Diag;
use crate::error::{Error, Result};
use crate::value::Value;

use super::desired::{
    cis, parse_apigw_name, topic_name, StateValue, KIND_5XX, KIND_CIS, KIND_LATENCY,
};
use super::finders::{find_alarms, find_email_subscriptions, find_filters, topic_exists};
use super::Ctx;

/// Refreshes `current` from AWS. `Ok(None)`: nothing of the resource exists any more.
pub async fn read(ctx: &Ctx, current: &Value) -> Result<Option<Value>> {
    let prefix = current.get("name_prefix").as_str().unwrap_or_default();
    let alarms = find_alarms(&ctx.cloudwatch(), prefix).await?;
    let filters = match current.get("cloudtrail_log_group_name").as_str() {
        Some(g) => find_filters(&ctx.logs(), prefix, Some(g)).await?,
        None => Vec::new(),
    };
    let mut v = current.clone();
    v.set("id", Value::string(prefix));
    v.set(
        "alarms",
        Value::List(alarms.iter().map(|a| a.to_value()).collect()),
    );
    v.set(
        "metric_filters",
        Value::List(filters.iter().map(|f| f.to_value()).collect()),
    );
    let topic = match current.get("sns_topic_arn").as_str() {
        Some(arn) if topic_exists(&ctx.sns(), arn).await? => Some(arn.to_string()),
        _ => None,
    };
    v.set("sns_topic_arn", Value::opt_string(topic.clone()));
    let emails = match &topic {
        Some(t) => find_email_subscriptions(&ctx.sns(), t)
            .await?
            .into_iter()
            .map(|(e, _)| e)
            .collect(),
        None => Vec::new(),
    };
    v.set(
        "email_subscriptions",
        emails_like(&emails, current.get("email_subscriptions")),
    );
    if alarms.is_empty() && filters.is_empty() && topic.is_none() {
        return Ok(None);
    }
    Ok(Some(v))
}

/// The addresses for state: in the prior's order when the same set; null for none when the
/// prior was null.
fn emails_like(actual: &[String], prior: &Value) -> Value {
    let prior_list = prior.strings();
    let mut a = actual.to_vec();
    a.sort();
    a.dedup();
    let mut b = prior_list.clone();
    b.sort();
    b.dedup();
    if a == b {
        return prior.clone();
    }
    if actual.is_empty() && prior.is_null() {
        return Value::Null;
    }
    let mut ordered: Vec<String> = prior_list.into_iter().filter(|e| a.contains(e)).collect();
    for e in a {
        if !ordered.contains(&e) {
            ordered.push(e);
        }
    }
    Value::string_list(ordered)
}

/// The state an import by `prefix` starts from: the inputs are inferred from what exists, so
/// a configuration that asks for the same has an empty plan.
pub async fn import_skeleton(ctx: &Ctx, prefix: &str) -> Result<Value> {
    let filters = find_filters(&ctx.logs(), prefix, None).await?;
    let alarms = find_alarms(&ctx.cloudwatch(), prefix).await?;
    if filters.is_empty() && alarms.is_empty() {
        return Err(Error::config(
            crate::diag::AttrPath::root(),
            "Cannot import non-existent remote object",
            format!(
                "No CloudWatch alarm or metric filter named \"{prefix}<alarm>\" exists in {}.",
                ctx.env.region
            ),
        ));
    }
    let first_cis = alarms.iter().find(|a| a.kind == KIND_CIS);
    let topic = alarms.iter().find_map(|a| a.alarm_actions.first().cloned());
    let mut keys: Vec<&str> = Vec::new();
    for c in cis() {
        let name = c.name(prefix);
        if filters.iter().any(|f| f.name == name) || alarms.iter().any(|a| a.name == name) {
            keys.push(c.key);
        }
    }
    let cis_alarms = if keys.len() == cis().len() {
        Value::Null
    } else {
        Value::string_list(keys)
    };
    // api_gateway blocks, by API and stage, in name order.
    let mut apis: BTreeMap<(String, String), Value> = BTreeMap::new();
    for a in &alarms {
        let Some((id, stage, kind)) = parse_apigw_name(prefix, &a.name) else {
            continue;
        };
        let block = apis.entry((id.clone(), stage.clone())).or_insert_with(|| {
            Value::object([
                ("api_id", Value::string(&id)),
                ("stage", Value::string(&stage)),
            ])
        });
        if kind == KIND_LATENCY {
            block.set("latency_statistic", Value::string(&a.statistic));
            block.set("latency_threshold_ms", Value::Number(a.threshold));
        } else if kind == KIND_5XX {
            block.set("error_threshold", Value::Number(a.threshold));
        }
    }
    let created_topic = topic
        .as_deref()
        .is_some_and(|t| t.rsplit(':').next() == Some(topic_name(prefix).as_str()));
    let emails: Vec<String> = match &topic {
        Some(t) => find_email_subscriptions(&ctx.sns(), t)
            .await?
            .into_iter()
            .map(|(e, _)| e)
            .collect(),
        None => Vec::new(),
    };
    let mut v = Value::object([
        ("id", Value::string(prefix)),
        ("name_prefix", Value::string(prefix)),
        ("cis_alarms", cis_alarms),
        ("sns_topic_arn", Value::opt_string(topic)),
        ("created_sns_topic", Value::Bool(created_topic)),
        (
            "email_subscriptions",
            if emails.is_empty() {
                Value::Null
            } else {
                Value::string_list(emails)
            },
        ),
        ("api_gateway", Value::List(apis.into_values().collect())),
    ]);
    if let Some(f) = filters.first() {
        v.set(
            "cloudtrail_log_group_name",
            Value::string(&f.log_group_name),
        );
        v.set("metric_namespace", Value::string(&f.metric_namespace));
    }
    if let Some(a) = first_cis {
        v.set("period", Value::Number(a.period as f64));
        v.set("threshold", Value::Number(a.threshold));
        v.set(
            "evaluation_periods",
            Value::Number(a.evaluation_periods as f64),
        );
        if v.get("metric_namespace").is_null() {
            v.set("metric_namespace", Value::string(&a.namespace));
        }
    }
    Ok(v)
}

/// The diagnostic for an import ID that is not a prefix.
pub fn bad_import_id(id: &str) -> Diag {
    Diag::error(
        "Invalid import ID",
        format!("\"{id}\" is not a name prefix. Import secbaseline_alarms by its name_prefix, e.g. `terraform import secbaseline_alarms.main secbaseline-`."),
        Some(crate::diag::AttrPath::of("id")),
    )
}
