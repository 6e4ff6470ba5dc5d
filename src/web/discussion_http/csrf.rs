//! Cross-site request forgery defences for every form.
//!
//! Browsers say where a form came from (`Sec-Fetch-Site`, `Origin`): every form post that says
//! it came from another site, a sibling subdomain (`same-site`), or the opaque origin `null` is
//! refused, as Go 1.25's `CrossOriginProtection` does. That is the whole defence of the forms on
//! pre-rendered pages (a post to the discussion), which are the same bytes for every reader.
//!
//! The moderators' forms carry a token as well. Sign-in tokens are bound to the browser (double
//! submit): a random visitor value, signed by the server so no client can pick one, lives in a
//! `HttpOnly; SameSite=Strict` session cookie (`__Host-` over https) and goes into the token's
//! purpose, so a token fetched by one browser is worthless in another.
//! Tokens are stateless: `window.hmac` where `hmac = HMAC-SHA256(secret, purpose, window)` and a
//! window is six hours, so a token is good for six to twelve hours and needs nothing stored.
//! The purpose binds a token to one form: the login form of one browser, or one moderator's
//! session.

use actix_web::HttpRequest;
use actix_web::cookie::Cookie;
use actix_web::http::header::{self, HeaderName};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;

use crate::discussion::moderators::{hex, random_key};
use crate::web::{BaseUrl, SiteSettings};

/// The browser's random value. A session cookie: gone when the browser closes, and never used
/// for anything but checking that a form came back to the browser it was given to. Over https it
/// is `__Host-backcare_visitor` (see `cookies`), so a sibling subdomain cannot plant one.
pub const VISITOR_COOKIE: &str = "backcare_visitor";

/// 128 random bits as 32 hex digits: a visitor value.
pub fn new_random_id() -> String {
    hex(&random_key()[..16])
}

fn is_random_id(text: &str) -> bool {
    text.len() == 32
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The cookie for a new visitor value, kept until the browser closes; `__Host-` and `Secure`
/// when the site is served over https.
pub fn visitor_cookie(value: &str, secure: bool) -> Cookie<'static> {
    let name = super::cookies::cookie_name(VISITOR_COOKIE, secure);
    super::cookies::site_cookie(name, value.to_owned(), None, secure)
}

/// What a token is for: a token made for one purpose is refused for any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose<'a> {
    /// The sign-in form, in one browser (its visitor value).
    SignIn { visitor: &'a str },
    /// Every form of one moderator session (the hash of its token).
    Moderate { session_hash: &'a str },
}

impl Purpose<'_> {
    /// The bytes the token is made from; they must not change, or every form open in a browser
    /// would expire at once.
    fn text(self) -> String {
        match self {
            Purpose::SignIn { visitor } => format!("login\0{visitor}"),
            Purpose::Moderate { session_hash } => format!("moderate:{session_hash}"),
        }
    }
}

/// Six hours in seconds.
const WINDOW_SECONDS: i64 = 6 * 60 * 60;

/// The signing key, shared by every instance that serves the same site.
#[derive(Clone)]
pub struct Csrf {
    key: Vec<u8>,
}

impl std::fmt::Debug for Csrf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Csrf(..)")
    }
}

/// Which window `now` falls in; pages carrying a token change when it does.
pub fn window(now: OffsetDateTime) -> i64 {
    now.unix_timestamp().div_euclid(WINDOW_SECONDS)
}

pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

impl Csrf {
    pub fn new(key: Vec<u8>) -> Self {
        Csrf { key }
    }

