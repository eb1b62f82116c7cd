//! Builds the AWS SDK configuration from the provider's settings and hands out service clients.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;

use crate::aws::aws_error;
use crate::error::Result;

/// How long one TCP/TLS connect to an AWS endpoint may take before the attempt fails (and is
/// retried).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one attempt of one AWS call may take: an endpoint that accepts the connection and
/// never answers fails the attempt (then the retry policy decides) instead of hanging the
/// apply forever.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);

/// `assume_role { … }` of the provider block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub external_id: Option<String>,
    pub duration: Option<Duration>,
}

/// The provider's AWS settings, after validation. Holds no secrets: credentials come from the
/// standard chain and are never copied here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AwsSettings {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub assume_role: Option<AssumeRole>,
    /// Endpoint overrides keyed by the hashicorp/aws provider's service names.
    pub endpoints: BTreeMap<String, String>,
    pub skip_credentials_validation: bool,
    pub max_retries: Option<u32>,
    /// Collections run at once by the provider process (`None`: the default).
    pub max_concurrency: Option<usize>,
}

/// The account behind the credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdentity {
    pub account_id: String,
    pub arn: String,
    pub user_id: String,
    pub partition: String,
}

/// Configured AWS access, shared by every data source and resource of one provider instance.
#[derive(Debug, Clone)]
pub struct AwsClients {
    sdk: SdkConfig,
    region: String,
    endpoints: BTreeMap<String, String>,
    identity: Option<CallerIdentity>,
    /// The provider's `assume_role` session name and duration, which roles assumed for
    /// assessment targets inherit.
    assume_defaults: crate::aws::assume::AssumeDefaults,
    /// `max_concurrency`, when set.
    max_concurrency: Option<usize>,
}

/// Endpoint keys accepted in `endpoints { … }`, following the hashicorp/aws provider.
pub const ENDPOINT_SERVICES: &[&str] = &[
    "accessanalyzer",
    "account",
    "apigateway",
    "apigatewayv2",
    "cloudtrail",
    "cloudwatch",
    "configservice",
    "iam",
    "kms",
    "lexv2models",
    "logs",
    "organizations",
    "pinpoint",
    "s3",
    "s3control",
    "sns",
    "sts",
];

macro_rules! service_clients {
    ($($method:ident => $krate:ident, $key:literal;)*) => {
        impl AwsClients {
            $(
                #[doc = concat!("A `", stringify!($krate), "` client for `region`.")]
                pub fn $method(&self, region: &str) -> $krate::Client {
                    let mut conf = $krate::config::Builder::from(&self.sdk).region(Region::new(region.to_string()));
                    if let Some(url) = self.endpoints.get($key) {
                        conf = conf.endpoint_url(url);
                    }
                    $krate::Client::from_conf(conf.build())
                }
            )*
        }
    };
}

service_clients! {
    accessanalyzer => aws_sdk_accessanalyzer, "accessanalyzer";
    apigateway => aws_sdk_apigateway, "apigateway";
    apigatewayv2 => aws_sdk_apigatewayv2, "apigatewayv2";
    cloudtrail => aws_sdk_cloudtrail, "cloudtrail";
    cloudwatch => aws_sdk_cloudwatch, "cloudwatch";
    config => aws_sdk_config, "configservice";
    iam => aws_sdk_iam, "iam";
    kms => aws_sdk_kms, "kms";
    lexv2 => aws_sdk_lexmodelsv2, "lexv2models";
    logs => aws_sdk_cloudwatchlogs, "logs";
    organizations => aws_sdk_organizations, "organizations";
    account => aws_sdk_account, "account";
    pinpoint => aws_sdk_pinpoint, "pinpoint";
    sns => aws_sdk_sns, "sns";
    sts => aws_sdk_sts, "sts";
}

