//! `live+plan`: the account as it will be after apply. Planned resources replace the live
//! ones with the same identity (id, or name where AWS names are unique), are added when
//! new, and destroyed ones are removed. Planned children of a resource the plan does not
//! define (a stage added to a live API, an inline policy on a live role) merge into it.

use crate::facts::{
    Alarm, AttachedPolicy, Collected, ConfigRule, DeliveryChannel, DomainName, Facts, Group,
    IamFacts, InlinePolicy, Integration, Known, LexBot, ManagedPolicy, MetricFilter, PinpointApp,
    Recorder, RegionFacts, RestApi, RestMethod, RestStage, Role, Route, Trail, TrailBucket, User,
    V2Api, V2Stage,
};

use super::{BucketDecided, PlanFacts};

/// The live facts with the plan applied: removals first, then planned resources.
///
/// A service whose live facts are not `Ok` (failed, unavailable, not collected) keeps that
/// outcome: a partial view of the account would make account-level controls FAIL wrongly.
/// Regions the live facts do not cover but the plan creates resources in are added with the
/// planned facts alone.
pub fn overlay(live: &Facts, plan: &PlanFacts) -> Facts {
    let mut out = live.clone();
    if let (Collected::Ok(l), Collected::Ok(r)) = (&mut out.iam, &plan.removed.iam) {
        remove_iam(l, r);
    }
    for (region, removed) in &plan.removed.regions {
        if let Some(l) = out.regions.get_mut(region) {
            remove_region(l, removed);
        }
    }
    if let (Collected::Ok(l), Collected::Ok(p)) = (&mut out.iam, &plan.facts.iam) {
        merge_iam(l, p);
    }
    // The account's Block Public Access is wholly the plan's when the plan manages it.
    if plan.removed.s3_account_public_access_block.is_ok() {
        out.s3_account_public_access_block = Collected::Ok(None);
    }
    if plan.facts.s3_account_public_access_block.is_ok() {
        out.s3_account_public_access_block = plan.facts.s3_account_public_access_block.clone();
    }
    for (region, planned) in &plan.facts.regions {
        match out.regions.get_mut(region) {
            Some(l) => merge_region(l, planned, region, &plan.buckets_decided),
            None => {
                out.regions.insert(region.clone(), planned.clone());
            }
        }
    }
    out
}

/// Identity of a fact within its list, and how a planned one merges into a live one.
trait Keyed: Clone {
    fn key(&self) -> Option<String>;
    /// True when the planned item only carries children (the plan does not define it).
    fn placeholder(&self) -> bool;
    /// Takes a planned item's own fields (unless placeholder) and merges its children.
    fn absorb(&mut self, planned: &Self) {
        if !planned.placeholder() {
            *self = planned.clone();
        }
    }
    /// Removes a removed item's children (for a placeholder in the removed facts).
    fn shed(&mut self, _removed: &Self) {}
}

fn merge_list<T: Keyed>(live: &mut Vec<T>, planned: &[T]) {
    for p in planned {
        let found = p.key().and_then(|k| {
            live.iter()
                .position(|l| l.key().as_deref() == Some(k.as_str()))
        });
        match found {
            Some(i) => live[i].absorb(p),
            None => live.push(p.clone()),
        }
    }
}

fn remove_list<T: Keyed>(live: &mut Vec<T>, removed: &[T]) {
    for r in removed {
        let Some(k) = r.key() else { continue };
        if r.placeholder() {
            if let Some(l) = live
                .iter_mut()
                .find(|l| l.key().as_deref() == Some(k.as_str()))
            {
                l.shed(r);
            }
        } else {
            live.retain(|l| l.key().as_deref() != Some(k.as_str()));
        }
    }
}

fn known(k: &Known<String>) -> Option<String> {
    k.as_known().cloned()
}

