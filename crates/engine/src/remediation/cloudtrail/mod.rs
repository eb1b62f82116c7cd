//! `secbaseline_cloudtrail`: the names it derives from the trail name, account and region, its
//! defaults, what every trail it converges is (multi-region, logging, all management events,
//! validated, encrypted, delivering to CloudWatch Logs) and which controls that makes pass.
//!
//! Names are deterministic so that plan can predict them, import can recognise what the
//! resource created, and a re-create after an out-of-band trail deletion adopts its own parts.

pub mod policies;

use crate::facts::{EventSelector, ReadWriteType};

/// The resource type.
pub const RESOURCE_TYPE: &str = "secbaseline_cloudtrail";

/// Retention of the CloudWatch Logs group when `retention_in_days` is not set.
pub const DEFAULT_RETENTION_DAYS: i64 = 365;

/// Retention values CloudWatch Logs accepts.
pub const RETENTION_DAYS: &[i64] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// CloudTrail Insights types the resource can enable.
pub const INSIGHT_TYPES: &[&str] = &["ApiCallRateInsight", "ApiErrorRateInsight"];

/// Log file validation when `enable_log_file_validation` is not set.
pub const DEFAULT_LOG_FILE_VALIDATION: bool = true;

/// Longest slice of the trail name used in bucket names (keeps them within 63 characters).
const BUCKET_BASE_MAX: usize = 36;
/// Longest slice of the trail name used in the IAM role name (role names: at most 64).
const ROLE_BASE_MAX: usize = 40;

/// The trail name as S3 allows it in a bucket name: lower case, `_` and `.` turned into `-`.
fn bucket_base(trail: &str) -> String {
    let lowered: String = trail
        .chars()
        .map(|c| match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            '_' | '.' => '-',
            c => c,
        })
        .take(BUCKET_BASE_MAX)
        .collect();
    lowered.trim_end_matches('-').to_string()
}

/// The trail bucket the resource creates: `<name>-<account>-trail`.
pub fn trail_bucket(trail: &str, account: &str) -> String {
    format!("{}-{account}-trail", bucket_base(trail))
}

/// The bucket receiving the trail bucket's server access logs: `<name>-<account>-access-logs`.
pub fn access_log_bucket(trail: &str, account: &str) -> String {
    format!("{}-{account}-access-logs", bucket_base(trail))
}

/// The CloudWatch Logs group the trail delivers to.
pub fn log_group(trail: &str) -> String {
    format!("/aws/cloudtrail/{trail}")
}

/// The IAM role CloudTrail assumes to write to the log group.
pub fn role(trail: &str) -> String {
    let base: String = trail.chars().take(ROLE_BASE_MAX).collect();
    format!("{base}-CloudTrailToLogs")
}

/// The inline policy on that role.
pub const ROLE_POLICY: &str = "cloudtrail-to-cloudwatch-logs";

/// The alias that marks the KMS key the resource created for this trail.
pub fn key_alias(trail: &str) -> String {
    let clean: String = trail
        .chars()
        .map(|c| if c == '.' { '_' } else { c })
        .collect();
    format!("alias/secbaseline/cloudtrail/{clean}")
}

/// The description given to a KMS key the resource creates.
pub fn key_description(trail: &str) -> String {
    format!(
        "Encrypts the log files of CloudTrail trail {trail} (managed by secbaseline_cloudtrail)"
    )
}

/// The event selectors every trail of the resource records with: all read and write
/// management events (AWS's default, set explicitly).
pub fn event_selectors() -> Vec<EventSelector> {
    vec![EventSelector::Classic {
        read_write_type: ReadWriteType::All,
        include_management_events: true,
    }]
}

/// Where one trail lives: the partition, account and home region ARNs are built in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub partition: String,
    pub account: String,
    pub region: String,
}

impl Scope {
    pub fn trail_arn(&self, trail: &str) -> String {
        format!(
            "arn:{}:cloudtrail:{}:{}:trail/{trail}",
            self.partition, self.region, self.account
        )
    }

    pub fn bucket_arn(&self, bucket: &str) -> String {
        format!("arn:{}:s3:::{bucket}", self.partition)
    }

    /// The log group's ARN without the `:*` suffix (as `aws_cloudwatch_log_group.arn`).
    pub fn log_group_arn(&self, group: &str) -> String {
        format!(
            "arn:{}:logs:{}:{}:log-group:{group}",
            self.partition, self.region, self.account
        )
    }

    pub fn role_arn(&self, role: &str) -> String {
        format!("arn:{}:iam::{}:role/{role}", self.partition, self.account)
    }
}

/// The log group name inside a CloudTrail `CloudWatchLogsLogGroupArn` (`…:log-group:NAME:*`).
pub fn log_group_from_arn(arn: &str) -> Option<&str> {
    let rest = arn.split_once(":log-group:")?.1;
    let name = rest.strip_suffix(":*").unwrap_or(rest);
    (!name.is_empty()).then_some(name)
}

