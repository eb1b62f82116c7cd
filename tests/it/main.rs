//! The provider's integration tests, one test binary with a module per area.
//!
//! Every module links the provider crate and, through it, ~15 AWS SDK crates; as one binary
//! they are compiled and linked once instead of once per area. Run one area with its module
//! name as the filter: `cargo test --test it assessment_live` (or one test:
//! `cargo test --test it assessment_live::gating`).
//!
//! To add an area: write `tests/it/<area>.rs` starting with `use crate::common;` (if it uses
//! the harness) and add `mod <area>;` below. A test file directly under `tests/` would be
//! compiled as a binary of its own, and a file here without its `mod` line would not be
//! compiled at all; [`layout`] fails on both. Seed scripts and fixtures stay in
//! `tests/seeds/` and `tests/fixtures/` (`include_str!("../seeds/x.py")` from a module here);
//! proptest keeps the regression seeds of module `x` in `tests/proptest-regressions/x.txt`.
//!
//! All modules share one process: set nothing process-wide that another module could observe.
//! Children (Terraform, the provider, the emulator) get their environment from the harness,
//! never from this process's; the in-process SDK clients of the `live_*` modules use
//! [`common::isolate_sdk_env`], identical for all of them.

mod common;

mod assessment_errors;
mod assessment_iam;
mod assessment_live;
mod assessment_pinpoint_lex;
mod assessment_plan;
mod bad_config_table;
mod bad_input_values;
mod ci_gate;
mod demo_loop;
mod docs;
mod faults;
mod functions;
mod hardening;
mod harness;
mod layout;
mod live_collectors;
mod live_iam;
mod live_pinpoint_lex;
mod organization;
mod plan_matches_apply;
mod protocol;
mod provider_config;
mod resource_alarms;
mod resource_cloudtrail;
mod resource_config_rules;