impl Keyed for RestApi {
    fn key(&self) -> Option<String> {
        known(&self.id)
    }
    fn placeholder(&self) -> bool {
        self.address.is_none()
    }
    fn absorb(&mut self, p: &Self) {
        if !p.placeholder() {
            self.name = p.name.clone();
            self.address = p.address.clone();
            self.endpoint_types = p.endpoint_types.clone();
            self.policy = p.policy.clone();
        } else if p.policy.is_known() {
            // A planned aws_api_gateway_rest_api_policy on a live API.
            self.policy = p.policy.clone();
        }
        merge_list(&mut self.stages, &p.stages);
        merge_list(&mut self.methods, &p.methods);
    }
    fn shed(&mut self, r: &Self) {
        remove_list(&mut self.stages, &r.stages);
        remove_list(&mut self.methods, &r.methods);
    }
}

impl Keyed for RestStage {
    fn key(&self) -> Option<String> {
        Some(self.name.clone())
    }
    fn placeholder(&self) -> bool {
        self.address.is_none()
    }
    fn absorb(&mut self, p: &Self) {
        let settings = std::mem::take(&mut self.method_settings);
        if !p.placeholder() {
            *self = p.clone();
        }
        let mut merged = settings;
        merged.extend(p.method_settings.clone());
        self.method_settings = merged;
    }
    fn shed(&mut self, r: &Self) {
        for k in r.method_settings.keys() {
            self.method_settings.remove(k);
        }
    }
}

impl Keyed for RestMethod {
    fn key(&self) -> Option<String> {
        Some(match self.resource_id.as_known() {
            Some(id) => format!("{id} {}", self.http_method),
            None => format!("{} {}", self.path, self.http_method),
        })
    }
    fn placeholder(&self) -> bool {
        false
    }
}

impl Keyed for DomainName {
    fn key(&self) -> Option<String> {
        Some(self.name.clone())
    }
    fn placeholder(&self) -> bool {
        false
    }
}

impl Keyed for V2Api {
    fn key(&self) -> Option<String> {
        known(&self.id)
    }
    fn placeholder(&self) -> bool {
        self.address.is_none()
    }
    fn absorb(&mut self, p: &Self) {
        if !p.placeholder() {
            self.name = p.name.clone();
            self.protocol = p.protocol;
            self.address = p.address.clone();
        }
        merge_list(&mut self.stages, &p.stages);
        merge_list(&mut self.routes, &p.routes);
        merge_list(&mut self.integrations, &p.integrations);
    }
    fn shed(&mut self, r: &Self) {
        remove_list(&mut self.stages, &r.stages);
        remove_list(&mut self.routes, &r.routes);
        remove_list(&mut self.integrations, &r.integrations);
    }
}

impl Keyed for V2Stage {
    fn key(&self) -> Option<String> {
        Some(self.name.clone())
    }
    fn placeholder(&self) -> bool {
        false
    }
}

impl Keyed for Route {
    fn key(&self) -> Option<String> {
        known(&self.id).or_else(|| Some(format!("key {}", self.route_key)))
    }
    fn placeholder(&self) -> bool {
        false
    }
}

impl Keyed for Integration {
    fn key(&self) -> Option<String> {
        known(&self.id)
    }
    fn placeholder(&self) -> bool {
        false
    }
}

macro_rules! keyed_by_name {
    ($($t:ty),*) => {$(
        impl Keyed for $t {
            fn key(&self) -> Option<String> {
                Some(self.name.clone())
            }
            fn placeholder(&self) -> bool {
                false
            }
        }
    )*};
}

keyed_by_name!(
    Trail,
    DeliveryChannel,
    ConfigRule,
    Alarm,
    InlinePolicy,
    ManagedPolicy
);

impl Keyed for MetricFilter {
    fn key(&self) -> Option<String> {
        Some(format!(
            "{} {}",
            self.log_group_name.as_known().map_or("?", String::as_str),
            self.name
        ))
    }
    fn placeholder(&self) -> bool {
        false
    }
}

impl Keyed for Recorder {
    fn key(&self) -> Option<String> {
        Some(self.name.clone())
    }
    fn placeholder(&self) -> bool {
        self.address.is_none()
    }
    fn absorb(&mut self, p: &Self) {
        if p.placeholder() {
            // Only a planned aws_config_configuration_recorder_status.
            self.recording = p.recording.clone();
        } else {
            // A planned recorder without a status resource keeps the live status.
            let recording = if p.recording == Known::Known(false) {
                self.recording.clone()
            } else {
                p.recording.clone()
            };
            *self = p.clone();
            self.recording = recording;
        }
    }
}

