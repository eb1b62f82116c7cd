//! CloudTrail controls: the multi-region trail, and per-trail encryption, validation, CloudWatch
//! Logs delivery and bucket protection.

use crate::remediation::Bundle;
use std::collections::BTreeSet;

use crate::facts::{CloudTrailFacts, Collected, Facts, Known, Source, Trail, TrailBucket};
use crate::finding::{Finding, Status};
use crate::params::Params;
use crate::rules::logging::trails::multi_region_trail;
use crate::rules::policies::public_statements;
use crate::rules::support::{is_set, known, Out, Res};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

const TRAIL_REMEDIATION_BY: Option<Bundle> = Some(Bundle::CloudTrail);

/// `cloudtrail_multi_region`.
pub struct MultiRegion;

impl MultiRegion {
    const META: Meta = Meta {
        id: "cloudtrail_multi_region",
        title: "A multi-region trail is logging read and write management events",
        service: Service::CloudTrail,
        severity: Severity::High,
        frameworks: &["FSBP CloudTrail.1", "CIS 3.1"],
        remediation: "Create a multi-region trail that is logging and records management events \
            with ReadWriteType All — secbaseline_cloudtrail does this.",
        remediated_by: TRAIL_REMEDIATION_BY,
        sources: &[Source::CloudTrail],
        doc: include_str!("../reference/cloudtrail_multi_region.md"),
    };
}

impl Rule for MultiRegion {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        multi_region_trail(&mut out);
        out.finish()
    }
}

/// Visits each trail in its home region once; organization trails of another account are
/// NOT_APPLICABLE.
fn each_home_trail<'a>(
    out: &mut Out<'a>,
    mut f: impl FnMut(&mut Out<'a>, &Res, &str, &'a Trail, &'a CloudTrailFacts),
) {
    let account = out.facts.account_id.clone();
    out.each_region(
        |r| &r.cloudtrail,
        "CloudTrail",
        "No CloudTrail trail has its home",
        |out, region, ct| {
            let mut seen = BTreeSet::new();
            for t in &ct.trails {
                let home = if t.home_region.is_empty() {
                    region
                } else {
                    t.home_region.as_str()
                };
                if home != region || !seen.insert((t.name.as_str(), t.arn.as_known())) {
                    continue;
                }
                let res = Res::new(
                    t.arn.as_known().cloned(),
                    region,
                    t.address.as_ref(),
                    &t.name,
                );
                let name = format!("Trail '{}'", t.name);
                match &t.owner_account {
                    // Judged once, in its owner; here the account in the region says so (the
                    // trail is another account's resource).
                    Some(owner) if t.is_organization_trail && *owner != account => {
                        let here = out.account(region);
                        out.emit(
                            Status::NotApplicable,
                            &here,
                            format!("{name} is an organization trail owned by account {owner}; its settings are judged in that account."),
                        )
                    }
                    _ => f(out, &res, &name, t, ct),
                }
            }
        },
    );
}

macro_rules! trail_flag_rule {
    ($ty:ident, $id:literal, $title:literal, $sev:expr, [$($fw:literal),*], $remedy:literal,
     |$t:ident| $value:expr, $what:literal, $pass:literal, $fail:literal) => {
        #[doc = concat!("`", $id, "`.")]
        pub struct $ty;

        impl $ty {
            const META: Meta = Meta {
                id: $id,
                title: $title,
                service: Service::CloudTrail,
                severity: $sev,
                frameworks: &[$($fw),*],
                remediation: $remedy,
                remediated_by: TRAIL_REMEDIATION_BY,
                sources: &[Source::CloudTrail],
                doc: include_str!(concat!("../reference/", $id, ".md")),
            };
        }

        impl Rule for $ty {
            fn meta(&self) -> &Meta {
                &Self::META
            }

            fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
                let mut out = Out::new(self.meta(), facts);
                each_home_trail(&mut out, |out, res, name, $t, _| {
                    let value: Known<bool> = $value;
                    if let Some(ok) = known(out, res, &format!("{} of {name}", $what), &value) {
                        out.verdict(*ok, res, format!("{name} {}.", $pass), format!("{name} {}.", $fail));
                    }
                });
                out.finish()
            }
        }
    };
}

