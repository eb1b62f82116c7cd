//! This provider's own bundles, judged by what they will create: the bundle's planned
//! attributes (the resource computes names, rules, filters and alarms at plan time) read
//! through the engine's one description of each bundle (`crate::remediation`). Only what AWS
//! decides at apply (ARNs of new objects, a created bucket's or key's identity in an account
//! the plan does not state) is left unknown.

use crate::facts::{
    Alarm, ConfigRule, DeliveryChannel, InlinePolicy, Known, MetricFilter, MetricTransformation,
    PublicAccessBlock, Recorder, Role, Source, Trail, TrailBucket,
};
use crate::remediation::alarms::{self as alarm_bundle, AlarmInputs, ApiKind, ApiSpec, Env};
use crate::remediation::cloudtrail::{self as trail_bundle, policies, Scope};
use crate::remediation::config_rules as config_bundle;

use super::Mapper;
use crate::plan::attrs::Attrs;
use crate::plan::builder::{ok_or_init, Builder, GLOBAL_REGION};
use crate::plan::model::PlannedResource;

pub(super) static MAPPERS: &[Mapper] = &[
    Mapper {
        resource_type: trail_bundle::RESOURCE_TYPE,
        data: false,
        phase: 0,
        controls: &[],
        map: cloudtrail,
    },
    Mapper {
        resource_type: config_bundle::RESOURCE_TYPE,
        data: false,
        phase: 0,
        controls: &[],
        map: config_rules,
    },
    Mapper {
        resource_type: alarm_bundle::RESOURCE_TYPE,
        data: false,
        phase: 0,
        controls: &[],
        map: alarms,
    },
];

/// A known, non-empty string attribute.
fn known_str(a: Attrs<'_>, name: &str) -> Known<String> {
    match a.opt_string(name) {
        Known::Known(Some(v)) => Known::Known(v),
        _ => Known::Unknown,
    }
}

/// Where a bundle lives: its planned `home_region` (cloudtrail), else the plan's placement.
fn bundle_region(b: &Builder<'_>, r: &PlannedResource, a: Attrs<'_>) -> String {
    a.str("home_region")
        .map(str::to_owned)
        .unwrap_or_else(|| b.region(r))
}

fn scope(b: &Builder<'_>, region: &str) -> Option<Scope> {
    Some(Scope {
        partition: b.facts.partition().to_owned(),
        account: b.facts.account()?,
        region: region.to_owned(),
    })
}

