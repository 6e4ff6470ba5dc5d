//! Content codings: which one a client asked for (`Accept-Encoding` with q-values) and the
//! gzip and brotli encoders for pre-rendered pages. Each page is compressed at most once per
//! encoding and generation (brotli in the background, gzip on its first request), never per
//! response.

use std::io::Write;

use actix_web::HttpMessage;
use actix_web::http::header::{
    self, AcceptEncoding, ContentEncoding, Encoding as Coding, Header, HeaderValue, Preference,
    Quality, QualityItem,
};

/// How a response body is encoded on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    /// The `Content-Encoding` value, or `None` for the identity body, which gets no header.
    pub fn header_value(self) -> Option<HeaderValue> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some(HeaderValue::from_static("gzip")),
            Encoding::Brotli => Some(HeaderValue::from_static("br")),
        }
    }

    /// Appended to the identity ETag so every encoding is its own strong validator.
    pub fn etag_suffix(self) -> &'static str {
        match self {
            Encoding::Identity => "",
            Encoding::Gzip => "-gzip",
            Encoding::Brotli => "-br",
        }
    }
}

/// When each generation's pages are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precompress {
    /// Serve at once and compress every page on a background thread; until a page is done it is
    /// sent uncompressed. Production: start-up and reloads stay fast however many articles there are.
    Background,
    /// Compress every page before the generation is served, so the first request already gets
    /// the compressed bytes (tests that must not wait).
    Blocking,
    /// Never compress.
    Off,
}

/// Whether a body of this type is worth compressing: text formats yes, images and fonts
/// (already compressed, except SVG, which is XML text) no.
pub fn is_compressible(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    // `+xml` and `+json` types (Atom, OpenSearch, SVG) are XML or JSON text.
    essence.starts_with("text/")
        || essence.ends_with("+xml")
        || essence.ends_with("+json")
        || matches!(
            essence.as_str(),
            "application/xml" | "application/json" | "application/javascript"
        )
}

/// The smallest gzip we can make: best compression, once per page.
pub fn gzip(body: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::best(),
    );
    // Writing into a Vec cannot fail.
    encoder
        .write_all(body)
        .and_then(|()| encoder.finish())
        .unwrap_or_default()
}

/// Pages bigger than this (at 10,000 articles: the feed, the A to Z, the home page, the topics
/// and the sitemap, 1 to 6 MB each) are compressed at `LARGE_PAGE_QUALITY`.
const LARGE_PAGE_BYTES: usize = 1 << 20;
/// Quality 11 works through a whole 4 MiB window at once, with tables several times its size:
/// at 10,000 articles it took 8.4 s for the 6.1 MB feed and 10.4 s for the 2.7 MB A to Z, and
/// raised the server's peak memory over 400 MB. Quality 5 took 56 and 35 ms, for 55 KB rather
/// than 45 KB and 37 KB rather than 36 KB.
const LARGE_PAGE_QUALITY: i32 = 5;

/// The smallest brotli we can make: quality 11, with a window just big enough for the body so
/// small pages do not allocate the 4 MiB default; very large pages get `LARGE_PAGE_QUALITY`.
pub fn brotli(body: &[u8]) -> Vec<u8> {
    let window_bits = (usize::BITS - body.len().max(1).leading_zeros()).clamp(16, 22);
    let params = brotli::enc::BrotliEncoderParams {
        quality: if body.len() > LARGE_PAGE_BYTES {
            LARGE_PAGE_QUALITY
        } else {
            11
        },
        lgwin: window_bits as i32,
        size_hint: body.len(),
        mode: brotli::enc::backward_references::BrotliEncoderMode::BROTLI_MODE_TEXT,
        ..Default::default()
    };
    let mut out = Vec::with_capacity(body.len() / 3);
    match brotli::BrotliCompress(&mut &body[..], &mut out, &params) {
        Ok(_) => out,
        Err(_) => Vec::new(),
    }
}

