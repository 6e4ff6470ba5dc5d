//! What running in production needs: compressed pages with their own validators, cache rules per
//! kind of response, security headers on every response, the checker's rate limit (and who the
//! client is behind a proxy), the health check, and a graceful stop of the real binary.

use std::io::Read;
use std::net::IpAddr;
use std::process::Stdio;
use std::time::Duration;

use backcare::rate_limit::RateLimit;
use backcare::startup::ServeConfig;
use backcare::web::Precompress;
use backcare::web::security_headers::{
    CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
};
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, HeaderName,
    IF_NONE_MATCH, RETRY_AFTER, VARY,
};
use reqwest::{Method, Response};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use crate::helpers::{
    FORM_CONTENT_TYPE, TestApp, bundled_config, header_text, html, raw_request, repo_path,
    select_attrs, spawn_app_with,
};

const ARTICLE: &str = "/articles/heat-therapy";
const VALID_FORM: &str = "warning=none&location=lower&onset=gradual&duration=under-1-week&severity=3&age=40&pregnant=no&symptom=none&history=none";

/// The bundled site with every page compressed before the first request.
async fn spawn_compressed() -> TestApp {
    spawn_app_with(ServeConfig {
        precompress: Precompress::Blocking,
        ..bundled_config()
    })
    .await
}

async fn get_with(app: &TestApp, path: &str, headers: &[(HeaderName, &str)]) -> Response {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    request.send().await.expect("request reaches the server")
}

fn header(response: &Response, name: HeaderName) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().expect("header is text").to_owned())
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .expect("valid brotli");
    out
}

/// The stylesheet and icon addresses the layout links to.
async fn hashed_asset_urls(app: &TestApp) -> (String, String) {
    let document = app.get_page("/").await;
    let stylesheet = select_attrs(&document, "link[rel=stylesheet]", "href");
    let icon = select_attrs(&document, "link[rel=icon]", "href");
    assert_eq!((stylesheet.len(), icon.len()), (1, 1));
    (stylesheet[0].clone(), icon[0].clone())
}

#[tokio::test]
async fn compressed_pages_decompress_to_exactly_the_identity_bytes() {
    let app = spawn_compressed().await;
    let (stylesheet, _) = hashed_asset_urls(&app).await;
    for path in [
        ARTICLE,
        "/",
        "/topics/relief",
        "/symptom-checker",
        "/feed.xml",
        "/sitemap.xml",
        stylesheet.as_str(),
        "/static/site.css",
    ] {
        let identity = get_with(&app, path, &[]).await;
        assert_eq!(identity.status(), 200, "{path}");
        assert_eq!(header(&identity, CONTENT_ENCODING), None, "{path}");
        assert_eq!(
            header(&identity, VARY).as_deref(),
            Some("accept-encoding"),
            "{path}"
        );
        let identity_etag = header_text(&identity, ETAG);
        let identity_type = header_text(&identity, CONTENT_TYPE);
        let identity_body = identity.bytes().await.expect("body");

        let mut etags = vec![identity_etag];
        for (coding, decode) in [
            ("gzip", gunzip as fn(&[u8]) -> Vec<u8>),
            ("br", unbrotli as fn(&[u8]) -> Vec<u8>),
        ] {
            let response = get_with(&app, path, &[(ACCEPT_ENCODING, coding)]).await;
            assert_eq!(response.status(), 200, "{path} {coding}");
            assert_eq!(
                header(&response, CONTENT_ENCODING).as_deref(),
                Some(coding),
                "{path}"
            );
            assert_eq!(header(&response, VARY).as_deref(), Some("accept-encoding"));
            assert_eq!(header_text(&response, CONTENT_TYPE), identity_type);
            etags.push(header_text(&response, ETAG));
            let compressed = response.bytes().await.expect("body");
            assert!(
                compressed.len() < identity_body.len(),
                "{path} {coding}: {} >= {}",
                compressed.len(),
                identity_body.len()
            );
            assert_eq!(decode(&compressed), identity_body, "{path} {coding}");
        }
        etags.sort();
        etags.dedup();
        assert_eq!(etags.len(), 3, "{path}: one ETag per encoding: {etags:?}");
    }
}

