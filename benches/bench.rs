//! Benchmarks (`cargo bench`): each section prints its figures and ratios.

mod plan_eval;

fn main() {
    plan_eval::run();
}
