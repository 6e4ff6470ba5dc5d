//! Search, the A to Z, the tags index, related articles and OpenSearch, through the real server.

use reqwest::Method;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE};

use crate::helpers::{
    ArticleText, TempArticles, article_path, assert_layout, bundled_library, count, header_text,
    html, raw_get, select_attrs, select_texts, spawn_app,
};
use crate::production::RunningBinary;

/// The article addresses on a results page, best first.
fn result_hrefs(document: &scraper::Html) -> Vec<String> {
    select_attrs(document, ".search-results > li > a", "href")
}

async fn search(app: &crate::helpers::TestApp, query: &str) -> scraper::Html {
    let encoded: String = url_encode(query);
    app.get_page(&format!("/search?q={encoded}")).await
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                (byte as char).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn words_people_use_find_the_article_that_answers_them() {
    let app = spawn_app().await;
    // (what a reader types, an article it must find among the first three)
    let cases = [
        ("sciatica", "spine-problems"),
        // typos
        ("sciatia", "spine-problems"),
        ("pregnacy", "back-pain-in-pregnancy"),
        // stemming: the articles say "cramps"
        ("cramping", "back-spasms"),
        // synonyms
        ("trapped nerve", "spine-problems"),
        ("slipped disc", "spine-problems"),
        ("prolapsed disc", "spine-problems"),
        ("herniated disc", "spine-problems"),
        ("bulging disc", "spine-problems"),
        ("back spasm", "back-spasms"),
        ("cramp", "back-spasms"),
        ("kidney pain", "back-pain-with-stomach-cramps"),
        ("loin pain", "back-pain-with-stomach-cramps"),
        ("flank pain", "back-pain-with-stomach-cramps"),
        ("menstrual", "period-pain"),
        ("period", "period-pain"),
        ("pregnant", "back-pain-in-pregnancy"),
        ("pregnancy", "back-pain-in-pregnancy"),
    ];
    // Lay and clinical words for one thing find the same articles.
    let lumbago = result_hrefs(&search(&app, "lumbago").await);
    assert!(!lumbago.is_empty());
    // The same articles; their order may differ, as the reader's own words count a little more.
    let mut lumbago = lumbago;
    let mut low_back_pain = result_hrefs(&search(&app, "low back pain").await);
    lumbago.sort();
    low_back_pain.sort();
    assert_eq!(lumbago, low_back_pain);
    for (query, slug) in cases {
        let document = search(&app, query).await;
        let hrefs = result_hrefs(&document);
        assert!(
            hrefs.iter().take(3).any(|href| *href == article_path(slug)),
            "{query:?} should find {slug} in its first three results: {hrefs:?}"
        );
        let count = select_texts(&document, ".result-count").join("");
        assert!(count.contains("match"), "{query:?}: {count}");
    }
}

#[tokio::test]
async fn a_typo_of_a_word_only_some_articles_use_finds_them_and_offers_the_spelling() {
    let articles = TempArticles::new();
    articles.add(
        "lumbar-spine.md",
        ArticleText::new("The lumbar spine", "causes")
            .body("## What it is\n\nThe lumbar spine is the lower back.\n")
            .render(),
    );
    articles.add(
        "heat.md",
        ArticleText::new("Heat packs", "relief")
            .body("## What to do\n\nWarm the muscles gently.\n")
            .render(),
    );
    let app = articles.spawn().await;
    let document = search(&app, "lumbr").await;
    assert_eq!(result_hrefs(&document), [article_path("lumbar-spine")]);
    assert_eq!(select_texts(&document, ".did-you-mean a"), ["lumbar"]);
    assert_eq!(
        select_attrs(&document, ".did-you-mean a", "href"),
        ["/search?q=lumbar"]
    );
    // A correctly spelt word gets no suggestion.
    let document = search(&app, "lumbar").await;
    assert_eq!(count(&document, ".did-you-mean"), 0);
}

#[tokio::test]
async fn a_title_match_ranks_above_articles_that_only_mention_the_word() {
    let app = spawn_app().await;
    for (query, first) in [
        ("massage", "massage"),
        ("heat", "heat-therapy"),
        ("period pain", "period-pain"),
        ("lifting", "lifting-safely"),
    ] {
        let hrefs = result_hrefs(&search(&app, query).await);
        assert!(hrefs.len() > 1, "{query}: {hrefs:?}");
        assert_eq!(hrefs[0], article_path(first), "{query}: {hrefs:?}");
    }
}

#[tokio::test]
async fn results_show_title_topic_summary_count_and_a_marked_snippet() {
    let app = spawn_app().await;
    let library = bundled_library();
    let document = search(&app, "sciatica").await;
    assert_layout(&document, "/search?q=sciatica");
    let hrefs = result_hrefs(&document);
    let matching = library
        .articles()
        .iter()
        .filter(|a| {
            let text =
                format!("{} {} {:?}", a.front.title, a.front.summary, a.prose).to_lowercase();
            text.contains("sciatica") || a.front.tags.iter().any(|t| t == "sciatica")
        })
        .count();
    // Every article that says sciatica, and those using its synonyms ("trapped nerve").
    assert!(hrefs.len() >= matching, "{hrefs:?}");
    assert_eq!(
        select_texts(&document, ".result-count"),
        [format!("{} articles match “sciatica”.", hrefs.len())]
    );
    let first = library.get("sciatica").expect("the sciatica article");
    assert_eq!(
        select_texts(&document, ".search-results > li:first-child > a"),
        std::slice::from_ref(&first.front.title)
    );
    assert_eq!(
        select_texts(&document, ".search-results > li:first-child .result-topic"),
        ["Causes"]
    );
    assert!(
        select_texts(&document, ".search-results > li:first-child p")
            .contains(&first.front.summary)
    );
    let marks = select_texts(&document, ".search-results .snippet mark");
    assert!(!marks.is_empty());
    assert!(
        marks.iter().all(|m| m.eq_ignore_ascii_case("sciatica")),
        "{marks:?}"
    );
    // The search box keeps what was searched for.
    assert_eq!(select_attrs(&document, "#search-q", "value"), ["sciatica"]);
}

#[tokio::test]
async fn marked_snippets_are_escaped_so_article_text_cannot_inject_markup() {
    let articles = TempArticles::new();
    articles.add(
        "markup.md",
        ArticleText::new("Writing about markup", "causes")
            .body("## What it is\n\nSome pages show `<script>alert(1)</script>` next to the word spasm and <b>bold</b> text.\n")
            .render(),
    );
    let app = articles.spawn().await;
    let (status, body) = app.get_text("/search?q=script+spasm").await;
    assert_eq!(status, 200);
    assert!(!body.contains("<script>alert"), "{body}");
    assert!(!body.contains("<b>bold"), "{body}");
    let document = html(&body);
    assert_eq!(count(&document, "main script"), 0);
    let snippet = select_texts(&document, ".snippet").join("");
    assert!(snippet.contains("<script>alert(1)</script>"), "{snippet}");
    let marks = select_texts(&document, ".snippet mark");
    assert!(marks.contains(&"spasm".to_owned()), "{marks:?}");
    assert!(marks.contains(&"script".to_owned()), "{marks:?}");
    // What the reader typed is escaped too.
    let (_, body) = app
        .get_text("/search?q=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E")
        .await;
    assert!(!body.contains("<img src=x"), "{body}");
}

#[tokio::test]
async fn a_query_with_a_999_warning_sign_shows_the_red_flag_box_first() {
    let app = spawn_app().await;
    let emergency_signs: Vec<&str> =
        backcare::triage::rules_for(backcare::triage::Urgency::Emergency)
            .map(|rule| rule.sign)
            .collect();
    for query in [
        "numb bum",
        "can't pee",
        "chest pain",
        "weakness in both legs",
    ] {
        let document = search(&app, query).await;
        assert_eq!(count(&document, "[data-red-flags]"), 1, "{query}");
        let listed = select_texts(&document, "[data-red-flags] li")
            .join("\n")
            .to_lowercase();
        for sign in &emergency_signs {
            assert!(
                listed.contains(&sign.to_lowercase()),
                "{query}: {sign} in {listed}"
            );
        }
        // Above the results and the count.
        let body = document.root_element().html();
        let box_at = body.find("data-red-flags").expect("box");
        let count_at = body.find("result-count").expect("count");
        assert!(box_at < count_at, "{query}: box above the results");
    }
    let document = search(&app, "heat pack").await;
    assert_eq!(count(&document, "[data-red-flags]"), 0);
}

#[tokio::test]
async fn no_results_offer_the_checker_the_a_to_z_and_when_to_get_help() {
    let app = spawn_app().await;
    let document = search(&app, "xylophone zebra").await;
    assert_eq!(count(&document, ".search-results li"), 0);
    assert_eq!(
        select_texts(&document, ".result-count"),
        ["No articles match “xylophone zebra”."]
    );
    let links = select_attrs(&document, ".no-results a", "href");
    for href in ["/symptom-checker", "/a-z", "/articles/when-to-get-help"] {
        assert!(links.iter().any(|l| l == href), "{href} in {links:?}");
    }
}

#[tokio::test]
async fn an_empty_query_shows_the_box_and_a_long_one_gets_400_with_the_box() {
    let app = spawn_app().await;
    for path in ["/search", "/search?q=", "/search?q=+++", "/search?other=1"] {
        let document = app.get_page(path).await;
        assert_eq!(
            count(&document, "main form[role=search] input[name=q]"),
            1,
            "{path}"
        );
        assert_eq!(count(&document, ".result-count"), 0, "{path}");
    }
    let long = "a".repeat(201);
    let response = app.get(&format!("/search?q={long}")).await;
    assert_eq!(response.status(), 400);
    assert_eq!(header_text(&response, CACHE_CONTROL), "no-store");
    let document = html(&response.text().await.expect("body"));
    assert!(select_texts(&document, "title")[0].starts_with("Error: "));
    assert_eq!(count(&document, "main form[role=search] input[name=q]"), 1);
    assert_eq!(
        select_texts(&document, ".error-summary a"),
        ["Enter a search of 200 characters or fewer"]
    );
    assert_eq!(
        select_attrs(&document, "#search-q", "aria-invalid"),
        ["true"]
    );
    // 200 characters is fine, even when each is several bytes.
    let (status, _) = app
        .get_text(&format!("/search?q={}", "%C3%A9".repeat(200)))
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn query_syntax_unicode_nul_and_bad_encoding_are_plain_words() {
    let app = spawn_app().await;
    for query in [
        "sciatica AND",
        "\"sciatica",
        "scia*",
        "title:sciatica",
        "(sciatica",
        "sciatica)]}",
        "body:",
        "-sciatica",
        "sciatica~2",
        "+",
        "NOT NOT",
        "^2",
        "*",
        "\\",
        "IN [a TO z]",
        "😀 sciatica",
        "坐骨神经痛",
        "ﬁ ǅ Ω",
        "\u{0}sciatica",
        "\u{202e}x",
    ] {
        let path = format!("/search?q={}", url_encode(query));
        let (status, body) = app.get_text(&path).await;
        assert_eq!(status, 200, "{query:?}");
        assert!(body.contains("result-count"), "{query:?}");
    }
    // Operators are words: "title:sciatica" finds what "title sciatica" finds.
    let colon = result_hrefs(&search(&app, "title:sciatica").await);
    let plain = result_hrefs(&search(&app, "title sciatica").await);
    assert!(!colon.is_empty());
    assert_eq!(colon, plain);
    for raw in [
        "/search?q=%",
        "/search?q=%zz",
        "/search?q=%ff%fe",
        "/search?q=%00",
        "/search?q=a%2",
        "/search?%=%",
        "/search?q",
        "/search?&&=&q=back",
    ] {
        let (status, response) = raw_get(&app, raw).await;
        assert_eq!(status, 200, "{raw}: {response}");
    }
}

#[tokio::test]
async fn the_first_q_counts() {
    let app = spawn_app().await;
    let document = app.get_page("/search?q=massage&q=zzzz").await;
    assert_eq!(select_attrs(&document, "#search-q", "value"), ["massage"]);
    assert_eq!(result_hrefs(&document)[0], article_path("massage"));
}

#[tokio::test]
async fn search_answers_get_and_head_never_stored_and_refuses_other_methods() {
    let app = spawn_app().await;
    let get = app.get("/search?q=sciatica").await;
    assert_eq!(get.status(), 200);
    assert_eq!(header_text(&get, CACHE_CONTROL), "no-store");
    assert!(header_text(&get, CONTENT_TYPE).starts_with("text/html"));
    let head = app.request(Method::HEAD, "/search?q=sciatica").await;
    assert_eq!(head.status(), 200);
    assert_eq!(header_text(&head, CACHE_CONTROL), "no-store");
    assert!(head.bytes().await.expect("body").is_empty());
    for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
        let response = app.request(method.clone(), "/search?q=x").await;
        assert_eq!(response.status(), 405, "{method}");
        assert_eq!(header_text(&response, reqwest::header::ALLOW), "GET, HEAD");
    }
}

#[tokio::test]
async fn a_search_is_never_written_to_the_log() {
    let server = RunningBinary::start(&[]).await;
    let secret = "zebraquery";
    let response = reqwest::Client::new()
        .get(format!(
            "http://{}/search?q={secret}+numb+bum&q=other{secret}",
            server.address
        ))
        .send()
        .await
        .expect("search");
    assert_eq!(response.status(), 200);
    let long = reqwest::Client::new()
        .get(format!(
            "http://{}/search?q={}",
            server.address,
            secret.repeat(30)
        ))
        .send()
        .await
        .expect("long search");
    assert_eq!(long.status(), 400);
    server.signal("TERM");
    let (code, log) = server.exit().await;
    assert_eq!(code, Some(0), "{log}");
    assert!(log.contains("/search"), "the request is logged: {log}");
    assert!(
        !log.contains(secret),
        "the query leaked into the log: {log}"
    );
    assert!(
        !log.contains("numb"),
        "the query leaked into the log: {log}"
    );
}

#[tokio::test]
async fn every_page_has_a_labelled_search_box_in_its_header() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/articles/heat-therapy",
        "/a-z",
        "/tags",
        "/search?q=x",
        "/symptom-checker",
    ] {
        let (_, body) = app.get_text(path).await;
        let document = html(&body);
        assert_eq!(
            count(
                &document,
                "header form[role=search][action='/search'][method=get]"
            ),
            1,
            "{path}"
        );
        assert_eq!(
            select_attrs(&document, "header form[role=search] input", "name"),
            ["q"],
            "{path}"
        );
        let id = select_attrs(&document, "header form[role=search] input", "id").remove(0);
        assert_eq!(
            count(&document, &format!("header label[for={id}]")),
            1,
            "{path}"
        );
        assert_eq!(
            count(&document, "header form[role=search] button[type=submit]"),
            1,
            "{path}"
        );
        assert_eq!(
            select_attrs(&document, "link[rel=search]", "href"),
            ["/opensearch.xml"],
            "{path}"
        );
    }
}

