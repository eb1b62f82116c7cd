//! The [`Builder`]: turns planned resource instances into [`Facts`], attaching children
//! (stages, methods, inline policies…) to their parents by known id, by configuration
//! reference, or by a unique candidate in the same module, and recording what the plan touches.

use std::collections::{BTreeSet, HashMap};

use crate::facts::{Collected, Facts, Known, RegionFacts, Source};

use super::attrs::Attrs;
use super::model::{Plan, PlannedResource};

/// Region key of global (IAM) facts in [`Builder::touched`].
pub(crate) const GLOBAL_REGION: &str = "";

/// Which side of a change is being mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// The planned object (`after` + `after_unknown`).
    After,
    /// The prior object (`before`), mapped to learn what a delete removes.
    Before,
}

/// A container fact (REST API, role, recorder…) with the handles children use to find it.
pub(crate) struct Slot<T> {
    pub region: String,
    pub module: String,
    /// Address of the planned resource that defines it; `None` for a placeholder that only
    /// holds planned children of something the plan does not define.
    pub address: Option<String>,
    pub item: T,
}

/// All containers of one kind.
pub(crate) struct Slots<T> {
    pub slots: Vec<Slot<T>>,
    by_address: HashMap<String, usize>,
    by_key: HashMap<(String, String), usize>,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Slots {
            slots: Vec::new(),
            by_address: HashMap::new(),
            by_key: HashMap::new(),
        }
    }
}

/// How a child names its parent.
pub(crate) struct ParentRef<'a> {
    /// The child.
    pub child: &'a PlannedResource,
    /// The child's region.
    pub region: &'a str,
    /// The attribute holding the parent's id or name (`rest_api_id`, `role`).
    pub attr: &'a str,
    /// Its planned value.
    pub value: Known<Option<String>>,
}

impl<T> Slots<T> {
    /// Adds a container defined by a planned resource.
    pub fn define(
        &mut self,
        r: &PlannedResource,
        region: &str,
        key: Option<String>,
        item: T,
    ) -> usize {
        if let Some(&i) = self.by_address.get(&r.address) {
            return i;
        }
        let i = self.slots.len();
        self.by_address.insert(r.address.clone(), i);
        if let Some(k) = &key {
            self.by_key.insert((region.to_owned(), k.clone()), i);
        }
        self.slots.push(Slot {
            region: region.to_owned(),
            module: r.module_address.clone(),
            address: Some(r.address.clone()),
            item,
        });
        i
    }

    /// Finds the parent a child refers to, or makes a placeholder with `placeholder`.
    pub fn resolve(
        &mut self,
        plan: Option<&Plan>,
        p: ParentRef<'_>,
        placeholder: impl FnOnce(Known<String>) -> T,
    ) -> usize {
        if let Some(i) = self.find(plan, &p) {
            return i;
        }
        let key = p.value.clone().into_known().flatten();
        let i = self.slots.len();
        if let Some(k) = &key {
            self.by_key.insert((p.region.to_owned(), k.clone()), i);
        }
        self.slots.push(Slot {
            region: p.region.to_owned(),
            module: p.child.module_address.clone(),
            address: None,
            item: placeholder(match key {
                Some(k) => Known::Known(k),
                None => Known::Unknown,
            }),
        });
        i
    }

    /// Finds the parent a child refers to: by known id/name, by configuration reference,
    /// or (reference unresolvable) the only candidate defined in the same module instance.
    pub fn find(&self, plan: Option<&Plan>, p: &ParentRef<'_>) -> Option<usize> {
        if let Known::Known(Some(key)) = &p.value {
            if let Some(&i) = self.by_key.get(&(p.region.to_owned(), key.clone())) {
                return Some(i);
            }
        }
        if let Some(plan) = plan {
            for reference in plan.references(p.child, p.attr) {
                if let Some(i) = self.by_reference(&reference, &p.child.address) {
                    return Some(i);
                }
            }
        }
        if p.value.is_unknown() {
            let mut same = (0..self.slots.len()).filter(|&i| {
                let s = &self.slots[i];
                s.address.is_some() && s.module == p.child.module_address && s.region == p.region
            });
            if let (Some(i), None) = (same.next(), same.next()) {
                return Some(i);
            }
        }
        None
    }

