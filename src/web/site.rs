//! The rendered site: every page that does not depend on the request, rendered once into bytes.
//! A request for an article, topic or static file is a single map lookup.
//!
//! What is served is a `Generation` (`web/mod.rs`): this `Site` and the `Library` it was
//! rendered from, swapped together. `SiteSettings` is what a `Site` is rendered with beyond the
//! articles; `startup::SiteSource` is where the content is read from plus those settings, and
//! `startup::Content` one load of it.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::http::header::HeaderValue;
use askama::Template;
use bytes::Bytes;

use super::assets::Assets;
use super::base_url::BaseUrl;
use super::discussion::page::SplitPage;
use super::pages::{self, about::ContactEmail};
use super::paths::{CHECKER_PATH, FAVICON, HEALTH_PATH, HOW_IT_WORKS_PATH, STYLESHEET};
use super::representation::{ASSET_CACHE, HTML, IMMUTABLE_CACHE, NO_STORE, PAGE_CACHE, Page, TEXT};
use crate::content::{Library, PageAnchors};
use crate::search::SearchIndex;

/// What one generation of the site needs to know beyond its content.
#[derive(Debug, Clone)]
pub struct SiteSettings {
    /// Where the site is published, for canonical links, the feed and the sitemap.
    pub base_url: BaseUrl,
    /// `serve --watch`: pages change whenever the author saves, so browsers must always revalidate.
    pub live_preview: bool,
    /// What is wrong with the author's latest edit and what is served instead, shown in a banner
    /// on every page (`serve --watch`). Empty when the latest edit loaded cleanly.
    pub author_problems: crate::live_reload::AuthorProblems,
    /// Where pages link the stylesheet and the icon: their content-hashed addresses once the
    /// static files are known (set by `Site::build`), so browsers may cache them forever.
    pub stylesheet: String,
    pub favicon: String,
    /// `--comments moderated`: article pages are split around their discussion (`web::discussion`).
    pub comments: bool,
    /// "Is this page helpful?" under every article: with `--comments moderated` (which opens the
    /// database it is counted in), and in `backcare build` (the buttons post to `--app-url`).
    pub feedback: bool,
    /// Other sites whose pages may post the reader forms here (`--trusted-origin`): a static
    /// build's site, whose forms post to this server.
    pub trusted_origins: Vec<BaseUrl>,
    /// Where readers report a mistake (`--contact-email`), shown on `/about` and `/accessibility`.
    pub contact_email: ContactEmail,
    /// False in a static build without `--app-url`: nothing answers the search box or the
    /// checker's form there, so the pages say so and link to the A to Z instead.
    pub server_answers_forms: bool,
}

/// A rendered article page, ready to serve.
pub enum ServedArticle {
    /// With `--comments`: in two halves for the discussion to go between (`web::discussion`).
    Split(SplitPage),
    /// Without: an HTML page like any other.
    Whole(Page),
}

impl SiteSettings {
    /// The article page whose HTML is `body`. Apart from `Prerender`, so that the pages can be
    /// made on every core: hashing a page for its ETag is not free at 10,000 of them.
    pub fn article_page(&self, body: String) -> ServedArticle {
        match self.comments.then(|| SplitPage::split(&body)).flatten() {
            Some(split) => ServedArticle::Split(split),
            None => ServedArticle::Whole(Page::new(body, HTML, self.page_cache_control())),
        }
    }

    pub fn new(base_url: BaseUrl) -> Self {
        SiteSettings {
            base_url,
            live_preview: false,
            author_problems: Default::default(),
            stylesheet: STYLESHEET.to_owned(),
            favicon: FAVICON.to_owned(),
            comments: false,
            feedback: false,
            trusted_origins: Vec::new(),
            contact_email: ContactEmail::default(),
            server_answers_forms: true,
        }
    }

    pub fn page_cache_control(&self) -> &'static str {
        if self.live_preview {
            "no-cache"
        } else {
            PAGE_CACHE
        }
    }

    fn asset_cache_control(&self) -> &'static str {
        if self.live_preview {
            "no-cache"
        } else {
            ASSET_CACHE
        }
    }
}

