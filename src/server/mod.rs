//! The plugin server: go-plugin handshake, loopback listener with TCP_NODELAY, optional
//! mTLS pinned to Terraform's client certificate, and graceful shutdown.

pub mod conn;
pub mod plugin;
pub mod provider_rpc;
pub mod tls;

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;

use crate::proto::health::health_server::HealthServer;
use crate::proto::plugin::grpc_broker_server::GrpcBrokerServer;
use crate::proto::plugin::grpc_controller_server::GrpcControllerServer;
use crate::proto::plugin::grpc_stdio_server::GrpcStdioServer;
use crate::proto::tfplugin6::provider_server::ProviderServer;
use conn::PluginConn;

/// The cookie Terraform sets so a provider knows it was started as a plugin.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "This binary is a plugin. These are not meant to be executed directly.\n\
         Please execute the program that consumes these plugins, which will\n\
         load any plugins automatically"
    )]
    NotAPlugin,
    #[error("Terraform does not offer plugin protocol 6 (PLUGIN_PROTOCOL_VERSIONS={0}); secbaseline needs Terraform >= 1.0")]
    ProtocolMismatch(String),
    #[error("listening on loopback: {0}")]
    Listen(std::io::Error),
    #[error(transparent)]
    Tls(#[from] tls::TlsSetupError),
    #[error("writing the handshake line: {0}")]
    Handshake(std::io::Error),
    #[error("serving gRPC: {0}")]
    Grpc(String),
}

/// Runs the provider as a Terraform plugin until Terraform shuts it down.
pub async fn serve() -> Result<(), ServeError> {
    if std::env::var(MAGIC_COOKIE_KEY).ok().as_deref() != Some(MAGIC_COOKIE_VALUE) {
        return Err(ServeError::NotAPlugin);
    }
    if let Ok(versions) = std::env::var("PLUGIN_PROTOCOL_VERSIONS") {
        if !versions.split(',').any(|v| v.trim() == "6") {
            return Err(ServeError::ProtocolMismatch(versions));
        }
    }

    let listener = bind_loopback().await.map_err(ServeError::Listen)?;
    let addr = listener.local_addr().map_err(ServeError::Listen)?;
    let tls = match std::env::var("PLUGIN_CLIENT_CERT") {
        Ok(pem) if !pem.trim().is_empty() => Some(tls::server_tls(&pem)?),
        _ => None,
    };

    let (shutdown_tx, mut shutdown_rx) = watch::channel(false);
    let (conn_tx, conn_rx) = mpsc::channel::<Result<PluginConn, std::io::Error>>(16);
    let acceptor = tls
        .as_ref()
        .map(|t| tokio_rustls::TlsAcceptor::from(t.config.clone()));
    tokio::spawn(accept_loop(
        listener,
        acceptor,
        conn_tx,
        shutdown_tx.subscribe(),
    ));

    let plugin = plugin::PluginServices {
        shutdown_tx: shutdown_tx.clone(),
    };
    let provider = provider_rpc::ProviderRpc::new(Arc::new(crate::provider::Registry::new()));
    let router = tonic::transport::Server::builder()
        .tcp_nodelay(true)
        .add_service(ProviderServer::new(provider).max_decoding_message_size(256 * 1024 * 1024))
        .add_service(GrpcControllerServer::new(plugin.clone()))
        .add_service(GrpcStdioServer::new(plugin.clone()))
        .add_service(GrpcBrokerServer::new(plugin.clone()))
        .add_service(HealthServer::new(plugin));

    ignore_interrupts();
    exit_with_parent(shutdown_tx.clone());
    write_handshake(addr, tls.as_ref().map(|t| t.cert_der.as_slice()))
        .map_err(ServeError::Handshake)?;
    tracing::info!(%addr, mtls = tls.is_some(), "secbaseline provider serving");

    let stop = async move {
        let _ = shutdown_rx.wait_for(|s| *s).await;
    };
    let served = router.serve_with_incoming_shutdown(ReceiverStream::new(conn_rx), stop);
    // After a shutdown request, give in-flight RPCs a moment, then exit regardless.
    let mut after = shutdown_tx.subscribe();
    tokio::select! {
        result = served => result.map_err(|e| ServeError::Grpc(e.to_string())),
        _ = async {
            let _ = after.wait_for(|s| *s).await;
            tokio::time::sleep(Duration::from_secs(2)).await;
        } => Ok(()),
    }
}

