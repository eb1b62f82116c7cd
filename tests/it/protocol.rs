//! The plugin server as Terraform sees it: the go-plugin handshake, the listener, mTLS pinned
//! to Terraform's client certificate, the tfplugin6 RPCs, graceful shutdown, and that nothing
//! secret reaches the process's output. Each test starts the real binary.

use crate::common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, UdpSocket};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::plugin_client::{
    data_source_config, decode, describe, errors, path_string, provider_client, provider_config,
    ClientCert, Launch, Plugin,
};
use common::Emulator;
use terraform_provider_secbaseline::proto::plugin::Empty;
use terraform_provider_secbaseline::proto::tfplugin6 as pb;
use terraform_provider_secbaseline::proto::tfplugin6::provider_client::ProviderClient;
use terraform_provider_secbaseline::value::Value;
use tonic::transport::Channel;

/// Bound on anything that should be quick, so a hang fails the test instead of stalling it.
const QUICK: Duration = Duration::from_secs(20);

fn start(launch: &Launch) -> Plugin {
    launch
        .start()
        .unwrap_or_else(|e| panic!("starting the provider: {e}"))
}

async fn quick<T>(what: &str, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(QUICK, fut)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {QUICK:?}"))
}

/// Asks the provider to shut down as Terraform does and returns what it left behind.
async fn shut_down(plugin: Plugin) -> common::plugin_client::Finished {
    let mut controller = plugin.controller().await.expect("controller client");
    // The process may exit before the reply is flushed; either outcome is fine here.
    let _ = quick("GRPCController.Shutdown", controller.shutdown(Empty {})).await;
    plugin.finish(Duration::from_secs(5))
}

fn empty() -> Value {
    Value::Map(Default::default())
}

fn single_error<'a>(diags: &'a [pb::Diagnostic], context: &str) -> &'a pb::Diagnostic {
    let errs = errors(diags);
    assert_eq!(
        errs.len(),
        1,
        "{context}: expected exactly one error diagnostic, got:\n{}",
        describe(diags)
    );
    errs[0]
}

// (a) ------------------------------------------------------------------------------------------

#[tokio::test]
async fn handshake_line_is_go_plugin_format_and_the_only_stdout() {
    let plugin = start(&Launch::mtls());
    let line = plugin.line.clone();
    let fields: Vec<&str> = line.split('|').collect();
    assert_eq!(fields.len(), 6, "{line:?}");
    assert_eq!(&fields[..3], ["1", "6", "tcp"], "{line:?}");
    assert_eq!(fields[4], "grpc", "{line:?}");
    assert!(
        !line.contains('='),
        "go-plugin decodes the certificate as base64 RawStd (no padding): {line:?}"
    );
    assert!(
        !line.contains(char::is_whitespace),
        "no stray whitespace: {line:?}"
    );
    let cert = plugin
        .handshake
        .cert_der
        .clone()
        .expect("mTLS mode announces the server certificate");
    assert_eq!(
        cert.first(),
        Some(&0x30),
        "the certificate is DER (an ASN.1 SEQUENCE)"
    );

    // The connection presents exactly that certificate (the client pins it byte for byte).
    let mut client = plugin.provider().await.expect("connecting with mTLS");
    let schema = quick(
        "GetProviderSchema",
        client.get_provider_schema(pb::get_provider_schema::Request {}),
    )
    .await
    .expect("GetProviderSchema over mTLS");
    assert!(schema.get_ref().provider.is_some());

    let finished = shut_down(plugin).await;
    assert!(
        finished.stdout_rest.is_empty(),
        "stdout must hold only the handshake line; after it came: {:?}",
        String::from_utf8_lossy(&finished.stdout_rest)
    );
}

#[tokio::test]
async fn plaintext_mode_announces_no_certificate_and_serves() {
    let plugin = start(&Launch::plaintext());
    assert!(
        plugin.line.ends_with("|grpc|"),
        "no certificate field without PLUGIN_CLIENT_CERT: {:?}",
        plugin.line
    );
    assert_eq!(plugin.handshake.cert_der, None);
    let mut client = plugin.provider().await.expect("plaintext connection");
    let meta = quick(
        "GetMetadata",
        client.get_metadata(pb::get_metadata::Request {}),
    )
    .await
    .expect("GetMetadata");
    assert!(meta
        .get_ref()
        .data_sources
        .iter()
        .any(|d| d.type_name == "secbaseline_account"));
    let finished = shut_down(plugin).await;
    assert!(
        finished.stdout_rest.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&finished.stdout_rest)
    );
}