/// `secbaseline_cloudtrail`: a multi-region, logging trail recording all management events,
/// validated as `enable_log_file_validation` says, always KMS-encrypted (a given key or one
/// it creates), delivering to `/aws/cloudtrail/<name>`; a bucket it creates is private,
/// blocks public access and logs access to its access-log bucket.
fn cloudtrail(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = bundle_region(b, r, a);
    let name = known_str(a, "name");
    let scope = scope(b, &region);
    let arn = match (known_str(a, "arn"), name.as_known(), &scope) {
        (Known::Known(arn), _, _) => Known::Known(arn),
        (Known::Unknown, Some(n), Some(s)) => Known::Known(s.trail_arn(n)),
        _ => Known::Unknown,
    };
    let created_bucket = a.bool_or("created_bucket", true);
    let bucket_name = match (
        known_str(a, "s3_bucket_name"),
        &created_bucket,
        name.as_known(),
        &scope,
    ) {
        (Known::Known(given), _, _, _) => Known::Known(given),
        (Known::Unknown, Known::Known(true), Some(n), Some(s)) => {
            Known::Known(trail_bundle::trail_bucket(n, &s.account))
        }
        _ => Known::Unknown,
    };
    let log_group = a
        .str("log_group_name")
        .map(str::to_owned)
        .or_else(|| name.as_known().map(|n| trail_bundle::log_group(n)));
    let log_group_arn = match (known_str(a, "log_group_arn"), &log_group) {
        (Known::Known(arn), _) => Known::Known(Some(format!("{arn}:*"))),
        // The account may be unstated; the name and region are what the alarms match on.
        (Known::Unknown, Some(group)) => Known::Known(Some(format!(
            "arn:{}:logs:{region}:{}:log-group:{group}:*",
            b.facts.partition(),
            b.facts.account_id
        ))),
        (Known::Unknown, None) => Known::Unknown,
    };
    let kms = match known_str(a, "kms_key_arn") {
        Known::Known(arn) => arn,
        Known::Unknown => format!("(the KMS key of {}, known after apply)", r.address),
    };
    let trail = Trail {
        name: name
            .clone()
            .into_known()
            .unwrap_or_else(|| r.address.clone()),
        arn: arn.clone(),
        home_region: region.clone(),
        is_multi_region: Known::Known(true),
        is_logging: Known::Known(true),
        log_file_validation: b.flag(
            r,
            "enable_log_file_validation",
            trail_bundle::DEFAULT_LOG_FILE_VALIDATION,
        ),
        kms_key_id: Known::Known(Some(kms)),
        cloudwatch_logs_log_group_arn: log_group_arn,
        s3_bucket: bucket_name.clone(),
        is_organization_trail: false,
        owner_account: b.facts.account(),
        event_selectors: Known::Known(trail_bundle::event_selectors()),
        address: Some(r.address.clone()),
    };
    let bucket = match (
        &created_bucket,
        bucket_name.as_known(),
        name.as_known(),
        &scope,
        &arn,
    ) {
        (Known::Known(true), Some(bucket), Some(n), Some(s), Known::Known(trail_arn)) => {
            Some(TrailBucket {
                name: bucket.clone(),
                policy: Known::Known(Some(policies::trail_bucket(s, bucket, trail_arn))),
                public_access_block: Known::Known(Some(PublicAccessBlock::ALL_ON)),
                public_acl_grantees: Known::Known(Vec::new()),
                logging_target_bucket: Known::Known(Some(trail_bundle::access_log_bucket(
                    n, &s.account,
                ))),
                address: Some(r.address.clone()),
            })
        }
        _ => None,
    };
    let role = name
        .as_known()
        .map(|n| delivery_role(r, n, scope.as_ref(), &arn, log_group.as_deref()));
    let ct = ok_or_init(&mut b.regional(&region, Source::CloudTrail).cloudtrail);
    ct.trails.push(trail);
    if let Some(bucket) = bucket {
        ct.buckets
            .insert(bucket.name.clone(), crate::facts::Collected::Ok(bucket));
    }
    if let Some((key, role)) = role {
        b.iam();
        b.roles.define(r, GLOBAL_REGION, Some(key), role);
    }
}

/// The IAM role CloudTrail assumes to deliver to the log group, with its trust policy (only
/// CloudTrail, only for this trail) and its one inline policy, as the bundle writes them.
fn delivery_role(
    r: &PlannedResource,
    trail: &str,
    scope: Option<&Scope>,
    trail_arn: &Known<String>,
    log_group: Option<&str>,
) -> (String, Role) {
    let name = trail_bundle::role(trail);
    let trust = match (scope, trail_arn) {
        (Some(s), Known::Known(arn)) => Known::Known(policies::role_trust(s, arn)),
        _ => Known::Unknown,
    };
    let permissions = match (scope, log_group) {
        (Some(s), Some(group)) => Known::Known(policies::role_permissions(s, group)),
        _ => Known::Unknown,
    };
    let role = Role {
        name: name.clone(),
        arn: scope.map_or(Known::Unknown, |s| Known::Known(s.role_arn(&name))),
        path: "/".into(),
        trust_policy: trust,
        inline_policies: vec![InlinePolicy {
            name: trail_bundle::ROLE_POLICY.into(),
            document: permissions,
            address: Some(r.address.clone()),
        }],
        address: Some(r.address.clone()),
        ..Default::default()
    };
    (name, role)
}

