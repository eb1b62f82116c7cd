//! `secbaseline_alarms`: the fourteen CIS metric filters (patterns from the catalogue, never
//! retyped), one alarm each on a metric named after the control, the SNS topic they notify,
//! and the API Gateway error and latency alarms per stage that `apigateway_stage_alarms`
//! looks for (REST: `5XXError` by `ApiName`+`Stage`; HTTP: `5xx` by `ApiId`+`Stage`;
//! WebSocket: `IntegrationError` by `ApiId`+`Stage`). Names, defaults and metrics are here;
//! the resource converges AWS to [`AlarmInputs::filters`] and [`AlarmInputs::alarms`].

use std::collections::BTreeMap;

use crate::rules::logging::CIS_ALARMS;
use crate::rules::Rule;

/// The resource type.
pub const RESOURCE_TYPE: &str = "secbaseline_alarms";

/// `name_prefix` when the configuration leaves it out.
pub const DEFAULT_PREFIX: &str = "secbaseline-";
/// Namespace of the CIS filters' metrics.
pub const DEFAULT_NAMESPACE: &str = "CISBenchmark";
/// Period of the CIS alarms, seconds.
pub const DEFAULT_PERIOD: i64 = 300;
/// Matching events per period that raise a CIS alarm.
pub const DEFAULT_THRESHOLD: f64 = 1.0;
/// Evaluation periods of the CIS alarms.
pub const DEFAULT_EVALUATION_PERIODS: i64 = 1;
/// Statistic of the API Gateway latency alarms.
pub const DEFAULT_LATENCY_STATISTIC: &str = "p99";
/// Threshold of the API Gateway latency alarms, milliseconds.
pub const DEFAULT_LATENCY_THRESHOLD_MS: f64 = 5000.0;
/// Errors per period that raise an API Gateway error alarm.
pub const DEFAULT_ERROR_THRESHOLD: f64 = 1.0;

/// `kind` of a CIS alarm.
pub const KIND_CIS: &str = "cis";
/// `kind` of an API Gateway stage's error alarm.
pub const KIND_5XX: &str = "apigateway_5xx";
/// `kind` of an API Gateway stage's latency alarm.
pub const KIND_LATENCY: &str = "apigateway_latency";
/// The control the API Gateway alarms satisfy.
pub const STAGE_ALARMS_CONTROL: &str = "apigateway_stage_alarms";
/// Infix of API Gateway alarm names: `<prefix>apigw-<api_id>-<stage>-5xx|latency`.
pub const APIGW_INFIX: &str = "apigw-";
/// Namespace of API Gateway metrics.
pub const APIGATEWAY_NAMESPACE: &str = "AWS/ApiGateway";

const CONTROL_PREFIX: &str = "cloudwatch_alarm_";

/// One CIS alarm of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cis {
    /// `root_usage`
    pub key: &'static str,
    /// `cloudwatch_alarm_root_usage`
    pub control_id: &'static str,
    /// The filter pattern the control requires.
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

/// The keys `cis_alarms` accepts, in catalogue order.
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
    /// A REST API (v1) and its name, which its metrics are dimensioned by.
    Rest { name: String },
    /// An HTTP API (v2).
    Http,
    /// A WebSocket API (v2).
    WebSocket,
}

impl ApiKind {
    /// The error metric and its dimensions for stage `stage` of API `api_id`.
    pub fn error_metric(
        &self,
        api_id: &str,
        stage: &str,
    ) -> (&'static str, BTreeMap<String, String>) {
        (self.metrics().0, self.dimensions(api_id, stage))
    }

    /// The latency metric and its dimensions for stage `stage` of API `api_id`.
    pub fn latency_metric(
        &self,
        api_id: &str,
        stage: &str,
    ) -> (&'static str, BTreeMap<String, String>) {
        (self.metrics().1, self.dimensions(api_id, stage))
    }

    /// (error metric, latency metric).
    fn metrics(&self) -> (&'static str, &'static str) {
        match self {
            ApiKind::Rest { .. } => ("5XXError", "Latency"),
            ApiKind::Http => ("5xx", "Latency"),
            ApiKind::WebSocket => ("IntegrationError", "IntegrationLatency"),
        }
    }

    fn dimensions(&self, api_id: &str, stage: &str) -> BTreeMap<String, String> {
        let api = match self {
            ApiKind::Rest { name } => ("ApiName".to_string(), name.clone()),
            ApiKind::Http | ApiKind::WebSocket => ("ApiId".to_string(), api_id.to_string()),
        };
        BTreeMap::from([api, ("Stage".to_string(), stage.to_string())])
    }
}

/// Account, region and partition names and ARNs are derived in.
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

/// The resource's inputs, with defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmInputs {
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

impl AlarmInputs {
    /// The topic the alarms notify.
    pub fn topic_arn(&self, env: &Env) -> String {
        self.given_topic
            .clone()
            .unwrap_or_else(|| env.topic_arn(&topic_name(&self.prefix)))
    }

