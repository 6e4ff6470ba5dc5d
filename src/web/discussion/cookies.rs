//! Cookies: how they are read, and how the moderators' are named and set. Over https those have the
//! `__Host-` prefix, so a browser keeps it only if it was set by this host, over https, for the
//! whole site (`Path=/`, no `Domain`): a sibling subdomain cannot plant or overwrite one. Plain
//! http (a local preview) uses the bare name, as browsers refuse `__Host-` there.

use std::borrow::Cow;

use actix_web::HttpRequest;
use actix_web::http::header;

/// `name` as this request's browser stores it.
pub fn cookie_name(name: &'static str, secure: bool) -> Cow<'static, str> {
    if secure {
        Cow::Owned(format!("__Host-{name}"))
    } else {
        Cow::Borrowed(name)
    }
}

/// Every value the request carries for the cookie called `name` (exactly), first first.
pub fn cookie_values<'a>(request: &'a HttpRequest, name: &'a str) -> impl Iterator<Item = &'a str> {
    request
        .headers()
        .get_all(header::COOKIE)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(move |(found, _)| *found == name)
        .map(|(_, value)| value)
}

/// `Set-Cookie` for a moderator cookie: the whole site, script cannot read it, never sent with
/// a request that another site started. `max_age` 0 deletes it.
pub fn set_cookie_header(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
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
        assert_eq!(
            set_cookie_header("__Host-a", "b", 60, true),
            "__Host-a=b; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure"
        );
        assert!(!set_cookie_header("a", "b", 60, false).contains("Secure"));
    }

    #[test]
    fn only_the_exact_name_is_read() {
        let request = TestRequest::get()
            .insert_header(("cookie", "x=1; __Host-a=2; a=3"))
            .to_http_request();
        assert_eq!(cookie_values(&request, "a").collect::<Vec<_>>(), ["3"]);
        assert_eq!(
            cookie_values(&request, "__Host-a").collect::<Vec<_>>(),
            ["2"]
        );
    }
}
