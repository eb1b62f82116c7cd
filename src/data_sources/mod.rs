//! The provider's data sources.

pub mod account;
pub mod accounts;
pub mod assessment;
pub mod controls;
pub mod targets;

use secbaseline_engine::assessment::Selection;

use crate::diag::{AttrPath, Diag};
use crate::framework::DataSource;
use crate::value::Value;

/// Every data source, in one list.
pub fn all() -> Vec<Box<dyn DataSource>> {
    vec![
        Box::new(account::AccountDataSource),
        Box::new(accounts::AccountsDataSource),
        Box::new(controls::ControlsDataSource),
        Box::new(assessment::AssessmentDataSource),
    ]
}

/// Checks each element of the selection lists `names` (`services`, `controls`,
/// `exclude_controls`, `frameworks`) on its own, so a diagnostic lands on the element
/// (`controls[2]`). Unknown and null elements are skipped.
pub fn selection_element_errors(config: &Value, names: &[&str]) -> Vec<Diag> {
    let mut errors = Vec::new();
    let empty: [String; 0] = [];
    for &name in names {
        let items = config.get(name).as_list().unwrap_or_default();
        for (i, item) in items.iter().enumerate() {
            let Some(item) = item.as_str() else { continue };
            let one = [item.to_string()];
            let parsed = match name {
                "services" => Selection::parse(&one, &empty, &empty, &empty),
                "controls" => Selection::parse(&empty, &one, &empty, &empty),
                "exclude_controls" => Selection::parse(&empty, &empty, &one, &empty),
                _ => Selection::parse(&empty, &empty, &empty, &one),
            };
            if let Err(e) = parsed {
                errors.push(Diag::error(
                    format!("Invalid {name}"),
                    e.to_string(),
                    Some(AttrPath::of(name).index(i as i64)),
                ));
            }
        }
    }
    errors
}
