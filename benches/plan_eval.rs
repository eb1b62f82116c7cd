//! Plan evaluation benchmark: a generated plan of 5,000 resources, parsed, mapped and judged
//! by every rule (`source = "plan"`), against Checkov on the same file when it is installed
//! (`CHECKOV=/path/to/checkov`, or `checkov` on the PATH).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use secbaseline_engine::assessment::Request;
use secbaseline_engine::params::Params;
use secbaseline_engine::plan;

/// Resources in the generated plan.
pub const RESOURCES: usize = 5_000;

/// One full evaluation: parse, map, assess. Returns the number of findings.
pub fn evaluate(text: &str) -> usize {
    let parsed = match plan::parse_plan(text) {
        Ok(p) => p,
        Err(e) => panic!("the generated plan must parse: {e}"),
    };
    let facts = plan::plan_facts(&parsed, Some("123456789012"), Some("us-east-1"));
    plan::assess_plan(&facts, &Params::default(), &Request::default())
        .findings
        .len()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn checkov() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("CHECKOV") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("checkov"))
        .find(|p| p.is_file())
}

/// Runs the benchmark and prints the figures.
pub fn run() {
    let text = plan::synthetic_plan(RESOURCES);
    let findings = evaluate(&text);
    let runs: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(evaluate(std::hint::black_box(&text)));
            t.elapsed()
        })
        .collect();
    let ours = median(runs);
    println!(
        "plan_eval: {RESOURCES} resources, {} KiB, {findings} findings: secbaseline {:.1} ms (median of 15)",
        text.len() / 1024,
        ours.as_secs_f64() * 1e3
    );
    let Some(checkov) = checkov() else {
        println!("plan_eval: checkov not found (set CHECKOV=/path/to/checkov): no comparison");
        return;
    };
    let dir = std::env::temp_dir().join(format!("secbaseline-bench-{}", std::process::id()));
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let file = dir.join("plan.json");
    if std::fs::write(&file, &text).is_err() {
        return;
    }
    let t = Instant::now();
    let out = Command::new(&checkov)
        .args([
            "-f",
            &file.display().to_string(),
            "--framework",
            "terraform_plan",
            "--skip-download",
            "--quiet",
            "--compact",
            "-o",
            "json",
        ])
        .output();
    let theirs = t.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    match out {
        Ok(o) => {
            println!(
                "plan_eval: checkov {:.0} ms (exit {}, {} bytes of report); secbaseline is {:.0}x faster",
                theirs.as_secs_f64() * 1e3,
                o.status.code().unwrap_or(-1),
                o.stdout.len(),
                theirs.as_secs_f64() / ours.as_secs_f64()
            );
        }
        Err(e) => println!("plan_eval: could not run {}: {e}", checkov.display()),
    }
}
