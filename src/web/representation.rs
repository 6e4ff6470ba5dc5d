//! What is sent for a pre-rendered page: its bytes in each encoding with their ETags
//! (`Representation`), its cache rule (`Page`), and `send_page`, which picks the encoding and
//! answers `If-None-Match` with a 304.

use std::sync::{Arc, OnceLock};

use actix_web::http::StatusCode;
use actix_web::http::header::{self, EntityTag, Header, HeaderValue, IfNoneMatch};
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
    /// The same validator as actix's type, made once here so `If-None-Match` compares with it
    /// without building it per request.
    entity_tag: EntityTag,
}

impl Variant {
    /// `tag` is the ETag without its quotes: hexadecimal digits, `-` and the encoding's name,
    /// all valid in an entity tag, so neither constructor can fail.
    fn new(body: Bytes, tag: String) -> Variant {
        let entity_tag = EntityTag::new_strong(tag);
        let etag = HeaderValue::from_str(&entity_tag.to_string())
            .unwrap_or(HeaderValue::from_static("\"0\""));
        Variant {
            body,
            etag,
            entity_tag,
        }
    }
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
        let tag = format!("{:016x}-{:x}", stable_hash(&body), body.len());
        Representation {
            compressible: body.len() >= MIN_COMPRESSIBLE_BYTES
                && compression::is_compressible(content_type),
            identity: Variant::new(body, tag),
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
        let tag = format!(
            "{}{}",
            self.identity.entity_tag.tag(),
            encoding.etag_suffix()
        );
        Some(Variant::new(Bytes::from(body), tag))
    }

    /// The body to send for the request's `Accept-Encoding`, and which encoding it is in. Before
    /// the page has been precompressed, that is always the identity body; after, a gzip-only
    /// client gets gzip, made on its first request (a few milliseconds, once per page).
    pub fn negotiate(&self, request: &HttpRequest) -> (Encoding, &Variant) {
        let Some(brotli) = self.brotli.get() else {
            return (Encoding::Identity, &self.identity);
        };
        let encoding = compression::negotiate(request, self.compressible, brotli.is_some());
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
/// already holds these bytes. Every header value we send is ready-made; only the request's own
/// `Accept-Encoding` and `If-None-Match` are parsed, and only when it has them.
pub(crate) fn send_page(request: &HttpRequest, page: &Page) -> HttpResponse {
    let content = &page.content;
    let (encoding, variant) = content.negotiate(request);
    let not_modified = etag_matches(request, &variant.entity_tag);
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

/// Whether the request's `If-None-Match` names `etag`, by the weak comparison (RFC 9110
/// §13.1.2): `W/"x"` matches `"x"`. Read with actix's `IfNoneMatch`, which leaves out a tag it
/// cannot parse and ignores a header that is not text; a header we cannot read gets the full
/// page rather than a 304, which RFC 9110 §13.1.2 allows ("*" mixed into a list of tags is such a
/// header).
fn etag_matches(request: &HttpRequest, etag: &EntityTag) -> bool {
    // The header is rare outside browsers' revalidations: no parsing when it is absent.
    if !request.headers().contains_key(header::IF_NONE_MATCH) {
        return false;
    }
    match IfNoneMatch::parse(request) {
        Ok(IfNoneMatch::Any) => true,
        Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|tag| tag.weak_eq(etag)),
        Err(_) => false,
    }
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

    use actix_web::test::TestRequest;

    fn request_with_if_none_match(values: &[&[u8]]) -> HttpRequest {
        let mut request = TestRequest::default();
        for value in values {
            let value = HeaderValue::from_bytes(value).unwrap();
            request = request.append_header((header::IF_NONE_MATCH, value));
        }
        request.to_http_request()
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_star() {
        let etag = EntityTag::new_strong("abc-1".to_owned());
        let matches =
            |value: &str| etag_matches(&request_with_if_none_match(&[value.as_bytes()]), &etag);
        assert!(matches("\"abc-1\""));
        assert!(matches("W/\"abc-1\""));
        assert!(matches("\"x\", \"abc-1\""));
        assert!(matches("*"));
        assert!(!matches("\"abc-1-gzip\""));
        assert!(!matches("abc-1"));
        assert!(!matches(""));
        assert!(!etag_matches(&request_with_if_none_match(&[]), &etag));
    }

    /// What changed with actix's parser, all allowed by RFC 9110 §13.1.2: a header that is not
    /// text, or `*` inside a list (the grammar is `"*"` alone or a list of tags), gets the page;
    /// a tag in a second `If-None-Match` line now counts too.
    #[test]
    fn if_none_match_that_cannot_be_read_sends_the_page() {
        let etag = EntityTag::new_strong("abc-1".to_owned());
        let matches = |values: &[&[u8]]| etag_matches(&request_with_if_none_match(values), &etag);
        assert!(!matches(&[b"\"abc-1\", \xff"]));
        assert!(!matches(&[b"\"x\", *"]));
        assert!(matches(&[b"garbage, \"abc-1\""]));
        assert!(matches(&[b"\"x\"", b"W/\"abc-1\""]));
    }

    #[test]
    fn every_variant_carries_its_own_validator_as_header_and_as_tag() {
        let body = "<p>Back pain usually gets better on its own.</p>\n".repeat(20);
        let representation = Representation::new(Bytes::from(body), HTML);
        representation.precompress();
        let identity = &representation.identity;
        let brotli = representation.brotli.get().unwrap().as_ref().unwrap();
        for variant in [identity, brotli] {
            assert_eq!(
                variant.etag.to_str().unwrap(),
                variant.entity_tag.to_string()
            );
        }
        assert_eq!(
            brotli.entity_tag.tag(),
            format!("{}-br", identity.entity_tag.tag())
        );
    }
}
