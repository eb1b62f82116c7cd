//! Short, named waits for eventual consistency around a new trail and its parts.

use std::time::Duration;

use crate::error::Error;

/// A new IAM role, a new key policy or bucket policy can take this long before CloudTrail
/// accepts them (CreateTrail/UpdateTrail answer "invalid role" / "insufficient policy").
pub const PROPAGATION_TIMEOUT: Duration = Duration::from_secs(120);
/// A newly created trail can take this long to be visible to the other CloudTrail calls.
pub const TRAIL_VISIBLE_TIMEOUT: Duration = Duration::from_secs(30);

/// The AWS error code, when this is an AWS error.
pub fn code(err: &Error) -> Option<&str> {
    match err {
        Error::Aws { code, .. } => Some(code),
        _ => None,
    }
}

/// CloudTrail's answers while IAM, KMS or S3 policies have not propagated yet.
pub fn is_propagation_delay(err: &Error) -> bool {
    matches!(
        code(err),
        Some(
            "InvalidCloudWatchLogsRoleArnException"
                | "InvalidCloudWatchLogsLogGroupArnException"
                | "InsufficientEncryptionPolicyException"
                | "InsufficientS3BucketPolicyException"
        )
    )
}

/// A trail that was just created and is not visible yet.
pub fn is_trail_not_visible(err: &Error) -> bool {
    matches!(code(err), Some("TrailNotFoundException"))
}
