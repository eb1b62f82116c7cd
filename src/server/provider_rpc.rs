//! The tfplugin6 Provider service: decodes requests, dispatches to the registry, encodes replies.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use crate::diag::{self, AttrPath, Diag};
use crate::error::Error;
use crate::framework::{ApplyRequest, PlanRequest, ProviderState};
use crate::proto::tfplugin6 as pb;
use crate::proto::tfplugin6::provider_server::Provider;
use crate::provider::Registry;
use crate::value::{Ty, Value};

/// Serves the provider RPCs.
pub struct ProviderRpc {
    registry: Arc<Registry>,
    state: ProviderState,
}

impl ProviderRpc {
    pub fn new(registry: Arc<Registry>) -> Self {
        ProviderRpc {
            registry,
            state: ProviderState::default(),
        }
    }
}

/// Decodes a DynamicValue (msgpack, or JSON from older state).
fn decode(dv: Option<&pb::DynamicValue>, what: &str) -> Result<Value, Diag> {
    let Some(dv) = dv else { return Ok(Value::Null) };
    let decoded = if !dv.msgpack.is_empty() {
        Value::from_msgpack(&dv.msgpack)
    } else if !dv.json.is_empty() {
        Value::from_json_bytes(&dv.json)
    } else {
        Ok(Value::Null)
    };
    decoded.map_err(|e| {
        Error::Decode {
            what: what.to_string(),
            detail: e.to_string(),
        }
        .to_diag()
    })
}

fn encode(value: &Value, ty: &Ty) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack: value.to_msgpack(ty),
        json: Vec::new(),
    }
}

fn some_if_not_null(v: Value) -> Option<Value> {
    if v.is_null() {
        None
    } else {
        Some(v)
    }
}

fn unknown_type(kind: &str, name: &str) -> Diag {
    Diag::error(
        format!("Unknown {kind} type"),
        format!("The secbaseline provider has no {kind} named \"{name}\"."),
        None,
    )
}

