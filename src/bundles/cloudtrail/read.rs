//! Read: the trail and its parts as they are in AWS, with drift reflected in state so the next
//! plan shows the update that repairs it (or a create when the trail itself is gone).

use std::collections::BTreeMap;

use aws_sdk_cloudtrail::types::ReadWriteType;

use crate::aws::aws_error;
use crate::error::Result;

use super::finders::{find_log_group, find_role_arn, find_trail_by_name, find_usable_key};
use super::model::{map_like, strings_like, DataEvents, TrailState};
use super::naming::TrailOutcome;
use super::waiters::code;
use super::{naming, policies, Ctx};

/// Reads the trail named in `prior`. `importing`: `prior` is a bare skeleton, so which parts
/// the resource created is recognised from their conventional names.
pub async fn read(ctx: &Ctx, prior: &TrailState, importing: bool) -> Result<Option<TrailState>> {
    let name = prior.name.as_str();
    let ct = ctx.cloudtrail();
    let Some(trail) = find_trail_by_name(&ct, name).await? else {
        // Gone although state says it existed: deleted out of band, so Terraform plans a
        // create. Never recorded (a create or destroy that failed halfway): keep the state, so
        // the parts it lists stay in Terraform's hands and the next apply or destroy finishes.
        if prior.arn.is_some() || importing {
            return Ok(None);
        }
        let mut st = prior.clone();
        st.is_logging = false;
        st.controls_satisfied.clear();
        return Ok(Some(st));
    };
    let scope = &ctx.scope;
    let mut st = prior.clone();
    st.arn = Some(
        trail
            .trail_arn()
            .map(str::to_string)
            .unwrap_or_else(|| scope.trail_arn(name)),
    );
    st.s3_bucket_name = trail
        .s3_bucket_name()
        .filter(|b| !b.is_empty())
        .map(str::to_string);
    st.bucket_arn = st.s3_bucket_name.as_deref().map(|b| scope.bucket_arn(b));
    st.enable_log_file_validation = Some(trail.log_file_validation_enabled().unwrap_or(false));
    // SnsTopicName is deprecated in favour of SnsTopicARN, but moto fills only the former.
    #[allow(deprecated)]
    let topic = trail.sns_topic_arn().or(trail.sns_topic_name());
    st.sns_topic_name = topic
        .filter(|t| !t.is_empty())
        .map(|t| naming::arn_tail(t).to_string());

    let status = ct
        .get_trail_status()
        .name(name)
        .send()
        .await
        .map_err(|e| aws_error(format!("reading status of CloudTrail Trail ({name})"), e))?;
    st.is_logging = status.is_logging().unwrap_or(false);

    // Event selectors: management events (read and write) and the data events.
    let selectors = ct
        .get_event_selectors()
        .trail_name(name)
        .send()
        .await
        .map_err(|e| {
            aws_error(
                format!("reading event selectors of CloudTrail Trail ({name})"),
                e,
            )
        })?;
    let mut management = false;
    let mut data = DataEvents::default();
    for s in selectors.event_selectors() {
        if s.include_management_events() != Some(false)
            && s.read_write_type() == Some(&ReadWriteType::All)
        {
            management = true;
        }
        for r in s.data_resources() {
            match r.r#type() {
                Some("AWS::S3::Object") => data.s3_object_arns.extend(r.values().iter().cloned()),
                Some("AWS::Lambda::Function") => {
                    data.lambda_function_arns.extend(r.values().iter().cloned())
                }
                _ => {}
            }
        }
    }
    // An advanced selector on eventCategory = Management without a readOnly filter records
    // read and write management events (docs/controls/cloudtrail_multi_region.md).
    for adv in selectors.advanced_event_selectors() {
        let fields = adv.field_selectors();
        let is_management = fields
            .iter()
            .any(|f| f.field() == "eventCategory" && f.equals().iter().any(|v| v == "Management"));
        let read_only_filter = fields.iter().any(|f| f.field() == "readOnly");
        management |= is_management && !read_only_filter;
    }
    st.data_events = data.to_block(&prior.data_events);

    let insights = insight_types(&ct, name).await?;
    st.insight_selectors = strings_like(&insights, &prior.insight_selectors);
    st.tags = map_like(
        &trail_tags(&ct, st.arn.as_deref().unwrap_or_default()).await?,
        &prior.tags,
    );

    // The KMS key: a key the resource created counts only while it is usable.
    let trail_key = trail
        .kms_key_id()
        .filter(|k| !k.is_empty())
        .map(str::to_string);
    let kms = ctx.kms();
    if importing {
        let aliased = find_usable_key(&kms, &naming::key_alias(name)).await?;
        st.created_kms_key = trail_key.is_some() && aliased.is_some() && aliased == trail_key;
    }
    st.kms_key_arn = match (&trail_key, st.created_kms_key) {
        (Some(key), true) => find_usable_key(&kms, key).await?.map(|_| key.clone()),
        (key, _) => key.clone(),
    };

    // The log group and the delivery role.
    let group = trail
        .cloud_watch_logs_log_group_arn()
        .and_then(naming::log_group_from_arn)
        .map(str::to_string);
    let found_group = match &group {
        Some(g) => find_log_group(&ctx.logs(), g)
            .await?
            .map(|retention| (g.clone(), retention)),
        None => None,
    };
    st.log_group_name = found_group.as_ref().map(|(g, _)| g.clone());
    st.log_group_arn = found_group.as_ref().map(|(g, _)| scope.log_group_arn(g));
    st.retention_in_days = found_group.as_ref().and_then(|(_, r)| r.map(i64::from));
    st.cloudwatch_role_arn = match trail.cloud_watch_logs_role_arn().filter(|r| !r.is_empty()) {
        Some(role) => find_role_arn(&ctx.iam(), naming::arn_tail(role))
            .await?
            .map(|_| role.to_string()),
        None => None,
    };

    // The buckets, judged only when the resource created them.
    if importing {
        st.created_bucket = st.s3_bucket_name.as_deref()
            == Some(naming::trail_bucket(name, &scope.account).as_str());
        st.access_log_bucket_name = st
            .created_bucket
            .then(|| naming::access_log_bucket(name, &scope.account));
        st.force_destroy = false;
    }
    let (not_public, access_logging) = match (&st.s3_bucket_name, st.created_bucket) {
        (Some(bucket), true) => bucket_facts(ctx, bucket).await?,
        _ => (false, false),
    };

    st.controls_satisfied = TrailOutcome {
        multi_region_logging: trail.is_multi_region_trail() == Some(true)
            && st.is_logging
            && management,
        kms_encrypted: trail_key.is_some(),
        log_file_validation: st.enable_log_file_validation == Some(true),
        cloudwatch_logs: trail
            .cloud_watch_logs_log_group_arn()
            .is_some_and(|a| !a.is_empty()),
        bucket_not_public: not_public,
        bucket_access_logging: access_logging,
    }
    .controls();
    Ok(Some(st))
}

