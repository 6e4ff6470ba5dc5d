//! The reading pages: home, topics and articles, as a reader and a browser see them.
//! Also the HTTP contract every page keeps: HEAD, content types, 404 and 405 pages, ETags.

use std::collections::{HashMap, HashSet};

use backcare::content::{Article, Category, Library, LoadOptions};
use reqwest::Method;
use reqwest::header::{ALLOW, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use scraper::Html;

use crate::helpers::{
    ArticleText, TempArticles, TestApp, article_path, assert_layout, bundled_library, count,
    header_text, html, repo_path, select_attrs, select_texts, selector, spawn_app,
};

const HTML_TYPE: &str = "text/html; charset=utf-8";
const HELP_ARTICLE: &str = "/articles/when-to-get-help";

fn topic_path(category: Category) -> String {
    format!("/topics/{}", category.slug())
}

/// The published bundled articles, found by listing `articles/` (not by asking the library).
fn published_bundled_articles() -> Vec<Article> {
    let everything = Library::load(
        &repo_path("articles"),
        LoadOptions {
            include_drafts: true,
            lists: backcare::triage::article_sign_lists(),
            ..LoadOptions::default()
        },
    )
    .expect("bundled articles load");
    let mut articles: Vec<Article> = std::fs::read_dir(repo_path("articles"))
        .expect("articles dir")
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .map(|path| {
            let slug = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("file name");
            let article = everything.get(slug).expect("every file is an article");
            article.clone()
        })
        .filter(|article| !article.front.draft)
        .collect();
    articles.sort_by(|a, b| a.slug.cmp(&b.slug));
    assert!(!articles.is_empty());
    articles
}

fn description(document: &Html) -> String {
    let descriptions = select_attrs(document, "meta[name=description]", "content");
    assert_eq!(descriptions.len(), 1, "one meta description");
    descriptions[0].clone()
}

fn page_title(document: &Html) -> String {
    let titles = select_texts(document, "head > title");
    assert_eq!(titles.len(), 1, "one <title>");
    titles[0].clone()
}

fn article_list_hrefs(document: &Html, css: &str) -> Vec<String> {
    select_attrs(document, &format!("{css} ul.article-list > li > a"), "href")
}

#[tokio::test]
async fn home_page_answers_with_one_h1() {
    let app = spawn_app().await;
    let document = app.get_page("/").await;
    assert_eq!(
        select_texts(&document, "h1"),
        ["Back cramps and back pain, explained"]
    );
    assert_layout(&document, "/");
}

#[tokio::test]
async fn every_page_has_the_site_layout_and_its_own_title_and_description() {
    let app = spawn_app().await;
    let articles = published_bundled_articles();
    // Path, its only h1, and the meta description it must have (the home page's is free text).
    let mut pages: Vec<(String, String, Option<String>)> = vec![(
        "/".to_owned(),
        "Back cramps and back pain, explained".to_owned(),
        None,
    )];
    pages.extend(Category::ALL.iter().map(|&c| {
        (
            topic_path(c),
            c.title().to_owned(),
            Some(c.intro().to_owned()),
        )
    }));
    pages.extend(articles.iter().map(|article| {
        (
            article_path(&article.slug),
            article.front.title.clone(),
            Some(article.front.summary.clone()),
        )
    }));

    let mut titles = HashMap::new();
    for (path, h1, expected_description) in pages {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header_text(&response, CONTENT_TYPE), HTML_TYPE, "{path}");
        let document = html(&response.text().await.expect("body"));

        assert_layout(&document, &path);
        assert_eq!(
            select_texts(&document, "h1"),
            [h1.as_str()],
            "{path}: the only h1"
        );
        let description = description(&document);
        assert!(!description.is_empty(), "{path}: meta description");
        if let Some(expected) = expected_description {
            assert_eq!(description, expected, "{path}");
        }
        if let Some(other) = titles.insert(page_title(&document), path.clone()) {
            panic!("{path} and {other} share a <title>");
        }
    }
}

