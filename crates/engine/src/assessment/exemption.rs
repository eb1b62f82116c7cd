//! Exemptions: a FAIL a user accepts, for a control and resource (glob), until an expiry.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::finding::{Finding, Status};
use crate::rules;

/// A validated exemption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exemption {
    /// Control id (exact, or a glob with `*`).
    pub control: String,
    /// Resource: exact ARN / Terraform address, or a glob with `*`.
    pub resource: String,
    /// Why the FAIL is accepted.
    pub reason: String,
    /// When it stops applying (`None`: never). A date means 00:00 UTC of that day.
    pub expires: Option<Expiry>,
}

/// An exemption's expiry, with the text the user wrote (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expiry {
    /// The instant it expires.
    pub at: OffsetDateTime,
    /// As written (`2025-12-31` or an RFC 3339 timestamp).
    pub text: String,
}

/// An exemption that is not valid; names the offending field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExemptionError {
    /// `control` is empty or names no control.
    #[error("exemption control: unknown control id {0:?}")]
    UnknownControl(String),
    /// `resource` is empty.
    #[error("exemption for {control}: resource must not be empty (use \"*\" for all)")]
    EmptyResource {
        /// The control.
        control: String,
    },
    /// `reason` is empty.
    #[error("exemption for {control}: reason must not be empty")]
    EmptyReason {
        /// The control.
        control: String,
    },
    /// `expires` is neither `YYYY-MM-DD` nor RFC 3339.
    #[error("exemption for {control}: expires {value:?} is neither YYYY-MM-DD nor an RFC 3339 timestamp")]
    BadExpiry {
        /// The control.
        control: String,
        /// The value given.
        value: String,
    },
}

impl Exemption {
    /// Validates user input. `control` must be a catalogue id or a glob matching one.
    pub fn parse(
        control: &str,
        resource: &str,
        reason: &str,
        expires: Option<&str>,
    ) -> Result<Self, ExemptionError> {
        let control = control.trim();
        if control.is_empty()
            || !rules::catalogue()
                .iter()
                .any(|r| glob_match(control, r.meta().id))
        {
            return Err(ExemptionError::UnknownControl(control.to_owned()));
        }
        if resource.trim().is_empty() {
            return Err(ExemptionError::EmptyResource {
                control: control.to_owned(),
            });
        }
        if reason.trim().is_empty() {
            return Err(ExemptionError::EmptyReason {
                control: control.to_owned(),
            });
        }
        let expires = match expires.map(str::trim).filter(|e| !e.is_empty()) {
            None => None,
            Some(text) => Some(Expiry {
                at: parse_expiry(text).ok_or_else(|| ExemptionError::BadExpiry {
                    control: control.to_owned(),
                    value: text.to_owned(),
                })?,
                text: text.to_owned(),
            }),
        };
        Ok(Exemption {
            control: control.to_owned(),
            resource: resource.trim().to_owned(),
            reason: reason.trim().to_owned(),
            expires,
        })
    }

    /// True when the exemption names this finding's control and resource (ARN or address).
    pub fn matches(&self, f: &Finding) -> bool {
        glob_match(&self.control, &f.control_id)
            && (glob_match(&self.resource, &f.resource_id)
                || f.address
                    .as_deref()
                    .is_some_and(|a| glob_match(&self.resource, a)))
    }

    /// True when not expired at `now`.
    pub fn is_valid_at(&self, now: OffsetDateTime) -> bool {
        self.expires.as_ref().is_none_or(|e| now < e.at)
    }
}

fn parse_expiry(text: &str) -> Option<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t);
    }
    let date = Date::parse(text, format_description!("[year]-[month]-[day]")).ok()?;
    Some(date.midnight().assume_utc())
}

