//! Reading `terraform show -json <planfile>` output (format 1.x) into [`Plan`]: the resource
//! instances with their planned values and unknown masks, data sources, and an index of the
//! configuration's references.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::error::{json_type, PlanError};

/// What Terraform plans to do with one resource instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Unchanged (`no-op`) or read (data sources): the planned object exists as shown.
    Keep,
    /// `create`.
    Create,
    /// `update` in place.
    Update,
    /// Destroyed and recreated (`delete`+`create` either order).
    Replace,
    /// `delete`.
    Delete,
    /// `forget` (a `removed` block): leaves management, the object stays in the account.
    Forget,
}

impl Action {
    fn from_actions(actions: &[String]) -> Action {
        let has = |a: &str| actions.iter().any(|x| x == a);
        match (has("create"), has("delete")) {
            (true, true) => Action::Replace,
            (true, false) => Action::Create,
            (false, true) => Action::Delete,
            _ if has("update") => Action::Update,
            _ if has("forget") => Action::Forget,
            _ => Action::Keep,
        }
    }

    /// True when the planned object (`after`) will exist after apply.
    pub fn keeps_after(self) -> bool {
        matches!(
            self,
            Action::Keep | Action::Create | Action::Update | Action::Replace
        )
    }

    /// True when the prior object (`before`) stops existing.
    pub fn removes_before(self) -> bool {
        matches!(self, Action::Delete | Action::Replace)
    }
}

/// Managed resource or data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `resource`.
    Managed,
    /// `data`.
    Data,
}

/// One resource instance of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedResource {
    /// Full instance address, e.g. `module.api["a"].aws_api_gateway_stage.this[0]`.
    pub address: String,
    /// The module instance address (`module.api["a"]`), empty for the root module.
    pub module_address: String,
    /// Managed or data.
    pub mode: Mode,
    /// Resource type (`aws_api_gateway_stage`).
    pub resource_type: String,
    /// Resource name in configuration (`this`).
    pub name: String,
    /// What happens to it.
    pub action: Action,
    /// Prior object (`null` when created).
    pub before: Value,
    /// Planned object (`null` when deleted).
    pub after: Value,
    /// Mask of values not known until apply: `true` at a leaf or subtree.
    pub after_unknown: Value,
}

impl PlannedResource {
    /// The address without the final instance key (`…aws_api_gateway_stage.this`).
    pub fn address_without_key(&self) -> &str {
        strip_key(&self.address)
    }
}

/// The parts of a plan the mapper reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// `format_version`, e.g. `1.2`.
    pub format_version: String,
    /// `terraform_version`, if present.
    pub terraform_version: Option<String>,
    /// Managed resources and deferred data sources, from `resource_changes` (plus any
    /// `planned_values` resource missing there).
    pub resources: Vec<PlannedResource>,
    /// Data sources read during planning (`prior_state`), by address.
    pub data: BTreeMap<String, Value>,
    /// Configuration expressions by configuration address (`module.a.aws_x.y`).
    pub(crate) config: HashMap<String, Map<String, Value>>,
    /// `region` of each provider configuration (a constant, or a root variable's value), by
    /// provider config key.
    pub(crate) provider_regions: HashMap<String, String>,
    /// The account each provider configuration works in, by provider config key: the account
    /// of its `assume_role` role ARN or its only `allowed_account_ids` entry, else the account
    /// in the ARN of any of its resources the plan already knows.
    pub(crate) provider_accounts: HashMap<String, String>,
    /// Provider config key of each resource, by configuration address.
    pub(crate) provider_keys: HashMap<String, String>,
}