#[tokio::test]
async fn each_encoding_revalidates_with_its_own_etag() {
    let app = spawn_compressed().await;
    for coding in ["identity", "gzip", "br"] {
        let accept = [(ACCEPT_ENCODING, coding)];
        let first = get_with(&app, ARTICLE, &accept).await;
        let etag = header_text(&first, ETAG);

        let again = get_with(
            &app,
            ARTICLE,
            &[(ACCEPT_ENCODING, coding), (IF_NONE_MATCH, &etag)],
        )
        .await;
        assert_eq!(again.status(), 304, "{coding}");
        assert_eq!(header_text(&again, ETAG), etag, "{coding}");
        assert_eq!(header(&again, VARY).as_deref(), Some("accept-encoding"));
        assert!(
            header_text(&again, CACHE_CONTROL).starts_with("public"),
            "{coding}"
        );
        assert!(again.bytes().await.expect("body").is_empty());

        let weak = format!("W/{etag}");
        let weakly = get_with(
            &app,
            ARTICLE,
            &[(ACCEPT_ENCODING, coding), (IF_NONE_MATCH, &weak)],
        )
        .await;
        assert_eq!(
            weakly.status(),
            304,
            "{coding}: If-None-Match compares weakly"
        );
    }
    // A client holding the gzip bytes that now asks for brotli gets the brotli bytes.
    let gzip_etag = header_text(
        &get_with(&app, ARTICLE, &[(ACCEPT_ENCODING, "gzip")]).await,
        ETAG,
    );
    let switched = get_with(
        &app,
        ARTICLE,
        &[(ACCEPT_ENCODING, "br"), (IF_NONE_MATCH, &gzip_etag)],
    )
    .await;
    assert_eq!(switched.status(), 200);
    assert_eq!(header(&switched, CONTENT_ENCODING).as_deref(), Some("br"));
}

#[tokio::test]
async fn accept_encoding_q_values_choose_the_encoding() {
    let app = spawn_compressed().await;
    for (accept, expected) in [
        ("gzip, deflate, br", Some("br")),
        ("br;q=0.5, gzip", Some("gzip")),
        ("gzip;q=0.5, br;q=0.9", Some("br")),
        ("br;q=0, gzip;q=0.1", Some("gzip")),
        ("br;q=0, gzip;q=0", None),
        ("*", Some("br")),
        ("*;q=0", None),
        ("identity", None),
        ("deflate, zstd", None),
    ] {
        let response = get_with(&app, ARTICLE, &[(ACCEPT_ENCODING, accept)]).await;
        assert_eq!(response.status(), 200, "{accept}");
        assert_eq!(
            header(&response, CONTENT_ENCODING).as_deref(),
            expected,
            "{accept}"
        );
    }
}

#[tokio::test]
async fn tiny_bodies_are_never_compressed() {
    let app = spawn_compressed().await;
    let (_, icon) = hashed_asset_urls(&app).await;
    for path in ["/healthz", icon.as_str()] {
        let response = get_with(&app, path, &[(ACCEPT_ENCODING, "br, gzip")]).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, CONTENT_ENCODING), None, "{path}");
        assert_eq!(header(&response, VARY), None, "{path}: nothing to vary");
    }
    let health = app.get("/healthz").await;
    assert_eq!(health.text().await.expect("text"), "ok\n");
}

