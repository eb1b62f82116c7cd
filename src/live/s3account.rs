//! Collects the account-level S3 Block Public Access settings (S3 Control GetPublicAccessBlock).
//!
//! Calls: 1. "Not configured" (`NoSuchPublicAccessBlockConfiguration`) is `Ok(None)`, not an
//! error. Against a local emulator the S3 Control client drops the `<account>.` host prefix
//! (see `AwsClients::s3control`); moto then answers like AWS.

use secbaseline_engine::facts::{Collected, PublicAccessBlock};

use crate::aws::{aws_error, AwsClients};
use crate::error::Error;
use crate::live::{into_collected, CallCounter};

/// The account's public access block, read through the provider's region.
pub async fn collect(
    clients: &AwsClients,
    account_id: &str,
    calls: &CallCounter,
) -> Collected<Option<PublicAccessBlock>> {
    into_collected(read(clients, account_id, calls).await)
}

async fn read(
    clients: &AwsClients,
    account_id: &str,
    calls: &CallCounter,
) -> Result<Option<PublicAccessBlock>, Error> {
    calls.tick();
    let out = clients
        .s3control(clients.region())
        .get_public_access_block()
        .account_id(account_id)
        .send()
        .await;
    match out {
        Ok(out) => Ok(out
            .public_access_block_configuration()
            .map(|c| PublicAccessBlock {
                block_public_acls: c.block_public_acls().unwrap_or(false),
                ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                block_public_policy: c.block_public_policy().unwrap_or(false),
                restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
            })),
        Err(e) => {
            let err = aws_error(
                format!("reading the S3 account public access block of {account_id}"),
                e,
            );
            match &err {
                Error::Aws { code, .. } if code == "NoSuchPublicAccessBlockConfiguration" => {
                    Ok(None)
                }
                _ => Err(err),
            }
        }
    }
}
