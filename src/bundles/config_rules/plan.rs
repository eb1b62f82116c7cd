//! Planning: defaults, the desired `rules`, what the recorder will look like, the no-recorder
//! refusal, and what forces replacement. Drift read from AWS shows up as a difference between
//! the refreshed prior state and these planned values.

use crate::diag::{AttrPath, Diag};
use crate::framework::{PlanRequest, PlanResponse};
use crate::value::Value;

use super::finders::FoundRecorder;
use super::model::{recorder_block, Spec};
use super::schema::{DEFAULT_PREFIX, DEFAULT_RECORDER};

/// What the region has now (from AWS at plan time).
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    pub region: String,
    pub recorder: Option<FoundRecorder>,
    /// (name, bucket, key prefix)
    pub channel: Option<(String, Option<String>, Option<String>)>,
}

fn prior_or_unknown(prior: Option<&Value>, name: &str) -> Value {
    match prior.map(|p| p.get(name)) {
        Some(Value::Null) | None => Value::Unknown,
        Some(v) => v.clone(),
    }
}

/// The diagnostic when rules are planned and the region has no recorder.
pub fn no_recorder_diag(region: &str) -> Diag {
    Diag::error(
        "No AWS Config configuration recorder",
        format!(
            "AWS Config has no configuration recorder in {region}. Managed Config rules only evaluate what a recorder records, and AWS refuses PutConfigRule without one.\n\nAdd a `recorder {{}}` block to this resource to create (or adopt) the recorder, its delivery channel and role, or create a recorder in {region} first."
        ),
        None,
    )
}

