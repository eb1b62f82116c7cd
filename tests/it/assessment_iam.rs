//! `secbaseline_assessment` through the real terraform binary on a seeded IAM account
//! (`tests/seeds/iam.py`): every IAM and STS control of the catalogue FAILs exactly on the bad
//! users, roles and policies and PASSes on the good ones; service-linked roles are
//! NOT_APPLICABLE to the sts_* controls; a malformed policy is an ERROR naming it; the
//! account-level controls (root, password policy, support role, analyzer) FAIL on the
//! neglected account and PASS once it is hardened; age parameters reach the rules.

use crate::common;

use std::collections::BTreeSet;

use common::assessment::{assessment_config, expect, findings, of_control, only_on, seed};
use common::{Emulator, RootState, Workspace};
use secbaseline_engine::service::Service;
use serde_json::Value;

/// Resource-id fragments of what the seed creates.
const ACCOUNT: &str = "arn:aws:iam::123456789012:root";
const SERVICE_LINKED: &str = ":role/aws-service-role/";
const INLINE_BROKEN: &str = ":role/trust-broken/inline-policy/inline-broken";

fn user(name: &str) -> String {
    format!(":user/{name}")
}
fn role(name: &str) -> String {
    format!(":role/{name}")
}
fn policy(name: &str) -> String {
    format!(":policy/{name}")
}

/// One expected outcome: `control` on resources matching `needle` has `status`.
struct Expect {
    control: &'static str,
    needle: String,
    status: &'static str,
}

fn e(control: &'static str, needle: impl Into<String>, status: &'static str) -> Expect {
    Expect {
        control,
        needle: needle.into(),
        status,
    }
}

/// What the seeded account must show, per control and resource, before hardening.
fn per_resource_expectations() -> Vec<Expect> {
    let mut x = vec![
        e("iam_root_access_key", ACCOUNT, "FAIL"),
        e("iam_root_mfa", ACCOUNT, "FAIL"),
        e("iam_root_hardware_mfa", ACCOUNT, "FAIL"),
        e("iam_password_policy", ACCOUNT, "FAIL"),
        e("iam_support_role", ACCOUNT, "FAIL"),
        e("iam_access_analyzer", "123456789012", "FAIL"),
        e("iam_user_console_mfa", user("good-person"), "PASS"),
        e("iam_user_console_mfa", user("bad-console"), "FAIL"),
        e("iam_access_key_rotation", user("good-ci"), "PASS"),
        e("iam_access_key_rotation", user("bad-two-keys"), "PASS"),
        e("iam_access_key_rotation", user("bad-stale-key"), "FAIL"),
        e("iam_access_key_rotation", user("bad-old-used-key"), "FAIL"),
        e("iam_unused_credentials", user("good-person"), "PASS"),
        e("iam_unused_credentials", user("good-ci"), "PASS"),
        e("iam_unused_credentials", user("bad-old-used-key"), "PASS"),
        e("iam_unused_credentials", user("bad-two-keys"), "PASS"),
        e("iam_unused_credentials", user("bad-console"), "FAIL"),
        e("iam_unused_credentials", user("bad-stale-key"), "FAIL"),
        e("iam_user_single_active_key", user("good-ci"), "PASS"),
        e("iam_user_single_active_key", user("bad-two-keys"), "FAIL"),
        e("iam_user_no_direct_policies", user("good-person"), "PASS"),
        e("iam_user_no_direct_policies", user("good-ci"), "PASS"),
        e("iam_user_no_direct_policies", user("bad-direct"), "FAIL"),
        e("iam_policy_no_admin", policy("read-only"), "PASS"),
        e("iam_policy_no_admin", policy("s3-wildcard"), "PASS"),
        e("iam_policy_no_admin", policy("assume-any"), "PASS"),
        e("iam_policy_no_admin", "/inline-policy/group-read", "PASS"),
        e("iam_policy_no_admin", policy("admin-all"), "FAIL"),
        e(
            "iam_policy_no_admin",
            "user/bad-direct/inline-policy/inline-admin",
            "FAIL",
        ),
        e(
            "iam_policy_no_admin",
            "aws:policy/AWSCloudShellFullAccess",
            "NOT_APPLICABLE",
        ),
        e(
            "iam_policy_no_service_wildcard",
            policy("read-only"),
            "PASS",
        ),
        e(
            "iam_policy_no_service_wildcard",
            policy("admin-all"),
            "PASS",
        ),
        e(
            "iam_policy_no_service_wildcard",
            policy("assume-any"),
            "PASS",
        ),
        e(
            "iam_policy_no_service_wildcard",
            policy("s3-wildcard"),
            "FAIL",
        ),
        e(
            "iam_expired_server_certificates",
            ":server-certificate/current-cert",
            "PASS",
        ),
        e(
            "iam_expired_server_certificates",
            ":server-certificate/expired-cert",
            "FAIL",
        ),
        e("iam_no_cloudshell_full_access", user("good-ci"), "PASS"),
        e("iam_no_cloudshell_full_access", ":group/engineers", "PASS"),
        e("iam_no_cloudshell_full_access", role("public-open"), "PASS"),
        e("iam_no_cloudshell_full_access", user("bad-direct"), "FAIL"),
        e(
            "sts_trust_no_public_principal",
            role("public-org-condition"),
            "PASS",
        ),
        e("sts_trust_no_public_principal", role("cross-bare"), "PASS"),
        e("sts_trust_no_public_principal", role("public-open"), "FAIL"),
        e(
            "sts_cross_account_condition",
            role("cross-external-id"),
            "PASS",
        ),
        e("sts_cross_account_condition", role("cross-bare"), "FAIL"),
        e(
            "sts_service_confused_deputy",
            role("service-source-account"),
            "PASS",
        ),
        e("sts_service_confused_deputy", role("service-bare"), "FAIL"),
        e("sts_no_assume_any_role", policy("read-only"), "PASS"),
        e("sts_no_assume_any_role", policy("assume-one"), "PASS"),
        e("sts_no_assume_any_role", policy("s3-wildcard"), "PASS"),
        e("sts_no_assume_any_role", policy("assume-any"), "FAIL"),
        e("sts_no_assume_any_role", policy("admin-all"), "FAIL"),
        e(
            "sts_no_assume_any_role",
            "user/bad-direct/inline-policy/inline-admin",
            "FAIL",
        ),
        e(
            "iam_no_cloudshell_full_access",
            role("trust-broken"),
            "PASS",
        ),
    ];
    // Malformed documents: ERROR wherever they are read, never PASS.
    for control in [
        "iam_policy_no_admin",
        "iam_policy_no_service_wildcard",
        "sts_no_assume_any_role",
    ] {
        x.push(e(control, policy("broken"), "ERROR"));
    }
    // iam_policy_no_service_wildcard judges customer-managed policies only (IAM.21).
    for control in ["iam_policy_no_admin", "sts_no_assume_any_role"] {
        x.push(e(control, INLINE_BROKEN, "ERROR"));
    }
    for control in [
        "sts_trust_no_public_principal",
        "sts_cross_account_condition",
        "sts_service_confused_deputy",
    ] {
        x.push(e(control, role("trust-broken"), "ERROR"));
    }
    // Users without MFA: everyone but the two good ones.
    x.push(e("iam_user_mfa", user("good-person"), "PASS"));
    x.push(e("iam_user_mfa", user("good-ci"), "PASS"));
    for bad in [
        "bad-console",
        "bad-stale-key",
        "bad-old-used-key",
        "bad-two-keys",
        "bad-direct",
    ] {
        x.push(e("iam_user_mfa", user(bad), "FAIL"));
    }
    // Service-linked roles are AWS's; every sts_* control leaves them alone.
    for control in [
        "sts_trust_no_public_principal",
        "sts_cross_account_condition",
        "sts_service_confused_deputy",
        "sts_no_assume_any_role",
    ] {
        x.push(e(control, SERVICE_LINKED, "NOT_APPLICABLE"));
    }
    x
}

