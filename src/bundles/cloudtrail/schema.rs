//! The `secbaseline_cloudtrail` schema and validate-time checks of its arguments.

use crate::diag::{AttrPath, Diag};
use crate::schema::{Attribute, Block, Nesting};
use crate::value::{Ty, Value};

use super::naming::{INSIGHT_TYPES, RETENTION_DAYS};

pub fn schema() -> Block {
    Block::new(
        "The recommended CloudTrail set-up as one resource: a multi-region trail recording read and write \
         management events, with log file validation, KMS encryption and CloudWatch Logs delivery, and \
         its S3 bucket, KMS key, log group and delivery role. Makes the CIS 3.x / FSBP CloudTrail.1–7 \
         controls pass (see `controls_satisfied`).",
    )
    .attr(Attribute::computed("id", Ty::String, "The trail name."))
    .attr(Attribute::required("name", Ty::String, "Name of the trail (3–128 letters, digits, `.`, `_`, `-`). Changing it replaces the whole bundle."))
    .attr(Attribute::optional_computed(
        "s3_bucket_name",
        Ty::String,
        "An existing bucket to deliver to. The bucket's owner is responsible for its policy, public access block, \
         logging and encryption. When omitted, the resource creates `<name>-<account>-trail` (name lower-cased, \
         `_`/`.` as `-`, cut to 36 characters) and a server-access-log bucket `<name>-<account>-access-logs`. \
         Changing it replaces the resource.",
    ))
    .attr(Attribute::optional_computed(
        "kms_key_arn",
        Ty::String,
        "ARN of an existing KMS key to encrypt log files with (its policy must let CloudTrail use it). When \
         omitted, the resource creates a key with rotation and the CloudTrail key policy, aliased \
         `alias/secbaseline/cloudtrail/<name>`.",
    ))
    .attr(Attribute::optional_computed("retention_in_days", Ty::Number, "Retention of the CloudWatch Logs group, in days (a value CloudWatch Logs accepts). Default 365."))
    .attr(Attribute::optional_computed("enable_log_file_validation", Ty::Bool, "Log file integrity validation. Default `true`."))
    .attr(Attribute::optional_computed(
        "force_destroy",
        Ty::Bool,
        "Whether destroy may delete the buckets the resource created when they still hold objects. Default `false`: \
         destroy then fails on a non-empty bucket, after removing everything else.",
    ))
    .attr(Attribute::optional("sns_topic_name", Ty::String, "Name of an existing SNS topic notified of each log file delivery (its policy must allow CloudTrail to publish)."))
    .attr(Attribute::optional("insight_selectors", Ty::list(Ty::String), "CloudTrail Insights types to enable: `ApiCallRateInsight`, `ApiErrorRateInsight`."))
    .attr(Attribute::optional("tags", Ty::map(Ty::String), "Tags for the trail and for every part the resource creates."))
    .attr(Attribute::computed("arn", Ty::String, "ARN of the trail."))
    .attr(Attribute::computed("home_region", Ty::String, "Region the trail was created in (the provider's region). A change of provider region replaces the resource."))
    .attr(Attribute::computed("bucket_arn", Ty::String, "ARN of the trail bucket."))
    .attr(Attribute::computed("access_log_bucket_name", Ty::String, "The bucket receiving the trail bucket's server access logs (null when `s3_bucket_name` was given)."))
    .attr(Attribute::computed("log_group_name", Ty::String, "The CloudWatch Logs group the trail delivers to: `/aws/cloudtrail/<name>`."))
    .attr(Attribute::computed("log_group_arn", Ty::String, "ARN of the log group (without the `:*` suffix)."))
    .attr(Attribute::computed("cloudwatch_role_arn", Ty::String, "ARN of the IAM role CloudTrail assumes to deliver to the log group."))
    .attr(Attribute::computed("is_logging", Ty::Bool, "Whether the trail is logging. Always planned `true`: a stopped trail shows as an update that starts it."))
    .attr(Attribute::computed(
        "controls_satisfied",
        Ty::list(Ty::String),
        "The `secbaseline_assessment` control IDs this trail makes pass, as read from AWS. When something drifts \
         out of band, the ID drops out and the next plan shows an update that restores it.",
    ))
    .attr(Attribute::computed("created_bucket", Ty::Bool, "Whether the resource created (and so deletes) the trail and access-log buckets."))
    .attr(Attribute::computed("created_kms_key", Ty::Bool, "Whether the resource created (and so schedules for deletion) the KMS key."))
    .block(
        "data_events",
        Nesting::List,
        1,
        Block::new("Data events to record besides management events (classic event selectors, read and write).")
            .attr(Attribute::optional(
                "s3_object_arns",
                Ty::list(Ty::String),
                "S3 object ARN prefixes, e.g. `arn:aws:s3:::my-bucket/` or `arn:aws:s3` for every bucket.",
            ))
            .attr(Attribute::optional(
                "lambda_function_arns",
                Ty::list(Ty::String),
                "Lambda function ARNs, or `arn:aws:lambda` for every function.",
            )),
    )
}

/// True for a name CloudTrail accepts: 3–128 characters of letters, digits, `.`, `_`, `-`,
/// starting and ending with a letter or digit, without `..`, `._`, `-_` and the like.
pub fn is_trail_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (3..=128).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && !bytes
            .windows(2)
            .any(|w| !w[0].is_ascii_alphanumeric() && !w[1].is_ascii_alphanumeric())
}