fn library_with_a_draft() -> TempArticles {
    let articles = TempArticles::new();
    articles
        .add(
            "zinc.md",
            ArticleText::new("Zinc and bones", "causes")
                .tags(&["diet", "bones"])
                .render(),
        )
        .add(
            "apples.md",
            ArticleText::new("apples and posture", "prevention")
                .tags(&["diet"])
                .render(),
        )
        .add(
            "acupuncture.md",
            ArticleText::new("Acupuncture", "relief")
                .tags(&["needles"])
                .render(),
        )
        .add(
            "3-exercises.md",
            ArticleText::new("3 exercises", "relief").render(),
        )
        .add(
            "draft.md",
            ArticleText::new("Bandages (unfinished)", "relief")
                .tags(&["secret-draft-tag", "diet"])
                .draft()
                .render(),
        );
    articles
}

#[tokio::test]
async fn the_a_to_z_lists_every_published_article_by_letter_and_no_drafts() {
    let app = spawn_app().await;
    let library = bundled_library();
    let document = app.get_page("/a-z").await;
    assert_layout(&document, "/a-z");
    let mut listed = select_attrs(&document, ".a-z-letter .article-list a", "href");
    let mut expected: Vec<String> = library
        .articles()
        .iter()
        .map(|a| article_path(&a.slug))
        .collect();
    let titles = select_texts(&document, ".a-z-letter .article-list a");
    let mut sorted = titles.clone();
    sorted.sort_by_key(|t| t.to_lowercase());
    assert_eq!(titles, sorted, "alphabetical");
    listed.sort();
    expected.sort();
    assert_eq!(listed, expected);
    // All 26 letters are shown; only those with articles are links, to their own heading.
    assert_eq!(count(&document, ".letter-links li"), 26);
    for href in select_attrs(&document, ".letter-links a", "href") {
        assert_eq!(count(&document, &format!("h2{href}")), 1, "{href}");
    }
    assert!(count(&document, ".letter-links .letter-empty") > 0);

    let articles = library_with_a_draft();
    let app = articles.spawn().await;
    let document = app.get_page("/a-z").await;
    assert_eq!(
        select_texts(&document, ".a-z-letter .article-list a"),
        [
            "Acupuncture",
            "apples and posture",
            "Zinc and bones",
            "3 exercises"
        ]
    );
    assert_eq!(select_texts(&document, ".a-z-letter h2"), ["A", "Z", "#"]);
    assert_eq!(
        select_attrs(&document, ".letter-links a", "href"),
        ["#a-z-a", "#a-z-z", "#a-z-other"]
    );
    // The A to Z is linked from the footer and the home page.
    let home = app.get_page("/").await;
    assert!(select_attrs(&home, "footer a", "href").contains(&"/a-z".to_owned()));
    assert!(select_attrs(&home, "main a", "href").contains(&"/a-z".to_owned()));
}

