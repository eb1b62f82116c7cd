//! Account logging and monitoring controls (CloudTrail, Config, CloudWatch) and the shared
//! judgements other services' logging controls reuse.

mod alarm_actions;
mod cis_alarms;
mod cloudtrail;
mod config;
mod presence;
mod trails;

pub use alarm_actions::AlarmActions;
pub use cis_alarms::{normalize_pattern, CisAlarm, CIS_ALARMS};
pub use cloudtrail::{
    BucketAccessLogging, BucketNotPublic, CloudWatchLogs, KmsEncryption, LogFileValidation,
    MultiRegion,
};
pub(crate) use config::records_types;
pub use config::ConfigRecorder;
pub(crate) use presence::{
    multi_region_trail_if_present, records_types_where_present, ServiceResources,
};
pub(crate) use trails::multi_region_trail;

#[cfg(test)]
pub(crate) mod fixtures {
    //! Builders of CloudTrail facts for the rule tests.

    use crate::facts::{EventSelector, ReadWriteType, Trail};
    use crate::rules::testkit::ACCOUNT;

    /// A multi-region, logging trail recording all management events, homed in us-east-1.
    pub(crate) fn good_trail(name: &str) -> Trail {
        Trail {
            name: name.into(),
            arn: format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{name}").into(),
            home_region: "us-east-1".into(),
            is_multi_region: true.into(),
            is_logging: true.into(),
            log_file_validation: true.into(),
            kms_key_id: "arn:aws:kms:us-east-1:123456789012:key/k".into(),
            cloudwatch_logs_log_group_arn: format!(
                "arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail-logs:*"
            )
            .as_str()
            .into(),
            s3_bucket: "trail-bucket".into(),
            owner_account: Some(ACCOUNT.into()),
            event_selectors: vec![EventSelector::Classic {
                read_write_type: ReadWriteType::All,
                include_management_events: true,
            }]
            .into(),
            ..Default::default()
        }
    }
}
