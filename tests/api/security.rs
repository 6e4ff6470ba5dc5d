//! Hostile requests and hostile content: path traversal never reaches the file system,
//! and article HTML is sanitised while front matter text is escaped.

use crate::helpers::{
    ArticleText, TempArticles, count, html, raw_get, repo_path, select_attrs, select_texts,
    spawn_app,
};

/// Request targets a traversal attack might try, sent byte for byte.
const TRAVERSALS: &[&str] = &[
    "/static/../Cargo.toml",
    "/static/%2e%2e/Cargo.toml",
    "/static/%2E%2E/Cargo.toml",
    "/articles/..%2fCargo.toml",
    "/articles/..%2FCargo.toml",
    "/static/..%2f..%2fCargo.toml",
    "/static/%2e%2e%2fCargo.toml",
    "/static//etc/passwd",
    "/static/../../etc/passwd",
    "/articles/../Cargo.toml",
    "/static/.%2e/Cargo.toml",
    "/static/site.css%00",
    "/static/",
    "/static",
    "/static/./site.css",
];

#[tokio::test]
async fn raw_requests_reach_the_server_unchanged() {
    // Guards the test below: a broken raw_get would make every traversal look like a 404.
    let app = spawn_app().await;
    let (status, response) = raw_get(&app, "/static/site.css").await;
    assert_eq!(status, 200);
    let css = std::fs::read_to_string(repo_path("static/site.css")).expect("site.css");
    assert!(response.ends_with(&css));
}

#[tokio::test]
async fn path_traversal_gets_404_and_never_a_file() {
    let app = spawn_app().await;
    for &path in TRAVERSALS {
        let (status, response) = raw_get(&app, path).await;
        assert_eq!(status, 404, "GET {path}");
        assert!(
            response.contains("Page not found"),
            "GET {path}: the 404 page"
        );
        assert!(
            !response.contains("[package]"),
            "GET {path} leaked Cargo.toml"
        );
        assert!(!response.contains("root:"), "GET {path} leaked /etc/passwd");
    }
}

/// Any script a browser would run; JSON-LD structured data is only read, never executed.
const EXECUTABLE_SCRIPT: &str = "script:not([type=\"application/ld+json\"])";

#[tokio::test]
async fn article_html_is_sanitised() {
    let body = "## Safe part\n\nHello.\n\n\
                <script>alert('body')</script>\n\n\
                <p onclick=\"steal()\">Click me</p>\n\n\
                <a href=\"javascript:alert(1)\" onmouseover=\"steal()\">bad link</a>\n\n\
                <img src=\"x.png\" onerror=\"steal()\" alt=\"x\">\n\n\
                <iframe src=\"https://evil.example/\"></iframe>\n\n\
                ## Another part\n\n[NHS](https://www.nhs.uk/)\n";
    let articles = TempArticles::new();
    articles.add(
        "xss.md",
        ArticleText::new("Sanitised", "relief").body(body).render(),
    );
    let app = articles.spawn().await;

    let (status, page) = app.get_text("/articles/xss").await;
    assert_eq!(status, 200);
    let document = html(&page);
    assert_eq!(count(&document, EXECUTABLE_SCRIPT), 0, "{page}");
    assert_eq!(count(&document, "iframe"), 0);
    assert_eq!(count(&document, "[onclick], [onmouseover], [onerror]"), 0);
    assert!(!page.contains("alert("), "script text is dropped too");
    assert!(!page.contains("javascript:"));
    // The harmless parts survive.
    let paragraphs = select_texts(&document, ".prose p");
    assert_eq!(paragraphs.first().map(String::as_str), Some("Hello."));
    assert!(
        paragraphs.iter().any(|text| text == "Click me"),
        "{paragraphs:?}"
    );
    assert_eq!(
        select_attrs(&document, ".prose a[href^=\"https://\"]", "rel"),
        ["noopener"]
    );
}

#[tokio::test]
async fn front_matter_text_is_escaped_not_interpreted() {
    let title = "Heat <script>alert(1)</script> & \"ice\"";
    let articles = TempArticles::new();
    articles.add("heat.md", ArticleText::new(title, "relief").render());
    let app = articles.spawn().await;

    for path in ["/articles/heat", "/topics/relief", "/"] {
        let (status, page) = app.get_text(path).await;
        assert_eq!(status, 200, "{path}");
        let document = html(&page);
        assert_eq!(count(&document, EXECUTABLE_SCRIPT), 0, "{path}: {page}");
        assert!(
            select_texts(&document, "main a, main h1")
                .iter()
                .any(|t| t == title),
            "{path}: the title shows as text"
        );
    }
}
