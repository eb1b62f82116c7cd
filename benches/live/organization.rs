//! `organization` section (issue #14): an organization of 100 member accounts × 4 regions on
//! the emulator, assessed (1) by one `secbaseline_assessment` with `accounts` + `role_name`,
//! (2) one account at a time with a fresh provider each (`assume_role`, as a configuration
//! with a provider alias per account does), and (3) by Prowler run per account (`--role`), on
//! a few accounts and scaled to all, since one Prowler run per account takes a minute here.
//! Wall time, peak memory and AWS calls, and the ratios.

use std::time::{Duration, Instant};

use super::common::{
    by_status, provider_run_with, prowler_bin, prowler_run_with, seed, Cost, CountingProxy,
    PROWLER_INSTALL,
};
use crate::emulator::Emulator;
use secbaseline_engine::rules::logging::CIS_ALARMS;
use secbaseline_engine::rules::Rule;
use terraform_provider_secbaseline::value::Value;

/// Member accounts seeded (`ORG_ACCOUNTS` overrides, for a quicker look).
const MEMBERS: usize = 100;
const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];
const SERVICES: [&str; 4] = ["apigateway", "cloudtrail", "config", "cloudwatch"];
const PROWLER_SERVICES: [&str; 5] = [
    "apigateway",
    "apigatewayv2",
    "cloudtrail",
    "config",
    "cloudwatch",
];
/// Accounts Prowler is run on (each a full run); its figures are scaled to every account.
const PROWLER_ACCOUNTS: usize = 3;
/// Issue #14's targets.
const FASTER_THAN_ONE_AT_A_TIME: f64 = 5.0;
const FASTER_THAN_PROWLER: f64 = 100.0;
const PEAK_MIB: f64 = 300.0;

