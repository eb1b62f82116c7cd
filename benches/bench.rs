//! `cargo bench --bench bench`: figures DESIGN.md asks to be measured, printed with the ratio
//! to their reference where one exists.
//!
//! One `mod` per section; `main` runs them in order. To add a section (assessment, plan
//! evaluation, …) write a `mod` with a `pub fn run(rt: &tokio::runtime::Runtime)` that prints
//! its own lines, and call it from `main`. Pass a section name as the first argument
//! (`cargo bench --bench bench -- plugin`) to run only the sections whose name contains it.
//!
//! Launch/connect code and the emulator harness are shared with the tests.
//!
//! The live-assessment sections (`assessment`, issue #3; `iam`, issue #4) seed the emulator
//! with a large account, then time a fresh provider process per run (ConfigureProvider →
//! findings of `secbaseline_assessment`; peak memory = its VmHWM; AWS calls counted by
//! `tools/emulator/faults.py` at fault rate 0 between the tool and the emulator) and Prowler on
//! the same state, and print the ratios. Prowler is looked up as `$PROWLER`, then
//! `/tmp/prowler-venv/bin/prowler`, then `prowler` on the PATH; install it with
//! `python3 -m venv /tmp/prowler-venv && /tmp/prowler-venv/bin/pip install prowler`.
//! Without it those sections print the provider's figures only. Measured here: `assessment`
//! 0.57–0.61 s / 45 MiB / 192 calls against Prowler's 49–63 s / 480–495 MiB / 598 calls
//! (80–100×); `iam` 0.37–0.46 s / 62 MiB / 10 calls against 239–249 s / 677 MiB / 5,411 calls
//! (550–650×); details in
//! `live/assessment.rs`, `live/iam.rs` and the README.

mod live;
mod plan_eval;

#[path = "../tests/it/common/emulator.rs"]
#[allow(dead_code)]
mod emulator;

#[path = "../tests/it/common/faults.rs"]
#[allow(dead_code)]
mod faults;

#[path = "../tests/it/common/plugin_client.rs"]
#[allow(dead_code)]
mod plugin_client;

#[path = "../tests/it/common/terraform.rs"]
#[allow(dead_code)]
mod terraform;

use std::time::Duration;

/// Formats a duration in milliseconds with enough precision for sub-millisecond figures.
fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

/// Plugin server: start-up to handshake, to a first GetProviderSchema, and per-RPC latency.
mod plugin {
    use std::time::{Duration, Instant};

    use super::ms;
    use super::plugin_client::{percentile, provider_config, Launch, Plugin};
    use terraform_provider_secbaseline::proto::plugin::Empty;
    use terraform_provider_secbaseline::proto::tfplugin6 as pb;
    use terraform_provider_secbaseline::value::Value;

    /// Starts per start-up figure.
    const STARTS: usize = 20;
    /// Round trips per RPC figure.
    const CALLS: usize = 2_000;
    /// DESIGN.md: tf-provider 0.2.2's server, without TCP_NODELAY, stalls ~40 ms per RPC
    /// (Nagle + delayed ACK). The reference figure, not measured here.
    const REFERENCE_RPC: Duration = Duration::from_millis(40);
    /// DESIGN.md: Terraform starts a provider about five times per plan.
    const STARTS_PER_PLAN: u32 = 5;

    async fn stop(plugin: Plugin) {
        if let Ok(mut c) = plugin.controller().await {
            let _ = c.shutdown(Empty {}).await;
        }
        plugin.finish(Duration::from_secs(5));
    }

    pub fn run(rt: &tokio::runtime::Runtime) {
        println!("== plugin server (mTLS as under Terraform, loopback) ==");
        rt.block_on(async {
            startup().await;
            rpc_latency().await;
        });
    }

    async fn startup() {
        let mut to_handshake = Vec::with_capacity(STARTS);
        let mut to_schema = Vec::with_capacity(STARTS);
        for _ in 0..STARTS {
            // The certificate is Terraform's work, made before it starts the provider: not timed.
            let launch = Launch::mtls();
            let plugin = launch.start().expect("starting the provider");
            to_handshake.push(plugin.handshake_after);
            let mut client = plugin.provider().await.expect("connecting");
            client
                .get_provider_schema(pb::get_provider_schema::Request {})
                .await
                .expect("GetProviderSchema");
            to_schema.push(plugin.started.elapsed());
            stop(plugin).await;
        }
        let hs = percentile(&mut to_handshake, 50.0);
        let schema = percentile(&mut to_schema, 50.0);
        println!(
            "start -> handshake line           median {:>10}  (min {}, max {}; {STARTS} starts)",
            ms(hs),
            ms(to_handshake[0]),
            ms(to_handshake[STARTS - 1])
        );
        println!(
            "start -> GetProviderSchema done   median {:>10}  (min {}, max {}; incl. TLS connect)",
            ms(schema),
            ms(to_schema[0]),
            ms(to_schema[STARTS - 1])
        );
        println!(
            "  x{STARTS_PER_PLAN} starts per plan                  {:>10}",
            ms(schema * STARTS_PER_PLAN)
        );
    }

    async fn rpc_latency() {
        let plugin = Launch::mtls().start().expect("starting the provider");
        let mut client = plugin.provider().await.expect("connecting");
        let config = provider_config(&Value::object([("region", Value::string("us-east-1"))]));

        // Warm up the connection (HTTP/2 windows, allocator) before timing.
        for _ in 0..100 {
            client
                .get_metadata(pb::get_metadata::Request {})
                .await
                .expect("GetMetadata");
        }

        let mut figures = Vec::new();
        for name in ["GetMetadata", "ValidateProviderConfig"] {
            let mut samples = Vec::with_capacity(CALLS);
            let total = Instant::now();
            for _ in 0..CALLS {
                let t = Instant::now();
                match name {
                    "GetMetadata" => {
                        client
                            .get_metadata(pb::get_metadata::Request {})
                            .await
                            .expect("GetMetadata");
                    }
                    _ => {
                        let resp = client
                            .validate_provider_config(pb::validate_provider_config::Request {
                                config: Some(config.clone()),
                            })
                            .await
                            .expect("ValidateProviderConfig");
                        assert!(resp.get_ref().diagnostics.is_empty());
                    }
                }
                samples.push(t.elapsed());
            }
            let total = total.elapsed();
            let median = percentile(&mut samples, 50.0);
            let p99 = percentile(&mut samples, 99.0);
            figures.push((name, median, p99, total));
        }
        for (name, median, p99, total) in &figures {
            println!(
                "{name:<24} round trip median {:>10}  p99 {:>10}  ({CALLS} sequential calls in {})",
                ms(*median),
                ms(*p99),
                ms(*total)
            );
        }
        println!("reference: ~{} per RPC for a server without TCP_NODELAY (tf-provider 0.2.2, DESIGN.md)", ms(REFERENCE_RPC));
        for (name, median, _, _) in &figures {
            let ratio = REFERENCE_RPC.as_secs_f64() / median.as_secs_f64().max(1e-9);
            println!("  {name:<22} {ratio:>8.0}x faster than the reference");
        }
        stop(plugin).await;
    }
}

fn main() {
    // `cargo bench` passes `--bench`; any other first argument filters sections by name.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let wanted = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");

    if wanted("plugin") {
        plugin::run(&rt);
    }
    if wanted("plan") {
        plan_eval::run();
        live::plan_scale::run();
    }
    if wanted("assessment") {
        live::assessment::run(&rt);
    }
    if wanted("iam") {
        live::iam::run(&rt);
    }
    if wanted("organization") {
        live::organization::run(&rt);
    }
}