#[tokio::test]
async fn background_compression_serves_at_once_and_compresses_soon() {
    let app = spawn_app_with(ServeConfig {
        precompress: Precompress::Background,
        ..bundled_config()
    })
    .await;
    // Served from the first request, compressed or not.
    let first = get_with(&app, ARTICLE, &[(ACCEPT_ENCODING, "br")]).await;
    assert_eq!(first.status(), 200);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let response = get_with(&app, ARTICLE, &[(ACCEPT_ENCODING, "br")]).await;
        if header(&response, CONTENT_ENCODING).as_deref() == Some("br") {
            let identity = app.get(ARTICLE).await.bytes().await.expect("body");
            let compressed = response.bytes().await.expect("body");
            assert_eq!(unbrotli(&compressed), identity);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "pages were not compressed within a minute"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn pages_link_content_hashed_assets_that_are_cached_for_a_year() {
    let app = crate::helpers::spawn_app().await;
    let (stylesheet, icon) = hashed_asset_urls(&app).await;
    for (url, file) in [(&stylesheet, "site.css"), (&icon, "favicon.svg")] {
        let (stem, extension) = file.split_once('.').expect("a name with an extension");
        let hash = url
            .strip_prefix(&format!("/static/{stem}."))
            .and_then(|rest| rest.strip_suffix(&format!(".{extension}")))
            .unwrap_or_else(|| panic!("{url} is /static/{stem}.<hash>.{extension}"));
        assert!(
            hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{url}"
        );

        let hashed = app.get(url).await;
        assert_eq!(hashed.status(), 200, "{url}");
        assert_eq!(
            header_text(&hashed, CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        let hashed_body = hashed.bytes().await.expect("body");
        let on_disk = std::fs::read(repo_path(&format!("static/{file}"))).expect("static file");
        assert_eq!(hashed_body, on_disk, "{url} serves {file}");

        // The plain name still works for links from outside, with a short lifetime.
        let plain = app.get(&format!("/static/{file}")).await;
        assert_eq!(plain.status(), 200);
        assert_eq!(
            header_text(&plain, CACHE_CONTROL),
            "public, max-age=3600, must-revalidate"
        );
        assert_eq!(plain.bytes().await.expect("body"), on_disk);
    }
    // Another hash is not a file.
    let (status, _) = app.get_text("/static/site.000000000000.css").await;
    assert_eq!(status, 404);
    // Every page uses the same hashed addresses.
    let article = app.get_page(ARTICLE).await;
    assert_eq!(
        select_attrs(&article, "link[rel=stylesheet]", "href"),
        [stylesheet]
    );
}

#[tokio::test]
async fn every_kind_of_response_has_its_cache_rule() {
    let app = crate::helpers::spawn_app().await;
    let short = "public, max-age=300, must-revalidate";
    for path in [
        "/",
        ARTICLE,
        "/topics/relief",
        "/symptom-checker",
        "/feed.xml",
        "/sitemap.xml",
        "/robots.txt",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header_text(&response, CACHE_CONTROL), short, "{path}");
    }
    let result = app.post_form("/symptom-checker", VALID_FORM).await;
    assert_eq!(result.status(), 200);
    assert_eq!(header_text(&result, CACHE_CONTROL), "no-store");
    let invalid = app.post_form("/symptom-checker", "location=nowhere").await;
    assert_eq!(invalid.status(), 422);
    assert_eq!(header_text(&invalid, CACHE_CONTROL), "no-store");
    for path in ["/nope", "/healthz"] {
        assert_eq!(
            header_text(&app.get(path).await, CACHE_CONTROL),
            "no-store",
            "{path}"
        );
    }
}

/// Every security header with its exact value; Strict-Transport-Security only when `https`.
fn assert_security_headers(response: &Response, https: bool, what: &str) {
    let expected = [
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", REFERRER_POLICY),
        ("permissions-policy", PERMISSIONS_POLICY),
        ("cross-origin-opener-policy", "same-origin"),
    ];
    for (name, value) in expected {
        let values: Vec<_> = response.headers().get_all(name).iter().collect();
        assert_eq!(values.len(), 1, "{what}: one {name}");
        assert_eq!(values[0], value, "{what}: {name}");
    }
    let hsts = header(response, reqwest::header::STRICT_TRANSPORT_SECURITY);
    if https {
        assert_eq!(hsts.as_deref(), Some(STRICT_TRANSPORT_SECURITY), "{what}");
    } else {
        assert_eq!(hsts, None, "{what}: no HSTS over http");
    }
}

/// One of every kind of response the server makes, each with a name for the failure message.
async fn every_kind_of_response(app: &TestApp) -> Vec<(String, Response)> {
    let (stylesheet, _) = hashed_asset_urls(app).await;
    let etag = header_text(&app.get(ARTICLE).await, ETAG);
    let responses = vec![
        ("page".to_owned(), app.get(ARTICLE).await),
        ("HEAD".to_owned(), app.request(Method::HEAD, ARTICLE).await),
        (
            "304".to_owned(),
            get_with(app, ARTICLE, &[(IF_NONE_MATCH, &etag)]).await,
        ),
        ("hashed static".to_owned(), app.get(&stylesheet).await),
        ("static".to_owned(), app.get("/static/site.css").await),
        ("feed".to_owned(), app.get("/feed.xml").await),
        ("404".to_owned(), app.get("/no-such-page").await),
        ("405".to_owned(), app.request(Method::DELETE, ARTICLE).await),
        ("healthz".to_owned(), app.get("/healthz").await),
        (
            "result".to_owned(),
            app.post_form("/symptom-checker", VALID_FORM).await,
        ),
        (
            "422".to_owned(),
            app.post_form("/symptom-checker", "age=old").await,
        ),
        (
            "413".to_owned(),
            app.post_form("/symptom-checker", &"a".repeat(17 * 1024))
                .await,
        ),
        (
            "415".to_owned(),
            app.post("/symptom-checker", Some("text/plain"), "x").await,
        ),
        (
            "change".to_owned(),
            app.post_form("/symptom-checker/change", VALID_FORM).await,
        ),
    ];
    let expected = [
        200, 200, 304, 200, 200, 200, 404, 405, 200, 200, 422, 413, 415, 200,
    ];
    for ((what, response), status) in responses.iter().zip(expected) {
        assert_eq!(response.status(), status, "{what}");
    }
    responses
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = crate::helpers::spawn_app().await;
    for (what, response) in every_kind_of_response(&app).await {
        assert_security_headers(&response, false, &what);
    }
    // A 429 too.
    let limited = spawn_app_with(ServeConfig {
        checker_rate_limit: Some(RateLimit {
            per_minute: 1,
            burst: 1,
        }),
        ..bundled_config()
    })
    .await;
    limited.post_form("/symptom-checker", VALID_FORM).await;
    let refused = limited.post_form("/symptom-checker", VALID_FORM).await;
    assert_eq!(refused.status(), 429);
    assert_security_headers(&refused, false, "429");
}

#[tokio::test]
async fn the_pages_need_nothing_the_content_security_policy_forbids() {
    let app = crate::helpers::spawn_app().await;
    for path in ["/", ARTICLE, "/articles/lifting-safely", "/symptom-checker"] {
        let (_, page) = app.get_text(path).await;
        let document = html(&page);
        for (css, what) in [
            ("[style]", "a style attribute"),
            ("style", "a <style> element"),
            (
                "script:not([type=\"application/ld+json\"])",
                "a script that runs",
            ),
            (
                "[onclick], [onload], [onerror], [onsubmit]",
                "an event handler",
            ),
            ("iframe, object, embed", "an embedded object"),
        ] {
            assert_eq!(
                document.select(&crate::helpers::selector(css)).count(),
                0,
                "{path} has {what}, which the CSP blocks"
            );
        }
        // Forms post to this site only (form-action 'self').
        for action in select_attrs(&document, "form", "action") {
            assert!(action.starts_with('/'), "{path}: form action {action}");
        }
    }
}

#[tokio::test]
async fn hsts_is_sent_only_when_the_site_is_served_over_https() {
    // Known from the public address.
    let https = spawn_app_with(ServeConfig {
        base_url: Some("https://backcare.example".parse().expect("url")),
        ..bundled_config()
    })
    .await;
    for (what, response) in every_kind_of_response(&https).await {
        assert_security_headers(&response, true, &what);
    }

    // Or from a trusted proxy that says the client came over https; nobody else can say so.
    let proxied = spawn_app_with(ServeConfig {
        trusted_proxies: vec!["127.0.0.1".parse().expect("ip")],
        ..bundled_config()
    })
    .await;
    let forwarded = HeaderName::from_static("x-forwarded-proto");
    let over_https = get_with(&proxied, ARTICLE, &[(forwarded.clone(), "https")]).await;
    assert_security_headers(&over_https, true, "trusted proxy, https");
    let over_http = get_with(&proxied, ARTICLE, &[(forwarded.clone(), "http")]).await;
    assert_security_headers(&over_http, false, "trusted proxy, http");

    let untrusted = crate::helpers::spawn_app().await;
    let spoofed = get_with(&untrusted, ARTICLE, &[(forwarded, "https")]).await;
    assert_security_headers(&spoofed, false, "X-Forwarded-Proto from an untrusted peer");

    // Subdomains and preload lists only when the operator opts in.
    let preload = spawn_app_with(ServeConfig {
        base_url: Some("https://backcare.example".parse().expect("url")),
        hsts_preload: true,
        ..bundled_config()
    })
    .await;
    let response = preload.get(ARTICLE).await;
    assert_eq!(
        header_text(&response, reqwest::header::STRICT_TRANSPORT_SECURITY),
        "max-age=63072000; includeSubDomains; preload"
    );
    let plain = https.get(ARTICLE).await;
    assert_eq!(
        header_text(&plain, reqwest::header::STRICT_TRANSPORT_SECURITY),
        "max-age=63072000"
    );
}

fn limited_config(trusted_proxies: Vec<IpAddr>) -> ServeConfig {
    ServeConfig {
        // One answer every 10 seconds after a burst of 3.
        checker_rate_limit: Some(RateLimit {
            per_minute: 6,
            burst: 3,
        }),
        trusted_proxies,
        ..bundled_config()
    }
}

async fn post_from(app: &TestApp, path: &str, forwarded_for: Option<&str>) -> Response {
    let mut request = app
        .client
        .post(app.url(path))
        .header(reqwest::header::CONTENT_TYPE, FORM_CONTENT_TYPE)
        .body(VALID_FORM);
    if let Some(forwarded_for) = forwarded_for {
        request = request.header("x-forwarded-for", forwarded_for);
    }
    request.send().await.expect("request reaches the server")
}

#[tokio::test]
async fn the_checker_answers_429_with_retry_after_once_a_client_uses_its_burst() {
    let app = spawn_app_with(limited_config(Vec::new())).await;
    for n in 1..=3 {
        let response = post_from(&app, "/symptom-checker", None).await;
        assert_eq!(response.status(), 200, "answer {n} of the burst");
    }
    let refused = post_from(&app, "/symptom-checker", None).await;
    assert_eq!(refused.status(), 429);
    let retry_after: u64 = header_text(&refused, RETRY_AFTER)
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=10).contains(&retry_after), "{retry_after}");
    assert_eq!(header_text(&refused, CACHE_CONTROL), "no-store");
    assert!(header_text(&refused, CONTENT_TYPE).starts_with("text/html"));
    let page = html(&refused.text().await.expect("text"));
    assert_eq!(
        crate::helpers::select_texts(&page, "main h1"),
        ["Please wait a moment before trying again"]
    );
    crate::helpers::assert_layout(&page, "429");

    // "Change your answers" draws on the same allowance.
    let change = post_from(&app, "/symptom-checker/change", None).await;
    assert_eq!(change.status(), 429);
    // Reading is never limited.
    for path in ["/symptom-checker", ARTICLE, "/"] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn a_spoofed_x_forwarded_for_cannot_dodge_the_limit() {
    let app = spawn_app_with(limited_config(Vec::new())).await;
    let mut statuses = Vec::new();
    for n in 0..6 {
        let spoofed = format!("198.51.100.{n}");
        statuses.push(
            post_from(&app, "/symptom-checker", Some(&spoofed))
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429, 429]);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit() {
    let app = spawn_app_with(limited_config(vec!["127.0.0.1".parse().expect("ip")])).await;
    for _ in 0..3 {
        let response = post_from(&app, "/symptom-checker", Some("198.51.100.1")).await;
        assert_eq!(response.status(), 200);
    }
    let limited = post_from(&app, "/symptom-checker", Some("198.51.100.1")).await;
    assert_eq!(limited.status(), 429);
    // The client cannot escape by writing its own hop in front of the one the proxy added.
    let spoofed = post_from(&app, "/symptom-checker", Some("203.0.113.5, 198.51.100.1")).await;
    assert_eq!(spoofed.status(), 429);
    // Another reader behind the same proxy is not affected.
    let other = post_from(&app, "/symptom-checker", Some("198.51.100.2")).await;
    assert_eq!(other.status(), 200);
}

#[tokio::test]
async fn an_ipv6_client_s_whole_slash_64_shares_one_limit() {
    let app = spawn_app_with(limited_config(vec!["127.0.0.1".parse().expect("ip")])).await;
    // One household or phone changes the last 64 bits at will: each is the same client.
    for host in ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:a:b:c:d"] {
        let response = post_from(&app, "/symptom-checker", Some(host)).await;
        assert_eq!(response.status(), 200, "{host}");
    }
    let limited = post_from(&app, "/symptom-checker", Some("2001:db8:1:2:ffff::9")).await;
    assert_eq!(limited.status(), 429);
    assert!(header_text(&limited, RETRY_AFTER).parse::<u64>().is_ok());
    // The next /64 is someone else.
    let neighbour = post_from(&app, "/symptom-checker", Some("2001:db8:1:3::1")).await;
    assert_eq!(neighbour.status(), 200);
}

#[tokio::test]
async fn bodies_over_16_kib_get_413_before_they_are_read() {
    let app = crate::helpers::spawn_app().await;
    let response = app
        .post_form(
            "/symptom-checker",
            &format!("{VALID_FORM}&x={}", "a".repeat(16 * 1024)),
        )
        .await;
    assert_eq!(response.status(), 413);
    assert_eq!(header_text(&response, CACHE_CONTROL), "no-store");
}

#[tokio::test]
async fn a_form_body_that_never_finishes_gets_408() {
    let app = crate::helpers::spawn_app().await;
    // Declares 100 bytes and sends 10: after form::BODY_TIMEOUT the server gives up.
    let request = format!(
        "POST /symptom-checker HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM_CONTENT_TYPE}\r\n\
         Content-Length: 100\r\n\r\nlocation=l"
    );
    let mut stream = tokio::net::TcpStream::connect(app.address)
        .await
        .expect("connects");
    stream.write_all(request.as_bytes()).await.expect("sent");
    let mut response = Vec::new();
    let read = tokio::time::timeout(
        backcare::web::form::BODY_TIMEOUT + Duration::from_secs(10),
        stream.read_to_end(&mut response),
    )
    .await;
    assert!(read.is_ok(), "the server answered in time");
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(response.contains("The answers took too long to arrive"));
}

#[tokio::test]
async fn an_oversized_request_head_is_refused() {
    let app = crate::helpers::spawn_app().await;
    let request = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Padding: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(200 * 1024)
    );
    let mut stream = tokio::net::TcpStream::connect(app.address)
        .await
        .expect("connects");
    // The server may close before reading it all; either way the request is not served.
    let _ = stream.write_all(request.as_bytes()).await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.is_empty() || response.starts_with("HTTP/1.1 431"),
        "{response}"
    );
}