trail_flag_rule!(
    KmsEncryption,
    "cloudtrail_kms_encryption",
    "Trails encrypt log files with a KMS key",
    Severity::Medium,
    ["FSBP CloudTrail.2", "CIS 3.7"],
    "Set a customer-managed KMS key on the trail (kms_key_id) whose policy lets CloudTrail \
     encrypt — secbaseline_cloudtrail does this.",
    |t| t.kms_key_id.as_ref().map(is_set),
    "The KMS key",
    "encrypts log files with a KMS key",
    "does not encrypt log files with a KMS key (KmsKeyId is not set)"
);

trail_flag_rule!(
    LogFileValidation,
    "cloudtrail_log_file_validation",
    "Trails have log file validation enabled",
    Severity::Low,
    ["FSBP CloudTrail.4", "CIS 3.2"],
    "Enable log file validation on the trail (enable_log_file_validation = true) — \
     secbaseline_cloudtrail does this.",
    |t| t.log_file_validation.clone(),
    "Log file validation",
    "has log file validation enabled",
    "does not have log file validation enabled"
);

trail_flag_rule!(
    CloudWatchLogs,
    "cloudtrail_cloudwatch_logs",
    "Trails deliver to CloudWatch Logs",
    Severity::Low,
    ["FSBP CloudTrail.5", "CIS 3.4"],
    "Configure the trail to deliver to a CloudWatch Logs log group \
     (cloud_watch_logs_group_arn and cloud_watch_logs_role_arn) — secbaseline_cloudtrail does this.",
    |t| t.cloudwatch_logs_log_group_arn.as_ref().map(is_set),
    "The CloudWatch Logs log group",
    "delivers to CloudWatch Logs",
    "does not deliver to CloudWatch Logs (CloudWatchLogsLogGroupArn is not set)"
);

/// The collected bucket of a trail, or a finding explaining why it is missing.
fn trail_bucket<'a>(
    out: &mut Out<'a>,
    res: &Res,
    name: &str,
    t: &Trail,
    ct: &'a CloudTrailFacts,
) -> Option<(String, &'a TrailBucket)> {
    let bucket = known(out, res, &format!("The S3 bucket of {name}"), &t.s3_bucket)?.clone();
    // Bucket names are global: a bucket planned or read in another region is the same one.
    let found = ct.buckets.get(&bucket).or_else(|| {
        out.facts.regions.values().find_map(|rf| {
            rf.cloudtrail
                .ok()
                .and_then(|c| c.buckets.get(&bucket))
                .filter(|b| b.is_ok())
        })
    });
    match found {
        Some(Collected::Ok(b)) => Some((bucket, b)),
        Some(Collected::Failed { code, message }) => {
            out.emit(
                Status::Error,
                res,
                format!("Could not read S3 bucket '{bucket}' of {name}: {code}: {message}"),
            );
            None
        }
        Some(Collected::Unavailable { message }) => {
            out.emit(
                Status::NotApplicable,
                res,
                format!("S3 bucket '{bucket}' of {name} is not available: {message}"),
            );
            None
        }
        Some(Collected::NotCollected) | None => {
            out.emit(
                Status::Unknown,
                res,
                format!("S3 bucket '{bucket}' of {name} was not collected."),
            );
            None
        }
    }
}

/// `cloudtrail_bucket_not_public`.
pub struct BucketNotPublic;

impl BucketNotPublic {
    const META: Meta = Meta {
        id: "cloudtrail_bucket_not_public",
        title: "Trail buckets are not publicly accessible",
        service: Service::CloudTrail,
        severity: Severity::Critical,
        frameworks: &["FSBP CloudTrail.6", "CIS 3.3"],
        remediation: "Remove bucket policy statements that allow Principal \"*\" without a \
            Condition and ACL grants to AllUsers/AuthenticatedUsers, and turn on all four S3 \
            Block Public Access settings for the bucket or the account — secbaseline_cloudtrail \
            does this.",
        remediated_by: TRAIL_REMEDIATION_BY,
        sources: &[Source::CloudTrail, Source::S3Account],
        doc: include_str!("../reference/cloudtrail_bucket_not_public.md"),
    };
}

enum Gap {
    Problem(String),
    Unknown(String),
    Error(String),
}

