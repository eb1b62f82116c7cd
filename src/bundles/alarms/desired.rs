//! The desired filters, alarms and topic: names, patterns (the engine's CIS constants, never
//! retyped), metrics and dimensions (Ruling 6 for API Gateway stages).

use std::collections::BTreeMap;

use secbaseline_engine::rules::logging::CIS_ALARMS;
use secbaseline_engine::rules::Rule;

use crate::value::Value;

use super::schema::{
    DEFAULT_ERROR_THRESHOLD, DEFAULT_EVALUATION_PERIODS, DEFAULT_LATENCY_STATISTIC,
    DEFAULT_LATENCY_THRESHOLD_MS, DEFAULT_NAMESPACE, DEFAULT_PERIOD, DEFAULT_PREFIX,
    DEFAULT_THRESHOLD,
};

const CONTROL_PREFIX: &str = "cloudwatch_alarm_";
pub const KIND_CIS: &str = "cis";
pub const KIND_5XX: &str = "apigateway_5xx";
pub const KIND_LATENCY: &str = "apigateway_latency";
pub const STAGE_ALARMS_CONTROL: &str = "apigateway_stage_alarms";
/// Infix of API Gateway alarm names: `<prefix>apigw-<api_id>-<stage>-5xx|latency`.
pub const APIGW_INFIX: &str = "apigw-";

/// One CIS alarm of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cis {
    /// `root_usage`
    pub key: &'static str,
    pub control_id: &'static str,
    pub pattern: &'static str,
}

/// The fourteen CIS alarms, in catalogue order.
pub fn cis() -> Vec<Cis> {
    CIS_ALARMS
        .iter()
        .map(|a| {
            let id = a.meta().id;
            Cis {
                key: id.strip_prefix(CONTROL_PREFIX).unwrap_or(id),
                control_id: id,
                pattern: a.pattern,
            }
        })
        .collect()
}

pub fn cis_keys() -> Vec<&'static str> {
    cis().into_iter().map(|c| c.key).collect()
}

impl Cis {
    /// Filter and alarm name: `<prefix>root-usage`.
    pub fn name(&self, prefix: &str) -> String {
        format!("{prefix}{}", self.key.replace('_', "-"))
    }

    /// Metric name: `RootUsage`.
    pub fn metric_name(&self) -> String {
        self.key
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                    None => String::new(),
                }
            })
            .collect()
    }

    /// The CIS alarm whose name is `name` under `prefix`.
    pub fn by_name(prefix: &str, name: &str) -> Option<Cis> {
        cis().into_iter().find(|c| c.name(prefix) == name)
    }
}

/// Whether an alarm name belongs to this resource's scheme.
pub fn is_our_alarm(prefix: &str, name: &str) -> bool {
    Cis::by_name(prefix, name).is_some() || parse_apigw_name(prefix, name).is_some()
}

/// `<prefix>apigw-<api_id>-<stage>-5xx|latency` → (api_id, stage, kind).
pub fn parse_apigw_name(prefix: &str, name: &str) -> Option<(String, String, &'static str)> {
    let rest = name.strip_prefix(prefix)?.strip_prefix(APIGW_INFIX)?;
    let (rest, kind) = if let Some(r) = rest.strip_suffix("-5xx") {
        (r, KIND_5XX)
    } else {
        (rest.strip_suffix("-latency")?, KIND_LATENCY)
    };
    let (id, stage) = rest.split_once('-')?;
    (!id.is_empty() && !stage.is_empty()).then(|| (id.to_string(), stage.to_string(), kind))
}

/// An API's kind, as AWS reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiKind {
    Rest { name: String },
    Http,
}

/// Account, region and partition names are derived in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Env {
    pub partition: String,
    pub account: String,
    pub region: String,
}

impl Env {
    pub fn alarm_arn(&self, name: &str) -> String {
        format!(
            "arn:{}:cloudwatch:{}:{}:alarm:{name}",
            self.partition, self.region, self.account
        )
    }
    pub fn topic_arn(&self, name: &str) -> String {
        format!(
            "arn:{}:sns:{}:{}:{name}",
            self.partition, self.region, self.account
        )
    }
}

/// Name of the topic the resource creates.
pub fn topic_name(prefix: &str) -> String {
    format!("{prefix}alarms")
}

/// A metric filter to deploy.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterSpec {
    pub name: String,
    pub log_group_name: String,
    pub pattern: String,
    pub metric_namespace: String,
    pub metric_name: String,
    pub metric_value: String,
}