#[tokio::test]
async fn healthz_is_a_tiny_uncached_ok_for_get_and_head() {
    let app = crate::helpers::spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header_text(&response, CONTENT_TYPE),
        "text/plain; charset=utf-8"
    );
    assert_eq!(header_text(&response, CACHE_CONTROL), "no-store");
    assert_eq!(response.text().await.expect("text"), "ok\n");
    let head = app.request(Method::HEAD, "/healthz").await;
    assert_eq!(head.status(), 200);
    assert!(head.bytes().await.expect("body").is_empty());
    let (status, _) = raw_request(
        &app,
        b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 405);
}

/// The real binary, started as an operator would, with its address read from what it prints.
pub(crate) struct RunningBinary {
    child: tokio::process::Child,
    pub(crate) address: String,
    /// Holds the discussion's database, so the run leaves nothing in the repository.
    _state: tempfile::TempDir,
}

impl RunningBinary {
    pub(crate) async fn start(extra: &[&str]) -> RunningBinary {
        let state = tempfile::tempdir().expect("temp dir");
        let database = format!("sqlite://{}/backcare.db?mode=rwc", state.path().display());
        // No discussion, so no database file is created in the repository.
        let environment = [("BACKCARE_COMMENTS", "off"), ("DATABASE_URL", &database)];
        RunningBinary::start_with(extra, &environment, state).await
    }

