//! AWS access: configured clients, error classification and waiting helpers.

pub mod assume;
pub mod clients;
pub mod errors;
pub mod wait;

pub use clients::{AssumeRole, AwsClients, AwsSettings};
pub use errors::aws_error;
