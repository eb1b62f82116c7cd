//! `Known<T>`: a value a Terraform plan may not have decided yet ("known after apply").

use serde::{Deserialize, Serialize};

/// A value that is either known or not yet known (planned but computed at apply time).
///
/// Live collectors always produce `Known`; the plan mapper produces `Unknown` for values that
/// Terraform shows as "(known after apply)". Rules turn an `Unknown` they depend on into an
/// `UNKNOWN` finding, never into a PASS or a FAIL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Known<T> {
    /// The value is known.
    Known(T),
    /// The value will only be known after apply.
    Unknown,
}

impl<T> Known<T> {
    /// True when the value is known.
    pub fn is_known(&self) -> bool {
        matches!(self, Known::Known(_))
    }

    /// True when the value is not known yet.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Known::Unknown)
    }

    /// The value, if known.
    pub fn as_known(&self) -> Option<&T> {
        match self {
            Known::Known(v) => Some(v),
            Known::Unknown => None,
        }
    }

    /// Consumes `self`, giving the value if known.
    pub fn into_known(self) -> Option<T> {
        match self {
            Known::Known(v) => Some(v),
            Known::Unknown => None,
        }
    }

    /// Borrows the inner value.
    pub fn as_ref(&self) -> Known<&T> {
        match self {
            Known::Known(v) => Known::Known(v),
            Known::Unknown => Known::Unknown,
        }
    }

    /// Maps a known value, keeping `Unknown` as is.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Known<U> {
        match self {
            Known::Known(v) => Known::Known(f(v)),
            Known::Unknown => Known::Unknown,
        }
    }
}

impl<T> Known<T> {
    /// Chains a computation that may itself be unknown.
    pub fn and_then_known<U>(self, f: impl FnOnce(T) -> Known<U>) -> Known<U> {
        match self {
            Known::Known(v) => f(v),
            Known::Unknown => Known::Unknown,
        }
    }
}

impl<T> Known<Option<T>> {
    /// The inner optional value when known; `None` both when unknown and when known-absent.
    /// Use only where that difference does not matter.
    pub fn flatten_ref(&self) -> Option<&T> {
        self.as_known().and_then(Option::as_ref)
    }
}

impl<T: Default> Default for Known<T> {
    fn default() -> Self {
        Known::Known(T::default())
    }
}

impl<T> From<T> for Known<T> {
    fn from(v: T) -> Self {
        Known::Known(v)
    }
}

impl From<&str> for Known<String> {
    fn from(v: &str) -> Self {
        Known::Known(v.to_owned())
    }
}

impl From<&str> for Known<Option<String>> {
    fn from(v: &str) -> Self {
        Known::Known(Some(v.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_behave() {
        let k: Known<u32> = 5.into();
        assert!(k.is_known());
        assert_eq!(k.as_known(), Some(&5));
        assert_eq!(k.clone().map(|v| v * 2), Known::Known(10));
        let u: Known<u32> = Known::Unknown;
        assert!(u.is_unknown());
        assert_eq!(u.as_known(), None);
        let s: Known<Option<String>> = "x".into();
        assert_eq!(s.flatten_ref().map(String::as_str), Some("x"));
        assert_eq!(Known::<bool>::default(), Known::Known(false));
    }

    #[test]
    fn serde_round_trip() -> Result<(), serde_json::Error> {
        let k: Known<String> = "a".into();
        let json = serde_json::to_string(&k)?;
        assert_eq!(json, r#"{"known":"a"}"#);
        let back: Known<String> = serde_json::from_str(&json)?;
        assert_eq!(back, k);
        let u: Known<String> = serde_json::from_str(r#""unknown""#)?;
        assert!(u.is_unknown());
        Ok(())
    }
}