/// True for a bucket name S3 accepts (general purpose buckets).
pub fn is_bucket_name(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// Checks arguments beyond their types. Unknown values pass (checked again at apply by AWS).
pub fn validate(config: &Value) -> Vec<Diag> {
    let mut diags = Vec::new();
    let mut bad = |attr: AttrPath, summary: &str, detail: String| {
        diags.push(Diag::error(summary, detail, Some(attr)))
    };

    if let Some(name) = config.get("name").as_str() {
        if !is_trail_name(name) {
            bad(
                AttrPath::of("name"),
                "Invalid trail name",
                format!("\"{name}\" is not a CloudTrail trail name: use 3–128 letters, digits, `.`, `_` or `-`, starting and ending with a letter or digit, with no two punctuation characters in a row."),
            );
        }
    }
    if let Some(bucket) = config.get("s3_bucket_name").as_str() {
        if !is_bucket_name(bucket) {
            bad(AttrPath::of("s3_bucket_name"), "Invalid S3 bucket name", format!("\"{bucket}\" is not an S3 bucket name (3–63 lower-case letters, digits, `.` and `-`)."));
        }
    }
    if let Some(key) = config.get("kms_key_arn").as_str() {
        if !(key.starts_with("arn:") && (key.contains(":key/") || key.contains(":alias/"))) {
            bad(AttrPath::of("kms_key_arn"), "Invalid KMS key ARN", format!("\"{key}\" is not a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id>)."));
        }
    }
    match config.get("retention_in_days") {
        Value::Null | Value::Unknown => {}
        v => {
            if !v.as_i64().is_some_and(|d| RETENTION_DAYS.contains(&d)) {
                bad(
                    AttrPath::of("retention_in_days"),
                    "Invalid retention_in_days",
                    format!("CloudWatch Logs accepts only these retention periods (days): {RETENTION_DAYS:?}."),
                );
            }
        }
    }
    if let Some(topic) = config.get("sns_topic_name").as_str() {
        if topic.is_empty()
            || topic.len() > 256
            || !topic
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            bad(AttrPath::of("sns_topic_name"), "Invalid SNS topic name", format!("\"{topic}\" is not an SNS topic name (1–256 letters, digits, `-`, `_`); give the name, not the ARN."));
        }
    }
    if let Some(items) = config.get("insight_selectors").as_list() {
        for (i, item) in items.iter().enumerate() {
            if let Some(t) = item.as_str() {
                if !INSIGHT_TYPES.contains(&t) {
                    bad(
                        AttrPath::of("insight_selectors").index(i as i64),
                        "Invalid insight type",
                        format!("\"{t}\" is not one of {INSIGHT_TYPES:?}."),
                    );
                }
            }
        }
    }
    if let Some(tags) = config.get("tags").as_map() {
        for (key, value) in tags {
            let path = AttrPath::of("tags").key(key);
            if key.is_empty()
                || key.chars().count() > 128
                || key.to_ascii_lowercase().starts_with("aws:")
            {
                bad(path, "Invalid tag key", format!("\"{key}\" cannot be a tag key: 1–128 characters, not starting with `aws:` (reserved for AWS)."));
            } else if value.as_str().is_some_and(|v| v.chars().count() > 256) {
                bad(
                    path,
                    "Invalid tag value",
                    format!("The value of tag \"{key}\" is longer than 256 characters."),
                );
            }
        }
    }
    if let Some(blocks) = config.get("data_events").as_list() {
        for (b, block) in blocks.iter().enumerate() {
            let lists = [
                block.get("s3_object_arns"),
                block.get("lambda_function_arns"),
            ];
            if lists
                .iter()
                .all(|l| l.is_wholly_known() && l.strings().is_empty())
            {
                bad(
                    AttrPath::of("data_events").index(b as i64),
                    "Empty data_events block",
                    "A data_events block needs at least one ARN in s3_object_arns or lambda_function_arns; remove the block to record management events only.".into(),
                );
            }
            for (attr, prefix) in [("s3_object_arns", "arn:"), ("lambda_function_arns", "arn:")] {
                for (i, item) in block
                    .get(attr)
                    .as_list()
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    if let Some(arn) = item.as_str() {
                        if !arn.starts_with(prefix) {
                            bad(
                                AttrPath::of("data_events")
                                    .index(b as i64)
                                    .attr(attr)
                                    .index(i as i64),
                                "Invalid ARN in data_events",
                                format!("\"{arn}\" is not an ARN."),
                            );
                        }
                    }
                }
            }
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trail_names() {
        for ok in ["main", "org-trail.prod_1", "A1b"] {
            assert!(is_trail_name(ok), "{ok}");
        }
        for bad in [
            "ab",
            "-main",
            "main-",
            "a..b",
            "a_-b",
            "has space",
            &"x".repeat(129),
        ] {
            assert!(!is_trail_name(bad), "{bad}");
        }
    }

    #[test]
    fn bad_arguments_point_at_their_attribute() {
        let config = Value::object([
            ("name", Value::string("ok-name")),
            ("retention_in_days", Value::Number(366.0)),
            (
                "insight_selectors",
                Value::string_list(["ApiCallRateInsight", "Nope"]),
            ),
            ("kms_key_arn", Value::string("1234")),
        ]);
        let paths: Vec<String> = validate(&config)
            .iter()
            .filter_map(|d| d.path.as_ref().map(|p| p.to_string()))
            .collect();
        assert_eq!(
            paths,
            ["kms_key_arn", "retention_in_days", "insight_selectors[1]"]
        );
    }

    #[test]
    fn unknown_values_pass() {
        let config = Value::object([
            ("name", Value::Unknown),
            ("retention_in_days", Value::Unknown),
        ]);
        assert!(validate(&config).is_empty());
    }
}
