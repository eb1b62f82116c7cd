//! The plan-evaluation benchmark without building the provider:
//! `cargo run -p secbaseline-engine --release --example plan_eval`
//! (the same code `cargo bench` runs from `benches/plan_eval.rs`).

#[path = "../../../benches/plan_eval.rs"]
mod plan_eval;

fn main() {
    plan_eval::run();
}