impl FilterSpec {
    pub fn to_value(&self) -> Value {
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

/// An alarm to deploy.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmSpec {
    pub name: String,
    pub arn: String,
    pub kind: String,
    pub control_id: String,
    pub namespace: String,
    pub metric_name: String,
    pub dimensions: BTreeMap<String, String>,
    /// `Sum`, `Average`, … or a percentile (`p99`: an extended statistic).
    pub statistic: String,
    pub period: i64,
    pub evaluation_periods: i64,
    pub threshold: f64,
    pub comparison_operator: String,
    pub treat_missing_data: String,
    pub actions_enabled: bool,
    pub alarm_actions: Vec<String>,
}

impl AlarmSpec {
    pub fn to_value(&self) -> Value {
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

    /// True for one of the statistics CloudWatch calls "extended" (percentiles).
    pub fn is_extended(&self) -> bool {
        self.statistic.starts_with('p')
    }
}

/// One `api_gateway` block, with defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiSpec {
    pub api_id: String,
    pub stage: String,
    pub latency_statistic: String,
    pub latency_threshold_ms: f64,
    pub error_threshold: f64,
}

/// The configuration's inputs, with defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub prefix: String,
    pub log_group: String,
    pub namespace: String,
    pub cis: Vec<Cis>,
    pub period: i64,
    pub threshold: f64,
    pub evaluation_periods: i64,
    /// None: the resource's own topic.
    pub given_topic: Option<String>,
    pub emails: Option<Vec<String>>,
    pub apis: Vec<ApiSpec>,
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

impl Inputs {
    /// The inputs of a configuration; None while any is unknown.
    pub fn from_config(config: &Value) -> Option<Inputs> {
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

    /// The topic the alarms notify.
    pub fn topic_arn(&self, env: &Env) -> String {
        self.given_topic
            .clone()
            .unwrap_or_else(|| env.topic_arn(&topic_name(&self.prefix)))
    }

    pub fn filters(&self) -> Vec<FilterSpec> {
        self.cis
            .iter()
            .map(|c| FilterSpec {
                name: c.name(&self.prefix),
                log_group_name: self.log_group.clone(),
                pattern: c.pattern.to_string(),
                metric_namespace: self.namespace.clone(),
                metric_name: c.metric_name(),
                metric_value: "1".to_string(),
            })
            .collect()
    }

    /// Every alarm: the CIS ones in catalogue order, then the API Gateway ones by name.
    /// `kinds[i]` is the kind of `apis[i]`.
    pub fn alarms(&self, env: &Env, kinds: &[ApiKind]) -> Vec<AlarmSpec> {
        let topic = self.topic_arn(env);
        let base = |name: String, kind: &str, control: &str| AlarmSpec {
            arn: env.alarm_arn(&name),
            name,
            kind: kind.to_string(),
            control_id: control.to_string(),
            namespace: String::new(),
            metric_name: String::new(),
            dimensions: BTreeMap::new(),
            statistic: "Sum".to_string(),
            period: self.period,
            evaluation_periods: self.evaluation_periods,
            threshold: self.threshold,
            comparison_operator: "GreaterThanOrEqualToThreshold".to_string(),
            treat_missing_data: "notBreaching".to_string(),
            actions_enabled: true,
            alarm_actions: vec![topic.clone()],
        };
        let mut out: Vec<AlarmSpec> = self
            .cis
            .iter()
            .map(|c| AlarmSpec {
                namespace: self.namespace.clone(),
                metric_name: c.metric_name(),
                ..base(c.name(&self.prefix), KIND_CIS, c.control_id)
            })
            .collect();
        let mut api_alarms = Vec::new();
        for (api, kind) in self.apis.iter().zip(kinds) {
            let stem = format!("{}{APIGW_INFIX}{}-{}", self.prefix, api.api_id, api.stage);
            let (errors_metric, dimensions) = match kind {
                ApiKind::Rest { name } => (
                    "5XXError",
                    BTreeMap::from([
                        ("ApiName".to_string(), name.clone()),
                        ("Stage".to_string(), api.stage.clone()),
                    ]),
                ),
                ApiKind::Http => (
                    "5xx",
                    BTreeMap::from([
                        ("ApiId".to_string(), api.api_id.clone()),
                        ("Stage".to_string(), api.stage.clone()),
                    ]),
                ),
            };
            api_alarms.push(AlarmSpec {
                namespace: "AWS/ApiGateway".to_string(),
                metric_name: errors_metric.to_string(),
                dimensions: dimensions.clone(),
                period: 60,
                evaluation_periods: 1,
                threshold: api.error_threshold,
                ..base(format!("{stem}-5xx"), KIND_5XX, STAGE_ALARMS_CONTROL)
            });
            api_alarms.push(AlarmSpec {
                namespace: "AWS/ApiGateway".to_string(),
                metric_name: "Latency".to_string(),
                dimensions,
                statistic: api.latency_statistic.clone(),
                period: 300,
                evaluation_periods: 1,
                threshold: api.latency_threshold_ms,
                ..base(
                    format!("{stem}-latency"),
                    KIND_LATENCY,
                    STAGE_ALARMS_CONTROL,
                )
            });
        }
        api_alarms.sort_by(|a, b| a.name.cmp(&b.name));
        out.extend(api_alarms);
        out
    }
}

/// Orders alarms as [`Inputs::alarms`] does: CIS in catalogue order, then by name.
pub fn alarm_order(prefix: &str, name: &str) -> (usize, String) {
    let cis = cis();
    let pos = cis
        .iter()
        .position(|c| c.name(prefix) == name)
        .unwrap_or(cis.len());
    (pos, name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secbaseline_engine::rules::logging::normalize_pattern;

    fn env() -> Env {
        Env {
            partition: "aws".into(),
            account: "123456789012".into(),
            region: "us-east-1".into(),
        }
    }

    fn inputs(extra: &[(&str, Value)]) -> Inputs {
        let mut cfg = Value::object([("cloudtrail_log_group_name", Value::string("trail"))]);
        for (k, v) in extra {
            cfg.set(k, v.clone());
        }
        Inputs::from_config(&cfg).expect("known")
    }

    #[test]
    fn fourteen_filters_with_the_engine_patterns() {
        let i = inputs(&[]);
        let filters = i.filters();
        assert_eq!(filters.len(), 14);
        for (f, rule) in filters.iter().zip(CIS_ALARMS.iter()) {
            assert_eq!(
                normalize_pattern(&f.pattern),
                normalize_pattern(rule.pattern)
            );
        }
        assert_eq!(filters[0].name, "secbaseline-root-usage");
        assert_eq!(filters[0].metric_name, "RootUsage");
        assert_eq!(filters[0].metric_namespace, "CISBenchmark");
    }

    #[test]
    fn cis_alarms_notify_the_created_topic() {
        let i = inputs(&[(
            "cis_alarms",
            Value::string_list(["root_usage", "vpc_changes"]),
        )]);
        let alarms = i.alarms(&env(), &[]);
        assert_eq!(alarms.len(), 2);
        let a = &alarms[0];
        assert_eq!(a.control_id, "cloudwatch_alarm_root_usage");
        assert_eq!(
            a.alarm_actions,
            vec!["arn:aws:sns:us-east-1:123456789012:secbaseline-alarms"]
        );
        assert_eq!(a.treat_missing_data, "notBreaching");
        assert_eq!(
            a.arn,
            "arn:aws:cloudwatch:us-east-1:123456789012:alarm:secbaseline-root-usage"
        );
    }

    #[test]
    fn api_alarms_follow_ruling_6() {
        let api = |id: &str| {
            Value::object([
                ("api_id", Value::string(id)),
                ("stage", Value::string("prod")),
            ])
        };
        let i = inputs(&[
            ("cis_alarms", Value::List(Vec::new())),
            ("api_gateway", Value::List(vec![api("rest1"), api("http1")])),
        ]);
        let alarms = i.alarms(
            &env(),
            &[
                ApiKind::Rest {
                    name: "shop".into(),
                },
                ApiKind::Http,
            ],
        );
        let by = |n: &str| alarms.iter().find(|a| a.name == n).expect(n);
        let rest = by("secbaseline-apigw-rest1-prod-5xx");
        assert_eq!(rest.metric_name, "5XXError");
        assert_eq!(
            rest.dimensions.get("ApiName").map(String::as_str),
            Some("shop")
        );
        let http = by("secbaseline-apigw-http1-prod-5xx");
        assert_eq!(http.metric_name, "5xx");
        assert_eq!(
            http.dimensions.get("ApiId").map(String::as_str),
            Some("http1")
        );
        let lat = by("secbaseline-apigw-http1-prod-latency");
        assert_eq!(lat.statistic, "p99");
        assert!(lat.is_extended());
        assert_eq!(
            parse_apigw_name("secbaseline-", "secbaseline-apigw-rest1-my-stage-latency"),
            Some(("rest1".into(), "my-stage".into(), KIND_LATENCY))
        );
        assert!(is_our_alarm("secbaseline-", "secbaseline-vpc-changes"));
        assert!(!is_our_alarm("secbaseline-", "secbaseline-other"));
    }
}
