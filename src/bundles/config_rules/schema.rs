//! Schema and validate-time checks of `secbaseline_config_rules`.

use crate::diag::{AttrPath, Diag};
use crate::schema::{Attribute, Block, Nesting};
use crate::value::{Ty, Value};

use super::catalog::{ManagedRule, SERVICES};

/// `name_prefix` when the configuration leaves it out.
pub const DEFAULT_PREFIX: &str = "secbaseline-";
/// Name of a configuration recorder or delivery channel the resource creates.
pub const DEFAULT_RECORDER: &str = "default";

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
    let mut diags = schema().reject_computed_only(config, &AttrPath::root());
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
    if let Some(map) = config.get("parameters").as_map() {
        for key in map.keys() {
            if ManagedRule::by_identifier(key).is_none() {
                diags.push(unknown_rule(key, AttrPath::of("parameters").key(key)));
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