fn public_gaps(facts: &Facts, bucket: &str, b: &TrailBucket) -> Vec<Gap> {
    let mut gaps = Vec::new();
    match &b.policy {
        Known::Unknown => gaps.push(Gap::Unknown("the bucket policy".into())),
        Known::Known(Some(doc)) if !doc.trim().is_empty() => match public_statements(doc) {
            Ok(open) if !open.is_empty() => gaps.push(Gap::Problem(format!(
                "its policy allows principal * without a Condition in {}",
                open.join(", ")
            ))),
            Ok(_) => {}
            Err(e) => gaps.push(Gap::Error(format!(
                "the policy of bucket '{bucket}' could not be read: {e}"
            ))),
        },
        Known::Known(_) => {}
    }
    match &b.public_acl_grantees {
        Known::Unknown => gaps.push(Gap::Unknown("the bucket ACL".into())),
        Known::Known(g) if !g.is_empty() => {
            let who: Vec<&str> = g
                .iter()
                .map(|u| u.rsplit('/').next().unwrap_or(u))
                .collect();
            gaps.push(Gap::Problem(format!(
                "its ACL grants access to {}",
                who.join(", ")
            )));
        }
        Known::Known(_) => {}
    }
    let bucket_block = match &b.public_access_block {
        Known::Unknown => {
            gaps.push(Gap::Unknown("the bucket's public access block".into()));
            return gaps;
        }
        Known::Known(p) => p.as_ref().is_some_and(|p| p.fully_on()),
    };
    if !bucket_block {
        match &facts.s3_account_public_access_block {
            Collected::Ok(Some(p)) if p.fully_on() => {}
            Collected::Ok(_) | Collected::Unavailable { .. } => gaps.push(Gap::Problem(
                "Block Public Access is not fully on for the bucket or the account".into(),
            )),
            Collected::Failed { code, message } => gaps.push(Gap::Error(format!(
                "the account's S3 public access block could not be read: {code}: {message}"
            ))),
            Collected::NotCollected => {
                gaps.push(Gap::Unknown("the account's S3 public access block".into()))
            }
        }
    }
    gaps
}

impl Rule for BucketNotPublic {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_home_trail(&mut out, |out, res, name, t, ct| {
            let Some((bucket, b)) = trail_bucket(out, res, name, t, ct) else {
                return;
            };
            let gaps = public_gaps(out.facts, &bucket, b);
            let problems: Vec<&str> = gaps
                .iter()
                .filter_map(|g| match g {
                    Gap::Problem(p) => Some(p.as_str()),
                    _ => None,
                })
                .collect();
            if !problems.is_empty() {
                out.fail(
                    res,
                    format!(
                        "S3 bucket '{bucket}' of {name} may be public: {}.",
                        problems.join("; ")
                    ),
                );
            } else if let Some(Gap::Error(e)) = gaps.iter().find(|g| matches!(g, Gap::Error(_))) {
                out.emit(
                    Status::Error,
                    res,
                    format!("For S3 bucket '{bucket}' of {name}, {e}."),
                );
            } else if let Some(Gap::Unknown(w)) = gaps.iter().find(|g| matches!(g, Gap::Unknown(_)))
            {
                out.unknown(res, &format!("For S3 bucket '{bucket}' of {name}, {w}"));
            } else {
                out.pass(res, format!("S3 bucket '{bucket}' of {name} is not public and Block Public Access is fully on."));
            }
        });
        out.finish()
    }
}

/// `cloudtrail_bucket_access_logging`.
pub struct BucketAccessLogging;

impl BucketAccessLogging {
    const META: Meta = Meta {
        id: "cloudtrail_bucket_access_logging",
        title: "Trail buckets have server access logging",
        service: Service::CloudTrail,
        severity: Severity::Low,
        frameworks: &["FSBP CloudTrail.7", "CIS 3.6"],
        remediation: "Enable S3 server access logging on the trail bucket to a separate log \
            bucket — secbaseline_cloudtrail does this.",
        remediated_by: TRAIL_REMEDIATION_BY,
        sources: &[Source::CloudTrail],
        doc: include_str!("../reference/cloudtrail_bucket_access_logging.md"),
    };
}

