//! `provider::secbaseline::trust_findings(json)`: the STS trust controls for one role
//! trust policy.

use secbaseline_engine::plan::trust_document_findings;

use super::{failure, findings_type, findings_value, params, string_arg};
use crate::framework::{Function, FunctionFailure, Param};
use crate::value::{Ty, Value};

/// The `trust_findings` function.
pub struct TrustFindings;

impl Function for TrustFindings {
    fn name(&self) -> &'static str {
        "trust_findings"
    }

    fn summary(&self) -> &'static str {
        "Judges a role trust policy against the STS trust controls"
    }

    fn description(&self) -> &'static str {
        "Evaluates one role trust policy (`assume_role_policy`) against \
         `sts_trust_no_public_principal`, `sts_cross_account_condition` and \
         `sts_service_confused_deputy`, without any AWS access. The function does not know \
         your account, so every account principal counts as another account's (a trust in \
         your own account without `sts:ExternalId` is reported by `sts_cross_account_condition`). \
         Returns one finding per control and principal (`resource_id` `trust_policy`), \
         the same finding objects as `secbaseline_assessment` (`control_id`, `service`, `severity`, `status`, `resource_id`, `account_id`, `region`, `message`, `address`); a control's title and remediation are in `secbaseline_controls`."
    }

    fn params(&self) -> Vec<Param> {
        vec![Param {
            name: "json",
            ty: Ty::String,
            description: "The trust policy document as JSON text.",
            allow_unknown: false,
        }]
    }

    fn return_type(&self) -> Ty {
        findings_type()
    }

    fn call(&self, args: Vec<Value>) -> Result<Value, FunctionFailure> {
        let json = string_arg(&args, 0, "json")?;
        trust_document_findings(&json, None, &params())
            .map(|f| findings_value(&f))
            .map_err(|e| failure(0, format!("not a valid trust policy document: {e}")))
    }
}
