//! Finders: what exists of the resource's naming scheme, read back into the shapes of
//! `desired`; "not found" is `Ok(None)` or an empty list.

use std::collections::BTreeMap;

use crate::aws::aws_error;
use crate::error::Result;

use super::desired::{
    alarm_order, is_our_alarm, parse_apigw_name, AlarmSpec, ApiKind, Cis, FilterSpec, KIND_CIS,
    STAGE_ALARMS_CONTROL,
};

/// The CIS metric filters named `<prefix><key>`, in catalogue order. `log_group: None`
/// searches every log group (import).
pub async fn find_filters(
    client: &aws_sdk_cloudwatchlogs::Client,
    prefix: &str,
    log_group: Option<&str>,
) -> Result<Vec<FilterSpec>> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut req = client
            .describe_metric_filters()
            .set_next_token(token.take());
        if let Some(g) = log_group {
            req = req.log_group_name(g).filter_name_prefix(prefix);
        }
        let out = match req.send().await {
            Ok(o) => o,
            Err(e) => {
                let err = aws_error(
                    format!("reading CloudWatch Logs Metric Filters ({prefix}*)"),
                    e,
                );
                return if err.is_not_found() {
                    Ok(Vec::new())
                } else {
                    Err(err)
                };
            }
        };
        for f in out.metric_filters() {
            let Some(name) = f.filter_name() else {
                continue;
            };
            if Cis::by_name(prefix, name).is_none() {
                continue;
            }
            let t = f.metric_transformations().first();
            found.push(FilterSpec {
                name: name.to_string(),
                log_group_name: f.log_group_name().unwrap_or_default().to_string(),
                pattern: f.filter_pattern().unwrap_or_default().to_string(),
                metric_namespace: t
                    .map(|t| t.metric_namespace().to_string())
                    .unwrap_or_default(),
                metric_name: t.map(|t| t.metric_name().to_string()).unwrap_or_default(),
                metric_value: t.map(|t| t.metric_value().to_string()).unwrap_or_default(),
            });
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    found.sort_by_key(|f| alarm_order(prefix, &f.name));
    Ok(found)
}

/// The alarms of the resource's scheme, in the order of `Inputs::alarms`.
pub async fn find_alarms(
    client: &aws_sdk_cloudwatch::Client,
    prefix: &str,
) -> Result<Vec<AlarmSpec>> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .describe_alarms()
            .alarm_name_prefix(prefix)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| aws_error(format!("reading CloudWatch Metric Alarms ({prefix}*)"), e))?;
        for a in out.metric_alarms() {
            let Some(name) = a.alarm_name() else { continue };
            if !is_our_alarm(prefix, name) {
                continue;
            }
            let (kind, control) = match (Cis::by_name(prefix, name), parse_apigw_name(prefix, name))
            {
                (Some(c), _) => (KIND_CIS.to_string(), c.control_id.to_string()),
                (None, Some((_, _, kind))) => (kind.to_string(), STAGE_ALARMS_CONTROL.to_string()),
                (None, None) => continue,
            };
            found.push(AlarmSpec {
                name: name.to_string(),
                arn: a.alarm_arn().unwrap_or_default().to_string(),
                kind,
                control_id: control,
                namespace: a.namespace().unwrap_or_default().to_string(),
                metric_name: a.metric_name().unwrap_or_default().to_string(),
                dimensions: a
                    .dimensions()
                    .iter()
                    .map(|d| {
                        (
                            d.name().unwrap_or_default().to_string(),
                            d.value().unwrap_or_default().to_string(),
                        )
                    })
                    .collect::<BTreeMap<_, _>>(),
                statistic: a
                    .statistic()
                    .map(|s| s.as_str().to_string())
                    .or_else(|| a.extended_statistic().map(str::to_string))
                    .unwrap_or_default(),
                period: a.period().unwrap_or_default() as i64,
                evaluation_periods: a.evaluation_periods().unwrap_or_default() as i64,
                threshold: a.threshold().unwrap_or_default(),
                comparison_operator: a
                    .comparison_operator()
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default(),
                treat_missing_data: a.treat_missing_data().unwrap_or("missing").to_string(),
                actions_enabled: a.actions_enabled().unwrap_or(false),
                alarm_actions: a.alarm_actions().to_vec(),
            });
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    found.sort_by_key(|a| alarm_order(prefix, &a.name));
    Ok(found)
}

/// Whether the topic exists.
pub async fn topic_exists(client: &aws_sdk_sns::Client, arn: &str) -> Result<bool> {
    match client.get_topic_attributes().topic_arn(arn).send().await {
        Ok(_) => Ok(true),
        Err(e) => {
            let err = aws_error(format!("reading SNS Topic ({arn})"), e);
            if err.is_not_found() {
                Ok(false)
            } else {
                Err(err)
            }
        }
    }
}

/// The topic's e-mail subscriptions: (address, subscription ARN or "PendingConfirmation").
pub async fn find_email_subscriptions(
    client: &aws_sdk_sns::Client,
    topic: &str,
) -> Result<Vec<(String, String)>> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = match client
            .list_subscriptions_by_topic()
            .topic_arn(topic)
            .set_next_token(token.take())
            .send()
            .await
        {
            Ok(o) => o,
            Err(e) => {
                let err = aws_error(
                    format!("reading the subscriptions of SNS Topic ({topic})"),
                    e,
                );
                return if err.is_not_found() {
                    Ok(Vec::new())
                } else {
                    Err(err)
                };
            }
        };
        for s in out.subscriptions() {
            if s.protocol() == Some("email") {
                found.push((
                    s.endpoint().unwrap_or_default().to_string(),
                    s.subscription_arn().unwrap_or_default().to_string(),
                ));
            }
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(found)
}

/// What kind of API `api_id` is: a REST API (by name: its alarms use the `ApiName` dimension) or an HTTP API. None: no such
/// API. A WebSocket API is an error: its stage alarms use other metrics.
pub async fn find_api(
    rest: &aws_sdk_apigateway::Client,
    v2: &aws_sdk_apigatewayv2::Client,
    api_id: &str,
) -> Result<Option<ApiKind>> {
    match rest.get_rest_api().rest_api_id(api_id).send().await {
        Ok(o) => {
            return Ok(Some(ApiKind::Rest {
                name: o.name().unwrap_or_default().to_string(),
            }))
        }
        Err(e) => {
            let err = aws_error(format!("reading API Gateway REST API ({api_id})"), e);
            if !err.is_not_found() {
                return Err(err);
            }
        }
    }
    match v2.get_api().api_id(api_id).send().await {
        Ok(o) => match o.protocol_type().map(|p| p.as_str()) {
            Some("HTTP") => Ok(Some(ApiKind::Http)),
            Some("WEBSOCKET") => Ok(Some(ApiKind::WebSocket)),
            other => Err(crate::error::Error::config(
                crate::diag::AttrPath::of("api_gateway"),
                "Unsupported API type",
                format!(
                    "API {api_id} has protocol {}; api_gateway blocks take REST, HTTP and WebSocket APIs.",
                    other.unwrap_or("(none)")
                ),
            )),
        },
        Err(e) => {
            let err = aws_error(format!("reading API Gateway v2 API ({api_id})"), e);
            if err.is_not_found() {
                Ok(None)
            } else {
                Err(err)
            }
        }
    }
}
