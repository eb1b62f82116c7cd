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

/// Turns a collector's result into a `Collected`, applying Ruling 13: access denied,
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

fn is_unavailable(kind: AwsErrorKind, code: &str, message: &str) -> bool {
    matches!(code, "SubscriptionRequiredException" | "OptInRequired")
        || (kind == AwsErrorKind::Transport
            && (message.contains("dns error") || message.contains("failed to lookup address")))
}