// (b) ------------------------------------------------------------------------------------------

fn run_to_exit(launch: &Launch) -> std::process::Output {
    let child = launch
        .command()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting the provider");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(QUICK) {
        Ok(out) => out.expect("collecting the provider's output"),
        Err(_) => panic!("the provider (pid {pid}) kept running; it should have exited at once"),
    }
}

#[test]
fn without_the_magic_cookie_it_refuses_to_run() {
    for launch in [
        Launch::mtls().without_magic_cookie(),
        Launch::plaintext().env("TF_PLUGIN_MAGIC_COOKIE", "wrong"),
    ] {
        let out = run_to_exit(&launch);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "exit status {:?}; stderr: {stderr}",
            out.status
        );
        assert!(
            stderr.contains("This binary is a plugin"),
            "stderr: {stderr}"
        );
        assert!(
            out.stdout.is_empty(),
            "no handshake line: {:?}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn without_protocol_6_on_offer_it_refuses_to_run() {
    let out = run_to_exit(&Launch::mtls().env("PLUGIN_PROTOCOL_VERSIONS", "4,5"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "exit status {:?}; stderr: {stderr}",
        out.status
    );
    assert!(
        stderr.contains("protocol 6"),
        "stderr names the protocol it needs: {stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out.stdout)
    );
}

// (c) ------------------------------------------------------------------------------------------

/// The address of this machine's outbound interface, if it has one other than loopback.
/// (A UDP "connect" picks the route without sending anything.)
fn non_loopback_ip() -> Option<IpAddr> {
    let sock = UdpSocket::bind("0.0.0.0:0").ok()?;
    sock.connect("10.255.255.254:9").ok()?;
    let ip = sock.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[tokio::test]
async fn listens_on_ipv4_loopback_only() {
    let plugin = start(&Launch::mtls());
    let addr = plugin.addr();
    assert_eq!(
        addr.ip(),
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        "handshake address {addr}"
    );
    assert_ne!(addr.port(), 0);
    if let Some(ip) = non_loopback_ip() {
        let outside = SocketAddr::new(ip, addr.port());
        let reached = std::net::TcpStream::connect_timeout(&outside, Duration::from_secs(2));
        assert!(
            reached.is_err(),
            "the provider's port answers on {outside}, not only on loopback"
        );
    }
}

#[tokio::test]
async fn honours_plugin_min_and_max_port() {
    // Start the range at a port that was just free; the server walks the range, so another
    // process taking that port meanwhile only moves it along.
    let probe = TcpListener::bind("127.0.0.1:0").expect("probe port");
    let min = probe
        .local_addr()
        .expect("probe addr")
        .port()
        .min(65_535 - 40);
    drop(probe);
    let max = min + 40;
    let plugin = start(
        &Launch::plaintext()
            .env("PLUGIN_MIN_PORT", min.to_string())
            .env("PLUGIN_MAX_PORT", max.to_string()),
    );
    let port = plugin.addr().port();
    assert!(
        (min..=max).contains(&port),
        "port {port} outside PLUGIN_MIN_PORT..PLUGIN_MAX_PORT {min}..{max}"
    );
}

// (d) ------------------------------------------------------------------------------------------

/// Connects and makes one RPC; Err with the reason when either step fails.
async fn try_rpc(channel: Result<Channel, common::plugin_client::BoxError>) -> Result<(), String> {
    let channel = channel.map_err(|e| format!("connect: {e:?}"))?;
    let mut client = provider_client(channel);
    quick(
        "GetMetadata attempt",
        client.get_metadata(pb::get_metadata::Request {}),
    )
    .await
    .map(|_| ())
    .map_err(|s| format!("rpc: {s}"))
}

#[tokio::test]
async fn mtls_accepts_exactly_terraforms_certificate() {
    let plugin = start(&Launch::mtls());
    let server_cert = plugin
        .handshake
        .cert_der
        .clone()
        .expect("server certificate");

    let no_cert =
        try_rpc(quick("connect", plugin.tls_channel(server_cert.clone(), None)).await).await;
    assert!(
        no_cert.is_err(),
        "a TLS client without a certificate was served"
    );

    let stranger = ClientCert::generate();
    let other_cert = try_rpc(
        quick(
            "connect",
            plugin.tls_channel(server_cert.clone(), Some(&stranger)),
        )
        .await,
    )
    .await;
    assert!(
        other_cert.is_err(),
        "a client with a different self-signed certificate was served"
    );

    let plaintext = try_rpc(quick("connect", plugin.plain_channel()).await).await;
    assert!(
        plaintext.is_err(),
        "a plaintext client was served by an mTLS server"
    );

    // Refused connections do not disturb the server: Terraform's certificate still works.
    let right = try_rpc(quick("connect", plugin.channel()).await).await;
    assert_eq!(
        right,
        Ok(()),
        "Terraform's own certificate must be accepted"
    );
    let stderr = plugin.stderr();
    assert!(
        stderr.is_empty(),
        "without TF_LOG the provider writes nothing to stderr: {stderr}"
    );
}

// (e) ------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_provider_schema_lists_the_provider_arguments_and_account_data_source() {
    let plugin = start(&Launch::mtls());
    let mut client = plugin.provider().await.expect("connect");
    let resp = quick(
        "GetProviderSchema",
        client.get_provider_schema(pb::get_provider_schema::Request {}),
    )
    .await
    .expect("GetProviderSchema")
    .into_inner();
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "{}",
        describe(&resp.diagnostics)
    );

    let provider = resp
        .provider
        .and_then(|s| s.block)
        .expect("provider schema block");
    let attrs: Vec<&str> = provider
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    for name in [
        "region",
        "profile",
        "skip_credentials_validation",
        "max_retries",
    ] {
        assert!(
            attrs.contains(&name),
            "provider attribute {name} missing from {attrs:?}"
        );
    }
    let region = provider
        .attributes
        .iter()
        .find(|a| a.name == "region")
        .expect("region");
    assert_eq!(String::from_utf8_lossy(&region.r#type), "\"string\"");
    assert!(region.optional && !region.required && !region.computed);
    let blocks: Vec<&str> = provider
        .block_types
        .iter()
        .map(|b| b.type_name.as_str())
        .collect();
    for name in ["assume_role", "endpoints"] {
        assert!(
            blocks.contains(&name),
            "provider block {name} missing from {blocks:?}"
        );
    }
    let endpoints = provider
        .block_types
        .iter()
        .find(|b| b.type_name == "endpoints")
        .expect("endpoints");
    let services: Vec<&str> = endpoints
        .block
        .as_ref()
        .map(|b| b.attributes.iter().map(|a| a.name.as_str()).collect())
        .unwrap_or_default();
    assert!(
        services.contains(&"sts") && services.contains(&"iam"),
        "{services:?}"
    );

    let account = resp
        .data_source_schemas
        .get("secbaseline_account")
        .expect("secbaseline_account schema");
    let account_attrs: Vec<&str> = account
        .block
        .as_ref()
        .map(|b| b.attributes.iter().map(|a| a.name.as_str()).collect())
        .unwrap_or_default();
    for name in ["account_id", "arn", "partition", "region"] {
        assert!(
            account_attrs.contains(&name),
            "secbaseline_account lacks {name}: {account_attrs:?}"
        );
    }
    assert!(resp.server_capabilities.is_some());

    let meta = quick(
        "GetMetadata",
        client.get_metadata(pb::get_metadata::Request {}),
    )
    .await
    .expect("GetMetadata");
    let listed: Vec<&str> = meta
        .get_ref()
        .data_sources
        .iter()
        .map(|d| d.type_name.as_str())
        .collect();
    assert!(listed.contains(&"secbaseline_account"), "{listed:?}");
}

// (f) ------------------------------------------------------------------------------------------

async fn validate_provider(
    client: &mut ProviderClient<Channel>,
    config: Value,
) -> Vec<pb::Diagnostic> {
    quick(
        "ValidateProviderConfig",
        client.validate_provider_config(pb::validate_provider_config::Request {
            config: Some(provider_config(&config)),
        }),
    )
    .await
    .expect("ValidateProviderConfig")
    .into_inner()
    .diagnostics
}

#[tokio::test]
async fn validate_provider_config_points_at_the_offending_attribute() {
    let plugin = start(&Launch::mtls());
    let mut client = plugin.provider().await.expect("connect");
    let client = &mut client;

    let good = Value::object([
        ("region", Value::string("eu-west-2")),
        (
            "endpoints",
            Value::List(vec![Value::object([(
                "sts",
                Value::string("http://127.0.0.1:5000"),
            )])]),
        ),
    ]);
    let diags = validate_provider(client, good).await;
    assert!(
        errors(&diags).is_empty(),
        "a valid configuration: {}",
        describe(&diags)
    );
    let diags = validate_provider(client, empty()).await;
    assert!(
        errors(&diags).is_empty(),
        "an empty configuration: {}",
        describe(&diags)
    );

    let diags =
        validate_provider(client, Value::object([("region", Value::string("mars-1"))])).await;
    let d = single_error(&diags, "region mars-1");
    assert_eq!(path_string(d.attribute.as_ref()), "region");
    assert!(
        d.detail.contains("mars-1"),
        "the detail quotes the value: {}",
        describe(&diags)
    );

    for service in ["sts", "iam", "apigateway"] {
        let config = Value::object([(
            "endpoints",
            Value::List(vec![Value::object([(service, Value::string("not a url"))])]),
        )]);
        let diags = validate_provider(client, config).await;
        let d = single_error(&diags, "malformed endpoint");
        assert_eq!(
            path_string(d.attribute.as_ref()),
            format!("endpoints[0].{service}")
        );
    }

    let config = Value::object([(
        "assume_role",
        Value::List(vec![Value::object([(
            "session_name",
            Value::string("audit"),
        )])]),
    )]);
    let diags = validate_provider(client, config).await;
    let d = single_error(&diags, "assume_role without role_arn");
    assert_eq!(path_string(d.attribute.as_ref()), "assume_role[0].role_arn");

    // An unknown value (set from another resource) is not an error at validate time.
    let diags = validate_provider(client, Value::object([("region", Value::Unknown)])).await;
    assert!(
        errors(&diags).is_empty(),
        "unknown region: {}",
        describe(&diags)
    );
}

// (g) ------------------------------------------------------------------------------------------

#[tokio::test]
async fn validate_data_resource_config_rejects_computed_only_attributes() {
    let plugin = start(&Launch::mtls());
    let mut client = plugin.provider().await.expect("connect");
    let validate = |config: Value| {
        let mut client = client.clone();
        async move {
            quick(
                "ValidateDataResourceConfig",
                client.validate_data_resource_config(pb::validate_data_resource_config::Request {
                    type_name: "secbaseline_account".into(),
                    config: Some(data_source_config("secbaseline_account", &config)),
                }),
            )
            .await
            .expect("ValidateDataResourceConfig")
            .into_inner()
            .diagnostics
        }
    };

    let diags = validate(empty()).await;
    assert!(
        errors(&diags).is_empty(),
        "an empty block is valid: {}",
        describe(&diags)
    );

    let diags = validate(Value::object([(
        "account_id",
        Value::string("111111111111"),
    )]))
    .await;
    let d = single_error(&diags, "account_id set");
    assert_eq!(path_string(d.attribute.as_ref()), "account_id");
    assert!(
        d.summary.contains("account_id") || d.detail.contains("account_id"),
        "the diagnostic names the attribute: {}",
        describe(&diags)
    );

    let resp = quick(
        "ValidateDataResourceConfig",
        client.validate_data_resource_config(pb::validate_data_resource_config::Request {
            type_name: "secbaseline_nope".into(),
            config: None,
        }),
    )
    .await
    .expect(
        "ValidateDataResourceConfig of an unknown type answers with a diagnostic, not a gRPC error",
    );
    assert_eq!(errors(&resp.get_ref().diagnostics).len(), 1);
}

// (h) ------------------------------------------------------------------------------------------

/// ConfigureProvider aimed at the emulator through `endpoints`, then ReadDataSource.
async fn configure_and_read_account(plugin: &Plugin, emu: &Emulator) -> Value {
    let mut client = plugin.provider().await.expect("connect");
    let endpoints = Value::object(["sts", "iam"].map(|s| (s, Value::string(emu.endpoint()))));
    let config = Value::object([
        ("region", Value::string("us-east-1")),
        ("max_retries", Value::Number(1.0)),
        ("endpoints", Value::List(vec![endpoints])),
    ]);
    let resp = quick(
        "ConfigureProvider",
        client.configure_provider(pb::configure_provider::Request {
            terraform_version: "1.11.0".into(),
            config: Some(provider_config(&config)),
            client_capabilities: None,
        }),
    )
    .await
    .expect("ConfigureProvider")
    .into_inner();
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "configure: {}",
        describe(&resp.diagnostics)
    );

    let resp = quick(
        "ReadDataSource",
        client.read_data_source(pb::read_data_source::Request {
            type_name: "secbaseline_account".into(),
            config: Some(data_source_config("secbaseline_account", &empty())),
            provider_meta: None,
            client_capabilities: None,
        }),
    )
    .await
    .expect("ReadDataSource")
    .into_inner();
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "read: {}",
        describe(&resp.diagnostics)
    );
    decode(resp.state.as_ref())
}

#[tokio::test]
async fn configure_then_read_account_against_the_emulator() {
    let emu = Emulator::start();
    // Credentials only; the endpoint comes from the provider block, not AWS_ENDPOINT_URL.
    let plugin = start(
        &Launch::mtls()
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing"),
    );
    let state = configure_and_read_account(&plugin, &emu).await;
    assert_eq!(
        state.get("account_id").as_str(),
        Some("123456789012"),
        "{state:?}"
    );
    assert_eq!(state.get("id").as_str(), Some("123456789012"), "{state:?}");
    assert_eq!(state.get("region").as_str(), Some("us-east-1"), "{state:?}");
    assert_eq!(state.get("partition").as_str(), Some("aws"), "{state:?}");
    assert!(
        state
            .get("arn")
            .as_str()
            .is_some_and(|a| a.starts_with("arn:aws:")),
        "{state:?}"
    );
}

#[tokio::test]
async fn read_before_configure_is_a_diagnostic_not_a_crash() {
    let plugin = start(&Launch::mtls());
    let mut client = plugin.provider().await.expect("connect");
    let resp = quick(
        "ReadDataSource",
        client.read_data_source(pb::read_data_source::Request {
            type_name: "secbaseline_account".into(),
            config: Some(data_source_config("secbaseline_account", &empty())),
            provider_meta: None,
            client_capabilities: None,
        }),
    )
    .await
    .expect("ReadDataSource answers")
    .into_inner();
    assert_eq!(
        errors(&resp.diagnostics).len(),
        1,
        "{}",
        describe(&resp.diagnostics)
    );
    // And the process is still serving.
    quick(
        "GetMetadata",
        client.get_metadata(pb::get_metadata::Request {}),
    )
    .await
    .expect("still serving");
}

// (i) ------------------------------------------------------------------------------------------

#[tokio::test]
async fn grpc_controller_shutdown_ends_the_process_promptly() {
    let plugin = start(&Launch::mtls());
    // Terraform holds go-plugin's stdio stream open for the provider's whole life; shutdown
    // must not wait for it.
    let mut stdio = plugin.stdio().await.expect("stdio client");
    let mut stream = quick("StreamStdio", stdio.stream_stdio(Empty {}))
        .await
        .expect("StreamStdio")
        .into_inner();
    let mut provider = plugin.provider().await.expect("connect");
    quick(
        "GetMetadata",
        provider.get_metadata(pb::get_metadata::Request {}),
    )
    .await
    .expect("GetMetadata");

    let asked = Instant::now();
    let mut controller = plugin.controller().await.expect("controller");
    quick("Shutdown", controller.shutdown(Empty {}))
        .await
        .expect("Shutdown is acknowledged");
    let finished = plugin.finish(Duration::from_secs(5));
    let took = asked.elapsed();
    let status = finished.status.unwrap_or_else(|| {
        panic!(
            "still running 5 s after Shutdown; stderr: {}",
            finished.stderr
        )
    });
    assert!(
        status.success(),
        "exit status after a graceful shutdown: {status:?}; stderr: {}",
        finished.stderr
    );
    assert!(took < Duration::from_secs(4), "exit took {took:?}");
    // The stdio stream ended with the process rather than hanging.
    let next = quick("stdio stream end", stream.message()).await;
    assert!(
        !matches!(next, Ok(Some(_))),
        "no stdio data is sent: {next:?}"
    );
}

/// Sends SIGINT to a process, as a terminal's Ctrl-C does to Terraform's whole process group.
fn interrupt(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("running kill");
    assert!(status.success(), "kill -INT {pid}: {status:?}");
}

#[tokio::test]
async fn ctrl_c_is_left_to_terraform() {
    // A Ctrl-C reaches the provider too. go-plugin plugins ignore it: Terraform handles the
    // interrupt, calls StopProvider, lets in-flight applies finish and record state, and only
    // then calls Shutdown. A provider that exits on SIGINT loses that work.
    let plugin = start(&Launch::mtls());
    let mut client = plugin.provider().await.expect("connect");
    quick(
        "GetMetadata",
        client.get_metadata(pb::get_metadata::Request {}),
    )
    .await
    .expect("GetMetadata");
    interrupt(plugin.pid());
    tokio::time::sleep(Duration::from_millis(500)).await;
    quick(
        "StopProvider",
        client.stop_provider(pb::stop_provider::Request {}),
    )
    .await
    .expect("StopProvider after Ctrl-C on the existing connection");
    quick(
        "GetMetadata",
        client.get_metadata(pb::get_metadata::Request {}),
    )
    .await
    .expect("still serving after Ctrl-C");
    let mut fresh = plugin
        .provider()
        .await
        .expect("new connections are accepted after Ctrl-C");
    quick(
        "GetMetadata",
        fresh.get_metadata(pb::get_metadata::Request {}),
    )
    .await
    .expect("GetMetadata on a new connection");
    let finished = shut_down(plugin).await;
    let status = finished.status.expect("exits after Shutdown");
    assert!(status.success(), "{status:?}; stderr: {}", finished.stderr);
}

// (j) ------------------------------------------------------------------------------------------

#[tokio::test]
async fn trace_logging_never_prints_credentials() {
    const SECRET: &str = "sbSECRETkeyMustNeverBePrinted0123456789abcd";
    const TOKEN: &str = "sbSESSIONtokenMustNeverBePrintedXYZ987654321";
    let emu = Emulator::start();
    let plugin = start(
        &Launch::mtls()
            .env("TF_LOG", "trace")
            .env("AWS_ACCESS_KEY_ID", "AKIASECBASELINETEST")
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env("AWS_SESSION_TOKEN", TOKEN),
    );
    let state = configure_and_read_account(&plugin, &emu).await;
    assert_eq!(
        state.get("account_id").as_str(),
        Some("123456789012"),
        "the credentials were used: {state:?}"
    );

    let finished = shut_down(plugin).await;
    let stdout = String::from_utf8_lossy(&finished.stdout_rest);
    assert!(
        !finished.stderr.trim().is_empty(),
        "TF_LOG=trace produces logs, so this test is not vacuous"
    );
    for (name, secret) in [
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SESSION_TOKEN", TOKEN),
    ] {
        // Also look for a fragment, in case a value is truncated or split in the output.
        for needle in [secret, &secret[..16], &secret[secret.len() - 16..]] {
            assert!(
                !finished.stderr.contains(needle),
                "{name} (or part of it) appeared on stderr"
            );
            assert!(
                !stdout.contains(needle),
                "{name} (or part of it) appeared on stdout"
            );
        }
    }
}