#[tokio::test]
async fn article_pages_show_breadcrumb_review_date_contents_sources_and_related_links() {
    let app = spawn_app().await;
    let library = bundled_library();
    for article in library.articles() {
        let path = article_path(&article.slug);
        let document = app.get_page(&path).await;
        let category = article.front.category;

        assert_eq!(
            select_attrs(&document, "nav[aria-label=Breadcrumb] a", "href"),
            ["/".to_owned(), topic_path(category)],
            "{path}"
        );
        assert_eq!(
            select_texts(&document, "nav[aria-label=Breadcrumb] a"),
            ["Home", category.title()],
            "{path}"
        );

        let meta = select_texts(&document, "article p.meta");
        assert!(
            meta.len() == 1 && meta[0].starts_with("Reviewed "),
            "{path}: {meta:?}"
        );
        assert_eq!(
            select_attrs(&document, "article p.meta time", "datetime").first(),
            Some(&article.front.reviewed.to_string()),
            "{path}"
        );

        let sections: Vec<String> = article
            .toc
            .iter()
            .filter(|entry| entry.level == 2)
            .map(|entry| format!("#{}", entry.id))
            .collect();
        assert!(
            sections.len() >= 2,
            "{path}: bundled articles have sections"
        );
        assert_eq!(
            select_texts(&document, "nav.toc h2"),
            ["On this page"],
            "{path}"
        );
        let toc_links = select_attrs(&document, "nav.toc a", "href");
        assert_eq!(toc_links, sections, "{path}: one contents link per section");
        for link in &toc_links {
            let target = format!("main [id=\"{}\"]", &link[1..]);
            assert_eq!(count(&document, &target), 1, "{path}: {link} resolves");
        }

        let source_links: Vec<_> = document
            .select(&selector("section.sources a"))
            .map(|a| (a.value().attr("href"), a.value().attr("rel")))
            .collect();
        assert_eq!(source_links.len(), article.front.sources.len(), "{path}");
        assert!(!source_links.is_empty(), "{path}: cites a source");
        for (source, (href, rel)) in article.front.sources.iter().zip(&source_links) {
            assert_eq!(*href, Some(source.url.as_str()), "{path}");
            assert!(
                rel.is_some_and(|rel| rel.split_whitespace().any(|r| r == "noopener")),
                "{path}: {href:?} has rel=noopener"
            );
        }

        let help_links = select_attrs(&document, "aside.callout-help a", "href");
        if path == HELP_ARTICLE {
            assert!(
                help_links.is_empty(),
                "the help article does not point at itself"
            );
        } else {
            assert_eq!(help_links, [HELP_ARTICLE], "{path}: help callout");
        }

        // Three, chosen by the search index (tests/api/search.rs checks how).
        let related = article_list_hrefs(&document, "aside.related");
        assert_eq!(related.len(), 3, "{path}: related articles {related:?}");
        assert!(!related.contains(&path), "{path} is not related to itself");
        assert!(
            related
                .iter()
                .all(|href| library.get(href.trim_start_matches("/articles/")).is_some()),
            "{path}: {related:?}"
        );
    }
    let with_related = library
        .articles()
        .iter()
        .filter(|article| !library.related(article, 4).is_empty())
        .count();
    assert!(
        with_related * 2 > library.len(),
        "most articles have related reading: {with_related}"
    );
}

#[tokio::test]
async fn contents_box_appears_only_for_articles_with_two_or_more_sections() {
    let one_section = ArticleText::new("Ice", "relief").body("## Only part\n\nText.\n");
    let two_sections = ArticleText::new("Heat", "relief");
    let articles = TempArticles::new();
    articles
        .add("ice.md", one_section.render())
        .add("heat.md", two_sections.render());
    let app = articles.spawn().await;

    let ice = app.get_page("/articles/ice").await;
    assert_eq!(count(&ice, "nav.toc"), 0);
    let heat = app.get_page("/articles/heat").await;
    assert_eq!(
        select_attrs(&heat, "nav.toc a", "href"),
        ["#what-it-is", "#what-to-do"]
    );
}

