//! REST API controls on methods and resource policies.

use crate::facts::{Facts, Known, RestApi, RestMethod, Source};
use crate::finding::{Finding, Status};
use crate::params::Params;
use crate::rules::apigateway::REST_LABEL;
use crate::rules::policies::public_statements;
use crate::rules::support::{known, Out, Res};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `apigateway_rest_method_authorization`.
pub struct RestMethodAuthorization;

impl RestMethodAuthorization {
    const META: Meta = Meta {
        id: "apigateway_rest_method_authorization",
        title: "REST API methods require authorization or an API key",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["Prowler restapi_authorizers_enabled", "Checkov CKV2_AWS_70"],
        remediation: "Give every method other than OPTIONS an authorizer (AWS_IAM, CUSTOM or \
            COGNITO_USER_POOLS authorization) or require an API key (api_key_required = true).",
        remediated_by: None,
        sources: &[Source::ApiGateway],
        doc: include_str!("../reference/apigateway_rest_method_authorization.md"),
    };
}

fn method_res(out: &Out<'_>, region: &str, api: &RestApi, m: &RestMethod) -> Res {
    let arn = api.arn(out.partition(), region).and_then(|a| {
        m.resource_id
            .as_known()
            .map(|rid| format!("{a}/resources/{rid}/methods/{}", m.http_method))
    });
    Res::new(
        arn,
        region,
        m.address.as_ref(),
        &format!("{}/{} {}", api.name, m.http_method, m.path),
    )
}

impl Rule for RestMethodAuthorization {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        out.each_region(
            |r| &r.apigateway,
            REST_LABEL,
            "No REST API methods to judge",
            |out, region, rest| {
                for api in &rest.rest_apis {
                    // OPTIONS (CORS pre-flight) is out of scope.
                    for m in api
                        .methods
                        .iter()
                        .filter(|m| !m.http_method.eq_ignore_ascii_case("OPTIONS"))
                    {
                        let res = method_res(out, region, api, m);
                        let name = format!("REST API '{}' method {} {}", api.name, m.http_method, m.path);
                        let Some(auth) = known(out, &res, &format!("The authorization type of {name}"), &m.authorization_type) else {
                            continue;
                        };
                        if !auth.eq_ignore_ascii_case("NONE") && !auth.is_empty() {
                            out.pass(&res, format!("{name} uses {auth} authorization."));
                            continue;
                        }
                        match &m.api_key_required {
                            Known::Known(true) => out.pass(&res, format!("{name} requires an API key.")),
                            Known::Known(false) => out.fail(
                                &res,
                                format!("{name} has authorization type NONE and does not require an API key."),
                            ),
                            Known::Unknown => out.unknown(&res, &format!("Whether {name} requires an API key")),
                        }
                    }
                }
            },
        );
        out.finish()
    }
}

/// `apigateway_rest_resource_policy_public`.
pub struct RestResourcePolicyPublic;

impl RestResourcePolicyPublic {
    const META: Meta = Meta {
        id: "apigateway_rest_resource_policy_public",
        title: "REST API resource policies do not allow everyone without a condition",
        service: Service::ApiGateway,
        severity: Severity::High,
        frameworks: &["Seed: Implement least privilege access"],
        remediation: "Restrict the resource policy: name specific principals, or add a Condition \
            (aws:SourceVpce, aws:SourceIp, aws:PrincipalOrgID) to statements that allow \
            Principal \"*\".",
        remediated_by: None,
        sources: &[Source::ApiGateway],
        doc: include_str!("../reference/apigateway_rest_resource_policy_public.md"),
    };
}

impl Rule for RestResourcePolicyPublic {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        out.each_region(
            |r| &r.apigateway,
            REST_LABEL,
            "No REST API has a resource policy",
            |out, region, rest| {
                for api in &rest.rest_apis {
                    let res = Res::new(api.arn(out.partition(), region), region, api.address.as_ref(), &api.name);
                    let name = format!("REST API '{}'", api.name);
                    let Some(policy) = known(out, &res, &format!("The resource policy of {name}"), &api.policy) else {
                        continue;
                    };
                    // No policy: out of scope.
                    let Some(doc) = policy.as_deref().filter(|d| !d.trim().is_empty()) else {
                        continue;
                    };
                    match public_statements(doc) {
                        Err(e) => out.emit(Status::Error, &res, format!("The resource policy of {name} could not be read: {e}.")),
                        Ok(open) => out.verdict(
                            open.is_empty(),
                            &res,
                            format!("The resource policy of {name} does not allow principal * without a Condition."),
                            format!(
                                "The resource policy of {name} allows principal * without a Condition in {}.",
                                open.join(", ")
                            ),
                        ),
                    }
                }
            },
        );
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::apigateway::fixtures::*;
    use crate::rules::testkit::{only, run, statuses};

    fn method(http: &str, auth: &str, key: bool) -> RestMethod {
        RestMethod {
            resource_id: "r1".into(),
            path: "/pets".into(),
            http_method: http.into(),
            authorization_type: auth.into(),
            api_key_required: key.into(),
            address: None,
        }
    }

    fn with_methods(methods: Vec<RestMethod>) -> Facts {
        let mut api = rest_api(vec![]);
        api.methods = methods;
        rest(vec![api])
    }

    #[test]
    fn method_authorization() {
        let f = only(
            &RestMethodAuthorization,
            &with_methods(vec![method("GET", "AWS_IAM", false)]),
            Status::Pass,
        );
        assert_eq!(
            f.resource_id,
            "arn:aws:apigateway:us-east-1::/restapis/a1b2c3/resources/r1/methods/GET"
        );
        only(
            &RestMethodAuthorization,
            &with_methods(vec![method("GET", "NONE", true)]),
            Status::Pass,
        );
        let f = only(
            &RestMethodAuthorization,
            &with_methods(vec![method("POST", "NONE", false)]),
            Status::Fail,
        );
        assert!(f.message.contains("POST /pets"), "{}", f.message);
    }

    #[test]
    fn options_methods_are_out_of_scope() {
        only(
            &RestMethodAuthorization,
            &with_methods(vec![method("OPTIONS", "NONE", false)]),
            Status::NotApplicable,
        );
        let findings = run(
            &RestMethodAuthorization,
            &with_methods(vec![
                method("OPTIONS", "NONE", false),
                method("GET", "NONE", false),
            ]),
        );
        assert_eq!(statuses(&findings), vec![Status::Fail]);
    }

    fn with_policy(policy: Option<&str>) -> Facts {
        let mut api = rest_api(vec![]);
        api.policy = policy.map(str::to_owned).into();
        rest(vec![api])
    }

    #[test]
    fn resource_policy_public() {
        let open = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]}"#;
        let f = only(
            &RestResourcePolicyPublic,
            &with_policy(Some(open)),
            Status::Fail,
        );
        assert!(f.message.contains("REST API 'pets'"));
        let conditioned = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}"#;
        only(
            &RestResourcePolicyPublic,
            &with_policy(Some(conditioned)),
            Status::Pass,
        );
        only(
            &RestResourcePolicyPublic,
            &with_policy(None),
            Status::NotApplicable,
        );
        only(
            &RestResourcePolicyPublic,
            &with_policy(Some("{oops")),
            Status::Error,
        );
    }
}
