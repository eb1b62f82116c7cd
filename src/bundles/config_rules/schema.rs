//! Schema and validate-time checks of `secbaseline_config_rules`.

use crate::diag::{AttrPath, Diag};
use crate::schema::{Attribute, Block, Nesting};
use crate::value::{Ty, Value};

use super::catalog::{ManagedRule, SERVICES};

pub use super::catalog::{DEFAULT_PREFIX, DEFAULT_RECORDER};

/// The type of one element of `rules`.
pub fn rule_ty() -> Ty {
    Ty::object([
        ("name", Ty::String),
        ("identifier", Ty::String),
        ("parameters", Ty::map(Ty::String)),
        ("control_ids", Ty::list(Ty::String)),
    ])
}

pub fn schema() -> Block {
    let recorder = Block::new(
        "Creates, or adopts, the region's AWS Config configuration recorder (all supported resource types, global types included), its delivery channel and recording. AWS allows one recorder and one delivery channel per region: an existing one is adopted and kept on destroy; what the resource creates is deleted on destroy.",
    )
    .attr(Attribute::optional_computed(
        "name",
        Ty::String,
        "Recorder name. Default: the existing recorder's name, else `default`.",
    ))
    .attr(Attribute::optional_computed(
        "role_arn",
        Ty::String,
        "IAM role the recorder uses. Default: the existing recorder's role, else the AWS Config service-linked role (created when missing).",
    ))
    .attr(Attribute::optional_computed(
        "s3_bucket_name",
        Ty::String,
        "Bucket of the delivery channel. Default: the existing channel's bucket, else a bucket the resource creates (`<name_prefix>config-<account>-<region>`, public access blocked, AWS Config bucket policy).",
    ))
    .attr(Attribute::optional(
        "s3_key_prefix",
        Ty::String,
        "Key prefix of the delivery channel.",
    ))
    .attr(Attribute::optional(
        "force_destroy",
        Ty::Bool,
        "Empty the bucket the resource created before deleting it on destroy (default false: a non-empty bucket makes destroy fail).",
    ));
    Block::new("Deploys the AWS Config managed rules of the secbaseline catalogue for the chosen services, and optionally the configuration recorder and delivery channel they need.")
        .attr(Attribute::computed("id", Ty::String, "The name prefix (the import ID)."))
        .attr(Attribute::optional_computed(
            "name_prefix",
            Ty::String,
            "Prefix of every rule name (`<name_prefix><rule>`, e.g. `secbaseline-api-gw-xray-enabled`). Default `secbaseline-`. Changing it replaces the resource.",
        ))
        .attr(Attribute::optional(
            "services",
            Ty::list(Ty::String),
            "Services whose managed rules are deployed: `apigateway`, `iam`, `cloudtrail`, `cloudwatch`. Default: all.",
        ))
        .attr(Attribute::optional(
            "exclude_rules",
            Ty::list(Ty::String),
            "Managed rule identifiers not to deploy, e.g. `API_GW_ASSOCIATED_WITH_WAF`.",
        ))
        .attr(Attribute::optional(
            "parameters",
            Ty::map(Ty::map(Ty::String)),
            "Per-rule parameter overrides, keyed by identifier, merged over the defaults: `{ IAM_PASSWORD_POLICY = { MaxPasswordAge = \"60\" } }`.",
        ))
        .attr(Attribute::computed(
            "rules",
            Ty::list(rule_ty()),
            "The deployed rules: `name`, `identifier`, `parameters` and the catalogue `control_ids` each reports on.",
        ))
        .attr(Attribute::computed(
            "recorder_name",
            Ty::String,
            "Name of the region's configuration recorder (null when there is none).",
        ))
        .attr(Attribute::computed(
            "delivery_channel_name",
            Ty::String,
            "Name of the region's delivery channel (null when there is none).",
        ))
        .attr(Attribute::computed(
            "recording",
            Ty::Bool,
            "Whether the recorder is recording.",
        ))
        .attr(Attribute::computed(
            "records_all_supported",
            Ty::Bool,
            "Whether the recorder records all supported resource types, global ones included.",
        ))
        .attr(Attribute::computed(
            "created_parts",
            Ty::list(Ty::String),
            "What the `recorder` block created and destroy deletes: `service_linked_role`, `recorder`, `bucket`, `delivery_channel`.",
        ))
        .block("recorder", Nesting::List, 1, recorder)
}

