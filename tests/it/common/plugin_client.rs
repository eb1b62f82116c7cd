//! Starting the provider binary the way Terraform does, and speaking tfplugin6 to it.
//!
//! Shared by the protocol tests (`tests/it/protocol.rs`, through `crate::common`) and the benchmark
//! (`benches/bench.rs` includes this file with `#[path]`), so it depends only on the crate and
//! its (dev-)dependencies, never on the rest of `tests/it/common`.
//!
//! - [`Launch`] builds the command: go-plugin's magic cookie, `PLUGIN_PROTOCOL_VERSIONS=6`, and
//!   in mTLS mode a client certificate made like Terraform's in `PLUGIN_CLIENT_CERT`. The
//!   machine's AWS and Terraform logging variables are removed so only what a test sets counts.
//! - [`Plugin`] is the running process: the parsed handshake line, everything else it wrote to
//!   stdout/stderr (captured on threads), and gRPC clients over the connection Terraform would
//!   make (TLS trusting exactly the certificate in the handshake line, ALPN h2).
//! - Helpers msgpack-encode configuration for the provider's own schemas and decode results.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use base64::Engine;
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio::net::TcpStream;
use tonic::transport::{Channel, Endpoint, Uri};

use terraform_provider_secbaseline::proto::plugin::grpc_controller_client::GrpcControllerClient;
use terraform_provider_secbaseline::proto::plugin::grpc_stdio_client::GrpcStdioClient;
use terraform_provider_secbaseline::proto::tfplugin6 as pb;
use terraform_provider_secbaseline::proto::tfplugin6::provider_client::ProviderClient;
use terraform_provider_secbaseline::provider::{provider_schema, Registry};
use terraform_provider_secbaseline::value::{Ty, Value};

/// The provider binary cargo built for this test or bench.
pub const PROVIDER_BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-secbaseline");

/// go-plugin's handshake config as Terraform sets it. Written out here rather than taken from
/// the crate, so a wrong constant in the server fails the tests.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// How long a start may take before the handshake line (a debug build on a busy machine).
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

/// Variables removed from the provider's environment so the machine's setup cannot leak in.
const REMOVED_ENV: &[&str] = &[
    "TF_PLUGIN_MAGIC_COOKIE",
    "PLUGIN_PROTOCOL_VERSIONS",
    "PLUGIN_CLIENT_CERT",
    "PLUGIN_MIN_PORT",
    "PLUGIN_MAX_PORT",
    "TF_LOG",
    "TF_LOG_PROVIDER",
    "TF_LOG_PATH",
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_ENDPOINT_URL",
];

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn err(msg: impl Into<String>) -> BoxError {
    msg.into().into()
}

// ---------------------------------------------------------------------------------------------
// Client certificate
// ---------------------------------------------------------------------------------------------

/// A client certificate made the way go-plugin's `generateCert` makes Terraform's: ECDSA P-521,
/// self-signed, `IsCA: true`, CN and SAN `localhost`, usable for client and server auth.
#[derive(Clone)]
pub struct ClientCert {
    pub pem: String,
    pub der: Vec<u8>,
    key_pkcs8: Vec<u8>,
}

