//! Entry point: installs the TLS crypto provider and logging, then serves the plugin.

fn main() {
    // Both ring and aws-lc-rs are linked (the AWS SDK brings one); choose explicitly, or
    // rustls panics before the handshake. aws-lc-rs verifies Terraform's P-521 certificate.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    terraform_provider_secbaseline::logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("secbaseline: starting the async runtime failed: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(terraform_provider_secbaseline::server::serve()) {
        eprintln!("{e}");
        std::process::exit(1);
    }
    // Do not wait for lingering connection tasks once the server has stopped.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
}
