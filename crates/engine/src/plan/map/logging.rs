//! Account logging and monitoring resources: CloudTrail trails, AWS Config recorders,
//! channels and rules, CloudWatch Logs metric filters and CloudWatch metric alarms.

use crate::facts::{
    Alarm, ConfigRule, DeliveryChannel, EventSelector, FieldSelector, Known, MetricFilter,
    MetricTransformation, ReadWriteType, Recorder, RecordingGroup, Source, Trail,
};

use super::Mapper;
use crate::plan::attrs::Attrs;
use crate::plan::builder::{ok_or_init, Builder, ParentRef};
use crate::plan::model::PlannedResource;

pub(super) static MAPPERS: &[Mapper] = &[
    Mapper {
        resource_type: "aws_cloudtrail",
        data: false,
        phase: 0,
        controls: &[
            "cloudtrail_kms_encryption",
            "cloudtrail_log_file_validation",
            "cloudtrail_cloudwatch_logs",
        ],
        map: trail,
    },
    Mapper {
        resource_type: "aws_config_configuration_recorder",
        data: false,
        phase: 0,
        controls: &[],
        map: recorder,
    },
    Mapper {
        resource_type: "aws_config_configuration_recorder_status",
        data: false,
        phase: 1,
        controls: &[],
        map: recorder_status,
    },
    Mapper {
        resource_type: "aws_config_delivery_channel",
        data: false,
        phase: 0,
        controls: &[],
        map: delivery_channel,
    },
    Mapper {
        resource_type: "aws_config_config_rule",
        data: false,
        phase: 0,
        controls: &[],
        map: config_rule,
    },
    Mapper {
        resource_type: "aws_cloudwatch_log_metric_filter",
        data: false,
        phase: 0,
        controls: &[],
        map: metric_filter,
    },
    Mapper {
        resource_type: "aws_cloudwatch_metric_alarm",
        data: false,
        phase: 0,
        controls: &["cloudwatch_alarm_actions"],
        map: alarm,
    },
];

fn known_string(k: Known<Option<String>>) -> Known<String> {
    match k {
        Known::Known(Some(v)) => Known::Known(v),
        Known::Known(None) => Known::Known(String::new()),
        Known::Unknown => Known::Unknown,
    }
}

fn field_selector(f: Attrs<'_>) -> Known<FieldSelector> {
    let list = |name: &str| f.strings(name);
    let (eq, ne, sw, nsw, ew, new) = (
        list("equals"),
        list("not_equals"),
        list("starts_with"),
        list("not_starts_with"),
        list("ends_with"),
        list("not_ends_with"),
    );
    match (eq, ne, sw, nsw, ew, new) {
        (
            Known::Known(equals),
            Known::Known(not_equals),
            Known::Known(starts_with),
            Known::Known(not_starts_with),
            Known::Known(ends_with),
            Known::Known(not_ends_with),
        ) => Known::Known(FieldSelector {
            field: f.str("field").unwrap_or_default().to_owned(),
            equals,
            not_equals,
            starts_with,
            not_starts_with,
            ends_with,
            not_ends_with,
        }),
        _ => Known::Unknown,
    }
}

/// Classic or advanced selectors; none configured means AWS's default (all management
/// events, read and write).
fn event_selectors(a: Attrs<'_>) -> Known<Vec<EventSelector>> {
    let (Known::Known(advanced), Known::Known(classic)) = (
        a.items("advanced_event_selector"),
        a.items("event_selector"),
    ) else {
        return Known::Unknown;
    };
    let mut out = Vec::new();
    for adv in advanced {
        let Known::Known(fields) = adv.items("field_selector") else {
            return Known::Unknown;
        };
        let mut field_selectors = Vec::new();
        for f in fields {
            match field_selector(f) {
                Known::Known(fs) => field_selectors.push(fs),
                Known::Unknown => return Known::Unknown,
            }
        }
        out.push(EventSelector::Advanced {
            name: adv.str("name").map(str::to_owned),
            field_selectors,
        });
    }
    for sel in classic {
        let rw = match sel.opt_string("read_write_type") {
            Known::Known(v) => match v.as_deref() {
                Some("ReadOnly") => ReadWriteType::ReadOnly,
                Some("WriteOnly") => ReadWriteType::WriteOnly,
                _ => ReadWriteType::All,
            },
            Known::Unknown => return Known::Unknown,
        };
        let Known::Known(mgmt) = sel.bool_or("include_management_events", true) else {
            return Known::Unknown;
        };
        out.push(EventSelector::Classic {
            read_write_type: rw,
            include_management_events: mgmt,
        });
    }
    if out.is_empty() {
        out.push(EventSelector::Classic {
            read_write_type: ReadWriteType::All,
            include_management_events: true,
        });
    }
    Known::Known(out)
}

fn trail(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let account = b.facts.account_id.clone();
    let t = Trail {
        name: a.str("name").unwrap_or(&r.address).to_owned(),
        arn: match a.opt_string("arn") {
            Known::Known(Some(arn)) => Known::Known(arn),
            _ => Known::Unknown,
        },
        home_region: region.clone(),
        is_multi_region: b.flag(r, "is_multi_region_trail", false),
        is_logging: b.flag(r, "enable_logging", true),
        log_file_validation: b.flag(r, "enable_log_file_validation", false),
        kms_key_id: a.opt_string("kms_key_id"),
        cloudwatch_logs_log_group_arn: a.opt_string("cloud_watch_logs_group_arn"),
        s3_bucket: known_string(a.opt_string("s3_bucket_name")),
        is_organization_trail: a.bool_or("is_organization_trail", false).into_known() == Some(true),
        owner_account: Some(account),
        event_selectors: event_selectors(a),
        address: Some(r.address.clone()),
    };
    ok_or_init(&mut b.regional(&region, Source::CloudTrail).cloudtrail)
        .trails
        .push(t);
}

