//! Cross-site request forgery defences for the discussion and moderation forms.
//!
//! Tokens are stateless: `window.hmac` where `hmac = HMAC-SHA256(secret, purpose, window)` and a
//! window is six hours, so a token is good for six to twelve hours and needs nothing stored.
//! The purpose binds a token to one form: the post form of one article, the login form, or one
//! moderator's session. Browsers also say where a form came from (`Origin`, `Sec-Fetch-Site`):
//! a post that says it came from another site, or from the opaque origin `null`, is refused
//! whatever its token.

use actix_web::HttpRequest;
use actix_web::http::header::{self, HeaderName};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;

use crate::discussion::moderators::hex;
use crate::web::BaseUrl;

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

fn unhex(text: &str) -> Option<Vec<u8>> {
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

    fn mac(&self, purpose: &str, window: i64) -> Hmac<Sha256> {
        // HMAC takes a key of any length, so this cannot fail.
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC accepts any key length");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(window.to_string().as_bytes());
        mac
    }

    pub fn token(&self, purpose: &str, now: OffsetDateTime) -> String {
        let window = window(now);
        let tag = self.mac(purpose, window).finalize().into_bytes();
        format!("{window}.{}", hex(&tag))
    }

    /// Whether `token` was made for `purpose` in this window or the one before.
    pub fn verify(&self, purpose: &str, token: &str, now: OffsetDateTime) -> bool {
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
        self.mac(purpose, token_window).verify_slice(&tag).is_ok()
    }
}

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Whether the browser says this request was sent by a page of another site.
pub fn is_cross_site(request: &HttpRequest, base_url: &BaseUrl) -> bool {
    let headers = request.headers();
    if headers
        .get(SEC_FETCH_SITE)
        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"cross-site"))
    {
        return true;
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
        let token = csrf.token("post:/articles/a", now);
        assert!(csrf.verify("post:/articles/a", &token, now));
        assert!(csrf.verify(
            "post:/articles/a",
            &token,
            now + Duration::seconds(WINDOW_SECONDS)
        ));
        assert!(!csrf.verify(
            "post:/articles/a",
            &token,
            now + Duration::seconds(2 * WINDOW_SECONDS)
        ));
        assert!(!csrf.verify("post:/articles/b", &token, now));
        assert!(!Csrf::new(b"other".to_vec()).verify("post:/articles/a", &token, now));
        for bad in ["", ".", "x.y", "1.zz", &token[..token.len() - 1], "é.é"] {
            assert!(!csrf.verify("post:/articles/a", bad, now), "{bad}");
        }
        let forged_window = format!("{}{}", window(now) + 1, &token[token.find('.').unwrap()..]);
        assert!(!csrf.verify("post:/articles/a", &forged_window, now));
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
    }
}
