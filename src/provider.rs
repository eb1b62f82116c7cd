//! The provider itself: its configuration schema, validation, `configure`, and the registry
//! of every data source, resource and function it serves.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::aws::clients::ENDPOINT_SERVICES;
use crate::aws::{AssumeRole, AwsClients, AwsSettings};
use crate::diag::{AttrPath, Diag};
use crate::error::Error;
use crate::framework::{DataSource, Function, Resource};
use crate::proto::tfplugin6 as pb;
use crate::schema::{Attribute, Block, Nesting};
use crate::value::{Ty, Value};

/// Everything the provider serves, by type name.
pub struct Registry {
    pub data_sources: BTreeMap<&'static str, Box<dyn DataSource>>,
    pub resources: BTreeMap<&'static str, Box<dyn Resource>>,
    pub functions: BTreeMap<&'static str, Box<dyn Function>>,
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

impl Registry {
    /// The one list of what this provider offers.
    pub fn new() -> Self {
        let data_sources: Vec<Box<dyn DataSource>> = crate::data_sources::all();
        let resources: Vec<Box<dyn Resource>> = crate::bundles::all();
        let functions: Vec<Box<dyn Function>> = crate::functions::all();
        Registry {
            data_sources: data_sources.into_iter().map(|d| (d.name(), d)).collect(),
            resources: resources.into_iter().map(|r| (r.name(), r)).collect(),
            functions: functions.into_iter().map(|f| (f.name(), f)).collect(),
        }
    }

    /// The full GetProviderSchema answer.
    pub fn schema_response(&self) -> pb::get_provider_schema::Response {
        pb::get_provider_schema::Response {
            provider: Some(provider_schema().to_schema(0)),
            resource_schemas: self
                .resources
                .iter()
                .map(|(n, r)| (n.to_string(), r.schema().to_schema(0)))
                .collect(),
            data_source_schemas: self
                .data_sources
                .iter()
                .map(|(n, d)| (n.to_string(), d.schema().to_schema(0)))
                .collect(),
            diagnostics: Vec::new(),
            provider_meta: None,
            server_capabilities: Some(crate::server::provider_rpc::capabilities()),
            functions: self.function_definitions(),
        }
    }

    /// Function signatures for GetProviderSchema and GetFunctions.
    pub fn function_definitions(&self) -> std::collections::HashMap<String, pb::Function> {
        self.functions
            .iter()
            .map(|(name, f)| {
                let def = pb::Function {
                    parameters: f
                        .params()
                        .into_iter()
                        .map(|p| pb::function::Parameter {
                            name: p.name.to_string(),
                            r#type: p.ty.to_json().to_string().into_bytes(),
                            allow_null_value: false,
                            allow_unknown_values: p.allow_unknown,
                            description: p.description.to_string(),
                            description_kind: pb::StringKind::Markdown as i32,
                        })
                        .collect(),
                    variadic_parameter: None,
                    r#return: Some(pb::function::Return {
                        r#type: f.return_type().to_json().to_string().into_bytes(),
                    }),
                    summary: f.summary().to_string(),
                    description: f.description().to_string(),
                    description_kind: pb::StringKind::Markdown as i32,
                    deprecation_message: String::new(),
                };
                (name.to_string(), def)
            })
            .collect()
    }
}

/// The provider block's schema (hashicorp/aws names where one exists).
pub fn provider_schema() -> Block {
    let mut endpoints = Block::new("Custom endpoint URLs per service (e.g. a local emulator). `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` work too.");
    for service in ENDPOINT_SERVICES {
        endpoints = endpoints.attr(Attribute::optional(
            service,
            Ty::String,
            &format!("Endpoint URL for {service}."),
        ));
    }
    Block::new("The secbaseline provider judges and fixes an AWS account's security baseline. It uses the standard AWS credential chain.")
        .attr(Attribute::optional("region", Ty::String, "AWS region, e.g. `us-east-1`. Defaults to AWS_REGION / the profile's region."))
        .attr(Attribute::optional("profile", Ty::String, "Named profile from the shared config and credentials files."))
        .attr(Attribute::optional(
            "skip_credentials_validation",
            Ty::Bool,
            "Skip the `sts:GetCallerIdentity` check at configure time.",
        ))
        .attr(Attribute::optional("max_retries", Ty::Number, "Maximum retries of throttled or failed AWS calls (default 3)."))
        .attr(Attribute::optional("max_concurrency", Ty::Number, "How many collections (one service in one region of one account) the provider runs at once, across every account, region and service of every assessment (default 32, 1–1000). Lower it if AWS throttles an organization-wide assessment; raise it for many accounts over a slow link."))
        .block(
            "assume_role",
            Nesting::List,
            1,
            Block::new("Assume an IAM role before calling AWS.")
                .attr(Attribute::optional("role_arn", Ty::String, "ARN of the role to assume (required in the block)."))
                .attr(Attribute::optional("session_name", Ty::String, "Session name (default `secbaseline`)."))
                .attr(Attribute::optional("external_id", Ty::String, "External ID the role's trust policy requires."))
                .attr(Attribute::optional("duration", Ty::String, "Session duration, e.g. `1h` or `15m` (15m–12h).")),
        )
        .block("endpoints", Nesting::List, 1, endpoints)
}

