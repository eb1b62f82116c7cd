//! Root user controls: no access key, MFA, and hardware MFA.

use crate::facts::{Facts, IamFacts, Source};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::support::{iam_credential_facts, Out, GLOBAL};
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// Suffix of the serial number IAM gives the root user's virtual MFA device.
const ROOT_VIRTUAL_MFA: &str = ":mfa/root-account-mfa-device";

/// Whether root has MFA: `AccountMFAEnabled`, else the credential report's `mfa_active`;
/// `None` when neither is available.
fn root_mfa(iam: &IamFacts) -> Option<bool> {
    iam.account_summary
        .as_ref()
        .map(|s| s.account_mfa_enabled)
        .or_else(|| iam.root.as_ref().map(|r| r.mfa_active))
}

const NO_ROOT_FACTS: &str =
    "Neither GetAccountSummary nor the credential report's <root_account> row";

/// `iam_root_access_key`.
pub struct RootAccessKey;

impl RootAccessKey {
    const META: Meta = Meta {
        id: "iam_root_access_key",
        title: "The root user has no access key",
        service: Service::Iam,
        severity: Severity::Critical,
        frameworks: &["FSBP IAM.4", "CIS 1.4"],
        remediation: "Sign in as the root user, open Security credentials and delete the root \
            user's access keys; use IAM roles or users with least privilege instead.",
        remediated_by: None,
        sources: &[Source::Iam],
        doc: include_str!("../reference/iam_root_access_key.md"),
    };
}

impl Rule for RootAccessKey {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        let Some(iam) = iam_credential_facts(&mut out) else {
            return out.finish();
        };
        let res = out.account(GLOBAL);
        let summary = iam
            .account_summary
            .as_ref()
            .map(|s| s.account_access_keys_present);
        let report = iam.root.as_ref().map(|r| {
            [r.access_key_1_active, r.access_key_2_active]
                .iter()
                .filter(|a| **a)
                .count()
        });
        // Either source showing a key is a FAIL.
        let mut seen = Vec::new();
        if summary == Some(true) {
            seen.push("GetAccountSummary reports AccountAccessKeysPresent".to_owned());
        }
        if let Some(n) = report.filter(|n| *n > 0) {
            seen.push(format!(
                "the credential report shows {n} active root access key(s)"
            ));
        }
        if !seen.is_empty() {
            out.fail(
                &res,
                format!("The root user has an access key: {}.", seen.join("; ")),
            );
        } else if summary.is_none() && report.is_none() {
            out.unknown(
                &res,
                &format!("{NO_ROOT_FACTS} is available; whether root has an access key"),
            );
        } else {
            out.pass(&res, "The root user has no access key.");
        }
        out.finish()
    }
}

/// `iam_root_mfa`.
pub struct RootMfa;

impl RootMfa {
    const META: Meta = Meta {
        id: "iam_root_mfa",
        title: "The root user has MFA",
        service: Service::Iam,
        severity: Severity::Critical,
        frameworks: &["FSBP IAM.9", "CIS 1.5"],
        remediation: "Sign in as the root user and assign an MFA device (preferably a hardware \
            key) under Security credentials.",
        remediated_by: None,
        sources: &[Source::Iam],
        doc: include_str!("../reference/iam_root_mfa.md"),
    };
}

impl Rule for RootMfa {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        let Some(iam) = iam_credential_facts(&mut out) else {
            return out.finish();
        };
        let res = out.account(GLOBAL);
        match root_mfa(iam) {
            Some(on) => out.verdict(
                on,
                &res,
                "The root user has MFA enabled.".into(),
                "The root user does not have MFA enabled.".into(),
            ),
            None => out.unknown(
                &res,
                &format!("{NO_ROOT_FACTS} is available; whether root has MFA"),
            ),
        }
        out.finish()
    }
}

/// `iam_root_hardware_mfa`.
pub struct RootHardwareMfa;

impl RootHardwareMfa {
    const META: Meta = Meta {
        id: "iam_root_hardware_mfa",
        title: "The root user's MFA is a hardware device",
        service: Service::Iam,
        severity: Severity::Critical,
        frameworks: &["FSBP IAM.6", "CIS 1.6"],
        remediation: "Sign in as the root user, remove the virtual MFA device and assign a \
            hardware MFA device (FIDO security key or hardware TOTP token).",
        remediated_by: None,
        sources: &[Source::Iam],
        doc: include_str!("../reference/iam_root_hardware_mfa.md"),
    };
}