#[tokio::test]
async fn home_page_links_every_published_article_and_every_topic() {
    let app = spawn_app().await;
    let library = bundled_library();
    let document = app.get_page("/").await;

    let linked: HashSet<String> = article_list_hrefs(&document, "main section.topic")
        .into_iter()
        .collect();
    let expected: HashSet<String> = library
        .articles()
        .iter()
        .map(|article| article_path(&article.slug))
        .collect();
    assert_eq!(linked, expected);

    let topics: Vec<String> = Category::ALL.into_iter().map(topic_path).collect();
    assert_eq!(
        select_attrs(&document, "main section.topic > h2 > a", "href"),
        topics
    );
}

#[tokio::test]
async fn home_page_puts_the_999_message_first() {
    let app = spawn_app().await;
    let document = app.get_page("/").await;
    let blocks: Vec<_> = document
        .select(&selector("main .callout, main section.topic"))
        .collect();
    let first = blocks.first().expect("home page has callouts and topics");
    assert!(
        first.value().classes().any(|class| class == "callout"),
        "the emergency callout comes before the topic sections"
    );
    let text: String = first.text().collect();
    assert!(text.contains("Call 999"), "{text}");
    assert!(
        blocks[1..]
            .iter()
            .any(|block| block.value().classes().any(|class| class == "topic")),
        "topic sections follow"
    );
}

#[tokio::test]
async fn drafts_are_neither_listed_nor_served() {
    let articles = TempArticles::new();
    articles
        .add("heat.md", ArticleText::new("Heat", "relief").render())
        .add("ice.md", ArticleText::new("Ice", "relief").draft().render());
    let app = articles.spawn().await;

    for path in ["/", "/topics/relief"] {
        let document = app.get_page(path).await;
        assert_eq!(
            article_list_hrefs(&document, "main"),
            ["/articles/heat"],
            "{path}"
        );
    }
    assert_eq!(app.get("/articles/heat").await.status(), 200);
    assert_eq!(app.get("/articles/ice").await.status(), 404);
}

#[tokio::test]
async fn topic_pages_list_their_articles_in_reading_order() {
    let app = spawn_app().await;
    let library = bundled_library();
    for category in Category::ALL {
        let path = topic_path(category);
        let document = app.get_page(&path).await;
        assert_eq!(select_texts(&document, "h1"), [category.title()], "{path}");
        let expected: Vec<String> = library
            .in_category(category)
            .map(|article| article_path(&article.slug))
            .collect();
        assert!(!expected.is_empty(), "{path} has articles");
        assert_eq!(article_list_hrefs(&document, "main"), expected, "{path}");
        assert_eq!(
            select_attrs(&document, "header nav a[aria-current=page]", "href"),
            [path.as_str()],
            "{path}: the nav marks the current topic"
        );
    }
}

#[tokio::test]
async fn topic_lists_sort_by_weight_then_title() {
    let articles = TempArticles::new();
    for (file, title, weight) in [
        ("alpha.md", "Alpha", 30),
        ("bravo.md", "Bravo", 20),
        ("delta.md", "Delta", 10),
        ("charlie.md", "Charlie", 10),
    ] {
        articles.add(
            file,
            ArticleText::new(title, "prevention")
                .weight(weight)
                .render(),
        );
    }
    articles.add("echo.md", ArticleText::new("Echo", "causes").render());
    let app = articles.spawn().await;

    let document = app.get_page("/topics/prevention").await;
    assert_eq!(
        select_texts(&document, "main ul.article-list > li > a"),
        ["Charlie", "Delta", "Bravo", "Alpha"]
    );
    let home = app.get_page("/").await;
    assert_eq!(
        article_list_hrefs(&home, "section[aria-labelledby=topic-prevention]"),
        [
            "/articles/charlie",
            "/articles/delta",
            "/articles/bravo",
            "/articles/alpha"
        ]
    );
}