impl Rule for BucketAccessLogging {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_home_trail(&mut out, |out, res, name, t, ct| {
            let Some((bucket, b)) = trail_bucket(out, res, name, t, ct) else {
                return;
            };
            let what = format!("Server access logging of S3 bucket '{bucket}' of {name}");
            if let Some(target) = known(out, res, &what, &b.logging_target_bucket) {
                out.verdict(
                    is_set(target),
                    res,
                    format!("S3 bucket '{bucket}' of {name} has server access logging."),
                    format!("S3 bucket '{bucket}' of {name} has no server access logging."),
                );
            }
        });
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{PublicAccessBlock, Trail};
    use crate::rules::logging::fixtures::good_trail;
    use crate::rules::testkit::{only, region, run, statuses, ACCOUNT, REGION};

    fn trails(list: Vec<Trail>) -> Facts {
        region(|r| {
            r.cloudtrail = Collected::Ok(CloudTrailFacts {
                trails: list,
                ..Default::default()
            })
        })
    }

    #[test]
    fn multi_region_pass_names_trail() {
        let f = only(
            &MultiRegion,
            &trails(vec![good_trail("main")]),
            Status::Pass,
        );
        assert!(f.message.contains("'main'"), "{}", f.message);
        assert_eq!(f.resource_id, format!("arn:aws:iam::{ACCOUNT}:root"));
    }

    #[test]
    fn multi_region_fail_explains() {
        let f = only(&MultiRegion, &trails(vec![]), Status::Fail);
        assert!(f.message.contains("no CloudTrail trail"), "{}", f.message);
        let mut t = good_trail("regional");
        t.is_multi_region = false.into();
        let f = only(&MultiRegion, &trails(vec![t]), Status::Fail);
        assert!(
            f.message.contains("'regional' is not multi-region"),
            "{}",
            f.message
        );
        let mut t = good_trail("writes");
        t.event_selectors = vec![crate::facts::EventSelector::Classic {
            read_write_type: crate::facts::ReadWriteType::WriteOnly,
            include_management_events: true,
        }]
        .into();
        only(&MultiRegion, &trails(vec![t]), Status::Fail);
    }

    #[test]
    fn multi_region_where_cloudtrail_is_not_offered() {
        let nowhere = region(|r| r.cloudtrail = Collected::unavailable("not offered"));
        let f = only(&MultiRegion, &nowhere, Status::NotApplicable);
        assert!(
            f.message.contains("us-east-1: not offered"),
            "{}",
            f.message
        );
        // One region without CloudTrail does not excuse the others.
        let mut partly = trails(vec![]);
        partly.region_mut("eu-west-1").cloudtrail = Collected::unavailable("not offered");
        only(&MultiRegion, &partly, Status::Fail);
    }

    #[test]
    fn multi_region_dedupes_shadow_trails_and_reports_errors() {
        let mut facts = trails(vec![good_trail("main")]);
        facts.region_mut("eu-west-1").cloudtrail = Collected::Ok(CloudTrailFacts {
            trails: vec![good_trail("main")],
            ..Default::default()
        });
        let f = only(&MultiRegion, &facts, Status::Pass);
        assert_eq!(f.message.matches("'main'").count(), 1);
        let mut denied = trails(vec![]);
        denied.region_mut("eu-west-1").cloudtrail =
            Collected::failed("AccessDeniedException", "no");
        let f = only(&MultiRegion, &denied, Status::Error);
        assert!(f.message.contains("AccessDeniedException"));
        let mut planned = good_trail("p");
        planned.is_logging = Known::Unknown;
        only(&MultiRegion, &trails(vec![planned]), Status::Unknown);
    }

    #[test]
    fn per_trail_flags() {
        only(
            &KmsEncryption,
            &trails(vec![good_trail("main")]),
            Status::Pass,
        );
        only(
            &LogFileValidation,
            &trails(vec![good_trail("main")]),
            Status::Pass,
        );
        only(
            &CloudWatchLogs,
            &trails(vec![good_trail("main")]),
            Status::Pass,
        );
        let mut t = good_trail("bare");
        t.kms_key_id = None.into();
        t.log_file_validation = false.into();
        t.cloudwatch_logs_log_group_arn = None.into();
        let f = only(&KmsEncryption, &trails(vec![t.clone()]), Status::Fail);
        assert_eq!(
            f.resource_id,
            format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/bare")
        );
        assert!(f.message.contains("Trail 'bare'"));
        only(&LogFileValidation, &trails(vec![t.clone()]), Status::Fail);
        only(&CloudWatchLogs, &trails(vec![t]), Status::Fail);
    }

