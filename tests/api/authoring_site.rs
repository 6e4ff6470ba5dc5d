//! What publishing adds around the articles: drafts, tag pages, previous/next links, the Atom
//! feed, the sitemap, robots.txt, canonical links, Open Graph and JSON-LD structured data.

use std::collections::BTreeSet;

use backcare::content::Category;
use backcare::startup::ServeConfig;
use reqwest::header::CONTENT_TYPE;
use serde_json::Value;

use crate::helpers::{
    ArticleText, TempArticles, TestApp, assert_layout, bundled_config, bundled_library, count,
    header_text, html, select_attrs, select_texts, selector, spawn_app, spawn_app_with,
};

const BASE_URL: &str = "https://backcare.example";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

fn with_base_url(config: ServeConfig) -> ServeConfig {
    ServeConfig {
        base_url: Some(BASE_URL.parse().expect("a valid base URL")),
        ..config
    }
}

/// Four articles: two published relief articles sharing a tag, a draft with that tag, and one elsewhere.
fn articles_with_a_draft() -> TempArticles {
    let articles = TempArticles::new();
    articles
        .add(
            "heat.md",
            ArticleText::new("Heat", "relief")
                .weight(1)
                .reviewed("2026-03-01")
                .tags(&["spasms", "home-care"])
                .render(),
        )
        .add(
            "massage.md",
            ArticleText::new("Massage", "relief")
                .weight(2)
                .reviewed("2026-05-01")
                .tags(&["spasms"])
                .render(),
        )
        .add(
            "ice.md",
            ArticleText::new("Ice", "relief")
                .weight(3)
                .tags(&["spasms", "cold"])
                .draft()
                .render(),
        )
        .add(
            "posture.md",
            ArticleText::new("Posture", "prevention")
                .reviewed("2026-02-01")
                .render(),
        );
    articles
}

fn list_hrefs(document: &scraper::Html) -> Vec<String> {
    select_attrs(document, "main ul.article-list > li > a", "href")
}

async fn get_xml(app: &TestApp, path: &str, content_type: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(header_text(&response, CONTENT_TYPE), content_type, "{path}");
    response.text().await.expect("body is text")
}

fn children_named<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    namespace: &str,
    name: &str,
) -> Vec<roxmltree::Node<'a, 'input>> {
    node.children()
        .filter(|child| child.has_tag_name((namespace, name)))
        .collect()
}

fn child_text(node: roxmltree::Node, namespace: &str, name: &str) -> Option<String> {
    children_named(node, namespace, name)
        .first()
        .and_then(|child| child.text())
        .map(str::to_owned)
}

/// The feed's entries as (id, title, updated), parsed with a real XML parser.
fn feed_entries(xml: &str) -> Vec<(String, String, String)> {
    let document = roxmltree::Document::parse(xml).expect("the feed is well-formed XML");
    let feed = document.root_element();
    assert!(feed.has_tag_name((ATOM_NS, "feed")), "root is an Atom feed");
    for required in ["id", "title", "updated"] {
        assert!(
            child_text(feed, ATOM_NS, required).is_some(),
            "the feed has <{required}>"
        );
    }
    children_named(feed, ATOM_NS, "entry")
        .into_iter()
        .map(|entry| {
            let text = |name| {
                child_text(entry, ATOM_NS, name).unwrap_or_else(|| panic!("entry has <{name}>"))
            };
            (text("id"), text("title"), text("updated"))
        })
        .collect()
}

/// The sitemap as (loc, lastmod), parsed with a real XML parser.
fn sitemap_urls(xml: &str) -> Vec<(String, Option<String>)> {
    let document = roxmltree::Document::parse(xml).expect("the sitemap is well-formed XML");
    let urlset = document.root_element();
    assert!(urlset.has_tag_name((SITEMAP_NS, "urlset")));
    children_named(urlset, SITEMAP_NS, "url")
        .into_iter()
        .map(|url| {
            (
                child_text(url, SITEMAP_NS, "loc").expect("<url> has <loc>"),
                child_text(url, SITEMAP_NS, "lastmod"),
            )
        })
        .collect()
}

fn json_ld(document: &scraper::Html, path: &str) -> Value {
    let scripts = select_texts(document, "head script[type=\"application/ld+json\"]");
    assert_eq!(scripts.len(), 1, "{path}: one JSON-LD block");
    serde_json::from_str(&scripts[0])
        .unwrap_or_else(|error| panic!("{path}: JSON-LD is not JSON: {error}\n{}", scripts[0]))
}

