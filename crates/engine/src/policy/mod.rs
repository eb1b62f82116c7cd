//! The IAM policy-document model: parsing (plain or URL-encoded JSON) and the questions rules ask.

mod error;
mod pattern;
mod statement;

pub use error::PolicyError;
pub use pattern::wildcard_match;
pub use statement::{
    ActionSpec, Effect, PrincipalMap, PrincipalSpec, Principals, ResourceSpec, Statement,
};
