//! The article page with its discussion: the pre-rendered article split around a marker at
//! build time, and the discussion fragment put in between. The assembled page is the same for
//! every reader, so it is served like any pre-rendered page (strong ETag, 304, brotli and gzip
//! made once, `Cache-Control: public`) and kept until its posts change: a moderator's decision
//! on this instance or, with PostgreSQL, a notice from another (`changes`), with a slower poll
//! of the database behind both.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::http::header::HeaderValue;
use bytes::Bytes;

use crate::web::representation::{HTML, NO_STORE, Page, Representation};

/// Like every page, but fresh for a minute rather than five: a post a moderator took down
/// leaves browser and proxy caches within a minute of leaving the server.
pub const CACHE_CONTROL: &str = "public, max-age=60, must-revalidate";

/// What a cached page was made from; the page is reused while all of it is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageKey {
    pub split_id: u64,
    /// A hash of the shown posts (id, number and whether it was taken down: nothing else of an
    /// approved post changes), or of the failure.
    pub version: u64,
}

struct Entry {
    key: PageKey,
    checked_at: Instant,
    page: Page,
}

/// Assembled article pages by slug.
pub struct PageCache {
    /// How long a page is served before its posts are read again: the poll behind the change
    /// notices, which catches what they miss.
    ttl: Duration,
    entries: Mutex<HashMap<String, Entry>>,
    /// Counts invalidations, so a page read from the database before one is not kept after it.
    invalidations: AtomicU64,
}

impl PageCache {
    pub fn new(ttl: Duration) -> Self {
        PageCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
            invalidations: AtomicU64::new(0),
        }
    }

    /// Read before the posts are; handed back to `insert`.
    pub fn invalidations(&self) -> u64 {
        self.invalidations.load(Ordering::SeqCst)
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // Entries are whole values: a panic elsewhere cannot leave one half-written.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached page, if it was checked against the database within the TTL and was built
    /// from this split page.
    pub fn fresh(&self, slug: &str, split_id: u64, now: Instant) -> Option<Page> {
        let entries = self.entries();
        let entry = entries.get(slug)?;
        (now.saturating_duration_since(entry.checked_at) < self.ttl
            && entry.key.split_id == split_id)
            .then(|| entry.page.clone())
    }

    /// The cached page if it was built from exactly `key`, marking it checked at `now`.
    pub fn revalidate(&self, slug: &str, key: PageKey, now: Instant) -> Option<Page> {
        let mut entries = self.entries();
        let entry = entries.get_mut(slug)?;
        (entry.key == key).then(|| {
            entry.checked_at = now;
            entry.page.clone()
        })
    }

    /// Builds the page for `key`, cached by others with `cache_control`, and keeps it unless
    /// a change was announced since `invalidations` (its posts may be stale already). Its brotli
    /// copy is made on a blocking thread meanwhile (until then it is sent as it is). A page
    /// showing a failure is neither compressed nor stored by browsers, and is kept only for the
    /// TTL, sparing a struggling database.
    pub fn insert(
        &self,
        slug: &str,
        key: PageKey,
        body: Bytes,
        cache_control: Option<&'static str>,
        (invalidations, now): (u64, Instant),
    ) -> Page {
        let content = Arc::new(Representation::new(body, HTML));
        if cache_control.is_some() {
            precompress_soon(Arc::clone(&content));
        }
        let page = Page {
            content,
            cache_control: HeaderValue::from_static(cache_control.unwrap_or(NO_STORE)),
        };
        let mut entries = self.entries();
        if self.invalidations() != invalidations {
            return page;
        }
        entries.insert(
            slug.to_owned(),
            Entry {
                key,
                checked_at: now,
                page: page.clone(),
            },
        );
        page
    }

    /// Forgets an article's page, after a moderator changed its posts.
    pub fn invalidate(&self, slug: &str) {
        let mut entries = self.entries();
        self.invalidations.fetch_add(1, Ordering::SeqCst);
        entries.remove(slug);
    }

    /// Forgets every page: changes may have been missed (a lost connection to the database).
    pub fn invalidate_all(&self) {
        let mut entries = self.entries();
        self.invalidations.fetch_add(1, Ordering::SeqCst);
        entries.clear();
    }
}

/// Brotli at its best takes tens of milliseconds for an article with posts: too long to hold a
/// request for, so it runs on the runtime's blocking threads.
fn precompress_soon(content: Arc<Representation>) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn_blocking(move || content.precompress());
        }
        Err(_) => content.precompress(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn entries_expire_and_follow_their_key() {
        let cache = PageCache::new(Duration::from_secs(2));
        let now = Instant::now();
        let key = PageKey {
            split_id: 1,
            version: 3,
        };
        assert!(cache.fresh("a", 1, now).is_none());
        let seen = cache.invalidations();
        cache.insert(
            "a",
            key,
            Bytes::from_static(b"page"),
            Some(CACHE_CONTROL),
            (seen, now),
        );
        assert!(cache.fresh("a", 1, now).is_some());
        assert!(cache.fresh("a", 2, now).is_none(), "rebuilt site");
        let later = now + Duration::from_secs(3);
        assert!(cache.fresh("a", 1, later).is_none(), "expired");
        assert!(
            cache
                .revalidate("a", PageKey { version: 4, ..key }, later)
                .is_none()
        );
        assert!(cache.revalidate("a", key, later).is_some());
        assert!(cache.fresh("a", 1, later).is_some(), "checked again");
        cache.invalidate("a");
        assert!(cache.fresh("a", 1, later).is_none());
        let seen = cache.invalidations();
        cache.insert("a", key, Bytes::from_static(b"page"), None, (seen, now));
        cache.invalidate_all();
        assert!(cache.revalidate("a", key, now).is_none());
        // Read before a change was announced: served once, never kept.
        cache.insert("a", key, Bytes::from_static(b"page"), None, (seen, now));
        assert!(cache.revalidate("a", key, now).is_none());
    }
}
