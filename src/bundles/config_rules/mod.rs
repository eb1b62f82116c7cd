//! `secbaseline_config_rules`: the AWS Config managed rules of the catalogue for the chosen
//! services (the engine's `remediation::config_rules`), named `<name_prefix><rule>`, and — with
//! a `recorder` block — the region's configuration recorder (all supported types, global ones
//! included), its role, delivery channel and bucket, recording.
//!
//! Layout (terraform-provider-aws anatomy): `schema`, `create` (create and update are one
//! convergence), `read`, `delete`, then `finders`; `plan` holds the planning rules,
//! `model` the desired spec; the managed-rule table, names and recorder defaults are the
//! engine's description of the bundle (`secbaseline_engine::remediation::config_rules`).

mod create;
mod delete;
mod finders;
mod model;
mod plan;
mod read;
pub mod schema;

use std::sync::Arc;

use crate::aws::AwsClients;
use crate::diag::{AttrPath, Diag};
use crate::error::{Error, Result};
use crate::framework::{
    ApplyRequest, BoxFut, PlanRequest, PlanResponse, ProviderState, ReadResult, Resource,
};
use crate::schema::Block;
use crate::value::Value;

pub use catalog::{ManagedRule, RULES, SERVICES};
/// The engine's description of this bundle: managed rules, names, recorder defaults.
pub(crate) use secbaseline_engine::remediation::config_rules as catalog;

/// The resource.
pub struct ConfigRulesResource;

/// Clients and the account/region names are derived in.
pub struct Ctx {
    clients: Arc<AwsClients>,
    region: String,
    account: String,
    partition: String,
}

impl Ctx {
    async fn new(state: &ProviderState) -> Result<Ctx> {
        let clients = state.clients()?;
        let identity = clients.identity().await?;
        Ok(Ctx {
            region: clients.region().to_string(),
            account: identity.account_id,
            partition: identity.partition,
            clients,
        })
    }

    fn config(&self) -> aws_sdk_config::Client {
        self.clients.config(&self.region)
    }
    fn iam(&self) -> aws_sdk_iam::Client {
        self.clients.iam(&self.region)
    }
    fn s3(&self) -> aws_sdk_s3::Client {
        self.clients.s3(&self.region)
    }

    /// The delivery bucket the resource creates (the engine's naming).
    fn bucket_name(&self, prefix: &str) -> String {
        catalog::bucket_name(prefix, &self.account, &self.region)
    }
}

