//! A service's own CloudTrail and Config controls, evaluated only where the service has
//! resources (Pinpoint apps, Lex bots): NOT_APPLICABLE where it has none.

use crate::facts::{Collected, RegionFacts};
use crate::finding::Status;
use crate::rules::logging::config::records_types_in;
use crate::rules::logging::trails::multi_region_trail;
use crate::rules::support::{Out, GLOBAL};

/// How to tell whether a service has resources in a region.
pub(crate) struct ServiceResources {
    /// The service's facts, for messages: `Amazon Pinpoint`.
    pub label: &'static str,
    /// What "no resources" reads like: `No Pinpoint apps`.
    pub nothing: &'static str,
    /// Whether the region has resources of the service, as collected.
    pub present: fn(&RegionFacts) -> Collected<bool>,
}

/// The account-level `<service>_cloudtrail` finding: the multi-region trail judgement when
/// the service has resources in some region; otherwise ERROR / UNKNOWN / NOT_APPLICABLE
/// according to what is known about the service's resources.
pub(crate) fn multi_region_trail_if_present(out: &mut Out<'_>, svc: &ServiceResources) {
    let mut present = false;
    let mut failures = Vec::new();
    let mut uncollected = Vec::new();
    for (region, rf) in out.regions() {
        match (svc.present)(rf) {
            Collected::Ok(true) => present = true,
            Collected::Ok(false) | Collected::Unavailable { .. } => {}
            Collected::Failed { code, message } => {
                failures.push(format!("{region}: {code}: {message}"))
            }
            Collected::NotCollected => uncollected.push(region),
        }
    }
    let res = out.account(GLOBAL);
    if present {
        multi_region_trail(out);
    } else if !failures.is_empty() {
        out.emit(
            Status::Error,
            &res,
            format!(
                "Could not read {} in {}; no region is known to have resources.",
                svc.label,
                failures.join("; ")
            ),
        );
    } else if !uncollected.is_empty() {
        out.emit(
            Status::Unknown,
            &res,
            format!(
                "{} facts were not collected for {}.",
                svc.label,
                uncollected.join(", ")
            ),
        );
    } else {
        out.emit(
            Status::NotApplicable,
            &res,
            format!("{} in any assessed region.", svc.nothing),
        );
    }
}

/// One `<service>_config_recording` finding per region: the "records these types" judgement
/// where the service has resources, NOT_APPLICABLE where it has none.
pub(crate) fn records_types_where_present(
    out: &mut Out<'_>,
    svc: &ServiceResources,
    types: &[&str],
    service: &str,
) {
    for (region, rf) in out.regions() {
        out.scoped(region, svc.nothing, |out| {
            let Some(present) = out.gate(region, svc.label, &(svc.present)(rf)).copied() else {
                return;
            };
            if !present {
                return;
            }
            if let Some(cfg) = out.gate(region, "AWS Config", &rf.config) {
                records_types_in(out, region, cfg, types, service);
            }
        });
    }
}
