//! The per-process collection cache: each (account, region, source) is collected once,
//! however many assessment data sources ask, and concurrent askers wait for the first.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use secbaseline_engine::facts::Source;
use tokio::sync::OnceCell;

type Slot = Arc<OnceCell<Arc<dyn Any + Send + Sync>>>;

/// What one cache entry holds: a source's facts, or one of the two parts IAM is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// A whole source, as its collector returns it.
    Source(Source),
    /// IAM's `GetAccountAuthorizationDetails` part (users, groups, roles, policies).
    IamAuthorization,
    /// IAM's credential parts (report, summary, password policy, MFA, certificates).
    IamCredentials,
}

/// Whose and where: `region` is `None` for what is collected once per account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub account: String,
    pub region: Option<String>,
    pub part: Part,
}

/// Cache of collected facts keyed by account, region and part.
#[derive(Default)]
pub struct CollectionCache {
    slots: Mutex<HashMap<(Key, TypeId), Slot>>,
}

impl CollectionCache {
    /// Returns the cached value for the key, running `collect` only if no one has yet.
    pub async fn get_or_collect<T, F, Fut>(&self, key: Key, collect: F) -> Arc<T>
    where
        T: Any + Send + Sync,
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        let key = (key, TypeId::of::<T>());
        let slot = {
            let mut slots = match self.slots.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            slots.entry(key).or_default().clone()
        };
        let value = slot
            .get_or_init(|| async move { Arc::new(collect().await) as Arc<dyn Any + Send + Sync> })
            .await
            .clone();
        match value.downcast::<T>() {
            Ok(v) => v,
            // The key includes T's TypeId, so the slot always holds a T.
            Err(_) => unreachable!("collection cache slot holds another type than its key says"),
        }
    }

    /// Number of distinct keys collected so far.
    pub fn len(&self) -> usize {
        self.slots.lock().map(|s| s.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn concurrent_askers_share_one_collection() {
        let cache = Arc::new(CollectionCache::default());
        let calls = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let cache = cache.clone();
            let calls = calls.clone();
            tasks.push(tokio::spawn(async move {
                let key = Key {
                    account: "1".into(),
                    region: None,
                    part: Part::Source(Source::Iam),
                };
                cache
                    .get_or_collect(key, || async {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        42u32
                    })
                    .await
            }));
        }
        for t in tasks {
            assert_eq!(*t.await.expect("task"), 42);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