    /// The tag that makes `nonce` a visitor value this server issued.
    fn visitor_mac(&self, nonce: &str) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC accepts any key length");
        mac.update(b"visitor\0");
        mac.update(nonce.as_bytes());
        mac
    }

    /// A new visitor value, `nonce.tag`: 128 random bits and 128 bits of HMAC over them, so a
    /// browser can hold only a value this server made, never one a client (or a page of another
    /// site that tossed a cookie) picked.
    pub fn new_visitor(&self) -> String {
        let nonce = new_random_id();
        let tag = self.visitor_mac(&nonce).finalize().into_bytes();
        format!("{nonce}.{}", hex(&tag[..16]))
    }

    /// Whether `value` is a visitor value this server issued.
    pub fn is_visitor(&self, value: &str) -> bool {
        let Some((nonce, tag)) = value.split_once('.') else {
            return false;
        };
        let Some(tag) = unhex(tag).filter(|tag| tag.len() == 16) else {
            return false;
        };
        // Compared in constant time.
        is_random_id(nonce) && self.visitor_mac(nonce).verify_truncated_left(&tag).is_ok()
    }

    /// The visitor value the browser sent back under this request's cookie name, if this
    /// server issued it; any other is treated as none, and the response issues a new one.
    pub fn visitor(&self, request: &HttpRequest, secure: bool) -> Option<String> {
        let name = super::cookies::cookie_name(VISITOR_COOKIE, secure);
        super::cookies::cookie_values(request, &name)
            .into_iter()
            .find(|value| self.is_visitor(value))
    }

    fn mac(&self, purpose: &str, window: i64) -> Hmac<Sha256> {
        // HMAC takes a key of any length, so this cannot fail.
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC accepts any key length");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(window.to_string().as_bytes());
        mac
    }

    pub fn token(&self, purpose: Purpose, now: OffsetDateTime) -> String {
        let window = window(now);
        let tag = self.mac(&purpose.text(), window).finalize().into_bytes();
        format!("{window}.{}", hex(&tag))
    }

    /// Whether `token` was made for `purpose` in this window or the one before.
    pub fn verify(&self, purpose: Purpose, token: &str, now: OffsetDateTime) -> bool {
        let Some((window_text, tag)) = token.split_once('.') else {
            return false;
        };
        let (Ok(token_window), Some(tag)) = (window_text.parse::<i64>(), unhex(tag)) else {
            return false;
        };
        let current = window(now);
        if token_window != current && token_window != current - 1 {
            return false;
        }
        self.mac(&purpose.text(), token_window)
            .verify_slice(&tag)
            .is_ok()
    }
}

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Whether the browser says this request was sent by a page of another site, or of another
/// subdomain of this one (`same-site`: a sibling subdomain can set cookies for this one).
/// Requests without either header (not from a browser, or one from before 2020) pass.
pub fn is_cross_site(request: &HttpRequest, base_url: &BaseUrl) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get(SEC_FETCH_SITE) {
        let site = site.as_bytes();
        // `none`: the person typed the address or used a bookmark, so no page sent it.
        if !(site.eq_ignore_ascii_case(b"same-origin") || site.eq_ignore_ascii_case(b"none")) {
            return true;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    // "null" comes from sandboxed frames, `data:` pages and some redirects: an attacker can
    // produce it at will, and our own forms never send it, so it counts as another site.
    if origin.eq_ignore_ascii_case("null") {
        return true;
    }
    let origin = origin.trim_end_matches('/');
    let matches_base = origin.eq_ignore_ascii_case(base_url.as_str().trim_end_matches('/'));
    let matches_host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .and_then(|host| {
            origin
                .split_once("://")
                .map(|(_, authority)| (authority, host))
        })
        .is_some_and(|(authority, host)| authority.eq_ignore_ascii_case(host));
    !(matches_base || matches_host)
}

/// As `is_cross_site`, except that a page of one of `settings.trusted_origins` (a static build
/// whose forms post here) may post: a reader form's check.
pub fn is_cross_site_reader_form(request: &HttpRequest, settings: &SiteSettings) -> bool {
    let trusted = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|origin| origin.to_str().ok())
        .is_some_and(|origin| {
            let origin = origin.trim_end_matches('/');
            settings
                .trusted_origins
                .iter()
                .any(|trusted| origin.eq_ignore_ascii_case(trusted.as_str().trim_end_matches('/')))
        });
    !trusted && is_cross_site(request, &settings.base_url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;
    use time::Duration;

    fn at(seconds: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(seconds).unwrap()
    }

    #[test]
    fn tokens_verify_for_their_purpose_for_up_to_two_windows() {
        let csrf = Csrf::new(b"secret".to_vec());
        let now = at(1_800_000_000);
        let purpose = Purpose::Moderate { session_hash: "a" };
        let token = csrf.token(purpose, now);
        assert!(csrf.verify(purpose, &token, now));
        assert!(csrf.verify(purpose, &token, now + Duration::seconds(WINDOW_SECONDS)));
        assert!(!csrf.verify(purpose, &token, now + Duration::seconds(2 * WINDOW_SECONDS)));
        assert!(!csrf.verify(Purpose::Moderate { session_hash: "b" }, &token, now));
        assert!(!csrf.verify(Purpose::SignIn { visitor: "a" }, &token, now));
        assert!(!Csrf::new(b"other".to_vec()).verify(purpose, &token, now));
        for bad in ["", ".", "x.y", "1.zz", &token[..token.len() - 1], "é.é"] {
            assert!(!csrf.verify(purpose, bad, now), "{bad}");
        }
        let forged_window = format!("{}{}", window(now) + 1, &token[token.find('.').unwrap()..]);
        assert!(!csrf.verify(purpose, &forged_window, now));
    }

    #[test]
    fn sign_in_tokens_are_bound_to_one_browser() {
        let csrf = Csrf::new(b"secret".to_vec());
        let now = at(1_800_000_000);
        let visitor = new_random_id();
        let token = csrf.token(Purpose::SignIn { visitor: &visitor }, now);
        assert!(csrf.verify(Purpose::SignIn { visitor: &visitor }, &token, now));
        let other = new_random_id();
        assert!(!csrf.verify(Purpose::SignIn { visitor: &other }, &token, now));
        assert!(is_random_id(&visitor));
        assert!(!is_random_id("0123456789abcdef0123456789ABCDEF"));
        assert!(!is_random_id("<script>"));
    }

    #[test]
    fn visitor_values_are_issued_by_the_server_and_read_under_their_name() {
        let csrf = Csrf::new(b"secret".to_vec());
        let value = csrf.new_visitor();
        assert!(csrf.is_visitor(&value));
        assert_ne!(value, csrf.new_visitor(), "each browser its own");
        assert!(!Csrf::new(b"other".to_vec()).is_visitor(&value));
        let (nonce, tag) = value.split_once('.').unwrap();
        let picked = format!("{}.{tag}", new_random_id());
        for bad in [nonce, &picked, &value[..value.len() - 2], "", ".", "a.b"] {
            assert!(!csrf.is_visitor(bad), "{bad}");
        }
        let sent = |cookie: &str| {
            TestRequest::get()
                .insert_header(("cookie", cookie.to_owned()))
                .to_http_request()
        };
        let request = sent(&format!(
            "backcare_visitor={nonce}; __Host-backcare_visitor={value}"
        ));
        assert_eq!(csrf.visitor(&request, true), Some(value.clone()));
        assert_eq!(csrf.visitor(&request, false), None, "an unsigned value");
        // Over https only the `__Host-` cookie counts: a sibling subdomain can set the bare name.
        let tossed = sent(&format!("backcare_visitor={value}"));
        assert_eq!(csrf.visitor(&tossed, true), None);
        assert_eq!(csrf.visitor(&tossed, false), Some(value.clone()));
        let over_https = visitor_cookie(&value, true).to_string();
        assert!(over_https.starts_with("__Host-backcare_visitor="));
        let plain = visitor_cookie(&value, false).to_string();
        assert!(plain.starts_with("backcare_visitor="));
    }

    #[test]
    fn requests_from_other_sites_are_recognised() {
        let base: BaseUrl = "https://backcare.example".parse().unwrap();
        let request = |headers: &[(&str, &str)]| {
            let mut test = TestRequest::post().insert_header(("host", "127.0.0.1:8080"));
            for &(name, value) in headers {
                test = test.insert_header((name, value));
            }
            test.to_http_request()
        };
        assert!(!is_cross_site(&request(&[]), &base));
        assert!(!is_cross_site(
            &request(&[("origin", "https://backcare.example")]),
            &base
        ));
        assert!(!is_cross_site(
            &request(&[("origin", "http://127.0.0.1:8080")]),
            &base
        ));
        assert!(is_cross_site(&request(&[("origin", "null")]), &base));
        assert!(is_cross_site(
            &request(&[("origin", "https://evil.example")]),
            &base
        ));
        assert!(is_cross_site(
            &request(&[("sec-fetch-site", "cross-site")]),
            &base
        ));
        assert!(!is_cross_site(
            &request(&[("sec-fetch-site", "same-origin")]),
            &base
        ));
        assert!(!is_cross_site(
            &request(&[("sec-fetch-site", "none")]),
            &base
        ));
        // A sibling subdomain, even with an Origin that would pass.
        assert!(is_cross_site(
            &request(&[
                ("sec-fetch-site", "same-site"),
                ("origin", "https://backcare.example")
            ]),
            &base
        ));
        assert!(is_cross_site(
            &request(&[("sec-fetch-site", "same-origin"), ("origin", "null")]),
            &base
        ));
    }

    #[test]
    fn a_trusted_origin_may_post_reader_forms() {
        let settings = SiteSettings {
            trusted_origins: vec!["https://static.example".parse().unwrap()],
            ..SiteSettings::new("https://app.example".parse().unwrap())
        };
        let from = |origin: &str, site: &str| {
            TestRequest::post()
                .insert_header(("origin", origin))
                .insert_header(("sec-fetch-site", site))
                .to_http_request()
        };
        assert!(!is_cross_site_reader_form(
            &from("https://static.example", "cross-site"),
            &settings
        ));
        assert!(!is_cross_site_reader_form(
            &from("https://app.example", "same-origin"),
            &settings
        ));
        assert!(is_cross_site_reader_form(
            &from("https://evil.example", "cross-site"),
            &settings
        ));
        assert!(is_cross_site_reader_form(
            &from("null", "cross-site"),
            &settings
        ));
    }
}
