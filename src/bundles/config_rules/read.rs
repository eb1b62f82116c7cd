//! Read: the rules of this resource's naming scheme and the region's recorder, as state.

use crate::error::Result;
use crate::value::Value;

use super::catalog::{ManagedRule, RULES, SERVICES};
use super::finders::{
    find_channel, find_recorder, find_rules_by_prefix, recorder_is_recording, FoundRule,
};
use super::model::{recorder_block, rule_value};
use super::Ctx;

/// Refreshes `current` (which carries the prefix, the configuration echo and
/// `created_parts`) from AWS. `Ok(None)`: nothing of the resource exists any more.
pub async fn read(ctx: &Ctx, current: &Value) -> Result<Option<Value>> {
    let prefix = current.get("name_prefix").as_str().unwrap_or_default();
    let client = ctx.config();
    let rules = find_rules_by_prefix(&client, prefix).await?;
    let created = current.get("created_parts").strings();
    if rules.is_empty() && created.is_empty() {
        return Ok(None);
    }
    let mut v = current.clone();
    v.set("id", Value::string(prefix));
    v.set(
        "rules",
        Value::List(
            rules
                .iter()
                .map(|r| rule_value(&r.name, &r.identifier, &r.parameters))
                .collect(),
        ),
    );
    v.set("created_parts", Value::string_list(created));

    let recorder = find_recorder(&client).await?;
    let channel = find_channel(&client).await?;
    let recording = match &recorder {
        Some(r) => recorder_is_recording(&client, &r.name).await?,
        None => false,
    };
    v.set(
        "recorder_name",
        Value::opt_string(recorder.as_ref().map(|r| r.name.clone())),
    );
    v.set(
        "delivery_channel_name",
        Value::opt_string(channel.as_ref().map(|c| c.0.clone())),
    );
    v.set("recording", Value::Bool(recording));
    v.set(
        "records_all_supported",
        Value::Bool(recorder.as_ref().is_some_and(|r| r.all_supported)),
    );
    if let Some(block) = recorder_block(current) {
        // What the block manages, as it is now (a changed role or bucket shows as drift).
        let mut block = block.clone();
        if let Some(r) = &recorder {
            block.set("name", Value::string(&r.name));
            if let Some(role) = &r.role_arn {
                block.set("role_arn", Value::string(role));
            }
        }
        if let Some((_, bucket, key_prefix)) = &channel {
            if let Some(b) = bucket {
                block.set("s3_bucket_name", Value::string(b));
            }
            block.set("s3_key_prefix", Value::opt_string(key_prefix.clone()));
        }
        v.set("recorder", Value::List(vec![block]));
    }
    Ok(Some(v))
}

/// The state an import by prefix starts from. The `recorder` block is filled when the
/// region's recorder is fully set up (recording everything, with a channel); it is then
/// treated as adopted, and kept on destroy.
pub async fn import_skeleton(ctx: &Ctx, prefix: &str) -> Result<Value> {
    let client = ctx.config();
    let recorder = find_recorder(&client).await?;
    let channel = find_channel(&client).await?;
    let found = find_rules_by_prefix(&client, prefix).await?;
    let (services, exclude_rules, parameters) = infer_inputs(&found);
    let mut v = Value::object([
        ("id", Value::string(prefix)),
        ("name_prefix", Value::string(prefix)),
        ("services", services),
        ("exclude_rules", exclude_rules),
        ("parameters", parameters),
        ("created_parts", Value::List(Vec::new())),
        ("recorder", Value::List(Vec::new())),
    ]);
    if let (Some(r), Some((_, Some(bucket), key_prefix))) = (&recorder, &channel) {
        if r.all_supported && recorder_is_recording(&client, &r.name).await? {
            v.set(
                "recorder",
                Value::List(vec![Value::object([
                    ("name", Value::string(&r.name)),
                    ("role_arn", Value::opt_string(r.role_arn.clone())),
                    ("s3_bucket_name", Value::string(bucket)),
                    ("s3_key_prefix", Value::opt_string(key_prefix.clone())),
                    ("force_destroy", Value::Null),
                ])]),
            );
        }
    }
    Ok(v)
}

/// The `services`, `exclude_rules` and `parameters` a configuration written the canonical way
/// would have to deploy exactly `found` (null where the default gives the same).
fn infer_inputs(found: &[FoundRule]) -> (Value, Value, Value) {
    let deployed = |r: &ManagedRule| found.iter().any(|f| f.identifier == r.identifier);
    let services: Vec<&str> = SERVICES
        .iter()
        .copied()
        .filter(|s| RULES.iter().any(|r| r.service == *s && deployed(r)))
        .collect();
    let excluded: Vec<&str> = RULES
        .iter()
        .filter(|r| services.contains(&r.service) && !deployed(r))
        .map(|r| r.identifier)
        .collect();
    let mut overrides = std::collections::BTreeMap::new();
    for f in found {
        let Some(rule) = ManagedRule::by_identifier(&f.identifier) else {
            continue;
        };
        let defaults = rule.parameters_with(&Default::default());
        let changed: std::collections::BTreeMap<String, Value> = f
            .parameters
            .iter()
            .filter(|(k, v)| defaults.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), Value::string(v)))
            .collect();
        if !changed.is_empty() {
            overrides.insert(f.identifier.clone(), Value::Map(changed));
        }
    }
    (
        if services.len() == SERVICES.len() || services.is_empty() {
            Value::Null
        } else {
            Value::string_list(services)
        },
        if excluded.is_empty() {
            Value::Null
        } else {
            Value::string_list(excluded)
        },
        if overrides.is_empty() {
            Value::Null
        } else {
            Value::Map(overrides)
        },
    )
}
