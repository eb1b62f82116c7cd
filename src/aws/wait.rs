//! Short, named waits for AWS eventual consistency (IAM propagation, new trails).

use std::future::Future;
use std::time::Duration;

use crate::error::{Error, Result};

/// Retries `op` while `retryable` says the error is a propagation delay, up to `timeout`.
pub async fn retry_while<T, F, Fut>(
    action: &str,
    condition: &str,
    timeout: Duration,
    retryable: impl Fn(&Error) -> bool,
    mut op: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let start = tokio::time::Instant::now();
    let mut delay = Duration::from_millis(200);
    loop {
        match op().await {
            Ok(v) => return Ok(v),
            Err(e) if retryable(&e) && start.elapsed() < timeout => {
                tracing::debug!(action, condition, error = %e, "retrying after propagation delay");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Err(e) if retryable(&e) => {
                return Err(Error::Timeout {
                    action: action.to_string(),
                    condition: format!("{condition} (last error: {e})"),
                    seconds: timeout.as_secs(),
                })
            }
            Err(e) => return Err(e),
        }
    }
}