/// Validates the provider configuration; unknown values are skipped (checked at configure).
pub fn validate_config(config: &Value) -> Vec<Diag> {
    match settings_from_config(config, true) {
        Ok(_) => Vec::new(),
        Err(errors) => errors,
    }
}

/// Parses, validates and connects. Every problem becomes a diagnostic on its attribute.
/// `Ok(None)`: configured without AWS access — no region anywhere, and
/// `skip_credentials_validation` says the configuration needs none (a plan-only gate); what
/// needs AWS then fails with a diagnostic saying a region is missing.
pub async fn configure(config: &Value) -> Result<Option<AwsClients>, Vec<Diag>> {
    let settings = settings_from_config(config, false)?;
    match AwsClients::connect(&settings).await {
        Ok(clients) => Ok(Some(clients)),
        Err(Error::NoRegion) if settings.skip_credentials_validation => Ok(None),
        Err(Error::NoRegion) => Err(vec![Error::NoRegion.to_diag_at(AttrPath::of("region"))]),
        Err(e) => Err(vec![configure_diag(e)]),
    }
}

fn configure_diag(err: Error) -> Diag {
    use crate::error::AwsErrorKind;
    match &err {
        // Only a refusal says something about the credentials; a throttle, a 5xx or an
        // unreachable endpoint does not, and must not be reported as if it did.
        Error::Aws {
            kind: AwsErrorKind::Credentials | AwsErrorKind::AccessDenied | AwsErrorKind::Validation,
            ..
        } => {
            let mut d = err.to_diag();
            d.summary = format!("Invalid AWS credentials or configuration ({})", d.summary);
            d
        }
        _ => err.to_diag(),
    }
}

fn opt_string(
    config: &Value,
    name: &str,
    path: &AttrPath,
    allow_unknown: bool,
) -> Result<Option<String>, Diag> {
    match config.get(name) {
        Value::Null => Ok(None),
        Value::Unknown if allow_unknown => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        _ => Err(Diag::error(
            format!("Invalid value for \"{name}\""),
            "Expected a known string value.",
            Some(path.attr(name)),
        )),
    }
}

/// True for strings shaped like an AWS region name (`us-east-1`, `us-gov-west-1`, `cn-north-1`).
pub fn is_region_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// True for an absolute http(s) URL with a host.
pub fn is_endpoint_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host_only = host.rsplit_once(':').map_or(host, |(h, port)| {
                if port.chars().all(|c| c.is_ascii_digit()) && !port.is_empty() {
                    h
                } else {
                    ""
                }
            });
            !host_only.is_empty() && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// True for an STS role session name (`[\w+=,.@-]{2,64}`).
pub fn is_session_name(s: &str) -> bool {
    (2..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
}

/// True for an STS external ID (`[\w+=,.@:/-]{2,1224}`).
pub fn is_external_id(s: &str) -> bool {
    (2..=1224).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c))
}

/// Parses a duration like `1h`, `15m`, `900s`, `1h30m`.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let mut total = 0u64;
    let mut digits = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            let n: u64 = digits.parse().ok()?;
            digits.clear();
            let unit = match c {
                'h' => 3600,
                'm' => 60,
                's' => 1,
                _ => return None,
            };
            // Checked: "9999999999999999h" must be an invalid duration, not an overflow.
            total = total.checked_add(n.checked_mul(unit)?)?;
        }
    }
    if !digits.is_empty() || total == 0 {
        return None;
    }
    Some(Duration::from_secs(total))
}