#[tokio::test]
async fn head_matches_get_without_a_body() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/articles/heat-therapy",
        "/topics/relief",
        "/static/site.css",
    ] {
        let get = app.get(path).await;
        let head = app.request(Method::HEAD, path).await;
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        assert_eq!(head.status(), 200, "HEAD {path}");
        let get_length = header_text(&get, CONTENT_LENGTH);
        assert_eq!(
            header_text(&head, CONTENT_LENGTH),
            get_length,
            "HEAD {path}"
        );
        assert_eq!(
            header_text(&head, CONTENT_TYPE),
            header_text(&get, CONTENT_TYPE)
        );
        assert!(
            head.bytes().await.expect("head body").is_empty(),
            "HEAD {path}"
        );
        let body = get.bytes().await.expect("get body");
        assert_eq!(body.len().to_string(), get_length, "GET {path}");
    }
    let head = app.request(Method::HEAD, "/no-such-page").await;
    assert_eq!(head.status(), 404);
    assert!(head.bytes().await.expect("head body").is_empty());
}

#[tokio::test]
async fn static_files_carry_their_content_type() {
    let app = spawn_app().await;
    let response = app.get("/static/site.css").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header_text(&response, CONTENT_TYPE),
        "text/css; charset=utf-8"
    );
    let expected = std::fs::read(repo_path("static/site.css")).expect("site.css");
    assert_eq!(response.bytes().await.expect("body").as_ref(), expected);
}

async fn assert_not_found_page(app: &TestApp, path: &str) {
    let response = app.get(path).await;
    assert_eq!(response.status(), 404, "{path}");
    assert_eq!(header_text(&response, CONTENT_TYPE), HTML_TYPE, "{path}");
    assert_eq!(header_text(&response, CACHE_CONTROL), "no-store", "{path}");
    let document = html(&response.text().await.expect("body"));
    assert_eq!(select_texts(&document, "h1"), ["Page not found"], "{path}");
    assert!(
        select_attrs(&document, "main a", "href")
            .iter()
            .any(|href| href == "/"),
        "{path}: links back home"
    );
    assert_layout(&document, path);
}

#[tokio::test]
async fn unknown_pages_get_a_friendly_404() {
    let app = spawn_app().await;
    for path in [
        "/no-such-page",
        "/articles/nope",
        "/topics/nope",
        // `/articles/` and `/articles/heat-therapy/` redirect: see `web::redirects`.
        "/articles/nope/",
        "/articles/heat-therapy.md",
        "/static/nope.css",
    ] {
        assert_not_found_page(&app, path).await;
    }
}

#[tokio::test]
async fn pages_only_accept_get_and_head() {
    let app = spawn_app().await;
    for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
        let response = app.request(method.clone(), "/articles/heat-therapy").await;
        assert_eq!(response.status(), 405, "{method}");
        assert_eq!(header_text(&response, ALLOW), "GET, HEAD", "{method}");
        assert_eq!(header_text(&response, CONTENT_TYPE), HTML_TYPE, "{method}");

        let response = app.request(method.clone(), "/no-such-page").await;
        assert_eq!(response.status(), 404, "{method} to an unknown path");
        assert!(response.headers().get(ALLOW).is_none(), "{method}");
    }
}

#[tokio::test]
async fn a_matching_etag_gets_304_without_a_body() {
    let app = spawn_app().await;
    for path in ["/articles/heat-therapy", "/static/site.css"] {
        let first = app.get(path).await;
        let etag = header_text(&first, ETAG);
        assert!(
            etag.starts_with('"') && etag.ends_with('"'),
            "{path}: {etag}"
        );

        let revalidated = app
            .client
            .get(app.url(path))
            .header(IF_NONE_MATCH, &etag)
            .send()
            .await
            .expect("request");
        assert_eq!(revalidated.status(), 304, "{path}");
        assert_eq!(header_text(&revalidated, ETAG), etag, "{path}");
        assert!(
            revalidated.bytes().await.expect("body").is_empty(),
            "{path}"
        );

        let stale = app
            .client
            .get(app.url(path))
            .header(IF_NONE_MATCH, "\"something-else\"")
            .send()
            .await
            .expect("request");
        assert_eq!(
            stale.status(),
            200,
            "{path}: a different ETag gets the page"
        );
    }
}

