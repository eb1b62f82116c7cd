//! Classifies AWS SDK errors into the provider's typed `Error`.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::error::{AwsErrorKind, Error};

const NOT_FOUND_CODES: &[&str] = &[
    "NotFoundException",
    "NoSuchEntity",
    "NoSuchEntityException",
    "ResourceNotFoundException",
    "TrailNotFoundException",
    "NoSuchBucket",
    "NoSuchBucketPolicy",
    "NoSuchPublicAccessBlockConfiguration",
    "NoSuchConfigurationRecorderException",
    "NoSuchDeliveryChannelException",
    "NoSuchConfigRuleException",
    "NotFoundException",
    "NotFound",
    "ResourceNotFound",
    "NoSuchKey",
];

const ACCESS_DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "AuthorizationError",
    "OptInRequired",
];

const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
    "RequestThrottled",
    "LimitExceededException",
];

const CREDENTIAL_CODES: &[&str] = &[
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "InvalidToken",
];

/// Classifies an error code string.
pub fn classify_code(code: &str) -> AwsErrorKind {
    if NOT_FOUND_CODES.contains(&code) {
        AwsErrorKind::NotFound
    } else if ACCESS_DENIED_CODES.contains(&code) {
        AwsErrorKind::AccessDenied
    } else if THROTTLING_CODES.contains(&code) {
        AwsErrorKind::Throttling
    } else if CREDENTIAL_CODES.contains(&code) {
        AwsErrorKind::Credentials
    } else if code.contains("Validation")
        || code.starts_with("Invalid")
        || code == "BadRequestException"
    {
        AwsErrorKind::Validation
    } else if code.starts_with("InternalFailure")
        || code.contains("ServiceUnavailable")
        || code.starts_with("Internal")
    {
        AwsErrorKind::ServiceUnavailable
    } else {
        AwsErrorKind::Other
    }
}

/// Converts an SDK error into the provider's error, naming the action that failed.
pub fn aws_error<E, R>(action: impl Into<String>, err: SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + HttpStatus + 'static,
{
    let action = action.into();
    match &err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let status = service.raw().status_code();
            let code = e
                .code()
                .map(str::to_string)
                .unwrap_or_else(|| match status {
                    404 => "NotFound".to_string(),
                    403 => "AccessDenied".to_string(),
                    s if s >= 500 => format!("HTTP{s}"),
                    s => format!("HTTP{s}"),
                });
            let message = e.message().unwrap_or("no message from AWS").to_string();
            let mut kind = classify_code(&code);
            if kind == AwsErrorKind::Other {
                kind = match status {
                    404 => AwsErrorKind::NotFound,
                    403 => AwsErrorKind::AccessDenied,
                    429 => AwsErrorKind::Throttling,
                    s if s >= 500 => AwsErrorKind::ServiceUnavailable,
                    _ => AwsErrorKind::Other,
                };
            }
            Error::Aws {
                action,
                kind,
                code,
                message,
            }
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            let message = source_chain(&err);
            let kind = if message.contains("credential") || message.contains("Credentials") {
                AwsErrorKind::Credentials
            } else {
                AwsErrorKind::Transport
            };
            let code = if kind == AwsErrorKind::Credentials {
                "NoCredentials"
            } else {
                "RequestFailed"
            };
            Error::Aws {
                action,
                kind,
                code: code.to_string(),
                message,
            }
        }
        _ => {
            let message = source_chain(&err);
            let kind = if message.contains("credential") {
                AwsErrorKind::Credentials
            } else {
                AwsErrorKind::Other
            };
            let code = if kind == AwsErrorKind::Credentials {
                "NoCredentials"
            } else {
                "ClientError"
            };
            Error::Aws {
                action,
                kind,
                code: code.to_string(),
                message,
            }
        }
    }
}

/// The `Display` of an error and of each of its sources, joined with ": " — never `Debug`
/// (the SDK's `DisplayErrorContext` appends a raw Debug dump of the whole chain, which is no
/// message for a user). A source whose text the previous one already contains is skipped.
pub fn source_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        let text = text.trim();
        if !text.is_empty() && !parts.last().is_some_and(|p| p.contains(text)) {
            parts.push(text.to_string());
        }
        next = e.source();
    }
    if parts.is_empty() {
        "no detail".to_string()
    } else {
        parts.join(": ")
    }
}

/// The HTTP status of a raw response, whatever its concrete type.
pub trait HttpStatus {
    fn status_code(&self) -> u16;
}

impl HttpStatus for aws_smithy_runtime_api::http::Response {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_classified() {
        assert_eq!(
            classify_code("AccessDeniedException"),
            AwsErrorKind::AccessDenied
        );
        assert_eq!(classify_code("NoSuchEntity"), AwsErrorKind::NotFound);
        assert_eq!(
            classify_code("ThrottlingException"),
            AwsErrorKind::Throttling
        );
        assert_eq!(
            classify_code("InvalidClientTokenId"),
            AwsErrorKind::Credentials
        );
        assert_eq!(
            classify_code("ValidationException"),
            AwsErrorKind::Validation
        );
        assert_eq!(classify_code("SomethingOdd"), AwsErrorKind::Other);
    }

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);
    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|l| l as _)
        }
    }

    #[test]
    fn source_chain_is_display_only_without_repeats() {
        let err = Layer(
            "dispatch failure",
            Some(Box::new(Layer(
                "io error",
                Some(Box::new(Layer(
                    "io",
                    Some(Box::new(Layer("connection closed", None))),
                ))),
            ))),
        );
        let text = source_chain(&err);
        assert_eq!(text, "dispatch failure: io error: connection closed");
        assert!(!text.contains("Layer("), "no Debug output: {text}");
    }
}
