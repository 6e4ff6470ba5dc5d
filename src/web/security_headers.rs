//! The headers every response carries, whatever produced it: pages, static files, errors, 304s,
//! the checker's answers. Built once as static values, so adding them costs no allocation.

use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};

/// No script or inline style anywhere: pages use one stylesheet and no JavaScript, diagrams are
/// styled by classes in it, and JSON-LD is data that browsers never execute. (`serve --watch`
/// alone allows this site's scripts, for its auto-reload: `live_events`.)
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
/// The site needs no powerful feature, so pages (and anything that injects into them) get none.
pub const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()";
pub const REFERRER_POLICY: &str = "strict-origin-when-cross-origin";
/// Two years, the preload list's minimum; sent only when the site is served over https.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=63072000";
/// With `--hsts-preload`: every subdomain too, and consent to browsers' preload lists. An
/// operator's choice, as it binds every subdomain of the site to https for two years.
pub const STRICT_TRANSPORT_SECURITY_PRELOAD: &str = "max-age=63072000; includeSubDomains; preload";

/// Validated at compile time: `from_static` in a const costs nothing per request.
const ALWAYS: [(HeaderName, HeaderValue); 5] = [
    (
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    ),
    (
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ),
    (
        header::REFERRER_POLICY,
        HeaderValue::from_static(REFERRER_POLICY),
    ),
    (
        header::PERMISSIONS_POLICY,
        HeaderValue::from_static(PERMISSIONS_POLICY),
    ),
    (
        header::CROSS_ORIGIN_OPENER_POLICY,
        HeaderValue::from_static("same-origin"),
    ),
];
const HSTS: HeaderValue = HeaderValue::from_static(STRICT_TRANSPORT_SECURITY);
const HSTS_PRELOAD: HeaderValue = HeaderValue::from_static(STRICT_TRANSPORT_SECURITY_PRELOAD);

/// Adds the security headers to a finished response; `https` adds `Strict-Transport-Security`,
/// with `includeSubDomains; preload` when `preload`.
pub fn apply(headers: &mut HeaderMap, https: bool, preload: bool) {
    for (name, value) in ALWAYS {
        headers.insert(name, value);
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            if preload { HSTS_PRELOAD } else { HSTS },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_header_is_added_and_hsts_only_for_https() {
        let mut headers = HeaderMap::new();
        apply(&mut headers, false, true);
        assert_eq!(headers.len(), 5);
        assert!(!headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
        assert_eq!(
            headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
            "nosniff"
        );
        apply(&mut headers, true, false);
        assert_eq!(
            headers.len(),
            6,
            "inserting again replaces, never duplicates"
        );
        assert_eq!(
            headers.get(header::STRICT_TRANSPORT_SECURITY).unwrap(),
            STRICT_TRANSPORT_SECURITY
        );
        apply(&mut headers, true, true);
        assert_eq!(
            headers.get(header::STRICT_TRANSPORT_SECURITY).unwrap(),
            "max-age=63072000; includeSubDomains; preload"
        );
    }

    #[test]
    fn the_policy_forbids_inline_code_framing_and_foreign_forms() {
        for directive in [
            "default-src 'self'",
            "script-src 'none'",
            "style-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "base-uri 'none'",
        ] {
            assert!(CONTENT_SECURITY_POLICY.contains(directive), "{directive}");
        }
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"));
    }
}
