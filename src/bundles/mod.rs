//! Bundle resources: each converges one piece of the recommended logging and monitoring
//! (trail, Config rules, alarms) and records in state exactly what it created.

pub mod alarms;
pub mod cloudtrail;
pub mod config_rules;

use crate::framework::Resource;

/// Every bundle resource, in one list (registered by `provider::Registry::new`).
pub fn all() -> Vec<Box<dyn Resource>> {
    vec![
        Box::new(cloudtrail::CloudTrailResource),
        Box::new(config_rules::ConfigRulesResource),
        Box::new(alarms::AlarmsResource),
    ]
}