    /// The CIS metric filters, in catalogue order.
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
            let stem = apigw_alarm_stem(&self.prefix, &api.api_id, &api.stage);
            let (errors, dimensions) = kind.error_metric(&api.api_id, &api.stage);
            api_alarms.push(AlarmSpec {
                namespace: APIGATEWAY_NAMESPACE.to_string(),
                metric_name: errors.to_string(),
                dimensions,
                period: 60,
                evaluation_periods: 1,
                threshold: api.error_threshold,
                ..base(format!("{stem}-5xx"), KIND_5XX, STAGE_ALARMS_CONTROL)
            });
            let (latency, dimensions) = kind.latency_metric(&api.api_id, &api.stage);
            api_alarms.push(AlarmSpec {
                namespace: APIGATEWAY_NAMESPACE.to_string(),
                metric_name: latency.to_string(),
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

/// `<prefix>apigw-<api_id>-<stage>`: the common stem of a stage's two alarms.
pub fn apigw_alarm_stem(prefix: &str, api_id: &str, stage: &str) -> String {
    format!("{prefix}{APIGW_INFIX}{api_id}-{stage}")
}

/// Orders alarms as [`AlarmInputs::alarms`] does: CIS in catalogue order, then by name.
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
    use crate::remediation::Bundle;

    fn env() -> Env {
        Env {
            partition: "aws".into(),
            account: "123456789012".into(),
            region: "us-east-1".into(),
        }
    }

    fn inputs(cis_keys: Option<&[&str]>, apis: &[&str]) -> AlarmInputs {
        AlarmInputs {
            prefix: DEFAULT_PREFIX.into(),
            log_group: "trail".into(),
            namespace: DEFAULT_NAMESPACE.into(),
            cis: cis()
                .into_iter()
                .filter(|c| cis_keys.is_none_or(|k| k.contains(&c.key)))
                .collect(),
            period: DEFAULT_PERIOD,
            threshold: DEFAULT_THRESHOLD,
            evaluation_periods: DEFAULT_EVALUATION_PERIODS,
            given_topic: None,
            emails: None,
            apis: apis
                .iter()
                .map(|id| ApiSpec {
                    api_id: (*id).into(),
                    stage: "prod".into(),
                    latency_statistic: DEFAULT_LATENCY_STATISTIC.into(),
                    latency_threshold_ms: DEFAULT_LATENCY_THRESHOLD_MS,
                    error_threshold: DEFAULT_ERROR_THRESHOLD,
                })
                .collect(),
        }
    }

    #[test]
    fn one_filter_and_alarm_per_cis_control_the_bundle_remediates() {
        let i = inputs(None, &[]);
        let filters = i.filters();
        let alarms = i.alarms(&env(), &[]);
        let mut controls: Vec<&str> = alarms.iter().map(|a| a.control_id.as_str()).collect();
        controls.push("cloudwatch_alarm_actions");
        controls.push(STAGE_ALARMS_CONTROL);
        controls.sort_unstable();
        let mut remediated = Bundle::Alarms.controls();
        remediated.sort_unstable();
        assert_eq!(controls, remediated);
        assert_eq!(filters.len(), alarms.len());
        for (f, a) in filters.iter().zip(&alarms) {
            let rule = crate::rules::find(&a.control_id).map(|r| r.meta().id);
            assert_eq!(rule, Some(a.control_id.as_str()));
            assert_eq!(
                (&f.metric_namespace, &f.metric_name),
                (&a.namespace, &a.metric_name)
            );
            assert_eq!(f.name, a.name);
        }
        assert_eq!(filters[0].name, "secbaseline-root-usage");
        assert_eq!(filters[0].metric_name, "RootUsage");
    }

    #[test]
    fn cis_alarms_notify_the_created_topic() {
        let alarms = inputs(Some(&["root_usage", "vpc_changes"]), &[]).alarms(&env(), &[]);
        assert_eq!(alarms.len(), 2);
        let a = &alarms[0];
        assert_eq!(a.control_id, "cloudwatch_alarm_root_usage");
        assert_eq!(
            a.alarm_actions,
            vec!["arn:aws:sns:us-east-1:123456789012:secbaseline-alarms"]
        );
        assert_eq!(
            a.arn,
            "arn:aws:cloudwatch:us-east-1:123456789012:alarm:secbaseline-root-usage"
        );
    }

    #[test]
    fn stage_alarms_use_each_api_kinds_metrics() {
        let i = inputs(Some(&[]), &["rest1", "http1", "ws1"]);
        let alarms = i.alarms(
            &env(),
            &[
                ApiKind::Rest {
                    name: "shop".into(),
                },
                ApiKind::Http,
                ApiKind::WebSocket,
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
        let ws = by("secbaseline-apigw-ws1-prod-5xx");
        assert_eq!(ws.metric_name, "IntegrationError");
        assert_eq!(ws.dimensions.get("ApiId").map(String::as_str), Some("ws1"));
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
