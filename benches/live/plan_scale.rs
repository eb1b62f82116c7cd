//! Large plans through Terraform (issue #13): a generated plan of 10,000 and of 200,000
//! resources judged by `secbaseline_assessment` (`source = "plan"`, no AWS) in a real
//! `terraform plan`; wall time of the plan and the provider processes' peak memory. Targets:
//! 10,000 resources in under 5 s with the provider under 300 MiB; 200,000 answered (a result
//! or a clear limit error) in under 60 s and under 2 GiB.

use std::time::{Duration, Instant};

use secbaseline_engine::plan::synthetic_plan;

use super::common::{proc_status_kib, process_tree};
use crate::terraform::Workspace;

const CONFIG: &str = r#"
terraform {
  required_providers {
    secbaseline = { source = "secbaseline/secbaseline" }
  }
}
provider "secbaseline" {
  skip_credentials_validation = true
}
data "secbaseline_assessment" "plan" {
  source    = "plan"
  plan_json = file("${path.module}/plan.json")
}
output "findings" { value = length(data.secbaseline_assessment.plan.findings) }
"#;

/// (resources, wall limit, provider memory limit in MiB).
const SIZES: [(usize, f64, f64); 2] = [(10_000, 5.0, 300.0), (200_000, 60.0, 2048.0)];

/// The peak resident memory of the provider processes under `root`, sampled until `done`.
fn provider_peak_kib(root: u32, done: &std::sync::atomic::AtomicBool) -> u64 {
    let mut peak = 0;
    while !done.load(std::sync::atomic::Ordering::Relaxed) {
        for pid in process_tree(root) {
            let is_provider = std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.starts_with("terraform-prov"));
            if is_provider {
                peak = peak.max(proc_status_kib(pid, "VmHWM").unwrap_or(0));
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    peak
}

pub fn run() {
    println!("== large plans through terraform plan (source = \"plan\") ==");
    for (n, wall_limit, mib_limit) in SIZES {
        let text = synthetic_plan(n);
        let ws = Workspace::without_aws(CONFIG);
        ws.write("plan.json", &text);
        let done = std::sync::atomic::AtomicBool::new(false);
        let t = Instant::now();
        let running = ws.spawn(&["plan", "-input=false", "-no-color"]);
        let root = running.pid();
        let (out, peak) = std::thread::scope(|s| {
            let sampler = s.spawn(|| provider_peak_kib(root, &done));
            let out = running.wait_bounded(Duration::from_secs(300));
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            (out, sampler.join().unwrap_or(0))
        });
        let wall = t.elapsed().as_secs_f64();
        let mib = peak as f64 / 1024.0;
        let answer = if out.success() {
            "result".to_string()
        } else {
            let text = out.combined();
            let first_error = text
                .lines()
                .find(|l| l.starts_with("Error:"))
                .unwrap_or("no Error line")
                .to_string();
            format!("error: {first_error}")
        };
        println!(
            "  {n:>7} resources ({:>4} MiB of plan JSON): terraform plan {wall:>6.1} s (target < {wall_limit:.0}: {}), provider peak {mib:>6.0} MiB (target < {mib_limit:.0}: {}), {answer}",
            text.len() / (1024 * 1024),
            if wall < wall_limit { "met" } else { "NOT met" },
            if mib < mib_limit { "met" } else { "NOT met" },
        );
    }
}