impl Rule for RootHardwareMfa {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        let Some(iam) = iam_credential_facts(&mut out) else {
            return out.finish();
        };
        let res = out.account(GLOBAL);
        let root_arn = out.facts.account_arn();
        let is_root = |user: &Option<String>| {
            user.as_deref()
                .is_some_and(|u| u == root_arn || u.ends_with(":root"))
        };
        let virtual_device = iam
            .virtual_mfa_devices
            .iter()
            .find(|d| d.serial_number.ends_with(ROOT_VIRTUAL_MFA) || is_root(&d.user_arn));
        // No MFA at all is a FAIL too.
        match (root_mfa(iam), virtual_device) {
            (None, _) => out.unknown(
                &res,
                &format!("{NO_ROOT_FACTS} is available; whether root has MFA"),
            ),
            (Some(false), _) => out.fail(&res, "The root user has no MFA device."),
            (Some(true), Some(d)) => out.fail(
                &res,
                format!(
                    "The root user's MFA is a virtual device ({}).",
                    d.serial_number
                ),
            ),
            (Some(true), None) => out.pass(&res, "The root user's MFA is a hardware device."),
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{AccountSummary, RootCredentials, VirtualMfaDevice};
    use crate::finding::Status;
    use crate::rules::testkit::{iam, iam_denied, only, ACCOUNT};

    fn summary(mfa: bool, keys: bool) -> Option<AccountSummary> {
        Some(AccountSummary {
            account_mfa_enabled: mfa,
            account_access_keys_present: keys,
        })
    }

    fn report(mfa: bool, key1: bool, key2: bool) -> Option<RootCredentials> {
        Some(RootCredentials {
            mfa_active: mfa,
            access_key_1_active: key1,
            access_key_2_active: key2,
            password_last_used: None,
        })
    }

    #[test]
    fn access_key_from_either_source_fails() {
        let f = only(
            &RootAccessKey,
            &iam(|i| i.account_summary = summary(true, false)),
            Status::Pass,
        );
        assert_eq!(f.resource_id, format!("arn:aws:iam::{ACCOUNT}:root"));
        assert_eq!(f.region, "global");
        only(
            &RootAccessKey,
            &iam(|i| i.account_summary = summary(true, true)),
            Status::Fail,
        );
        let f = only(
            &RootAccessKey,
            &iam(|i| {
                i.account_summary = summary(true, false);
                i.root = report(true, false, true);
            }),
            Status::Fail,
        );
        assert!(f.message.contains("credential report"), "{}", f.message);
        only(
            &RootAccessKey,
            &iam(|i| i.root = report(true, false, false)),
            Status::Pass,
        );
    }

    #[test]
    fn root_facts_missing_or_denied() {
        only(&RootAccessKey, &iam(|_| {}), Status::Unknown);
        only(&RootMfa, &iam(|_| {}), Status::Unknown);
        only(&RootHardwareMfa, &iam(|_| {}), Status::Unknown);
        only(&RootAccessKey, &iam_denied(), Status::Error);
        only(&RootMfa, &iam_denied(), Status::Error);
        only(&RootHardwareMfa, &iam_denied(), Status::Error);
    }

    #[test]
    fn root_mfa() {
        only(
            &RootMfa,
            &iam(|i| i.account_summary = summary(true, false)),
            Status::Pass,
        );
        only(
            &RootMfa,
            &iam(|i| i.account_summary = summary(false, false)),
            Status::Fail,
        );
        only(
            &RootMfa,
            &iam(|i| i.root = report(true, false, false)),
            Status::Pass,
        );
    }

    #[test]
    fn hardware_mfa_fails_without_mfa_or_with_a_virtual_one() {
        only(
            &RootHardwareMfa,
            &iam(|i| i.account_summary = summary(true, false)),
            Status::Pass,
        );
        let f = only(
            &RootHardwareMfa,
            &iam(|i| i.account_summary = summary(false, false)),
            Status::Fail,
        );
        assert!(f.message.contains("no MFA"), "{}", f.message);
        let f = only(
            &RootHardwareMfa,
            &iam(|i| {
                i.account_summary = summary(true, false);
                i.virtual_mfa_devices = vec![
                    VirtualMfaDevice {
                        serial_number: format!("arn:aws:iam::{ACCOUNT}:mfa/alice"),
                        user_arn: Some(format!("arn:aws:iam::{ACCOUNT}:user/alice")),
                    },
                    VirtualMfaDevice {
                        serial_number: format!(
                            "arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device"
                        ),
                        user_arn: Some(format!("arn:aws:iam::{ACCOUNT}:root")),
                    },
                ];
            }),
            Status::Fail,
        );
        assert!(f.message.contains("virtual"), "{}", f.message);
    }
}
