//! `Params`: tunable thresholds of the rules, with their documented defaults and typed parsing.

use std::collections::{BTreeMap, BTreeSet};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::service::Service;

/// Rule parameters. Build with [`Params::at`] (deterministic) or [`Params::from_map`].
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// `access_key_max_age_days` (90): oldest allowed active access key.
    pub access_key_max_age_days: u32,
    /// `unused_credentials_days` (90; CIS 1.12 uses 45): longest allowed disuse.
    pub unused_credentials_days: u32,
    /// `password_min_length` (14).
    pub password_min_length: u32,
    /// `password_reuse_prevention` (24).
    pub password_reuse_prevention: u32,
    /// `password_max_age_days` (90).
    pub password_max_age_days: u32,
    /// `now`: the assessment's clock, injected so results are deterministic.
    pub now: OffsetDateTime,
    /// Services selected in the assessment; their Config resource types are the covered types
    /// of `config_recorder`. Set by the assessment, not by the string map.
    pub selected_services: BTreeSet<Service>,
}

/// A parameter that could not be parsed; names the offending key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// The key is not a parameter.
    #[error("unknown parameter {key:?} (known: {known})")]
    UnknownKey {
        /// The key given.
        key: String,
        /// Comma-separated known keys.
        known: String,
    },
    /// The value is not valid for the key.
    #[error("parameter {key:?}: {reason} (got {value:?})")]
    InvalidValue {
        /// The key.
        key: String,
        /// The value given.
        value: String,
        /// What was expected.
        reason: String,
    },
}

/// The keys `from_map` accepts.
pub const PARAM_KEYS: [&str; 6] = [
    "access_key_max_age_days",
    "unused_credentials_days",
    "password_min_length",
    "password_reuse_prevention",
    "password_max_age_days",
    "now",
];

impl Params {
    /// The documented defaults with the given clock; all services selected.
    pub fn at(now: OffsetDateTime) -> Self {
        Params {
            access_key_max_age_days: 90,
            unused_credentials_days: 90,
            password_min_length: 14,
            password_reuse_prevention: 24,
            password_max_age_days: 90,
            now,
            selected_services: Service::ALL.into_iter().collect(),
        }
    }

    /// Defaults overridden by a string map (e.g. the data source's `parameters`).
    /// `now` is the clock to use unless the map has a `now` key (RFC 3339).
    pub fn from_map(
        map: &BTreeMap<String, String>,
        now: OffsetDateTime,
    ) -> Result<Self, ParamError> {
        let mut p = Params::at(now);
        for (key, value) in map {
            match key.as_str() {
                "access_key_max_age_days" => p.access_key_max_age_days = days(key, value)?,
                "unused_credentials_days" => p.unused_credentials_days = days(key, value)?,
                "password_min_length" => p.password_min_length = bounded(key, value, 6, 128)?,
                "password_reuse_prevention" => {
                    p.password_reuse_prevention = bounded(key, value, 1, 24)?
                }
                "password_max_age_days" => p.password_max_age_days = bounded(key, value, 1, 1095)?,
                "now" => {
                    p.now = OffsetDateTime::parse(value.trim(), &Rfc3339).map_err(|_| {
                        ParamError::InvalidValue {
                            key: key.clone(),
                            value: value.clone(),
                            reason: "expected an RFC 3339 timestamp".into(),
                        }
                    })?
                }
                _ => {
                    return Err(ParamError::UnknownKey {
                        key: key.clone(),
                        known: PARAM_KEYS.join(", "),
                    })
                }
            }
        }
        Ok(p)
    }
}

impl Default for Params {
    /// Defaults with the current UTC time as clock.
    fn default() -> Self {
        Params::at(OffsetDateTime::now_utc())
    }
}

fn days(key: &str, value: &str) -> Result<u32, ParamError> {
    bounded(key, value, 1, 3650)
}

fn bounded(key: &str, value: &str, min: u32, max: u32) -> Result<u32, ParamError> {
    let invalid = || ParamError::InvalidValue {
        key: key.to_owned(),
        value: value.to_owned(),
        reason: format!("expected a whole number from {min} to {max}"),
    };
    let n: u32 = value.trim().parse().map_err(|_| invalid())?;
    if (min..=max).contains(&n) {
        Ok(n)
    } else {
        Err(invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let p = Params::at(datetime!(2025-01-01 0:00 UTC));
        assert_eq!(p.access_key_max_age_days, 90);
        assert_eq!(p.unused_credentials_days, 90);
        assert_eq!(p.password_min_length, 14);
        assert_eq!(p.password_reuse_prevention, 24);
        assert_eq!(p.password_max_age_days, 90);
        assert_eq!(p.selected_services.len(), 8);
    }

    #[test]
    fn overrides_parse() -> Result<(), ParamError> {
        let p = Params::from_map(
            &map(&[
                ("unused_credentials_days", "45"),
                ("now", "2024-06-01T00:00:00Z"),
            ]),
            datetime!(2025-01-01 0:00 UTC),
        )?;
        assert_eq!(p.unused_credentials_days, 45);
        assert_eq!(p.now, datetime!(2024-06-01 0:00 UTC));
        Ok(())
    }

    #[test]
    fn errors_name_the_key() {
        let now = datetime!(2025-01-01 0:00 UTC);
        let err = Params::from_map(&map(&[("access_key_max_age_days", "ninety")]), now);
        assert!(
            matches!(err, Err(ParamError::InvalidValue { ref key, .. }) if key == "access_key_max_age_days")
        );
        let err = Params::from_map(&map(&[("max_age", "1")]), now);
        assert!(matches!(err, Err(ParamError::UnknownKey { ref key, .. }) if key == "max_age"));
        let err = Params::from_map(&map(&[("password_min_length", "0")]), now);
        assert!(err.is_err());
        let err = Params::from_map(&map(&[("now", "yesterday")]), now);
        assert!(err.map_err(|e| e.to_string().contains("\"now\"")).err() == Some(true));
    }
}
