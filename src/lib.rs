//! secbaseline: a Terraform provider that judges an AWS account's security baseline
//! (`secbaseline_assessment`) and fixes it with bundle resources.

pub mod aws;
pub mod bundles;
pub mod collect;
pub mod data_sources;
pub mod diag;
pub mod docs;
pub mod error;
pub mod finding_value;
pub mod framework;
pub mod functions;
pub mod live;
pub mod logging;
pub mod provider;
pub mod schema;
pub mod server;
pub mod value;

/// Code generated from `proto/` (plugin protocol 6, go-plugin services, gRPC health).
#[allow(clippy::all, clippy::unwrap_used, missing_docs)]
pub mod proto {
    pub mod tfplugin6 {
        tonic::include_proto!("tfplugin6");
    }
    pub mod plugin {
        tonic::include_proto!("plugin");
    }
    pub mod health {
        tonic::include_proto!("grpc.health.v1");
    }
}