#[tokio::test]
async fn the_tags_index_counts_every_tag_of_published_articles() {
    let app = spawn_app().await;
    let library = bundled_library();
    let document = app.get_page("/tags").await;
    assert_layout(&document, "/tags");
    let names = select_texts(&document, ".tag-index a");
    assert_eq!(names, library.tags());
    for tag in library.tags() {
        let expected = library.tagged(tag).count();
        let unit = if expected == 1 { "article" } else { "articles" };
        let shown = select_texts(
            &document,
            &format!(".tag-index a[href='/tags/{tag}'] + .tag-count"),
        );
        assert_eq!(shown, [format!("{expected} {unit}")], "{tag}");
        let (status, _) = app.get_text(&format!("/tags/{tag}")).await;
        assert_eq!(status, 200, "{tag}");
    }

    let articles = library_with_a_draft();
    let app = articles.spawn().await;
    let document = app.get_page("/tags").await;
    assert_eq!(
        select_texts(&document, ".tag-index a"),
        ["bones", "diet", "needles"]
    );
    assert_eq!(
        select_texts(&document, ".tag-count"),
        ["1 article", "2 articles", "1 article"]
    );
    let (_, search) = app.get_text("/search?q=bandages").await;
    assert!(!search.contains("/articles/draft"));
}