impl ClientCert {
    pub fn generate() -> ClientCert {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512)
            .expect("generating a P-521 key");
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()])
            .expect("certificate parameters");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "localhost");
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "HashiCorp");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::DigitalSignature,
            rcgen::KeyUsagePurpose::KeyEncipherment,
            rcgen::KeyUsagePurpose::KeyAgreement,
            rcgen::KeyUsagePurpose::KeyCertSign,
        ];
        params.extended_key_usages = vec![
            rcgen::ExtendedKeyUsagePurpose::ClientAuth,
            rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        ];
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::seconds(30);
        params.not_after = now + time::Duration::hours(262_980);
        let cert = params
            .self_signed(&key)
            .expect("self-signing the client certificate");
        ClientCert {
            pem: cert.pem(),
            der: cert.der().to_vec(),
            key_pkcs8: key.serialize_der(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Launching
// ---------------------------------------------------------------------------------------------

/// How to start the provider.
#[derive(Clone)]
pub struct Launch {
    /// `Some`: mTLS with this certificate in `PLUGIN_CLIENT_CERT`; `None`: plaintext gRPC.
    pub client_cert: Option<ClientCert>,
    /// Set the magic cookie (Terraform always does).
    pub magic_cookie: bool,
    /// Extra environment, applied last.
    pub env: Vec<(String, String)>,
}

impl Launch {
    /// As Terraform starts a provider: mTLS with a fresh client certificate.
    pub fn mtls() -> Launch {
        Launch {
            client_cert: Some(ClientCert::generate()),
            magic_cookie: true,
            env: Vec::new(),
        }
    }

    /// Without `PLUGIN_CLIENT_CERT` (go-plugin's plaintext mode).
    pub fn plaintext() -> Launch {
        Launch {
            client_cert: None,
            magic_cookie: true,
            env: Vec::new(),
        }
    }

    pub fn without_magic_cookie(mut self) -> Launch {
        self.magic_cookie = false;
        self
    }

    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Launch {
        self.env.push((key.into(), value.into()));
        self
    }

    #[allow(dead_code)] // used by benches/bench.rs (no test needs it)
    pub fn envs<K: Into<String>, V: Into<String>>(
        mut self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Launch {
        self.env
            .extend(vars.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// The command, with stdio not yet configured.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(PROVIDER_BIN);
        for var in REMOVED_ENV {
            cmd.env_remove(var);
        }
        cmd.env("AWS_EC2_METADATA_DISABLED", "true");
        cmd.env("AWS_CONFIG_FILE", "/dev/null");
        cmd.env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        if self.magic_cookie {
            cmd.env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE);
        }
        cmd.env("PLUGIN_PROTOCOL_VERSIONS", "6");
        if let Some(cert) = &self.client_cert {
            cmd.env("PLUGIN_CLIENT_CERT", &cert.pem);
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        cmd
    }

    /// Starts the provider and waits for its handshake line.
    pub fn start(&self) -> Result<Plugin, BoxError> {
        let mut cmd = self.command();
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = cmd
            .spawn()
            .map_err(|e| err(format!("starting {PROVIDER_BIN}: {e}")))?;
        let stdout = child.stdout.take().ok_or_else(|| err("stdout is piped"))?;
        let stderr = child.stderr.take().ok_or_else(|| err("stderr is piped"))?;

        let stdout_rest = Arc::new(Mutex::new(Vec::new()));
        let stderr_buf = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel::<(Instant, std::io::Result<Vec<u8>>)>();
        let rest = stdout_rest.clone();
        let out_thread = std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = Vec::new();
            let first = reader.read_until(b'\n', &mut line).map(|_| line);
            let _ = tx.send((Instant::now(), first));
            pump(reader, &rest);
        });
        let errs = stderr_buf.clone();
        let err_thread = std::thread::spawn(move || pump(stderr, &errs));

        let mut plugin = Plugin {
            child,
            handshake: Handshake::default(),
            line: String::new(),
            client_cert: self.client_cert.clone(),
            started,
            handshake_after: Duration::ZERO,
            stdout_rest,
            stderr: stderr_buf,
            readers: vec![out_thread, err_thread],
        };
        let first = match rx.recv_timeout(HANDSHAKE_TIMEOUT) {
            Ok((at, Ok(line))) if !line.is_empty() => {
                plugin.handshake_after = at - started;
                line
            }
            Ok((_, Ok(_))) => {
                return Err(plugin.failed("the provider closed stdout without a handshake line"))
            }
            Ok((_, Err(e))) => {
                return Err(plugin.failed(&format!("reading the handshake line: {e}")))
            }
            Err(_) => {
                return Err(
                    plugin.failed(&format!("no handshake line within {HANDSHAKE_TIMEOUT:?}"))
                )
            }
        };
        let line = String::from_utf8(first)
            .map_err(|_| plugin.failed("the handshake line is not UTF-8"))?;
        plugin.line = line.strip_suffix('\n').unwrap_or(&line).to_string();
        plugin.handshake = Handshake::parse(&plugin.line).map_err(|e| plugin.failed(&e))?;
        Ok(plugin)
    }
}

/// Copies a pipe into a shared buffer until it closes.
fn pump(mut from: impl Read, into: &Mutex<Vec<u8>>) {
    let mut buf = [0u8; 8192];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => into
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend_from_slice(&buf[..n]),
        }
    }
}

/// go-plugin's handshake line, `CORE|APP|NETWORK|ADDR|PROTOCOL|CERT`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Handshake {
    pub core_version: String,
    pub app_version: String,
    pub network: String,
    pub addr: Option<SocketAddr>,
    pub protocol: String,
    /// The server certificate (base64 RawStd in the line), when serving TLS.
    pub cert_der: Option<Vec<u8>>,
}