/// Reads the provider settings. With `allow_unknown`, unknown values pass (validate time).
fn settings_from_config(config: &Value, allow_unknown: bool) -> Result<AwsSettings, Vec<Diag>> {
    let root = AttrPath::root();
    let mut errors = Vec::new();
    let mut settings = AwsSettings::default();

    match opt_string(config, "region", &root, allow_unknown) {
        Ok(Some(region)) if !is_region_name(&region) => errors.push(Diag::error(
            "Invalid AWS region",
            format!("\"{region}\" is not an AWS region name. Use a name such as \"us-east-1\" or \"eu-west-2\"."),
            Some(AttrPath::of("region")),
        )),
        Ok(region) => settings.region = region,
        Err(d) => errors.push(d),
    }
    match opt_string(config, "profile", &root, allow_unknown) {
        Ok(p) => settings.profile = p,
        Err(d) => errors.push(d),
    }
    if let Value::Bool(b) = config.get("skip_credentials_validation") {
        settings.skip_credentials_validation = *b;
    }
    match config.get("max_concurrency") {
        Value::Null | Value::Unknown => {}
        v => match v.as_i64() {
            Some(n) if (1..=1000).contains(&n) => settings.max_concurrency = Some(n as usize),
            _ => errors.push(Diag::error(
                "Invalid max_concurrency",
                "max_concurrency must be a whole number from 1 to 1000.",
                Some(AttrPath::of("max_concurrency")),
            )),
        },
    }
    match config.get("max_retries") {
        Value::Null | Value::Unknown => {}
        v => match v.as_i64() {
            Some(n) if (0..=100).contains(&n) => settings.max_retries = Some(n as u32),
            _ => errors.push(Diag::error(
                "Invalid max_retries",
                "max_retries must be a whole number from 0 to 100.",
                Some(AttrPath::of("max_retries")),
            )),
        },
    }

    if let Some(block) = config.get("assume_role").as_list().and_then(|l| l.first()) {
        let path = AttrPath::of("assume_role").index(0);
        let role_arn = opt_string(block, "role_arn", &path, allow_unknown);
        match role_arn {
            Ok(Some(arn)) if arn.starts_with("arn:") && arn.contains(":role/") => {
                let mut role = AssumeRole {
                    role_arn: arn,
                    ..Default::default()
                };
                match opt_string(block, "session_name", &path, allow_unknown) {
                    Ok(Some(name)) if !is_session_name(&name) => errors.push(Diag::error(
                        "Invalid assume_role session_name",
                        format!("\"{name}\" is not a role session name: 2–64 letters, digits or `_+=,.@-`."),
                        Some(path.attr("session_name")),
                    )),
                    Ok(v) => role.session_name = v,
                    Err(d) => errors.push(d),
                }
                match opt_string(block, "external_id", &path, allow_unknown) {
                    Ok(Some(id)) if !is_external_id(&id) => errors.push(Diag::error(
                        "Invalid assume_role external_id",
                        "external_id must be 2–1224 letters, digits or `_+=,.@:/-` (the value is not shown).",
                        Some(path.attr("external_id")),
                    )),
                    Ok(v) => role.external_id = v,
                    Err(d) => errors.push(d),
                }
                match opt_string(block, "duration", &path, allow_unknown) {
                    Ok(Some(d)) => match parse_duration(&d) {
                        Some(dur) if (900..=43200).contains(&dur.as_secs()) => role.duration = Some(dur),
                        _ => errors.push(Diag::error(
                            "Invalid assume_role duration",
                            format!("\"{d}\" is not a duration between 15m and 12h (examples: \"1h\", \"30m\")."),
                            Some(path.attr("duration")),
                        )),
                    },
                    Ok(None) => {}
                    Err(d) => errors.push(d),
                }
                settings.assume_role = Some(role);
            }
            Ok(Some(arn)) => errors.push(Diag::error(
                "Invalid assume_role role_arn",
                format!("\"{arn}\" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)."),
                Some(path.attr("role_arn")),
            )),
            Ok(None) if block.get("role_arn").is_unknown() => {}
            Ok(None) => errors.push(Diag::error(
                "Missing assume_role role_arn",
                "An assume_role block needs role_arn: the ARN of the IAM role to assume.",
                Some(path.attr("role_arn")),
            )),
            Err(d) => errors.push(d),
        }
    }

    if let Some(block) = config.get("endpoints").as_list().and_then(|l| l.first()) {
        let path = AttrPath::of("endpoints").index(0);
        for service in ENDPOINT_SERVICES {
            match opt_string(block, service, &path, allow_unknown) {
                Ok(Some(url)) if is_endpoint_url(&url) => {
                    settings.endpoints.insert(service.to_string(), url);
                }
                Ok(Some(url)) => errors.push(Diag::error(
                    "Invalid endpoint URL",
                    format!("\"{url}\" is not an absolute http:// or https:// URL with a host."),
                    Some(path.attr(service)),
                )),
                Ok(None) => {}
                Err(d) => errors.push(d),
            }
        }
    }

    if errors.is_empty() {
        Ok(settings)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names() {
        for ok in [
            "us-east-1",
            "eu-west-2",
            "us-gov-west-1",
            "ap-southeast-4",
            "cn-north-1",
        ] {
            assert!(is_region_name(ok), "{ok}");
        }
        for bad in [
            "",
            "useast1",
            "US-EAST-1",
            "us-east",
            "moon-base-x",
            "us-east-1a",
        ] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }

    #[test]
    fn endpoint_urls() {
        assert!(is_endpoint_url("http://127.0.0.1:5000"));
        assert!(is_endpoint_url("https://iam.amazonaws.com/"));
        for bad in [
            "127.0.0.1:5000",
            "ftp://x",
            "http://",
            "http://:80",
            "http://a b",
        ] {
            assert!(!is_endpoint_url(bad), "{bad}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("90"), None);
        assert_eq!(parse_duration("x"), None);
        assert_eq!(parse_duration("9999999999999999h"), None);
        assert_eq!(parse_duration("18446744073709551615s1s"), None);
    }

    #[test]
    fn assume_role_without_arn_points_at_the_attribute() {
        let config = Value::object([(
            "assume_role",
            Value::List(vec![Value::object([("session_name", Value::string("s"))])]),
        )]);
        let diags = validate_config(&config);
        assert_eq!(diags.len(), 1);
        assert_eq!(
            diags[0].path.as_ref().map(|p| p.to_string()).as_deref(),
            Some("assume_role[0].role_arn")
        );
    }
}
