//! The desired spec read from configuration, and the state's shapes.

use std::collections::BTreeMap;

use crate::value::Value;

use super::catalog::{ManagedRule, RULES, SERVICES};
use super::schema::DEFAULT_PREFIX;

/// Parts the `recorder` block can create (values of `created_parts`), in creation order.
pub const PART_ROLE: &str = "service_linked_role";
pub const PART_RECORDER: &str = "recorder";
pub const PART_BUCKET: &str = "bucket";
pub const PART_CHANNEL: &str = "delivery_channel";

/// One rule to deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSpec {
    pub name: String,
    pub rule: &'static ManagedRule,
    pub parameters: BTreeMap<String, String>,
}

impl RuleSpec {
    /// The element of `rules` in state.
    pub fn to_value(&self) -> Value {
        rule_value(&self.name, self.rule.identifier, &self.parameters)
    }
}

/// An element of `rules`.
pub fn rule_value(name: &str, identifier: &str, parameters: &BTreeMap<String, String>) -> Value {
    let control_ids = ManagedRule::by_identifier(identifier)
        .map(|r| r.control_ids())
        .unwrap_or_default();
    Value::object([
        ("name", Value::string(name)),
        ("identifier", Value::string(identifier)),
        (
            "parameters",
            Value::Map(
                parameters
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::string(v)))
                    .collect(),
            ),
        ),
        ("control_ids", Value::string_list(control_ids)),
    ])
}

/// What the `recorder` block asks for (None: use the existing recorder's value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecorderSpec {
    pub name: Option<String>,
    pub role_arn: Option<String>,
    pub s3_bucket_name: Option<String>,
    pub s3_key_prefix: Option<String>,
    pub force_destroy: bool,
}

/// The desired state of the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub prefix: String,
    pub rules: Vec<RuleSpec>,
    pub recorder: Option<RecorderSpec>,
}

/// The `recorder` block of a configuration or state value, if present.
pub fn recorder_block(v: &Value) -> Option<&Value> {
    v.get("recorder").as_list().and_then(|l| l.first())
}

impl RecorderSpec {
    pub fn from_block(block: &Value) -> RecorderSpec {
        let s = |n: &str| block.get(n).as_str().map(str::to_string);
        RecorderSpec {
            name: s("name"),
            role_arn: s("role_arn"),
            s3_bucket_name: s("s3_bucket_name"),
            s3_key_prefix: s("s3_key_prefix"),
            force_destroy: block.get("force_destroy").as_bool().unwrap_or(false),
        }
    }
}

impl Spec {
    /// The spec of a configuration; None while something it depends on is unknown.
    pub fn from_config(config: &Value) -> Option<Spec> {
        let prefix = match config.get("name_prefix") {
            Value::Null => DEFAULT_PREFIX.to_string(),
            Value::String(s) => s.clone(),
            _ => return None,
        };
        let services: Vec<String> = match config.get("services") {
            Value::Null => SERVICES.iter().map(|s| s.to_string()).collect(),
            v if v.is_wholly_known() => v.strings(),
            _ => return None,
        };
        let excluded = match config.get("exclude_rules") {
            v if v.is_wholly_known() => v.strings(),
            _ => return None,
        };
        let params = config.get("parameters");
        if !params.is_wholly_known() {
            return None;
        }
        let rules = RULES
            .iter()
            .filter(|r| services.iter().any(|s| s == r.service))
            .filter(|r| !excluded.iter().any(|e| e == r.identifier))
            .map(|r| {
                let overrides: BTreeMap<String, String> = params
                    .get(r.identifier)
                    .as_map()
                    .map(|m| {
                        m.iter()
                            .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                            .collect()
                    })
                    .unwrap_or_default();
                RuleSpec {
                    name: r.rule_name(&prefix),
                    rule: r,
                    parameters: r.parameters_with(&overrides),
                }
            })
            .collect();
        Some(Spec {
            prefix,
            rules,
            recorder: recorder_block(config).map(RecorderSpec::from_block),
        })
    }

    /// `rules` as planned.
    pub fn rules_value(&self) -> Value {
        Value::List(self.rules.iter().map(RuleSpec::to_value).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_deploy_every_rule_with_its_parameters() {
        let spec =
            Spec::from_config(&Value::object::<[(&str, Value); 0], &str>([])).expect("known");
        assert_eq!(spec.rules.len(), RULES.len());
        assert_eq!(spec.prefix, "secbaseline-");
        assert!(spec.recorder.is_none());
        let logging = &spec.rules[0];
        assert_eq!(logging.name, "secbaseline-api-gw-execution-logging-enabled");
        assert_eq!(
            logging.parameters.get("loggingLevel").map(String::as_str),
            Some("ERROR,INFO")
        );
    }

    #[test]
    fn services_exclusions_and_overrides_apply() {
        let config = Value::object([
            ("name_prefix", Value::string("x-")),
            ("services", Value::string_list(["cloudwatch", "iam"])),
            (
                "exclude_rules",
                Value::string_list(["IAM_NO_INLINE_POLICY_CHECK"]),
            ),
            (
                "parameters",
                Value::object([(
                    "ACCESS_KEYS_ROTATED",
                    Value::object([("maxAccessKeyAge", Value::string("45"))]),
                )]),
            ),
        ]);
        let spec = Spec::from_config(&config).expect("known");
        assert!(spec.rules.iter().all(|r| r.rule.service != "apigateway"));
        assert!(spec
            .rules
            .iter()
            .all(|r| r.rule.identifier != "IAM_NO_INLINE_POLICY_CHECK"));
        let keys = spec
            .rules
            .iter()
            .find(|r| r.rule.identifier == "ACCESS_KEYS_ROTATED")
            .expect("deployed");
        assert_eq!(
            keys.parameters.get("maxAccessKeyAge").map(String::as_str),
            Some("45")
        );
        assert_eq!(spec.rules.len(), 11 + 2);
    }

    #[test]
    fn unknown_inputs_give_no_spec() {
        let config = Value::object([("services", Value::Unknown)]);
        assert!(Spec::from_config(&config).is_none());
    }
}
