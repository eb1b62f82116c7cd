//! The policy documents the bundle writes: the CloudTrail bucket policy, the access-log bucket
//! policy, the KMS key policy and the delivery role's trust and permission policies. Every
//! grant to a service principal is pinned to this trail with `aws:SourceArn` (confused deputy).

use serde_json::{json, Value as Json};

use super::Scope;
use crate::policy::PolicyDocument;

const CLOUDTRAIL: &str = "cloudtrail.amazonaws.com";

fn deny_insecure_transport(bucket_arn: &str) -> Json {
    json!({
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, format!("{bucket_arn}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    })
}

/// The trail bucket's policy: CloudTrail may check the ACL and write under `AWSLogs/<account>/`.
pub fn trail_bucket(scope: &Scope, bucket: &str, trail_arn: &str) -> String {
    let bucket_arn = scope.bucket_arn(bucket);
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AWSCloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": CLOUDTRAIL},
                "Action": "s3:GetBucketAcl",
                "Resource": bucket_arn,
                "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}
            },
            {
                "Sid": "AWSCloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": CLOUDTRAIL},
                "Action": "s3:PutObject",
                "Resource": format!("{bucket_arn}/AWSLogs/{}/*", scope.account),
                "Condition": {"StringEquals": {
                    "s3:x-amz-acl": "bucket-owner-full-control",
                    "aws:SourceArn": trail_arn
                }}
            },
            deny_insecure_transport(&bucket_arn)
        ]
    })
    .to_string()
}

/// The access-log bucket's policy: S3 server access logging of the trail bucket may write.
pub fn access_log_bucket(scope: &Scope, log_bucket: &str, source_bucket: &str) -> String {
    let arn = scope.bucket_arn(log_bucket);
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "S3ServerAccessLogsPolicy",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": format!("{arn}/*"),
                "Condition": {
                    "ArnLike": {"aws:SourceArn": scope.bucket_arn(source_bucket)},
                    "StringEquals": {"aws:SourceAccount": scope.account}
                }
            },
            deny_insecure_transport(&arn)
        ]
    })
    .to_string()
}

/// The KMS key policy CloudTrail needs: encrypt for this trail, let the account decrypt.
pub fn kms_key(scope: &Scope, trail_arn: &str) -> String {
    let context = format!(
        "arn:{}:cloudtrail:*:{}:trail/*",
        scope.partition, scope.account
    );
    json!({
        "Version": "2012-10-17",
        "Id": "secbaseline-cloudtrail",
        "Statement": [
            {
                "Sid": "EnableIAMPolicies",
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:{}:iam::{}:root", scope.partition, scope.account)},
                "Action": "kms:*",
                "Resource": "*"
            },
            {
                "Sid": "AllowCloudTrailToEncryptLogs",
                "Effect": "Allow",
                "Principal": {"Service": CLOUDTRAIL},
                "Action": "kms:GenerateDataKey*",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceArn": trail_arn},
                    "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": context}
                }
            },
            {
                "Sid": "AllowCloudTrailToDescribeKey",
                "Effect": "Allow",
                "Principal": {"Service": CLOUDTRAIL},
                "Action": "kms:DescribeKey",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}
            },
            {
                "Sid": "AllowAccountToDecryptLogFiles",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:Decrypt", "kms:ReEncryptFrom"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"kms:CallerAccount": scope.account},
                    "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": context}
                }
            }
        ]
    })
    .to_string()
}

/// Trust policy of the delivery role: only CloudTrail, only for this trail.
pub fn role_trust(scope: &Scope, trail_arn: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {
                "aws:SourceArn": trail_arn,
                "aws:SourceAccount": scope.account
            }}
        }]
    })
    .to_string()
}

/// Permissions of the delivery role: write streams of the one log group.
pub fn role_permissions(scope: &Scope, log_group: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "CloudTrailToCloudWatchLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": format!("{}:log-stream:*", scope.log_group_arn(log_group))
        }]
    })
    .to_string()
}

/// True when a bucket policy grants anything to everyone (read through the one policy model;
/// a document that cannot be read counts as public).
pub fn grants_public_access(policy: &str) -> bool {
    PolicyDocument::parse(policy).map_or(true, |doc| !doc.public_allows().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        Scope {
            partition: "aws".into(),
            account: "123456789012".into(),
            region: "us-east-1".into(),
        }
    }

    #[test]
    fn bucket_policy_pins_the_trail_and_is_not_public() {
        let arn = scope().trail_arn("main");
        let doc = trail_bucket(&scope(), "b-123456789012-trail", &arn);
        let v: Json = serde_json::from_str(&doc).expect("json");
        assert_eq!(
            v["Statement"][0]["Condition"]["StringEquals"]["aws:SourceArn"],
            arn.as_str()
        );
        assert_eq!(
            v["Statement"][1]["Resource"],
            "arn:aws:s3:::b-123456789012-trail/AWSLogs/123456789012/*"
        );
        assert!(!grants_public_access(&doc));
        assert!(!grants_public_access(&access_log_bucket(
            &scope(),
            "l",
            "b"
        )));
    }

    #[test]
    fn public_grants_are_detected() {
        let open = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#;
        let open_aws = r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:*","Resource":"*"}}"#;
        assert!(grants_public_access(open));
        assert!(grants_public_access(open_aws));
        assert!(grants_public_access("not json"));
    }

    #[test]
    fn key_policy_lets_only_this_trail_encrypt() {
        let arn = scope().trail_arn("main");
        let v: Json = serde_json::from_str(&kms_key(&scope(), &arn)).expect("json");
        assert_eq!(
            v["Statement"][1]["Condition"]["StringEquals"]["aws:SourceArn"],
            arn.as_str()
        );
        assert_eq!(
            v["Statement"][3]["Condition"]["StringEquals"]["kms:CallerAccount"],
            "123456789012"
        );
    }
}
