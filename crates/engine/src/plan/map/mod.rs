//! The registry of hashicorp/aws (and secbaseline bundle) resource types the plan mapper
//! understands: one entry per type, with the fact sources it fills, the controls it can be
//! judged by on its own (`resource_findings`), and the function that maps it.

mod apigateway;
mod apps;
mod bundles;
pub(crate) mod iam;
mod logging;
mod s3;

use super::builder::Builder;
use super::model::PlannedResource;

/// How one resource type becomes facts.
pub(crate) struct Mapper {
    /// hashicorp/aws (or secbaseline) resource type.
    pub resource_type: &'static str,
    /// Data source (`data.<type>`) instead of a managed resource.
    pub data: bool,
    /// Containers (APIs, roles, apps) map in phase 0, their children in 1, things that
    /// refer to children (WAF associations) in 2.
    pub phase: u8,
    /// Controls that can judge this object alone (for `resource_findings`).
    pub controls: &'static [&'static str],
    /// Maps one instance.
    pub map: fn(&mut Builder<'_>, &PlannedResource),
}

/// Every mapped type, grouped by service.
pub(crate) fn mappers() -> impl Iterator<Item = &'static Mapper> {
    apigateway::MAPPERS
        .iter()
        .chain(iam::MAPPERS)
        .chain(logging::MAPPERS)
        .chain(apps::MAPPERS)
        .chain(s3::MAPPERS)
        .chain(bundles::MAPPERS)
}

/// The mapper of a resource type.
pub(crate) fn mapper(resource_type: &str, data: bool) -> Option<&'static Mapper> {
    mappers().find(|m| m.resource_type == resource_type && m.data == data)
}

/// The names of every mapped type (`data.` prefix for data sources), sorted.
pub fn supported_types() -> Vec<String> {
    let mut v: Vec<String> = mappers()
        .map(|m| {
            if m.data {
                format!("data.{}", m.resource_type)
            } else {
                m.resource_type.to_owned()
            }
        })
        .collect();
    v.sort();
    v
}

/// The types `resource_findings` judges one object of: those some control decides alone.
pub fn judged_alone_types() -> Vec<String> {
    let mut v: Vec<String> = mappers()
        .filter(|m| !m.controls.is_empty())
        .map(|m| {
            if m.data {
                format!("data.{}", m.resource_type)
            } else {
                m.resource_type.to_owned()
            }
        })
        .collect();
    v.sort();
    v
}
