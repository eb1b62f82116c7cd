//! Provider-defined functions (`provider::secbaseline::<name>`, Terraform >= 1.8): judge an
//! IAM policy, a trust policy or one planned resource object without any AWS access, for
//! `precondition`, `check` and `validation` blocks.

pub mod policy_findings;
pub mod resource_findings;
pub mod trust_findings;

use secbaseline_engine::params::Params;

use crate::framework::{Function, FunctionFailure};
use crate::value::Value;

/// Every function, in one list.
pub fn all() -> Vec<Box<dyn Function>> {
    vec![
        Box::new(policy_findings::PolicyFindings),
        Box::new(trust_findings::TrustFindings),
        Box::new(resource_findings::ResourceFindings),
    ]
}

pub use crate::finding_value::{findings_type, findings_value, FINDING_ATTRIBUTES};

/// Parameters for a judgement made now (no clock-dependent control judges documents).
pub fn params() -> Params {
    Params::default()
}

/// A failure blamed on argument `index` (0-based).
pub fn failure(index: i64, text: impl Into<String>) -> FunctionFailure {
    FunctionFailure {
        text: text.into(),
        argument: Some(index),
    }
}

/// The string argument `index` (Terraform has already converted it to a string).
pub fn string_arg(args: &[Value], index: usize, name: &str) -> Result<String, FunctionFailure> {
    match args.get(index) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Null) | None => Err(failure(index as i64, format!("{name} must not be null"))),
        Some(_) => Err(failure(index as i64, format!("{name} must be a string"))),
    }
}