/// Parses the output of `terraform show -json <planfile>`.
///
/// A well-formed plan is read by [`super::fast_read`], which never builds the
/// `planned_values` and `prior_state` trees it only needs a few parts of; anything it does
/// not accept is read again here, member by member, so every malformed plan gets the same
/// precise [`PlanError`].
pub fn parse_plan(text: &str) -> Result<Plan, PlanError> {
    if let Some(plan) = super::fast_read::read(text) {
        return Ok(plan);
    }
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        if e.is_eof() {
            PlanError::Truncated {
                line: e.line(),
                column: e.column(),
            }
        } else {
            PlanError::NotJson {
                line: e.line(),
                column: e.column(),
                reason: strip_position(&e.to_string()),
            }
        }
    })?;
    plan_from_value(doc)
}

/// Builds a [`Plan`] from an already parsed JSON document (taken by value: resource objects
/// move into the plan instead of being copied).
pub fn plan_from_value(mut doc: Value) -> Result<Plan, PlanError> {
    if !doc.is_object() {
        return Err(shape("(document)", "an object", &doc));
    }
    let Some(top) = doc.as_object_mut() else {
        return Err(shape("(document)", "an object", &Value::Null));
    };
    let format_version = match top.get("format_version") {
        None | Some(Value::Null) => return Err(PlanError::MissingFormatVersion),
        Some(Value::String(s)) => s.clone(),
        Some(v) => return Err(shape("format_version", "a string", v)),
    };
    if !matches!(format_version.split('.').next(), Some("0" | "1")) {
        return Err(PlanError::UnsupportedFormat {
            found: format_version,
        });
    }
    let is_state = top.contains_key("values");
    let planned_values = match top.get_mut("planned_values") {
        Some(v) => v.take(),
        None if is_state => return Err(PlanError::StateNotPlan),
        None => {
            return Err(PlanError::Missing {
                member: "planned_values",
            })
        }
    };
    object_member(&planned_values, "planned_values", "root_module")?;
    let mut planned = Vec::new();
    walk_module(
        &planned_values["root_module"],
        "planned_values.root_module",
        &mut planned,
    )?;

    let mut resources = Vec::new();
    match top.get_mut("resource_changes").map(Value::take) {
        Some(Value::Array(changes)) => {
            resources.reserve(changes.len());
            for (i, rc) in changes.into_iter().enumerate() {
                resources.push(resource_change(rc, i)?);
            }
        }
        Some(Value::Null) | None if planned.is_empty() => {}
        None | Some(Value::Null) => {
            return Err(PlanError::Missing {
                member: "resource_changes",
            })
        }
        Some(v) => return Err(shape("resource_changes", "an array", &v)),
    }
    // A planned_values resource without a change entry (not written by Terraform itself,
    // but cheap to honour): known values only.
    let seen: std::collections::HashSet<&str> =
        resources.iter().map(|r| r.address.as_str()).collect();
    let extra: Vec<PlannedResource> = planned
        .into_iter()
        .filter(|r| !seen.contains(r.address.as_str()))
        .map(PlannedRef::into_resource)
        .collect();
    resources.extend(extra);

    let mut data = BTreeMap::new();
    if let Some(prior) = top.get("prior_state") {
        if let Some(root) = prior.get("values").and_then(|v| v.get("root_module")) {
            let mut prior_resources = Vec::new();
            walk_module(root, "prior_state.values.root_module", &mut prior_resources)?;
            for r in prior_resources.into_iter().filter(|r| r.mode == Mode::Data) {
                data.insert(r.address, r.values.clone());
            }
        }
    }

    let plan = Plan {
        format_version,
        terraform_version: top
            .get("terraform_version")
            .and_then(Value::as_str)
            .map(str::to_owned),
        resources,
        data,
        config: HashMap::new(),
        provider_regions: HashMap::new(),
        provider_accounts: HashMap::new(),
        provider_keys: HashMap::new(),
    };
    let variables = top.get("variables").cloned().unwrap_or(Value::Null);
    Ok(with_configuration(
        plan,
        top.get_mut("configuration"),
        &variables,
    ))
}

