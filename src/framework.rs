//! The traits every data source, resource and function implements, and the shared provider state.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

use crate::aws::AwsClients;
use crate::diag::{AttrPath, Diag};
use crate::error::{Error, Result};
use crate::schema::Block;
use crate::value::{Ty, Value};

/// A boxed, sendable future.
pub type BoxFut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// State shared by everything one provider process serves: the configured AWS clients
/// (filled by ConfigureProvider) and the per-process collection cache. Cheap to clone.
#[derive(Clone)]
pub struct ProviderState {
    clients: Arc<RwLock<Access>>,
    pub cache: Arc<crate::collect::CollectionCache>,
    /// The one concurrency budget of every collection this process runs (all accounts,
    /// regions and services): at most this many collections at once.
    pub budget: Arc<tokio::sync::Semaphore>,
}

/// Collections one provider process runs at once when the configuration does not say.
pub const DEFAULT_CONCURRENCY: usize = 32;

impl Default for ProviderState {
    fn default() -> Self {
        ProviderState {
            clients: Arc::default(),
            cache: Arc::default(),
            budget: Arc::new(tokio::sync::Semaphore::new(DEFAULT_CONCURRENCY)),
        }
    }
}

/// What ConfigureProvider left: nothing yet, AWS clients, or a configuration without AWS.
#[derive(Clone, Default)]
enum Access {
    #[default]
    NotConfigured,
    Aws(Arc<AwsClients>),
    WithoutRegion,
}

impl ProviderState {
    /// Stores the configured clients, and sizes the budget as they ask (before any read).
    pub fn set_clients(&self, clients: AwsClients) {
        let want = clients.max_concurrency().unwrap_or(DEFAULT_CONCURRENCY);
        let have = self.budget.available_permits();
        if want > have {
            self.budget.add_permits(want - have);
        } else {
            self.budget.forget_permits(have - want);
        }
        if let Ok(mut slot) = self.clients.write() {
            *slot = Access::Aws(Arc::new(clients));
        }
    }

    /// Records a configuration without AWS access (no region; plan-only use).
    pub fn set_without_aws(&self) {
        if let Ok(mut slot) = self.clients.write() {
            *slot = Access::WithoutRegion;
        }
    }

    /// The configured clients, or why there are none (`NotConfigured`, `NoRegion`).
    pub fn clients(&self) -> Result<Arc<AwsClients>> {
        match self.clients.read().map(|slot| slot.clone()) {
            Ok(Access::Aws(clients)) => Ok(clients),
            Ok(Access::WithoutRegion) => Err(Error::NoRegion),
            Ok(Access::NotConfigured) | Err(_) => Err(Error::NotConfigured),
        }
    }
}

/// What a read returns: the new value (None when gone) and any diagnostics.
pub struct ReadResult {
    pub value: Option<Value>,
    pub diags: Vec<Diag>,
}

impl ReadResult {
    pub fn ok(value: Value) -> Self {
        ReadResult {
            value: Some(value),
            diags: Vec::new(),
        }
    }

    pub fn gone() -> Self {
        ReadResult {
            value: None,
            diags: Vec::new(),
        }
    }

    pub fn error(err: Error) -> Self {
        ReadResult {
            value: None,
            diags: vec![err.to_diag()],
        }
    }

    /// A read's outcome: the state found, gone (`Ok(None)`: removed from state), or the error.
    pub fn found(read: Result<Option<Value>, Error>) -> Self {
        match read {
            Ok(Some(v)) => ReadResult::ok(v),
            Ok(None) => ReadResult::gone(),
            Err(e) => ReadResult::error(e),
        }
    }

    /// The state of what exists plus the error that stopped the operation, if any: what a
    /// partial create, update or delete returns so Terraform records it.
    pub fn partial(value: Option<Value>, err: Option<Error>) -> Self {
        ReadResult {
            value,
            diags: err.map(|e| vec![e.to_diag()]).unwrap_or_default(),
        }
    }
}

/// A data source.
pub trait DataSource: Send + Sync {
    /// The type name, e.g. `secbaseline_account`.
    fn name(&self) -> &'static str;
    fn schema(&self) -> Block;
    /// Checks configuration values beyond their types (computed-only checks are generic).
    fn validate(&self, _config: &Value) -> Vec<Diag> {
        Vec::new()
    }
    fn read<'a>(&'a self, state: &'a ProviderState, config: Value) -> BoxFut<'a, ReadResult>;
}

/// The inputs of PlanResourceChange; `None` stands for null (create / destroy).
pub struct PlanRequest {
    pub prior: Option<Value>,
    pub proposed: Option<Value>,
    pub config: Value,
}

/// The planned state and the attributes whose change forces replacement.
pub struct PlanResponse {
    pub planned: Option<Value>,
    pub requires_replace: Vec<AttrPath>,
    pub diags: Vec<Diag>,
}

/// The inputs of ApplyResourceChange; `planned: None` means destroy.
pub struct ApplyRequest {
    pub prior: Option<Value>,
    pub planned: Option<Value>,
    pub config: Value,
}

/// A managed resource.
pub trait Resource: Send + Sync {
    fn name(&self) -> &'static str;
    fn schema(&self) -> Block;
    fn validate(&self, _config: &Value) -> Vec<Diag> {
        Vec::new()
    }
    fn plan<'a>(&'a self, state: &'a ProviderState, req: PlanRequest) -> BoxFut<'a, PlanResponse>;
    /// Creates, updates or deletes. On partial failure, returns the state of what exists
    /// together with the error, so Terraform records it and nothing is orphaned.
    fn apply<'a>(&'a self, state: &'a ProviderState, req: ApplyRequest) -> BoxFut<'a, ReadResult>;
    fn read<'a>(&'a self, state: &'a ProviderState, current: Value) -> BoxFut<'a, ReadResult>;
    fn import<'a>(&'a self, state: &'a ProviderState, id: String) -> BoxFut<'a, ReadResult>;
}

/// Why a function call failed, and which argument caused it.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionFailure {
    pub text: String,
    pub argument: Option<i64>,
}

/// One positional parameter of a provider function.
pub struct Param {
    pub name: &'static str,
    pub ty: Ty,
    pub description: &'static str,
    /// Terraform calls the function with unknown values inside this argument instead of
    /// returning unknown itself (for judging planned objects with computed attributes).
    pub allow_unknown: bool,
}

/// A provider-defined function (`provider::secbaseline::<name>`).
pub trait Function: Send + Sync {
    fn name(&self) -> &'static str;
    fn summary(&self) -> &'static str;
    fn description(&self) -> &'static str;
    fn params(&self) -> Vec<Param>;
    fn return_type(&self) -> Ty;
    fn call(&self, args: Vec<Value>) -> std::result::Result<Value, FunctionFailure>;
}
