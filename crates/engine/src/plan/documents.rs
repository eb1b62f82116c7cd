//! Judging one thing without a plan or an account: an IAM policy document, a role trust
//! policy, or one planned hashicorp/aws resource object. These back the provider functions
//! `policy_findings`, `trust_findings` and `resource_findings`.

use serde_json::Value;
use thiserror::Error;

use crate::facts::{Collected, Facts, Known, ManagedPolicy, Role};
use crate::finding::Finding;
use crate::params::Params;
use crate::policy::{PolicyDocument, PolicyError};
use crate::rules;

use super::builder::{Builder, Side};
use super::error::{json_type, PlanError};
use super::map::{self, iam::POLICY_CONTROLS, iam::TRUST_CONTROLS};
use super::model::{Action, Mode, PlannedResource};

/// Account id of the facts a lone document is judged in: none is known, so none is given.
const NO_ACCOUNT: &str = "";
/// Region of a lone resource object when it names none: not known.
const NO_REGION: &str = "";

/// Why a single document or object could not be judged.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DocumentError {
    /// The policy document is malformed.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The resource type or object is not usable.
    #[error(transparent)]
    Plan(#[from] PlanError),
}

fn run(facts: &Facts, controls: &[&str], params: &Params) -> Vec<Finding> {
    let mut out: Vec<Finding> = controls
        .iter()
        .filter_map(|id| rules::find(id))
        .flat_map(|rule| rule.evaluate(facts, params))
        .filter(|f| !f.is_account_level())
        .collect();
    crate::assessment::sort(&mut out);
    out
}

/// The findings of the identity-policy controls (`iam_policy_no_admin`,
/// `iam_policy_no_service_wildcard`, `*_iam_least_privilege`, `sts_no_assume_any_role`) for
/// one policy document, judged as a customer-managed policy named `policy_document`.
/// Controls not in the catalogue are skipped.
pub fn policy_document_findings(json: &str, params: &Params) -> Result<Vec<Finding>, PolicyError> {
    PolicyDocument::parse(json)?;
    let mut facts = Facts::new(NO_ACCOUNT);
    facts.iam = Collected::Ok(crate::facts::IamFacts {
        policies: vec![ManagedPolicy {
            name: "policy_document".into(),
            arn: Known::Unknown,
            path: "/".into(),
            document: Known::Known(json.to_owned()),
            ..Default::default()
        }],
        ..Default::default()
    });
    Ok(run(&facts, POLICY_CONTROLS, params))
}

/// The findings of the trust controls (`sts_trust_no_public_principal`,
/// `sts_cross_account_condition`, `sts_service_confused_deputy`) for one role trust policy,
/// judged as the trust policy of a role named `trust_policy` in account `account_id`
/// (`None`: no account is known, so every account principal counts as another account's).
pub fn trust_document_findings(
    json: &str,
    account_id: Option<&str>,
    params: &Params,
) -> Result<Vec<Finding>, PolicyError> {
    PolicyDocument::parse(json)?;
    let mut facts = Facts::new(account_id.unwrap_or(NO_ACCOUNT));
    facts.iam = Collected::Ok(crate::facts::IamFacts {
        roles: vec![Role {
            name: "trust_policy".into(),
            arn: Known::Unknown,
            path: "/".into(),
            trust_policy: Known::Known(json.to_owned()),
            ..Default::default()
        }],
        ..Default::default()
    });
    Ok(run(&facts, TRUST_CONTROLS, params))
}

fn lone_resource(
    resource_type: &str,
    object: &Value,
    unknown: &Value,
) -> Result<(PlannedResource, &'static map::Mapper), PlanError> {
    let (ty, data) = match resource_type.strip_prefix("data.") {
        Some(t) => (t, true),
        None => (resource_type, false),
    };
    let mapper = map::mapper(ty, data)
        .or_else(|| if data { None } else { map::mapper(ty, true) })
        .filter(|m| !m.controls.is_empty())
        .ok_or_else(|| PlanError::UnsupportedType {
            resource_type: resource_type.to_owned(),
            supported: map::judged_alone_types().join(", "),
        })?;
    if !object.is_object() {
        return Err(PlanError::WrongShape {
            path: "object".into(),
            expected: "an object (a resource's attributes)",
            found: json_type(object),
        });
    }
    Ok((
        PlannedResource {
            address: resource_type.to_owned(),
            module_address: String::new(),
            mode: if mapper.data {
                Mode::Data
            } else {
                Mode::Managed
            },
            resource_type: ty.to_owned(),
            name: "object".into(),
            action: Action::Create,
            before: Value::Null,
            after: object.clone(),
            after_unknown: unknown.clone(),
        },
        mapper,
    ))
}

/// Facts of one hashicorp/aws resource object (its planned attributes, e.g. what Terraform
/// passes for `aws_api_gateway_stage.this`), all values known. Its address is the type.
pub fn resource_object_facts(resource_type: &str, object: &Value) -> Result<Facts, PlanError> {
    let (r, mapper) = lone_resource(resource_type, object, &Value::Bool(false))?;
    Ok(object_facts(&r, mapper))
}

fn object_facts(r: &PlannedResource, mapper: &map::Mapper) -> Facts {
    let mut b = Builder::new(None, Side::After, NO_ACCOUNT, NO_REGION);
    (mapper.map)(&mut b, r);
    b.finish().facts
}

/// The findings of the controls that can judge one resource object alone (e.g. access
/// logging, X-Ray, WAF and stage variables for `aws_api_gateway_stage`), all values known.
pub fn resource_object_findings(
    resource_type: &str,
    object: &Value,
    params: &Params,
) -> Result<Vec<Finding>, PlanError> {
    resource_object_findings_with_unknown(resource_type, object, &Value::Bool(false), params)
}

/// As [`resource_object_findings`], with an `after_unknown`-shaped mask of the values not
/// known until apply (they give UNKNOWN).
pub fn resource_object_findings_with_unknown(
    resource_type: &str,
    object: &Value,
    unknown: &Value,
    params: &Params,
) -> Result<Vec<Finding>, PlanError> {
    let (r, mapper) = lone_resource(resource_type, object, unknown)?;
    let facts = object_facts(&r, mapper);
    let mut findings = run(&facts, mapper.controls, params);
    findings.retain(|f| f.address.as_deref() == Some(r.address.as_str()));
    Ok(findings)
}
