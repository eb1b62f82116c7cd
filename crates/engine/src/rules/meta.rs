//! `Meta` and the `Rule` trait: what every control declares and how it is evaluated.

use crate::facts::{Facts, Source};
use crate::finding::{Finding, Status};
use crate::params::Params;
use crate::remediation::Bundle;
use crate::service::Service;
use crate::severity::Severity;

/// A control's metadata. One `static` per rule; the catalogue is the only list of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// Control id: a public, stable interface (users write it in exemptions).
    pub id: &'static str,
    /// Short statement of what must hold.
    pub title: &'static str,
    /// Service the control belongs to (its key selects it).
    pub service: Service,
    /// Severity.
    pub severity: Severity,
    /// Framework references: `FSBP APIGateway.1`, `CIS 3.1`, `Checkov CKV_AWS_76`,
    /// `Prowler …`, or `Seed: …` for the seed documents' practices.
    pub frameworks: &'static [&'static str],
    /// How to make the control pass.
    pub remediation: &'static str,
    /// The bundle resource of this provider that remediates the control.
    pub remediated_by: Option<Bundle>,
    /// The fact units the rule reads (collectors gather only what selected rules need).
    pub sources: &'static [Source],
    /// The control's reference text in Markdown, from `reference/<id>.md`: what must hold,
    /// its semantics, when each status is given, and examples. The docs generator turns it
    /// into `docs/controls/<id>.md`.
    pub doc: &'static str,
}

impl Meta {
    /// A finding of this control with the given verdict.
    pub fn finding(
        &self,
        status: Status,
        resource_id: impl Into<String>,
        account_id: Option<String>,
        region: impl Into<String>,
        message: impl Into<String>,
        address: Option<&str>,
    ) -> Finding {
        Finding {
            control_id: self.id.to_owned(),
            service: self.service,
            severity: self.severity,
            status,
            resource_id: resource_id.into(),
            account_id,
            region: region.into(),
            message: message.into(),
            address: address.map(str::to_owned),
        }
    }
}

/// A control: metadata plus a pure evaluation over facts. Rules never perform I/O.
pub trait Rule: Sync + Send {
    /// The control's metadata.
    fn meta(&self) -> &Meta;

    /// Judges the facts; one finding per resource looked at, NOT_APPLICABLE where there is
    /// nothing to judge.
    fn evaluate(&self, facts: &Facts, params: &Params) -> Vec<Finding>;
}