impl Resource for ConfigRulesResource {
    fn name(&self) -> &'static str {
        "secbaseline_config_rules"
    }

    fn schema(&self) -> Block {
        schema::schema()
    }

    fn validate(&self, config: &Value) -> Vec<Diag> {
        schema::validate(config)
    }

    fn plan<'a>(&'a self, state: &'a ProviderState, req: PlanRequest) -> BoxFut<'a, PlanResponse> {
        Box::pin(async move {
            if req.proposed.is_none() {
                return plan::plan(req, None);
            }
            let lookup = match Ctx::new(state).await {
                Ok(ctx) => {
                    let client = ctx.config();
                    let found = async {
                        Ok::<_, Error>(plan::Lookup {
                            region: ctx.region.clone(),
                            recorder: finders::find_recorder(&client).await?,
                            channel: finders::find_channel(&client).await?,
                        })
                    }
                    .await;
                    match found {
                        Ok(l) => Some(l),
                        Err(e) => {
                            return PlanResponse {
                                planned: None,
                                requires_replace: Vec::new(),
                                diags: vec![e.to_diag()],
                            }
                        }
                    }
                }
                Err(_) => None,
            };
            plan::plan(req, lookup.as_ref())
        })
    }

    fn apply<'a>(&'a self, state: &'a ProviderState, req: ApplyRequest) -> BoxFut<'a, ReadResult> {
        Box::pin(async move {
            let ctx = match Ctx::new(state).await {
                Ok(ctx) => ctx,
                Err(e) => return ReadResult::partial(req.prior.clone(), Some(e)),
            };
            match (&req.planned, &req.prior) {
                (None, None) => ReadResult::gone(),
                (None, Some(prior)) => {
                    let (left, result) = delete::delete(&ctx, prior).await;
                    ReadResult::partial(left, result.err())
                }
                (Some(planned), prior) => {
                    let Some(spec) = model::Spec::from_config(&req.config) else {
                        return ReadResult::partial(
                            req.prior.clone(),
                            Some(Error::Internal(
                                "the configuration still has unknown values at apply".into(),
                            )),
                        );
                    };
                    let mut created = prior
                        .as_ref()
                        .map(|p| p.get("created_parts").strings())
                        .unwrap_or_default();
                    let result = create::converge(&ctx, &spec, &mut created).await;
                    // The new state is what AWS has now, whatever happened.
                    let mut base = planned.clone();
                    base.set("created_parts", Value::string_list(created.clone()));
                    if let Some(block) = model::recorder_block(planned) {
                        // Unknown block values are filled by the read below.
                        let mut block = block.clone();
                        for a in ["name", "role_arn", "s3_bucket_name"] {
                            if block.get(a).is_unknown() {
                                block.set(a, Value::Null);
                            }
                        }
                        base.set("recorder", Value::List(vec![block]));
                    }
                    match (read::read(&ctx, &base).await, result) {
                        (Ok(Some(v)), r) => ReadResult::partial(Some(v), r.err()),
                        (Ok(None), Err(e)) => ReadResult::partial(None, Some(e)),
                        (Ok(None), Ok(())) => ReadResult::partial(Some(empty_state(&base)), None),
                        (Err(read_err), Err(e)) => {
                            // The create's own error is the one to act on; the failed
                            // read-back only means the recorded parts may be incomplete,
                            // which the next refresh corrects.
                            let mut r = ReadResult::partial(Some(empty_state(&base)), Some(e));
                            r.diags.push(Diag::warning(
                                "Reading back the AWS Config rules after the failed create also failed",
                                format!(
                                    "{}. The state records the parts known to be created; the next plan refreshes it.",
                                    read_err.to_diag().summary
                                ),
                                None,
                            ));
                            r
                        }
                        (Err(read_err), Ok(())) => {
                            ReadResult::partial(Some(empty_state(&base)), Some(read_err))
                        }
                    }
                }
            }
        })
    }

    fn read<'a>(&'a self, state: &'a ProviderState, current: Value) -> BoxFut<'a, ReadResult> {
        Box::pin(async move {
            let ctx = match Ctx::new(state).await {
                Ok(ctx) => ctx,
                Err(e) => return ReadResult::error(e),
            };
            ReadResult::found(read::read(&ctx, &current).await)
        })
    }

    fn import<'a>(&'a self, state: &'a ProviderState, id: String) -> BoxFut<'a, ReadResult> {
        Box::pin(async move {
            if !schema::is_prefix(&id) {
                return ReadResult {
                    value: None,
                    diags: vec![Diag::error(
                        "Invalid import ID",
                        format!("\"{id}\" is not a name prefix. Import secbaseline_config_rules by its name_prefix, e.g. `terraform import secbaseline_config_rules.main secbaseline-`."),
                        Some(AttrPath::of("id")),
                    )],
                };
            }
            let ctx = match Ctx::new(state).await {
                Ok(ctx) => ctx,
                Err(e) => return ReadResult::error(e),
            };
            let skeleton = match read::import_skeleton(&ctx, &id).await {
                Ok(v) => v,
                Err(e) => return ReadResult::error(e),
            };
            match read::read(&ctx, &skeleton).await {
                Ok(Some(v)) => ReadResult::ok(v),
                Ok(None) => ReadResult {
                    value: None,
                    diags: vec![Diag::error(
                        "Cannot import non-existent remote object",
                        format!(
                            "No AWS Config rule named \"{id}<rule>\" exists in {}.",
                            ctx.region
                        ),
                        None,
                    )],
                },
                Err(e) => ReadResult::error(e),
            }
        })
    }
}

/// A state with no unknowns, for when AWS could not be read back.
fn empty_state(base: &Value) -> Value {
    let mut v = base.clone();
    for a in [
        "rules",
        "recorder_name",
        "delivery_channel_name",
        "recording",
        "records_all_supported",
    ] {
        if !v.get(a).is_wholly_known() {
            v.set(a, Value::Null);
        }
    }
    v
}
