//! STS controls: who role trust policies let in, and who may assume any
//! role. Service-linked roles (`/aws-service-role/`) are NOT_APPLICABLE to all of them.

mod assume_any_role;
mod trust;

pub use assume_any_role::NoAssumeAnyRole;
pub use trust::{CrossAccountCondition, ServiceConfusedDeputy, TrustNoPublicPrincipal};