/// Every page of one generation that does not depend on the request, keyed by its path, with
/// the settings they were rendered with and the search index built from the same library.
///
/// Of the nouns for "what is served", this is the one handlers read. `Generation` pairs it
/// with the `Library` it was rendered from; `SiteSettings` is what it needs beyond the articles.
#[derive(Debug, Clone)]
pub struct Site {
    pages: HashMap<String, Page>,
    /// Article pages split around their discussion, by path (empty without `--comments`).
    discussion_pages: HashMap<String, SplitPage>,
    /// Kept for the pages rendered per request (the checker's), so they match the rest.
    pub settings: SiteSettings,
    /// The search index of this generation's articles, for `/search` and related articles.
    pub search: Arc<SearchIndex>,
}

/// A site being built: each page module's `prerender` adds its pages here.
pub struct Prerender<'s> {
    /// Copied out by page modules so their templates can borrow it while pages are added.
    pub settings: &'s SiteSettings,
    pages: HashMap<String, Page>,
    discussion_pages: HashMap<String, SplitPage>,
}

impl<'s> Prerender<'s> {
    fn new(settings: &'s SiteSettings) -> Self {
        Prerender {
            settings,
            pages: HashMap::new(),
            discussion_pages: HashMap::new(),
        }
    }

    /// Renders an HTML page at `path`, cached like every page.
    pub fn html(&mut self, path: &str, page: &impl Template) -> Result<(), RenderError> {
        let body = render(path, page)?;
        self.file(path, body, HTML);
        Ok(())
    }

    /// Adds an article page made by `SiteSettings::article_page`.
    pub fn article(&mut self, path: String, page: ServedArticle) {
        match page {
            ServedArticle::Split(split) => {
                self.discussion_pages.insert(path, split);
            }
            ServedArticle::Whole(page) => {
                self.pages.insert(path, page);
            }
        }
    }

    /// Any other file at `path` (a feed, robots.txt), cached like a page.
    pub fn file(&mut self, path: &str, body: impl Into<Bytes>, content_type: &'static str) {
        let page = Page::new(body, content_type, self.settings.page_cache_control());
        self.insert(path, page);
    }

    pub fn insert(&mut self, path: &str, page: Page) {
        self.pages.insert(path.to_owned(), page);
    }