fn meta_property(document: &scraper::Html, property: &str) -> Vec<String> {
    select_attrs(
        document,
        &format!("head meta[property=\"{property}\"]"),
        "content",
    )
}

#[tokio::test]
async fn without_drafts_flag_drafts_are_absent_from_every_listing_tag_page_feed_and_sitemap() {
    let articles = articles_with_a_draft();
    let app = spawn_app_with(with_base_url(articles.config())).await;

    assert_eq!(app.get("/articles/ice").await.status(), 404);
    assert_eq!(
        app.get("/tags/cold").await.status(),
        404,
        "a tag only drafts use"
    );
    for path in ["/", "/topics/relief", "/tags/spasms"] {
        let document = app.get_page(path).await;
        assert!(
            !list_hrefs(&document).contains(&"/articles/ice".to_owned()),
            "{path}"
        );
        assert_eq!(count(&document, ".label-draft"), 0, "{path}");
    }
    let heat = app.get_page("/articles/massage").await;
    assert!(
        !select_attrs(&heat, "a", "href").contains(&"/articles/ice".to_owned()),
        "no previous/next or related link leads to a draft"
    );

    let feed = get_xml(&app, "/feed.xml", "application/atom+xml; charset=utf-8").await;
    assert!(
        feed_entries(&feed)
            .iter()
            .all(|(id, ..)| !id.ends_with("/ice"))
    );
    let sitemap = get_xml(&app, "/sitemap.xml", "application/xml; charset=utf-8").await;
    assert!(
        sitemap_urls(&sitemap)
            .iter()
            .all(|(loc, _)| !loc.ends_with("/ice") && !loc.ends_with("/cold"))
    );
}

#[tokio::test]
async fn with_drafts_flag_drafts_are_served_and_labelled_everywhere_they_are_listed() {
    let articles = articles_with_a_draft();
    let app = spawn_app_with(ServeConfig {
        drafts: true,
        ..with_base_url(articles.config())
    })
    .await;

    let ice = app.get_page("/articles/ice").await;
    assert_eq!(select_texts(&ice, "h1 .label-draft"), ["Draft"]);
    assert_eq!(
        select_attrs(&ice, "head meta[name=robots]", "content"),
        ["noindex"],
        "a previewed draft asks not to be indexed"
    );
    let heat = app.get_page("/articles/heat").await;
    assert_eq!(count(&heat, "h1 .label-draft"), 0);
    assert_eq!(count(&heat, "head meta[name=robots]"), 0);

    for path in ["/", "/topics/relief", "/tags/spasms", "/tags/cold", "/a-z"] {
        let document = app.get_page(path).await;
        let draft_items: Vec<String> = document
            .select(&selector("main ul.article-list > li"))
            .filter(|item| item.select(&selector(".label-draft")).next().is_some())
            .filter_map(|item| {
                item.select(&selector("a"))
                    .next()
                    .and_then(|a| a.value().attr("href").map(str::to_owned))
            })
            .collect();
        assert_eq!(
            draft_items,
            ["/articles/ice"],
            "{path}: only the draft is labelled"
        );
    }

    let tags = app.get_page("/tags").await;
    assert!(
        select_texts(&tags, ".tag-index a").contains(&"cold".to_owned()),
        "the tag only the draft has is listed in the preview"
    );

    // A preview shows drafts; the feed and sitemap are for the published site, so never do.
    let feed = get_xml(&app, "/feed.xml", "application/atom+xml; charset=utf-8").await;
    assert!(
        feed_entries(&feed)
            .iter()
            .all(|(id, ..)| !id.ends_with("/ice"))
    );
    let sitemap = get_xml(&app, "/sitemap.xml", "application/xml; charset=utf-8").await;
    assert!(
        sitemap_urls(&sitemap)
            .iter()
            .all(|(loc, _)| !loc.ends_with("/ice"))
    );
}

