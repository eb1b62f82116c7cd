//! The resource's state as a typed struct, the desired spec read from a plan, and which
//! controls a trail satisfies.

use std::collections::BTreeMap;

use crate::diag::AttrPath;
use crate::error::{Error, Result};
use crate::value::Value;

use super::naming::DEFAULT_RETENTION_DAYS;

/// Data event selectors (classic, read and write).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataEvents {
    pub s3_object_arns: Vec<String>,
    pub lambda_function_arns: Vec<String>,
}

impl DataEvents {
    /// From the `data_events` block list (absent block: none).
    pub fn from_block(v: &Value) -> DataEvents {
        let block = v
            .as_list()
            .and_then(|l| l.first())
            .cloned()
            .unwrap_or(Value::Null);
        DataEvents {
            s3_object_arns: block.get("s3_object_arns").strings(),
            lambda_function_arns: block.get("lambda_function_arns").strings(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.s3_object_arns.is_empty() && self.lambda_function_arns.is_empty()
    }

    /// Same selectors, whatever the order.
    pub fn same_as(&self, other: &DataEvents) -> bool {
        let sorted = |v: &[String]| {
            let mut v = v.to_vec();
            v.sort();
            v
        };
        sorted(&self.s3_object_arns) == sorted(&other.s3_object_arns)
            && sorted(&self.lambda_function_arns) == sorted(&other.lambda_function_arns)
    }

    /// The block value for state: `prior` when it says the same (keeps the user's shape).
    pub fn to_block(&self, prior: &Value) -> Value {
        if DataEvents::from_block(prior).same_as(self) && !prior.is_null() {
            return prior.clone();
        }
        if self.is_empty() {
            return Value::List(Vec::new());
        }
        let list = |v: &[String]| {
            if v.is_empty() {
                Value::Null
            } else {
                Value::string_list(v.iter().cloned())
            }
        };
        Value::List(vec![Value::object([
            ("s3_object_arns", list(&self.s3_object_arns)),
            ("lambda_function_arns", list(&self.lambda_function_arns)),
        ])])
    }
}

/// A string list for state: `prior` when it holds the same items (null vs `[]`, order).
pub fn strings_like(items: &[String], prior: &Value) -> Value {
    let mut a = items.to_vec();
    let mut b = prior.strings();
    a.sort();
    b.sort();
    if a == b && !prior.is_unknown() {
        return prior.clone();
    }
    if items.is_empty() {
        Value::Null
    } else {
        Value::string_list(items.iter().cloned())
    }
}

/// A string map for state: `prior` when it holds the same entries (null vs `{}`).
pub fn map_like(items: &BTreeMap<String, String>, prior: &Value) -> Value {
    if &string_map(prior) == items && !prior.is_unknown() {
        return prior.clone();
    }
    if items.is_empty() {
        Value::Null
    } else {
        Value::object(items.iter().map(|(k, v)| (k.clone(), Value::string(v))))
    }
}

/// The entries of a `map(string)` value (null: none).
pub fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_map()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The resource's state. `None` is null in Terraform.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrailState {
    pub name: String,
    pub home_region: String,
    pub arn: Option<String>,
    pub s3_bucket_name: Option<String>,
    pub bucket_arn: Option<String>,
    pub access_log_bucket_name: Option<String>,
    pub kms_key_arn: Option<String>,
    pub log_group_name: Option<String>,
    pub log_group_arn: Option<String>,
    pub cloudwatch_role_arn: Option<String>,
    pub retention_in_days: Option<i64>,
    pub enable_log_file_validation: Option<bool>,
    pub force_destroy: bool,
    pub sns_topic_name: Option<String>,
    /// Kept as values so null and empty stay what the user wrote.
    pub insight_selectors: Value,
    pub data_events: Value,
    pub tags: Value,
    pub is_logging: bool,
    pub controls_satisfied: Vec<String>,
    pub created_bucket: bool,
    pub created_kms_key: bool,
}

fn opt_str(v: &Value, name: &str) -> Option<String> {
    v.get(name).as_str().map(str::to_string)
}

impl TrailState {
    /// A state for `name` in `region` where nothing exists yet.
    pub fn empty(name: &str, region: &str) -> TrailState {
        TrailState {
            name: name.to_string(),
            home_region: region.to_string(),
            data_events: Value::List(Vec::new()),
            ..Default::default()
        }
    }

    /// Reads a stored state (or an import skeleton). Missing values become None/false.
    pub fn from_value(v: &Value) -> TrailState {
        TrailState {
            name: opt_str(v, "name")
                .or_else(|| opt_str(v, "id"))
                .unwrap_or_default(),
            home_region: opt_str(v, "home_region").unwrap_or_default(),
            arn: opt_str(v, "arn"),
            s3_bucket_name: opt_str(v, "s3_bucket_name"),
            bucket_arn: opt_str(v, "bucket_arn"),
            access_log_bucket_name: opt_str(v, "access_log_bucket_name"),
            kms_key_arn: opt_str(v, "kms_key_arn"),
            log_group_name: opt_str(v, "log_group_name"),
            log_group_arn: opt_str(v, "log_group_arn"),
            cloudwatch_role_arn: opt_str(v, "cloudwatch_role_arn"),
            retention_in_days: v.get("retention_in_days").as_i64(),
            enable_log_file_validation: v.get("enable_log_file_validation").as_bool(),
            force_destroy: v.get("force_destroy").as_bool().unwrap_or(false),
            sns_topic_name: opt_str(v, "sns_topic_name"),
            insight_selectors: v.get("insight_selectors").clone(),
            data_events: match v.get("data_events") {
                Value::Null => Value::List(Vec::new()),
                other => other.clone(),
            },
            tags: v.get("tags").clone(),
            is_logging: v.get("is_logging").as_bool().unwrap_or(false),
            controls_satisfied: v.get("controls_satisfied").strings(),
            created_bucket: v.get("created_bucket").as_bool().unwrap_or(false),
            created_kms_key: v.get("created_kms_key").as_bool().unwrap_or(false),
        }
    }