    fn by_reference(&self, reference: &str, child_address: &str) -> Option<usize> {
        if let Some(&i) = self.by_address.get(reference) {
            return Some(i);
        }
        // `aws_x.y` referring to a counted/for_each resource: the instance with the child's
        // own key, else the only instance.
        let child_key = child_address
            .rfind('[')
            .filter(|_| child_address.ends_with(']'))
            .map(|i| &child_address[i..]);
        if let Some(key) = child_key {
            if let Some(&i) = self.by_address.get(&format!("{reference}{key}")) {
                return Some(i);
            }
        }
        let mut found = self
            .by_address
            .iter()
            .filter(|(a, _)| {
                a.strip_prefix(reference)
                    .is_some_and(|rest| rest.starts_with('['))
            })
            .map(|(_, &i)| i);
        match (found.next(), found.next()) {
            (Some(i), None) => Some(i),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, i: usize) -> &mut T {
        &mut self.slots[i].item
    }
}

/// Which parts of a bucket the plan decides; the others are the live bucket's (or, for a
/// bucket the plan creates, what AWS gives a new bucket).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BucketDecided {
    /// The plan creates the bucket.
    pub created: bool,
    /// Its policy (`aws_s3_bucket_policy`, inline `policy`).
    pub policy: bool,
    /// Its public access block (`aws_s3_bucket_public_access_block`).
    pub public_access_block: bool,
    /// Its ACL (`aws_s3_bucket_acl`, inline `acl` / `grant`).
    pub acl: bool,
    /// Its server access logging (`aws_s3_bucket_logging`, inline `logging`).
    pub logging: bool,
}

/// The facts one side of a plan maps to.
pub(crate) struct Mapped {
    pub facts: Facts,
    pub touched: BTreeSet<(String, Source)>,
    /// (region, bucket key, what the plan decides) of every planned bucket.
    pub buckets_decided: Vec<(String, String, BucketDecided)>,
}

/// Accumulates the facts of one side of a plan.
pub(crate) struct Builder<'p> {
    pub plan: Option<&'p Plan>,
    pub side: Side,
    pub default_region: String,
    pub facts: Facts,
    pub touched: BTreeSet<(String, Source)>,
    pub rest_apis: Slots<crate::facts::RestApi>,
    pub v2_apis: Slots<crate::facts::V2Api>,
    pub roles: Slots<crate::facts::Role>,
    pub users: Slots<crate::facts::User>,
    pub groups: Slots<crate::facts::Group>,
    pub policies: Slots<crate::facts::ManagedPolicy>,
    pub pinpoint_apps: Slots<crate::facts::PinpointApp>,
    pub recorders: Slots<crate::facts::Recorder>,
    /// S3 buckets (trail buckets) with what the plan decides about each.
    pub buckets: Slots<(crate::facts::TrailBucket, BucketDecided)>,
    /// REST stages by (api slot, stage name), for method settings.
    pub rest_stages: HashMap<(usize, String), usize>,
    /// REST stages by address: (api slot, stage index), for WAF associations.
    pub stage_by_address: HashMap<String, (usize, usize)>,
    /// Plan resource instances by address.
    pub by_address: HashMap<&'p str, &'p PlannedResource>,
}

