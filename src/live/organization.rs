//! Collects the account's membership of an AWS Organization (`DescribeOrganization`, from the
//! account itself): which organization, and its management account.
//!
//! Calls: 1. An account outside any organization (`AWSOrganizationsNotInUseException`) is
//! `Ok(None)`, not an error.

use secbaseline_engine::facts::{Collected, Membership};

use crate::aws::{aws_error, AwsClients};
use crate::error::Error;
use crate::live::{into_collected, CallCounter};

/// The organization the credentials' account belongs to, asked through the provider's region.
pub async fn collect(clients: &AwsClients, calls: &CallCounter) -> Collected<Option<Membership>> {
    into_collected(read(clients, calls).await)
}

async fn read(clients: &AwsClients, calls: &CallCounter) -> Result<Option<Membership>, Error> {
    calls.tick();
    match clients
        .organizations(clients.region())
        .describe_organization()
        .send()
        .await
    {
        Ok(out) => Ok(out.organization().map(|o| Membership {
            organization_id: o.id().unwrap_or_default().to_owned(),
            management_account_id: o.master_account_id().unwrap_or_default().to_owned(),
        })),
        Err(e) => match aws_error("describing the account's organization", e) {
            Error::Aws { code, .. } if code == "AWSOrganizationsNotInUseException" => Ok(None),
            other => Err(other),
        },
    }
}
