//! Helpers shared by the integration tests (`tests/*.rs` do `mod common;`).
//!
//! - [`emulator::Emulator`]: the local AWS emulator (moto + `tools/emulator/launcher.py`) on a
//!   free loopback port, one per test, killed on drop.
//! - [`terraform::Workspace`]: a temporary Terraform working directory wired to the freshly built
//!   provider binary and to an emulator.
//!
//! Only std, `serde_json` and `tempfile` are used, so every test binary can include this module.
#![allow(dead_code)] // each test binary uses a different subset

pub mod emulator;
pub mod terraform;

#[allow(unused_imports)]
pub use emulator::{Emulator, RootState};
#[allow(unused_imports)]
pub use terraform::{Output, Workspace};
