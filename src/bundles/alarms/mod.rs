//! `secbaseline_alarms`: the fourteen CIS metric filters (patterns from the engine's catalogue)
//! on a CloudTrail log group, one alarm each, an SNS topic CloudWatch may publish to (or a
//! given one) with optional e-mail subscriptions, and API Gateway 5XX/latency alarms per stage
//! (the alarms `docs/controls/apigateway_stage_alarms.md` asks for).
//!
//! Layout (terraform-provider-aws anatomy): `schema`, `create` (create and update are one
//! convergence), `read`, `delete`, then `finders`; `plan` holds the planning rules, `desired`
//! the names, patterns, metrics and dimensions.

mod create;
mod delete;
mod desired;
mod finders;
mod plan;
mod read;
pub mod schema;

use std::sync::Arc;

use crate::aws::AwsClients;
use crate::diag::{Diag, Severity};
use crate::error::{Error, Result};
use crate::framework::{
    ApplyRequest, BoxFut, PlanRequest, PlanResponse, ProviderState, ReadResult, Resource,
};
use crate::schema::Block;
use crate::value::Value;

pub use desired::{cis_keys, ApiKind};

/// The resource.
pub struct AlarmsResource;

/// Clients and the account/region names are derived in.
pub struct Ctx {
    clients: Arc<AwsClients>,
    env: desired::Env,
}

impl Ctx {
    async fn new(state: &ProviderState) -> Result<Ctx> {
        let clients = state.clients()?;
        let identity = clients.identity().await?;
        Ok(Ctx {
            env: desired::Env {
                partition: identity.partition,
                account: identity.account_id,
                region: clients.region().to_string(),
            },
            clients,
        })
    }

    fn cloudwatch(&self) -> aws_sdk_cloudwatch::Client {
        self.clients.cloudwatch(&self.env.region)
    }
    fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        self.clients.logs(&self.env.region)
    }
    fn sns(&self) -> aws_sdk_sns::Client {
        self.clients.sns(&self.env.region)
    }

    /// Resolves each `api_gateway` block's API: `Ok(None)` while its ID is unknown.
    async fn resolve_apis(
        &self,
        config: &Value,
    ) -> Vec<std::result::Result<Option<ApiKind>, Diag>> {
        let rest = self.clients.apigateway(&self.env.region);
        let v2 = self.clients.apigatewayv2(&self.env.region);
        let mut out = Vec::new();
        for b in config.get("api_gateway").as_list().unwrap_or_default() {
            let Some(id) = b.get("api_id").as_str() else {
                out.push(Ok(None));
                continue;
            };
            out.push(match finders::find_api(&rest, &v2, id).await {
                Ok(Some(kind)) => Ok(Some(kind)),
                Ok(None) => Err(Diag::error(
                    "API Gateway API not found",
                    format!(
                        "No REST, HTTP or WebSocket API with ID \"{id}\" exists in {}.",
                        self.env.region
                    ),
                    None,
                )),
                Err(e) => Err(e.to_diag()),
            });
        }
        out
    }
}

impl Resource for AlarmsResource {
    fn name(&self) -> &'static str {
        "secbaseline_alarms"
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
                Ok(ctx) => Some(plan::Lookup {
                    apis: ctx.resolve_apis(&req.config).await,
                    env: ctx.env,
                }),
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
                    let Some(inputs) = desired::inputs_from_config(&req.config) else {
                        return ReadResult::partial(
                            req.prior.clone(),
                            Some(Error::Internal(
                                "the configuration still has unknown values at apply".into(),
                            )),
                        );
                    };
                    let mut kinds = Vec::new();
                    for (i, k) in ctx.resolve_apis(&req.config).await.into_iter().enumerate() {
                        match k {
                            Ok(Some(kind)) => kinds.push(kind),
                            Ok(None) => {}
                            Err(mut d) => {
                                d.path = Some(
                                    crate::diag::AttrPath::of("api_gateway")
                                        .index(i as i64)
                                        .attr("api_id"),
                                );
                                return ReadResult {
                                    value: req.prior.clone(),
                                    diags: vec![d],
                                };
                            }
                        }
                    }
                    let prior_facts = create::Prior {
                        log_group: prior.as_ref().and_then(|p| {
                            p.get("cloudtrail_log_group_name")
                                .as_str()
                                .map(str::to_string)
                        }),
                        created_topic_arn: prior
                            .as_ref()
                            .filter(|p| p.get("created_sns_topic") == &Value::Bool(true))
                            .and_then(|p| p.get("sns_topic_arn").as_str().map(str::to_string)),
                    };
                    let result = create::converge(&ctx, &inputs, &kinds, &prior_facts).await;
                    let mut base = planned.clone();
                    base.set("sns_topic_arn", Value::string(inputs.topic_arn(&ctx.env)));
                    base.set(
                        "created_sns_topic",
                        Value::Bool(inputs.given_topic.is_none()),
                    );
                    let state = match read::read(&ctx, &base).await {
                        Ok(Some(v)) => Some(v),
                        Ok(None) => None,
                        Err(read_err) => {
                            let mut diags: Vec<Diag> =
                                result.err().map(|e| vec![e.to_diag()]).unwrap_or_default();
                            diags.push(read_err.to_diag());
                            return ReadResult {
                                value: Some(known_or_null(base)),
                                diags,
                            };
                        }
                    };
                    let mut r = ReadResult::partial(state, result.err());
                    if r.value.is_none() && !r.diags.iter().any(|d| d.severity == Severity::Error) {
                        r.value = Some(known_or_null(base));
                    }
                    r
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
                    diags: vec![read::bad_import_id(&id)],
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
            ReadResult::found(read::read(&ctx, &skeleton).await)
        })
    }
}

/// `v` with unknown computed values nulled (a state must be wholly known).
fn known_or_null(mut v: Value) -> Value {
    for a in [
        "alarms",
        "metric_filters",
        "sns_topic_arn",
        "created_sns_topic",
    ] {
        if !v.get(a).is_wholly_known() {
            v.set(a, Value::Null);
        }
    }
    v
}