/// Every IAM and STS control id of the engine's catalogue.
fn iam_and_sts_controls() -> BTreeSet<&'static str> {
    secbaseline_engine::rules::catalogue()
        .iter()
        .map(|r| r.meta())
        .filter(|m| matches!(m.service, Service::Iam | Service::Sts))
        .map(|m| m.id)
        .collect()
}

fn check_all(f: &[Value], expectations: &[Expect]) {
    for x in expectations {
        expect(f, x.control, &x.needle, x.status);
    }
}

/// Per control: FAIL (and ERROR) only where the expectations say so.
fn check_exactly(f: &[Value], expectations: &[Expect]) {
    let controls: BTreeSet<&str> = expectations.iter().map(|x| x.control).collect();
    for control in controls {
        for status in ["FAIL", "ERROR"] {
            let needles: Vec<&str> = expectations
                .iter()
                .filter(|x| x.control == control && x.status == status)
                .map(|x| x.needle.as_str())
                .collect();
            only_on(f, control, status, &needles);
        }
    }
}

/// Applies an assessment; returns its findings and what terraform printed.
fn assessment_with_output(emu: &Emulator, body: &str) -> (Vec<Value>, String) {
    let ws = Workspace::new(emu, &assessment_config(body));
    let out = ws.apply();
    out.assert_success();
    (findings(&ws), out.combined())
}

fn assessment(emu: &Emulator, body: &str) -> Vec<Value> {
    assessment_with_output(emu, body).0
}