/// Indexes the configuration (expressions, provider configurations and keys) into `plan`,
/// then learns provider accounts from known ARNs.
pub(super) fn with_configuration(
    mut plan: Plan,
    configuration: Option<&mut Value>,
    variables: &Value,
) -> Plan {
    let variables = variables.clone();
    if let Some(config) = configuration {
        if let Some(providers) = config.get("provider_config").and_then(Value::as_object) {
            for (key, p) in providers {
                let expr = |path: &str| p.pointer(&format!("/expressions{path}"));
                if let Some(region) = expr("/region").and_then(|e| expression_string(e, &variables))
                {
                    plan.provider_regions.insert(key.clone(), region);
                }
                let role = expr("/assume_role/0/role_arn")
                    .and_then(|e| expression_string(e, &variables))
                    .and_then(|arn| arn_account(&arn));
                let allowed = expr("/allowed_account_ids")
                    .and_then(|e| expression_value(e, &variables))
                    .and_then(|v| match v.as_array().map(Vec::as_slice) {
                        Some([one]) => one.as_str().map(str::to_owned),
                        _ => None,
                    });
                if let Some(account) = role.or(allowed) {
                    plan.provider_accounts.insert(key.clone(), account);
                }
            }
        }
        if let Some(root) = config.get_mut("root_module") {
            index_config(root, "", &mut plan, 0);
        }
    }
    plan.learn_accounts_from_arns();
    plan
}

/// The value of a configuration expression when the plan states it: a `constant_value`, or a
/// reference to exactly one root-module variable whose value the plan records.
fn expression_value(expr: &Value, variables: &Value) -> Option<Value> {
    if let Some(v) = expr.get("constant_value") {
        return Some(v.clone());
    }
    match expr
        .get("references")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        Some([only]) => {
            let name = only.as_str()?.strip_prefix("var.")?;
            variables.get(name)?.get("value").cloned()
        }
        _ => None,
    }
}

fn expression_string(expr: &Value, variables: &Value) -> Option<String> {
    expression_value(expr, variables)?
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The 12-digit account field of an ARN.
pub(crate) fn arn_account(arn: &str) -> Option<String> {
    let account = arn.strip_prefix("arn:")?.split(':').nth(3)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then(|| account.to_owned())
}

/// The region field of an ARN, when it has one.
fn arn_region(arn: &str) -> Option<&str> {
    let region = arn.strip_prefix("arn:")?.split(':').nth(2)?;
    (!region.is_empty()).then_some(region)
}

/// The `arn` a planned object states, after or before the change.
fn known_arn(r: &PlannedResource) -> Option<&str> {
    [&r.after, &r.before]
        .into_iter()
        .find_map(|v| v.get("arn").and_then(Value::as_str))
        .filter(|a| a.starts_with("arn:"))
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

fn shape(path: &str, expected: &'static str, found: &Value) -> PlanError {
    PlanError::WrongShape {
        path: path.to_owned(),
        expected,
        found: json_type(found),
    }
}

fn object_member<'v>(parent: &'v Value, path: &str, name: &str) -> Result<&'v Value, PlanError> {
    let obj = parent
        .as_object()
        .ok_or_else(|| shape(path, "an object", parent))?;
    match obj.get(name) {
        Some(v) if v.is_object() => Ok(v),
        Some(v) => Err(shape(&format!("{path}.{name}"), "an object", v)),
        None => Err(PlanError::WrongShape {
            path: format!("{path}.{name}"),
            expected: "an object",
            found: "nothing",
        }),
    }
}

fn string_member(obj: &Map<String, Value>, path: &str, name: &str) -> Result<String, PlanError> {
    match obj.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(v) => Err(shape(&format!("{path}.{name}"), "a string", v)),
        None => Err(PlanError::WrongShape {
            path: format!("{path}.{name}"),
            expected: "a string",
            found: "nothing",
        }),
    }
}

