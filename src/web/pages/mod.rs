//! One module per kind of page. Each owns its template struct (`templates/pages/<page>.html`)
//! and its `prerender` (pages made once per generation) and/or its handlers (pages made per
//! request), with their tests; `layout` holds what they share.
//!
//! `FIXED_PAGES` is the one list of the pages at addresses of their own: the router, the
//! sitemap, the link check of `backcare check`, the header's navigation and `backcare build` all
//! read it, so a page is added in one place.

pub mod a_z;
pub mod about;
pub mod accessibility;
pub mod article;
pub mod checker;
pub mod errors;
pub mod escaped_once;
pub mod feed;
pub mod home;
pub mod how_it_works;
pub mod layout;
pub mod search;
pub mod sitemap;
pub mod tag;
pub mod tags;
pub mod topic;
pub mod topics;

use std::sync::LazyLock;

use crate::content::{Category, Library, SitePage};
use crate::web::BaseUrl;
use crate::web::paths::{
    A_TO_Z_PATH, ABOUT_PATH, ACCESSIBILITY_PATH, CHECKER_CHANGE_PATH, CHECKER_PATH, FEED_PATH,
    FEEDBACK_REPORT_PATH, HEALTH_PATH, HOME, HOW_IT_WORKS_PATH, LOGIN_PATH, LOGOUT_PATH,
    OPENSEARCH_PATH, QUEUE_PATH, REDIRECTS, ROBOTS_PATH, SITEMAP_PATH, TAGS_PATH, TOPICS_PATH,
    topic_path,
};
use crate::web::prerender::{
    FixedPage, NavLink, Prerender, RenderError, Served, SiteSettings, Sitemap,
};
use crate::web::representation::{NO_STORE, Page, TEXT};

/// Every page at an address of its own. Pages made from an article, a topic or a tag
/// (`article`, `topic`, `tag`) and the static files are not here: their addresses come from
/// the content.
pub const FIXED_PAGES: &[FixedPage] = &[
    FixedPage::new(HOME, Served::Prerendered(home::prerender))
        .in_sitemap(Sitemap::ListedWithArticles),
    FixedPage::new(TOPICS_PATH, Served::Prerendered(topics::prerender))
        .in_sitemap(Sitemap::ListedWithArticles),
    FixedPage::new(A_TO_Z_PATH, Served::Prerendered(a_z::prerender))
        .in_sitemap(Sitemap::ListedWithArticles),
    FixedPage::new(TAGS_PATH, Served::Prerendered(tags::prerender))
        .in_sitemap(Sitemap::ListedWithArticles),
    FixedPage::new(
        CHECKER_PATH,
        Served::PrerenderedAndHandled(checker::prerender, checker::form_handlers),
    )
    .in_sitemap(Sitemap::Listed)
    .in_nav("Symptom checker"),
    FixedPage::new(
        CHECKER_CHANGE_PATH,
        Served::Handled(checker::change_handlers),
    ),
    FixedPage::new(
        HOW_IT_WORKS_PATH,
        Served::Prerendered(how_it_works::prerender),
    )
    .in_sitemap(Sitemap::Listed),
    FixedPage::new(ABOUT_PATH, Served::Prerendered(about::prerender)).in_sitemap(Sitemap::Listed),
    FixedPage::new(
        ACCESSIBILITY_PATH,
        Served::Prerendered(accessibility::prerender),
    )
    .in_sitemap(Sitemap::Listed),
    FixedPage::new(search::PATH, Served::Handled(search::handlers))
        .for_static_host(search::prerender_empty),
    FixedPage::new(OPENSEARCH_PATH, Served::Prerendered(search::prerender)),
    FixedPage::new(FEED_PATH, Served::Prerendered(feed::prerender)),
    FixedPage::new(SITEMAP_PATH, Served::Prerendered(sitemap::prerender)),
    FixedPage::new(ROBOTS_PATH, Served::Prerendered(sitemap::prerender_robots)),
    FixedPage::new(HEALTH_PATH, Served::Prerendered(health)),
    FixedPage::new(QUEUE_PATH, Served::ByDiscussion),
    FixedPage::new(LOGIN_PATH, Served::ByDiscussion),
    FixedPage::new(LOGOUT_PATH, Served::ByDiscussion),
    FixedPage::new(FEEDBACK_REPORT_PATH, Served::ByDiscussion),
];

/// `/healthz`: answers as long as the process serves, and is never cached.
fn health(site: &mut Prerender, _: &Library) -> Result<(), RenderError> {
    site.insert(HEALTH_PATH, Page::new("ok\n", TEXT, NO_STORE));
    Ok(())
}