    /// Every static file under its plain name (for links from outside) and its content-hashed
    /// name (what pages link, cached for a year).
    fn assets(&mut self, assets: &Assets) {
        let live_preview = self.settings.live_preview;
        for (name, asset) in assets.iter() {
            let plain = Page::new(
                asset.body.clone(),
                asset.content_type,
                self.settings.asset_cache_control(),
            );
            let hashed = Page {
                content: Arc::clone(&plain.content),
                cache_control: HeaderValue::from_static(if live_preview {
                    "no-cache"
                } else {
                    IMMUTABLE_CACHE
                }),
            };
            self.pages.insert(format!("/static/{name}"), plain);
            // A real file that happens to look like a hashed name keeps its own address.
            self.pages
                .entry(format!("/static/{}", asset.hashed_name))
                .or_insert(hashed);
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("could not render the {page} page: {source}")]
pub struct RenderError {
    page: String,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl RenderError {
    pub fn new(page: &str, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        RenderError {
            page: page.to_owned(),
            source: source.into(),
        }
    }
}

pub fn render(page: &str, template: &impl Template) -> Result<String, RenderError> {
    let mut body = template
        .render()
        .map_err(|source| RenderError::new(page, source))?;
    // The page is kept for the life of its generation, and askama sizes its buffer generously.
    body.shrink_to_fit();
    Ok(body)
}

/// The ids on the fixed pages that articles may link into (`/symptom-checker#...`), read from
/// the pages themselves so the link check follows every change to their templates.
pub fn page_anchors() -> Vec<PageAnchors> {
    let settings = SiteSettings::new(BaseUrl::for_address(([127, 0, 0, 1], 80).into()));
    [
        (CHECKER_PATH, pages::checker::empty_form(&settings).render()),
        (
            HOW_IT_WORKS_PATH,
            pages::how_it_works::page(&settings).render(),
        ),
    ]
    .into_iter()
    .filter_map(|(path, html)| {
        let html = html.ok()?;
        // Only the page's own content: the header's search box is on every page.
        let main = html
            .split_once("<main")
            .map_or(html.as_str(), |(_, main)| main);
        let ids = main
            .split(" id=\"")
            .skip(1)
            .filter_map(|rest| rest.split_once('"').map(|(id, _)| id.to_owned()))
            .collect();
        Some(PageAnchors {
            path: path.to_owned(),
            ids,
        })
    })
    .collect()
}

impl Site {
    pub fn build(
        library: &Library,
        assets: &Assets,
        mut settings: SiteSettings,
    ) -> Result<Site, RenderError> {
        // Pages link the hashed names, which browsers may keep for a year.
        if let Some(url) = assets.hashed_url("site.css") {
            settings.stylesheet = url;
        }
        if let Some(url) = assets.hashed_url("favicon.svg") {
            settings.favicon = url;
        }
        let mut site = Prerender::new(&settings);
        // The index is built beside the pages that do not need it; they fill the core the
        // index leaves idle while its parts are merged.
        let search = std::thread::scope(|scope| -> Result<SearchIndex, RenderError> {
            let indexing = scope.spawn(|| {
                let started = std::time::Instant::now();
                let search = SearchIndex::build(library);
                (search, started.elapsed())
            });
            pages::home::prerender(&mut site, library)?;
            pages::about::prerender(&mut site)?;
            pages::accessibility::prerender(&mut site)?;
            pages::topic::prerender(&mut site, library)?;
            pages::topics::prerender(&mut site, library)?;
            pages::tag::prerender(&mut site, library)?;
            pages::tags::prerender(&mut site, library)?;
            pages::a_z::prerender(&mut site, library)?;
            pages::search::prerender(&mut site)?;
            pages::checker::prerender(&mut site)?;
            pages::how_it_works::prerender(&mut site)?;
            pages::feed::prerender(&mut site, library)?;
            pages::sitemap::prerender(&mut site, library)?;
            let (search, elapsed) = indexing
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            let search = search.map_err(|source| RenderError::new("search index", source))?;
            tracing::info!(
                articles = library.len(),
                segments = search.segment_count(),
                elapsed_ms = elapsed.as_millis() as u64,
                "search index built"
            );
            Ok(search)
        })?;
        pages::article::prerender(&mut site, library, &search)?;
        site.insert(HEALTH_PATH, Page::new("ok\n", TEXT, NO_STORE));
        site.assets(assets);

        let Prerender {
            pages,
            discussion_pages,
            ..
        } = site;
        Ok(Site {
            pages,
            discussion_pages,
            settings,
            search: Arc::new(search),
        })
    }

    /// The page at exactly this path. Paths are compared as sent, so `%2e%2e` and `..` never match a file.
    pub fn page(&self, path: &str) -> Option<&Page> {
        self.pages.get(path)
    }

    /// Compresses every page that is worth it, stopping early once `keep_going` says this
    /// generation is no longer served. Returns how many pages were looked at.
    pub fn precompress(&self, keep_going: impl Fn() -> bool) -> usize {
        let mut done = 0;
        for page in self.pages.values() {
            if !keep_going() {
                break;
            }
            page.content.precompress();
            done += 1;
        }
        done
    }

    /// An article page to serve with its discussion, by path.
    pub fn discussion_page(&self, path: &str) -> Option<&SplitPage> {
        self.discussion_pages.get(path)
    }

    /// Every pre-rendered address and its page, in no particular order (for `backcare build`).
    pub fn pages(&self) -> impl Iterator<Item = (&str, &Page)> {
        self.pages.iter().map(|(path, page)| (path.as_str(), page))
    }

    /// How many addresses the site answers (pages, feeds, static files under both names).
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }
}
