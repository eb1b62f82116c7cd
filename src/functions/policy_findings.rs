//! `provider::secbaseline::policy_findings(json)`: the IAM policy controls for one
//! identity-based policy document.

use secbaseline_engine::plan::policy_document_findings;

use super::{failure, findings_type, findings_value, params, string_arg};
use crate::framework::{Function, FunctionFailure, Param};
use crate::value::{Ty, Value};

/// The `policy_findings` function.
pub struct PolicyFindings;

impl Function for PolicyFindings {
    fn name(&self) -> &'static str {
        "policy_findings"
    }

    fn summary(&self) -> &'static str {
        "Judges an IAM policy document against the policy controls"
    }

    fn description(&self) -> &'static str {
        "Evaluates one identity-based IAM policy document (JSON text, e.g. \
         `data.aws_iam_policy_document.x.json` or `jsonencode({...})`) as a customer-managed \
         policy against `iam_policy_no_admin`, `iam_policy_no_service_wildcard`, \
         `apigateway_iam_least_privilege`, `pinpoint_iam_least_privilege`, \
         `lex_iam_least_privilege` and `sts_no_assume_any_role`, without any AWS access. \
         Returns one finding per control (`resource_id` `policy_document`), the same finding objects as `secbaseline_assessment` (`control_id`, `service`, `severity`, `status`, `resource_id`, `account_id`, `region`, `message`, `address`); a control's title and remediation are in `secbaseline_controls`. \
         A document that is not valid policy JSON is an error naming the problem."
    }

    fn params(&self) -> Vec<Param> {
        vec![Param {
            name: "json",
            ty: Ty::String,
            description: "The policy document as JSON text.",
            allow_unknown: false,
        }]
    }

    fn return_type(&self) -> Ty {
        findings_type()
    }

    fn call(&self, args: Vec<Value>) -> Result<Value, FunctionFailure> {
        let json = string_arg(&args, 0, "json")?;
        policy_document_findings(&json, &params())
            .map(|f| findings_value(&f))
            .map_err(|e| failure(0, format!("not a valid IAM policy document: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_documents_blame_the_argument() {
        let err = PolicyFindings
            .call(vec![Value::string("{\"Statement\": 1}")])
            .err();
        assert_eq!(err.as_ref().and_then(|e| e.argument), Some(0));
        assert!(err.is_some_and(|e| e.text.contains("not a valid IAM policy document")));
        let ok = PolicyFindings.call(vec![Value::string(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"apigateway:*","Resource":"*"}]}"#,
        )]);
        let list = ok
            .ok()
            .and_then(|v| v.as_list().map(<[Value]>::to_vec))
            .unwrap_or_default();
        assert!(list
            .iter()
            .any(|f| f.get("status").as_str() == Some("FAIL")));
    }
}