#[tokio::test]
async fn every_tag_has_a_page_listing_exactly_its_articles() {
    let app = spawn_app().await;
    let library = bundled_library();
    let tags = library.tags();
    assert!(!tags.is_empty(), "bundled articles are tagged");
    for tag in tags {
        let path = format!("/tags/{tag}");
        let document = app.get_page(&path).await;
        assert_layout(&document, &path);
        assert_eq!(
            select_texts(&document, "h1"),
            [format!("Articles tagged “{tag}”")],
            "{path}"
        );
        let expected: Vec<String> = library
            .tagged(tag)
            .map(|article| format!("/articles/{}", article.slug))
            .collect();
        assert!(!expected.is_empty(), "{path}");
        assert_eq!(list_hrefs(&document), expected, "{path}");
    }
    assert_eq!(app.get("/tags/no-such-tag").await.status(), 404);
    // `/tags` is the tags index, so `/tags/` goes to it.
    assert_eq!(app.get("/tags/").await.status(), 308);
    assert_eq!(app.get("/tags/%3Cscript%3E").await.status(), 404);
}

#[tokio::test]
async fn article_pages_link_each_of_their_tags() {
    let app = spawn_app().await;
    let library = bundled_library();
    for article in library.articles() {
        let path = format!("/articles/{}", article.slug);
        let document = app.get_page(&path).await;
        let expected: Vec<String> = article
            .front
            .tags
            .iter()
            .map(|tag| format!("/tags/{tag}"))
            .collect();
        assert_eq!(
            select_attrs(&document, "article ul.tag-list a[rel=tag]", "href"),
            expected,
            "{path}"
        );
        assert_eq!(
            select_texts(&document, "article ul.tag-list a"),
            article.front.tags,
            "{path}"
        );
    }
}

#[tokio::test]
async fn previous_and_next_links_follow_reading_order_within_the_topic() {
    let app = articles_with_a_draft().spawn().await;

    let heat = app.get_page("/articles/heat").await;
    assert_eq!(
        select_attrs(&heat, "nav[aria-label=\"More in Relief\"] a", "href"),
        ["/articles/massage"]
    );
    assert_eq!(count(&heat, "a[rel=prev]"), 0, "the first has no previous");
    assert_eq!(
        select_attrs(&heat, "a[rel=next]", "href"),
        ["/articles/massage"]
    );

    let massage = app.get_page("/articles/massage").await;
    assert_eq!(
        select_attrs(&massage, "a[rel=prev]", "href"),
        ["/articles/heat"]
    );
    assert_eq!(
        count(&massage, "a[rel=next]"),
        0,
        "the draft after it is not served, so it is not next"
    );

    let posture = app.get_page("/articles/posture").await;
    assert_eq!(
        count(&posture, "nav.pager"),
        0,
        "alone in its topic: no links to another topic's articles"
    );
}

#[tokio::test]
async fn bundled_articles_link_their_neighbours_in_each_topic() {
    let app = spawn_app().await;
    let library = bundled_library();
    for article in library.articles() {
        let path = format!("/articles/{}", article.slug);
        let document = app.get_page(&path).await;
        let neighbours = library.neighbours(article);
        let href = |other: Option<&backcare::content::Article>| {
            other
                .map(|a| vec![format!("/articles/{}", a.slug)])
                .unwrap_or_default()
        };
        assert_eq!(
            select_attrs(&document, "nav.pager a[rel=prev]", "href"),
            href(neighbours.previous),
            "{path}"
        );
        assert_eq!(
            select_attrs(&document, "nav.pager a[rel=next]", "href"),
            href(neighbours.next),
            "{path}"
        );
        for other in [neighbours.previous, neighbours.next].into_iter().flatten() {
            assert_eq!(other.front.category, article.front.category, "{path}");
        }
    }
}

#[tokio::test]
async fn feed_lists_exactly_the_published_articles_newest_review_first() {
    let app = spawn_app_with(with_base_url(articles_with_a_draft().config())).await;
    let feed = get_xml(&app, "/feed.xml", "application/atom+xml; charset=utf-8").await;
    let entries = feed_entries(&feed);
    assert_eq!(
        entries,
        [
            (
                format!("{BASE_URL}/articles/massage"),
                "Massage".to_owned(),
                "2026-05-01T00:00:00Z".to_owned()
            ),
            (
                format!("{BASE_URL}/articles/heat"),
                "Heat".to_owned(),
                "2026-03-01T00:00:00Z".to_owned()
            ),
            (
                format!("{BASE_URL}/articles/posture"),
                "Posture".to_owned(),
                "2026-02-01T00:00:00Z".to_owned()
            ),
        ]
    );
    let document = roxmltree::Document::parse(&feed).expect("XML");
    let self_link = document
        .descendants()
        .find(|node| node.has_tag_name((ATOM_NS, "link")) && node.attribute("rel") == Some("self"))
        .and_then(|node| node.attribute("href"));
    assert_eq!(self_link, Some(format!("{BASE_URL}/feed.xml").as_str()));
    assert_eq!(
        child_text(document.root_element(), ATOM_NS, "updated").as_deref(),
        Some("2026-05-01T00:00:00Z"),
        "the feed changed when its newest entry did"
    );
}