#[tonic::async_trait]
impl Provider for ProviderRpc {
    async fn get_metadata(
        &self,
        _req: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            diagnostics: Vec::new(),
            data_sources: self
                .registry
                .data_sources
                .keys()
                .map(|n| pb::get_metadata::DataSourceMetadata {
                    type_name: n.to_string(),
                })
                .collect(),
            resources: self
                .registry
                .resources
                .keys()
                .map(|n| pb::get_metadata::ResourceMetadata {
                    type_name: n.to_string(),
                })
                .collect(),
            functions: self
                .registry
                .functions
                .keys()
                .map(|n| pb::get_metadata::FunctionMetadata {
                    name: n.to_string(),
                })
                .collect(),
        }))
    }

    async fn get_provider_schema(
        &self,
        _req: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        Ok(Response::new(self.registry.schema_response()))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let diags = match decode(req.get_ref().config.as_ref(), "provider configuration") {
            Ok(config) => crate::provider::validate_config(&config),
            Err(d) => vec![d],
        };
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics: diag::to_proto(&diags),
        }))
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let diags = match (
            self.registry.resources.get(req.type_name.as_str()),
            decode(req.config.as_ref(), "resource configuration"),
        ) {
            (None, _) => vec![unknown_type("resource", &req.type_name)],
            (Some(_), Err(d)) => vec![d],
            (Some(r), Ok(config)) => {
                let mut diags = r.schema().reject_computed_only(&config, &AttrPath::root());
                diags.extend(r.validate(&config));
                diags
            }
        };
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics: diag::to_proto(&diags),
        }))
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let req = req.into_inner();
        let diags = match (
            self.registry.data_sources.get(req.type_name.as_str()),
            decode(req.config.as_ref(), "data source configuration"),
        ) {
            (None, _) => vec![unknown_type("data source", &req.type_name)],
            (Some(_), Err(d)) => vec![d],
            (Some(ds), Ok(config)) => {
                let mut diags = ds.schema().reject_computed_only(&config, &AttrPath::root());
                diags.extend(ds.validate(&config));
                diags
            }
        };
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics: diag::to_proto(&diags),
        }))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = req.into_inner();
        let Some(resource) = self.registry.resources.get(req.type_name.as_str()) else {
            return Ok(Response::new(pb::upgrade_resource_state::Response {
                upgraded_state: None,
                diagnostics: diag::to_proto(&[unknown_type("resource", &req.type_name)]),
            }));
        };
        let ty = resource.schema().ty();
        let raw = req.raw_state.map(|r| r.json).unwrap_or_default();
        let result = if raw.is_empty() {
            Ok(Value::Null)
        } else {
            Value::from_json_bytes(&raw)
        };
        Ok(Response::new(match result {
            Ok(v) => pb::upgrade_resource_state::Response {
                upgraded_state: Some(encode(&v, &ty)),
                diagnostics: Vec::new(),
            },
            Err(e) => pb::upgrade_resource_state::Response {
                upgraded_state: None,
                diagnostics: diag::to_proto(&[Error::Decode {
                    what: "stored state".into(),
                    detail: e.to_string(),
                }
                .to_diag()]),
            },
        }))
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let diags = match decode(req.get_ref().config.as_ref(), "provider configuration") {
            Err(d) => vec![d],
            Ok(config) => match crate::provider::configure(&config).await {
                Ok(Some(clients)) => {
                    self.state.set_clients(clients);
                    Vec::new()
                }
                Ok(None) => {
                    self.state.set_without_aws();
                    Vec::new()
                }
                Err(diags) => diags,
            },
        };
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics: diag::to_proto(&diags),
        }))
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = req.into_inner();
        let Some(resource) = self.registry.resources.get(req.type_name.as_str()) else {
            return Ok(Response::new(pb::read_resource::Response {
                diagnostics: diag::to_proto(&[unknown_type("resource", &req.type_name)]),
                ..Default::default()
            }));
        };
        let ty = resource.schema().ty();
        let current = match decode(req.current_state.as_ref(), "resource state") {
            Ok(v) => v,
            Err(d) => {
                return Ok(Response::new(pb::read_resource::Response {
                    diagnostics: diag::to_proto(&[d]),
                    ..Default::default()
                }))
            }
        };
        let result = resource.read(&self.state, current.clone()).await;
        // On error keep the current state so Terraform does not forget the resource.
        let new_state = if diag::has_errors(&result.diags) && result.value.is_none() {
            current
        } else {
            result.value.unwrap_or(Value::Null)
        };
        Ok(Response::new(pb::read_resource::Response {
            new_state: Some(encode(&new_state, &ty)),
            diagnostics: diag::to_proto(&result.diags),
            private: req.private,
            deferred: None,
        }))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = req.into_inner();
        let Some(resource) = self.registry.resources.get(req.type_name.as_str()) else {
            return Ok(Response::new(pb::plan_resource_change::Response {
                diagnostics: diag::to_proto(&[unknown_type("resource", &req.type_name)]),
                ..Default::default()
            }));
        };
        let ty = resource.schema().ty();
        let decoded = (|| -> Result<PlanRequest, Diag> {
            Ok(PlanRequest {
                prior: some_if_not_null(decode(req.prior_state.as_ref(), "prior state")?),
                proposed: some_if_not_null(decode(
                    req.proposed_new_state.as_ref(),
                    "proposed state",
                )?),
                config: decode(req.config.as_ref(), "resource configuration")?,
            })
        })();
        let plan_req = match decoded {
            Ok(p) => p,
            Err(d) => {
                return Ok(Response::new(pb::plan_resource_change::Response {
                    diagnostics: diag::to_proto(&[d]),
                    ..Default::default()
                }))
            }
        };
        let planned = resource.plan(&self.state, plan_req).await;
        Ok(Response::new(pb::plan_resource_change::Response {
            planned_state: Some(encode(&planned.planned.unwrap_or(Value::Null), &ty)),
            requires_replace: planned
                .requires_replace
                .iter()
                .map(AttrPath::to_proto)
                .collect(),
            planned_private: req.prior_private,
            diagnostics: diag::to_proto(&planned.diags),
            legacy_type_system: false,
            deferred: None,
        }))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = req.into_inner();
        let Some(resource) = self.registry.resources.get(req.type_name.as_str()) else {
            return Ok(Response::new(pb::apply_resource_change::Response {
                diagnostics: diag::to_proto(&[unknown_type("resource", &req.type_name)]),
                ..Default::default()
            }));
        };
        let ty = resource.schema().ty();
        let decoded = (|| -> Result<ApplyRequest, Diag> {
            Ok(ApplyRequest {
                prior: some_if_not_null(decode(req.prior_state.as_ref(), "prior state")?),
                planned: some_if_not_null(decode(req.planned_state.as_ref(), "planned state")?),
                config: decode(req.config.as_ref(), "resource configuration")?,
            })
        })();
        let apply_req = match decoded {
            Ok(a) => a,
            Err(d) => {
                return Ok(Response::new(pb::apply_resource_change::Response {
                    diagnostics: diag::to_proto(&[d]),
                    ..Default::default()
                }))
            }
        };
        let result = resource.apply(&self.state, apply_req).await;
        Ok(Response::new(pb::apply_resource_change::Response {
            new_state: Some(encode(&result.value.unwrap_or(Value::Null), &ty)),
            private: req.planned_private,
            diagnostics: diag::to_proto(&result.diags),
            legacy_type_system: false,
        }))
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = req.into_inner();
        let Some(resource) = self.registry.resources.get(req.type_name.as_str()) else {
            return Ok(Response::new(pb::import_resource_state::Response {
                diagnostics: diag::to_proto(&[unknown_type("resource", &req.type_name)]),
                ..Default::default()
            }));
        };
        let ty = resource.schema().ty();
        let result = resource.import(&self.state, req.id.clone()).await;
        let mut diags = result.diags;
        let imported = match result.value {
            Some(v) => vec![pb::import_resource_state::ImportedResource {
                type_name: req.type_name.clone(),
                state: Some(encode(&v, &ty)),
                private: Vec::new(),
            }],
            None => {
                if !diag::has_errors(&diags) {
                    diags.push(Diag::error(
                        "Cannot import non-existent remote object",
                        format!("No {} with ID \"{}\" exists in the account and region the provider is configured for.", req.type_name, req.id),
                        None,
                    ));
                }
                Vec::new()
            }
        };
        Ok(Response::new(pb::import_resource_state::Response {
            imported_resources: imported,
            diagnostics: diag::to_proto(&diags),
            deferred: None,
        }))
    }

    async fn move_resource_state(
        &self,
        _req: Request<pb::move_resource_state::Request>,
    ) -> Result<Response<pb::move_resource_state::Response>, Status> {
        Ok(Response::new(pb::move_resource_state::Response {
            target_state: None,
            diagnostics: diag::to_proto(&[Diag::error(
                "Move not supported",
                "secbaseline resources cannot be the target of a `moved` block from another resource type.",
                None,
            )]),
            target_private: Vec::new(),
        }))
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = req.into_inner();
        let Some(ds) = self.registry.data_sources.get(req.type_name.as_str()) else {
            return Ok(Response::new(pb::read_data_source::Response {
                diagnostics: diag::to_proto(&[unknown_type("data source", &req.type_name)]),
                ..Default::default()
            }));
        };
        let ty = ds.schema().ty();
        let config = match decode(req.config.as_ref(), "data source configuration") {
            Ok(v) => v,
            Err(d) => {
                return Ok(Response::new(pb::read_data_source::Response {
                    diagnostics: diag::to_proto(&[d]),
                    ..Default::default()
                }))
            }
        };
        let result = ds.read(&self.state, config).await;
        Ok(Response::new(pb::read_data_source::Response {
            state: result.value.map(|v| encode(&v, &ty)),
            diagnostics: diag::to_proto(&result.diags),
            deferred: None,
        }))
    }

    async fn get_functions(
        &self,
        _req: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        Ok(Response::new(pb::get_functions::Response {
            functions: self.registry.function_definitions(),
            diagnostics: Vec::new(),
        }))
    }

    async fn call_function(
        &self,
        req: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        let req = req.into_inner();
        let Some(function) = self.registry.functions.get(req.name.as_str()) else {
            return Ok(Response::new(pb::call_function::Response {
                result: None,
                error: Some(pb::FunctionError {
                    text: format!("unknown function \"{}\"", req.name),
                    function_argument: None,
                }),
            }));
        };
        let mut args = Vec::with_capacity(req.arguments.len());
        let params = function.params();
        for (i, dv) in req.arguments.iter().enumerate() {
            // `dynamic` parameters arrive as [type JSON, value] pairs (cty msgpack).
            let dynamic = params.get(i).is_some_and(|p| p.ty == Ty::Dynamic);
            let decoded = decode(Some(dv), "function argument").and_then(|v| {
                if !dynamic {
                    return Ok(v);
                }
                v.unwrap_dynamic().map(|(_, v)| v).map_err(|e| {
                    Error::Decode {
                        what: "function argument".into(),
                        detail: e.to_string(),
                    }
                    .to_diag()
                })
            });
            match decoded {
                Ok(v) => args.push(v),
                Err(d) => {
                    return Ok(Response::new(pb::call_function::Response {
                        result: None,
                        error: Some(pb::FunctionError {
                            text: d.detail,
                            function_argument: Some(i as i64),
                        }),
                    }))
                }
            }
        }
        let ty = function.return_type();
        Ok(Response::new(match function.call(args) {
            Ok(v) => pb::call_function::Response {
                result: Some(encode(&v, &ty)),
                error: None,
            },
            Err(f) => pb::call_function::Response {
                result: None,
                error: Some(pb::FunctionError {
                    text: f.text,
                    function_argument: f.argument,
                }),
            },
        }))
    }

    async fn stop_provider(
        &self,
        _req: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        // StopProvider asks to cancel in-flight work (Ctrl-C); AWS calls in flight finish
        // on their own timeouts and the process keeps serving until GRPCController.Shutdown.
        tracing::info!("StopProvider received");
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}

/// What this provider tells Terraform it supports.
pub fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: false,
        get_provider_schema_optional: false,
        move_resource_state: false,
    }
}
