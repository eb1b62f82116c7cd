//! Token pagination shared by the collectors: one `CallCounter` tick per AWS request.

use std::collections::HashSet;
use std::future::Future;

use crate::error::Error;
use crate::live::CallCounter;

/// Requests every page of a token-paginated list call, in order. `page(token)` makes one
/// request and returns its items and the next token. Stops at an absent or empty token, and
/// also when a token repeats (a misbehaving endpoint must not loop forever).
pub(crate) async fn all_pages<T, F, Fut>(calls: &CallCounter, mut page: F) -> Result<Vec<T>, Error>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Error>>,
{
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    let mut seen = HashSet::new();
    loop {
        calls.tick();
        let (mut batch, next) = page(token.take()).await?;
        items.append(&mut batch);
        match next.filter(|t| !t.is_empty()) {
            Some(t) if seen.insert(t.clone()) => token = Some(t),
            _ => return Ok(items),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn follows_tokens_and_counts_requests() {
        let calls = CallCounter::default();
        let pages = all_pages(&calls, |token| async move {
            Ok(match token.as_deref() {
                None => (vec![1, 2], Some("a".to_string())),
                Some("a") => (vec![3], Some("b".to_string())),
                _ => (vec![4], Some(String::new())),
            })
        })
        .await;
        assert_eq!(pages.ok(), Some(vec![1, 2, 3, 4]));
        assert_eq!(calls.get(), 3);
    }

    #[tokio::test]
    async fn a_repeated_token_ends_the_loop() {
        let calls = CallCounter::default();
        let pages = all_pages(&calls, |_| async {
            Ok((vec![0], Some("same".to_string())))
        })
        .await;
        assert_eq!(pages.ok(), Some(vec![0, 0]));
        assert_eq!(calls.get(), 2);
    }
}