#[tokio::test]
async fn bundled_feed_and_sitemap_list_every_published_article() {
    let app = spawn_app().await;
    let library = bundled_library();
    let expected: BTreeSet<String> = library
        .articles()
        .iter()
        .map(|article| app.url(&format!("/articles/{}", article.slug)))
        .collect();

    let feed = get_xml(&app, "/feed.xml", "application/atom+xml; charset=utf-8").await;
    let in_feed: BTreeSet<String> = feed_entries(&feed).into_iter().map(|(id, ..)| id).collect();
    assert_eq!(in_feed, expected);

    let sitemap = get_xml(&app, "/sitemap.xml", "application/xml; charset=utf-8").await;
    let in_sitemap: BTreeSet<String> = sitemap_urls(&sitemap)
        .into_iter()
        .map(|(loc, _)| loc)
        .filter(|loc| loc.contains("/articles/"))
        .collect();
    assert_eq!(in_sitemap, expected);
}

#[tokio::test]
async fn feed_escapes_titles_and_summaries() {
    let articles = TempArticles::new();
    let title = "Heat & cold: <what> works \"best\"";
    articles.add("heat.md", ArticleText::new(title, "relief").render());
    let app = articles.spawn().await;
    let feed = get_xml(&app, "/feed.xml", "application/atom+xml; charset=utf-8").await;
    let entries = feed_entries(&feed);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].1, title);
}

#[tokio::test]
async fn sitemap_lists_every_indexable_page_with_its_review_date() {
    let app = spawn_app_with(with_base_url(articles_with_a_draft().config())).await;
    let sitemap = get_xml(&app, "/sitemap.xml", "application/xml; charset=utf-8").await;
    let urls = sitemap_urls(&sitemap);
    let url = |path: &str| format!("{BASE_URL}{path}");
    let date = |text: &str| Some(text.to_owned());

    // The pages that list the articles change with them; the others only with the code.
    let mut expected = vec![
        (url("/"), date("2026-05-01")),
        (url("/topics"), date("2026-05-01")),
        (url("/a-z"), date("2026-05-01")),
        (url("/tags"), date("2026-05-01")),
        (url("/about"), None),
        (url("/accessibility"), None),
    ];
    for category in Category::ALL {
        let lastmod = match category {
            Category::Relief => date("2026-05-01"),
            Category::Prevention => date("2026-02-01"),
            _ => None,
        };
        expected.push((url(&format!("/topics/{}", category.slug())), lastmod));
    }
    expected.extend([
        (url("/articles/posture"), date("2026-02-01")),
        (url("/articles/heat"), date("2026-03-01")),
        (url("/articles/massage"), date("2026-05-01")),
        (url("/tags/home-care"), date("2026-03-01")),
        (url("/tags/spasms"), date("2026-05-01")),
        (url("/symptom-checker"), None),
        (url("/symptom-checker/how-it-works"), None),
    ]);
    let sorted = |mut list: Vec<(String, Option<String>)>| {
        list.sort();
        list
    };
    assert_eq!(sorted(urls.clone()), sorted(expected));

    for (loc, _) in &urls {
        let path = loc
            .strip_prefix(BASE_URL)
            .expect("absolute URL on the base");
        assert_eq!(app.get(path).await.status(), 200, "{loc} is a real page");
    }
}

#[tokio::test]
async fn robots_txt_points_crawlers_at_the_sitemap() {
    let app = spawn_app_with(with_base_url(bundled_config())).await;
    let response = app.get("/robots.txt").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header_text(&response, CONTENT_TYPE),
        "text/plain; charset=utf-8"
    );
    let body = response.text().await.expect("text");
    assert!(
        body.lines()
            .any(|line| line == format!("Sitemap: {BASE_URL}/sitemap.xml")),
        "{body}"
    );
    assert!(body.lines().any(|line| line == "User-agent: *"), "{body}");
}

