//! `secbaseline_config_rules`: the AWS Config managed rules it deploys per service (with
//! their default parameters and the catalogue controls each reports on), how it names them,
//! and the recorder and delivery channel its `recorder` block sets up.

use std::collections::BTreeMap;

use crate::facts::RecordingGroup;

/// The resource type.
pub const RESOURCE_TYPE: &str = "secbaseline_config_rules";

/// `name_prefix` when the configuration leaves it out.
pub const DEFAULT_PREFIX: &str = "secbaseline-";

/// Name of a configuration recorder or delivery channel the resource creates.
pub const DEFAULT_RECORDER: &str = "default";

/// What a recorder the `recorder` block sets up records: every supported resource type,
/// global (IAM) types included.
pub fn recording_group() -> RecordingGroup {
    RecordingGroup {
        all_supported: true,
        include_global_resource_types: true,
        ..Default::default()
    }
}

/// The delivery bucket the resource creates: `<prefix>config-<account>-<region>`,
/// lower-cased, with characters S3 refuses replaced, at most 63 characters.
pub fn bucket_name(prefix: &str, account: &str, region: &str) -> String {
    let raw = format!("{prefix}config-{account}-{region}").to_ascii_lowercase();
    let clean: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = clean.trim_matches('-');
    trimmed
        .chars()
        .take(63)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// Service keys whose managed rules the resource can deploy, in catalogue order.
pub const SERVICES: &[&str] = &["apigateway", "iam", "cloudtrail", "cloudwatch"];

/// One managed rule of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManagedRule {
    pub service: &'static str,
    /// `Source.SourceIdentifier`.
    pub identifier: &'static str,
    /// Default `InputParameters`.
    pub parameters: &'static [(&'static str, &'static str)],
    /// Catalogue controls whose check this rule mirrors (besides `apigateway_config_rules`,
    /// which [`ManagedRule::control_ids`] adds for the conformance-pack rules).
    controls: &'static [&'static str],
}

const fn rule(
    service: &'static str,
    identifier: &'static str,
    parameters: &'static [(&'static str, &'static str)],
    controls: &'static [&'static str],
) -> ManagedRule {
    ManagedRule {
        service,
        identifier,
        parameters,
        controls,
    }
}

/// Every managed rule, in catalogue order.
pub const RULES: &[ManagedRule] = &[
    rule(
        "apigateway",
        "API_GW_EXECUTION_LOGGING_ENABLED",
        &[("loggingLevel", "ERROR,INFO")],
        &["apigateway_rest_execution_logging"],
    ),
    rule(
        "apigateway",
        "API_GW_XRAY_ENABLED",
        &[],
        &["apigateway_rest_xray_tracing"],
    ),
    rule(
        "apigateway",
        "API_GW_ASSOCIATED_WITH_WAF",
        &[],
        &["apigateway_rest_waf"],
    ),
    rule(
        "apigateway",
        "API_GW_SSL_ENABLED",
        &[],
        &["apigateway_rest_client_certificate"],
    ),
    rule(
        "apigateway",
        "API_GW_CACHE_ENABLED_AND_ENCRYPTED",
        &[],
        &["apigateway_rest_cache_encrypted"],
    ),
    rule(
        "apigateway",
        "API_GW_ENDPOINT_TYPE_CHECK",
        &[("endpointConfigurationTypes", "REGIONAL,PRIVATE,EDGE")],
        &[],
    ),
    rule(
        "apigateway",
        "API_GWV2_ACCESS_LOGS_ENABLED",
        &[],
        &["apigateway_v2_access_logging"],
    ),
    rule(
        "apigateway",
        "API_GWV2_AUTHORIZATION_TYPE_CONFIGURED",
        &[],
        &["apigateway_v2_route_authorization"],
    ),
    rule(
        "iam",
        "IAM_ROOT_ACCESS_KEY_CHECK",
        &[],
        &["iam_root_access_key"],
    ),
    rule("iam", "ROOT_ACCOUNT_MFA_ENABLED", &[], &["iam_root_mfa"]),
    rule(
        "iam",
        "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED",
        &[],
        &["iam_root_hardware_mfa"],
    ),
    rule(
        "iam",
        "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
        &[],
        &["iam_user_console_mfa"],
    ),
    rule("iam", "IAM_USER_MFA_ENABLED", &[], &["iam_user_mfa"]),
    rule(
        "iam",
        "IAM_PASSWORD_POLICY",
        &[
            ("RequireUppercaseCharacters", "true"),
            ("RequireLowercaseCharacters", "true"),
            ("RequireSymbols", "true"),
            ("RequireNumbers", "true"),
            ("MinimumPasswordLength", "14"),
            ("PasswordReusePrevention", "24"),
            ("MaxPasswordAge", "90"),
        ],
        &["iam_password_policy"],
    ),
    rule(
        "iam",
        "ACCESS_KEYS_ROTATED",
        &[("maxAccessKeyAge", "90")],
        &["iam_access_key_rotation"],
    ),
    rule(
        "iam",
        "IAM_USER_UNUSED_CREDENTIALS_CHECK",
        &[("maxCredentialUsageAge", "90")],
        &["iam_unused_credentials"],
    ),
    rule(
        "iam",
        "IAM_USER_NO_POLICIES_CHECK",
        &[],
        &["iam_user_no_direct_policies"],
    ),
    rule(
        "iam",
        "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
        &[],
        &["iam_policy_no_admin"],
    ),
    rule(
        "iam",
        "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS",
        &[],
        &["iam_policy_no_service_wildcard"],
    ),
    rule("iam", "IAM_NO_INLINE_POLICY_CHECK", &[], &[]),
    rule(
        "cloudtrail",
        "MULTI_REGION_CLOUD_TRAIL_ENABLED",
        &[],
        &["cloudtrail_multi_region"],
    ),
    rule(
        "cloudtrail",
        "CLOUD_TRAIL_ENCRYPTION_ENABLED",
        &[],
        &["cloudtrail_kms_encryption"],
    ),
    rule(
        "cloudtrail",
        "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
        &[],
        &["cloudtrail_log_file_validation"],
    ),
    rule(
        "cloudtrail",
        "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED",
        &[],
        &["cloudtrail_cloudwatch_logs"],
    ),
    rule("cloudtrail", "CLOUDTRAIL_S3_DATAEVENTS_ENABLED", &[], &[]),
    // The catalogue asks for alarmActionRequired=true; AWS requires the other two flags as well
    // (AWS's own defaults shown), so all three are sent.
    rule(
        "cloudwatch",
        "CLOUDWATCH_ALARM_ACTION_CHECK",
        &[
            ("alarmActionRequired", "true"),
            ("insufficientDataActionRequired", "true"),
            ("okActionRequired", "false"),
        ],
        &["cloudwatch_alarm_actions"],
    ),
    rule("cloudwatch", "CW_LOGGROUP_RETENTION_PERIOD_CHECK", &[], &[]),
];

