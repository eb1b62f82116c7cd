//! `secbaseline_account`: who the provider's credentials are (caller identity and region).

use crate::framework::{BoxFut, DataSource, ProviderState, ReadResult};
use crate::schema::{Attribute, Block};
use crate::value::{Ty, Value};

/// The caller identity data source.
pub struct AccountDataSource;

impl DataSource for AccountDataSource {
    fn name(&self) -> &'static str {
        "secbaseline_account"
    }

    fn schema(&self) -> Block {
        Block::new("The AWS account, identity and region the provider is configured for.")
            .attr(Attribute::computed("id", Ty::String, "The account ID."))
            .attr(Attribute::computed(
                "account_id",
                Ty::String,
                "The 12-digit AWS account ID.",
            ))
            .attr(Attribute::computed(
                "arn",
                Ty::String,
                "ARN of the calling identity.",
            ))
            .attr(Attribute::computed(
                "user_id",
                Ty::String,
                "Unique ID of the calling identity.",
            ))
            .attr(Attribute::computed(
                "partition",
                Ty::String,
                "AWS partition, e.g. `aws`.",
            ))
            .attr(Attribute::computed(
                "region",
                Ty::String,
                "The provider's region.",
            ))
    }

    fn read<'a>(&'a self, state: &'a ProviderState, _config: Value) -> BoxFut<'a, ReadResult> {
        Box::pin(async move {
            let clients = match state.clients() {
                Ok(c) => c,
                Err(e) => return ReadResult::error(e),
            };
            match clients.identity().await {
                Ok(id) => ReadResult::ok(Value::object([
                    ("id", Value::string(&id.account_id)),
                    ("account_id", Value::string(&id.account_id)),
                    ("arn", Value::string(&id.arn)),
                    ("user_id", Value::string(&id.user_id)),
                    ("partition", Value::string(&id.partition)),
                    ("region", Value::string(clients.region())),
                ])),
                Err(e) => ReadResult::error(e),
            }
        })
    }
}
