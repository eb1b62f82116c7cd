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
    R: std::fmt::Debug + HttpStatus,
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
            let message = aws_smithy_types::error::display::DisplayErrorContext(&err).to_string();
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
            let message = aws_smithy_types::error::display::DisplayErrorContext(&err).to_string();
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
}