impl Handshake {
    /// Parses the line as go-plugin's client does (plus: the address must be an IP:port).
    pub fn parse(line: &str) -> Result<Handshake, String> {
        let parts: Vec<&str> = line.split('|').collect();
        if parts.len() != 6 {
            return Err(format!(
                "handshake line has {} fields, not 6: {line:?}",
                parts.len()
            ));
        }
        let addr = parts[3]
            .parse::<SocketAddr>()
            .map_err(|e| format!("address {:?}: {e}", parts[3]))?;
        let cert_der = if parts[5].is_empty() {
            None
        } else {
            // go-plugin decodes with base64.RawStdEncoding: standard alphabet, no padding.
            Some(
                base64::engine::general_purpose::STANDARD_NO_PAD
                    .decode(parts[5])
                    .map_err(|e| format!("certificate is not base64 RawStd: {e}"))?,
            )
        };
        Ok(Handshake {
            core_version: parts[0].to_string(),
            app_version: parts[1].to_string(),
            network: parts[2].to_string(),
            addr: Some(addr),
            protocol: parts[4].to_string(),
            cert_der,
        })
    }
}

/// What a finished provider process left behind.
#[derive(Debug)]
pub struct Finished {
    /// `None` when it had to be killed.
    pub status: Option<ExitStatus>,
    /// Everything on stdout after the handshake line.
    pub stdout_rest: Vec<u8>,
    pub stderr: String,
}

/// A running provider process; killed on drop.
pub struct Plugin {
    child: Child,
    pub handshake: Handshake,
    /// The raw handshake line without its newline.
    pub line: String,
    pub client_cert: Option<ClientCert>,
    #[allow(dead_code)] // used by benches/bench.rs (no test needs it)
    pub started: Instant,
    /// From spawn to the handshake line being read.
    pub handshake_after: Duration,
    stdout_rest: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
}

impl Plugin {
    /// The address from the handshake line.
    pub fn addr(&self) -> SocketAddr {
        self.handshake
            .addr
            .expect("a started plugin has an address")
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stderr so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }

    /// Stdout after the handshake line, so far.
    pub fn stdout_rest(&self) -> Vec<u8> {
        self.stdout_rest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Kills the process and builds an error that carries what it wrote to stderr.
    fn failed(&mut self, why: &str) -> BoxError {
        let _ = self.child.kill();
        let status = self.child.wait().ok();
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
        err(format!(
            "{why} (exit: {status:?})\n--- provider stderr ---\n{}",
            self.stderr()
        ))
    }

    /// Waits up to `timeout` for the process to exit on its own.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits up to `timeout` for the process to exit (killing it after that) and collects its
    /// output.
    pub fn finish(mut self, timeout: Duration) -> Finished {
        let status = self.wait_exit(timeout);
        if status.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
        Finished {
            status,
            stdout_rest: self.stdout_rest(),
            stderr: self.stderr(),
        }
    }

    /// A channel over the connection Terraform would make: mTLS with this launch's client
    /// certificate, or plaintext when there is none.
    pub async fn channel(&self) -> Result<Channel, BoxError> {
        match &self.handshake.cert_der {
            Some(server_cert) => {
                self.tls_channel(server_cert.clone(), self.client_cert.as_ref())
                    .await
            }
            None => self.plain_channel().await,
        }
    }

    /// A plaintext HTTP/2 channel (also used to show a TLS server refuses it).
    pub async fn plain_channel(&self) -> Result<Channel, BoxError> {
        let addr = self.addr();
        let connector = tower::service_fn(move |_: Uri| async move {
            let tcp = TcpStream::connect(addr).await?;
            tcp.set_nodelay(true)?;
            Ok::<_, std::io::Error>(TokioIo::new(tcp))
        });
        Ok(endpoint(addr)?.connect_with_connector(connector).await?)
    }

    /// A TLS channel trusting exactly `server_cert`, presenting `client` (or no certificate).
    pub async fn tls_channel(
        &self,
        server_cert: Vec<u8>,
        client: Option<&ClientCert>,
    ) -> Result<Channel, BoxError> {
        let addr = self.addr();
        let tls =
            tokio_rustls::TlsConnector::from(Arc::new(client_tls_config(server_cert, client)?));
        let connector = tower::service_fn(move |_: Uri| {
            let tls = tls.clone();
            async move {
                let tcp = TcpStream::connect(addr).await?;
                tcp.set_nodelay(true)?;
                let name = ServerName::try_from("localhost").map_err(std::io::Error::other)?;
                let stream = tls.connect(name, tcp).await?;
                Ok::<_, std::io::Error>(TokioIo::new(stream))
            }
        });
        Ok(endpoint(addr)?.connect_with_connector(connector).await?)
    }

    /// The tfplugin6 client Terraform uses.
    pub async fn provider(&self) -> Result<ProviderClient<Channel>, BoxError> {
        Ok(provider_client(self.channel().await?))
    }

    /// go-plugin's controller (Shutdown).
    pub async fn controller(&self) -> Result<GrpcControllerClient<Channel>, BoxError> {
        Ok(GrpcControllerClient::new(self.channel().await?))
    }

    /// go-plugin's stdio stream client.
    pub async fn stdio(&self) -> Result<GrpcStdioClient<Channel>, BoxError> {
        Ok(GrpcStdioClient::new(self.channel().await?))
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tfplugin6 client on `channel` that accepts schema-sized messages.
pub fn provider_client(channel: Channel) -> ProviderClient<Channel> {
    ProviderClient::new(channel).max_decoding_message_size(256 * 1024 * 1024)
}

fn endpoint(addr: SocketAddr) -> Result<Endpoint, BoxError> {
    // The connector makes the connection; the URI only names the authority in requests.
    Ok(Endpoint::from_shared(format!("http://{addr}"))?
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120)))
}

/// rustls client config: trust exactly `server_cert`, present `client` if given, ALPN h2.
pub fn client_tls_config(
    server_cert: Vec<u8>,
    client: Option<&ClientCert>,
) -> Result<rustls::ClientConfig, BoxError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = Arc::new(ExactServerCert {
        expected: server_cert,
        provider: provider.clone(),
    });
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match client {
        Some(c) => builder.with_client_auth_cert(
            vec![CertificateDer::from(c.der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(c.key_pkcs8.clone())),
        )?,
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

/// Trusts one server certificate, byte for byte (as go-plugin pins the handshake line's
/// certificate), and checks the handshake signature with it.
#[derive(Debug)]
struct ExactServerCert {
    expected: Vec<u8>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for ExactServerCert {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.expected.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "server certificate differs from the handshake line's".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

// ---------------------------------------------------------------------------------------------
// Values and diagnostics
// ---------------------------------------------------------------------------------------------

/// `value` msgpack-encoded for `ty` (missing attributes become null, as Terraform sends them).
pub fn dynamic(value: &Value, ty: &Ty) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack: value.to_msgpack(ty),
        json: Vec::new(),
    }
}

/// A provider block configuration, encoded for the provider's schema.
pub fn provider_config(value: &Value) -> pb::DynamicValue {
    dynamic(value, &provider_schema().ty())
}

/// The object type of a data source's schema.
pub fn data_source_ty(type_name: &str) -> Ty {
    Registry::new()
        .data_sources
        .get(type_name)
        .unwrap_or_else(|| panic!("no data source named {type_name}"))
        .schema()
        .ty()
}

/// A data source configuration, encoded for its schema.
pub fn data_source_config(type_name: &str, value: &Value) -> pb::DynamicValue {
    dynamic(value, &data_source_ty(type_name))
}

/// Decodes a DynamicValue the provider returned (absent → null).
pub fn decode(dv: Option<&pb::DynamicValue>) -> Value {
    match dv {
        None => Value::Null,
        Some(dv) => Value::from_msgpack(&dv.msgpack).expect("the provider returns valid msgpack"),
    }
}

/// An attribute path as Terraform prints it: `endpoints[0].sts`.
pub fn path_string(path: Option<&pb::AttributePath>) -> String {
    use pb::attribute_path::step::Selector;
    let mut out = String::new();
    for step in path.map(|p| p.steps.as_slice()).unwrap_or_default() {
        match &step.selector {
            Some(Selector::AttributeName(a)) if out.is_empty() => out.push_str(a),
            Some(Selector::AttributeName(a)) => {
                out.push('.');
                out.push_str(a);
            }
            Some(Selector::ElementKeyInt(i)) => out.push_str(&format!("[{i}]")),
            Some(Selector::ElementKeyString(k)) => out.push_str(&format!("[{k:?}]")),
            None => out.push_str("<empty step>"),
        }
    }
    out
}

/// The error diagnostics among `diags`.
pub fn errors(diags: &[pb::Diagnostic]) -> Vec<&pb::Diagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .collect()
}

/// One line per diagnostic, for assertion messages.
pub fn describe(diags: &[pb::Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            format!(
                "[{}] {} — {} (at {:?})",
                d.severity,
                d.summary,
                d.detail,
                path_string(d.attribute.as_ref())
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `p`-th percentile (0–100) of `samples`, nearest rank; sorts in place.
#[allow(dead_code)] // used by benches/bench.rs (no test needs it)
pub fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort_unstable();
    let rank = ((p / 100.0) * (samples.len() - 1) as f64).round() as usize;
    samples[rank.min(samples.len() - 1)]
}
