//! Which controls an assessment runs: services, controls, exclusions and frameworks.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::rules::{self, Meta, Rule};
use crate::service::Service;

/// A compliance framework users can select by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Framework {
    /// AWS Security Hub Foundational Security Best Practices (`FSBP …` references).
    Fsbp,
    /// CIS AWS Foundations Benchmark (`CIS …`).
    Cis,
    /// Checkov (`Checkov …`).
    Checkov,
    /// Prowler (`Prowler …`).
    Prowler,
}

impl Framework {
    /// Every framework.
    pub const ALL: [Framework; 4] = [
        Framework::Fsbp,
        Framework::Cis,
        Framework::Checkov,
        Framework::Prowler,
    ];

    /// The selection key.
    pub fn key(self) -> &'static str {
        match self {
            Framework::Fsbp => "fsbp",
            Framework::Cis => "cis",
            Framework::Checkov => "checkov",
            Framework::Prowler => "prowler",
        }
    }

    /// The prefix of this framework's references in [`Meta::frameworks`].
    pub fn reference_prefix(self) -> &'static str {
        match self {
            Framework::Fsbp => "FSBP ",
            Framework::Cis => "CIS ",
            Framework::Checkov => "Checkov ",
            Framework::Prowler => "Prowler ",
        }
    }

    /// True when the control references this framework.
    pub fn covers(self, meta: &Meta) -> bool {
        meta.frameworks
            .iter()
            .any(|f| f.starts_with(self.reference_prefix()))
    }
}

impl fmt::Display for Framework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Framework {
    type Err = SelectionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase();
        Framework::ALL
            .into_iter()
            .find(|f| f.key() == key)
            .ok_or_else(|| SelectionError::UnknownFramework(s.to_owned()))
    }
}

/// A selection that names something that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    /// Not a service key.
    #[error("services: {0}")]
    UnknownService(#[from] crate::service::UnknownService),
    /// Not a control id of the catalogue.
    #[error("{field}: unknown control id {id:?}")]
    UnknownControl {
        /// `controls` or `exclude_controls`.
        field: &'static str,
        /// The id given.
        id: String,
    },
    /// Not a framework key.
    #[error("frameworks: unknown framework {0:?} (expected fsbp, cis, checkov or prowler)")]
    UnknownFramework(String),
}

/// What to run. Empty sets mean "all"; the filters intersect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Selection {
    /// Services to run (empty: all).
    pub services: BTreeSet<Service>,
    /// Control ids to run (empty: all).
    pub controls: BTreeSet<String>,
    /// Control ids never to run.
    pub exclude_controls: BTreeSet<String>,
    /// Frameworks a control must reference (empty: no filter).
    pub frameworks: BTreeSet<Framework>,
}

impl Selection {
    /// Parses and validates user strings (control ids must exist in the catalogue).
    pub fn parse<S: AsRef<str>>(
        services: &[S],
        controls: &[S],
        exclude_controls: &[S],
        frameworks: &[S],
    ) -> Result<Self, SelectionError> {
        let ids = |field: &'static str, list: &[S]| {
            list.iter()
                .map(|s| {
                    let id = s.as_ref().trim();
                    rules::find(id)
                        .map(|r| r.meta().id.to_owned())
                        .ok_or_else(|| SelectionError::UnknownControl {
                            field,
                            id: id.to_owned(),
                        })
                })
                .collect::<Result<BTreeSet<_>, _>>()
        };
        Ok(Selection {
            services: services
                .iter()
                .map(|s| s.as_ref().parse::<Service>())
                .collect::<Result<_, _>>()?,
            controls: ids("controls", controls)?,
            exclude_controls: ids("exclude_controls", exclude_controls)?,
            frameworks: frameworks
                .iter()
                .map(|s| s.as_ref().parse::<Framework>())
                .collect::<Result<_, _>>()?,
        })
    }

    /// True when the control is selected.
    pub fn includes(&self, meta: &Meta) -> bool {
        (self.services.is_empty() || self.services.contains(&meta.service))
            && (self.controls.is_empty() || self.controls.contains(meta.id))
            && !self.exclude_controls.contains(meta.id)
            && (self.frameworks.is_empty() || self.frameworks.iter().any(|f| f.covers(meta)))
    }

    /// The selected rules, in catalogue order.
    pub fn rules(&self) -> Vec<&'static dyn Rule> {
        rules::catalogue()
            .iter()
            .copied()
            .filter(|r| self.includes(r.meta()))
            .collect()
    }

    /// The services whose Config types count as covered by `config_recorder`: the selected ones, or all.
    pub fn services_or_all(&self) -> BTreeSet<Service> {
        if self.services.is_empty() {
            Service::ALL.into_iter().collect()
        } else {
            self.services.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_intersect() -> Result<(), SelectionError> {
        let all = Selection::default().rules();
        assert_eq!(all.len(), rules::catalogue().len());
        let cis = Selection::parse::<&str>(&[], &[], &[], &["cis"])?;
        assert!(cis.rules().iter().all(|r| r
            .meta()
            .frameworks
            .iter()
            .any(|f| f.starts_with("CIS "))));
        assert!(cis
            .rules()
            .iter()
            .any(|r| r.meta().id == "cloudtrail_multi_region"));
        let svc = Selection::parse(&["cloudtrail"], &[], &["cloudtrail_kms_encryption"], &[])?;
        let ids: Vec<&str> = svc.rules().iter().map(|r| r.meta().id).collect();
        assert!(ids.contains(&"cloudtrail_multi_region"));
        assert!(!ids.contains(&"cloudtrail_kms_encryption"));
        assert!(!ids.contains(&"apigateway_cloudtrail"));
        let one = Selection::parse::<&str>(&[], &["apigateway_rest_waf"], &[], &[])?;
        assert_eq!(one.rules().len(), 1);
        Ok(())
    }

    #[test]
    fn errors_name_the_field() {
        let e = Selection::parse::<&str>(&[], &["nope"], &[], &[]);
        assert_eq!(
            e,
            Err(SelectionError::UnknownControl {
                field: "controls",
                id: "nope".into()
            })
        );
        assert!(Selection::parse::<&str>(&["ec2"], &[], &[], &[]).is_err());
        assert!(matches!(
            Selection::parse::<&str>(&[], &[], &[], &["nist"]),
            Err(SelectionError::UnknownFramework(_))
        ));
    }
}