impl<'p> Builder<'p> {
    pub fn new(plan: Option<&'p Plan>, side: Side, account_id: &str, region: &str) -> Self {
        Builder {
            plan,
            side,
            default_region: region.to_owned(),
            facts: Facts::new(account_id),
            touched: BTreeSet::new(),
            rest_apis: Slots::default(),
            v2_apis: Slots::default(),
            roles: Slots::default(),
            users: Slots::default(),
            groups: Slots::default(),
            policies: Slots::default(),
            pinpoint_apps: Slots::default(),
            recorders: Slots::default(),
            buckets: Slots::default(),
            rest_stages: HashMap::new(),
            stage_by_address: HashMap::new(),
            by_address: plan
                .map(|p| {
                    p.resources
                        .iter()
                        .map(|r| (r.address.as_str(), r))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The attributes of `r` on this builder's side.
    pub fn attrs<'r>(&self, r: &'r PlannedResource) -> Attrs<'r> {
        match self.side {
            Side::After => Attrs::new(&r.after, &r.after_unknown),
            Side::Before => Attrs::known(&r.before),
        }
    }

    /// The region of `r`.
    pub fn region(&self, r: &PlannedResource) -> String {
        let own = self.attrs(r).str("region").map(str::to_owned);
        match (own, self.plan) {
            (Some(region), _) => region,
            (None, Some(plan)) => plan.region_of(r, &self.default_region),
            (None, None) => self.default_region.clone(),
        }
    }

    /// Marks `source` in `region` as provided by the plan.
    pub fn touch(&mut self, region: &str, source: Source) {
        self.touched.insert((region.to_owned(), source));
    }

    /// The regional facts of `region`, with `source` marked collected.
    pub fn regional(&mut self, region: &str, source: Source) -> &mut RegionFacts {
        self.touch(region, source);
        let rf = self.facts.region_mut(region);
        ensure_ok(rf, source);
        rf
    }

    /// The plan, when mapping a whole plan (not a single object).
    pub fn plan(&self) -> Option<&'p Plan> {
        self.plan
    }

    /// A data source's `json` (an `aws_iam_policy_document`), when an attribute refers to
    /// exactly one and the attribute itself is unknown: known if Terraform read the data
    /// source while planning.
    pub fn policy_from_data(&self, r: &PlannedResource, attr: &str) -> Option<Known<String>> {
        let plan = self.plan?;
        let refs = plan.references(r, attr);
        let data: Vec<&String> = refs.iter().filter(|a| a.starts_with("data.")).collect();
        if data.len() != 1 || refs.len() != 1 {
            return None;
        }
        let address = data[0];
        if let Some(v) = plan.data.get(address) {
            return v
                .get("json")
                .and_then(|j| j.as_str())
                .map(|s| Known::Known(s.to_owned()));
        }
        // Deferred to apply: in resource_changes with an unknown json.
        Some(Known::Unknown)
    }

    /// A policy-document attribute: the planned string, or the referenced data source's.
    pub fn document(&self, r: &PlannedResource, attr: &str) -> Known<Option<String>> {
        let value = self.attrs(r).opt_string(attr);
        if value.is_unknown() {
            if let Some(from_data) = self.policy_from_data(r, attr) {
                return from_data.map(Some);
            }
        }
        value
    }

    /// Moves the containers into the facts and returns them.
    pub fn finish(mut self) -> Mapped {
        let mut decided = Vec::new();
        for s in std::mem::take(&mut self.buckets.slots) {
            let (bucket, fields) = s.item;
            let key = if bucket.name.is_empty() {
                s.address.clone().unwrap_or_default()
            } else {
                bucket.name.clone()
            };
            decided.push((s.region.clone(), key.clone(), fields));
            let rf = self.regional(&s.region, Source::CloudTrail);
            ok_or_init(&mut rf.cloudtrail)
                .buckets
                .insert(key, Collected::Ok(bucket));
        }
        for s in std::mem::take(&mut self.rest_apis.slots) {
            let rf = self.regional(&s.region, Source::ApiGateway);
            ok_or_init(&mut rf.apigateway).rest_apis.push(s.item);
        }
        for s in std::mem::take(&mut self.v2_apis.slots) {
            let rf = self.regional(&s.region, Source::ApiGatewayV2);
            ok_or_init(&mut rf.apigatewayv2).apis.push(s.item);
        }
        for s in std::mem::take(&mut self.pinpoint_apps.slots) {
            let rf = self.regional(&s.region, Source::Pinpoint);
            ok_or_init(&mut rf.pinpoint).apps.push(s.item);
        }
        for s in std::mem::take(&mut self.recorders.slots) {
            let rf = self.regional(&s.region, Source::Config);
            ok_or_init(&mut rf.config).recorders.push(s.item);
        }
        let roles = std::mem::take(&mut self.roles.slots);
        let users = std::mem::take(&mut self.users.slots);
        let groups = std::mem::take(&mut self.groups.slots);
        let policies = std::mem::take(&mut self.policies.slots);
        if !(roles.is_empty() && users.is_empty() && groups.is_empty() && policies.is_empty()) {
            let iam = self.iam();
            iam.roles.extend(roles.into_iter().map(|s| s.item));
            iam.users.extend(users.into_iter().map(|s| s.item));
            iam.groups.extend(groups.into_iter().map(|s| s.item));
            iam.policies.extend(policies.into_iter().map(|s| s.item));
        }
        Mapped {
            facts: self.facts,
            touched: self.touched,
            buckets_decided: decided,
        }
    }

    /// IAM facts, marked collected (credential parts included: a plan's password policy,
    /// keys and certificates are what it says they are).
    pub fn iam(&mut self) -> &mut crate::facts::IamFacts {
        self.touch(GLOBAL_REGION, Source::Iam);
        ok_or_init(&mut self.facts.iam_credentials);
        ok_or_init(&mut self.facts.iam)
    }
}

/// The collected facts, first set to `Ok(empty)` unless already collected.
pub(crate) fn ok_or_init<T: Default>(c: &mut Collected<T>) -> &mut T {
    if !c.is_ok() {
        *c = Collected::Ok(T::default());
    }
    match c {
        Collected::Ok(v) => v,
        _ => unreachable!("set to Ok just above"),
    }
}

/// Sets one regional source to `Ok(empty)` unless it already is.
fn ensure_ok(rf: &mut RegionFacts, source: Source) {
    fn ok<T: Default>(c: &mut Collected<T>) {
        ok_or_init(c);
    }
    match source {
        Source::ApiGateway => ok(&mut rf.apigateway),
        Source::ApiGatewayV2 => ok(&mut rf.apigatewayv2),
        Source::AccessAnalyzer => ok(&mut rf.access_analyzer),
        Source::Pinpoint => ok(&mut rf.pinpoint),
        Source::Lex => ok(&mut rf.lex),
        Source::CloudTrail => ok(&mut rf.cloudtrail),
        Source::Config => ok(&mut rf.config),
        Source::CloudWatch => ok(&mut rf.cloudwatch),
        Source::Logs => ok(&mut rf.logs),
        Source::Iam | Source::IamPolicies | Source::S3Account | Source::Organization => {}
    }
}

impl Builder<'_> {
    /// Whether the configuration sets `path` (an attribute, or `block`, `attr` inside the
    /// first nested block). `true` when the plan carries no configuration for `r`.
    pub fn configured(&self, r: &PlannedResource, path: &[&str]) -> bool {
        let Some(exprs) = self.plan.and_then(|p| p.expressions(r)) else {
            return true;
        };
        let mut node: Option<&serde_json::Value> = None;
        for (i, step) in path.iter().enumerate() {
            let next = if i == 0 {
                exprs.get(*step)
            } else {
                node.and_then(|n| match n {
                    serde_json::Value::Array(items) => items.first().and_then(|b| b.get(*step)),
                    other => other.get(*step),
                })
            };
            match next {
                Some(v) => node = Some(v),
                None => return false,
            }
        }
        true
    }

    /// An optional+computed value the configuration does not set is absent, not unknown:
    /// AWS leaves it unset (e.g. a REST API without `policy`).
    pub fn absent_unless_configured<T>(
        &self,
        r: &PlannedResource,
        path: &[&str],
        k: Known<Option<T>>,
    ) -> Known<Option<T>> {
        if self.side == Side::After && k.is_unknown() && !self.configured(r, path) {
            Known::Known(None)
        } else {
            k
        }
    }
}

impl Builder<'_> {
    /// A boolean argument: its planned value, or `default` when it is unknown only because
    /// it is optional+computed and the configuration does not set it.
    pub fn flag(&self, r: &PlannedResource, name: &str, default: bool) -> Known<bool> {
        let k = self.attrs(r).bool_or(name, default);
        if self.side == Side::After && k.is_unknown() && !self.configured(r, &[name]) {
            Known::Known(default)
        } else {
            k
        }
    }
}
