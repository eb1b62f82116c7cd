//! The fast reader of a well-formed plan: it splits the document into its members without
//! building them, reads `resource_changes`, `configuration` and `variables` in full, and of
//! `planned_values` and `prior_state` only the addresses (and the few values it needs: data
//! sources, and resources that have no change entry). Those two trees are most of a plan's
//! bytes and, built as JSON values, most of its parse time. Anything unusual — a shape it does
//! not expect, an error of any kind — makes it give up (`None`); `parse_plan` then reads the
//! document the careful way, which names the problem precisely.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::value::RawValue;
use serde_json::Value;

use super::model::{
    resource_change, with_configuration, Action, Mode, Plan, PlannedResource, MAX_MODULE_DEPTH,
};

/// A JSON object's members, unread. Only an object deserializes into it (a struct would also
/// take an array, positionally, which the careful reader refuses).
type Members<'a> = HashMap<&'a str, &'a RawValue>;

/// A module of `planned_values` or `prior_state.values`, values left unread.
struct Module<'a> {
    address: String,
    resources: Vec<Resource<'a>>,
    children: Vec<Module<'a>>,
}

/// One resource of such a module.
struct Resource<'a> {
    address: String,
    mode: Option<String>,
    resource_type: String,
    name: String,
    values: Option<&'a RawValue>,
}

fn members(raw: &RawValue) -> Option<Members<'_>> {
    serde_json::from_str(raw.get()).ok()
}

/// A required string member.
fn string(m: &Members<'_>, name: &str) -> Option<String> {
    serde_json::from_str(m.get(name)?.get()).ok()
}

/// A member that is an array of raw elements, or absent / null (none).
fn list<'a>(m: &Members<'a>, name: &str) -> Option<Vec<&'a RawValue>> {
    match m.get(name) {
        None => Some(Vec::new()),
        Some(raw) => serde_json::from_str::<Option<Vec<&RawValue>>>(raw.get())
            .ok()
            .map(Option::unwrap_or_default),
    }
}

/// A module and its children, read as deep as the careful reader allows; `None` for any
/// shape it would refuse (or might read differently).
fn module(raw: &RawValue, depth: usize) -> Option<Module<'_>> {
    if depth > MAX_MODULE_DEPTH {
        return None;
    }
    let m = members(raw)?;
    let address = match m.get("address") {
        None => String::new(),
        Some(a) => serde_json::from_str(a.get()).ok()?,
    };
    let mut resources = Vec::new();
    for r in list(&m, "resources")? {
        let rm = members(r)?;
        let mode = match rm.get("mode") {
            None => None,
            Some(v) => Some(serde_json::from_str::<String>(v.get()).ok()?),
        };
        if !matches!(mode.as_deref(), None | Some("managed") | Some("data")) {
            return None;
        }
        resources.push(Resource {
            address: string(&rm, "address")?,
            mode,
            resource_type: string(&rm, "type")?,
            name: string(&rm, "name")?,
            values: rm.get("values").copied(),
        });
    }
    let mut children = Vec::new();
    for c in list(&m, "child_modules")? {
        children.push(module(c, depth + 1)?);
    }
    Some(Module {
        address,
        resources,
        children,
    })
}

/// A resource of a module with its module's address.
struct Located<'m, 'a> {
    module: &'m str,
    resource: &'m Resource<'a>,
}

/// Every resource of `module` and its children.
fn flatten<'m, 'a>(module: &'m Module<'a>, out: &mut Vec<Located<'m, 'a>>) {
    for r in &module.resources {
        out.push(Located {
            module: &module.address,
            resource: r,
        });
    }
    for child in &module.children {
        flatten(child, out);
    }
}

fn mode(r: &Resource<'_>) -> Mode {
    match r.mode.as_deref() {
        Some("data") => Mode::Data,
        _ => Mode::Managed,
    }
}

fn values(r: &Resource<'_>) -> Option<Value> {
    match r.values {
        Some(raw) => serde_json::from_str(raw.get()).ok(),
        None => Some(Value::Null),
    }
}

fn members_raw<'a>(m: &Members<'a>, name: &str) -> Option<&'a RawValue> {
    m.get(name).copied()
}

/// The plan, or `None` when anything is not as Terraform writes it.
pub(super) fn read(text: &str) -> Option<Plan> {
    let top: Members<'_> = serde_json::from_str(text).ok()?;
    let member = |name: &str| top.get(name).map(|raw| raw.get());
    let format_version = match serde_json::from_str::<Value>(member("format_version")?).ok()? {
        Value::String(s) if matches!(s.split('.').next(), Some("0" | "1")) => s,
        _ => return None,
    };
    let planned_values = members(members_raw(&top, "planned_values")?)?;
    let planned = module(planned_values.get("root_module")?, 0)?;
    let mut planned_resources = Vec::new();
    flatten(&planned, &mut planned_resources);

    let mut resources = Vec::new();
    match member("resource_changes") {
        Some(raw) => match serde_json::from_str::<Value>(raw).ok()? {
            Value::Array(changes) => {
                resources.reserve(changes.len());
                for (i, rc) in changes.into_iter().enumerate() {
                    resources.push(resource_change(rc, i).ok()?);
                }
            }
            Value::Null if planned_resources.is_empty() => {}
            _ => return None,
        },
        None if planned_resources.is_empty() => {}
        None => return None,
    }
    // A planned_values resource without a change entry: known values only.
    let seen: HashSet<&str> = resources.iter().map(|r| r.address.as_str()).collect();
    let mut extra = Vec::new();
    for p in planned_resources
        .iter()
        .filter(|p| !seen.contains(p.resource.address.as_str()))
    {
        let values = values(p.resource)?;
        extra.push(PlannedResource {
            address: p.resource.address.clone(),
            module_address: p.module.to_owned(),
            mode: mode(p.resource),
            resource_type: p.resource.resource_type.clone(),
            name: p.resource.name.clone(),
            action: Action::Keep,
            before: values.clone(),
            after: values,
            after_unknown: Value::Bool(false),
        });
    }
    resources.extend(extra);

    let mut data = BTreeMap::new();
    if let Some(raw) = members_raw(&top, "prior_state") {
        let root = members(raw)?
            .get("values")
            .and_then(|v| members(v))
            .and_then(|values| values.get("root_module").copied());
        if let Some(root) = root {
            let prior = module(root, 0)?;
            let mut prior_resources = Vec::new();
            flatten(&prior, &mut prior_resources);
            for p in prior_resources
                .iter()
                .filter(|p| mode(p.resource) == Mode::Data)
            {
                data.insert(p.resource.address.clone(), values(p.resource)?);
            }
        }
    }

    let terraform_version = match member("terraform_version") {
        Some(raw) => serde_json::from_str::<Value>(raw)
            .ok()?
            .as_str()
            .map(str::to_owned),
        None => None,
    };
    let mut configuration = match member("configuration") {
        Some(raw) => Some(serde_json::from_str::<Value>(raw).ok()?),
        None => None,
    };
    let variables = match member("variables") {
        Some(raw) => serde_json::from_str::<Value>(raw).ok()?,
        None => Value::Null,
    };
    let plan = Plan {
        format_version,
        terraform_version,
        resources,
        data,
        config: HashMap::new(),
        provider_regions: HashMap::new(),
        provider_accounts: HashMap::new(),
        provider_keys: HashMap::new(),
    };
    Some(with_configuration(plan, configuration.as_mut(), &variables))
}