#[tokio::test]
async fn each_article_shows_three_related_articles_chosen_by_the_index() {
    let app = spawn_app().await;
    let library = bundled_library();
    for article in library.articles() {
        let document = app.get_page(&article_path(&article.slug)).await;
        let related = select_attrs(&document, ".related a", "href");
        assert_eq!(related.len(), 3, "{}: {related:?}", article.slug);
        assert!(
            !related.contains(&article_path(&article.slug)),
            "{}",
            article.slug
        );
    }
    // Title, tags and summary decide: the discs article and the sciatica-heavy ones go together.
    let document = app.get_page("/articles/back-spasms").await;
    let related = select_attrs(&document, ".related a", "href");
    assert!(
        related
            .iter()
            .any(|href| href == "/articles/heat-therapy" || href == "/articles/muscle-strains"),
        "{related:?}"
    );
}

#[tokio::test]
async fn opensearch_and_the_home_page_search_action_point_at_the_results_page() {
    let app = spawn_app().await;
    let response = app.get("/opensearch.xml").await;
    assert_eq!(response.status(), 200);
    assert!(
        header_text(&response, CONTENT_TYPE).starts_with("application/opensearchdescription+xml")
    );
    let text = response.text().await.expect("body");
    let xml = roxmltree::Document::parse(&text).expect("opensearch.xml is well-formed XML");
    let root = xml.root_element();
    assert_eq!(root.tag_name().name(), "OpenSearchDescription");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://a9.com/-/spec/opensearch/1.1/")
    );
    let child = |name: &str| {
        root.children()
            .find(|node| node.tag_name().name() == name)
            .unwrap_or_else(|| panic!("<{name}>"))
    };
    assert_eq!(child("ShortName").text(), Some("backcare"));
    let html_url = root
        .children()
        .find(|node| node.tag_name().name() == "Url" && node.attribute("type") == Some("text/html"))
        .expect("a text/html Url");
    assert_eq!(
        html_url.attribute("template"),
        Some(format!("{}/search?q={{searchTerms}}", app.base_url).as_str())
    );

    let home = app.get_page("/").await;
    let scripts = crate::helpers::select_texts(&home, "script[type='application/ld+json']");
    assert_eq!(scripts.len(), 1);
    let data: serde_json::Value = serde_json::from_str(&scripts[0]).expect("JSON-LD parses");
    assert_eq!(data["@type"], "WebSite");
    assert_eq!(data["potentialAction"]["@type"], "SearchAction");
    assert_eq!(
        data["potentialAction"]["target"]["urlTemplate"],
        format!("{}/search?q={{search_term_string}}", app.base_url)
    );
    assert_eq!(
        data["potentialAction"]["query-input"],
        "required name=search_term_string"
    );
}

#[tokio::test]
async fn with_watch_a_saved_article_is_searchable_without_a_restart() {
    let articles = TempArticles::new();
    articles.add("heat.md", ArticleText::new("Heat", "relief").render());
    let app = crate::helpers::spawn_app_with(backcare::startup::ServeConfig {
        watch: true,
        ..articles.config()
    })
    .await;
    assert!(result_hrefs(&search(&app, "osteopathy").await).is_empty());

    articles.add(
        "osteopathy.md",
        ArticleText::new("Osteopathy", "relief").render(),
    );
    let started = std::time::Instant::now();
    loop {
        let hrefs = result_hrefs(&search(&app, "osteopathy").await);
        if hrefs == [article_path("osteopathy")] {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the new article was not found within 10 s: {hrefs:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let document = app.get_page("/a-z").await;
    assert!(select_attrs(&document, ".a-z-letter a", "href").contains(&article_path("osteopathy")));
}
