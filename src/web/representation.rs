//! What is sent for a pre-rendered page: its bytes in each encoding with their ETags
//! (`Representation`), its cache rule (`Page`), and `send_page`, which picks the encoding and
//! answers `If-None-Match` with a 304.

use std::sync::{Arc, OnceLock};

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use bytes::Bytes;

use super::assets::stable_hash;
use super::compression::{self, Encoding};

pub const HTML: &str = "text/html; charset=utf-8";
pub const ATOM: &str = "application/atom+xml; charset=utf-8";
pub const XML: &str = "application/xml; charset=utf-8";
pub const TEXT: &str = "text/plain; charset=utf-8";
/// HTML and feeds: fresh for five minutes, then revalidated with the ETag (content changes only on
/// redeploy, and a reader should see a corrected page soon after).
pub const PAGE_CACHE: &str = "public, max-age=300, must-revalidate";
/// Static files under their plain names, for links from outside the site: short, like pages.
pub const ASSET_CACHE: &str = "public, max-age=3600, must-revalidate";
/// Static files under their content-hashed names: the bytes at that address never change.
pub const IMMUTABLE_CACHE: &str = "public, max-age=31536000, immutable";
/// Errors, the checker's answers (health data) and the health check: never stored.
pub const NO_STORE: &str = "no-store";

/// One encoding of a page's body with its strong validator.
#[derive(Debug, Clone)]
pub struct Variant {
    pub body: Bytes,
    /// Quoted as HTTP wants it; each encoding has its own (`"…-gzip"`, `"…-br"`).
    pub etag: HeaderValue,
}

/// A page's bytes in every encoding worth keeping: the identity body always; brotli once the
/// page has been precompressed; gzip the first time a client that takes gzip but not brotli asks
/// for the page. Each is kept only if it is smaller than the identity body.
///
/// Every browser asks for brotli over HTTPS, so making gzip for every page up front mostly made
/// bytes nobody fetched: at 10,000 articles, 50 MB of them.
#[derive(Debug)]
pub struct Representation {
    pub identity: Variant,
    pub content_type: HeaderValue,
    /// Whether the page may be sent compressed, so responses say `Vary: Accept-Encoding`.
    pub compressible: bool,
    brotli: OnceLock<Option<Variant>>,
    gzip: OnceLock<Option<Variant>>,
}

/// Bodies smaller than this are sent as they are: the encoding's framing would eat the saving.
const MIN_COMPRESSIBLE_BYTES: usize = 256;

impl Representation {
    pub(crate) fn new(body: Bytes, content_type: &'static str) -> Representation {
        let etag = format!("\"{:016x}-{:x}\"", stable_hash(&body), body.len());
        Representation {
            compressible: body.len() >= MIN_COMPRESSIBLE_BYTES
                && compression::is_compressible(content_type),
            identity: Variant {
                etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\"")),
                body,
            },
            content_type: HeaderValue::from_static(content_type),
            brotli: OnceLock::new(),
            gzip: OnceLock::new(),
        }
    }

    /// Makes the brotli body, once; later calls (and concurrent ones) reuse it.
    pub fn precompress(&self) {
        self.brotli
            .get_or_init(|| self.compressed(Encoding::Brotli, compression::brotli));
    }

    /// `body` compressed by `compress`, with its ETag, if that is worth sending.
    fn compressed(&self, encoding: Encoding, compress: fn(&[u8]) -> Vec<u8>) -> Option<Variant> {
        if !self.compressible {
            return None;
        }
        let mut body = compress(&self.identity.body);
        if body.len() >= self.identity.body.len() {
            return None;
        }
        // Bytes keeps a Vec's spare capacity; at 10,000 pages that adds up.
        body.shrink_to_fit();
        let etag = self.identity.etag.to_str().unwrap_or("\"0\"");
        let etag = format!("{}{}\"", etag.trim_end_matches('"'), encoding.etag_suffix());
        Some(Variant {
            body: Bytes::from(body),
            etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\"")),
        })
    }

    /// The body to send for `accept_encoding`, and which encoding it is in. Before the page has
    /// been precompressed, that is always the identity body; after, a gzip-only client gets gzip,
    /// made on its first request (a few milliseconds, once per page).
    pub fn negotiate(&self, accept_encoding: Option<&HeaderValue>) -> (Encoding, &Variant) {
        let Some(brotli) = self.brotli.get() else {
            return (Encoding::Identity, &self.identity);
        };
        let encoding = compression::negotiate(accept_encoding, self.compressible, brotli.is_some());
        let variant = match encoding {
            Encoding::Gzip => self
                .gzip
                .get_or_init(|| self.compressed(Encoding::Gzip, compression::gzip))
                .as_ref(),
            Encoding::Brotli => brotli.as_ref(),
            Encoding::Identity => None,
        };
        variant.map_or((Encoding::Identity, &self.identity), |variant| {
            (encoding, variant)
        })
    }
}