    /// Starts the binary with `extra` arguments and `environment` variables, keeping `state`
    /// (a temporary folder) until it stops.
    pub(crate) async fn start_with(
        extra: &[&str],
        environment: &[(&str, &str)],
        state: tempfile::TempDir,
    ) -> RunningBinary {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_backcare"))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(extra)
            .current_dir(repo_path(""))
            .env("BACKCARE_LOG", "info")
            .env_remove("BACKCARE_BIND")
            .env_remove("BACKCARE_BASE_URL")
            .env_remove("BACKCARE_CRASH_AT")
            .envs(environment.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("backcare starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let address = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await.expect("stdout is text") {
                if let Some((_, address)) = line.split_once(" at http://") {
                    return address.to_owned();
                }
            }
            panic!("backcare exited without saying where it serves");
        })
        .await
        .expect("backcare says where it serves within 30 s");
        // Keep draining stdout so the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        RunningBinary {
            child,
            address,
            _state: state,
        }
    }

    pub(crate) fn signal(&self, signal: &str) {
        let pid = self.child.id().expect("still running").to_string();
        let status = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{signal} {pid}");
    }

    /// Waits for the exit and returns the status code and everything written to stderr.
    pub(crate) async fn exit(mut self) -> (Option<i32>, String) {
        let mut stderr = self.child.stderr.take().expect("stderr");
        let mut log = String::new();
        let status = tokio::time::timeout(Duration::from_secs(30), async {
            stderr.read_to_string(&mut log).await.expect("stderr");
            self.child.wait().await.expect("exit status")
        })
        .await
        .expect("backcare exits within 30 s of the signal");
        (status.code(), log)
    }
}