#[test]
fn every_iam_and_sts_control_judges_exactly_the_bad_resources() {
    let emu = Emulator::start();
    emu.set_root(RootState::insecure());
    let seeded = seed(&emu, include_str!("../seeds/iam.py"));
    assert!(
        seeded["service_linked_role"]
            .as_str()
            .is_some_and(|a| a.contains(SERVICE_LINKED)),
        "{seeded}"
    );

    // Every IAM and STS control of the catalogue is covered with a PASS and a FAIL case, so a
    // new control without coverage here fails this test.
    let expectations = per_resource_expectations();
    let hardened = hardened_expectations();
    for control in iam_and_sts_controls() {
        let outcomes: BTreeSet<&str> = expectations
            .iter()
            .chain(&hardened)
            .filter(|x| x.control == control)
            .map(|x| x.status)
            .collect();
        assert!(
            outcomes.contains("PASS") && outcomes.contains("FAIL"),
            "{control}: the seeded assessment test covers {outcomes:?}; it needs a PASS and a \
             FAIL case (add them to tests/seeds/iam.py and this test)"
        );
    }

    // The neglected account.
    let (f, printed) = assessment_with_output(&emu, "services = [\"iam\", \"sts\"]");
    check_all(&f, &expectations);
    check_exactly(&f, &expectations);
    let every_control: BTreeSet<&str> = f.iter().filter_map(|x| x["control_id"].as_str()).collect();
    assert_eq!(
        every_control,
        iam_and_sts_controls(),
        "one or more findings per selected control, and no other control"
    );
    // Malformed documents: ERROR findings that name the policy (or role), for every control
    // that reads them.
    for (control, names) in [
        ("iam_policy_no_admin", &["'broken'", "'inline-broken'"][..]),
        ("iam_policy_no_service_wildcard", &["'broken'"][..]),
        (
            "sts_no_assume_any_role",
            &["'broken'", "'inline-broken'"][..],
        ),
        ("sts_trust_no_public_principal", &["'trust-broken'"][..]),
        ("sts_cross_account_condition", &["'trust-broken'"][..]),
        ("sts_service_confused_deputy", &["'trust-broken'"][..]),
    ] {
        let errors: Vec<&str> = of_control(&f, control)
            .into_iter()
            .filter(|x| x["status"] == "ERROR")
            .filter_map(|x| x["message"].as_str())
            .collect();
        assert_eq!(errors.len(), names.len(), "{control}: {errors:#?}");
        for name in names {
            assert!(
                errors.iter().any(|m| m.contains(name)),
                "{control}: no ERROR names {name}: {errors:#?}"
            );
        }
    }
    // The plan goes on, with a warning naming the unreadable policy.
    assert!(
        printed.contains("Control iam_policy_no_admin could not be evaluated (ERROR)")
            && printed.contains(":policy/broken")
            && printed.contains("cannot be read"),
        "{printed}"
    );
    // Live keys are named by their credential-report slot, with their age.
    assert!(
        of_control(&f, "iam_access_key_rotation").iter().any(|x| {
            x["status"] == "FAIL"
                && x["message"].as_str().is_some_and(|m| {
                    m.contains("'bad-stale-key'") && m.contains("access key 1 is 200 days old")
                })
        }),
        "{:#?}",
        of_control(&f, "iam_access_key_rotation")
    );
    // Access key ids are never printed; the report's slot names stand in for them.
    let text = serde_json::to_string(&f).expect("findings serialize");
    assert!(!text.contains("AKIA"), "an access key id leaked");

    // The same account with longer age limits: the aged credentials are within them.
    let f = assessment(
        &emu,
        "services = [\"iam\"]\nparameters = { access_key_max_age_days = \"365\", unused_credentials_days = \"365\" }",
    );
    for needle in ["bad-stale-key", "bad-old-used-key"] {
        expect(&f, "iam_access_key_rotation", &user(needle), "PASS");
    }
    for needle in ["bad-console", "bad-stale-key"] {
        expect(&f, "iam_unused_credentials", &user(needle), "PASS");
    }

    // Hardened: the account-level controls pass.
    seed(&emu, include_str!("../seeds/iam_hardened.py"));
    emu.set_root(RootState::default());
    let f = assessment(&emu, "services = [\"iam\", \"sts\"]");
    check_all(&f, &hardened);

    // Root MFA on, but a virtual device: MFA passes, hardware MFA does not.
    emu.set_root(RootState {
        mfa_enabled: true,
        access_keys_present: 0,
        virtual_mfa: true,
    });
    let f = assessment(
        &emu,
        "controls = [\"iam_root_mfa\", \"iam_root_hardware_mfa\", \"iam_root_access_key\"]",
    );
    expect(&f, "iam_root_mfa", ACCOUNT, "PASS");
    expect(&f, "iam_root_access_key", ACCOUNT, "PASS");
    expect(&f, "iam_root_hardware_mfa", ACCOUNT, "FAIL");
    assert!(
        of_control(&f, "iam_root_hardware_mfa")[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("root-account-mfa-device")),
        "{f:#?}"
    );
}

/// The account-level controls once `tests/seeds/iam_hardened.py` ran and root is secure.
fn hardened_expectations() -> Vec<Expect> {
    vec![
        e("iam_root_access_key", ACCOUNT, "PASS"),
        e("iam_root_mfa", ACCOUNT, "PASS"),
        e("iam_root_hardware_mfa", ACCOUNT, "PASS"),
        e("iam_password_policy", ACCOUNT, "PASS"),
        e("iam_support_role", ACCOUNT, "PASS"),
        e("iam_access_analyzer", "123456789012", "PASS"),
    ]
}
