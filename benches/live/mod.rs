//! The sections of the benchmark that run the provider against the emulator or through Terraform (`assessment`, `iam`, `organization`, large plans) and what they share; a directory so cargo does not build each file as a bench of its own.

pub mod assessment;
pub mod common;
pub mod iam;
pub mod organization;
pub mod plan_scale;
