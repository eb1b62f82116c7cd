//! Logging to stderr, where go-plugin picks it up, at the level TF_LOG_PROVIDER / TF_LOG ask.
//! Nothing secret is ever logged: credentials are never read into the provider's own types.

use tracing_subscriber::EnvFilter;

/// Maps Terraform's log level names onto a tracing filter; off unless asked.
pub fn level_from_env() -> Option<&'static str> {
    let raw = std::env::var("TF_LOG_PROVIDER")
        .or_else(|_| std::env::var("TF_LOG"))
        .ok()?;
    match raw.trim().to_ascii_uppercase().as_str() {
        "TRACE" | "JSON" => Some("trace"),
        "DEBUG" => Some("debug"),
        "INFO" => Some("info"),
        "WARN" => Some("warn"),
        "ERROR" => Some("error"),
        "OFF" | "" => None,
        _ => Some("trace"),
    }
}

/// Installs the stderr subscriber. Our crate logs at the chosen level; the AWS SDK's own
/// logs are capped at `info`, since its trace output can include request headers.
pub fn init() {
    let Some(level) = level_from_env() else {
        return;
    };
    let sdk_level = if level == "trace" || level == "debug" {
        "info"
    } else {
        level
    };
    let filter = EnvFilter::new(format!(
        "{level},aws_smithy_runtime={sdk_level},aws_smithy_runtime_api={sdk_level},aws_sigv4=warn,aws_config={sdk_level},hyper=warn,h2=warn,tonic=info,rustls=warn"
    ));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // When stderr is gone (Terraform killed), a failed write must be dropped: by default
        // the subscriber reports it with eprintln!, which panics on the same broken pipe and
        // takes down whichever thread was logging.
        .log_internal_errors(false)
        .with_ansi(false)
        .try_init();
}
