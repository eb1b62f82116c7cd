//! Planning: defaults, the desired filters and alarms (fully known when the inputs are, so
//! drift read from AWS shows as a planned update), and what forces replacement.

use crate::diag::{AttrPath, Diag};
use crate::framework::{PlanRequest, PlanResponse};
use crate::value::Value;

use super::desired::{inputs_from_config, topic_name, ApiKind, Env, StateValue};
use super::schema::{
    DEFAULT_ERROR_THRESHOLD, DEFAULT_EVALUATION_PERIODS, DEFAULT_LATENCY_STATISTIC,
    DEFAULT_LATENCY_THRESHOLD_MS, DEFAULT_NAMESPACE, DEFAULT_PERIOD, DEFAULT_PREFIX,
    DEFAULT_THRESHOLD,
};

/// What AWS says at plan time: the account and each `api_gateway` block's API
/// (`None` when its ID is unknown yet; `Err` when it does not exist or cannot be used).
pub struct Lookup {
    pub env: Env,
    pub apis: Vec<Result<Option<ApiKind>, Diag>>,
}

fn default_if_null(planned: &mut Value, config: &Value, name: &str, default: Value) {
    if config.get(name).is_null() {
        planned.set(name, default);
    }
}

pub fn plan(req: PlanRequest, lookup: Option<&Lookup>) -> PlanResponse {
    let Some(mut planned) = req.proposed else {
        return PlanResponse {
            planned: None,
            requires_replace: Vec::new(),
            diags: Vec::new(),
        };
    };
    let config = &req.config;
    let prior = req.prior.as_ref();
    let mut diags = Vec::new();
    let mut requires_replace = Vec::new();

    default_if_null(
        &mut planned,
        config,
        "name_prefix",
        Value::string(DEFAULT_PREFIX),
    );
    default_if_null(
        &mut planned,
        config,
        "metric_namespace",
        Value::string(DEFAULT_NAMESPACE),
    );
    default_if_null(
        &mut planned,
        config,
        "period",
        Value::Number(DEFAULT_PERIOD as f64),
    );
    default_if_null(
        &mut planned,
        config,
        "threshold",
        Value::Number(DEFAULT_THRESHOLD),
    );
    default_if_null(
        &mut planned,
        config,
        "evaluation_periods",
        Value::Number(DEFAULT_EVALUATION_PERIODS as f64),
    );
    planned.set("id", planned.get("name_prefix").clone());
    if let Some(prior) = prior {
        if prior.get("name_prefix") != planned.get("name_prefix") {
            requires_replace.push(AttrPath::of("name_prefix"));
        }
    }

    // Block defaults.
    let cfg_blocks = config
        .get("api_gateway")
        .as_list()
        .unwrap_or_default()
        .to_vec();
    if let Some(blocks) = planned.get("api_gateway").as_list().map(<[Value]>::to_vec) {
        let blocks = blocks
            .into_iter()
            .enumerate()
            .map(|(i, mut b)| {
                let cfg = cfg_blocks.get(i).cloned().unwrap_or(Value::Null);
                default_if_null(
                    &mut b,
                    &cfg,
                    "latency_statistic",
                    Value::string(DEFAULT_LATENCY_STATISTIC),
                );
                default_if_null(
                    &mut b,
                    &cfg,
                    "latency_threshold_ms",
                    Value::Number(DEFAULT_LATENCY_THRESHOLD_MS),
                );
                default_if_null(
                    &mut b,
                    &cfg,
                    "error_threshold",
                    Value::Number(DEFAULT_ERROR_THRESHOLD),
                );
                b
            })
            .collect();
        planned.set("api_gateway", Value::List(blocks));
    }

    let created_topic = match config.get("sns_topic_arn") {
        Value::Null => Value::Bool(true),
        Value::Unknown => Value::Unknown,
        _ => Value::Bool(false),
    };
    planned.set("created_sns_topic", created_topic.clone());
    let inputs = inputs_from_config(config);
    if created_topic == Value::Bool(true) {
        let arn = match (lookup, planned.get("name_prefix").as_str()) {
            (Some(l), Some(p)) => Value::string(l.env.topic_arn(&topic_name(p))),
            _ => Value::Unknown,
        };
        planned.set("sns_topic_arn", arn);
    }
    planned.set(
        "metric_filters",
        inputs
            .as_ref()
            .map(|i| Value::List(i.filters().iter().map(|f| f.to_value()).collect()))
            .unwrap_or(Value::Unknown),
    );

    let mut kinds = Vec::new();
    let mut all_known = lookup.is_some();
    if let Some(l) = lookup {
        for (i, k) in l.apis.iter().enumerate() {
            match k {
                Ok(Some(kind)) => kinds.push(kind.clone()),
                Ok(None) => all_known = false,
                Err(d) => {
                    let mut d = d.clone();
                    d.path = Some(AttrPath::of("api_gateway").index(i as i64).attr("api_id"));
                    diags.push(d);
                    all_known = false;
                }
            }
        }
    }
    let alarms = match (&inputs, lookup) {
        (Some(i), Some(l)) if all_known && kinds.len() == i.apis.len() => Value::List(
            i.alarms(&l.env, &kinds)
                .iter()
                .map(|a| a.to_value())
                .collect(),
        ),
        _ => Value::Unknown,
    };
    planned.set("alarms", alarms);
    PlanResponse {
        planned: Some(planned),
        requires_replace,
        diags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup() -> Lookup {
        Lookup {
            env: Env {
                partition: "aws".into(),
                account: "123456789012".into(),
                region: "us-east-1".into(),
            },
            apis: Vec::new(),
        }
    }

    #[test]
    fn create_plans_everything_known() {
        let cfg = Value::object([("cloudtrail_log_group_name", Value::string("trail"))]);
        let resp = plan(
            PlanRequest {
                prior: None,
                proposed: Some(cfg.clone()),
                config: cfg,
            },
            Some(&lookup()),
        );
        let p = resp.planned.expect("planned");
        assert_eq!(p.get("alarms").as_list().map(<[Value]>::len), Some(14));
        assert_eq!(
            p.get("metric_filters").as_list().map(<[Value]>::len),
            Some(14)
        );
        assert_eq!(
            p.get("sns_topic_arn").as_str(),
            Some("arn:aws:sns:us-east-1:123456789012:secbaseline-alarms")
        );
        assert_eq!(p.get("threshold").as_f64(), Some(1.0));
    }

    #[test]
    fn a_missing_api_is_a_diagnostic_on_its_block() {
        let cfg = Value::object([
            ("cloudtrail_log_group_name", Value::string("trail")),
            (
                "api_gateway",
                Value::List(vec![Value::object([
                    ("api_id", Value::string("nope")),
                    ("stage", Value::string("prod")),
                ])]),
            ),
        ]);
        let mut l = lookup();
        l.apis = vec![Err(Diag::error("API not found", "x", None))];
        let resp = plan(
            PlanRequest {
                prior: None,
                proposed: Some(cfg.clone()),
                config: cfg,
            },
            Some(&l),
        );
        assert_eq!(
            resp.diags[0]
                .path
                .as_ref()
                .map(|p| p.to_string())
                .as_deref(),
            Some("api_gateway[0].api_id")
        );
    }
}