    pub fn to_value(&self) -> Value {
        let s = |o: &Option<String>| Value::opt_string(o.clone());
        Value::object([
            ("id", Value::string(&self.name)),
            ("name", Value::string(&self.name)),
            ("home_region", Value::string(&self.home_region)),
            ("arn", s(&self.arn)),
            ("s3_bucket_name", s(&self.s3_bucket_name)),
            ("bucket_arn", s(&self.bucket_arn)),
            ("access_log_bucket_name", s(&self.access_log_bucket_name)),
            ("kms_key_arn", s(&self.kms_key_arn)),
            ("log_group_name", s(&self.log_group_name)),
            ("log_group_arn", s(&self.log_group_arn)),
            ("cloudwatch_role_arn", s(&self.cloudwatch_role_arn)),
            (
                "retention_in_days",
                self.retention_in_days
                    .map(|d| Value::Number(d as f64))
                    .unwrap_or(Value::Null),
            ),
            (
                "enable_log_file_validation",
                self.enable_log_file_validation
                    .map(Value::Bool)
                    .unwrap_or(Value::Null),
            ),
            ("force_destroy", Value::Bool(self.force_destroy)),
            ("sns_topic_name", s(&self.sns_topic_name)),
            ("insight_selectors", self.insight_selectors.clone()),
            ("data_events", self.data_events.clone()),
            ("tags", self.tags.clone()),
            ("is_logging", Value::Bool(self.is_logging)),
            (
                "controls_satisfied",
                Value::string_list(self.controls_satisfied.iter().cloned()),
            ),
            ("created_bucket", Value::Bool(self.created_bucket)),
            ("created_kms_key", Value::Bool(self.created_kms_key)),
        ])
    }
}

/// The desired trail, from the planned state (defaults filled) and the configuration (which
/// says what the user gave rather than what the resource created).
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub name: String,
    /// A bucket the user gave; None: the resource creates its own.
    pub given_bucket: Option<String>,
    /// A KMS key the user gave; None: the resource creates its own.
    pub given_kms_key: Option<String>,
    pub retention_in_days: i64,
    pub log_file_validation: bool,
    pub force_destroy: bool,
    pub sns_topic_name: Option<String>,
    pub insight_selectors: Vec<String>,
    pub data_events: DataEvents,
    pub tags: BTreeMap<String, String>,
    /// The planned values of the user-shaped attributes, written back to state as planned.
    pub planned_insights: Value,
    pub planned_data_events: Value,
    pub planned_tags: Value,
}

fn known<'a>(v: &'a Value, name: &str) -> Result<&'a Value> {
    let value = v.get(name);
    if value.is_wholly_known() {
        Ok(value)
    } else {
        Err(Error::Internal(format!(
            "\"{name}\" is still unknown at apply time"
        )))
    }
}

impl Spec {
    pub fn from_plan(planned: &Value, config: &Value) -> Result<Spec> {
        let name = known(planned, "name")?
            .as_str()
            .ok_or_else(|| {
                Error::config(
                    AttrPath::of("name"),
                    "Missing trail name",
                    "`name` is required.",
                )
            })?
            .to_string();
        Ok(Spec {
            name,
            given_bucket: known(config, "s3_bucket_name")?
                .as_str()
                .map(str::to_string),
            given_kms_key: known(config, "kms_key_arn")?.as_str().map(str::to_string),
            retention_in_days: known(planned, "retention_in_days")?
                .as_i64()
                .unwrap_or(DEFAULT_RETENTION_DAYS),
            log_file_validation: known(planned, "enable_log_file_validation")?
                .as_bool()
                .unwrap_or(true),
            force_destroy: known(planned, "force_destroy")?.as_bool().unwrap_or(false),
            sns_topic_name: known(planned, "sns_topic_name")?
                .as_str()
                .map(str::to_string),
            insight_selectors: known(planned, "insight_selectors")?.strings(),
            data_events: DataEvents::from_block(known(planned, "data_events")?),
            tags: string_map(known(planned, "tags")?),
            planned_insights: planned.get("insight_selectors").clone(),
            planned_data_events: match planned.get("data_events") {
                Value::Null => Value::List(Vec::new()),
                v => v.clone(),
            },
            planned_tags: planned.get("tags").clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips() {
        let mut st = TrailState::empty("main", "us-east-1");
        st.arn = Some("arn:aws:cloudtrail:us-east-1:1:trail/main".into());
        st.retention_in_days = Some(365);
        st.created_bucket = true;
        assert_eq!(TrailState::from_value(&st.to_value()), st);
    }

    #[test]
    fn shapes_of_prior_are_kept_when_equal() {
        assert_eq!(strings_like(&[], &Value::List(vec![])), Value::List(vec![]));
        assert_eq!(strings_like(&[], &Value::Null), Value::Null);
        let prior = Value::string_list(["b", "a"]);
        assert_eq!(strings_like(&["a".into(), "b".into()], &prior), prior);
        assert_eq!(
            map_like(
                &BTreeMap::new(),
                &Value::object::<[(&str, Value); 0], &str>([])
            ),
            Value::Map(BTreeMap::new())
        );
        let de = DataEvents {
            s3_object_arns: vec!["arn:aws:s3".into()],
            lambda_function_arns: vec![],
        };
        let block = de.to_block(&Value::List(vec![]));
        assert_eq!(DataEvents::from_block(&block), de);
    }
}
