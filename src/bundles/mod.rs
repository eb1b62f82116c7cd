//! Bundle resources: each converges one piece of the recommended logging and monitoring
//! (trail, Config rules, alarms) and records in state exactly what it created.

pub mod alarms;
pub mod config_rules;