impl Keyed for PinpointApp {
    fn key(&self) -> Option<String> {
        known(&self.id)
    }
    fn placeholder(&self) -> bool {
        self.address.is_none()
    }
    fn absorb(&mut self, p: &Self) {
        let stream = self.event_stream.clone();
        if !p.placeholder() {
            *self = p.clone();
            self.event_stream = stream;
        }
        if p.event_stream.flatten_ref().is_some() {
            self.event_stream = p.event_stream.clone();
        }
    }
    fn shed(&mut self, r: &Self) {
        if r.event_stream.flatten_ref().is_some() {
            self.event_stream = Known::Known(None);
        }
    }
}

impl Keyed for LexBot {
    fn key(&self) -> Option<String> {
        known(&self.id).or_else(|| Some(format!("name {}", self.name)))
    }
    fn placeholder(&self) -> bool {
        false
    }
    fn absorb(&mut self, p: &Self) {
        let aliases = std::mem::take(&mut self.aliases);
        *self = p.clone();
        self.aliases = aliases;
    }
}

impl Keyed for AttachedPolicy {
    fn key(&self) -> Option<String> {
        known(&self.arn).or_else(|| Some(format!("name {}", self.name)))
    }
    fn placeholder(&self) -> bool {
        false
    }
}

macro_rules! identity {
    ($t:ty $(, $extra:ident)?) => {
        impl Keyed for $t {
            fn key(&self) -> Option<String> {
                Some(self.name.clone())
            }
            fn placeholder(&self) -> bool {
                self.address.is_none()
            }
            fn absorb(&mut self, p: &Self) {
                let inline = std::mem::take(&mut self.inline_policies);
                let attached = std::mem::take(&mut self.attached_policies);
                if !p.placeholder() {
                    let keep = self.clone();
                    *self = p.clone();
                    identity!(@keep self, keep $(, $extra)?);
                }
                self.inline_policies = inline;
                self.attached_policies = attached;
                merge_list(&mut self.inline_policies, &p.inline_policies);
                merge_list(&mut self.attached_policies, &p.attached_policies);
            }
            fn shed(&mut self, r: &Self) {
                remove_list(&mut self.inline_policies, &r.inline_policies);
                remove_list(&mut self.attached_policies, &r.attached_policies);
            }
        }
    };
    (@keep $self:ident, $keep:ident) => {
        let _ = $keep;
    };
    (@keep $self:ident, $keep:ident, user) => {
        // Credentials are live-only facts.
        $self.password_enabled = $keep.password_enabled;
        $self.password_last_used = $keep.password_last_used;
        $self.password_last_changed = $keep.password_last_changed;
        $self.mfa_devices = $keep.mfa_devices;
        $self.access_keys = $keep.access_keys;
        $self.groups = $keep.groups;
        $self.created = $keep.created;
    };
    (@keep $self:ident, $keep:ident, role) => {
        $self.created = $keep.created;
        $self.last_used = $keep.last_used;
    };
}

identity!(User, user);
identity!(Group);
identity!(Role, role);

fn merge_iam(l: &mut IamFacts, p: &IamFacts) {
    merge_list(&mut l.users, &p.users);
    merge_list(&mut l.groups, &p.groups);
    merge_list(&mut l.roles, &p.roles);
    let planned: Vec<ManagedPolicy> = p
        .policies
        .iter()
        .map(|pp| {
            let mut pp = pp.clone();
            if let Some(live) = l.policies.iter().find(|x| x.name == pp.name) {
                pp.attached_to.extend(live.attached_to.iter().cloned());
            }
            pp
        })
        .collect();
    merge_list(&mut l.policies, &planned);
    if p.password_policy.is_some() {
        l.password_policy = p.password_policy.clone();
    }
}

fn remove_iam(l: &mut IamFacts, r: &IamFacts) {
    remove_list(&mut l.users, &r.users);
    remove_list(&mut l.groups, &r.groups);
    remove_list(&mut l.roles, &r.roles);
    remove_list(&mut l.policies, &r.policies);
    if r.password_policy.is_some() {
        l.password_policy = None;
    }
}