fn mode_of(obj: &Map<String, Value>, path: &str) -> Result<Mode, PlanError> {
    match obj.get("mode").and_then(Value::as_str) {
        Some("data") => Ok(Mode::Data),
        Some("managed") | None => Ok(Mode::Managed),
        Some(_) => Err(PlanError::WrongShape {
            path: format!("{path}.mode"),
            expected: "\"managed\" or \"data\"",
            found: "another string",
        }),
    }
}

pub(super) const MAX_MODULE_DEPTH: usize = 64;

/// A resource of a `planned_values`/`prior_state` module, borrowed.
struct PlannedRef<'v> {
    address: String,
    module_address: String,
    mode: Mode,
    resource_type: String,
    name: String,
    values: &'v Value,
}

impl PlannedRef<'_> {
    fn into_resource(self) -> PlannedResource {
        PlannedResource {
            address: self.address,
            module_address: self.module_address,
            mode: self.mode,
            resource_type: self.resource_type,
            name: self.name,
            action: Action::Keep,
            before: self.values.clone(),
            after: self.values.clone(),
            after_unknown: Value::Bool(false),
        }
    }
}

/// Walks a `planned_values`/`prior_state` module and its `child_modules` recursively.
fn walk_module<'v>(
    module: &'v Value,
    path: &str,
    out: &mut Vec<PlannedRef<'v>>,
) -> Result<(), PlanError> {
    walk_module_at(module, path, out, 0)
}

fn walk_module_at<'v>(
    module: &'v Value,
    path: &str,
    out: &mut Vec<PlannedRef<'v>>,
    depth: usize,
) -> Result<(), PlanError> {
    if depth > MAX_MODULE_DEPTH {
        return Err(PlanError::WrongShape {
            path: path.to_owned(),
            expected: "at most 64 levels of child modules",
            found: "deeper nesting",
        });
    }
    let obj = module
        .as_object()
        .ok_or_else(|| shape(path, "an object", module))?;
    let module_address = obj
        .get("address")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    match obj.get("resources") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for (i, r) in list.iter().enumerate() {
                let rpath = format!("{path}.resources[{i}]");
                let ro = r.as_object().ok_or_else(|| shape(&rpath, "an object", r))?;
                static NULL: Value = Value::Null;
                out.push(PlannedRef {
                    address: string_member(ro, &rpath, "address")?,
                    module_address: module_address.clone(),
                    mode: mode_of(ro, &rpath)?,
                    resource_type: string_member(ro, &rpath, "type")?,
                    name: string_member(ro, &rpath, "name")?,
                    values: ro.get("values").unwrap_or(&NULL),
                });
            }
        }
        Some(v) => return Err(shape(&format!("{path}.resources"), "an array", v)),
    }
    match obj.get("child_modules") {
        None | Some(Value::Null) => {}
        Some(Value::Array(children)) => {
            for (i, c) in children.iter().enumerate() {
                walk_module_at(c, &format!("{path}.child_modules[{i}]"), out, depth + 1)?;
            }
        }
        Some(v) => return Err(shape(&format!("{path}.child_modules"), "an array", v)),
    }
    Ok(())
}