/// `secbaseline_config_rules`: the managed rules it plans (`rules`, computed at plan), and
/// with a `recorder` block the region's recorder — recording every supported type, global
/// ones included — and its delivery channel.
fn config_rules(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let prefix = a
        .str("name_prefix")
        .unwrap_or(config_bundle::DEFAULT_PREFIX)
        .to_owned();
    let rules: Vec<ConfigRule> = match a.items("rules") {
        Known::Known(items) => items
            .into_iter()
            .map(|item| ConfigRule {
                name: item.str("name").unwrap_or(&r.address).to_owned(),
                arn: Known::Unknown,
                source_owner: "AWS".into(),
                source_identifier: known_str(item, "identifier"),
                state: Some("ACTIVE".into()),
                address: Some(r.address.clone()),
            })
            .collect(),
        // Not computed (an input is unknown): the services' rules by the bundle's table.
        Known::Unknown => config_bundle::RULES
            .iter()
            .filter(|rule| match a.strings("services") {
                Known::Known(s) if !s.is_empty() => s.iter().any(|x| x == rule.service),
                _ => true,
            })
            .map(|rule| ConfigRule {
                name: rule.rule_name(&prefix),
                arn: Known::Unknown,
                source_owner: "AWS".into(),
                source_identifier: Known::Known(rule.identifier.to_owned()),
                state: Some("ACTIVE".into()),
                address: Some(r.address.clone()),
            })
            .collect(),
    };
    let recorder_block = match a.block("recorder") {
        Known::Known(block) => block,
        Known::Unknown => None,
    };
    let cfg = ok_or_init(&mut b.regional(&region, Source::Config).config);
    cfg.rules.extend(rules);
    let Some(block) = recorder_block else {
        // Without the block the recorder is someone else's; the plan says nothing about it.
        return;
    };
    let recorder_name = a
        .str("recorder_name")
        .or_else(|| block.str("name"))
        .unwrap_or(config_bundle::DEFAULT_RECORDER)
        .to_owned();
    cfg.recorders.push(Recorder {
        name: recorder_name,
        role_arn: block.opt_string("role_arn"),
        recording: Known::Known(true),
        recording_group: Known::Known(config_bundle::recording_group()),
        address: Some(r.address.clone()),
    });
    let bucket = match block.opt_string("s3_bucket_name") {
        Known::Known(Some(given)) => Known::Known(Some(given)),
        _ => match b.facts.account() {
            Some(account) => {
                Known::Known(Some(config_bundle::bucket_name(&prefix, &account, &region)))
            }
            None => Known::Unknown,
        },
    };
    let channel_name = a
        .str("delivery_channel_name")
        .unwrap_or(config_bundle::DEFAULT_RECORDER)
        .to_owned();
    let cfg = ok_or_init(&mut b.regional(&region, Source::Config).config);
    cfg.delivery_channels.push(DeliveryChannel {
        name: channel_name,
        s3_bucket: bucket,
        sns_topic_arn: Known::Known(None),
        address: Some(r.address.clone()),
    });
}

