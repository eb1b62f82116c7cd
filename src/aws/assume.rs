//! Reaching another account: `sts:AssumeRole` with the provider's own credentials, once per
//! assessment target, into clients that work in that account. The credentials stay inside the
//! SDK's credential provider and are never logged or stored.

use std::time::Duration;

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;

use crate::aws::aws_error;
use crate::aws::clients::{AssumeRole, AwsClients, CallerIdentity};
use crate::error::Result;

/// Session name when neither the target nor the provider's `assume_role` gives one.
pub const DEFAULT_SESSION_NAME: &str = "secbaseline";

impl AwsClients {
    /// Clients working in the account of `role.role_arn`, with the session name and duration
    /// the role gives or, failing that, the provider's own `assume_role` settings. The role is
    /// assumed now, so a role that cannot be assumed fails here with AWS's error code.
    pub async fn assume(&self, role: &AssumeRole) -> Result<AwsClients> {
        let session_name = role
            .session_name
            .clone()
            .or_else(|| self.assume_defaults().session_name.clone())
            .unwrap_or_else(|| DEFAULT_SESSION_NAME.to_string());
        let duration = role.duration.or(self.assume_defaults().duration);
        let mut request = self
            .sts(self.region())
            .assume_role()
            .role_arn(&role.role_arn)
            .role_session_name(session_name);
        if let Some(id) = &role.external_id {
            request = request.external_id(id);
        }
        if let Some(d) = duration {
            request = request.duration_seconds(i32::try_from(d.as_secs()).unwrap_or(3600));
        }
        let out = request
            .send()
            .await
            .map_err(|e| aws_error(format!("assuming role {}", role.role_arn), e))?;
        let assumed = out.credentials().ok_or_else(|| {
            crate::error::Error::Internal(format!(
                "sts:AssumeRole of {} answered without credentials",
                role.role_arn
            ))
        })?;
        let credentials = Credentials::new(
            assumed.access_key_id(),
            assumed.secret_access_key(),
            Some(assumed.session_token().to_string()),
            std::time::SystemTime::try_from(*assumed.expiration()).ok(),
            "secbaseline-assume-role",
        );
        let identity = identity_of(&role.role_arn);
        Ok(self.with_credentials(SharedCredentialsProvider::new(credentials), identity))
    }
}

/// The account and partition a role ARN names (`arn:<partition>:iam::<account>:role/…`).
fn identity_of(role_arn: &str) -> Option<CallerIdentity> {
    let mut parts = role_arn.split(':');
    let (_arn, partition, _iam, _region, account) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then(|| CallerIdentity {
        account_id: account.to_string(),
        arn: role_arn.to_string(),
        user_id: String::new(),
        partition: partition.to_string(),
    })
}

/// The provider's `assume_role` settings other roles inherit (session name, duration).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssumeDefaults {
    pub session_name: Option<String>,
    pub duration: Option<Duration>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_arn_names_its_account_and_partition() {
        let id = identity_of("arn:aws-us-gov:iam::111122223333:role/audit");
        assert_eq!(
            id.as_ref().map(|i| i.account_id.as_str()),
            Some("111122223333")
        );
        assert_eq!(
            id.as_ref().map(|i| i.partition.as_str()),
            Some("aws-us-gov")
        );
        assert_eq!(identity_of("arn:aws:iam::aws:role/x"), None);
        assert_eq!(identity_of("nonsense"), None);
    }
}
