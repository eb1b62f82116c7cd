//! Names and ARNs the resource derives from the trail name, the account and the region.
//! They are deterministic so that plan can predict them, import can recognise what the
//! resource created, and a re-create after an out-of-band trail deletion adopts its own parts.

/// Where one trail lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub partition: String,
    pub account: String,
    pub region: String,
}

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
