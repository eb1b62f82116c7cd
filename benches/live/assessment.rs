//! `assessment` section (issue #3): the live assessment of API Gateway plus account logging
//! (CloudTrail, AWS Config, CloudWatch) on a seeded realistic account, against Prowler's checks
//! of the same services on the same emulator state.
//!
//! Measured on the loaded 2-core development machine (moto behind the counting proxy, Prowler
//! 5.46.0, `--aws-retries-max-attempts 1`; the provider with `max_retries = 0`): secbaseline
//! 0.57–0.69 s wall (median of 5 fresh processes), 44–45 MiB peak, 186 AWS calls, 1,536
//! findings; Prowler 49–63 s, 480–495 MiB, 598 calls, 1,130 findings, exit 0 — 80–100x faster,
//! 11x less memory, 3x fewer calls.

use super::common::{
    by_status, compare_with_prowler, count_findings, provider_runs, seed, CountingProxy,
};
use crate::emulator::Emulator;
use secbaseline_engine::rules::logging::CIS_ALARMS;
use secbaseline_engine::rules::Rule;

/// REST APIs seeded, each with three stages (dev, test, prod).
const REST_APIS: usize = 50;
/// HTTP APIs seeded, each with three routes and two stages.
const HTTP_APIS: usize = 20;
/// What `secbaseline_assessment` is asked for.
const SERVICES: &[&str] = &["apigateway", "cloudtrail", "config", "cloudwatch"];
/// Prowler's services covering the same ground.
const PROWLER_SERVICES: &[&str] = &[
    "apigateway",
    "apigatewayv2",
    "cloudtrail",
    "config",
    "cloudwatch",
];
/// DESIGN.md / issue #3: at least this many times faster than Prowler.
const TARGET: f64 = 50.0;

pub fn run(rt: &tokio::runtime::Runtime) {
    println!("== live assessment: API Gateway + account logging, secbaseline vs Prowler ==");
    let emu = Emulator::start_named("bench-assessment");
    let seeded = seed(
        &emu,
        &[
            ("REST_APIS", REST_APIS.to_string()),
            ("HTTP_APIS", HTTP_APIS.to_string()),
        ],
        include_str!("seeds/apigateway_account.py"),
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
            "{}\nprint(json.dumps({{}}))\n",
            include_str!("../../tests/seeds/logging.py")
        ),
    );
    println!(
        "account: {} REST APIs x 3 stages, {} HTTP APIs x 2 stages, 2 trails, a Config recorder, {} CIS metric filters + alarms",
        seeded["rest_apis"], seeded["http_apis"], CIS_ALARMS.len()
    );
    let proxy = CountingProxy::start(&emu);

    let (ours, findings) = provider_runs(rt, &proxy, SERVICES);
    let stage_findings = count_findings(&findings, "apigateway", "/stages/");
    println!(
        "  secbaseline median of {}: {}",
        super::common::PROVIDER_RUNS,
        ours.line()
    );
    println!(
        "  secbaseline findings: {} ({stage_findings} on stages) {:?}",
        findings.len(),
        by_status(&findings)
    );
    // The figures mean nothing for an empty run.
    assert!(
        stage_findings >= 3 * REST_APIS,
        "expected at least {} stage findings, got {stage_findings}",
        3 * REST_APIS
    );
    for prefix in ["cloudtrail", "config", "cloudwatch"] {
        assert!(
            count_findings(&findings, prefix, "") > 0,
            "no {prefix} findings: the logging sources were not assessed"
        );
    }

    if let Some(faster) = compare_with_prowler(&ours, &proxy, PROWLER_SERVICES) {
        println!(
            "  target >= {TARGET:.0}x faster: {}",
            if faster >= TARGET { "met" } else { "NOT met" }
        );
    }
}