fn recording_group(a: Attrs<'_>) -> Known<RecordingGroup> {
    let group = match a.block("recording_group") {
        Known::Known(Some(g)) => g,
        Known::Known(None) => {
            return Known::Known(RecordingGroup {
                all_supported: true,
                ..Default::default()
            })
        }
        Known::Unknown => return Known::Unknown,
    };
    let exclusion = match group.block("exclusion_by_resource_types") {
        Known::Known(Some(e)) => e.strings("resource_types"),
        Known::Known(None) => Known::Known(Vec::new()),
        Known::Unknown => Known::Unknown,
    };
    let strategy = match group.block("recording_strategy") {
        Known::Known(Some(s)) => s.opt_string("use_only"),
        Known::Known(None) => Known::Known(None),
        Known::Unknown => Known::Unknown,
    };
    match (
        group.bool_or("all_supported", true),
        group.bool_or("include_global_resource_types", false),
        group.strings("resource_types"),
        exclusion,
        strategy,
    ) {
        (
            Known::Known(all_supported),
            Known::Known(include_global_resource_types),
            Known::Known(resource_types),
            Known::Known(exclusion_resource_types),
            Known::Known(strategy),
        ) => Known::Known(RecordingGroup {
            all_supported,
            include_global_resource_types,
            resource_types,
            exclusion_resource_types,
            strategy,
        }),
        _ => Known::Unknown,
    }
}

fn recorder(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let name = a.str("name").unwrap_or("default").to_owned();
    let rec = Recorder {
        name: name.clone(),
        role_arn: a.opt_string("role_arn"),
        // A recorder is created stopped; aws_config_configuration_recorder_status starts it.
        recording: Known::Known(false),
        recording_group: recording_group(a),
        address: Some(r.address.clone()),
    };
    b.recorders.define(r, &region, Some(name), rec);
    b.touch(&region, Source::Config);
}

fn recorder_status(b: &mut Builder<'_>, r: &PlannedResource) {
    let region = b.region(r);
    let value = b.attrs(r).opt_string("name");
    let enabled = b.attrs(r).bool_or("is_enabled", false);
    let plan = b.plan();
    let slot = b.recorders.resolve(
        plan,
        ParentRef {
            child: r,
            region: &region,
            attr: "name",
            value,
        },
        |key| Recorder {
            name: key.into_known().unwrap_or_else(|| "default".into()),
            role_arn: Known::Unknown,
            recording: Known::Unknown,
            recording_group: Known::Unknown,
            address: None,
        },
    );
    b.recorders.get_mut(slot).recording = enabled;
}

fn delivery_channel(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let c = DeliveryChannel {
        name: a.str("name").unwrap_or("default").to_owned(),
        s3_bucket: a.opt_string("s3_bucket_name"),
        sns_topic_arn: a.opt_string("sns_topic_arn"),
        address: Some(r.address.clone()),
    };
    ok_or_init(&mut b.regional(&region, Source::Config).config)
        .delivery_channels
        .push(c);
}

fn config_rule(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let (owner, identifier) = match a.block("source") {
        Known::Known(Some(s)) => (
            s.str("owner").unwrap_or_default().to_owned(),
            known_string(s.opt_string("source_identifier")),
        ),
        Known::Known(None) => (String::new(), Known::Known(String::new())),
        Known::Unknown => (String::new(), Known::Unknown),
    };
    let rule = ConfigRule {
        name: a.str("name").unwrap_or(&r.address).to_owned(),
        arn: match a.opt_string("arn") {
            Known::Known(Some(arn)) => Known::Known(arn),
            _ => Known::Unknown,
        },
        source_owner: owner,
        source_identifier: identifier,
        state: Some("ACTIVE".into()),
        address: Some(r.address.clone()),
    };
    ok_or_init(&mut b.regional(&region, Source::Config).config)
        .rules
        .push(rule);
}

fn metric_filter(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let transformations = match a.items("metric_transformation") {
        Known::Known(items) => items
            .into_iter()
            .map(|t| MetricTransformation {
                namespace: t.str("namespace").unwrap_or_default().to_owned(),
                name: t.str("name").unwrap_or_default().to_owned(),
            })
            .collect(),
        Known::Unknown => Vec::new(),
    };
    let f = MetricFilter {
        log_group_name: known_string(a.opt_string("log_group_name")),
        name: a.str("name").unwrap_or(&r.address).to_owned(),
        pattern: known_string(a.opt_string("pattern")),
        transformations,
        address: Some(r.address.clone()),
    };
    ok_or_init(&mut b.regional(&region, Source::Logs).logs)
        .metric_filters
        .push(f);
}

fn alarm(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let al = Alarm {
        name: a.str("alarm_name").unwrap_or(&r.address).to_owned(),
        arn: match a.opt_string("arn") {
            Known::Known(Some(arn)) => Known::Known(arn),
            _ => Known::Unknown,
        },
        namespace: a.opt_string("namespace"),
        metric_name: a.opt_string("metric_name"),
        dimensions: a.string_map("dimensions"),
        actions_enabled: b.flag(r, "actions_enabled", true),
        alarm_actions: a.strings("alarm_actions"),
        address: Some(r.address.clone()),
    };
    ok_or_init(&mut b.regional(&region, Source::CloudWatch).cloudwatch)
        .alarms
        .push(al);
}
