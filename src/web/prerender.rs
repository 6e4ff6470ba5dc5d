//! What every page module renders with: the `SiteSettings` of a generation, the `Prerender`
//! pages are added to, and the `RenderError` they may fail with. A leaf of `web`: it knows no page.

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use actix_web::http::header::HeaderValue;
use askama::Template;
use bytes::Bytes;

use super::assets::{Assets, content_type};
use super::base_url::BaseUrl;
use super::contact_email::ContactEmail;
use super::page_frame::PageFrame;
use super::paths::{FAVICON, STYLESHEET};
use super::representation::{ASSET_CACHE, HTML, IMMUTABLE_CACHE, PAGE_CACHE, Page};
use super::split_page::SplitPage;
use crate::content::Library;
use crate::content::author_problems::AuthorProblems;

/// The site's name, in every page's title and in the structured data search engines read.
pub const SITE_NAME: &str = "backcare";

/// What one generation of the site needs to know beyond its content.
#[derive(Debug, Clone)]
pub struct SiteSettings {
    /// Where the site is published, for canonical links, the feed and the sitemap.
    pub base_url: BaseUrl,
    /// `serve --watch`: pages change whenever the author saves, so browsers must always revalidate.
    pub live_preview: bool,
    /// What is wrong with the author's latest edit and what is served instead, shown in a banner
    /// on every page (`serve --watch`). Empty when the latest edit loaded cleanly.
    pub author_problems: AuthorProblems,
    /// Where pages link the stylesheet and the icon: their content-hashed addresses once the
    /// static files are known (set by `Site::build`), so browsers may cache them forever.
    pub stylesheet: String,
    pub favicon: String,
    /// `--comments moderated`: article pages are split around their discussion
    /// (`web::discussion_http`).
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
    /// The header's navigation, from the registry of fixed pages (set by `Site::build`).
    pub nav: &'static [NavLink],
}

/// A rendered article page, ready to serve.
pub enum ServedArticle {
    /// With `--comments`: in two halves for the discussion to go between (`web::discussion_http`).
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
            nav: &[],
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

/// A site being built: each page module's `prerender` adds its pages here.
pub struct Prerender<'s> {
    /// Copied out by page modules so their templates can borrow it while pages are added.
    pub settings: &'s SiteSettings,
    /// Every fixed page, for the pages that list them (the sitemap).
    pub fixed_pages: &'static [FixedPage],
    pages: HashMap<String, Page>,
    discussion_pages: HashMap<String, SplitPage>,
    frames: HashMap<&'static str, PageFrame>,
    article_items: FxHashMap<String, Box<str>>,
}

/// What a generation's pre-rendering made.
pub struct Prerendered {
    pub pages: HashMap<String, Page>,
    /// Article pages split around their discussion, by path (empty without `--comments`).
    pub discussion_pages: HashMap<String, SplitPage>,
    /// The frames of pages made per request, by the path that answers them.
    pub frames: HashMap<&'static str, PageFrame>,
    /// Each article's item in a list of links made per request (the checker's "Read more"),
    /// by slug.
    pub article_items: FxHashMap<String, Box<str>>,
}

impl<'s> Prerender<'s> {
    pub fn new(settings: &'s SiteSettings, fixed_pages: &'static [FixedPage]) -> Self {
        Prerender {
            settings,
            fixed_pages,
            pages: HashMap::new(),
            discussion_pages: HashMap::new(),
            frames: HashMap::new(),
            article_items: FxHashMap::default(),
        }
    }

    /// Keeps the frame of the page made per request at `path`: `page` is rendered with
    /// `page_frame::TITLE_MARKER` as its title and `CONTENT_MARKER` as its content.
    pub fn frame(&mut self, path: &'static str, page: &impl Template) -> Result<(), RenderError> {
        let html = render(path, page)?;
        let frame = PageFrame::split(&html)
            .ok_or_else(|| RenderError::new(path, "its frame lacks the title or content marker"))?;
        self.frames.insert(path, frame);
        Ok(())
    }

