//! `apigateway_rest_access_logging`: REST stages send access logs somewhere.

use crate::facts::{Facts, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::apigateway::{each_rest_stage, rest_stage_name, stage_setting_is_set};
use crate::rules::support::Out;
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `apigateway_rest_access_logging`.
pub struct RestAccessLogging;

impl RestAccessLogging {
    const META: Meta = Meta {
        id: "apigateway_rest_access_logging",
        title: "REST API stages have access logging",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["Checkov CKV_AWS_76"],
        remediation: "Configure access logging on the stage (access_log_settings with a \
            CloudWatch Logs log group or Firehose stream ARN as destination_arn).",
        remediated_by: None,
        sources: &[Source::ApiGateway],
        doc: include_str!("../reference/apigateway_rest_access_logging.md"),
    };
}

impl Rule for RestAccessLogging {
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
                "the access log destination",
                &stage.access_log_destination,
                "has access logging",
                "has no access logging (accessLogSettings.destinationArn is not set)",
            );
        });
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Known;
    use crate::finding::Status;
    use crate::rules::apigateway::fixtures::*;
    use crate::rules::testkit::only;

    #[test]
    fn access_logging() {
        let mut s = stage("prod");
        s.access_log_destination = "arn:aws:logs:us-east-1:123456789012:log-group:api".into();
        only(
            &RestAccessLogging,
            &rest(vec![rest_api(vec![s])]),
            Status::Pass,
        );
        only(
            &RestAccessLogging,
            &rest(vec![rest_api(vec![stage("prod")])]),
            Status::Fail,
        );
        only(&RestAccessLogging, &rest(vec![]), Status::NotApplicable);
        let mut planned = stage("prod");
        planned.access_log_destination = Known::Unknown;
        only(
            &RestAccessLogging,
            &rest(vec![rest_api(vec![planned])]),
            Status::Unknown,
        );
    }
}