/// A finished response with what a cache needs to know about it. The same bytes can be served
/// under two addresses with different cache rules (a static file's plain and hashed names), so the
/// bytes are shared.
#[derive(Debug, Clone)]
pub struct Page {
    pub content: Arc<Representation>,
    pub cache_control: HeaderValue,
}

impl Page {
    pub fn new(
        body: impl Into<Bytes>,
        content_type: &'static str,
        cache_control: &'static str,
    ) -> Page {
        Page {
            content: Arc::new(Representation::new(body.into(), content_type)),
            cache_control: HeaderValue::from_static(cache_control),
        }
    }

    /// The uncompressed bytes.
    pub fn body(&self) -> &Bytes {
        &self.content.identity.body
    }

    pub fn etag(&self) -> &HeaderValue {
        &self.content.identity.etag
    }
}

const VARY_ENCODING: HeaderValue = HeaderValue::from_static("accept-encoding");

/// A 200 with caching headers in the best encoding the client accepts, or a 304 when the client
/// already holds these bytes. Every header value is ready-made: nothing is parsed or allocated.
pub(crate) fn send_page(request: &HttpRequest, page: &Page) -> HttpResponse {
    let content = &page.content;
    let (encoding, variant) = content.negotiate(request.headers().get(header::ACCEPT_ENCODING));
    let not_modified = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|value| etag_matches(value, &variant.etag));
    let mut response = if not_modified {
        HttpResponse::new(StatusCode::NOT_MODIFIED)
    } else {
        HttpResponse::with_body(StatusCode::OK, variant.body.clone()).map_into_boxed_body()
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, variant.etag.clone());
    headers.insert(header::CACHE_CONTROL, page.cache_control.clone());
    if content.compressible {
        headers.insert(header::VARY, VARY_ENCODING);
    }
    if !not_modified {
        headers.insert(header::CONTENT_TYPE, content.content_type.clone());
        if let Some(value) = encoding.header_value() {
            headers.insert(header::CONTENT_ENCODING, value);
        }
    }
    response
}

/// `If-None-Match` uses the weak comparison (RFC 9110 §13.1.2): `W/"x"` matches `"x"`.
fn etag_matches(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(list) = if_none_match.to_str() else {
        return false;
    };
    let etag = etag.as_bytes();
    list.split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag).as_bytes() == etag)
}

/// A 303 to `location` after a form was posted (or sign-in is needed), never stored: it answers
/// one reader's request.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, NO_STORE))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_star() {
        let etag = HeaderValue::from_static("\"abc-1\"");
        let matches = |value: &'static str| etag_matches(&HeaderValue::from_static(value), &etag);
        assert!(matches("\"abc-1\""));
        assert!(matches("W/\"abc-1\""));
        assert!(matches("\"x\", \"abc-1\""));
        assert!(matches("*"));
        assert!(!matches("\"abc-1-gzip\""));
        assert!(!matches("abc-1"));
        assert!(!matches(""));
    }
}
