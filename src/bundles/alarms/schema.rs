//! Schema and validate-time checks of `secbaseline_alarms`.

use crate::diag::{AttrPath, Diag};
use crate::schema::{Attribute, Block, Nesting};
use crate::value::{Ty, Value};

use super::desired::cis_keys;
pub use super::desired::{
    DEFAULT_ERROR_THRESHOLD, DEFAULT_EVALUATION_PERIODS, DEFAULT_LATENCY_STATISTIC,
    DEFAULT_LATENCY_THRESHOLD_MS, DEFAULT_NAMESPACE, DEFAULT_PERIOD, DEFAULT_PREFIX,
    DEFAULT_THRESHOLD,
};

pub fn alarm_ty() -> Ty {
    Ty::object([
        ("name", Ty::String),
        ("arn", Ty::String),
        ("kind", Ty::String),
        ("control_id", Ty::String),
        ("namespace", Ty::String),
        ("metric_name", Ty::String),
        ("dimensions", Ty::map(Ty::String)),
        ("statistic", Ty::String),
        ("period", Ty::Number),
        ("evaluation_periods", Ty::Number),
        ("threshold", Ty::Number),
        ("comparison_operator", Ty::String),
        ("treat_missing_data", Ty::String),
        ("actions_enabled", Ty::Bool),
        ("alarm_actions", Ty::list(Ty::String)),
    ])
}

pub fn filter_ty() -> Ty {
    Ty::object([
        ("name", Ty::String),
        ("log_group_name", Ty::String),
        ("pattern", Ty::String),
        ("metric_namespace", Ty::String),
        ("metric_name", Ty::String),
        ("metric_value", Ty::String),
    ])
}

pub fn schema() -> Block {
    let api = Block::new("CloudWatch alarms for one API Gateway stage (REST, HTTP or WebSocket API): errors (REST `5XXError`, HTTP `5xx`, WebSocket `IntegrationError`) and latency, with the SNS topic as alarm action (what `apigateway_stage_alarms` checks).")
        .attr(Attribute::required("api_id", Ty::String, "ID of the REST, HTTP or WebSocket API."))
        .attr(Attribute::required("stage", Ty::String, "Stage name."))
        .attr(Attribute::optional_computed(
            "latency_statistic",
            Ty::String,
            "`p99` (default), another percentile `pNN`, or `Average`.",
        ))
        .attr(Attribute::optional_computed(
            "latency_threshold_ms",
            Ty::Number,
            "Latency alarm threshold in milliseconds (default 5000).",
        ))
        .attr(Attribute::optional_computed(
            "error_threshold",
            Ty::Number,
            "5XX errors per period that raise the alarm (default 1).",
        ));
    Block::new("The CIS CloudWatch metric filters and alarms on a CloudTrail log group, an SNS topic they notify, and API Gateway 5XX/latency alarms.")
        .attr(Attribute::computed("id", Ty::String, "The name prefix (the import ID)."))
        .attr(Attribute::optional_computed(
            "name_prefix",
            Ty::String,
            "Prefix of every filter, alarm and created topic name. Default `secbaseline-`. Changing it replaces the resource.",
        ))
        .attr(Attribute::required(
            "cloudtrail_log_group_name",
            Ty::String,
            "CloudWatch Logs log group a multi-region trail delivers to (e.g. `secbaseline_cloudtrail.main.log_group_name`).",
        ))
        .attr(Attribute::optional_computed(
            "metric_namespace",
            Ty::String,
            "Namespace of the filters' metrics. Default `CISBenchmark`.",
        ))
        .attr(Attribute::optional(
            "cis_alarms",
            Ty::list(Ty::String),
            "Which CIS alarms to create, by key (`root_usage`, `unauthorized_api_calls`, `console_signin_no_mfa`, `iam_policy_changes`, `cloudtrail_changes`, `console_auth_failures`, `kms_key_deletion`, `s3_policy_changes`, `config_changes`, `security_group_changes`, `nacl_changes`, `network_gateway_changes`, `route_table_changes`, `vpc_changes`). Default: all 14.",
        ))
        .attr(Attribute::optional_computed(
            "period",
            Ty::Number,
            "Period of the CIS alarms in seconds (default 300).",
        ))
        .attr(Attribute::optional_computed(
            "threshold",
            Ty::Number,
            "Matching events per period that raise a CIS alarm (≥ 1, default 1).",
        ))
        .attr(Attribute::optional_computed(
            "evaluation_periods",
            Ty::Number,
            "Evaluation periods of the CIS alarms (default 1).",
        ))
        .attr(Attribute::optional_computed(
            "sns_topic_arn",
            Ty::String,
            "SNS topic the alarms notify. Default: a topic the resource creates (`<name_prefix>alarms`) with a policy that lets CloudWatch (of this account only) publish. A given topic's policy must allow `cloudwatch.amazonaws.com` to publish.",
        ))
        .attr(Attribute::optional(
            "email_subscriptions",
            Ty::list(Ty::String),
            "E-mail addresses subscribed to the topic (each must confirm).",
        ))
        .attr(Attribute::computed(
            "created_sns_topic",
            Ty::Bool,
            "Whether the topic is the resource's own (deleted on destroy).",
        ))
        .attr(Attribute::computed(
            "alarms",
            Ty::list(alarm_ty()),
            "Every alarm: name, ARN, kind (`cis`, `apigateway_5xx`, `apigateway_latency`), the control it satisfies, metric, dimensions, statistic, period, threshold and actions.",
        ))
        .attr(Attribute::computed(
            "metric_filters",
            Ty::list(filter_ty()),
            "Every CIS metric filter: name, log group, pattern and metric.",
        ))
        .block("api_gateway", Nesting::List, 0, api)
}

