//! go-plugin's side services: controller (graceful shutdown), stdio stream, broker, health.

use std::pin::Pin;

use futures::Stream;
use tokio::sync::watch;
use tonic::{Request, Response, Status, Streaming};

use crate::proto::health::{self, health_server::Health};
use crate::proto::plugin::{
    grpc_broker_server::GrpcBroker, grpc_controller_server::GrpcController,
    grpc_stdio_server::GrpcStdio, ConnInfo, Empty, StdioData,
};

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// A stream that yields nothing and ends when shutdown begins, so graceful shutdown is not
/// held up by Terraform's long-lived stdio and broker streams.
fn until_shutdown<T: Send + 'static>(shutdown: watch::Receiver<bool>) -> BoxStream<T> {
    Box::pin(futures::stream::unfold(Some(shutdown), |rx| async move {
        let mut rx = rx?;
        let _ = rx.wait_for(|stopping| *stopping).await;
        None::<(Result<T, Status>, Option<watch::Receiver<bool>>)>
    }))
}

/// Implements GRPCController, GRPCStdio, GRPCBroker and Health.
#[derive(Clone)]
pub struct PluginServices {
    pub shutdown_tx: watch::Sender<bool>,
}

#[tonic::async_trait]
impl GrpcController for PluginServices {
    async fn shutdown(&self, _req: Request<Empty>) -> Result<Response<Empty>, Status> {
        tracing::debug!("GRPCController.Shutdown received");
        let _ = self.shutdown_tx.send(true);
        Ok(Response::new(Empty {}))
    }
}

#[tonic::async_trait]
impl GrpcStdio for PluginServices {
    type StreamStdioStream = BoxStream<StdioData>;

    async fn stream_stdio(
        &self,
        _req: Request<Empty>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        // The provider writes nothing to stdout after the handshake and logs to stderr,
        // which go-plugin already reads; this stream only stays open.
        Ok(Response::new(until_shutdown(self.shutdown_tx.subscribe())))
    }
}

#[tonic::async_trait]
impl GrpcBroker for PluginServices {
    type StartStreamStream = BoxStream<ConnInfo>;

    async fn start_stream(
        &self,
        _req: Request<Streaming<ConnInfo>>,
    ) -> Result<Response<Self::StartStreamStream>, Status> {
        // No sub-plugins are brokered; keep the stream open until shutdown.
        Ok(Response::new(until_shutdown(self.shutdown_tx.subscribe())))
    }
}

#[tonic::async_trait]
impl Health for PluginServices {
    async fn check(
        &self,
        _req: Request<health::HealthCheckRequest>,
    ) -> Result<Response<health::HealthCheckResponse>, Status> {
        Ok(Response::new(health::HealthCheckResponse {
            status: health::health_check_response::ServingStatus::Serving as i32,
        }))
    }
}
