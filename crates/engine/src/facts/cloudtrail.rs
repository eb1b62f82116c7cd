//! CloudTrail facts: trails, their status and event selectors, and the buckets they write to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Collected, Known};

/// CloudTrail facts of one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CloudTrailFacts {
    /// Trails visible in the region (`DescribeTrails` with shadow trails included; a
    /// multi-region trail shows up in every region with the same ARN and `home_region`).
    pub trails: Vec<Trail>,
    /// The S3 buckets trails write to, keyed by bucket name. A bucket that could not be read
    /// is `Failed` (ERROR for the controls that read it).
    pub buckets: BTreeMap<String, Collected<TrailBucket>>,
}

/// A CloudTrail trail.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Trail {
    /// Trail name.
    pub name: String,
    /// Trail ARN.
    pub arn: Known<String>,
    /// `HomeRegion`.
    pub home_region: String,
    /// `IsMultiRegionTrail`.
    pub is_multi_region: Known<bool>,
    /// `GetTrailStatus.IsLogging`.
    pub is_logging: Known<bool>,
    /// `LogFileValidationEnabled`.
    pub log_file_validation: Known<bool>,
    /// `KmsKeyId`.
    pub kms_key_id: Known<Option<String>>,
    /// `CloudWatchLogsLogGroupArn`.
    pub cloudwatch_logs_log_group_arn: Known<Option<String>>,
    /// `S3BucketName`.
    pub s3_bucket: Known<String>,
    /// `IsOrganizationTrail`.
    pub is_organization_trail: bool,
    /// Account that owns the trail (from its ARN); differs from the assessed account for
    /// organization trails created in the management account.
    pub owner_account: Option<String>,
    /// Event selectors, classic or advanced.
    pub event_selectors: Known<Vec<EventSelector>>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

/// Read/write filter of a classic event selector.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReadWriteType {
    /// `All`.
    #[default]
    All,
    /// `ReadOnly`.
    ReadOnly,
    /// `WriteOnly`.
    WriteOnly,
}

/// An event selector, in one of AWS's two forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventSelector {
    /// A classic selector (`EventSelectors`).
    Classic {
        /// `ReadWriteType`.
        read_write_type: ReadWriteType,
        /// `IncludeManagementEvents`.
        include_management_events: bool,
    },
    /// An advanced selector (`AdvancedEventSelectors`).
    Advanced {
        /// Selector name.
        name: Option<String>,
        /// Field selectors.
        field_selectors: Vec<FieldSelector>,
    },
}

/// One field condition of an advanced selector.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldSelector {
    /// `Field`, e.g. `eventCategory`, `readOnly`.
    pub field: String,
    /// `Equals`.
    pub equals: Vec<String>,
    /// `NotEquals`.
    pub not_equals: Vec<String>,
    /// `StartsWith`.
    pub starts_with: Vec<String>,
    /// `NotStartsWith`.
    pub not_starts_with: Vec<String>,
    /// `EndsWith`.
    pub ends_with: Vec<String>,
    /// `NotEndsWith`.
    pub not_ends_with: Vec<String>,
}

impl EventSelector {
    /// True when this selector records all (read and write) management events (`docs/controls/cloudtrail_multi_region.md`):
    /// classic with `ReadWriteType=All` and management events included, or advanced with
    /// `eventCategory = Management` and no `readOnly` filter.
    pub fn records_all_management_events(&self) -> bool {
        match self {
            EventSelector::Classic {
                read_write_type,
                include_management_events,
            } => *include_management_events && *read_write_type == ReadWriteType::All,
            EventSelector::Advanced {
                field_selectors, ..
            } => {
                let management = field_selectors.iter().any(|f| {
                    f.field == "eventCategory" && f.equals.iter().any(|v| v == "Management")
                });
                let read_only_filter = field_selectors.iter().any(|f| f.field == "readOnly");
                management && !read_only_filter
            }
        }
    }
}

impl Trail {
    /// Whether the trail records read and write management events; `Unknown` when the
    /// selectors are not known yet.
    pub fn records_all_management_events(&self) -> Known<bool> {
        self.event_selectors.as_ref().map(|sels| {
            sels.iter()
                .any(EventSelector::records_all_management_events)
        })
    }
}

/// An S3 bucket a trail delivers to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrailBucket {
    /// Bucket name.
    pub name: String,
    /// Bucket policy, raw JSON text (`None`: no policy).
    pub policy: Known<Option<String>>,
    /// The bucket's public access block (`None`: not configured).
    pub public_access_block: Known<Option<PublicAccessBlock>>,
    /// ACL grantee URIs that are public (`…/global/AllUsers`, `…/global/AuthenticatedUsers`).
    pub public_acl_grantees: Known<Vec<String>>,
    /// Server access logging target bucket (`None`: logging off).
    pub logging_target_bucket: Known<Option<String>>,
    /// Terraform address when the fact comes from a plan.
    pub address: Option<String>,
}

/// The four S3 Block Public Access settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PublicAccessBlock {
    /// `BlockPublicAcls`.
    pub block_public_acls: bool,
    /// `IgnorePublicAcls`.
    pub ignore_public_acls: bool,
    /// `BlockPublicPolicy`.
    pub block_public_policy: bool,
    /// `RestrictPublicBuckets`.
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// All four settings on.
    pub const ALL_ON: PublicAccessBlock = PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };

    /// True when all four settings are on.
    pub fn fully_on(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adv(fields: &[(&str, &str)]) -> EventSelector {
        EventSelector::Advanced {
            name: None,
            field_selectors: fields
                .iter()
                .map(|(f, v)| FieldSelector {
                    field: (*f).into(),
                    equals: vec![(*v).into()],
                    ..Default::default()
                })
                .collect(),
        }
    }

    #[test]
    fn management_events_read_and_write() {
        assert!(EventSelector::Classic {
            read_write_type: ReadWriteType::All,
            include_management_events: true
        }
        .records_all_management_events());
        assert!(!EventSelector::Classic {
            read_write_type: ReadWriteType::WriteOnly,
            include_management_events: true
        }
        .records_all_management_events());
        assert!(adv(&[("eventCategory", "Management")]).records_all_management_events());
        assert!(
            !adv(&[("eventCategory", "Management"), ("readOnly", "true")])
                .records_all_management_events()
        );
        assert!(!adv(&[("eventCategory", "Data")]).records_all_management_events());
    }
}