#[tokio::test]
async fn article_pages_carry_canonical_open_graph_and_medical_web_page_data() {
    let app = spawn_app_with(with_base_url(bundled_config())).await;
    let library = bundled_library();
    for article in library.articles() {
        let path = format!("/articles/{}", article.slug);
        let url = format!("{BASE_URL}{path}");
        let document = app.get_page(&path).await;
        let front = &article.front;

        assert_eq!(
            select_attrs(&document, "head link[rel=canonical]", "href"),
            [url.as_str()],
            "{path}"
        );
        assert_eq!(meta_property(&document, "og:type"), ["article"], "{path}");
        assert_eq!(
            meta_property(&document, "og:title"),
            [front.title.as_str()],
            "{path}"
        );
        assert_eq!(
            meta_property(&document, "og:description"),
            [front.summary.as_str()],
            "{path}"
        );
        assert_eq!(meta_property(&document, "og:url"), [url.as_str()], "{path}");
        assert_eq!(
            meta_property(&document, "og:site_name"),
            ["backcare"],
            "{path}"
        );

        let data = json_ld(&document, &path);
        assert_eq!(data["@context"], "https://schema.org", "{path}");
        assert_eq!(data["@type"], "MedicalWebPage", "{path}");
        assert_eq!(data["headline"], front.title.as_str(), "{path}");
        assert_eq!(data["description"], front.summary.as_str(), "{path}");
        assert_eq!(data["url"], url.as_str(), "{path}");
        assert_eq!(data["inLanguage"], "en-GB", "{path}");
        assert_eq!(
            data["lastReviewed"],
            front.reviewed.to_string().as_str(),
            "{path}"
        );
        assert_eq!(data["about"]["@type"], "MedicalCondition", "{path}");
        let citations: Vec<(String, String)> = data["citation"]
            .as_array()
            .unwrap_or_else(|| panic!("{path}: citation is a list"))
            .iter()
            .map(|citation| {
                assert_eq!(citation["@type"], "CreativeWork", "{path}");
                (
                    citation["name"].as_str().unwrap_or_default().to_owned(),
                    citation["url"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let sources: Vec<(String, String)> = front
            .sources
            .iter()
            .map(|source| (source.title.clone(), source.url.clone()))
            .collect();
        assert_eq!(citations, sources, "{path}");
    }
}

#[tokio::test]
async fn json_ld_keeps_markup_in_titles_as_data() {
    let articles = TempArticles::new();
    let title = "Heat </script><script>alert(1)</script> & cold";
    articles.add("heat.md", ArticleText::new(title, "relief").render());
    let app = articles.spawn().await;
    let (status, body) = app.get_text("/articles/heat").await;
    assert_eq!(status, 200);
    assert_eq!(
        body.matches("</script>").count(),
        1,
        "only the JSON-LD block's own end tag"
    );
    let document = html(&body);
    assert_eq!(json_ld(&document, "/articles/heat")["headline"], title);
    assert_eq!(select_texts(&document, "h1"), [title]);
}

#[tokio::test]
async fn every_page_with_one_address_names_it_as_canonical() {
    let app = spawn_app_with(with_base_url(bundled_config())).await;
    for path in [
        "/",
        "/topics/relief",
        "/tags/heat",
        "/symptom-checker",
        "/symptom-checker/how-it-works",
    ] {
        let document = app.get_page(path).await;
        assert_eq!(
            select_attrs(&document, "head link[rel=canonical]", "href"),
            [format!("{BASE_URL}{path}")],
            "{path}"
        );
    }
    let (status, body) = app.get_text("/no-such-page").await;
    assert_eq!(status, 404);
    assert_eq!(
        count(&html(&body), "link[rel=canonical]"),
        0,
        "an error page is not the address of anything"
    );
}

#[tokio::test]
async fn without_a_base_url_absolute_links_use_the_address_served_on() {
    let app = spawn_app().await;
    let document = app.get_page("/articles/heat-therapy").await;
    assert_eq!(
        select_attrs(&document, "head link[rel=canonical]", "href"),
        [app.url("/articles/heat-therapy")]
    );
    let robots = app.get_text("/robots.txt").await.1;
    assert!(
        robots.contains(&format!("Sitemap: {}", app.url("/sitemap.xml"))),
        "{robots}"
    );
}

#[tokio::test]
async fn images_get_their_width_and_height_so_the_page_does_not_shift() {
    let static_dir = tempfile::tempdir().expect("temp dir");
    for file in ["site.css", "favicon.svg"] {
        std::fs::copy(
            crate::helpers::repo_path("static").join(file),
            static_dir.path().join(file),
        )
        .expect("copied");
    }
    std::fs::create_dir(static_dir.path().join("img")).expect("dir");
    std::fs::write(
        static_dir.path().join("img/lifting.png"),
        crate::images::solid_png(640, 427),
    )
    .expect("png");
    let articles = TempArticles::new();
    articles.add(
        "heat.md",
        ArticleText::new("Heat", "relief")
            .body("## Lifting\n\n![A person lifting a box](/static/img/lifting.png)\n\nAnd the icon: ![The logo](/static/favicon.svg)\n")
            .render(),
    );
    let app = spawn_app_with(crate::helpers::test_config(
        "127.0.0.1:0",
        articles.path(),
        static_dir.path(),
    ))
    .await;
    let (status, body) = app.get_text("/articles/heat").await;
    assert_eq!(status, 200, "{body}");
    let document = html(&body);
    let images: Vec<[Option<String>; 4]> = document
        .select(&selector("main img"))
        .map(|img| {
            ["src", "width", "height", "loading"]
                .map(|name| img.value().attr(name).map(str::to_owned))
        })
        .collect();
    let some = |text: &str| Some(text.to_owned());
    assert_eq!(
        images,
        [
            // The first image may be in view at once: it loads straight away.
            [
                some("/static/img/lifting.png"),
                some("640"),
                some("427"),
                None
            ],
            // An SVG's size is its viewBox (0 0 32 32); later images wait until they are near.
            [
                some("/static/favicon.svg"),
                some("32"),
                some("32"),
                some("lazy")
            ],
        ]
    );
}

/// A published article and one scheduled for 2027-01-15 ("Snowdrop", a word no other page uses).
fn articles_with_a_scheduled_one() -> TempArticles {
    let articles = TempArticles::new();
    let scheduled = ArticleText::new("Snowdrop", "relief")
        .tags(&["winter"])
        .render()
        .replace("draft = false\n", "draft = false\npublish = 2027-01-15\n");
    articles
        .add("heat.md", ArticleText::new("Heat", "relief").render())
        .add("snowdrop.md", scheduled);
    articles
}

/// What a reader can find of the scheduled article on a server whose today is `today`:
/// its page, and its place in the lists, the A to Z, its tag, search, the feed and the sitemap.
async fn scheduled_article_seen(today: time::Date) -> Vec<&'static str> {
    let articles = articles_with_a_scheduled_one();
    let app = spawn_app_with(ServeConfig {
        today: Some(today),
        ..with_base_url(articles.config())
    })
    .await;
    let mut seen = Vec::new();
    if app.get("/articles/snowdrop").await.status() == 200 {
        seen.push("page");
    }
    for (path, name) in [("/", "home"), ("/topics/relief", "topic"), ("/a-z", "a-z")] {
        let document = app.get_page(path).await;
        if list_hrefs(&document).contains(&"/articles/snowdrop".to_owned()) {
            seen.push(name);
        }
    }
    if app.get("/tags/winter").await.status() == 200 {
        seen.push("tag");
    }
    let (_, search) = app.get_text("/search?q=snowdrop").await;
    if search.contains("/articles/snowdrop") {
        seen.push("search");
    }
    let feed = get_xml(&app, "/feed.xml", "application/atom+xml; charset=utf-8").await;
    if feed_entries(&feed)
        .iter()
        .any(|(id, ..)| id.ends_with("/snowdrop"))
    {
        seen.push("feed");
    }
    let sitemap = get_xml(&app, "/sitemap.xml", "application/xml; charset=utf-8").await;
    if sitemap_urls(&sitemap)
        .iter()
        .any(|(loc, _)| loc.ends_with("/snowdrop"))
    {
        seen.push("sitemap");
    }
    seen
}

const EVERYWHERE: [&str; 8] = [
    "page", "home", "topic", "a-z", "tag", "search", "feed", "sitemap",
];

#[tokio::test]
async fn a_scheduled_article_is_hidden_everywhere_the_day_before_its_publish_date() {
    let seen = scheduled_article_seen(time::macros::date!(2027 - 01 - 14)).await;
    assert_eq!(seen, Vec::<&str>::new());
}

#[tokio::test]
async fn a_scheduled_article_is_live_everywhere_on_its_publish_date_and_after() {
    for today in [
        time::macros::date!(2027 - 01 - 15),
        time::macros::date!(2027 - 06 - 01),
    ] {
        assert_eq!(scheduled_article_seen(today).await, EVERYWHERE, "{today}");
    }
}