/// The last `:`/`/`-separated segment of an ARN (role name, topic name).
pub fn arn_tail(arn: &str) -> &str {
    arn.rsplit([':', '/']).next().unwrap_or(arn)
}

/// Controls a multi-region, logging trail recording all management events makes pass: the
/// account's trail control and each service's "as cloudtrail_multi_region" one.
pub const MULTI_REGION_CONTROLS: &[&str] = &[
    "cloudtrail_multi_region",
    "apigateway_cloudtrail",
    "pinpoint_cloudtrail",
    "lex_cloudtrail",
];
pub const KMS_ENCRYPTION: &str = "cloudtrail_kms_encryption";
pub const LOG_FILE_VALIDATION: &str = "cloudtrail_log_file_validation";
pub const CLOUDWATCH_LOGS: &str = "cloudtrail_cloudwatch_logs";
pub const BUCKET_NOT_PUBLIC: &str = "cloudtrail_bucket_not_public";
pub const BUCKET_ACCESS_LOGGING: &str = "cloudtrail_bucket_access_logging";

/// What holds for one trail, as far as the controls care.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrailOutcome {
    /// Multi-region, logging, and recording read and write management events.
    pub multi_region_logging: bool,
    pub kms_encrypted: bool,
    pub log_file_validation: bool,
    pub cloudwatch_logs: bool,
    /// Only judged for a bucket the resource created (a given bucket is its owner's).
    pub bucket_not_public: bool,
    pub bucket_access_logging: bool,
}

impl TrailOutcome {
    /// The control IDs these facts make pass, in catalogue order.
    pub fn controls(&self) -> Vec<String> {
        let mut ids: Vec<&str> = Vec::new();
        if self.multi_region_logging {
            ids.extend(MULTI_REGION_CONTROLS);
        }
        for (holds, id) in [
            (self.kms_encrypted, KMS_ENCRYPTION),
            (self.log_file_validation, LOG_FILE_VALIDATION),
            (self.cloudwatch_logs, CLOUDWATCH_LOGS),
            (self.bucket_not_public, BUCKET_NOT_PUBLIC),
            (self.bucket_access_logging, BUCKET_ACCESS_LOGGING),
        ] {
            if holds {
                ids.push(id);
            }
        }
        ids.into_iter().map(str::to_string).collect()
    }

    /// What a converged trail satisfies, given whether validation is on and the bucket is the
    /// resource's own (a bucket it created: public access blocked, a CloudTrail-only policy
    /// pinned by `aws:SourceArn`, server access logging to its access-log bucket).
    pub fn desired(log_file_validation: bool, created_bucket: bool) -> TrailOutcome {
        TrailOutcome {
            multi_region_logging: true,
            kms_encrypted: true,
            log_file_validation,
            cloudwatch_logs: true,
            bucket_not_public: created_bucket,
            bucket_access_logging: created_bucket,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remediation::Bundle;
    use crate::rules::find;

    #[test]
    fn bucket_names_are_valid_and_bounded() {
        let long = "My_Org.Trail-".repeat(10);
        for name in ["main", "Org_Trail.prod", long.as_str()] {
            for bucket in [
                trail_bucket(name, "123456789012"),
                access_log_bucket(name, "123456789012"),
            ] {
                assert!((3..=63).contains(&bucket.len()), "{bucket}");
                assert!(
                    bucket
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                    "{bucket}"
                );
                assert!(
                    !bucket.contains("--trail") && !bucket.starts_with('-'),
                    "{bucket}"
                );
            }
        }
        assert_eq!(
            trail_bucket("Org_Trail", "123456789012"),
            "org-trail-123456789012-trail"
        );
    }

    #[test]
    fn role_and_alias_names_fit_aws_limits() {
        let long = "t".repeat(128);
        assert!(role(&long).len() <= 64);
        assert_eq!(key_alias("a.b"), "alias/secbaseline/cloudtrail/a_b");
    }

    #[test]
    fn arns_parse_back() {
        let arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/main:*";
        assert_eq!(log_group_from_arn(arn), Some("/aws/cloudtrail/main"));
        assert_eq!(log_group_from_arn("nonsense"), None);
        assert_eq!(arn_tail("arn:aws:iam::1:role/x-y"), "x-y");
        assert_eq!(arn_tail("arn:aws:sns:us-east-1:1:topic"), "topic");
    }

    #[test]
    fn a_converged_trail_satisfies_exactly_the_controls_the_catalogue_gives_it() {
        let all = TrailOutcome::desired(true, true).controls();
        let remediated: Vec<String> = Bundle::CloudTrail
            .controls()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let mut sorted = all.clone();
        sorted.sort();
        let mut expected = remediated.clone();
        expected.sort();
        assert_eq!(sorted, expected);
        for id in &all {
            assert!(find(id).is_some(), "{id}");
        }
        let given_bucket = TrailOutcome::desired(false, false).controls();
        assert!(!given_bucket.contains(&BUCKET_NOT_PUBLIC.to_string()));
        assert!(!given_bucket.contains(&LOG_FILE_VALIDATION.to_string()));
        assert!(TrailOutcome::default().controls().is_empty());
    }
}
