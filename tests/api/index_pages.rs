//! Pages that lead to content: `/topics` lists the four topics with their counts, `/articles`
//! leads to the A to Z, and an address with a trailing slash leads to the page without it.

use reqwest::header::LOCATION;

use crate::helpers::{ArticleText, TempArticles, header_text, html, select_texts, spawn_app};

#[tokio::test]
async fn topics_lists_the_four_topics_with_their_article_counts() {
    let articles = TempArticles::new();
    articles
        .add("heat.md", ArticleText::new("Heat", "relief").render())
        .add("ice.md", ArticleText::new("Ice", "relief").render())
        .add(
            "posture.md",
            ArticleText::new("Posture", "prevention").render(),
        );
    let app = articles.spawn().await;

    let (status, body) = app.get_text("/topics").await;
    assert_eq!(status, 200, "{body}");
    let document = html(&body);
    assert_eq!(select_texts(&document, "h1"), ["Topics"]);
    assert_eq!(
        select_texts(&document, ".topic-index h2 a"),
        ["Causes", "Prevention", "Relief", "When to get help"]
    );
    assert_eq!(
        select_texts(&document, ".topic-index .meta"),
        ["0 articles", "1 article", "2 articles", "0 articles"]
    );
    let hrefs: Vec<String> = document
        .select(&crate::helpers::selector(".topic-index h2 a"))
        .filter_map(|link| link.value().attr("href").map(str::to_owned))
        .collect();
    assert_eq!(
        hrefs,
        [
            "/topics/causes",
            "/topics/prevention",
            "/topics/relief",
            "/topics/when-to-get-help"
        ]
    );
    for href in hrefs {
        assert_eq!(app.get(&href).await.status(), 200, "{href}");
    }
}

#[tokio::test]
async fn articles_redirects_permanently_to_the_a_to_z() {
    let app = spawn_app().await;
    for path in ["/articles", "/articles/"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 308, "{path}");
        assert_eq!(header_text(&response, LOCATION), "/a-z", "{path}");
    }
}

#[tokio::test]
async fn a_trailing_slash_redirects_to_the_canonical_address() {
    let app = spawn_app().await;
    for (path, canonical) in [
        ("/articles/heat-therapy/", "/articles/heat-therapy"),
        ("/articles/heat-therapy//", "/articles/heat-therapy"),
        ("/topics/relief/", "/topics/relief"),
        ("/topics/", "/topics"),
        ("/symptom-checker/", "/symptom-checker"),
        (
            "/articles/heat-therapy/?ref=x",
            "/articles/heat-therapy?ref=x",
        ),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 308, "{path}");
        assert_eq!(header_text(&response, LOCATION), canonical, "{path}");
        let target = app.get(canonical).await;
        assert_eq!(target.status(), 200, "{canonical}");
    }
    // Only addresses the site serves are redirect targets: no open redirect, no redirect to a 404.
    for path in [
        "/no-such-page/",
        "//elsewhere.example/",
        "/articles/no-such/",
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }
    assert_eq!(app.get("/").await.status(), 200);
}