/// Applies `f` when both sides were collected; otherwise the live outcome stands.
fn both<T>(l: &mut Collected<T>, p: &Collected<T>, f: impl FnOnce(&mut T, &T)) {
    if let (Collected::Ok(l), Collected::Ok(p)) = (l, p) {
        f(l, p);
    }
}

/// What the overlay does to one live list with the matching planned list.
trait ListOp {
    fn apply<T: Keyed>(&self, live: &mut Vec<T>, planned: &[T]);
}

/// Planned items replace or join live ones ([`merge_list`]).
struct Merge;
impl ListOp for Merge {
    fn apply<T: Keyed>(&self, live: &mut Vec<T>, planned: &[T]) {
        merge_list(live, planned)
    }
}

/// Destroyed items leave the live list ([`remove_list`]).
struct Remove;
impl ListOp for Remove {
    fn apply<T: Keyed>(&self, live: &mut Vec<T>, removed: &[T]) {
        remove_list(live, removed)
    }
}

/// Applies `op` to every list of a region's facts, each with its counterpart in `p`: the one
/// place that says which regional lists a plan can add to or remove from.
fn each_region_list(l: &mut RegionFacts, p: &RegionFacts, op: &impl ListOp) {
    both(&mut l.apigateway, &p.apigateway, |l, p| {
        op.apply(&mut l.rest_apis, &p.rest_apis);
        op.apply(&mut l.domain_names, &p.domain_names);
    });
    both(&mut l.apigatewayv2, &p.apigatewayv2, |l, p| {
        op.apply(&mut l.apis, &p.apis);
        op.apply(&mut l.domain_names, &p.domain_names);
    });
    both(&mut l.pinpoint, &p.pinpoint, |l, p| {
        op.apply(&mut l.apps, &p.apps)
    });
    both(&mut l.lex, &p.lex, |l, p| op.apply(&mut l.bots, &p.bots));
    both(&mut l.cloudtrail, &p.cloudtrail, |l, p| {
        op.apply(&mut l.trails, &p.trails)
    });
    both(&mut l.config, &p.config, |l, p| {
        op.apply(&mut l.recorders, &p.recorders);
        op.apply(&mut l.delivery_channels, &p.delivery_channels);
        op.apply(&mut l.rules, &p.rules);
    });
    both(&mut l.cloudwatch, &p.cloudwatch, |l, p| {
        op.apply(&mut l.alarms, &p.alarms)
    });
    both(&mut l.logs, &p.logs, |l, p| {
        op.apply(&mut l.metric_filters, &p.metric_filters)
    });
}

fn merge_region(
    l: &mut RegionFacts,
    p: &RegionFacts,
    region: &str,
    decided: &[(String, String, BucketDecided)],
) {
    each_region_list(l, p, &Merge);
    // Planned buckets join the live ones; of a bucket that exists, the plan replaces only
    // what it decides (policy, public access block, ACL, logging).
    both(&mut l.cloudtrail, &p.cloudtrail, |l, p| {
        for (name, planned) in &p.buckets {
            let fields = decided
                .iter()
                .find(|(r, n, _)| r == region && n == name)
                .map(|(_, _, d)| *d)
                .unwrap_or_default();
            let merged = match (l.buckets.get(name), planned) {
                (Some(Collected::Ok(live)), Collected::Ok(plan)) if !fields.created => {
                    Collected::Ok(merge_bucket(live, plan, fields))
                }
                _ => planned.clone(),
            };
            l.buckets.insert(name.clone(), merged);
        }
    });
}

/// A live bucket with what the plan decides about it.
fn merge_bucket(live: &TrailBucket, plan: &TrailBucket, fields: BucketDecided) -> TrailBucket {
    let mut out = live.clone();
    if fields.policy {
        out.policy = plan.policy.clone();
    }
    if fields.public_access_block {
        out.public_access_block = plan.public_access_block.clone();
    }
    if fields.acl {
        out.public_acl_grantees = plan.public_acl_grantees.clone();
    }
    if fields.logging {
        out.logging_target_bucket = plan.logging_target_bucket.clone();
    }
    if plan.address.is_some() {
        out.address = plan.address.clone();
    }
    out
}

fn remove_region(l: &mut RegionFacts, r: &RegionFacts) {
    each_region_list(l, r, &Remove);
}
