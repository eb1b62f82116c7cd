//! The account-level controls a seeded service shares (IAM scope, CloudTrail, Config
//! recording where the service has resources): one rule type each, parameterised by service.

use crate::facts::Facts;
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::logging::{
    multi_region_trail_if_present, records_types_where_present, ServiceResources,
};
use crate::rules::policies::service_wildcards;
use crate::rules::support::Out;
use crate::rules::{Meta, Rule};

/// `<service>_iam_least_privilege`: no customer policy allows `<prefix>:*` on every resource.
pub struct LeastPrivilege {
    pub(crate) meta: Meta,
    /// The service's IAM action prefixes (`mobiletargeting`, `lex`).
    pub(crate) action_prefixes: &'static [&'static str],
}

impl Rule for LeastPrivilege {
    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        service_wildcards(&mut out, self.action_prefixes);
        out.finish()
    }
}

/// `<service>_cloudtrail`: a logging multi-region trail wherever the service has resources.
pub struct TrailWherePresent {
    pub(crate) meta: Meta,
    pub(crate) resources: &'static ServiceResources,
}

impl Rule for TrailWherePresent {
    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        multi_region_trail_if_present(&mut out, self.resources);
        out.finish()
    }
}

/// `<service>_config_recording`: AWS Config records the service's resource types wherever it
/// has resources.
pub struct RecordedWherePresent {
    pub(crate) meta: Meta,
    pub(crate) resources: &'static ServiceResources,
    /// How messages name the service (`Lex`).
    pub(crate) service_name: &'static str,
}

impl Rule for RecordedWherePresent {
    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        records_types_where_present(
            &mut out,
            self.resources,
            self.meta.service.config_resource_types(),
            self.service_name,
        );
        out.finish()
    }
}
