//! This provider's own bundles, judged by their contract (DESIGN.md "Fix"): what applying
//! them sets up, whatever their computed ids.
//!
//! The attribute names read here (`name`, `s3_bucket_name`, `kms_key_arn`,
//! `log_group_name`, `services`, `sns_topic_arn`) follow the hashicorp/aws names the bundles
//! mirror; anything not set or not known is taken from the bundle's contract or left unknown.

use crate::facts::{
    Alarm, ConfigRule, DeliveryChannel, EventSelector, Known, MetricFilter, MetricTransformation,
    ReadWriteType, Recorder, RecordingGroup, Source, Trail,
};
use crate::rules::logging::CIS_ALARMS;
use crate::rules::Rule;

use super::Mapper;
use crate::plan::builder::{ok_or_init, Builder};
use crate::plan::model::PlannedResource;

pub(super) static MAPPERS: &[Mapper] = &[
    Mapper {
        resource_type: "secbaseline_cloudtrail",
        data: false,
        phase: 0,
        controls: &[],
        map: cloudtrail,
    },
    Mapper {
        resource_type: "secbaseline_config_rules",
        data: false,
        phase: 0,
        controls: &[],
        map: config_rules,
    },
    Mapper {
        resource_type: "secbaseline_alarms",
        data: false,
        phase: 0,
        controls: &[],
        map: alarms,
    },
];

/// The managed Config rules the bundle deploys per service (CONTROLS.md).
const MANAGED_RULES: &[(&str, &[&str])] = &[
    (
        "apigateway",
        &[
            "API_GW_EXECUTION_LOGGING_ENABLED",
            "API_GW_XRAY_ENABLED",
            "API_GW_ASSOCIATED_WITH_WAF",
            "API_GW_SSL_ENABLED",
            "API_GW_CACHE_ENABLED_AND_ENCRYPTED",
            "API_GW_ENDPOINT_TYPE_CHECK",
            "API_GWV2_ACCESS_LOGS_ENABLED",
            "API_GWV2_AUTHORIZATION_TYPE_CONFIGURED",
        ],
    ),
    (
        "iam",
        &[
            "IAM_ROOT_ACCESS_KEY_CHECK",
            "ROOT_ACCOUNT_MFA_ENABLED",
            "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED",
            "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
            "IAM_USER_MFA_ENABLED",
            "IAM_PASSWORD_POLICY",
            "ACCESS_KEYS_ROTATED",
            "IAM_USER_UNUSED_CREDENTIALS_CHECK",
            "IAM_USER_NO_POLICIES_CHECK",
            "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
            "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS",
            "IAM_NO_INLINE_POLICY_CHECK",
        ],
    ),
    (
        "cloudtrail",
        &[
            "MULTI_REGION_CLOUD_TRAIL_ENABLED",
            "CLOUD_TRAIL_ENCRYPTION_ENABLED",
            "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
            "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED",
            "CLOUDTRAIL_S3_DATAEVENTS_ENABLED",
        ],
    ),
    (
        "cloudwatch",
        &[
            "CLOUDWATCH_ALARM_ACTION_CHECK",
            "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
        ],
    ),
];

fn contract(what: &str, bundle: &str) -> String {
    format!("({what} created by {bundle})")
}

fn cloudtrail(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let bundle = "secbaseline_cloudtrail";
    let known_or = |name: &str, what: &str| match a.opt_string(name) {
        Known::Known(Some(v)) => Known::Known(Some(v)),
        _ => Known::Known(Some(contract(what, bundle))),
    };
    let t = Trail {
        name: a.str("name").unwrap_or("secbaseline").to_owned(),
        arn: Known::Unknown,
        home_region: region.clone(),
        is_multi_region: Known::Known(true),
        is_logging: Known::Known(true),
        log_file_validation: Known::Known(true),
        kms_key_id: known_or("kms_key_arn", "KMS key"),
        cloudwatch_logs_log_group_arn: known_or("log_group_arn", "log group"),
        s3_bucket: match a.opt_string("s3_bucket_name") {
            Known::Known(Some(v)) => Known::Known(v),
            _ => Known::Unknown,
        },
        is_organization_trail: false,
        owner_account: Some(b.facts.account_id.clone()),
        event_selectors: Known::Known(vec![EventSelector::Classic {
            read_write_type: ReadWriteType::All,
            include_management_events: true,
        }]),
        address: Some(r.address.clone()),
    };
    ok_or_init(&mut b.regional(&region, Source::CloudTrail).cloudtrail)
        .trails
        .push(t);
}

fn config_rules(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let services = match a.strings("services") {
        Known::Known(s) if !s.is_empty() => Some(s),
        _ => None,
    };
    let cfg = ok_or_init(&mut b.regional(&region, Source::Config).config);
    cfg.recorders.push(Recorder {
        name: "default".into(),
        role_arn: Known::Unknown,
        recording: Known::Known(true),
        recording_group: Known::Known(RecordingGroup {
            all_supported: true,
            include_global_resource_types: true,
            ..Default::default()
        }),
        address: Some(r.address.clone()),
    });
    cfg.delivery_channels.push(DeliveryChannel {
        name: "default".into(),
        s3_bucket: Known::Known(Some(contract("bucket", "secbaseline_config_rules"))),
        sns_topic_arn: Known::Known(None),
        address: Some(r.address.clone()),
    });
    for (service, rules) in MANAGED_RULES {
        if services
            .as_ref()
            .is_some_and(|s| !s.iter().any(|x| x == service))
        {
            continue;
        }
        for id in *rules {
            cfg.rules.push(ConfigRule {
                name: format!("secbaseline-{}", id.to_ascii_lowercase().replace('_', "-")),
                arn: Known::Unknown,
                source_owner: "AWS".into(),
                source_identifier: Known::Known((*id).to_owned()),
                state: Some("ACTIVE".into()),
                address: Some(r.address.clone()),
            });
        }
    }
}

fn alarms(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let log_group = match a.opt_string("log_group_name") {
        Known::Known(Some(v)) => Known::Known(v),
        _ => Known::Unknown,
    };
    let topic = a
        .str("sns_topic_arn")
        .map(str::to_owned)
        .unwrap_or_else(|| {
            format!(
                "arn:aws:sns:{region}:{}:secbaseline-alarms",
                b.facts.account_id
            )
        });
    let mut filters = Vec::new();
    let mut alarms = Vec::new();
    for cis in CIS_ALARMS.iter() {
        let id = cis.meta().id;
        let metric = id.trim_start_matches("cloudwatch_alarm_").to_owned();
        filters.push(MetricFilter {
            log_group_name: log_group.clone(),
            name: format!("secbaseline-{metric}"),
            pattern: Known::Known(cis.pattern.to_owned()),
            transformations: vec![MetricTransformation {
                namespace: "CISBenchmark".into(),
                name: metric.clone(),
            }],
            address: Some(r.address.clone()),
        });
        alarms.push(Alarm {
            name: format!("secbaseline-{metric}"),
            arn: Known::Unknown,
            namespace: Known::Known(Some("CISBenchmark".into())),
            metric_name: Known::Known(Some(metric)),
            dimensions: Known::Known(Default::default()),
            actions_enabled: Known::Known(true),
            alarm_actions: Known::Known(vec![topic.clone()]),
            address: Some(r.address.clone()),
        });
    }
    ok_or_init(&mut b.regional(&region, Source::Logs).logs)
        .metric_filters
        .extend(filters);
    ok_or_init(&mut b.regional(&region, Source::CloudWatch).cloudwatch)
        .alarms
        .extend(alarms);
}