impl AwsClients {
    /// Loads the SDK configuration (standard chain + settings), assumes the role if asked,
    /// and checks the credentials with `sts:GetCallerIdentity` unless told to skip it.
    pub async fn connect(settings: &AwsSettings) -> Result<AwsClients> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .build(),
        );
        if let Some(region) = &settings.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(retries) = settings.max_retries {
            loader = loader
                .retry_config(RetryConfig::standard().with_max_attempts(retries.saturating_add(1)));
        }
        let mut sdk = loader.load().await;
        let region = sdk
            .region()
            .map(|r| r.to_string())
            .ok_or(crate::error::Error::NoRegion)?;
        if let Some(role) = &settings.assume_role {
            let mut builder = aws_config::sts::AssumeRoleProvider::builder(role.role_arn.clone())
                .session_name(
                    role.session_name
                        .clone()
                        .unwrap_or_else(|| "secbaseline".to_string()),
                )
                .region(Region::new(region.clone()))
                .configure(&sdk);
            if let Some(id) = &role.external_id {
                builder = builder.external_id(id.clone());
            }
            if let Some(d) = role.duration {
                builder = builder.session_length(d);
            }
            let provider = builder.build().await;
            sdk = sdk
                .to_builder()
                .credentials_provider(SharedCredentialsProvider::new(provider))
                .build();
        }
        let mut clients = AwsClients {
            sdk,
            region,
            endpoints: settings.endpoints.clone(),
            identity: None,
            assume_defaults: crate::aws::assume::AssumeDefaults {
                session_name: settings
                    .assume_role
                    .as_ref()
                    .and_then(|r| r.session_name.clone()),
                duration: settings.assume_role.as_ref().and_then(|r| r.duration),
            },
            max_concurrency: settings.max_concurrency,
        };
        if !settings.skip_credentials_validation {
            clients.identity = Some(clients.fetch_identity().await?);
        }
        Ok(clients)
    }

    /// The provider's region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// `max_concurrency` of the provider block, when set.
    pub fn max_concurrency(&self) -> Option<usize> {
        self.max_concurrency
    }

    /// The provider's `assume_role` settings that other assumed roles inherit.
    pub fn assume_defaults(&self) -> &crate::aws::assume::AssumeDefaults {
        &self.assume_defaults
    }

    /// These clients with other credentials (those of an assumed role) and the identity they
    /// stand for (`None`: asked when first needed).
    pub fn with_credentials(
        &self,
        credentials: SharedCredentialsProvider,
        identity: Option<CallerIdentity>,
    ) -> AwsClients {
        AwsClients {
            sdk: self
                .sdk
                .to_builder()
                .credentials_provider(credentials)
                .build(),
            region: self.region.clone(),
            endpoints: self.endpoints.clone(),
            identity,
            assume_defaults: self.assume_defaults.clone(),
            max_concurrency: self.max_concurrency,
        }
    }

    /// The caller identity, fetched at configure time (or now, when validation was skipped).
    pub async fn identity(&self) -> Result<CallerIdentity> {
        match &self.identity {
            Some(id) => Ok(id.clone()),
            None => self.fetch_identity().await,
        }
    }

    async fn fetch_identity(&self) -> Result<CallerIdentity> {
        let out = self
            .sts(&self.region)
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| {
                aws_error(
                    "validating the provider's AWS credentials (sts:GetCallerIdentity)",
                    e,
                )
            })?;
        let arn = out.arn().unwrap_or_default().to_string();
        let partition = arn
            .split(':')
            .nth(1)
            .filter(|p| !p.is_empty())
            .unwrap_or("aws")
            .to_string();
        Ok(CallerIdentity {
            account_id: out.account().unwrap_or_default().to_string(),
            arn,
            user_id: out.user_id().unwrap_or_default().to_string(),
            partition,
        })
    }

    /// An S3 client; path-style addressing when an endpoint is overridden (local emulators).
    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let mut conf =
            aws_sdk_s3::config::Builder::from(&self.sdk).region(Region::new(region.to_string()));
        let overridden = self
            .endpoints
            .get("s3")
            .cloned()
            .or_else(|| self.sdk.endpoint_url().map(str::to_string));
        if let Some(url) = self.endpoints.get("s3") {
            conf = conf.endpoint_url(url);
        }
        if overridden.is_some() || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some() {
            conf = conf.force_path_style(true);
        }
        aws_sdk_s3::Client::from_conf(conf.build())
    }

    /// An S3 Control client. S3 Control puts the account id in front of the host
    /// (`<account>.s3-control.<region>.amazonaws.com`); an overridden endpoint on an IP address
    /// or `localhost` (a local emulator) cannot take that prefix, so it is used as given.
    pub fn s3control(&self, region: &str) -> aws_sdk_s3control::Client {
        let mut conf = aws_sdk_s3control::config::Builder::from(&self.sdk)
            .region(Region::new(region.to_string()))
            .endpoint_resolver(LocalS3ControlResolver::default());
        if let Some(url) = self.endpoints.get("s3control") {
            conf = conf.endpoint_url(url);
        }
        aws_sdk_s3control::Client::from_conf(conf.build())
    }
}

