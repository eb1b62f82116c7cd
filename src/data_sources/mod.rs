//! The provider's data sources.

pub mod account;
pub mod controls;

use crate::framework::DataSource;

/// Every data source, in one list.
pub fn all() -> Vec<Box<dyn DataSource>> {
    vec![
        Box::new(account::AccountDataSource),
        Box::new(controls::ControlsDataSource),
    ]
}
