//! `Collected<T>`: the outcome of collecting one service's facts (ERROR vs NOT_APPLICABLE).

use serde::{Deserialize, Serialize};

/// What happened when a producer tried to gather one service's facts in one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Collected<T> {
    /// The facts were collected.
    Ok(T),
    /// Collection failed: AccessDenied, throttling beyond retries, 5xx, unknown operation.
    /// Rules report `ERROR` with `code` in the message.
    Failed {
        /// The AWS error code (e.g. `AccessDeniedException`).
        code: String,
        /// The error message.
        message: String,
    },
    /// The service is not offered in the region or not subscribed. Rules report
    /// `NOT_APPLICABLE` with the message.
    Unavailable {
        /// Why the service is unavailable.
        message: String,
    },
    /// Nobody collected these facts (service not selected, or a plan without them).
    /// Rules that need them report `UNKNOWN`.
    NotCollected,
}

// Manual impl: a derive would demand `T: Default`, which `NotCollected` does not need.
#[allow(clippy::derivable_impls)]
impl<T> Default for Collected<T> {
    fn default() -> Self {
        Collected::NotCollected
    }
}

impl<T> Collected<T> {
    /// The facts, if collected.
    pub fn ok(&self) -> Option<&T> {
        match self {
            Collected::Ok(v) => Some(v),
            _ => None,
        }
    }

    /// Mutable access to the facts, if collected.
    pub fn ok_mut(&mut self) -> Option<&mut T> {
        match self {
            Collected::Ok(v) => Some(v),
            _ => None,
        }
    }

    /// True when the facts were collected.
    pub fn is_ok(&self) -> bool {
        matches!(self, Collected::Ok(_))
    }

    /// Shortcut for a failure.
    pub fn failed(code: impl Into<String>, message: impl Into<String>) -> Self {
        Collected::Failed {
            code: code.into(),
            message: message.into(),
        }
    }

    /// Shortcut for an unavailable service.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Collected::Unavailable {
            message: message.into(),
        }
    }

    /// Borrows the inner value.
    pub fn as_ref(&self) -> Collected<&T> {
        match self {
            Collected::Ok(v) => Collected::Ok(v),
            Collected::Failed { code, message } => Collected::Failed {
                code: code.clone(),
                message: message.clone(),
            },
            Collected::Unavailable { message } => Collected::Unavailable {
                message: message.clone(),
            },
            Collected::NotCollected => Collected::NotCollected,
        }
    }

    /// Maps collected facts, keeping the other outcomes.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Collected<U> {
        match self {
            Collected::Ok(v) => Collected::Ok(f(v)),
            Collected::Failed { code, message } => Collected::Failed { code, message },
            Collected::Unavailable { message } => Collected::Unavailable { message },
            Collected::NotCollected => Collected::NotCollected,
        }
    }
}

impl<T> From<T> for Collected<T> {
    fn from(v: T) -> Self {
        Collected::Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_not_collected() {
        assert_eq!(Collected::<u8>::default(), Collected::NotCollected);
        assert!(Collected::Ok(1).is_ok());
        assert_eq!(Collected::<u8>::failed("AccessDenied", "no").ok(), None);
        assert_eq!(Collected::Ok(2).map(|v| v + 1), Collected::Ok(3));
    }
}
