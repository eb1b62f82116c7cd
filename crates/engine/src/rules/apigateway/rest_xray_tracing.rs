//! `apigateway_rest_xray_tracing`: REST stages have X-Ray tracing enabled.

use crate::facts::{Facts, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::apigateway::{each_rest_stage, rest_stage_name};
use crate::rules::support::{known, Out};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `apigateway_rest_xray_tracing`.
pub struct RestXrayTracing;

impl RestXrayTracing {
    const META: Meta = Meta {
        id: "apigateway_rest_xray_tracing",
        title: "REST API stages have X-Ray tracing enabled",
        service: Service::ApiGateway,
        severity: Severity::Low,
        frameworks: &["FSBP APIGateway.3"],
        remediation: "Enable X-Ray tracing on the stage (xray_tracing_enabled = true).",
        remediated_by: None,
        sources: &[Source::ApiGateway],
        doc: include_str!("../reference/apigateway_rest_xray_tracing.md"),
    };
}

impl Rule for RestXrayTracing {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_rest_stage(&mut out, |out, res, api, stage| {
            let name = rest_stage_name(api, stage);
            if let Some(on) = known(
                out,
                res,
                &format!("X-Ray tracing of {name}"),
                &stage.tracing_enabled,
            ) {
                out.verdict(
                    *on,
                    res,
                    format!("{name} has X-Ray tracing enabled."),
                    format!("{name} does not have X-Ray tracing enabled."),
                );
            }
        });
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::rules::apigateway::fixtures::*;
    use crate::rules::testkit::only;

    #[test]
    fn xray_tracing() {
        let mut s = stage("prod");
        s.tracing_enabled = true.into();
        only(
            &RestXrayTracing,
            &rest(vec![rest_api(vec![s])]),
            Status::Pass,
        );
        only(
            &RestXrayTracing,
            &rest(vec![rest_api(vec![stage("prod")])]),
            Status::Fail,
        );
    }
}
