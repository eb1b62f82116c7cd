//! `apigateway_rest_client_certificate`: REST stages present a client certificate to the backend.

use crate::facts::{Facts, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::apigateway::{each_rest_stage, rest_stage_name, stage_setting_is_set};
use crate::rules::support::Out;
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `apigateway_rest_client_certificate`.
pub struct RestClientCertificate;

impl RestClientCertificate {
    const META: Meta = Meta {
        id: "apigateway_rest_client_certificate",
        title: "REST API stages use a client certificate for backend authentication",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["FSBP APIGateway.2"],
        remediation: "Generate an API Gateway client certificate and set it on the stage \
            (client_certificate_id); have the backend verify it.",
        remediated_by: None,
        sources: &[Source::ApiGateway],
        doc: include_str!("../reference/apigateway_rest_client_certificate.md"),
    };
}

impl Rule for RestClientCertificate {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_rest_stage(&mut out, |out, res, api, stage| {
            stage_setting_is_set(
                out,
                res,
                &rest_stage_name(api, stage),
                "the client certificate",
                &stage.client_certificate_id,
                "has a client certificate for backend authentication",
                "has no client certificate (clientCertificateId is not set)",
            );
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
    fn client_certificate() {
        let mut s = stage("prod");
        s.client_certificate_id = "cert1".into();
        only(
            &RestClientCertificate,
            &rest(vec![rest_api(vec![s])]),
            Status::Pass,
        );
        let f = only(
            &RestClientCertificate,
            &rest(vec![rest_api(vec![stage("prod")])]),
            Status::Fail,
        );
        assert!(f.message.contains("clientCertificateId"));
    }
}
