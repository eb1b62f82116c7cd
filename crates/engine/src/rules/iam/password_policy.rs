//! `iam_password_policy`: the account password policy meets the CIS thresholds (`Params`).

use crate::facts::{Facts, Known, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::support::{iam_credential_facts, Out, Res, GLOBAL};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `iam_password_policy`.
pub struct PasswordPolicy;

impl PasswordPolicy {
    const META: Meta = Meta {
        id: "iam_password_policy",
        title: "The account password policy is strong",
        service: Service::Iam,
        severity: Severity::Medium,
        frameworks: &[
            "FSBP IAM.7",
            "FSBP IAM.11",
            "FSBP IAM.12",
            "FSBP IAM.13",
            "FSBP IAM.14",
            "FSBP IAM.15",
            "FSBP IAM.16",
            "FSBP IAM.17",
            "CIS 1.8",
            "CIS 1.9",
        ],
        remediation: "Set an account password policy (aws_iam_account_password_policy) with \
            minimum length 14 or more, upper-case, lower-case, number and symbol required, \
            password reuse prevention 24 and maximum age 90 days or less.",
        remediated_by: None,
        sources: &[Source::Iam],
        doc: include_str!("../reference/iam_password_policy.md"),
    };
}

/// Collects problems and undecided settings of one policy.
#[derive(Default)]
struct Review {
    problems: Vec<String>,
    undecided: Vec<&'static str>,
}

impl Review {
    fn flag(&mut self, k: &Known<bool>, what: &'static str) {
        match k {
            Known::Known(true) => {}
            Known::Known(false) => self.problems.push(format!("does not require {what}")),
            Known::Unknown => self.undecided.push(what),
        }
    }

    fn number(
        &mut self,
        k: &Known<Option<u32>>,
        what: &'static str,
        ok: impl Fn(u32) -> bool,
        unset: &str,
        bad: impl Fn(u32) -> String,
    ) {
        match k {
            Known::Known(Some(n)) if ok(*n) => {}
            Known::Known(Some(n)) => self.problems.push(bad(*n)),
            Known::Known(None) => self.problems.push(unset.to_owned()),
            Known::Unknown => self.undecided.push(what),
        }
    }
}

impl Rule for PasswordPolicy {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        let Some(iam) = iam_credential_facts(&mut out) else {
            return out.finish();
        };
        let Some(pp) = &iam.password_policy else {
            let res = out.account(GLOBAL);
            out.fail(&res, "The account has no password policy.");
            return out.finish();
        };
        let res = Res {
            id: out.facts.account_arn(),
            region: GLOBAL.to_owned(),
            address: pp.address.clone(),
        };
        let (min_len, reuse, max_age) = (
            params.password_min_length,
            params.password_reuse_prevention,
            params.password_max_age_days,
        );
        let mut r = Review::default();
        r.number(
            &pp.minimum_length,
            "the minimum length",
            |n| n >= min_len,
            "sets no minimum length (AWS default 8)",
            |n| format!("has minimum length {n} (< {min_len})"),
        );
        r.flag(&pp.require_uppercase, "upper-case letters");
        r.flag(&pp.require_lowercase, "lower-case letters");
        r.flag(&pp.require_numbers, "numbers");
        r.flag(&pp.require_symbols, "symbols");
        r.number(
            &pp.reuse_prevention,
            "password reuse prevention",
            |n| n >= reuse,
            "does not prevent password reuse",
            |n| format!("prevents reuse of only {n} passwords (< {reuse})"),
        );
        r.number(
            &pp.max_age_days,
            "the maximum password age",
            |n| (1..=max_age).contains(&n),
            "lets passwords never expire",
            |n| format!("has maximum password age {n} days (> {max_age})"),
        );
        if !r.problems.is_empty() {
            let pending = if r.undecided.is_empty() {
                String::new()
            } else {
                format!("; {} will be decided at apply", r.undecided.join(", "))
            };
            out.fail(
                &res,
                format!(
                    "The account password policy {}{pending}.",
                    r.problems.join(", ")
                ),
            );
        } else if !r.undecided.is_empty() {
            out.unknown(
                &res,
                &format!("The password policy's {}", r.undecided.join(", ")),
            );
        } else {
            out.pass(
                &res,
                format!(
                    "The account password policy requires length ≥ {min_len}, all character \
                     classes, reuse prevention ≥ {reuse} and expiry ≤ {max_age} days."
                ),
            );
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::PasswordPolicy as Policy;
    use crate::finding::Status;
    use crate::rules::testkit::{iam, iam_denied, only, params, ACCOUNT};

    fn strong() -> Policy {
        Policy {
            minimum_length: Some(14).into(),
            require_uppercase: true.into(),
            require_lowercase: true.into(),
            require_numbers: true.into(),
            require_symbols: true.into(),
            reuse_prevention: Some(24).into(),
            max_age_days: Some(90).into(),
            address: None,
        }
    }

    #[test]
    fn strong_policy_passes() {
        let f = only(
            &PasswordPolicy,
            &iam(|i| i.password_policy = Some(strong())),
            Status::Pass,
        );
        assert_eq!(f.resource_id, format!("arn:aws:iam::{ACCOUNT}:root"));
    }

    #[test]
    fn absent_policy_fails() {
        let f = only(&PasswordPolicy, &iam(|_| {}), Status::Fail);
        assert!(f.message.contains("no password policy"), "{}", f.message);
        only(&PasswordPolicy, &iam_denied(), Status::Error);
    }

    #[test]
    fn each_weakness_is_named() {
        let mut weak = strong();
        weak.minimum_length = Some(8).into();
        weak.require_symbols = false.into();
        weak.max_age_days = Known::Known(None);
        weak.reuse_prevention = Known::Unknown;
        let f = only(
            &PasswordPolicy,
            &iam(|i| i.password_policy = Some(weak)),
            Status::Fail,
        );
        for part in ["minimum length 8", "symbols", "never expire"] {
            assert!(f.message.contains(part), "{part}: {}", f.message);
        }
    }

    #[test]
    fn thresholds_come_from_params() {
        let mut p = strong();
        p.minimum_length = Some(12).into();
        let facts = iam(|i| i.password_policy = Some(p));
        assert_eq!(
            PasswordPolicy.evaluate(&facts, &params())[0].status,
            Status::Fail
        );
        let mut lenient = params();
        lenient.password_min_length = 12;
        assert_eq!(
            PasswordPolicy.evaluate(&facts, &lenient)[0].status,
            Status::Pass
        );
    }

    #[test]
    fn planned_unknown_setting_is_unknown() {
        let mut p = strong();
        p.require_numbers = Known::Unknown;
        only(
            &PasswordPolicy,
            &iam(|i| i.password_policy = Some(p)),
            Status::Unknown,
        );
    }
}