/// Swallows SIGINT, as go-plugin's servers do. A Ctrl-C reaches the whole process group, but
/// it is Terraform's to handle: it calls StopProvider, lets in-flight applies finish so their
/// state is recorded, and then ends the provider with GRPCController.Shutdown. Exiting here
/// would lose that work (and the default SIGINT action would kill the process outright).
fn ignore_interrupts() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        // Registered now, before the handshake line, so no early Ctrl-C can kill the process.
        match signal(SignalKind::interrupt()) {
            Ok(mut interrupts) => {
                tokio::spawn(async move {
                    let mut count = 0u64;
                    while interrupts.recv().await.is_some() {
                        count += 1;
                        tracing::debug!(
                            count,
                            "interrupt received; ignored (Terraform handles it)"
                        );
                    }
                });
            }
            Err(e) => tracing::warn!(error = %e, "could not install the interrupt handler"),
        }
    }
    #[cfg(not(unix))]
    tokio::spawn(async {
        let mut count = 0u64;
        while tokio::signal::ctrl_c().await.is_ok() {
            count += 1;
            tracing::debug!(count, "interrupt received; ignored (Terraform handles it)");
        }
    });
}

/// How often the provider checks that the process that started it is still there.
const PARENT_CHECK_INTERVAL: Duration = Duration::from_secs(1);
/// How long a graceful shutdown may take once the parent is gone, before the process exits.
const ORPHAN_EXIT_GRACE: Duration = Duration::from_secs(5);

/// Shuts the server down when the process that started it (Terraform) is gone. A Terraform
/// killed with SIGKILL never calls GRPCController.Shutdown; without this the provider would
/// live on as an orphan, and an apply still running in it could race the next one. A plain
/// thread, not a task: it must work even when every runtime worker is busy or stuck, so after
/// a short grace it ends the process outright.
fn exit_with_parent(shutdown_tx: watch::Sender<bool>) {
    #[cfg(unix)]
    {
        let parent = std::os::unix::process::parent_id();
        let spawned = std::thread::Builder::new()
            .name("parent-watch".into())
            .spawn(move || loop {
                std::thread::sleep(PARENT_CHECK_INTERVAL);
                if std::os::unix::process::parent_id() != parent {
                    tracing::warn!(
                        parent,
                        "the process that started the provider is gone; shutting down"
                    );
                    let _ = shutdown_tx.send(true);
                    std::thread::sleep(ORPHAN_EXIT_GRACE);
                    std::process::exit(1);
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "could not start the parent watch");
        }
    }
    #[cfg(not(unix))]
    drop(shutdown_tx);
}

/// Binds 127.0.0.1 within PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT when given, else any free port.
async fn bind_loopback() -> std::io::Result<TcpListener> {
    let min = std::env::var("PLUGIN_MIN_PORT")
        .ok()
        .and_then(|v| v.parse::<u16>().ok());
    let max = std::env::var("PLUGIN_MAX_PORT")
        .ok()
        .and_then(|v| v.parse::<u16>().ok());
    if let (Some(min), Some(max)) = (min, max) {
        for port in min..=max {
            if let Ok(l) = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await {
                return Ok(l);
            }
        }
        return Err(std::io::Error::new(
            std::io::ErrorKind::AddrInUse,
            format!("no free port between {min} and {max}"),
        ));
    }
    TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
}

/// Accepts connections, sets TCP_NODELAY, completes TLS when configured, and hands them on.
/// A failed TLS handshake (e.g. a client without Terraform's certificate) drops only that
/// connection.
async fn accept_loop(
    listener: TcpListener,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    conns: mpsc::Sender<Result<PluginConn, std::io::Error>>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let accepted: std::io::Result<(TcpStream, SocketAddr)> = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.wait_for(|s| *s) => return,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(error = %e, "accepting a plugin connection failed");
                continue;
            }
        };
        if let Err(e) = stream.set_nodelay(true) {
            tracing::warn!(error = %e, "setting TCP_NODELAY failed");
        }
        let conns = conns.clone();
        match acceptor.clone() {
            None => {
                if conns.send(Ok(PluginConn::Plain(stream))).await.is_err() {
                    return;
                }
            }
            Some(acceptor) => {
                tokio::spawn(async move {
                    match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream))
                        .await
                    {
                        Ok(Ok(tls)) => {
                            let _ = conns.send(Ok(PluginConn::Tls(Box::new(tls)))).await;
                        }
                        Ok(Err(e)) => {
                            tracing::warn!(%peer, error = %e, "refused a plugin connection: TLS handshake failed")
                        }
                        Err(_) => {
                            tracing::warn!(%peer, "refused a plugin connection: TLS handshake timed out")
                        }
                    }
                });
            }
        }
    }
}

/// The go-plugin handshake line; the only thing this process writes to stdout.
pub fn handshake_line(addr: SocketAddr, cert_der: Option<&[u8]>) -> String {
    use base64::Engine;
    let cert = cert_der
        .map(|der| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    format!("1|6|tcp|{addr}|grpc|{cert}")
}

fn write_handshake(addr: SocketAddr, cert_der: Option<&[u8]>) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", handshake_line(addr, cert_der))?;
    out.flush()
}