/// Plans create, update and destroy. `lookup` is None when AWS cannot be asked (provider
/// not configured yet); planned values then stay unknown where they depend on it.
pub fn plan(req: PlanRequest, lookup: Option<&Lookup>) -> PlanResponse {
    let Some(proposed) = req.proposed else {
        return PlanResponse {
            planned: None,
            requires_replace: Vec::new(),
            diags: Vec::new(),
        };
    };
    let config = &req.config;
    let prior = req.prior.as_ref();
    let mut planned = proposed;
    let mut requires_replace = Vec::new();
    let mut diags = Vec::new();

    if config.get("name_prefix").is_null() {
        planned.set("name_prefix", Value::string(DEFAULT_PREFIX));
    }
    planned.set("id", planned.get("name_prefix").clone());
    if let Some(prior) = prior {
        if prior.get("name_prefix") != planned.get("name_prefix") {
            requires_replace.push(AttrPath::of("name_prefix"));
        }
    }
    let spec = Spec::from_config(config);
    planned.set(
        "rules",
        spec.as_ref()
            .map(Spec::rules_value)
            .unwrap_or(Value::Unknown),
    );

    let existing = lookup.and_then(|l| l.recorder.as_ref());
    let channel = lookup.and_then(|l| l.channel.as_ref());
    let has_block = recorder_block(config).is_some();
    if has_block {
        // The block's defaults: what exists, else what the resource will create.
        let mut block = recorder_block(&planned).cloned().unwrap_or(Value::Null);
        let cfg_block = recorder_block(config).cloned().unwrap_or(Value::Null);
        let defaults = [
            (
                "name",
                match (lookup, existing) {
                    (_, Some(r)) => Value::string(&r.name),
                    (Some(_), None) => Value::string(DEFAULT_RECORDER),
                    (None, None) => Value::Unknown,
                },
            ),
            // Known only after apply on create: a replacement's destroy may delete what
            // exists now, and Terraform re-plans the create after it.
            ("role_arn", Value::Unknown),
            ("s3_bucket_name", Value::Unknown),
        ];
        for (name, default) in defaults {
            if cfg_block.get(name).is_null() {
                let keep = recorder_block(prior.unwrap_or(&Value::Null))
                    .map(|b| b.get(name).clone())
                    .filter(|v| !v.is_null());
                block.set(name, keep.unwrap_or(default));
            }
        }
        planned.set("recorder", Value::List(vec![block.clone()]));
        planned.set("recorder_name", block.get("name").clone());
        planned.set(
            "delivery_channel_name",
            match (lookup, channel) {
                (_, Some(c)) => Value::string(&c.0),
                (Some(_), None) => Value::string(DEFAULT_RECORDER),
                (None, None) => prior_or_unknown(prior, "delivery_channel_name"),
            },
        );
        planned.set("recording", Value::Bool(true));
        planned.set("records_all_supported", Value::Bool(true));
        let converged = prior.is_some_and(|p| {
            [
                "recorder_name",
                "delivery_channel_name",
                "recording",
                "records_all_supported",
            ]
            .iter()
            .all(|a| p.get(a) == planned.get(a))
                && recorder_block(p) == Some(&block)
        });
        planned.set(
            "created_parts",
            if converged {
                prior
                    .map(|p| p.get("created_parts").clone())
                    .unwrap_or(Value::Unknown)
            } else {
                Value::Unknown
            },
        );
    } else {
        // Without the block the recorder is someone else's: report it, require it.
        match lookup {
            Some(l) => {
                planned.set(
                    "recorder_name",
                    Value::opt_string(existing.map(|r| r.name.clone())),
                );
                planned.set(
                    "delivery_channel_name",
                    Value::opt_string(channel.map(|c| c.0.clone())),
                );
                if existing.is_none() {
                    diags.push(no_recorder_diag(&l.region));
                }
            }
            None => {
                planned.set("recorder_name", prior_or_unknown(prior, "recorder_name"));
                planned.set(
                    "delivery_channel_name",
                    prior_or_unknown(prior, "delivery_channel_name"),
                );
            }
        }
        for attr in ["recording", "records_all_supported"] {
            planned.set(attr, prior_or_unknown(prior, attr));
        }
        planned.set(
            "created_parts",
            prior
                .map(|p| p.get("created_parts").clone())
                .filter(|v| !v.is_null())
                .unwrap_or(Value::List(Vec::new())),
        );
    }
    PlanResponse {
        planned: Some(planned),
        requires_replace,
        diags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(recorder: bool) -> Lookup {
        Lookup {
            region: "us-east-1".into(),
            recorder: recorder.then(|| FoundRecorder {
                name: "default".into(),
                role_arn: Some("arn:aws:iam::1:role/r".into()),
                all_supported: true,
            }),
            channel: None,
        }
    }

    fn create(config: &Value, l: &Lookup) -> PlanResponse {
        plan(
            PlanRequest {
                prior: None,
                proposed: Some(config.clone()),
                config: config.clone(),
            },
            Some(l),
        )
    }

    #[test]
    fn without_a_recorder_or_block_the_plan_is_refused() {
        let cfg = Value::object([("name_prefix", Value::string("x-"))]);
        let resp = create(&cfg, &lookup(false));
        assert_eq!(resp.diags.len(), 1);
        assert!(resp.diags[0]
            .detail
            .contains("no configuration recorder in us-east-1"));
        assert!(create(&cfg, &lookup(true)).diags.is_empty());
    }

    #[test]
    fn a_recorder_block_plans_recording_and_defaults() {
        let cfg = Value::object([(
            "recorder",
            Value::List(vec![Value::object::<[(&str, Value); 0], &str>([])]),
        )]);
        let resp = create(&cfg, &lookup(false));
        assert!(resp.diags.is_empty());
        let p = resp.planned.expect("planned");
        assert_eq!(p.get("recorder_name").as_str(), Some("default"));
        assert_eq!(p.get("recording"), &Value::Bool(true));
        assert!(p.get("created_parts").is_unknown());
        assert_eq!(p.get("id").as_str(), Some("secbaseline-"));
        assert!(p.get("rules").as_list().is_some_and(|l| l.len() == 27));
    }

    #[test]
    fn a_new_prefix_replaces() {
        let prior = create(
            &Value::object([("name_prefix", Value::string("a-"))]),
            &lookup(true),
        )
        .planned
        .expect("planned");
        let cfg = Value::object([("name_prefix", Value::string("b-"))]);
        let mut proposed = prior.clone();
        proposed.set("name_prefix", Value::string("b-"));
        let resp = plan(
            PlanRequest {
                prior: Some(prior),
                proposed: Some(proposed),
                config: cfg,
            },
            Some(&lookup(true)),
        );
        assert_eq!(resp.requires_replace, vec![AttrPath::of("name_prefix")]);
    }
}
