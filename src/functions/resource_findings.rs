//! `provider::secbaseline::resource_findings(type, object)`: the controls one planned
//! hashicorp/aws resource object decides on its own.

use secbaseline_engine::plan::{
    judged_alone_types, resource_object_findings_with_unknown, PlanError,
};

use super::{failure, findings_type, findings_value, params, string_arg};
use crate::framework::{Function, FunctionFailure, Param};
use crate::value::{Ty, Value};

/// The `resource_findings` function.
pub struct ResourceFindings;

impl Function for ResourceFindings {
    fn name(&self) -> &'static str {
        "resource_findings"
    }

    fn summary(&self) -> &'static str {
        "Judges one planned hashicorp/aws resource object"
    }

    fn description(&self) -> &'static str {
        "Evaluates one resource object of the hashicorp/aws provider (pass the resource \
         itself, e.g. `aws_api_gateway_stage.this`, or `self` in a postcondition) against the \
         controls that object decides alone — for a REST stage: access logging, client \
         certificate, X-Ray, WAF and stage variables. Values not known until apply give \
         `UNKNOWN`, never `PASS` or `FAIL`. Controls that need other resources (method \
         settings, alarms, the account's trail) are left to the `secbaseline_assessment` data \
         source. Returns the same finding objects as `secbaseline_assessment` (`control_id`, `service`, `severity`, `status`, `resource_id`, `account_id`, `region`, `message`, `address`); a control's title and remediation are in `secbaseline_controls`."
    }

    fn params(&self) -> Vec<Param> {
        vec![
            Param {
                name: "type",
                ty: Ty::String,
                description: "The resource type, e.g. `aws_api_gateway_stage` (`data.aws_iam_policy_document` for the data source).",
                allow_unknown: false,
            },
            Param {
                name: "object",
                ty: Ty::Dynamic,
                description: "The resource's attributes, e.g. `aws_api_gateway_stage.this`.",
                allow_unknown: true,
            },
        ]
    }

    fn return_type(&self) -> Ty {
        findings_type()
    }

    fn call(&self, args: Vec<Value>) -> Result<Value, FunctionFailure> {
        let resource_type = string_arg(&args, 0, "type")?;
        let object = args.get(1).cloned().unwrap_or_default();
        match object {
            // Nothing to judge until the object exists.
            Value::Unknown => return Ok(Value::Unknown),
            Value::Map(_) => {}
            Value::Null => return Err(failure(1, "object must not be null")),
            other => {
                let kind = match other {
                    Value::String(_) => "a string",
                    Value::Number(_) => "a number",
                    Value::Bool(_) => "a bool",
                    _ => "a list or tuple",
                };
                return Err(failure(
                    1,
                    format!("object must be a resource object such as aws_api_gateway_stage.this, got {kind}"),
                ));
            }
        }
        let (json, unknown) = object.to_json_with_unknown();
        resource_object_findings_with_unknown(&resource_type, &json, &unknown, &params())
            .map(|f| findings_value(&f))
            .map_err(|e| match e {
                PlanError::UnsupportedType { .. } => failure(
                    0,
                    format!(
                        "resource type {resource_type:?} is not judged by secbaseline; supported: {}",
                        judged_alone_types().join(", ")
                    ),
                ),
                other => failure(1, other.to_string()),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_arguments_name_their_index() {
        let stage = Value::object([("stage_name", Value::string("prod"))]);
        let e = ResourceFindings
            .call(vec![Value::string("aws_s3_bucket"), stage.clone()])
            .err();
        assert_eq!(e.map(|e| e.argument), Some(Some(0)));
        let e = ResourceFindings
            .call(vec![
                Value::string("aws_api_gateway_stage"),
                Value::string("x"),
            ])
            .err();
        assert_eq!(e.map(|e| e.argument), Some(Some(1)));
        let ok = ResourceFindings.call(vec![Value::string("aws_api_gateway_stage"), stage]);
        assert!(ok.is_ok_and(|v| v.as_list().is_some_and(|l| !l.is_empty())));
    }
}
