//! SARIF 2.1.0 output: the selected catalogue as tool rules, findings as results.

use serde_json::{json, Value};

use crate::finding::{Finding, Status};
use crate::rules::Rule;
use crate::severity::Severity;

/// SARIF `level` of a failing control of this severity.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Informational => "note",
    }
}

/// GitHub's `security-severity` score for a severity.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Informational => "0.0",
    }
}

/// SARIF `kind` and `level` of a finding.
fn kind_level(f: &Finding) -> (&'static str, &'static str) {
    match f.status {
        Status::Pass => ("pass", "none"),
        Status::Fail | Status::Exempted => ("fail", level(f.severity)),
        Status::NotApplicable => ("notApplicable", "none"),
        Status::Unknown => ("review", "none"),
        Status::Error => ("open", "warning"),
    }
}

/// A SARIF 2.1.0 log of one run.
pub fn to_sarif(findings: &[Finding], rules: &[&dyn Rule]) -> Value {
    let driver_rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            let m = r.meta();
            json!({
                "id": m.id,
                "name": m.id,
                "shortDescription": { "text": m.title },
                "fullDescription": { "text": m.title },
                "help": { "text": m.remediation },
                "defaultConfiguration": { "level": level(m.severity) },
                "properties": {
                    "tags": m.frameworks,
                    "severity": m.severity.as_str(),
                    "security-severity": security_severity(m.severity),
                    "service": m.service.key(),
                    "remediated_by": m.remediated_by,
                }
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let (kind, lvl) = kind_level(f);
            let mut result = json!({
                "ruleId": f.control_id,
                "kind": kind,
                "level": lvl,
                "message": { "text": f.message },
                "locations": [{
                    "logicalLocations": [{
                        "fullyQualifiedName": f.resource_id,
                        "kind": "resource",
                    }]
                }],
                "properties": {
                    "status": f.status.as_str(),
                    "region": f.region,
                    "severity": f.severity.as_str(),
                    "address": f.address,
                }
            });
            if let Some(idx) = rules.iter().position(|r| r.meta().id == f.control_id) {
                result["ruleIndex"] = json!(idx);
            }
            if f.status == Status::Exempted {
                result["suppressions"] =
                    json!([{ "kind": "external", "justification": f.message }]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "secbaseline",
                    "informationUri": "https://registry.terraform.io/providers/secbaseline/secbaseline",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": driver_rules,
                }
            },
            "results": results,
        }]
    })
}
