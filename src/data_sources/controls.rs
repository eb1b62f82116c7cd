//! `secbaseline_controls`: the control catalogue itself, filterable by service and framework.

use secbaseline_engine::assessment::Selection;
use secbaseline_engine::rules::Rule;

use crate::diag::Diag;
use crate::framework::{BoxFut, DataSource, ProviderState, ReadResult};
use crate::schema::{Attribute, Block};
use crate::value::{Ty, Value};

/// The catalogue data source.
pub struct ControlsDataSource;

fn control_type() -> Ty {
    Ty::object([
        ("id", Ty::String),
        ("title", Ty::String),
        ("service", Ty::String),
        ("severity", Ty::String),
        ("frameworks", Ty::list(Ty::String)),
        ("remediation", Ty::String),
        ("remediated_by", Ty::String),
    ])
}

fn selection(config: &Value) -> Result<Selection, Vec<Diag>> {
    let services = config.get("services").strings();
    let frameworks = config.get("frameworks").strings();
    let none: Vec<String> = Vec::new();
    let errors = super::selection_element_errors(config, &["services", "frameworks"]);
    if !errors.is_empty() {
        return Err(errors);
    }
    Selection::parse(&services, &none, &none, &frameworks)
        .map_err(|e| vec![Diag::error("Invalid filter", e.to_string(), None)])
}

/// The catalogue entries a selection picks, as values.
pub fn controls_value(selection: &Selection) -> Value {
    Value::List(
        selection
            .rules()
            .iter()
            .map(|rule: &&'static dyn Rule| {
                let m = rule.meta();
                Value::object([
                    ("id", Value::string(m.id)),
                    ("title", Value::string(m.title)),
                    ("service", Value::string(m.service.key())),
                    ("severity", Value::string(m.severity.as_str())),
                    (
                        "frameworks",
                        Value::string_list(m.frameworks.iter().copied()),
                    ),
                    ("remediation", Value::string(m.remediation)),
                    (
                        "remediated_by",
                        Value::opt_string(m.remediated_by.map(|b| b.resource_type())),
                    ),
                ])
            })
            .collect(),
    )
}

impl DataSource for ControlsDataSource {
    fn name(&self) -> &'static str {
        "secbaseline_controls"
    }

    fn schema(&self) -> Block {
        Block::new("The secbaseline control catalogue: every control `secbaseline_assessment` can evaluate, with its severity, framework references and the bundle resource that remediates it.")
            .attr(Attribute::optional("services", Ty::list(Ty::String), "Only controls of these services (`apigateway`, `iam`, `sts`, `pinpoint`, `lex`, `cloudtrail`, `config`, `cloudwatch`)."))
            .attr(Attribute::optional("frameworks", Ty::list(Ty::String), "Only controls referenced by these frameworks (`fsbp`, `cis`, `checkov`, `prowler`)."))
            .attr(Attribute::computed("id", Ty::String, "Identifier of this listing."))
            .attr(Attribute::computed("ids", Ty::list(Ty::String), "The selected control IDs, in catalogue order."))
            .attr(Attribute::computed("controls", Ty::list(control_type()), "The selected controls, in catalogue order."))
    }

    fn validate(&self, config: &Value) -> Vec<Diag> {
        selection(config).err().unwrap_or_default()
    }

    fn read<'a>(&'a self, _state: &'a ProviderState, config: Value) -> BoxFut<'a, ReadResult> {
        Box::pin(async move {
            let selection = match selection(&config) {
                Ok(s) => s,
                Err(diags) => return ReadResult { value: None, diags },
            };
            let mut state = config.clone();
            let ids: Vec<&str> = selection.rules().iter().map(|r| r.meta().id).collect();
            state.set("id", Value::string(format!("controls:{}", ids.len())));
            state.set("ids", Value::string_list(ids));
            state.set("controls", controls_value(&selection));
            ReadResult::ok(state)
        })
    }
}
