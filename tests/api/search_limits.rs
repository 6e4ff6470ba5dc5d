//! Searching is limited per client, like the symptom checker: one client firing random queries
//! gets 429 with `Retry-After`, while other clients search and read as before.

use backcare::rate_limit::RateLimit;
use backcare::startup::ServeConfig;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, RETRY_AFTER};

use crate::helpers::{TestApp, bundled_config, header_text, html, select_texts, spawn_app_with};

async fn search_from(app: &TestApp, query: &str, client: &str) -> reqwest::Response {
    let encoded: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
    app.client
        .get(app.url(&format!("/search?q={encoded}")))
        .header("x-forwarded-for", client)
        .send()
        .await
        .expect("request reaches the server")
}

#[tokio::test]
async fn a_client_that_searches_too_fast_is_told_to_wait_and_others_are_not() {
    let app = spawn_app_with(ServeConfig {
        // One search every 10 seconds after a burst of 3.
        search_rate_limit: Some(RateLimit {
            per_minute: 6,
            burst: 3,
        }),
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..bundled_config()
    })
    .await;
    let greedy = "192.0.2.7";
    for n in 0..3 {
        let response = search_from(&app, &format!("qwxz{n} plorf vimbak"), greedy).await;
        assert_eq!(response.status(), StatusCode::OK, "search {n} of the burst");
    }
    let refused = search_from(&app, "sciatica", greedy).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = header_text(&refused, RETRY_AFTER).parse().expect("seconds");
    assert!((1..=10).contains(&wait), "{wait}");
    assert_eq!(header_text(&refused, CACHE_CONTROL), "no-store");
    let page = html(&refused.text().await.unwrap());
    assert_eq!(
        select_texts(&page, "main h1"),
        ["Please wait a moment before searching again"]
    );

    // The empty search form costs nothing, and reading is never limited.
    let form = app
        .client
        .get(app.url("/search"))
        .header("x-forwarded-for", greedy)
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    // Another reader searches as before.
    let other = search_from(&app, "sciatica", "198.51.100.3").await;
    assert_eq!(other.status(), StatusCode::OK);
    assert!(!select_texts(&html(&other.text().await.unwrap()), "main li a").is_empty());
}

#[tokio::test]
async fn searches_are_limited_by_default() {
    assert_eq!(
        ServeConfig::new("127.0.0.1:0", "articles", "static").search_rate_limit,
        Some(RateLimit::SEARCH_DEFAULT)
    );
}