    /// Keeps the article `slug`'s item for lists of links made per request: `item` rendered.
    pub fn article_item(&mut self, slug: &str, item: &impl Template) -> Result<(), RenderError> {
        let html = render(slug, item)?;
        self.article_items
            .insert(slug.to_owned(), html.into_boxed_str());
        Ok(())
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

    /// The text of the page made at `path`, if one was.
    pub fn page_text(&self, path: &str) -> Option<String> {
        let page = self.pages.get(path)?;
        Some(String::from_utf8_lossy(page.body()).into_owned())
    }

    pub fn finish(self) -> Prerendered {
        Prerendered {
            pages: self.pages,
            discussion_pages: self.discussion_pages,
            frames: self.frames,
            article_items: self.article_items,
        }
    }

    /// Every static file under its plain name (for links from outside) and its content-hashed
    /// name (what pages link, cached for a year).
    pub fn assets(&mut self, assets: &Assets) {
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

    /// The smaller copies of the articles' large images, which their `srcset`s name. Their names
    /// hold a hash of their contents, so browsers may keep them for a year. Call after `assets`:
    /// a real static file of the same name keeps its address.
    pub fn image_copies(&mut self, library: &Library) {
        let cache_control = if self.settings.live_preview {
            "no-cache"
        } else {
            IMMUTABLE_CACHE
        };
        for copy in library
            .articles()
            .iter()
            .flat_map(|article| &article.image_copies)
        {
            self.pages
                .entry(format!("/static/{}", copy.name))
                .or_insert_with(|| {
                    Page::new(copy.body.clone(), content_type(&copy.name), cache_control)
                });
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

/// A link in the header's navigation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavLink {
    pub href: String,
    pub label: &'static str,
}

/// How a fixed page's body is made, once per generation: it adds the page at its path.
pub type PrerenderFn = fn(&mut Prerender, &Library) -> Result<(), RenderError>;

/// Builds a page's own actix resource at its path: the handlers it has besides the pre-rendered body.
pub type HandlersFn = fn(&'static str) -> actix_web::Resource;

/// How a fixed page is served.
#[derive(Clone, Copy)]
pub enum Served {
    /// Rendered once per generation; GET and HEAD are answered with it.
    Prerendered(PrerenderFn),
    /// Rendered once for GET and HEAD, with its own handlers for other methods (the checker's POST).
    PrerenderedAndHandled(PrerenderFn, HandlersFn),
    /// Made for each request by its own handlers (search).
    Handled(HandlersFn),
    /// By the reader discussion's routes, which exist with `--comments moderated` only.
    ByDiscussion,
}

/// Whether a fixed page is in the sitemap, and what its `lastmod` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sitemap {
    /// Not for search engines: a feed, a form's target, a page for moderators.
    Left,
    /// Listed; it changes with the code, not the articles, so it has no honest `lastmod`.
    Listed,
    /// Listed with the latest review date of the articles, which it lists.
    ListedWithArticles,
}

/// A page at an address of its own, not made from an article, topic or tag: one line of the
/// registry (`pages::FIXED_PAGES`) that the router, the sitemap, the link check and the nav read.
#[derive(Clone, Copy)]
pub struct FixedPage {
    pub path: &'static str,
    pub served: Served,
    pub sitemap: Sitemap,
    /// Its label in the header's navigation, if it is there.
    pub nav_label: Option<&'static str>,
    /// For a page made per request: the copy `backcare build` writes for a static host, where
    /// no handler runs (the search page before any search).
    pub static_copy: Option<PrerenderFn>,
}

impl FixedPage {
    pub const fn new(path: &'static str, served: Served) -> Self {
        FixedPage {
            path,
            served,
            sitemap: Sitemap::Left,
            nav_label: None,
            static_copy: None,
        }
    }

    pub const fn in_sitemap(self, sitemap: Sitemap) -> Self {
        FixedPage { sitemap, ..self }
    }

    pub const fn in_nav(self, label: &'static str) -> Self {
        FixedPage {
            nav_label: Some(label),
            ..self
        }
    }

    pub const fn for_static_host(self, copy: PrerenderFn) -> Self {
        FixedPage {
            static_copy: Some(copy),
            ..self
        }
    }

    pub fn prerender(&self) -> Option<PrerenderFn> {
        match self.served {
            Served::Prerendered(prerender) | Served::PrerenderedAndHandled(prerender, _) => {
                Some(prerender)
            }
            Served::Handled(_) | Served::ByDiscussion => None,
        }
    }

    pub fn handlers(&self) -> Option<HandlersFn> {
        match self.served {
            Served::Handled(handlers) | Served::PrerenderedAndHandled(_, handlers) => {
                Some(handlers)
            }
            Served::Prerendered(_) | Served::ByDiscussion => None,
        }
    }
}
