//! The provider's data sources.

pub mod account;

use crate::framework::DataSource;

/// Every data source, in one list.
pub fn all() -> Vec<Box<dyn DataSource>> {
    vec![Box::new(account::AccountDataSource)]
}
