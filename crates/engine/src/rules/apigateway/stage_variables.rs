//! `apigateway_stage_variables_no_secrets`: stage variables hold no secrets.

use std::collections::BTreeMap;

use crate::facts::{Facts, Known, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::apigateway::{
    rest_stage_name, rest_stage_res, v2_stage_name, v2_stage_res, REST_LABEL, V2_LABEL,
};
use crate::rules::support::{Out, Res};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `apigateway_stage_variables_no_secrets`.
pub struct StageVariablesNoSecrets;

impl StageVariablesNoSecrets {
    const META: Meta = Meta {
        id: "apigateway_stage_variables_no_secrets",
        title: "Stage variables do not hold secrets",
        service: Service::ApiGateway,
        severity: Severity::High,
        frameworks: &["Prowler restapi_no_secrets_in_stage_variables"],
        remediation: "Move secrets out of stage variables into AWS Secrets Manager or SSM \
            Parameter Store (read them from the integration), and rotate any secret that was \
            stored in a stage variable.",
        remediated_by: None,
        sources: &[Source::ApiGateway, Source::ApiGatewayV2],
        doc: include_str!("../reference/apigateway_stage_variables_no_secrets.md"),
    };
}

const SECRET_NAMES: [&str; 7] = [
    "password", "passwd", "secret", "token", "apikey", "api_key", "private",
];

/// True when `value` contains an AWS access key id: `AKIA`/`ASIA` + 16 upper-case letters or
/// digits.
fn has_access_key_id(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.windows(20).any(|w| {
        (w.starts_with(b"AKIA") || w.starts_with(b"ASIA"))
            && w[4..]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    })
}

fn has_private_key(value: &str) -> bool {
    value.contains("-----BEGIN") && value.contains("PRIVATE KEY")
}

/// Values that are harmless even under a secret-like name.
fn benign(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || v.parse::<f64>().is_ok()
        || v.eq_ignore_ascii_case("true")
        || v.eq_ignore_ascii_case("false")
        || (v.starts_with("${") && v.ends_with('}'))
}

/// Why a variable looks like a secret, if it does. Never includes the value.
pub(crate) fn secret_reason(name: &str, value: &str) -> Option<&'static str> {
    if has_access_key_id(value) {
        return Some("holds an AWS access key ID");
    }
    if has_private_key(value) {
        return Some("holds a PEM private key");
    }
    let lower = name.to_ascii_lowercase();
    if SECRET_NAMES.iter().any(|s| lower.contains(s)) && !benign(value) {
        return Some("has a secret-like name and a literal value");
    }
    None
}

fn judge(out: &mut Out<'_>, res: &Res, name: &str, vars: &Known<BTreeMap<String, String>>) {
    let vars = match vars {
        Known::Unknown => return out.unknown(res, &format!("The stage variables of {name}")),
        Known::Known(v) => v,
    };
    // Stages without variables are out of scope.
    if vars.is_empty() {
        return;
    }
    let bad: Vec<String> = vars
        .iter()
        .filter_map(|(k, v)| secret_reason(k, v).map(|why| format!("variable '{k}' {why}")))
        .collect();
    out.verdict(
        bad.is_empty(),
        res,
        format!(
            "{name} has {} stage variable(s), none of which looks like a secret.",
            vars.len()
        ),
        format!("{name}: {}.", bad.join("; ")),
    );
}

impl Rule for StageVariablesNoSecrets {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        for (region, rf) in out.regions() {
            out.scoped(region, "No API Gateway stage has variables", |out| {
                if let Some(rest) = out.gate(region, REST_LABEL, &rf.apigateway) {
                    for api in &rest.rest_apis {
                        for stage in &api.stages {
                            let res = rest_stage_res(out, region, api, stage);
                            judge(out, &res, &rest_stage_name(api, stage), &stage.variables);
                        }
                    }
                }
                if let Some(v2) = out.gate(region, V2_LABEL, &rf.apigatewayv2) {
                    for api in &v2.apis {
                        for stage in &api.stages {
                            let res = v2_stage_res(out, region, api, stage);
                            judge(out, &res, &v2_stage_name(api, stage), &stage.variables);
                        }
                    }
                }
            });
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Protocol;
    use crate::finding::Status;
    use crate::rules::apigateway::fixtures::*;
    use crate::rules::testkit::only;

    fn vars(pairs: &[(&str, &str)]) -> Known<BTreeMap<String, String>> {
        Known::Known(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn keys_private_keys_and_secret_names_are_detected() {
        assert!(secret_reason("x", "key=AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(secret_reason("x", "ASIAABCDEFGHIJKLMNOP").is_some());
        assert!(secret_reason("x", "AKIAshort").is_none());
        assert!(secret_reason("cert", "-----BEGIN RSA PRIVATE KEY-----\nabc").is_some());
        assert!(secret_reason("DB_Password", "hunter2").is_some());
        assert!(secret_reason("apiKey", "abc").is_some());
        assert!(secret_reason("token_ttl", "3600").is_none());
        assert!(secret_reason("use_token", "true").is_none());
        assert!(secret_reason("secret", "${stageVariables.other}").is_none());
        assert!(secret_reason("secret", "").is_none());
        assert!(secret_reason("backend", "pets.internal").is_none());
    }

    #[test]
    fn fail_names_variable_never_value() {
        let mut s = stage("prod");
        s.variables = vars(&[("db_password", "hunter2-very-secret"), ("host", "db")]);
        let f = only(
            &StageVariablesNoSecrets,
            &rest(vec![rest_api(vec![s])]),
            Status::Fail,
        );
        assert!(f.message.contains("'db_password'"), "{}", f.message);
        assert!(!f.message.contains("hunter2"), "{}", f.message);
    }

    #[test]
    fn pass_and_out_of_scope() {
        let mut s = v2_stage("live");
        s.variables = vars(&[("backend", "pets.internal")]);
        only(
            &StageVariablesNoSecrets,
            &v2(vec![v2_api(Protocol::Http, vec![s])]),
            Status::Pass,
        );
        only(
            &StageVariablesNoSecrets,
            &rest(vec![rest_api(vec![stage("prod")])]),
            Status::NotApplicable,
        );
    }

    #[test]
    fn v2_stage_with_access_key_fails() {
        let mut s = v2_stage("live");
        s.variables = vars(&[("cfg", "AKIAIOSFODNN7EXAMPLE")]);
        let f = only(
            &StageVariablesNoSecrets,
            &v2(vec![v2_api(Protocol::Websocket, vec![s])]),
            Status::Fail,
        );
        assert!(f.message.contains("access key ID"));
        assert!(!f.message.contains("AKIAIOSFODNN7EXAMPLE"));
    }
}