#[tokio::test]
async fn sigterm_finishes_the_request_in_flight_then_exits_0() {
    finishes_the_request_in_flight_then_exits_0("TERM").await;
}

/// actix-web alone treats Ctrl-C as a forced shutdown; backcare makes it graceful, as README says.
#[tokio::test]
async fn ctrl_c_finishes_the_request_in_flight_then_exits_0() {
    finishes_the_request_in_flight_then_exits_0("INT").await;
}

async fn finishes_the_request_in_flight_then_exits_0(signal: &str) {
    let server = RunningBinary::start(&[]).await;
    let http = reqwest::Client::new();
    let health = http
        .get(format!("http://{}/healthz", server.address))
        .send()
        .await
        .expect("health check");
    assert_eq!(health.status(), 200);

    // A reader on a slow connection: the head and half the form, then a pause.
    let mut slow = tokio::net::TcpStream::connect(&server.address)
        .await
        .expect("connects");
    let head = format!(
        "POST /symptom-checker HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM_CONTENT_TYPE}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        VALID_FORM.len()
    );
    let (first_half, second_half) = VALID_FORM.split_at(VALID_FORM.len() / 2);
    slow.write_all(head.as_bytes()).await.expect("head sent");
    slow.write_all(first_half.as_bytes())
        .await
        .expect("half sent");
    tokio::time::sleep(Duration::from_millis(300)).await;

    server.signal(signal);
    tokio::time::sleep(Duration::from_millis(500)).await;
    // New connections are no longer accepted...
    let refused = tokio::time::timeout(
        Duration::from_secs(2),
        reqwest::Client::new()
            .get(format!("http://{}/", server.address))
            .send(),
    )
    .await;
    assert!(
        !matches!(refused, Ok(Ok(ref response)) if response.status().is_success()),
        "a new request was served after SIG{signal}"
    );
    // ...but the reader's answer still arrives.
    slow.write_all(second_half.as_bytes())
        .await
        .expect("rest sent");
    let mut response = String::new();
    slow.read_to_string(&mut response).await.expect("response");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains("data-urgency"),
        "the result page: {response}"
    );

    let (code, log) = server.exit().await;
    assert_eq!(code, Some(0), "{log}");
    // The request log reached stderr before the exit, without the health check.
    assert!(
        log.lines()
            .any(|line| line.contains("POST") && line.contains("/symptom-checker")),
        "{log}"
    );
    assert!(
        !log.contains("/healthz"),
        "health checks are logged at debug: {log}"
    );
}

