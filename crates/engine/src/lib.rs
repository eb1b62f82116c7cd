//! The pure heart of secbaseline: typed facts, the IAM policy model, the rule catalogue and
//! findings. Nothing in this crate performs I/O; collectors and Terraform live in the provider.

pub mod assessment;
pub mod docs;
pub mod facts;
pub mod finding;
pub mod params;
pub mod plan;
pub mod policy;
pub mod remediation;
pub mod rules;
pub mod service;
pub mod severity;
