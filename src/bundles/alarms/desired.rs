//! The desired filters, alarms and topic come from the engine's description of this bundle
//! (`secbaseline_engine::remediation::alarms`); this module reads them from a configuration
//! and writes them as state values.

use secbaseline_engine::remediation::alarms::ApiSpec;
pub use secbaseline_engine::remediation::alarms::{
    alarm_order, cis, cis_keys, is_our_alarm, parse_apigw_name, topic_name, AlarmInputs as Inputs,
    AlarmSpec, ApiKind, Cis, Env, FilterSpec, DEFAULT_ERROR_THRESHOLD, DEFAULT_EVALUATION_PERIODS,
    DEFAULT_LATENCY_STATISTIC, DEFAULT_LATENCY_THRESHOLD_MS, DEFAULT_NAMESPACE, DEFAULT_PERIOD,
    DEFAULT_PREFIX, DEFAULT_THRESHOLD, KIND_5XX, KIND_CIS, KIND_LATENCY, STAGE_ALARMS_CONTROL,
};

use crate::value::Value;

/// A filter or alarm as an element of the resource's `metric_filters` / `alarms` lists.
pub trait StateValue {
    fn to_value(&self) -> Value;
}

impl StateValue for FilterSpec {
    fn to_value(&self) -> Value {
        Value::object([
            ("name", Value::string(&self.name)),
            ("log_group_name", Value::string(&self.log_group_name)),
            ("pattern", Value::string(&self.pattern)),
            ("metric_namespace", Value::string(&self.metric_namespace)),
            ("metric_name", Value::string(&self.metric_name)),
            ("metric_value", Value::string(&self.metric_value)),
        ])
    }
}

impl StateValue for AlarmSpec {
    fn to_value(&self) -> Value {
        Value::object([
            ("name", Value::string(&self.name)),
            ("arn", Value::string(&self.arn)),
            ("kind", Value::string(&self.kind)),
            ("control_id", Value::string(&self.control_id)),
            ("namespace", Value::string(&self.namespace)),
            ("metric_name", Value::string(&self.metric_name)),
            (
                "dimensions",
                Value::Map(
                    self.dimensions
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::string(v)))
                        .collect(),
                ),
            ),
            ("statistic", Value::string(&self.statistic)),
            ("period", Value::Number(self.period as f64)),
            (
                "evaluation_periods",
                Value::Number(self.evaluation_periods as f64),
            ),
            ("threshold", Value::Number(self.threshold)),
            (
                "comparison_operator",
                Value::string(&self.comparison_operator),
            ),
            (
                "treat_missing_data",
                Value::string(&self.treat_missing_data),
            ),
            ("actions_enabled", Value::Bool(self.actions_enabled)),
            (
                "alarm_actions",
                Value::string_list(self.alarm_actions.clone()),
            ),
        ])
    }
}

fn str_or(v: &Value, default: &str) -> Option<String> {
    match v {
        Value::Null => Some(default.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn num_or(v: &Value, default: f64) -> Option<f64> {
    match v {
        Value::Null => Some(default),
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

/// The inputs of a configuration, defaults applied; None while any is unknown.
pub fn inputs_from_config(config: &Value) -> Option<Inputs> {
    let cis = match config.get("cis_alarms") {
        Value::Null => cis(),
        v if v.is_wholly_known() => {
            let wanted = v.strings();
            cis()
                .into_iter()
                .filter(|c| wanted.iter().any(|w| w == c.key))
                .collect()
        }
        _ => return None,
    };
    let emails = match config.get("email_subscriptions") {
        Value::Null => None,
        v if v.is_wholly_known() => Some(v.strings()),
        _ => return None,
    };
    let given_topic = match config.get("sns_topic_arn") {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        _ => return None,
    };
    let mut apis = Vec::new();
    for b in config.get("api_gateway").as_list().unwrap_or_default() {
        apis.push(ApiSpec {
            api_id: b.get("api_id").as_str()?.to_string(),
            stage: b.get("stage").as_str()?.to_string(),
            latency_statistic: str_or(b.get("latency_statistic"), DEFAULT_LATENCY_STATISTIC)?,
            latency_threshold_ms: num_or(
                b.get("latency_threshold_ms"),
                DEFAULT_LATENCY_THRESHOLD_MS,
            )?,
            error_threshold: num_or(b.get("error_threshold"), DEFAULT_ERROR_THRESHOLD)?,
        });
    }
    Some(Inputs {
        prefix: str_or(config.get("name_prefix"), DEFAULT_PREFIX)?,
        log_group: config
            .get("cloudtrail_log_group_name")
            .as_str()?
            .to_string(),
        namespace: str_or(config.get("metric_namespace"), DEFAULT_NAMESPACE)?,
        cis,
        period: num_or(config.get("period"), DEFAULT_PERIOD as f64)? as i64,
        threshold: num_or(config.get("threshold"), DEFAULT_THRESHOLD)?,
        evaluation_periods: num_or(
            config.get("evaluation_periods"),
            DEFAULT_EVALUATION_PERIODS as f64,
        )? as i64,
        given_topic,
        emails,
        apis,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_what_the_configuration_leaves_out() {
        let cfg = Value::object([("cloudtrail_log_group_name", Value::string("trail"))]);
        let i = inputs_from_config(&cfg).expect("known");
        assert_eq!(i.prefix, DEFAULT_PREFIX);
        assert_eq!(i.namespace, DEFAULT_NAMESPACE);
        assert_eq!(i.cis.len(), cis_keys().len());
        assert_eq!(i.period, DEFAULT_PERIOD);
        let mut picked = cfg.clone();
        picked.set("cis_alarms", Value::string_list(["vpc_changes"]));
        let i = inputs_from_config(&picked).expect("known");
        assert_eq!(
            i.cis.iter().map(|c| c.key).collect::<Vec<_>>(),
            ["vpc_changes"]
        );
        let mut unknown = cfg;
        unknown.set("sns_topic_arn", Value::Unknown);
        assert_eq!(inputs_from_config(&unknown), None);
    }
}
