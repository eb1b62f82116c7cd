//! Organization facts: an account's membership of an AWS Organization, and what the other
//! accounts of the same assessment say about it (the organization trails that cover it, as
//! their owners see them).

use serde::{Deserialize, Serialize};

use super::{CloudWatchFacts, Collected, LogsFacts, Trail};

/// The organization an account belongs to (`organizations:DescribeOrganization` from the
/// account itself).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Membership {
    /// `o-…`.
    pub organization_id: String,
    /// The organization's management account.
    pub management_account_id: String,
}

/// An organization trail of another account of the same assessment whose organization this
/// account belongs to: it logs this account's events too.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrganizationTrail {
    /// The trail as its owner sees it.
    pub trail: Trail,
    /// The owning account.
    pub owner: String,
    /// The owner's metric filters in the region of the trail's log group.
    pub logs: Collected<LogsFacts>,
    /// The owner's alarms in that region.
    pub cloudwatch: Collected<CloudWatchFacts>,
}
