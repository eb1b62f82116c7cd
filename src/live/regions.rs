//! The regions enabled for an account (`account:ListRegions`, opt-in regions included once
//! enabled): what `regions = ["all"]` assesses.

use aws_sdk_account::types::RegionOptStatus;

use crate::aws::{aws_error, AwsClients};
use crate::error::Error;
use crate::live::paging::all_pages;
use crate::live::CallCounter;

/// The account's enabled regions, sorted.
pub async fn enabled(clients: &AwsClients, calls: &CallCounter) -> Result<Vec<String>, Error> {
    let account = clients.account(clients.region());
    let mut regions: Vec<String> = all_pages(calls, |token| {
        let account = account.clone();
        async move {
            let out = account
                .list_regions()
                .region_opt_status_contains(RegionOptStatus::Enabled)
                .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| {
                    aws_error(
                        "listing the account's enabled regions (account:ListRegions)",
                        e,
                    )
                })?;
            let names = out
                .regions()
                .iter()
                .filter_map(|r| r.region_name().map(str::to_owned))
                .collect();
            Ok((names, out.next_token().map(str::to_owned)))
        }
    })
    .await?;
    regions.sort();
    regions.dedup();
    Ok(regions)
}