/// The encoding to send, given the client's `Accept-Encoding` and which compressed bodies exist.
///
/// Follows RFC 9110 §12.5.3: a coding is acceptable when its q-value (explicit, or via `*`) is
/// above zero; the highest q wins and ties go to the smaller body (brotli, then gzip). No header
/// means identity. Identity is always the fallback: refusing with 406 helps no reader, so actix's
/// own `AcceptEncoding::negotiate` (which can answer "nothing acceptable", and matches `*` to no
/// coding) is not used; its parser is. Items it cannot parse (a q-value such as `q=junk`) are
/// left out, as if not listed.
pub fn negotiate(request: &impl HttpMessage, has_gzip: bool, has_br: bool) -> Encoding {
    // Most requests a benchmark or a crawler sends have no header: answer those without parsing.
    if !request.headers().contains_key(header::ACCEPT_ENCODING) {
        return Encoding::Identity;
    }
    let Ok(AcceptEncoding(items)) = AcceptEncoding::parse(request) else {
        return Encoding::Identity;
    };
    let (mut gzip_q, mut br_q, mut any_q) = (None, None, None);
    for QualityItem { item, quality } in items {
        match item {
            Preference::Any => any_q = Some(quality),
            Preference::Specific(Coding::Known(ContentEncoding::Brotli)) => br_q = Some(quality),
            Preference::Specific(Coding::Known(ContentEncoding::Gzip)) => gzip_q = Some(quality),
            // RFC 9110 §12.5.3: a recipient should treat x-gzip as gzip.
            Preference::Specific(Coding::Unknown(name)) if name.eq_ignore_ascii_case("x-gzip") => {
                gzip_q = Some(quality)
            }
            Preference::Specific(_) => {}
        }
    }
    let acceptable = |listed: Option<Quality>, exists: bool| {
        if exists {
            listed.or(any_q).unwrap_or(Quality::ZERO)
        } else {
            Quality::ZERO
        }
    };
    let br_q = acceptable(br_q, has_br);
    let gzip_q = acceptable(gzip_q, has_gzip);
    if br_q > Quality::ZERO && br_q >= gzip_q {
        Encoding::Brotli
    } else if gzip_q > Quality::ZERO {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    use actix_web::test::TestRequest;

    fn request_accepting(header: impl Into<Vec<u8>>) -> actix_web::HttpRequest {
        let value = HeaderValue::from_bytes(&header.into()).unwrap();
        TestRequest::default()
            .insert_header((header::ACCEPT_ENCODING, value))
            .to_http_request()
    }

    fn pick(header: &str) -> Encoding {
        negotiate(&request_accepting(header), true, true)
    }

    #[test]
    fn no_header_or_nothing_known_means_identity() {
        let no_header = TestRequest::default().to_http_request();
        assert_eq!(negotiate(&no_header, true, true), Encoding::Identity);
        assert_eq!(pick(""), Encoding::Identity);
        assert_eq!(pick("identity"), Encoding::Identity);
        assert_eq!(pick("deflate, zstd"), Encoding::Identity);
    }

    #[test]
    fn brotli_is_preferred_on_a_tie() {
        assert_eq!(pick("gzip, deflate, br"), Encoding::Brotli);
        assert_eq!(pick("br;q=0.5, gzip;q=0.5"), Encoding::Brotli);
        assert_eq!(pick("*"), Encoding::Brotli);
        assert_eq!(pick("GZIP, BR"), Encoding::Brotli);
    }

    #[test]
    fn q_values_are_honoured() {
        assert_eq!(pick("br;q=0.5, gzip"), Encoding::Gzip);
        assert_eq!(pick("br;q=0, gzip;q=0.1"), Encoding::Gzip);
        assert_eq!(pick("br;q=0, gzip;q=0"), Encoding::Identity);
        assert_eq!(pick("gzip;q=0, *"), Encoding::Brotli);
        assert_eq!(pick("*;q=0, gzip"), Encoding::Gzip);
        assert_eq!(pick("x-gzip"), Encoding::Gzip);
        assert_eq!(pick("br ; Q=0.9 , gzip;q=0.8"), Encoding::Brotli);
    }

    /// actix's parser leaves out an item it cannot read, and a header that is not text is
    /// ignored as a whole; either way nonsense never makes a coding acceptable by accident, and
    /// the reader still gets the page (identity), never a 406. RFC 9110 §12.5.3 lets a server
    /// disregard an Accept-Encoding it cannot parse.
    #[test]
    fn malformed_items_are_left_out_and_a_malformed_header_means_identity() {
        assert_eq!(pick("br;q=NaN, gzip;q=junk"), Encoding::Identity);
        assert_eq!(pick("br;q=2, gzip"), Encoding::Gzip);
        assert_eq!(pick("gzip;q=0.5000, br;q=0.1"), Encoding::Brotli);
        let not_text = request_accepting(b"br, gzip, \xff".to_vec());
        assert_eq!(negotiate(&not_text, true, true), Encoding::Identity);
    }

    #[test]
    fn only_bodies_that_exist_are_chosen() {
        let request = request_accepting("br, gzip");
        assert_eq!(negotiate(&request, true, false), Encoding::Gzip);
        assert_eq!(negotiate(&request, false, false), Encoding::Identity);
    }

    #[test]
    fn text_types_are_compressible_and_images_are_not() {
        assert!(is_compressible("text/html; charset=utf-8"));
        assert!(is_compressible("text/css; charset=utf-8"));
        assert!(is_compressible("image/svg+xml"));
        assert!(is_compressible("application/atom+xml; charset=utf-8"));
        assert!(is_compressible(
            "application/opensearchdescription+xml; charset=utf-8"
        ));
        assert!(!is_compressible("image/png"));
        assert!(!is_compressible("font/woff2"));
    }

    #[test]
    fn both_encoders_round_trip_and_shrink_html() {
        let html = "<p>Back pain usually gets better on its own.</p>\n".repeat(200);
        let gz = gzip(html.as_bytes());
        let br = brotli(html.as_bytes());
        assert!(gz.len() < html.len() / 5 && br.len() < html.len() / 5);

        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut unzipped)
            .unwrap();
        assert_eq!(unzipped, html);
        let mut unbrotlied = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut unbrotlied)
            .unwrap();
        assert_eq!(unbrotlied, html);
    }

    #[test]
    fn a_page_over_a_mebibyte_round_trips_and_shrinks() {
        let html = "<li><a href=\"/articles/sciatica\">Sciatica</a></li>\n".repeat(30_000);
        assert!(html.len() > LARGE_PAGE_BYTES);
        let br = brotli(html.as_bytes());
        assert!(!br.is_empty() && br.len() < html.len() / 50, "{}", br.len());
        let mut unbrotlied = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut unbrotlied)
            .unwrap();
        assert_eq!(unbrotlied, html);
    }

    #[test]
    fn empty_bodies_compress_without_panicking() {
        assert!(!gzip(b"").is_empty());
        assert!(!brotli(b"").is_empty());
    }
}
