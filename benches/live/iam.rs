//! `iam` section (issue #4): the live IAM + STS assessment of a large seeded account against
//! `prowler aws --service iam` on the same emulator state.
//!
//! Measured on the loaded 2-core development machine: secbaseline 0.37–0.46 s wall (median of 5
//! fresh processes), 62 MiB peak, 10 AWS calls (moto answers GetAccountAuthorizationDetails in
//! one page; AWS pages it by ~100 entities, ~11 pages here), 4,315 findings; Prowler 239–249 s,
//! 677 MiB, 5,411 calls (per-user and per-role calls), 7,982 findings, exit 0 — 550–650x
//! faster, 11x less memory, 540x fewer calls.

use super::common::{
    by_status, compare_with_prowler, count_findings, provider_runs, seed, CountingProxy,
};
use crate::emulator::Emulator;

const USERS: usize = 500;
const ROLES: usize = 200;
const POLICIES: usize = 300;
const GROUPS: usize = 20;
/// What `secbaseline_assessment` is asked for.
const SERVICES: &[&str] = &["iam", "sts"];
const PROWLER_SERVICES: &[&str] = &["iam"];
/// Issue #4: at least this many times faster than Prowler, and fewer AWS calls.
const TARGET: f64 = 50.0;

pub fn run(rt: &tokio::runtime::Runtime) {
    println!("== live assessment: IAM + STS, secbaseline vs Prowler ==");
    let emu = Emulator::start_named("bench-iam");
    let seeded = seed(
        &emu,
        &[
            ("USERS", USERS.to_string()),
            ("ROLES", ROLES.to_string()),
            ("POLICIES", POLICIES.to_string()),
            ("GROUPS", GROUPS.to_string()),
        ],
        include_str!("seeds/iam_account.py"),
    );
    println!(
        "account: {} users, {} roles, {} customer-managed policies, {} groups (attachments, inline policies, access keys, MFA)",
        seeded["users"], seeded["roles"], seeded["policies"], seeded["groups"]
    );
    let proxy = CountingProxy::start(&emu);

    let (ours, findings) = provider_runs(rt, &proxy, SERVICES);
    let user_findings = count_findings(&findings, "", ":user/");
    println!(
        "  secbaseline median of {}: {}",
        super::common::PROVIDER_RUNS,
        ours.line()
    );
    println!(
        "  secbaseline findings: {} ({user_findings} on users) {:?}",
        findings.len(),
        by_status(&findings)
    );
    assert!(
        user_findings >= USERS,
        "expected at least one finding per user ({USERS}), got {user_findings}"
    );

    if let Some(faster) = compare_with_prowler(&ours, &proxy, PROWLER_SERVICES) {
        println!(
            "  target >= {TARGET:.0}x faster: {}",
            if faster >= TARGET { "met" } else { "NOT met" }
        );
    }
}
