//! What each bundle resource creates, as pure data: names, defaults, the managed Config rules,
//! the CIS filters and alarm metrics, and the controls each makes pass. The one description
//! of a bundle, read by the resource code (which converges AWS to it) and by the plan mapper
//! (which judges a planned bundle by it), so the two cannot drift apart.

pub mod alarms;
pub mod cloudtrail;
pub mod config_rules;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::rules::catalogue;

/// A bundle resource of this provider: the `remediated_by` of a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Bundle {
    /// `secbaseline_cloudtrail`.
    #[serde(rename = "secbaseline_cloudtrail")]
    CloudTrail,
    /// `secbaseline_config_rules`.
    #[serde(rename = "secbaseline_config_rules")]
    ConfigRules,
    /// `secbaseline_alarms`.
    #[serde(rename = "secbaseline_alarms")]
    Alarms,
}

impl Bundle {
    /// Every bundle, in the order the docs list them.
    pub const ALL: [Bundle; 3] = [Bundle::CloudTrail, Bundle::ConfigRules, Bundle::Alarms];

    /// The Terraform resource type.
    pub fn resource_type(self) -> &'static str {
        match self {
            Bundle::CloudTrail => "secbaseline_cloudtrail",
            Bundle::ConfigRules => "secbaseline_config_rules",
            Bundle::Alarms => "secbaseline_alarms",
        }
    }

    /// The bundle whose resource type is `name`.
    pub fn from_resource_type(name: &str) -> Option<Bundle> {
        Bundle::ALL.into_iter().find(|b| b.resource_type() == name)
    }

    /// The control IDs this bundle remediates, in catalogue order.
    pub fn controls(self) -> Vec<&'static str> {
        catalogue()
            .iter()
            .filter(|r| r.meta().remediated_by == Some(self))
            .map(|r| r.meta().id)
            .collect()
    }
}

impl fmt::Display for Bundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.resource_type())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundle_remediates_something_and_names_round_trip() {
        for b in Bundle::ALL {
            assert!(!b.controls().is_empty(), "{b}");
            assert_eq!(Bundle::from_resource_type(b.resource_type()), Some(b));
        }
        assert_eq!(Bundle::from_resource_type("aws_cloudtrail"), None);
    }
}