#[tokio::test]
async fn sigint_with_watch_exits_0_promptly() {
    let server = RunningBinary::start(&["--watch"]).await;
    let response = reqwest::get(format!("http://{}/", server.address))
        .await
        .expect("served");
    assert_eq!(response.status(), 200);
    // An open tab holds the auto-reload stream open; it must not hold up the exit either.
    let open_tab = reqwest::get(format!("http://{}/__backcare/live-reload", server.address))
        .await
        .expect("event stream");
    assert_eq!(open_tab.status(), 200);
    let stopped_at = std::time::Instant::now();
    server.signal("INT");
    let (code, log) = server.exit().await;
    assert_eq!(code, Some(0), "{log}");
    assert!(
        stopped_at.elapsed() < Duration::from_secs(5),
        "the file watcher does not hold up the exit: {:?}",
        stopped_at.elapsed()
    );
    assert!(
        !log.lines().any(|line| line.contains("request")),
        "with --watch, request lines are logged at debug, leaving the terminal to reloads and problems: {log}"
    );
}

/// Security telemetry: an operator can see who is being guessed at, and from where, without the
/// password ever reaching the log, and a name cannot forge a log line.
#[tokio::test]
async fn a_failed_sign_in_is_logged_with_a_keyed_hash_of_an_unknown_name_and_the_client() {
    let server = RunningBinary::start(&["--comments", "moderated"]).await;
    let http = reqwest::Client::new();
    let login = format!("http://{}/moderate/login", server.address);
    let form = http.get(&login).send().await.expect("sign-in form");
    // The form belongs to this browser: send its visitor cookie back, as a browser would.
    let visitor = header_text(&form, reqwest::header::SET_COOKIE)
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    let form = html(&form.text().await.expect("text"));
    let token = select_attrs(&form, "input[name=csrf-token]", "value").remove(0);
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("csrf-token", token.as_str()),
            ("name", "mallory\nforged line"),
            ("password", "hunter2-guess"),
        ])
        .finish();
    let response = http
        .post(&login)
        .header(CONTENT_TYPE, FORM_CONTENT_TYPE)
        .header(reqwest::header::COOKIE, visitor)
        .body(body)
        .send()
        .await
        .expect("sign-in answered");
    assert_eq!(response.status(), 401);

    server.signal("TERM");
    let (_, log) = server.exit().await;
    let line = log
        .lines()
        .find(|line| line.contains("a moderator sign-in failed"))
        .unwrap_or_else(|| panic!("no sign-in failure in the log: {log}"));
    assert!(line.contains("WARN"), "{line}");
    // No moderator has that name, so it may well be a password typed in the wrong box: only a
    // keyed hash of it is logged, the same for the same name, never the name.
    let hash = line
        .split("unknown_name_hash=")
        .nth(1)
        .and_then(|rest| rest.get(..16))
        .unwrap_or_else(|| panic!("a hashed name: {line}"));
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{line}");
    assert!(
        !log.contains("mallory"),
        "the typed name is never logged: {log}"
    );
    assert!(line.contains("client=127.0.0.1"), "{line}");
    assert!(
        !log.contains("hunter2"),
        "the password is never logged: {log}"
    );
}