fn members() -> usize {
    std::env::var("ORG_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(MEMBERS)
}

fn strings(items: &[&str]) -> Value {
    Value::string_list(items.iter().copied())
}

pub fn run(rt: &tokio::runtime::Runtime) {
    println!(
        "== organization: one assessment of every account vs one account at a time vs Prowler =="
    );
    let emu = Emulator::start_named("bench-organization");
    let n = members();
    let regions: Vec<String> = REGIONS.iter().map(|r| format!("{r:?}")).collect();
    let t = Instant::now();
    let seeded = seed(
        &emu,
        &[
            ("MEMBERS", n.to_string()),
            ("REGIONS", format!("[{}]", regions.join(", "))),
        ],
        include_str!("seeds/organization.py"),
    );
    let patterns: Vec<(String, String)> = CIS_ALARMS
        .iter()
        .map(|a| (a.meta().id.to_string(), a.pattern.to_string()))
        .collect();
    let patterns = serde_json::to_string(&patterns).expect("patterns serialize");
    seed(
        &emu,
        &[("CIS_PATTERNS", format!("json.loads({patterns:?})"))],
        &format!(
            "{}\nboto3.client('cloudtrail').update_trail(Name='baseline', IsOrganizationTrail=True)\nprint(json.dumps({{}}))\n",
            include_str!("../../tests/seeds/logging.py")
        ),
    );
    let mut accounts: Vec<String> = seeded["members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    accounts.insert(0, crate::emulator::ACCOUNT_ID.to_string());
    println!(
        "organization: {} accounts (management + {n} members in 4 OUs) x {} regions, seeded in {:.0} s",
        accounts.len(),
        REGIONS.len(),
        t.elapsed().as_secs_f64()
    );
    let proxy = CountingProxy::start(&emu);

    // (1) The whole organization in one assessment.
    let data = Value::object([
        ("accounts", Value::string_list(accounts.iter().cloned())),
        ("role_name", Value::string("audit")),
        ("regions", strings(&REGIONS)),
        ("services", strings(&SERVICES)),
    ]);
    let t = Instant::now();
    let org = rt.block_on(provider_run_with(&proxy, data));
    let org_cost = Cost {
        wall: t.elapsed(),
        ..org.cost
    };
    println!(
        "  one assessment, {} accounts:      {}",
        accounts.len(),
        org_cost.line()
    );
    println!(
        "    findings: {} {:?}",
        org.findings.len(),
        by_status(&org.findings)
    );

    // (2) One account at a time, a fresh provider each.
    let mut wall = Duration::ZERO;
    let mut calls = 0;
    let mut peak = 0;
    let mut findings = 0;
    for account in &accounts {
        let data = Value::object([
            (
                "assume_role",
                Value::List(vec![Value::object([(
                    "role_arn",
                    Value::string(format!("arn:aws:iam::{account}:role/audit")),
                )])]),
            ),
            ("regions", strings(&REGIONS)),
            ("services", strings(&SERVICES)),
        ]);
        let t = Instant::now();
        let run = rt.block_on(provider_run_with(&proxy, data));
        wall += t.elapsed();
        calls += run.cost.calls;
        peak = peak.max(run.cost.peak_kib);
        findings += run.findings.len();
    }
    let one_by_one = Cost {
        wall,
        peak_kib: peak,
        calls,
    };
    println!(
        "  one account at a time ({} runs):  {}",
        accounts.len(),
        one_by_one.line()
    );
    println!("    findings: {findings}");
    let vs_one = one_by_one.wall.as_secs_f64() / org_cost.wall.as_secs_f64().max(1e-9);
    println!(
        "  one assessment is {vs_one:.1}x faster than one account at a time (target >= {FASTER_THAN_ONE_AT_A_TIME:.0}x: {}), peak {:.0} MiB (target < {PEAK_MIB:.0}: {})",
        if vs_one >= FASTER_THAN_ONE_AT_A_TIME { "met" } else { "NOT met" },
        org_cost.peak_kib as f64 / 1024.0,
        if (org_cost.peak_kib as f64 / 1024.0) < PEAK_MIB { "met" } else { "NOT met" },
    );

    // (3) Prowler, per account.
    let Some(prowler) = prowler_bin() else {
        println!("  Prowler: not installed; install it with: {PROWLER_INSTALL}");
        return;
    };
    let sample = &accounts[1..accounts.len().min(1 + PROWLER_ACCOUNTS)];
    let mut total = Cost {
        wall: Duration::ZERO,
        peak_kib: 0,
        calls: 0,
    };
    for account in sample {
        let role = format!("arn:aws:iam::{account}:role/audit");
        let run = prowler_run_with(
            &prowler,
            &proxy,
            &PROWLER_SERVICES,
            &REGIONS,
            &["--role", &role],
        );
        println!(
            "  Prowler on {account}: {} (exit {:?}, findings {:?})",
            run.cost.line(),
            run.status.and_then(|s| s.code()),
            run.findings
        );
        if run.status.is_none_or(|s| !s.success()) {
            println!("{}", run.tail);
        }
        total.wall += run.cost.wall;
        total.calls += run.cost.calls;
        total.peak_kib = total.peak_kib.max(run.cost.peak_kib);
    }
    let scale = accounts.len() as f64 / sample.len().max(1) as f64;
    let prowler_all = total.wall.as_secs_f64() * scale;
    println!(
        "  Prowler, {} accounts (measured on {}, scaled x{scale:.1}): wall {prowler_all:.0} s, peak {:.0} MiB, AWS calls {:.0}",
        accounts.len(),
        sample.len(),
        total.peak_kib as f64 / 1024.0,
        total.calls as f64 * scale
    );
    let vs_prowler = prowler_all / org_cost.wall.as_secs_f64().max(1e-9);
    println!(
        "  one assessment is {vs_prowler:.0}x faster than Prowler per account (target >= {FASTER_THAN_PROWLER:.0}x: {})",
        if vs_prowler >= FASTER_THAN_PROWLER { "met" } else { "NOT met" }
    );
}