/// `secbaseline_alarms`: its planned `metric_filters` and `alarms` (computed at plan when
/// every input is known), else what the bundle's description derives from the inputs that
/// are known.
fn alarms(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let inputs = alarm_inputs(a);
    let filters: Vec<MetricFilter> = match a.items("metric_filters") {
        Known::Known(items) => items
            .into_iter()
            .map(|f| MetricFilter {
                log_group_name: known_str(f, "log_group_name"),
                name: f.str("name").unwrap_or_default().to_owned(),
                pattern: known_str(f, "pattern"),
                transformations: vec![MetricTransformation {
                    namespace: f.str("metric_namespace").unwrap_or_default().to_owned(),
                    name: f.str("metric_name").unwrap_or_default().to_owned(),
                }],
                address: Some(r.address.clone()),
            })
            .collect(),
        Known::Unknown => inputs
            .as_ref()
            .map(|i| {
                i.filters()
                    .into_iter()
                    .map(|f| MetricFilter {
                        log_group_name: match a.opt_string("cloudtrail_log_group_name") {
                            Known::Known(Some(g)) => Known::Known(g),
                            _ => Known::Unknown,
                        },
                        name: f.name,
                        pattern: Known::Known(f.pattern),
                        transformations: vec![MetricTransformation {
                            namespace: f.metric_namespace,
                            name: f.metric_name,
                        }],
                        address: Some(r.address.clone()),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    let alarms: Vec<Alarm> = match a.items("alarms") {
        Known::Known(items) => items
            .into_iter()
            .map(|al| Alarm {
                name: al.str("name").unwrap_or_default().to_owned(),
                arn: known_str(al, "arn"),
                namespace: al.opt_string("namespace"),
                metric_name: al.opt_string("metric_name"),
                dimensions: al.string_map("dimensions"),
                actions_enabled: al.bool_or("actions_enabled", true),
                alarm_actions: al.strings("alarm_actions"),
                address: Some(r.address.clone()),
            })
            .collect(),
        Known::Unknown => derived_alarms(b, r, a, &region, inputs.as_ref()),
    };
    let rf = b.regional(&region, Source::Logs);
    ok_or_init(&mut rf.logs).metric_filters.extend(filters);
    let rf = b.regional(&region, Source::CloudWatch);
    ok_or_init(&mut rf.cloudwatch).alarms.extend(alarms);
}

/// The bundle's inputs as far as the plan knows them: the log group and the API IDs may be
/// unknown (they only change filters' log group and API alarm dimensions, handled apart).
fn alarm_inputs(a: Attrs<'_>) -> Option<AlarmInputs> {
    let prefix = a
        .str("name_prefix")
        .unwrap_or(alarm_bundle::DEFAULT_PREFIX)
        .to_owned();
    let cis = match a.strings("cis_alarms") {
        Known::Known(_) if a.get("cis_alarms").is_null() => alarm_bundle::cis(),
        Known::Known(keys) => alarm_bundle::cis()
            .into_iter()
            .filter(|c| keys.iter().any(|k| k == c.key))
            .collect(),
        Known::Unknown => return None,
    };
    let given_topic = match a.opt_string("sns_topic_arn") {
        Known::Known(t) => t,
        Known::Unknown => None,
    };
    Some(AlarmInputs {
        prefix,
        log_group: a
            .str("cloudtrail_log_group_name")
            .unwrap_or_default()
            .to_owned(),
        namespace: a
            .str("metric_namespace")
            .unwrap_or(alarm_bundle::DEFAULT_NAMESPACE)
            .to_owned(),
        cis,
        period: alarm_bundle::DEFAULT_PERIOD,
        threshold: alarm_bundle::DEFAULT_THRESHOLD,
        evaluation_periods: alarm_bundle::DEFAULT_EVALUATION_PERIODS,
        given_topic,
        emails: None,
        apis: Vec::new(),
    })
}

/// Alarms when the bundle could not compute them at plan (an API ID or the topic is not known
/// yet): the CIS ones from the inputs, and per `api_gateway` block the stage's error alarm
/// with the dimensions its API's planned kind and name give.
fn derived_alarms(
    b: &Builder<'_>,
    r: &PlannedResource,
    a: Attrs<'_>,
    region: &str,
    inputs: Option<&AlarmInputs>,
) -> Vec<Alarm> {
    let Some(inputs) = inputs else {
        return Vec::new();
    };
    let account = b.facts.account();
    let topic = match (known_str(a, "sns_topic_arn"), &account) {
        (Known::Known(t), _) => Known::Known(vec![t]),
        (Known::Unknown, Some(acct))
            if a.bool_or("created_sns_topic", true) == Known::Known(true) =>
        {
            let env = Env {
                partition: b.facts.partition().to_owned(),
                account: acct.clone(),
                region: region.to_owned(),
            };
            Known::Known(vec![inputs.topic_arn(&env)])
        }
        _ => Known::Unknown,
    };
    let arn_of = |name: &str| match &account {
        Some(acct) if !region.is_empty() => Known::Known(
            Env {
                partition: b.facts.partition().to_owned(),
                account: acct.clone(),
                region: region.to_owned(),
            }
            .alarm_arn(name),
        ),
        _ => Known::Unknown,
    };
    let alarm = |name: String, namespace: String, metric: String, dims: Known<_>| Alarm {
        arn: arn_of(&name),
        name,
        namespace: Known::Known(Some(namespace)),
        metric_name: Known::Known(Some(metric)),
        dimensions: dims,
        actions_enabled: Known::Known(true),
        alarm_actions: topic.clone(),
        address: Some(r.address.clone()),
    };
    let mut out: Vec<Alarm> = inputs
        .cis
        .iter()
        .map(|c| {
            alarm(
                c.name(&inputs.prefix),
                inputs.namespace.clone(),
                c.metric_name(),
                Known::Known(Default::default()),
            )
        })
        .collect();
    let blocks = match a.items("api_gateway") {
        Known::Known(blocks) => blocks,
        Known::Unknown => Vec::new(),
    };
    for (i, block) in blocks.into_iter().enumerate() {
        let Some(stage) = block.str("stage") else {
            continue;
        };
        let api_id = block.str("api_id").map(str::to_owned);
        let Some(kind) = planned_api_kind(b, r, i) else {
            continue;
        };
        let spec = ApiSpec {
            api_id: api_id.clone().unwrap_or_default(),
            stage: stage.to_owned(),
            latency_statistic: alarm_bundle::DEFAULT_LATENCY_STATISTIC.into(),
            latency_threshold_ms: alarm_bundle::DEFAULT_LATENCY_THRESHOLD_MS,
            error_threshold: alarm_bundle::DEFAULT_ERROR_THRESHOLD,
        };
        let (metric, dims) = kind.error_metric(&spec.api_id, &spec.stage);
        // The dimensions name the API by ID except for REST APIs (by name): an unknown ID
        // leaves an HTTP or WebSocket stage's alarm dimensions unknown.
        let dims = match (&kind, &api_id) {
            (ApiKind::Rest { .. }, _) | (_, Some(_)) => Known::Known(dims),
            _ => Known::Unknown,
        };
        let stem = alarm_bundle::apigw_alarm_stem(
            &inputs.prefix,
            api_id.as_deref().unwrap_or("(api id known after apply)"),
            stage,
        );
        out.push(alarm(
            format!("{stem}-5xx"),
            alarm_bundle::APIGATEWAY_NAMESPACE.to_owned(),
            metric.to_owned(),
            dims,
        ));
    }
    out
}

/// The kind of the API `api_gateway[i]` names: by its planned resource when `api_id` refers
/// to one (`aws_api_gateway_rest_api.x.id`: REST with its planned name; an
/// `aws_apigatewayv2_api`: HTTP or WebSocket by its `protocol_type`).
fn planned_api_kind(b: &Builder<'_>, r: &PlannedResource, i: usize) -> Option<ApiKind> {
    let plan = b.plan()?;
    let exprs = plan.expressions(r)?;
    let references = exprs
        .get("api_gateway")?
        .as_array()?
        .get(i)?
        .get("api_id")?
        .get("references")?
        .as_array()?;
    let prefix = if r.module_address.is_empty() {
        String::new()
    } else {
        format!("{}.", r.module_address)
    };
    references
        .iter()
        .filter_map(|v| v.as_str())
        .find_map(|reference| {
            let mut parts = reference.splitn(3, '.');
            let (ty, name) = (parts.next()?, parts.next()?);
            let target = b.by_address.get(format!("{prefix}{ty}.{name}").as_str())?;
            let after = Attrs::new(&target.after, &target.after_unknown);
            match ty {
                "aws_api_gateway_rest_api" => Some(ApiKind::Rest {
                    name: after.str("name")?.to_owned(),
                }),
                "aws_apigatewayv2_api" => match after.str("protocol_type")? {
                    "WEBSOCKET" => Some(ApiKind::WebSocket),
                    _ => Some(ApiKind::Http),
                },
                _ => None,
            }
        })
}
