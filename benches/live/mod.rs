//! The live-assessment sections of the benchmark (`assessment`, `iam`, `organization`) and what they share; a directory so cargo does not build each file as a bench of its own.

pub mod assessment;
pub mod common;
pub mod iam;
pub mod organization;