/// `*` matches any run of characters (including none); everything else matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Turns covered FAILs into EXEMPTED; notes expired exemptions on the FAILs they no longer cover.
pub fn apply(findings: &mut [Finding], exemptions: &[Exemption], now: OffsetDateTime) {
    for f in findings.iter_mut().filter(|f| f.status == Status::Fail) {
        let matching: Vec<&Exemption> = exemptions.iter().filter(|e| e.matches(f)).collect();
        if let Some(e) = matching.iter().find(|e| e.is_valid_at(now)) {
            f.status = Status::Exempted;
            let until = e
                .expires
                .as_ref()
                .map(|x| format!(" (until {})", x.text))
                .unwrap_or_default();
            f.message = format!("{} Exempted: {}{until}.", f.message, e.reason);
        } else if let Some(x) = matching
            .iter()
            .find_map(|e| e.expires.as_ref().map(|x| (e, x)))
        {
            f.message = format!(
                "{} (The exemption \"{}\" expired on {}.)",
                f.message, x.0.reason, x.1.text
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::find;
    use proptest::prelude::*;
    use time::macros::datetime;

    fn fail(resource: &str) -> Finding {
        let meta = find("apigateway_rest_waf").map(|r| r.meta().clone());
        let meta = meta.expect("registered");
        meta.finding(
            Status::Fail,
            resource,
            Some("123456789012".into()),
            "us-east-1",
            "Stage 'prod' has no WAF.",
            None,
        )
    }

    #[test]
    fn glob() {
        assert!(glob_match("*", "anything"));
        assert!(glob_match(
            "arn:aws:apigateway:*::/restapis/abc/*",
            "arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod"
        ));
        assert!(!glob_match("arn:*:b", "arn:x:c"));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(!glob_match("abc", "abcd"));
    }

    proptest! {
        #[test]
        fn glob_exact_and_star(s in "[a-z:/]{0,20}") {
            prop_assert!(glob_match(&s, &s));
            prop_assert!(glob_match("*", &s));
            let prefixed = format!("{}*", s);
            let text = format!("{}tail", s);
            prop_assert!(glob_match(&prefixed, &text));
        }
    }

    #[test]
    fn valid_exemption_exempts() -> Result<(), ExemptionError> {
        let e = Exemption::parse(
            "apigateway_rest_waf",
            "arn:aws:apigateway:*",
            "internal API",
            Some("2025-12-31"),
        )?;
        let mut fs = vec![fail(
            "arn:aws:apigateway:us-east-1::/restapis/a/stages/prod",
        )];
        apply(&mut fs, &[e], datetime!(2025-06-01 0:00 UTC));
        assert_eq!(fs[0].status, Status::Exempted);
        assert!(
            fs[0].message.contains("internal API (until 2025-12-31)"),
            "{}",
            fs[0].message
        );
        Ok(())
    }

    #[test]
    fn expired_exemption_says_so() -> Result<(), ExemptionError> {
        let e = Exemption::parse("apigateway_rest_waf", "*", "temporary", Some("2025-01-31"))?;
        let mut fs = vec![fail("arn:x")];
        apply(&mut fs, &[e], datetime!(2025-06-01 0:00 UTC));
        assert_eq!(fs[0].status, Status::Fail);
        assert!(
            fs[0].message.contains("expired on 2025-01-31"),
            "{}",
            fs[0].message
        );
        Ok(())
    }

    #[test]
    fn address_match_and_non_fail_untouched() -> Result<(), ExemptionError> {
        let e = Exemption::parse(
            "apigateway_*",
            "aws_api_gateway_stage.prod",
            "planned",
            Some("2030-01-01T00:00:00Z"),
        )?;
        let mut f = fail("aws_api_gateway_stage.prod");
        f.address = Some("aws_api_gateway_stage.prod".into());
        let mut pass = f.clone();
        pass.status = Status::Pass;
        let mut fs = vec![f, pass];
        apply(&mut fs, &[e], datetime!(2025-06-01 0:00 UTC));
        assert_eq!(fs[0].status, Status::Exempted);
        assert_eq!(fs[1].status, Status::Pass);
        Ok(())
    }

    #[test]
    fn parse_errors() {
        assert!(matches!(
            Exemption::parse("nope", "*", "r", None),
            Err(ExemptionError::UnknownControl(_))
        ));
        assert!(matches!(
            Exemption::parse("apigateway_rest_waf", " ", "r", None),
            Err(ExemptionError::EmptyResource { .. })
        ));
        assert!(matches!(
            Exemption::parse("apigateway_rest_waf", "*", "", None),
            Err(ExemptionError::EmptyReason { .. })
        ));
        assert!(matches!(
            Exemption::parse("apigateway_rest_waf", "*", "r", Some("31/12/2025")),
            Err(ExemptionError::BadExpiry { .. })
        ));
    }
}