/// The resource at a fixed address that the discussion's routes serve. It must be in
/// `FIXED_PAGES` as `Served::ByDiscussion`: otherwise the server refuses to start (and every
/// test with the discussion on fails), so no fixed route is served that the sitemap, the link
/// check and the registry's tests do not know of.
pub fn discussion_resource(path: &'static str) -> actix_web::Resource {
    assert!(
        FIXED_PAGES
            .iter()
            .any(|page| page.path == path && matches!(page.served, Served::ByDiscussion)),
        "{path} is served by the discussion but not in pages::FIXED_PAGES as Served::ByDiscussion"
    );
    actix_web::web::resource(path)
}

/// The header's navigation: the four topics, then every fixed page with a nav label.
pub fn nav() -> &'static [NavLink] {
    static NAV: LazyLock<Vec<NavLink>> = LazyLock::new(|| {
        let topics = Category::ALL.iter().map(|&category| NavLink {
            href: topic_path(category),
            label: category.title(),
        });
        let fixed = FIXED_PAGES.iter().filter_map(|page| {
            Some(NavLink {
                href: page.path.to_owned(),
                label: page.nav_label?,
            })
        });
        topics.chain(fixed).collect()
    });
    &NAV
}

/// Every fixed address an article may link to, with the ids on the pages whose ids do not
/// depend on the articles, read from the pages themselves so the link check follows every
/// change to their templates. Redirects count: `/articles` leads to the A to Z.
pub fn link_targets() -> Vec<SitePage> {
    let settings = SiteSettings::new(BaseUrl::for_address(([127, 0, 0, 1], 80).into()));
    let mut scratch = Prerender::new(&settings, FIXED_PAGES);
    let library = Library::default();
    let pages = FIXED_PAGES.iter().map(|page| {
        let lists_articles = page.sitemap == Sitemap::ListedWithArticles;
        let anchors = page
            .prerender()
            .filter(|_| !lists_articles)
            .and_then(|prerender| prerender(&mut scratch, &library).ok())
            .and_then(|()| scratch.page_text(page.path))
            .map(|html| main_ids(&html));
        SitePage {
            path: page.path.to_owned(),
            anchors,
        }
    });
    let redirects = REDIRECTS.iter().map(|(from, _)| SitePage {
        path: (*from).to_owned(),
        anchors: None,
    });
    pages.chain(redirects).collect()
}

/// The ids inside the page's `<main>`: the header's search box is on every page, so its ids
/// are no anchor of this one.
fn main_ids(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let Ok(in_main) = scraper::Selector::parse("main[id], main [id]") else {
        return Vec::new();
    };
    document
        .select(&in_main)
        .filter_map(|element| element.value().id().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::Site;
    use crate::web::assets::Assets;

    /// Addresses made from the content (articles, topics, tags, static files) aside, every page
    /// the site pre-renders is in the registry, and every pre-rendered entry is made.
    #[test]
    fn the_pre_rendered_fixed_pages_are_exactly_the_registrys() {
        let settings = SiteSettings::new(BaseUrl::for_address(([127, 0, 0, 1], 80).into()));
        let site = Site::build(&Library::default(), &Assets::default(), settings)
            .expect("the empty site renders");
        let from_content = |path: &&str| {
            ["/articles/", "/topics/", "/tags/", "/static/"]
                .iter()
                .any(|prefix| path.starts_with(prefix))
        };
        let mut served: Vec<&str> = site
            .pages()
            .map(|(path, _)| path)
            .filter(|path| !from_content(path))
            .collect();
        served.sort_unstable();
        let mut listed: Vec<&str> = FIXED_PAGES
            .iter()
            .filter(|page| page.prerender().is_some())
            .map(|page| page.path)
            .collect();
        listed.sort_unstable();
        assert_eq!(served, listed);
        // The topics' pages come from the content, but every topic has one, articles or not.
        for category in Category::ALL {
            assert!(site.page(&topic_path(category)).is_some(), "{category:?}");
        }
    }

    #[test]
    fn the_nav_is_the_topics_then_the_symptom_checker() {
        let labels: Vec<&str> = nav().iter().map(|link| link.label).collect();
        assert_eq!(
            labels,
            [
                "Causes",
                "Prevention",
                "Relief",
                "When to get help",
                "Symptom checker"
            ]
        );
    }

    #[test]
    fn link_targets_carry_the_ids_of_pages_that_do_not_list_articles() {
        let targets = link_targets();
        let anchors = |path: &str| {
            targets
                .iter()
                .find(|page| page.path == path)
                .unwrap_or_else(|| panic!("{path} is a link target"))
                .anchors
                .clone()
        };
        assert!(anchors("/symptom-checker").is_some_and(|ids| ids.len() > 8));
        assert_eq!(anchors("/a-z"), None);
        assert_eq!(anchors("/articles"), None);
    }
}
