//! Helpers shared by the integration tests (`tests/*.rs` do `mod common;`).
//!
//! - [`emulator::Emulator`]: the local AWS emulator (moto + `tools/emulator/launcher.py`) on a
//!   free loopback port, one per test, killed on drop.
//! - [`terraform::Workspace`]: a temporary Terraform working directory wired to the freshly built
//!   provider binary and to an emulator.
//! - [`assessment`]: `secbaseline_assessment` configs, seeding, per-control status assertions.
//! - [`faults::FaultProxy`]: `tools/emulator/faults.py` in front of an emulator, injecting
//!   throttling, 5xx, slow answers and dropped connections on a chosen share of calls.
//! - [`inventory`]: everything the bundles can create, read from the emulator directly.
//! - [`plugin_client`]: the provider binary started as Terraform starts it (magic cookie,
//!   mTLS with a Terraform-like client certificate) and a tfplugin6 gRPC client to it. Also
//!   included by `benches/bench.rs`, so it uses nothing else from this module.
//!
//! Besides the crate and its engine (`secbaseline_engine`), only std, `serde_json`, `tempfile` and the gRPC client's
//! dev-dependencies (`hyper-util`, `tower`) are used, so every test binary can include this module.
#![allow(dead_code)] // each test binary uses a different subset

pub mod assessment;
pub mod emulator;
pub mod faults;
pub mod inventory;
pub mod plugin_client;
pub mod terraform;

#[allow(unused_imports)]
pub use emulator::{Emulator, RootState};
#[allow(unused_imports)]
pub use faults::FaultProxy;
#[allow(unused_imports)]
pub use terraform::{Output, Workspace};