/// Issue 23: every page showed all 54 signs. Now each ordinary article shows one box of the signs
/// for its topic (at most 8 picked, plus the emergency core, ending with a link to the whole
/// list), and only the help page shows whole lists.
#[tokio::test]
async fn each_article_shows_a_box_that_fits_it_and_only_the_help_page_shows_every_sign() {
    use backcare::triage::warning_boxes::{CHILD_EMERGENCY_CORE, EMERGENCY_CORE};
    let core = EMERGENCY_CORE.len().max(CHILD_EMERGENCY_CORE.len());
    let app = spawn_app().await;
    for article in bundled_library().articles() {
        let path = format!("/articles/{}", article.slug);
        let document = app.get_page(&path).await;
        let in_boxes = count(&document, "main .warning-box li");
        let in_lists = count(&document, "main .prose ul.red-flags li");
        if path == HELP_ARTICLE {
            assert_eq!(count(&document, "main .warning-box"), 0, "{path}");
            assert!(in_lists > 40, "{path} shows every sign: {in_lists}");
            continue;
        }
        assert!(
            in_lists == in_boxes,
            "{path}: red-flags lists outside a box"
        );
        if count(&document, "main .warning-box") == 0 {
            continue;
        }
        assert!(in_boxes <= 8 + core, "{path}: a box of {in_boxes} signs");
        assert_eq!(
            select_attrs(&document, "main .warning-box .warning-box-more a", "href"),
            [HELP_ARTICLE],
            "{path}"
        );
    }
    let children = app.get_page("/articles/back-pain-in-children").await;
    let headings = select_texts(&children, "main .warning-box strong");
    assert!(!headings.is_empty());
    for heading in headings {
        assert!(heading.contains("your child"), "{heading}");
    }
    let pregnancy = app.get_page("/articles/back-pain-in-pregnancy").await;
    assert!(
        select_texts(&pregnancy, "main .warning-box strong")
            .iter()
            .any(|heading| heading.contains("maternity unit"))
    );
}

/// Issue 23 item 4: a page that names 111 tells readers in Scotland, Wales and Northern Ireland
/// their own route, with the one partial the checker's results use.
#[tokio::test]
async fn an_article_that_names_111_gives_the_route_in_each_uk_nation() {
    let app = spawn_app().await;
    let mut with_111 = 0;
    for article in bundled_library().articles() {
        let path = format!("/articles/{}", article.slug);
        let document = app.get_page(&path).await;
        let prose = select_texts(&document, "main .prose").join(" ");
        let names_111 = prose.contains("111");
        with_111 += usize::from(names_111);
        assert_eq!(
            count(&document, "main [data-uk-nations]"),
            usize::from(names_111),
            "{path}"
        );
    }
    assert!(with_111 >= 30, "{with_111} articles name 111");
    let page = app.get_page("/articles/back-pain-in-older-people").await;
    let nations = select_texts(&page, "main [data-uk-nations] li").join(" ");
    for nation in ["Scotland", "Wales", "Northern Ireland"] {
        assert!(nations.contains(nation), "{nation}: {nations}");
    }
}

/// The registry of fixed pages is what the router, the sitemap and the link check read, so every
/// address in it must answer (the discussion's too, with it on); the site's own unit test holds
/// the pre-rendered pages to the registry the other way round.
#[tokio::test]
async fn every_page_in_the_registry_is_served() {
    let database = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/posts.db?mode=rwc", database.path().display());
    let app = crate::helpers::spawn_app_with(backcare::startup::ServeConfig {
        comments: Some(backcare::discussion::DiscussionConfig::new(&url)),
        ..crate::helpers::bundled_config()
    })
    .await;
    for page in backcare::web::pages::FIXED_PAGES {
        let status = app.get(page.path).await.status();
        assert_ne!(
            status, 404,
            "{} is in the registry but not served",
            page.path
        );
    }
}