/// S3 Control's default endpoint rules, minus the account-id host prefix for endpoints that
/// cannot carry one (IP literals, `localhost`).
#[derive(Debug)]
struct LocalS3ControlResolver(aws_sdk_s3control::config::endpoint::DefaultResolver);

impl Default for LocalS3ControlResolver {
    fn default() -> Self {
        LocalS3ControlResolver(aws_sdk_s3control::config::endpoint::DefaultResolver::new())
    }
}

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for LocalS3ControlResolver {
    fn resolve_endpoint<'a>(
        &'a self,
        params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        use aws_sdk_s3control::config::endpoint::EndpointFuture;
        EndpointFuture::new(async move {
            let endpoint = self.0.resolve_endpoint(params).await?;
            let (Some(custom), Some(account)) = (params.endpoint(), params.account_id()) else {
                return Ok(endpoint);
            };
            if !host_takes_no_prefix(custom) {
                return Ok(endpoint);
            }
            let prefixed = format!("{account}.");
            let url = endpoint.url().replacen(&format!("://{prefixed}"), "://", 1);
            Ok(endpoint.into_builder().url(url).build())
        })
    }
}

/// True when the URL's host is an IP address or `localhost`, which no DNS prefix can extend.
fn host_takes_no_prefix(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    if authority.starts_with('[') {
        return true; // IPv6 literal
    }
    let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::Ipv4Addr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::host_takes_no_prefix;

    #[tokio::test]
    async fn every_attempt_is_bounded_in_time() {
        let settings = super::AwsSettings {
            region: Some("us-east-1".into()),
            skip_credentials_validation: true,
            ..Default::default()
        };
        let clients = super::AwsClients::connect(&settings)
            .await
            .expect("no AWS call is made without credential validation");
        let timeouts = clients.sdk.timeout_config().expect("a timeout config");
        assert_eq!(timeouts.connect_timeout(), Some(super::CONNECT_TIMEOUT));
        assert_eq!(
            timeouts.operation_attempt_timeout(),
            Some(super::ATTEMPT_TIMEOUT)
        );
        // Each service client inherits them.
        let iam = clients.iam("us-east-1");
        assert_eq!(
            iam.config()
                .timeout_config()
                .and_then(|t| t.operation_attempt_timeout()),
            Some(super::ATTEMPT_TIMEOUT)
        );
    }

    #[test]
    fn only_ip_and_localhost_hosts_drop_the_account_prefix() {
        assert!(host_takes_no_prefix("http://127.0.0.1:4566"));
        assert!(host_takes_no_prefix("http://localhost:4566/"));
        assert!(host_takes_no_prefix("http://[::1]:4566"));
        assert!(!host_takes_no_prefix("https://s3-control.example.com"));
        assert!(!host_takes_no_prefix(
            "https://vpce-1.s3-control.us-east-1.vpce.amazonaws.com"
        ));
    }
}