/// True for a usable rule-name prefix (Config rule names: ≤ 128 characters, no blanks).
pub fn is_prefix(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 64
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

pub fn validate(config: &Value) -> Vec<Diag> {
    // Computed-only attributes are rejected for every schema by the RPC layer.
    let mut diags = Vec::new();
    if let Some(p) = config.get("name_prefix").as_str() {
        if !is_prefix(p) {
            diags.push(Diag::error(
                "Invalid name_prefix",
                format!(
                    "\"{p}\" is not a usable prefix: use 1–64 letters, digits, '-', '_' or '.'."
                ),
                Some(AttrPath::of("name_prefix")),
            ));
        }
    }
    if config
        .get("services")
        .as_list()
        .is_some_and(<[Value]>::is_empty)
    {
        diags.push(Diag::error(
            "Empty services",
            "services = [] would deploy no rule. Name at least one service, or leave services out for all of them.",
            Some(AttrPath::of("services")),
        ));
    }
    if let Some(items) = config.get("services").as_list() {
        for (i, s) in items.iter().enumerate() {
            if let Some(s) = s.as_str() {
                if !SERVICES.contains(&s) {
                    diags.push(Diag::error(
                        "Unknown service",
                        format!(
                            "\"{s}\" has no managed rules here. Use one of: {}.",
                            SERVICES.join(", ")
                        ),
                        Some(AttrPath::of("services").index(i as i64)),
                    ));
                }
            }
        }
    }
    if let Some(items) = config.get("exclude_rules").as_list() {
        for (i, s) in items.iter().enumerate() {
            if let Some(s) = s.as_str() {
                if ManagedRule::by_identifier(s).is_none() {
                    diags.push(unknown_rule(
                        s,
                        AttrPath::of("exclude_rules").index(i as i64),
                    ));
                }
            }
        }
    }
    // Which rules the configuration deploys, once services and exclusions are known.
    let deployed: Option<Vec<&str>> = {
        let services = config.get("services");
        let excluded = config.get("exclude_rules");
        (services.is_wholly_known() && excluded.is_wholly_known()).then(|| {
            let services: Vec<String> = match services {
                Value::Null => SERVICES.iter().map(|s| s.to_string()).collect(),
                v => v.strings(),
            };
            let excluded = excluded.strings();
            super::catalog::RULES
                .iter()
                .filter(|r| services.iter().any(|s| s == r.service))
                .filter(|r| !excluded.iter().any(|e| e == r.identifier))
                .map(|r| r.identifier)
                .collect()
        })
    };
    if let (Some(rules), Some(excluded)) = (&deployed, config.get("exclude_rules").as_list()) {
        if rules.is_empty() && !excluded.is_empty() {
            diags.push(Diag::error(
                "Every rule excluded",
                "exclude_rules removes every managed rule of the selected services, so the resource would deploy nothing.",
                Some(AttrPath::of("exclude_rules")),
            ));
        }
    }
    if let Some(map) = config.get("parameters").as_map() {
        for key in map.keys() {
            if ManagedRule::by_identifier(key).is_none() {
                diags.push(unknown_rule(key, AttrPath::of("parameters").key(key)));
            } else if deployed
                .as_ref()
                .is_some_and(|d| !d.contains(&key.as_str()))
            {
                diags.push(Diag::error(
                    "Parameters for a rule that is not deployed",
                    format!("\"{key}\" is excluded by exclude_rules or belongs to a service not in services, so these parameters would be ignored."),
                    Some(AttrPath::of("parameters").key(key)),
                ));
            }
        }
    }
    if let Some(recorder) = config.get("recorder").as_list().and_then(|l| l.first()) {
        let path = AttrPath::of("recorder").index(0);
        if let Some(arn) = recorder.get("role_arn").as_str() {
            if !(arn.starts_with("arn:") && arn.contains(":iam::") && arn.contains(":role/")) {
                diags.push(Diag::error(
                    "Invalid recorder role_arn",
                    format!(
                        "\"{arn}\" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)."
                    ),
                    Some(path.attr("role_arn")),
                ));
            }
        }
        if let Some(bucket) = recorder.get("s3_bucket_name").as_str() {
            if !crate::bundles::cloudtrail::schema::is_bucket_name(bucket) {
                diags.push(Diag::error(
                    "Invalid S3 bucket name",
                    format!("\"{bucket}\" is not an S3 bucket name (3–63 lower-case letters, digits, `.` and `-`)."),
                    Some(path.attr("s3_bucket_name")),
                ));
            }
        }
        if let Some(prefix) = recorder.get("s3_key_prefix").as_str() {
            if prefix.trim().is_empty() {
                diags.push(Diag::error(
                    "Invalid s3_key_prefix",
                    "AWS Config rejects an empty key prefix (InvalidS3KeyPrefixException); leave s3_key_prefix out for none.".to_string(),
                    Some(path.attr("s3_key_prefix")),
                ));
            }
        }
        if let Some(name) = recorder.get("name").as_str() {
            if name.is_empty() || name.len() > 256 || name.contains(char::is_whitespace) {
                diags.push(Diag::error(
                    "Invalid recorder name",
                    format!("\"{name}\" is not a configuration recorder name (1–256 characters, no blanks)."),
                    Some(path.attr("name")),
                ));
            }
        }
    }
    diags
}

fn unknown_rule(id: &str, path: AttrPath) -> Diag {
    Diag::error(
        "Unknown managed rule",
        format!(
            "\"{id}\" is not one of the managed rules this resource deploys (see the resource documentation for the list)."
        ),
        Some(path),
    )
}