/// (not public, has server access logging) of a bucket the resource created. "Not public"
/// also requires the CloudTrail policy to be there: without it the trail cannot deliver, so
/// a deleted policy shows as drift too.
async fn bucket_facts(ctx: &Ctx, bucket: &str) -> Result<(bool, bool)> {
    let s3 = ctx.s3();
    let block = match s3.get_public_access_block().bucket(bucket).send().await {
        Ok(out) => out.public_access_block_configuration().is_some_and(|c| {
            c.block_public_acls() == Some(true)
                && c.ignore_public_acls() == Some(true)
                && c.block_public_policy() == Some(true)
                && c.restrict_public_buckets() == Some(true)
        }),
        Err(e) => {
            let err = aws_error(
                format!("reading public access block of S3 Bucket ({bucket})"),
                e,
            );
            if !err.is_not_found() {
                return Err(err);
            }
            false
        }
    };
    let policy_ok = match s3.get_bucket_policy().bucket(bucket).send().await {
        Ok(out) => out
            .policy()
            .is_some_and(|p| !policies::grants_public_access(p)),
        Err(e) => {
            let err = aws_error(format!("reading the policy of S3 Bucket ({bucket})"), e);
            if !err.is_not_found() {
                return Err(err);
            }
            false
        }
    };
    let logging = match s3.get_bucket_logging().bucket(bucket).send().await {
        Ok(out) => out
            .logging_enabled()
            .is_some_and(|l| !l.target_bucket().is_empty()),
        Err(e) => {
            let err = aws_error(
                format!("reading server access logging of S3 Bucket ({bucket})"),
                e,
            );
            if !err.is_not_found() {
                return Err(err);
            }
            false
        }
    };
    Ok((block && policy_ok, logging))
}

/// The trail's Insights types, each once (moto appends on every PutInsightSelectors).
pub async fn insight_types(ct: &aws_sdk_cloudtrail::Client, name: &str) -> Result<Vec<String>> {
    match ct.get_insight_selectors().trail_name(name).send().await {
        Ok(out) => {
            let mut types: Vec<String> = Vec::new();
            for t in out
                .insight_selectors()
                .iter()
                .filter_map(|s| s.insight_type())
            {
                if !types.iter().any(|x| x == t.as_str()) {
                    types.push(t.as_str().to_string());
                }
            }
            Ok(types)
        }
        Err(e) => {
            let err = aws_error(
                format!("reading insight selectors of CloudTrail Trail ({name})"),
                e,
            );
            if code(&err) == Some("InsightNotEnabledException") {
                Ok(Vec::new())
            } else {
                Err(err)
            }
        }
    }
}

/// The trail's tags.
pub async fn trail_tags(
    ct: &aws_sdk_cloudtrail::Client,
    arn: &str,
) -> Result<BTreeMap<String, String>> {
    let out = ct
        .list_tags()
        .resource_id_list(arn)
        .send()
        .await
        .map_err(|e| aws_error(format!("reading tags of CloudTrail Trail ({arn})"), e))?;
    Ok(out
        .resource_tag_list()
        .iter()
        .flat_map(|r| r.tags_list())
        .map(|t| {
            (
                t.key().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect())
}