impl ManagedRule {
    /// The rule with this identifier.
    pub fn by_identifier(identifier: &str) -> Option<&'static ManagedRule> {
        RULES.iter().find(|r| r.identifier == identifier)
    }

    /// The rule's position in the table (orders rules in state).
    pub fn position(identifier: &str) -> usize {
        RULES
            .iter()
            .position(|r| r.identifier == identifier)
            .unwrap_or(RULES.len())
    }

    /// The rule's name part: `API_GW_XRAY_ENABLED` → `api-gw-xray-enabled` (the AWS
    /// conformance packs' convention).
    pub fn slug(&self) -> String {
        self.identifier.to_ascii_lowercase().replace('_', "-")
    }

    /// The deployed rule's name.
    pub fn rule_name(&self, prefix: &str) -> String {
        format!("{prefix}{}", self.slug())
    }

    /// The rule whose name `<prefix><slug>` is `name`.
    pub fn by_name(prefix: &str, name: &str) -> Option<&'static ManagedRule> {
        let slug = name.strip_prefix(prefix)?;
        RULES.iter().find(|r| r.slug() == slug)
    }

    /// Default parameters, overridden key by key by `overrides`.
    pub fn parameters_with(
        &self,
        overrides: &BTreeMap<String, String>,
    ) -> BTreeMap<String, String> {
        let mut params: BTreeMap<String, String> = self
            .parameters
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        params.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        params
    }

    /// Control IDs of the catalogue this rule reports on.
    pub fn control_ids(&self) -> Vec<&'static str> {
        let mut ids = self.controls.to_vec();
        if crate::rules::apigateway::MANAGED_RULES.contains(&self.identifier) {
            ids.push("apigateway_config_rules");
        }
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remediation::Bundle;
    use crate::rules::catalogue;

    #[test]
    fn every_control_id_is_in_the_catalogue() {
        for r in RULES {
            for id in r.control_ids() {
                assert!(
                    catalogue().iter().any(|c| c.meta().id == id),
                    "{} names unknown control {id}",
                    r.identifier
                );
            }
        }
    }

    #[test]
    fn identifiers_are_unique_and_services_known() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(SERVICES.contains(&r.service), "{}", r.identifier);
            assert!(
                RULES[i + 1..].iter().all(|o| o.identifier != r.identifier),
                "duplicate {}",
                r.identifier
            );
        }
    }

    #[test]
    fn the_conformance_pack_rules_are_all_deployed() {
        for id in crate::rules::apigateway::MANAGED_RULES {
            let r = ManagedRule::by_identifier(id).expect("deployed");
            assert!(r.control_ids().contains(&"apigateway_config_rules"));
        }
        assert_eq!(
            catalogue()
                .iter()
                .find(|c| c.meta().id == "apigateway_config_rules")
                .and_then(|c| c.meta().remediated_by),
            Some(Bundle::ConfigRules)
        );
    }

    #[test]
    fn names_round_trip() {
        let r = ManagedRule::by_identifier("API_GW_XRAY_ENABLED").expect("known");
        assert_eq!(r.rule_name("sb-"), "sb-api-gw-xray-enabled");
        assert_eq!(
            ManagedRule::by_name("sb-", "sb-api-gw-xray-enabled"),
            Some(r)
        );
        assert_eq!(
            ManagedRule::by_name("sb-", "other-api-gw-xray-enabled"),
            None
        );
    }

    #[test]
    fn overrides_replace_defaults_key_by_key() {
        let r = ManagedRule::by_identifier("IAM_PASSWORD_POLICY").expect("known");
        let p = r.parameters_with(&BTreeMap::from([(
            "MaxPasswordAge".to_string(),
            "60".to_string(),
        )]));
        assert_eq!(p.get("MaxPasswordAge").map(String::as_str), Some("60"));
        assert_eq!(
            p.get("MinimumPasswordLength").map(String::as_str),
            Some("14")
        );
    }
}