/// True for a usable prefix (alarm and filter names; the topic name needs `[A-Za-z0-9_-]`).
pub fn is_prefix(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 64
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
}

/// `Average` or a percentile `p0`…`p100` (decimals allowed).
pub fn is_latency_statistic(s: &str) -> bool {
    s == "Average"
        || s.strip_prefix('p')
            .and_then(|n| n.parse::<f64>().ok())
            .is_some_and(|n| (0.0..=100.0).contains(&n))
}

fn err(diags: &mut Vec<Diag>, summary: &str, detail: String, path: AttrPath) {
    diags.push(Diag::error(summary, detail, Some(path)));
}

pub fn validate(config: &Value) -> Vec<Diag> {
    // Computed-only attributes are rejected for every schema by the RPC layer.
    let mut diags = Vec::new();
    if let Some(p) = config.get("name_prefix").as_str() {
        if !is_prefix(p) {
            err(
                &mut diags,
                "Invalid name_prefix",
                format!("\"{p}\" is not a usable prefix: use 1–64 letters, digits, '-' or '_'."),
                AttrPath::of("name_prefix"),
            );
        }
    }
    if let Some(g) = config.get("cloudtrail_log_group_name").as_str() {
        let allowed = |c: char| c.is_ascii_alphanumeric() || "._-/#".contains(c);
        if g.is_empty() || g.len() > 512 || !g.chars().all(allowed) {
            err(
                &mut diags,
                "Invalid log group name",
                format!("\"{g}\" is not a CloudWatch Logs group name (1–512 letters, digits, `.`, `_`, `-`, `/`, `#`); give the name, not the ARN."),
                AttrPath::of("cloudtrail_log_group_name"),
            );
        }
    }
    if let Some(ns) = config.get("metric_namespace").as_str() {
        if ns.is_empty() || ns.starts_with("AWS/") || ns.len() > 255 {
            err(
                &mut diags,
                "Invalid metric_namespace",
                format!("\"{ns}\" cannot be used: 1–255 characters, not starting with \"AWS/\"."),
                AttrPath::of("metric_namespace"),
            );
        }
    }
    if let Some(items) = config.get("cis_alarms").as_list() {
        let keys = cis_keys();
        for (i, k) in items.iter().enumerate() {
            if let Some(k) = k.as_str() {
                if !keys.contains(&k) {
                    err(
                        &mut diags,
                        "Unknown CIS alarm",
                        format!(
                            "\"{k}\" is not a CIS alarm key. Use one of: {}.",
                            keys.join(", ")
                        ),
                        AttrPath::of("cis_alarms").index(i as i64),
                    );
                }
            }
        }
    }
    if let Some(t) = config.get("threshold").as_f64() {
        if !(t >= 1.0 && t.is_finite()) {
            err(
                &mut diags,
                "Invalid threshold",
                format!("threshold must be at least 1 (one matching event); got {t}."),
                AttrPath::of("threshold"),
            );
        }
    }
    if let Some(p) = config.get("period").as_f64() {
        let ok =
            p.fract() == 0.0 && (p == 10.0 || p == 30.0 || (p >= 60.0 && (p as i64) % 60 == 0));
        if !ok {
            err(
                &mut diags,
                "Invalid period",
                format!("period must be 10, 30 or a multiple of 60 seconds; got {p}."),
                AttrPath::of("period"),
            );
        }
    }
    if let Some(n) = config.get("evaluation_periods").as_f64() {
        if n < 1.0 || n.fract() != 0.0 {
            err(
                &mut diags,
                "Invalid evaluation_periods",
                format!("evaluation_periods must be a whole number ≥ 1; got {n}."),
                AttrPath::of("evaluation_periods"),
            );
        }
    }
    if let Some(arn) = config.get("sns_topic_arn").as_str() {
        if !(arn.starts_with("arn:") && arn.split(':').nth(2) == Some("sns")) {
            err(
                &mut diags,
                "Invalid sns_topic_arn",
                format!(
                    "\"{arn}\" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)."
                ),
                AttrPath::of("sns_topic_arn"),
            );
        }
    }
    if let Some(items) = config.get("email_subscriptions").as_list() {
        for (i, e) in items.iter().enumerate() {
            if let Some(e) = e.as_str() {
                if !e.contains('@') || e.contains(char::is_whitespace) {
                    err(
                        &mut diags,
                        "Invalid e-mail address",
                        format!("\"{e}\" is not an e-mail address."),
                        AttrPath::of("email_subscriptions").index(i as i64),
                    );
                }
            }
        }
    }
    if let Some(blocks) = config.get("api_gateway").as_list() {
        let mut seen = Vec::new();
        for (i, b) in blocks.iter().enumerate() {
            let path = AttrPath::of("api_gateway").index(i as i64);
            if let Some(s) = b.get("latency_statistic").as_str() {
                if !is_latency_statistic(s) {
                    err(
                        &mut diags,
                        "Invalid latency_statistic",
                        format!("\"{s}\" is neither `Average` nor a percentile such as `p99`."),
                        path.attr("latency_statistic"),
                    );
                }
            }
            for attr in ["latency_threshold_ms", "error_threshold"] {
                if let Some(n) = b.get(attr).as_f64() {
                    if !(n > 0.0 && n.is_finite()) {
                        err(
                            &mut diags,
                            &format!("Invalid {attr}"),
                            format!("{attr} must be positive; got {n}."),
                            path.attr(attr),
                        );
                    }
                }
            }
            if let (Some(id), Some(stage)) = (b.get("api_id").as_str(), b.get("stage").as_str()) {
                if seen.contains(&(id, stage)) {
                    err(
                        &mut diags,
                        "Duplicate api_gateway block",
                        format!("API {id} stage {stage} appears twice."),
                        path.clone(),
                    );
                }
                seen.push((id, stage));
                // HTTP APIs' auto-deploying stage is literally `$default`.
                let stage_ok = stage == "$default"
                    || (!stage.is_empty()
                        && stage.len() <= 128
                        && stage
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
                if !stage_ok {
                    err(
                        &mut diags,
                        "Invalid stage",
                        format!("\"{stage}\" is not an API Gateway stage name (1–128 letters, digits, `_` or `-`, or `$default`)."),
                        path.attr("stage"),
                    );
                }
                if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                    err(
                        &mut diags,
                        "Invalid api_id",
                        format!("\"{id}\" is not an API Gateway API ID."),
                        path.attr("api_id"),
                    );
                }
            }
        }
    }
    diags
}
