//! Helpers shared by the integration tests (the modules of `tests/it/` do `use crate::common;`).
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
//! dev-dependencies (`hyper-util`, `tower`) are used.

pub mod assessment;
pub mod emulator;
pub mod faults;
pub mod inventory;
pub mod plugin_client;
pub mod terraform;

pub use emulator::{Emulator, RootState};
pub use faults::FaultProxy;
pub use terraform::{Output, Workspace};

use std::sync::Once;

/// Static test credentials and no shared config files for the AWS SDK clients the `live_*`
/// modules create in this process (their endpoints come per test, through `AwsSettings`).
///
/// The SDK reads credentials only from the process environment, so this sets it — once, with
/// the same values for every caller, so no module sees another's. Nothing else depends on it:
/// every child process gets its AWS environment from the harness (`Emulator::aws_env`, with
/// `Emulator::aws_env_removed` and the plugin launcher's list removed), never from ours.
pub fn isolate_sdk_env() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (key, value) in [
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", "/dev/null"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
        ] {
            std::env::set_var(key, value);
        }
        for key in Emulator::aws_env_removed() {
            std::env::remove_var(key);
        }
        std::env::remove_var("AWS_ENDPOINT_URL");
    });
}