pub(super) fn resource_change(mut rc: Value, i: usize) -> Result<PlannedResource, PlanError> {
    let path = format!("resource_changes[{i}]");
    if !rc.is_object() {
        return Err(shape(&path, "an object", &rc));
    }
    object_member(&rc, &path, "change")?;
    let mut change = rc["change"].take();
    let obj = rc
        .as_object()
        .ok_or_else(|| shape(&path, "an object", &Value::Null))?;
    let cpath = format!("{path}.change");
    let actions: Vec<String> = match change.get("actions") {
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| shape(&format!("{cpath}.actions[]"), "a string", v))
            })
            .collect::<Result<_, _>>()?,
        Some(v) => return Err(shape(&format!("{cpath}.actions"), "an array", v)),
        None => {
            return Err(PlanError::WrongShape {
                path: format!("{cpath}.actions"),
                expected: "an array",
                found: "nothing",
            })
        }
    };
    let mut member = |name: &str| change.get_mut(name).map(Value::take).unwrap_or(Value::Null);
    let before = member("before");
    let after = member("after");
    let after_unknown = match member("after_unknown") {
        Value::Null => Value::Bool(false),
        v @ (Value::Object(_) | Value::Bool(_) | Value::Array(_)) => v,
        v => {
            return Err(shape(
                &format!("{cpath}.after_unknown"),
                "an object or a boolean",
                &v,
            ))
        }
    };
    if !(after.is_object() || after.is_null()) {
        return Err(shape(
            &format!("{cpath}.after"),
            "an object or null",
            &after,
        ));
    }
    Ok(PlannedResource {
        address: string_member(obj, &path, "address")?,
        module_address: obj
            .get("module_address")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        mode: mode_of(obj, &path)?,
        resource_type: string_member(obj, &path, "type")?,
        name: string_member(obj, &path, "name")?,
        action: Action::from_actions(&actions),
        before,
        after,
        after_unknown,
    })
}

/// Records each configuration resource's expressions under its module path.
fn index_config(module: &mut Value, prefix: &str, plan: &mut Plan, depth: usize) {
    if depth > MAX_MODULE_DEPTH {
        return;
    }
    if let Some(list) = module.get_mut("resources").and_then(Value::as_array_mut) {
        for r in list {
            let Some(addr) = r.get("address").and_then(Value::as_str) else {
                continue;
            };
            let full = format!("{prefix}{addr}");
            if let Some(Value::Object(exprs)) = r.get_mut("expressions").map(Value::take) {
                plan.config.insert(full.clone(), exprs);
            }
            if let Some(key) = r.get("provider_config_key").and_then(Value::as_str) {
                plan.provider_keys.insert(full, key.to_owned());
            }
        }
    }
    if let Some(calls) = module
        .get_mut("module_calls")
        .and_then(Value::as_object_mut)
    {
        for (name, call) in calls {
            if let Some(child) = call.get_mut("module") {
                index_config(child, &format!("{prefix}module.{name}."), plan, depth + 1);
            }
        }
    }
}

