//! The one Terraform shape of a finding, shared by `secbaseline_assessment` and the provider
//! functions: only what varies per resource (the control's title, remediation, frameworks and
//! remediating bundle are in `secbaseline_controls`, by `control_id`).

use secbaseline_engine::finding::Finding;

use crate::value::{Ty, Value};

/// The attributes of one finding, in schema order.
pub const FINDING_ATTRIBUTES: [&str; 9] = [
    "control_id",
    "service",
    "severity",
    "status",
    "resource_id",
    "account_id",
    "region",
    "message",
    "address",
];

/// The object type of one finding.
pub fn finding_type() -> Ty {
    Ty::object(FINDING_ATTRIBUTES.iter().map(|a| (*a, Ty::String)))
}

/// `list(finding)`.
pub fn findings_type() -> Ty {
    Ty::list(finding_type())
}

/// One finding as a value of [`finding_type`]. Values quoted from AWS or a plan are passed
/// as they are; a null `account_id` / `region` / `address` means the plan does not state it
/// or the finding is not about a planned resource.
pub fn finding_value(f: &Finding) -> Value {
    Value::object([
        ("control_id", Value::string(&f.control_id)),
        ("service", Value::string(f.service.key())),
        ("severity", Value::string(f.severity.as_str())),
        ("status", Value::string(f.status.as_str())),
        ("resource_id", Value::string(&f.resource_id)),
        ("account_id", Value::opt_string(f.account_id.clone())),
        (
            "region",
            Value::opt_string((!f.region.is_empty()).then(|| f.region.clone())),
        ),
        ("message", Value::string(&f.message)),
        ("address", Value::opt_string(f.address.clone())),
    ])
}

/// The findings as a list value.
pub fn findings_value(findings: &[Finding]) -> Value {
    Value::List(findings.iter().map(finding_value).collect())
}
