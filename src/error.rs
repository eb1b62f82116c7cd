//! The provider's typed errors and the one place they become Terraform diagnostics.

use crate::diag::{AttrPath, Diag};

/// What kind of AWS failure an error is; decides the hint given to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsErrorKind {
    NotFound,
    AccessDenied,
    Throttling,
    Validation,
    Credentials,
    Transport,
    ServiceUnavailable,
    Other,
}

/// Everything that can go wrong inside the provider.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An AWS call failed. `action` reads like "reading API Gateway stages in us-east-1".
    #[error("{action}: {code}: {message}")]
    Aws {
        action: String,
        kind: AwsErrorKind,
        code: String,
        message: String,
    },
    /// The user's configuration is invalid at `path`.
    #[error("{summary}: {detail}")]
    InvalidConfig {
        path: AttrPath,
        summary: String,
        detail: String,
    },
    /// A value Terraform sent could not be decoded.
    #[error("decoding {what}: {detail}")]
    Decode { what: String, detail: String },
    /// Something was waited for and did not happen in time.
    #[error("{action}: timed out after {seconds}s waiting for {condition}")]
    Timeout {
        action: String,
        condition: String,
        seconds: u64,
    },
    /// An RPC that needs AWS was called before ConfigureProvider.
    #[error("the provider has not been configured")]
    NotConfigured,
    /// Something needs AWS, but the provider was configured without a region (allowed with
    /// `skip_credentials_validation`, for plan-only assessments).
    #[error("no AWS region configured")]
    NoRegion,
    /// A bug or an impossible state; reported, never panicked on.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// An invalid-configuration error on `path`.
    pub fn config(path: AttrPath, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Error::InvalidConfig {
            path,
            summary: summary.into(),
            detail: detail.into(),
        }
    }

    /// The AWS error kind, when this is an AWS error.
    pub fn aws_kind(&self) -> Option<AwsErrorKind> {
        match self {
            Error::Aws { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// True for an AWS "does not exist" answer.
    pub fn is_not_found(&self) -> bool {
        self.aws_kind() == Some(AwsErrorKind::NotFound)
    }

    /// The one conversion point from errors to diagnostics.
    pub fn to_diag(&self) -> Diag {
        match self {
            Error::Aws { action, kind, code, message } => {
                let hint = match kind {
                    AwsErrorKind::AccessDenied => {
                        "The credentials in use are not allowed to make this call. Grant the permission (see the provider documentation for the IAM policy it needs) or exclude the service."
                    }
                    AwsErrorKind::Throttling => {
                        "AWS kept throttling the request after the configured retries. Raise `max_retries` or try again later."
                    }
                    AwsErrorKind::Credentials => {
                        "Check the provider's credentials: environment variables, `profile`, shared credentials files, SSO session or `assume_role`."
                    }
                    AwsErrorKind::Transport => {
                        "The AWS endpoint could not be reached. Check the network, `region` and any `endpoints` override or AWS_ENDPOINT_URL."
                    }
                    AwsErrorKind::Validation => "AWS rejected the request as invalid.",
                    AwsErrorKind::NotFound => "The resource does not exist.",
                    AwsErrorKind::ServiceUnavailable => {
                        "AWS answered with a server error after the configured retries; try again later."
                    }
                    AwsErrorKind::Other => "",
                };
                let summary = format!("{action}: {code}");
                let detail = if hint.is_empty() { message.clone() } else { format!("{message}\n\n{hint}") };
                Diag::error(summary, detail, None)
            }
            Error::InvalidConfig { path, summary, detail } => {
                let path = if path.0.is_empty() { None } else { Some(path.clone()) };
                Diag::error(summary.clone(), detail.clone(), path)
            }
            Error::Decode { what, detail } => Diag::error(
                format!("Invalid value for {what}"),
                format!("The value Terraform sent could not be decoded: {detail}"),
                None,
            ),
            Error::Timeout { action, condition, seconds } => Diag::error(
                format!("{action}: timeout"),
                format!("Waited {seconds}s for {condition}; it did not happen."),
                None,
            ),
            Error::NotConfigured => Diag::error(
                "Provider not configured",
                "This operation needs AWS access, but the provider has not been configured. This is a bug in secbaseline or in the calling tool.",
                None,
            ),
            Error::NoRegion => Diag::error(
                "No AWS region configured",
                "This needs AWS access, but the provider knows no region. Set `region` in the provider block, or AWS_REGION / AWS_DEFAULT_REGION, or a region in the selected profile. (Without a region the provider serves only what needs no AWS: `source = \"plan\"` assessments and the functions.)",
                None,
            ),
            Error::Internal(detail) => Diag::error(
                "Internal error in the secbaseline provider",
                format!("{detail}\n\nPlease report this issue."),
                None,
            ),
        }
    }

    /// This error as a diagnostic pointing at `path`.
    pub fn to_diag_at(&self, path: AttrPath) -> Diag {
        let mut diag = self.to_diag();
        diag.path = Some(path);
        diag
    }
}

/// Result type of the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