/// A right password with a wrong second-factor code is logged on a line of its own, with the
/// name and client and never the code: someone other than the moderator may have the password.
#[tokio::test]
async fn a_right_password_with_a_wrong_code_is_logged_as_such() {
    use crate::discussion::{MODERATOR, PASSWORD, run_backcare};
    let state = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}/backcare.db?mode=rwc", state.path().display());
    let database_args = ["--database-url", database.as_str()];
    for (command, stdin) in [("add", format!("{PASSWORD}\n")), ("totp", String::new())] {
        let done = run_backcare(
            &[&["moderator", command, MODERATOR][..], &database_args].concat(),
            &stdin,
        )
        .await;
        assert!(done.status.success(), "moderator {command}");
    }
    let server = RunningBinary::start_with(
        &["--comments", "moderated"],
        &[("DATABASE_URL", database.as_str())],
        state,
    )
    .await;
    let http = reqwest::Client::new();
    let login = format!("http://{}/moderate/login", server.address);
    let form = http.get(&login).send().await.expect("sign-in form");
    let visitor = header_text(&form, reqwest::header::SET_COOKIE)
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    let form = html(&form.text().await.expect("text"));
    let token = select_attrs(&form, "input[name=csrf-token]", "value").remove(0);
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("csrf-token", token.as_str()),
            ("name", MODERATOR),
            ("password", PASSWORD),
            ("code", "zz-not-a-code-7731"),
        ])
        .finish();
    let response = http
        .post(&login)
        .header(CONTENT_TYPE, FORM_CONTENT_TYPE)
        .header(reqwest::header::COOKIE, visitor)
        .body(body)
        .send()
        .await
        .expect("sign-in answered");
    assert_eq!(response.status(), 401);

    server.signal("TERM");
    let (_, log) = server.exit().await;
    let line = log
        .lines()
        .find(|line| line.contains("the second-factor code was not"))
        .unwrap_or_else(|| panic!("no second-factor failure in the log: {log}"));
    assert!(line.contains("WARN"), "{line}");
    assert!(line.contains("moderator=\"alex\""), "{line}");
    assert!(line.contains("client=127.0.0.1"), "{line}");
    assert!(
        !log.contains("7731"),
        "the typed code is never logged: {log}"
    );
    assert!(
        !log.contains(PASSWORD),
        "the password is never logged: {log}"
    );
}

/// Metrics live on their own address, in the Prometheus text format, with counts only.
#[tokio::test]
async fn metrics_are_served_only_on_their_own_address() {
    let state = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}/backcare.db?mode=rwc", state.path().display());
    let config = ServeConfig {
        metrics_bind: Some("127.0.0.1:0".to_owned()),
        comments: Some(backcare::discussion::DiscussionConfig::new(database)),
        ..bundled_config()
    };
    let application = backcare::startup::Application::build(&config)
        .await
        .expect("the site builds");
    let site = format!("http://{}", application.address());
    let metrics = format!(
        "http://{}/metrics",
        application.metrics_address().expect("metrics are on")
    );
    tokio::spawn(application.run_until_stopped());
    let http = reqwest::Client::new();

    assert_eq!(
        http.get(format!("{site}/")).send().await.unwrap().status(),
        200
    );
    let checker = http
        .post(format!("{site}/symptom-checker"))
        .header(CONTENT_TYPE, FORM_CONTENT_TYPE)
        .body(VALID_FORM)
        .send()
        .await
        .unwrap();
    assert_eq!(checker.status(), 200);
    assert_eq!(
        http.get(format!("{site}/metrics"))
            .send()
            .await
            .unwrap()
            .status(),
        404,
        "never on the site's own address"
    );

    let response = http.get(&metrics).send().await.expect("metrics answer");
    assert_eq!(response.status(), 200);
    assert_eq!(
        header_text(&response, CONTENT_TYPE),
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let text = response.text().await.unwrap();
    for expected in [
        r#"backcare_http_requests_total{kind="page",status="2xx"}"#,
        r#"backcare_http_requests_total{kind="checker",status="2xx"}"#,
        r#"backcare_http_request_duration_seconds_bucket{kind="page",le="0.005"}"#,
        r#"backcare_checker_results_total{urgency="#,
        "backcare_site_build_seconds_count ",
        r#"backcare_db_pool_connections{state="idle"}"#,
    ] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    // Counts only: nothing a reader typed or where they came from.
    assert!(
        !text.contains("lower") && !text.contains("127.0.0.1"),
        "{text}"
    );
}