    #[test]
    fn per_trail_scope_rules() {
        // No trail at all: NOT_APPLICABLE (the multi-region control FAILs instead).
        only(&KmsEncryption, &trails(vec![]), Status::NotApplicable);
        // Judged only in the home region.
        let mut facts = trails(vec![good_trail("main")]);
        facts.region_mut("eu-west-1").cloudtrail = Collected::Ok(CloudTrailFacts {
            trails: vec![good_trail("main")],
            ..Default::default()
        });
        let findings = run(&KmsEncryption, &facts);
        assert_eq!(
            statuses(&findings),
            vec![Status::NotApplicable, Status::Pass]
        );
        // Organization trail of another account.
        let mut org = good_trail("org");
        org.is_organization_trail = true;
        org.owner_account = Some("999999999999".into());
        org.kms_key_id = None.into();
        let f = only(&KmsEncryption, &trails(vec![org]), Status::NotApplicable);
        assert!(f.message.contains("999999999999"));
    }

    fn with_bucket(
        b: Collected<TrailBucket>,
        account_pab: Collected<Option<PublicAccessBlock>>,
    ) -> Facts {
        let mut facts = region(|r| {
            r.cloudtrail = Collected::Ok(CloudTrailFacts {
                trails: vec![good_trail("main")],
                buckets: [("trail-bucket".to_owned(), b)].into_iter().collect(),
            })
        });
        facts.s3_account_public_access_block = account_pab;
        facts
    }

    fn bucket() -> TrailBucket {
        TrailBucket {
            name: "trail-bucket".into(),
            policy: Some(r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"*"}]}"#.to_owned()).into(),
            public_access_block: Some(PublicAccessBlock::ALL_ON).into(),
            logging_target_bucket: Some("logs".to_owned()).into(),
            ..Default::default()
        }
    }

    #[test]
    fn bucket_not_public() {
        only(
            &BucketNotPublic,
            &with_bucket(Collected::Ok(bucket()), Collected::Ok(None)),
            Status::Pass,
        );
        // Account-level block is enough.
        let mut b = bucket();
        b.public_access_block = None.into();
        only(
            &BucketNotPublic,
            &with_bucket(
                Collected::Ok(b.clone()),
                Collected::Ok(Some(PublicAccessBlock::ALL_ON)),
            ),
            Status::Pass,
        );
        let f = only(
            &BucketNotPublic,
            &with_bucket(Collected::Ok(b), Collected::Ok(None)),
            Status::Fail,
        );
        assert!(f.message.contains("Block Public Access"), "{}", f.message);
        let mut b = bucket();
        b.public_acl_grantees =
            vec!["http://acs.amazonaws.com/groups/global/AllUsers".to_owned()].into();
        let f = only(
            &BucketNotPublic,
            &with_bucket(Collected::Ok(b), Collected::Ok(None)),
            Status::Fail,
        );
        assert!(f.message.contains("AllUsers"), "{}", f.message);
        let mut b = bucket();
        b.policy = Some(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#.to_owned()).into();
        only(
            &BucketNotPublic,
            &with_bucket(Collected::Ok(b), Collected::Ok(None)),
            Status::Fail,
        );
    }

    #[test]
    fn unreadable_bucket_is_error() {
        let f = only(
            &BucketNotPublic,
            &with_bucket(
                Collected::failed("AccessDenied", "Access Denied"),
                Collected::Ok(None),
            ),
            Status::Error,
        );
        assert!(f.message.contains("trail-bucket") && f.message.contains("AccessDenied"));
        only(
            &BucketAccessLogging,
            &with_bucket(
                Collected::failed("AccessDenied", "Access Denied"),
                Collected::Ok(None),
            ),
            Status::Error,
        );
    }

    #[test]
    fn bucket_access_logging() {
        only(
            &BucketAccessLogging,
            &with_bucket(Collected::Ok(bucket()), Collected::Ok(None)),
            Status::Pass,
        );
        let mut b = bucket();
        b.logging_target_bucket = None.into();
        let f = only(
            &BucketAccessLogging,
            &with_bucket(Collected::Ok(b), Collected::Ok(None)),
            Status::Fail,
        );
        assert_eq!(f.region, REGION);
    }
}
