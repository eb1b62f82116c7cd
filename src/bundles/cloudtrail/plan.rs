//! Planning: defaults, what is known before apply, what forces replacement, and how drift
//! read from AWS turns into a planned update.

use crate::diag::AttrPath;
use crate::framework::{PlanRequest, PlanResponse};
use crate::value::Value;

use super::naming::{self, TrailOutcome, DEFAULT_RETENTION_DAYS};

/// Computed attributes that only apply can fill on create.
const UNKNOWN_ON_CREATE: &[&str] = &["arn", "bucket_arn", "log_group_arn", "cloudwatch_role_arn"];

/// Sets the default of an optional+computed attribute the configuration leaves null.
fn default_if_null(planned: &mut Value, config: &Value, name: &str, default: Value) {
    if config.get(name).is_null() {
        planned.set(name, default);
    }
}

/// `prior`'s value of a computed attribute, or unknown when the prior has none.
fn keep_or_unknown(prior: &Value, name: &str) -> Value {
    match prior.get(name) {
        Value::Null => Value::Unknown,
        v => v.clone(),
    }
}

/// The controls the planned configuration makes pass (unknown while an input is unknown).
fn desired_controls(planned: &Value, created_bucket: &Value) -> Value {
    match (planned.get("enable_log_file_validation"), created_bucket) {
        (Value::Bool(validation), Value::Bool(created)) => {
            Value::string_list(TrailOutcome::desired(*validation, *created).controls())
        }
        _ => Value::Unknown,
    }
}

fn is_null_in(config: &Value, name: &str) -> Value {
    match config.get(name) {
        Value::Unknown => Value::Unknown,
        v => Value::Bool(v.is_null()),
    }
}

