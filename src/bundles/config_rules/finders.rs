//! Finders: look things up; "not found" is `Ok(None)` (or an empty list), every other failure
//! an error.

use std::collections::BTreeMap;

use crate::aws::aws_error;
use crate::error::Result;

use super::catalog::ManagedRule;

/// A deployed rule of this resource's naming scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundRule {
    pub name: String,
    pub identifier: String,
    pub parameters: BTreeMap<String, String>,
}

/// Parses `InputParameters` (values of any JSON type are read as strings).
pub fn parse_parameters(json: Option<&str>) -> BTreeMap<String, String> {
    let Some(text) = json.filter(|t| !t.trim().is_empty()) else {
        return BTreeMap::new();
    };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(m)) => m
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                (k, v)
            })
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// The rules named `<prefix><slug>` for a rule of the table, in table order.
pub async fn find_rules_by_prefix(
    client: &aws_sdk_config::Client,
    prefix: &str,
) -> Result<Vec<FoundRule>> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .describe_config_rules()
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| aws_error(format!("reading AWS Config Rules ({prefix}*)"), e))?;
        for r in out.config_rules() {
            let Some(name) = r.config_rule_name() else {
                continue;
            };
            if ManagedRule::by_name(prefix, name).is_none() {
                continue;
            }
            found.push(FoundRule {
                name: name.to_string(),
                identifier: r
                    .source()
                    .and_then(|s| s.source_identifier())
                    .unwrap_or_default()
                    .to_string(),
                parameters: parse_parameters(r.input_parameters()),
            });
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    found.sort_by_key(|r| {
        (
            ManagedRule::by_name(prefix, &r.name)
                .map(|m| ManagedRule::position(m.identifier))
                .unwrap_or(usize::MAX),
            r.name.clone(),
        )
    });
    Ok(found)
}

/// The region's configuration recorder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundRecorder {
    pub name: String,
    pub role_arn: Option<String>,
    /// All supported types, global ones included.
    pub all_supported: bool,
}

pub async fn find_recorder(client: &aws_sdk_config::Client) -> Result<Option<FoundRecorder>> {
    let out = client
        .describe_configuration_recorders()
        .send()
        .await
        .map_err(|e| aws_error("reading AWS Config Configuration Recorders", e))?;
    Ok(out.configuration_recorders().first().map(|r| {
        let group = r.recording_group();
        FoundRecorder {
            name: r.name().unwrap_or_default().to_string(),
            role_arn: r.role_arn().map(str::to_string),
            all_supported: group
                .is_some_and(|g| g.all_supported() && g.include_global_resource_types()),
        }
    }))
}

/// Whether the recorder named `name` is recording.
pub async fn recorder_is_recording(client: &aws_sdk_config::Client, name: &str) -> Result<bool> {
    let out = client
        .describe_configuration_recorder_status()
        .configuration_recorder_names(name)
        .send()
        .await;
    match out {
        Ok(o) => Ok(o
            .configuration_recorders_status()
            .iter()
            .any(|s| s.recording())),
        Err(e) => {
            let err = aws_error(
                format!("reading AWS Config Configuration Recorder status ({name})"),
                e,
            );
            if err.is_not_found() {
                Ok(false)
            } else {
                Err(err)
            }
        }
    }
}

/// The region's delivery channel: (name, bucket, key prefix).
pub async fn find_channel(
    client: &aws_sdk_config::Client,
) -> Result<Option<(String, Option<String>, Option<String>)>> {
    let out = client
        .describe_delivery_channels()
        .send()
        .await
        .map_err(|e| aws_error("reading AWS Config Delivery Channels", e))?;
    Ok(out.delivery_channels().first().map(|c| {
        (
            c.name().unwrap_or_default().to_string(),
            c.s3_bucket_name().map(str::to_string),
            c.s3_key_prefix()
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        )
    }))
}

/// Path of AWS Config's service-linked role.
pub const CONFIG_SLR_PATH: &str = "/aws-service-role/config.amazonaws.com/";

/// AWS Config's service-linked role: (name, ARN).
pub async fn find_config_slr(client: &aws_sdk_iam::Client) -> Result<Option<(String, String)>> {
    let mut marker: Option<String> = None;
    loop {
        let out = client
            .list_roles()
            .path_prefix(CONFIG_SLR_PATH)
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| aws_error("reading the AWS Config service-linked role", e))?;
        if let Some(r) = out.roles().iter().find(|r| r.path() == CONFIG_SLR_PATH) {
            return Ok(Some((r.role_name().to_string(), r.arn().to_string())));
        }
        match out.marker() {
            Some(m) if out.is_truncated() => marker = Some(m.to_string()),
            _ => return Ok(None),
        }
    }
}

/// Whether the bucket exists (HeadBucket 404: no).
pub async fn bucket_exists(client: &aws_sdk_s3::Client, bucket: &str) -> Result<bool> {
    match client.head_bucket().bucket(bucket).send().await {
        Ok(_) => Ok(true),
        Err(e) => {
            let err = aws_error(format!("reading S3 Bucket ({bucket})"), e);
            if err.is_not_found() {
                Ok(false)
            } else {
                Err(err)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_parse_strings_and_other_json() {
        let p = parse_parameters(Some(r#"{"a":"x","b":14,"c":true}"#));
        assert_eq!(p.get("a").map(String::as_str), Some("x"));
        assert_eq!(p.get("b").map(String::as_str), Some("14"));
        assert_eq!(p.get("c").map(String::as_str), Some("true"));
        assert!(parse_parameters(None).is_empty());
        assert!(parse_parameters(Some("not json")).is_empty());
    }
}
