//! Live collectors: the only code that calls AWS for an assessment. Each fills one `Source`
//! of the facts model and does nothing else; failures become `Collected::Failed` (ERROR) or
//! `Collected::Unavailable` (NOT_APPLICABLE), never an empty success.

use std::sync::atomic::{AtomicU64, Ordering};

use secbaseline_engine::facts::Collected;

use crate::error::{AwsErrorKind, Error};

/// Counts AWS calls made by collectors (reported by the benchmark).
#[derive(Debug, Default)]
pub struct CallCounter(AtomicU64);

impl CallCounter {
    /// Records one AWS call.
    pub fn tick(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    /// Calls recorded so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Pages fetched concurrently per service (bounded fan-out).
pub const FAN_OUT: usize = 8;

/// Turns a collector's result into a `Collected`: access denied,
/// throttling, 5xx and unknown operations are ERROR; a service not offered in the region
/// or not subscribed is NOT_APPLICABLE.
pub fn into_collected<T>(result: Result<T, Error>) -> Collected<T> {
    match result {
        Ok(v) => Collected::Ok(v),
        Err(Error::Aws {
            kind,
            code,
            message,
            action,
        }) => {
            if is_unavailable(kind, &code, &message) {
                Collected::unavailable(format!("{action}: {code}: {message}"))
            } else {
                Collected::failed(code, format!("{action}: {message}"))
            }
        }
        Err(other) => Collected::failed("InternalError", other.to_string()),
    }
}

/// Whether an AWS error means the service is not offered in the region or not subscribed
/// (NOT_APPLICABLE) rather than that its facts could not be read (ERROR).
fn is_unavailable(kind: AwsErrorKind, code: &str, message: &str) -> bool {
    matches!(code, "SubscriptionRequiredException" | "OptInRequired")
        || (kind == AwsErrorKind::Transport && no_such_host(message))
}

/// What the system resolver says when a host name does not exist (glibc EAI_NONAME and
/// EAI_NODATA, musl, macOS/BSD, Windows): a service endpoint that does not exist in a region.
const NO_SUCH_HOST: &[&str] = &[
    "Name or service not known",
    "No address associated with hostname",
    "Name does not resolve",
    "nodename nor servname provided, or not known",
    "No such host is known",
];

/// True when a transport error is a DNS lookup that found no such host. A lookup that merely
/// failed (resolver unreachable or timed out, "Temporary failure in name resolution", "Try
/// again") says nothing about the service: it stays ERROR, so a flaky resolver can never turn
/// a service into NOT_APPLICABLE and an assessment into `passed`.
fn no_such_host(message: &str) -> bool {
    (message.contains("dns error") || message.contains("failed to lookup address"))
        && NO_SUCH_HOST.iter().any(|m| message.contains(m))
}

pub mod access_analyzer;
pub mod apigateway;
pub mod apigatewayv2;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod config;
pub mod estate;
pub mod gather;
pub mod iam;
pub mod lex;
pub mod logs;
pub mod organization;
pub mod organization_tree;
mod paging;
pub mod pinpoint;
pub mod regions;
pub mod s3account;

#[cfg(test)]
mod tests {
    use super::*;

    /// A transport error as the SDK reports a failed connect (`source_chain` of the dispatch
    /// failure).
    fn transport(detail: &str) -> Error {
        Error::Aws {
            action: "listing Pinpoint apps in us-east-1".into(),
            kind: AwsErrorKind::Transport,
            code: "RequestFailed".into(),
            message: format!(
                "dispatch failure: io error: client error (Connect): dns error: failed to lookup address information: {detail}"
            ),
        }
    }

    fn aws(kind: AwsErrorKind, code: &str, message: &str) -> Error {
        Error::Aws {
            action: "listing Pinpoint apps in us-east-1".into(),
            kind,
            code: code.into(),
            message: message.into(),
        }
    }

    fn status(c: &Collected<()>) -> &'static str {
        match c {
            Collected::Ok(()) => "ok",
            Collected::Failed { .. } => "ERROR",
            Collected::Unavailable { .. } => "NOT_APPLICABLE",
            Collected::NotCollected => "not collected",
        }
    }

    #[test]
    fn only_a_missing_service_is_not_applicable_every_other_failure_is_error() {
        let cases: Vec<(Error, &str)> = vec![
            // NOT_APPLICABLE: not offered in the region (its endpoint does not exist), not subscribed.
            (transport("Name or service not known"), "NOT_APPLICABLE"),
            (transport("No address associated with hostname"), "NOT_APPLICABLE"),
            (transport("Name does not resolve"), "NOT_APPLICABLE"),
            (
                transport("nodename nor servname provided, or not known"),
                "NOT_APPLICABLE",
            ),
            (
                aws(
                    AwsErrorKind::Other,
                    "SubscriptionRequiredException",
                    "not subscribed",
                ),
                "NOT_APPLICABLE",
            ),
            (
                aws(AwsErrorKind::AccessDenied, "OptInRequired", "opt in first"),
                "NOT_APPLICABLE",
            ),
            // A resolver that failed for now proves nothing about the service.
            (transport("Temporary failure in name resolution"), "ERROR"),
            (transport("Try again"), "ERROR"),
            (
                aws(
                    AwsErrorKind::Transport,
                    "RequestFailed",
                    "dispatch failure: io error: client error (Connect): tcp connect error: Connection refused (os error 111)",
                ),
                "ERROR",
            ),
            // ERROR: access denied, throttling, 5xx, unknown operations.
            (
                aws(
                    AwsErrorKind::AccessDenied,
                    "AccessDeniedException",
                    "User: arn:aws:sts::123456789012:assumed-role/audit/s is not authorized to perform: mobiletargeting:GetApps",
                ),
                "ERROR",
            ),
            (
                aws(AwsErrorKind::AccessDenied, "AccessDenied", "Access Denied"),
                "ERROR",
            ),
            (
                aws(AwsErrorKind::Throttling, "ThrottlingException", "Rate exceeded"),
                "ERROR",
            ),
            (
                aws(
                    AwsErrorKind::ServiceUnavailable,
                    "InternalFailure",
                    "Internal failure",
                ),
                "ERROR",
            ),
            (
                aws(
                    AwsErrorKind::Other,
                    "UnknownOperationException",
                    "unknown operation",
                ),
                "ERROR",
            ),
        ];
        for (err, want) in cases {
            let shown = err.to_string();
            let got = into_collected::<()>(Err(err));
            assert_eq!(status(&got), want, "{shown}: {got:?}");
        }
    }

    #[test]
    fn an_error_keeps_the_aws_code_and_the_action() {
        let got = into_collected::<()>(Err(aws(
            AwsErrorKind::AccessDenied,
            "AccessDeniedException",
            "not authorized to perform: lex:ListBots",
        )));
        assert_eq!(
            got,
            Collected::failed(
                "AccessDeniedException",
                "listing Pinpoint apps in us-east-1: not authorized to perform: lex:ListBots"
            )
        );
    }
}