/// Plans create, update (with drift repair and replacement) and destroy.
/// `provider_region` is the region the provider is configured for (None when unknown).
pub fn plan(req: PlanRequest, provider_region: Option<&str>) -> PlanResponse {
    let Some(proposed) = req.proposed else {
        return PlanResponse {
            planned: None,
            requires_replace: Vec::new(),
            diags: Vec::new(),
        };
    };
    let config = &req.config;
    let mut planned = proposed.clone();
    let mut requires_replace = Vec::new();

    default_if_null(
        &mut planned,
        config,
        "retention_in_days",
        Value::Number(DEFAULT_RETENTION_DAYS as f64),
    );
    default_if_null(
        &mut planned,
        config,
        "enable_log_file_validation",
        Value::Bool(true),
    );
    default_if_null(&mut planned, config, "force_destroy", Value::Bool(false));
    if planned.get("data_events").is_null() {
        planned.set("data_events", Value::List(Vec::new()));
    }
    let name = planned.get("name").clone();
    planned.set("id", name.clone());
    planned.set(
        "log_group_name",
        name.as_str()
            .map(|n| Value::string(naming::log_group(n)))
            .unwrap_or(Value::Unknown),
    );
    planned.set("is_logging", Value::Bool(true));
    let created_bucket = is_null_in(config, "s3_bucket_name");
    let created_key = is_null_in(config, "kms_key_arn");
    planned.set("created_bucket", created_bucket.clone());
    planned.set("created_kms_key", created_key.clone());
    planned.set(
        "controls_satisfied",
        desired_controls(&planned, &created_bucket),
    );
    let region = provider_region.map(Value::string).unwrap_or(Value::Unknown);

    match &req.prior {
        None => {
            for attr in UNKNOWN_ON_CREATE {
                planned.set(attr, Value::Unknown);
            }
            planned.set("home_region", region);
            if config.get("s3_bucket_name").is_null() {
                planned.set("s3_bucket_name", Value::Unknown);
            }
            if config.get("kms_key_arn").is_null() {
                planned.set("kms_key_arn", Value::Unknown);
            }
            planned.set(
                "access_log_bucket_name",
                if created_bucket == Value::Bool(false) {
                    Value::Null
                } else {
                    Value::Unknown
                },
            );
        }
        Some(prior) => {
            if prior.get("name") != planned.get("name") {
                requires_replace.push(AttrPath::of("name"));
            }
            if let (Some(new), Some(old)) = (provider_region, prior.get("home_region").as_str()) {
                if new != old {
                    planned.set("home_region", Value::string(new));
                    requires_replace.push(AttrPath::of("home_region"));
                }
            }
            // The bucket: a given one that changes, or a switch between given and created,
            // means a new trail bucket and its history elsewhere: replace.
            match config.get("s3_bucket_name") {
                Value::Null if prior.get("created_bucket") != &Value::Bool(true) => {
                    planned.set("s3_bucket_name", Value::Unknown);
                    requires_replace.push(AttrPath::of("s3_bucket_name"));
                }
                Value::Null => {
                    planned.set("s3_bucket_name", keep_or_unknown(prior, "s3_bucket_name"))
                }
                given
                    if given != prior.get("s3_bucket_name")
                        || prior.get("created_bucket") != &Value::Bool(false) =>
                {
                    requires_replace.push(AttrPath::of("s3_bucket_name"));
                }
                _ => {}
            }
            if created_bucket == Value::Bool(true) {
                planned.set(
                    "access_log_bucket_name",
                    keep_or_unknown(prior, "access_log_bucket_name"),
                );
            } else {
                planned.set("access_log_bucket_name", Value::Null);
            }
            planned.set("bucket_arn", keep_or_unknown(prior, "bucket_arn"));
            if requires_replace
                .iter()
                .any(|p| p == &AttrPath::of("s3_bucket_name"))
            {
                planned.set("bucket_arn", Value::Unknown);
            }
            // The key changes in place: a created key is kept while healthy; switching to a
            // given key retires the created one, switching back creates a new one.
            if config.get("kms_key_arn").is_null() {
                let healthy_created = prior.get("created_kms_key") == &Value::Bool(true)
                    && !prior.get("kms_key_arn").is_null();
                planned.set(
                    "kms_key_arn",
                    if healthy_created {
                        prior.get("kms_key_arn").clone()
                    } else {
                        Value::Unknown
                    },
                );
            }
            for attr in ["arn", "log_group_arn", "cloudwatch_role_arn"] {
                planned.set(attr, keep_or_unknown(prior, attr));
            }
            if planned.get("home_region").is_null() {
                planned.set("home_region", region);
            }
        }
    }
    PlanResponse {
        planned: Some(planned),
        requires_replace,
        diags: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::PlanRequest;

    fn config(extra: &[(&str, Value)]) -> Value {
        let mut v = Value::object([("name", Value::string("main"))]);
        for (k, val) in extra {
            v.set(k, val.clone());
        }
        v
    }

    fn create(cfg: &Value) -> Value {
        plan(
            PlanRequest {
                prior: None,
                proposed: Some(cfg.clone()),
                config: cfg.clone(),
            },
            Some("us-east-1"),
        )
        .planned
        .expect("planned")
    }

    /// What read would return for a converged trail created from `cfg`.
    fn converged(cfg: &Value) -> Value {
        let mut v = create(cfg);
        for (k, val) in [
            (
                "arn",
                "arn:aws:cloudtrail:us-east-1:123456789012:trail/main",
            ),
            ("bucket_arn", "arn:aws:s3:::main-123456789012-trail"),
            (
                "log_group_arn",
                "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/main",
            ),
            (
                "cloudwatch_role_arn",
                "arn:aws:iam::123456789012:role/main-CloudTrailToLogs",
            ),
            ("s3_bucket_name", "main-123456789012-trail"),
            ("access_log_bucket_name", "main-123456789012-access-logs"),
            ("kms_key_arn", "arn:aws:kms:us-east-1:123456789012:key/k"),
        ] {
            v.set(k, Value::string(val));
        }
        v
    }

    fn update(prior: &Value, cfg: &Value) -> PlanResponse {
        // Terraform's proposed state: config where set, prior for computed and null optional+computed.
        let mut proposed = prior.clone();
        for (k, val) in cfg.as_map().expect("object") {
            proposed.set(k, val.clone());
        }
        plan(
            PlanRequest {
                prior: Some(prior.clone()),
                proposed: Some(proposed),
                config: cfg.clone(),
            },
            Some("us-east-1"),
        )
    }

    #[test]
    fn create_fills_defaults_and_leaves_the_rest_unknown() {
        let p = create(&config(&[]));
        assert_eq!(p.get("retention_in_days").as_i64(), Some(365));
        assert_eq!(p.get("enable_log_file_validation"), &Value::Bool(true));
        assert_eq!(
            p.get("log_group_name").as_str(),
            Some("/aws/cloudtrail/main")
        );
        assert!(p.get("arn").is_unknown() && p.get("s3_bucket_name").is_unknown());
        assert_eq!(p.get("controls_satisfied").strings().len(), 9);
        let given = create(&config(&[("s3_bucket_name", Value::string("mine"))]));
        assert_eq!(given.get("access_log_bucket_name"), &Value::Null);
        assert_eq!(given.get("created_bucket"), &Value::Bool(false));
    }

    #[test]
    fn converged_state_plans_no_change() {
        let cfg = config(&[]);
        let prior = converged(&cfg);
        let resp = update(&prior, &cfg);
        assert!(resp.requires_replace.is_empty());
        assert_eq!(resp.planned.as_ref(), Some(&prior));
    }

    #[test]
    fn retention_is_in_place_and_name_replaces() {
        let cfg = config(&[]);
        let prior = converged(&cfg);
        let resp = update(
            &prior,
            &config(&[("retention_in_days", Value::Number(90.0))]),
        );
        assert!(resp.requires_replace.is_empty());
        assert_eq!(
            resp.planned
                .as_ref()
                .map(|p| p.get("retention_in_days").as_i64()),
            Some(Some(90))
        );
        let resp = update(&prior, &Value::object([("name", Value::string("other"))]));
        assert_eq!(resp.requires_replace, vec![AttrPath::of("name")]);
    }

    #[test]
    fn drift_plans_an_update() {
        let cfg = config(&[]);
        let mut prior = converged(&cfg);
        prior.set("is_logging", Value::Bool(false));
        prior.set("log_group_arn", Value::Null);
        prior.set(
            "controls_satisfied",
            Value::string_list(["cloudtrail_kms_encryption"]),
        );
        let planned = update(&prior, &cfg).planned.expect("planned");
        assert_eq!(planned.get("is_logging"), &Value::Bool(true));
        assert!(planned.get("log_group_arn").is_unknown());
        assert_eq!(planned.get("controls_satisfied").strings().len(), 9);
    }

    #[test]
    fn region_change_replaces() {
        let cfg = config(&[]);
        let prior = converged(&cfg);
        let resp = plan(
            PlanRequest {
                prior: Some(prior.clone()),
                proposed: Some(prior),
                config: cfg,
            },
            Some("eu-west-1"),
        );
        assert_eq!(resp.requires_replace, vec![AttrPath::of("home_region")]);
    }
}
