//! The article page with its discussion: the pre-rendered article split around a marker at
//! build time, and the discussion fragment put in between. The assembled page is cached per
//! article for a couple of seconds (so instances sharing PostgreSQL see each other's approvals
//! quickly) and kept for as long as its posts stay the same. Each response then fills in the
//! post form's hidden fields for its own browser, so it is sent `no-store`, gzipped on the fly.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use std::io::Write;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use bytes::{Bytes, BytesMut};

use super::views::FORM_FIELDS_MARKER;
use crate::web::compression::{self, Encoding};
use crate::web::representation::{HTML, NO_STORE, Page, Representation};

/// `page` with its form-fields marker replaced by `fields`.
pub fn fill_form_fields(page: &Bytes, fields: &str) -> Bytes {
    let marker = FORM_FIELDS_MARKER.as_bytes();
    let Some(at) = page
        .windows(marker.len())
        .position(|window| window == marker)
    else {
        return page.clone();
    };
    let mut body = BytesMut::with_capacity(page.len() + fields.len());
    body.extend_from_slice(&page[..at]);
    body.extend_from_slice(fields.as_bytes());
    body.extend_from_slice(&page[at + marker.len()..]);
    body.freeze()
}

/// A page made for one reader: `no-store`, and gzipped at the fastest level when the browser
/// takes gzip (a fraction of a millisecond for an article; brotli's best takes far longer).
pub fn personal_page(request: &HttpRequest, body: Bytes) -> HttpResponse {
    let accept = request.headers().get(header::ACCEPT_ENCODING);
    let gzip = body.len() >= 256 && compression::negotiate(accept, true, false) == Encoding::Gzip;
    let mut response = HttpResponse::build(StatusCode::OK);
    response
        .content_type(HTML)
        .insert_header((header::CACHE_CONTROL, NO_STORE))
        .insert_header((header::VARY, "accept-encoding"));
    if gzip {
        let mut encoder = flate2::write::GzEncoder::new(
            Vec::with_capacity(body.len() / 3),
            flate2::Compression::fast(),
        );
        if encoder.write_all(&body).is_ok()
            && let Ok(compressed) = encoder.finish()
        {
            response.insert_header((header::CONTENT_ENCODING, "gzip"));
            return response.body(compressed);
        }
    }
    response.body(body)
}

/// Where the article template leaves room for the discussion (`templates/pages/article.html`).
pub const MARKER: &str = "<!--backcare:discussion-->";

/// Revalidate every time: the ETag changes with the posts, and a 304 costs almost nothing.
pub const CACHE_CONTROL: &str = "no-cache";

/// An article page's bytes before and after its discussion.
#[derive(Debug, Clone)]
pub struct SplitPage {
    pub prefix: Bytes,
    pub suffix: Bytes,
    /// Tells the halves of one build from another's, so a reload re-renders cached pages.
    pub id: u64,
}

impl SplitPage {
    /// Splits a rendered article at the marker; `None` when the template has none.
    pub fn split(html: &str) -> Option<SplitPage> {
        let (prefix, suffix) = html.split_once(MARKER)?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        html.hash(&mut hasher);
        Some(SplitPage {
            prefix: Bytes::copy_from_slice(prefix.as_bytes()),
            suffix: Bytes::copy_from_slice(suffix.as_bytes()),
            id: hasher.finish(),
        })
    }

    /// The whole page with `fragment` in the discussion's place.
    pub fn assemble(&self, fragment: &str) -> Bytes {
        let mut body =
            BytesMut::with_capacity(self.prefix.len() + fragment.len() + self.suffix.len());
        body.extend_from_slice(&self.prefix);
        body.extend_from_slice(fragment.as_bytes());
        body.extend_from_slice(&self.suffix);
        body.freeze()
    }
}

/// What a cached page was made from; the page is reused while all of it is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageKey {
    pub split_id: u64,
    /// The form token's window.
    pub window: i64,
    /// A hash of the shown posts (their numbers: approved posts never change), or of the failure.
    pub version: u64,
}

struct Entry {
    key: PageKey,
    checked_at: Instant,
    page: Page,
}

/// Assembled article pages by slug.
pub struct PageCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

impl PageCache {
    pub fn new(ttl: Duration) -> Self {
        PageCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // Entries are whole values: a panic elsewhere cannot leave one half-written.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached page, if it was checked against the database within the TTL and was built
    /// from this split page in this token window.
    pub fn fresh(&self, slug: &str, split_id: u64, window: i64, now: Instant) -> Option<Page> {
        let entries = self.entries();
        let entry = entries.get(slug)?;
        (now.saturating_duration_since(entry.checked_at) < self.ttl
            && entry.key.split_id == split_id
            && entry.key.window == window)
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

    /// Builds and keeps the page for `key`. A page showing a failure is not compressed or
    /// stored by browsers, and is kept only for the TTL, sparing a struggling database.
    pub fn insert(
        &self,
        slug: &str,
        key: PageKey,
        body: Bytes,
        healthy: bool,
        now: Instant,
    ) -> Page {
        // Never sent as it is (each response fills in its form), so never precompressed.
        let content = Arc::new(Representation::new(body, HTML));
        let page = Page {
            content,
            cache_control: HeaderValue::from_static(if healthy { CACHE_CONTROL } else { NO_STORE }),
        };
        self.entries().insert(
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
        self.entries().remove(slug);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_and_assemble_round_trip() {
        let split = SplitPage::split(&format!("<main>a{MARKER}b</main>")).unwrap();
        assert_eq!(&split.prefix[..], b"<main>a");
        assert_eq!(&split.suffix[..], b"b</main>");
        assert_eq!(
            &split.assemble("<section>")[..],
            b"<main>a<section>b</main>"
        );
        assert!(SplitPage::split("<main></main>").is_none());
    }

    #[tokio::test]
    async fn entries_expire_and_follow_their_key() {
        let cache = PageCache::new(Duration::from_secs(2));
        let now = Instant::now();
        let key = PageKey {
            split_id: 1,
            window: 7,
            version: 3,
        };
        assert!(cache.fresh("a", 1, 7, now).is_none());
        cache.insert("a", key, Bytes::from_static(b"page"), true, now);
        assert!(cache.fresh("a", 1, 7, now).is_some());
        assert!(cache.fresh("a", 2, 7, now).is_none(), "rebuilt site");
        assert!(cache.fresh("a", 1, 8, now).is_none(), "new token window");
        let later = now + Duration::from_secs(3);
        assert!(cache.fresh("a", 1, 7, later).is_none(), "expired");
        assert!(
            cache
                .revalidate("a", PageKey { version: 4, ..key }, later)
                .is_none()
        );
        assert!(cache.revalidate("a", key, later).is_some());
        assert!(cache.fresh("a", 1, 7, later).is_some(), "checked again");
        cache.invalidate("a");
        assert!(cache.fresh("a", 1, 7, later).is_none());
    }
}
