//! Cookies: how they are read, and how the moderators' and the visitor's are named and set. Over
//! https those have the `__Host-` prefix, so a browser keeps it only if it was set by this host,
//! over https, for the whole site (`Path=/`, no `Domain`): a sibling subdomain cannot plant or
//! overwrite one. Plain http (a local preview) uses the bare name, as browsers refuse `__Host-`
//! there.

use std::borrow::Cow;

use actix_web::cookie::time::Duration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse};

/// `name` as this request's browser stores it.
pub fn cookie_name(name: &'static str, secure: bool) -> Cow<'static, str> {
    if secure {
        Cow::Owned(format!("__Host-{name}"))
    } else {
        Cow::Borrowed(name)
    }
}

/// Every value the request carries for the cookie called `name` (exactly), first first. Read as
/// sent, not percent-decoded: every value this site sets is plain hex, so decoding could only
/// let a second spelling of one value in.
pub fn cookie_values(request: &HttpRequest, name: &str) -> Vec<String> {
    // A `Cookie` header that is not UTF-8 is no browser's: it is read as no cookies at all.
    request.cookies_raw().map_or_else(
        |_| Vec::new(),
        |cookies| {
            cookies
                .iter()
                .filter(|cookie| cookie.name() == name)
                .map(|cookie| cookie.value().to_owned())
                .collect()
        },
    )
}

/// A cookie for the whole site that script cannot read and that is never sent with a request
/// another site started; `Secure` over https. With `max_age` in seconds it is kept that long
/// (0 deletes it); without, until the browser closes.
pub fn site_cookie(
    name: Cow<'static, str>,
    value: String,
    max_age: Option<i64>,
    secure: bool,
) -> Cookie<'static> {
    let mut cookie = Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish();
    if let Some(seconds) = max_age {
        cookie.set_max_age(Duration::seconds(seconds));
    }
    cookie
}

/// Adds `cookie` to the response as a `Set-Cookie`.
pub fn set(response: &mut HttpResponse, cookie: &Cookie<'_>) {
    // Fails only for a value that cannot be a header; the names and values set here are ASCII
    // letters, digits, `_` and `-`, so the response goes without it only in theory.
    let _ = response.add_cookie(cookie);
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn over_https_names_are_host_prefixed_and_secure() {
        assert_eq!(
            cookie_name("backcare_moderator", true),
            "__Host-backcare_moderator"
        );
        assert_eq!(
            cookie_name("backcare_moderator", false),
            "backcare_moderator"
        );
        let cookie = site_cookie("__Host-a".into(), "b".to_owned(), Some(60), true).to_string();
        let parsed = Cookie::parse(cookie.as_str()).unwrap();
        assert_eq!((parsed.name(), parsed.value()), ("__Host-a", "b"));
        assert_eq!(parsed.path(), Some("/"));
        assert_eq!(parsed.max_age(), Some(Duration::seconds(60)));
        assert_eq!(parsed.http_only(), Some(true));
        assert_eq!(parsed.same_site(), Some(SameSite::Strict));
        assert_eq!(parsed.secure(), Some(true));
        assert_eq!(parsed.domain(), None);
        let plain = site_cookie("a".into(), "b".to_owned(), None, false).to_string();
        assert!(!plain.contains("Secure"), "{plain}");
        assert!(!plain.contains("Max-Age"), "{plain}");
    }

    #[test]
    fn only_the_exact_name_is_read() {
        let request = TestRequest::get()
            .insert_header(("cookie", "x=1; __Host-a=2; a=3"))
            .to_http_request();
        assert_eq!(cookie_values(&request, "a"), ["3"]);
        assert_eq!(cookie_values(&request, "__Host-a"), ["2"]);
    }
}
