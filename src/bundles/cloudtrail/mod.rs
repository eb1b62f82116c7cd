//! `secbaseline_cloudtrail`: the recommended trail as one resource — a multi-region trail
//! (read and write management events, global service events, log file validation, logging on)
//! with its S3 bucket (CloudTrail policy pinned by `aws:SourceArn`, public access block, server
//! access logging, default encryption), KMS key (rotation, CloudTrail key policy), CloudWatch
//! Logs group and delivery role.
//!
//! Layout (terraform-provider-aws anatomy): `schema`, then `create` (create and update are one
//! convergence), `read`, `delete`, then `finders` and `waiters`; `plan` holds the planning
//! rules, `model` the typed state, names, defaults, the policy documents it writes and
//! the controls a trail satisfies come from the engine's description of the bundle
//! (`secbaseline_engine::remediation::cloudtrail`).

mod create;
mod delete;
mod finders;
mod model;
mod plan;
mod read;
pub mod schema;
mod waiters;

use std::sync::Arc;

use crate::aws::AwsClients;
use crate::diag::{AttrPath, Diag};
use crate::error::Result;
use crate::framework::{
    ApplyRequest, BoxFut, PlanRequest, PlanResponse, ProviderState, ReadResult, Resource,
};
use crate::schema::Block;
use crate::value::Value;

pub use model::TrailState;

use naming::policies;
/// The engine's description of this bundle: names, defaults, what a converged trail satisfies.
pub(crate) use secbaseline_engine::remediation::cloudtrail as naming;

/// The resource.
pub struct CloudTrailResource;

/// AWS clients for the trail's home region, and the scope names are derived in.
pub struct Ctx {
    clients: Arc<AwsClients>,
    scope: naming::Scope,
}

impl Ctx {
    async fn new(state: &ProviderState, region: &str) -> Result<Ctx> {
        let clients = state.clients()?;
        let identity = clients.identity().await?;
        let region = if region.is_empty() {
            clients.region().to_string()
        } else {
            region.to_string()
        };
        Ok(Ctx {
            scope: naming::Scope {
                partition: identity.partition,
                account: identity.account_id,
                region,
            },
            clients,
        })
    }

    fn cloudtrail(&self) -> aws_sdk_cloudtrail::Client {
        self.clients.cloudtrail(&self.scope.region)
    }
    fn s3(&self) -> aws_sdk_s3::Client {
        self.clients.s3(&self.scope.region)
    }
    fn kms(&self) -> aws_sdk_kms::Client {
        self.clients.kms(&self.scope.region)
    }
    fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        self.clients.logs(&self.scope.region)
    }
    fn iam(&self) -> aws_sdk_iam::Client {
        self.clients.iam(&self.scope.region)
    }
}

impl Resource for CloudTrailResource {
    fn name(&self) -> &'static str {
        "secbaseline_cloudtrail"
    }

    fn schema(&self) -> Block {
        schema::schema()
    }

    fn validate(&self, config: &Value) -> Vec<Diag> {
        schema::validate(config)
    }

    fn plan<'a>(&'a self, state: &'a ProviderState, req: PlanRequest) -> BoxFut<'a, PlanResponse> {
        Box::pin(async move {
            let region = state.clients().ok().map(|c| c.region().to_string());
            plan::plan(req, region.as_deref())
        })
    }

    fn apply<'a>(&'a self, state: &'a ProviderState, req: ApplyRequest) -> BoxFut<'a, ReadResult> {
        Box::pin(async move {
            let prior = req.prior.as_ref().map(TrailState::from_value);
            let region = prior
                .as_ref()
                .map(|p| p.home_region.clone())
                .unwrap_or_default();
            let ctx = match Ctx::new(state, &region).await {
                Ok(ctx) => ctx,
                Err(e) => return ReadResult::partial(req.prior.clone(), Some(e)),
            };
            match (&req.planned, prior) {
                (None, None) => ReadResult {
                    value: None,
                    diags: Vec::new(),
                },
                (None, Some(prior)) => {
                    let (left, result) = delete::delete(&ctx, prior).await;
                    ReadResult::partial(left.map(|s| s.to_value()), result.err())
                }
                (Some(planned), prior) => {
                    let spec = match model::Spec::from_plan(planned, &req.config) {
                        Ok(s) => s,
                        Err(e) => return ReadResult::partial(req.prior.clone(), Some(e)),
                    };
                    let (st, result) = create::converge(&ctx, &spec, prior.as_ref()).await;
                    ReadResult::partial(Some(st.to_value()), result.err())
                }
            }
        })
    }

    fn read<'a>(&'a self, state: &'a ProviderState, current: Value) -> BoxFut<'a, ReadResult> {
        Box::pin(async move {
            let prior = TrailState::from_value(&current);
            let ctx = match Ctx::new(state, &prior.home_region).await {
                Ok(ctx) => ctx,
                Err(e) => return ReadResult::error(e),
            };
            ReadResult::found(
                read::read(&ctx, &prior, false)
                    .await
                    .map(|found| found.map(|st| st.to_value())),
            )
        })
    }

    fn import<'a>(&'a self, state: &'a ProviderState, id: String) -> BoxFut<'a, ReadResult> {
        Box::pin(async move {
            if !schema::is_trail_name(&id) {
                return ReadResult {
                    value: None,
                    diags: vec![Diag::error(
                        "Invalid import ID",
                        format!("\"{id}\" is not a trail name. Import secbaseline_cloudtrail by the trail's name, e.g. `terraform import secbaseline_cloudtrail.main main`."),
                        Some(AttrPath::of("id")),
                    )],
                };
            }
            let ctx = match Ctx::new(state, "").await {
                Ok(ctx) => ctx,
                Err(e) => return ReadResult::error(e),
            };
            let skeleton = TrailState::empty(&id, &ctx.scope.region);
            ReadResult::found(
                read::read(&ctx, &skeleton, true)
                    .await
                    .map(|found| found.map(|st| st.to_value())),
            )
        })
    }
}
