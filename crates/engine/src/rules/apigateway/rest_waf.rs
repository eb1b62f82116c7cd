//! `apigateway_rest_waf`: REST stages are associated with a WAF web ACL.

use crate::facts::{Facts, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::apigateway::{each_rest_stage, rest_stage_name, stage_setting_is_set};
use crate::rules::support::Out;
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `apigateway_rest_waf`.
pub struct RestWaf;

impl RestWaf {
    const META: Meta = Meta {
        id: "apigateway_rest_waf",
        title: "REST API stages are associated with an AWS WAF web ACL",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["FSBP APIGateway.4"],
        remediation: "Associate a WAFv2 web ACL with the stage \
            (aws_wafv2_web_acl_association with the stage ARN).",
        remediated_by: None,
        sources: &[Source::ApiGateway],
        doc: include_str!("../reference/apigateway_rest_waf.md"),
    };
}

impl Rule for RestWaf {
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
                "the web ACL",
                &stage.web_acl_arn,
                "is associated with a WAF web ACL",
                "is not associated with a WAF web ACL (webAclArn is not set)",
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
    fn waf() {
        let mut s = stage("prod");
        s.web_acl_arn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/x/1".into();
        only(&RestWaf, &rest(vec![rest_api(vec![s])]), Status::Pass);
        only(
            &RestWaf,
            &rest(vec![rest_api(vec![stage("prod")])]),
            Status::Fail,
        );
    }
}