/// `module.a["x"].module.b[0]` → `module.a.module.b` (configuration path of an instance).
pub(crate) fn config_path(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for c in address.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '"' if depth > 0 => in_string = true,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The address without a trailing `[key]`.
pub fn strip_key(address: &str) -> &str {
    if address.ends_with(']') {
        if let Some(i) = address.rfind('[') {
            // Only strip when the bracket belongs to the last segment.
            if !address[i..].contains('.') || address[i..].starts_with("[\"") {
                return &address[..i];
            }
        }
    }
    address
}

impl Plan {
    /// The expressions of the resource an instance belongs to.
    pub(crate) fn expressions(&self, r: &PlannedResource) -> Option<&Map<String, Value>> {
        self.config.get(&config_path(r.address_without_key()))
    }

    /// The instance addresses an attribute of `r` refers to (same module instance), e.g.
    /// `rest_api_id = aws_api_gateway_rest_api.this.id` → `aws_api_gateway_rest_api.this`.
    /// Each reference is cut to its resource part; `data.` references keep their prefix.
    pub(crate) fn references(&self, r: &PlannedResource, attr: &str) -> Vec<String> {
        let Some(expr) = self.expressions(r).and_then(|e| e.get(attr)) else {
            return Vec::new();
        };
        let prefix = if r.module_address.is_empty() {
            String::new()
        } else {
            format!("{}.", r.module_address)
        };
        let mut out: Vec<String> = Vec::new();
        for reference in expr
            .get("references")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if let Some(resource) = resource_part(reference) {
                let full = format!("{prefix}{resource}");
                if !out.contains(&full) {
                    out.push(full);
                }
            }
        }
        out
    }

    /// The provider configuration key of a planned resource (`aws`, `aws.west`).
    fn provider_key(&self, r: &PlannedResource) -> Option<&str> {
        let key = self
            .provider_keys
            .get(&config_path(r.address_without_key()))
            .map(String::as_str)?;
        Some(key.rsplit(':').next().unwrap_or(key))
    }

    /// Records, for each provider configuration whose account the configuration does not
    /// state, the account in the ARN of one of its resources (all resources of one provider
    /// configuration live in one account).
    fn learn_accounts_from_arns(&mut self) {
        let mut learned: HashMap<String, String> = HashMap::new();
        for r in &self.resources {
            let Some(key) = self.provider_key(r) else {
                continue;
            };
            if self.provider_accounts.contains_key(key) || learned.contains_key(key) {
                continue;
            }
            if let Some(account) = known_arn(r).and_then(arn_account) {
                learned.insert(key.to_owned(), account);
            }
        }
        self.provider_accounts.extend(learned);
    }

    /// The region a planned resource lives in: its own `region` argument (provider v6), the
    /// region of its known ARN, its provider configuration's `region`, else `default` (empty:
    /// the plan does not say).
    pub(crate) fn region_of(&self, r: &PlannedResource, default: &str) -> String {
        if let Some(region) = r.after.get("region").and_then(Value::as_str) {
            if !region.is_empty() {
                return region.to_owned();
            }
        }
        if let Some(region) = known_arn(r).and_then(arn_region) {
            return region.to_owned();
        }
        self.provider_key(r)
            .and_then(|k| self.provider_regions.get(k))
            .cloned()
            .unwrap_or_else(|| default.to_owned())
    }

    /// The account a planned resource lives in: the account in its known ARN, else its
    /// provider configuration's account; `None` when the plan does not say.
    pub fn account_of(&self, r: &PlannedResource) -> Option<String> {
        known_arn(r).and_then(arn_account).or_else(|| {
            self.provider_key(r)
                .and_then(|k| self.provider_accounts.get(k))
                .cloned()
        })
    }
}

/// `aws_x.y.id` → `aws_x.y`; `aws_x.y[0].id` → `aws_x.y[0]`; `data.t.n.json` → `data.t.n`;
/// `var.x`, `local.y`, `module.m.out` → `None`.
fn resource_part(reference: &str) -> Option<String> {
    let (data, rest) = match reference.strip_prefix("data.") {
        Some(rest) => (true, rest),
        None => (false, reference),
    };
    let mut parts = rest.splitn(3, '.');
    let ty = parts.next()?;
    if !data
        && matches!(
            ty,
            "var" | "local" | "module" | "each" | "count" | "path" | "terraform" | "self"
        )
    {
        return None;
    }
    let name = parts.next()?;
    if name.is_empty() {
        return None;
    }
    let prefix = if data { "data." } else { "" };
    Some(format!("{prefix}{ty}.{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_paths_drop_instance_keys() {
        assert_eq!(
            config_path(r#"module.a["x.y"].module.b[0].aws_s3_bucket.c[1]"#),
            "module.a.module.b.aws_s3_bucket.c"
        );
        assert_eq!(strip_key(r#"aws_x.y["a.b"]"#), "aws_x.y");
        assert_eq!(strip_key("aws_x.y[3]"), "aws_x.y");
        assert_eq!(strip_key("aws_x.y"), "aws_x.y");
    }

    #[test]
    fn reference_parts() {
        assert_eq!(
            resource_part("aws_api_gateway_rest_api.this.id").as_deref(),
            Some("aws_api_gateway_rest_api.this")
        );
        assert_eq!(
            resource_part("data.aws_iam_policy_document.p.json").as_deref(),
            Some("data.aws_iam_policy_document.p")
        );
        assert_eq!(resource_part("var.name"), None);
        assert_eq!(resource_part("module.x.id"), None);
    }
}
