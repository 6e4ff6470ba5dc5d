//! The rendered site: every page that does not depend on the request, rendered once into bytes.
//! A request for an article, topic or static file is a single map lookup.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use actix_web::http::header::HeaderValue;
use askama::Template;
use bytes::Bytes;

use super::about::{ABOUT_PATH, ACCESSIBILITY_PATH, AboutPage, AccessibilityPage, ContactEmail};
use super::assets::{Assets, stable_hash};
use super::base_url::BaseUrl;
use super::checker::{self, FormPage, HowItWorksPage};
use super::compression::{self, Encoding};
use super::discussion::page::SplitPage;
use super::indexes::{self, AToZPage, OpenSearchDescription, TOPICS_PATH, TagsPage, TopicsPage};
use super::pages::{
    ArticleLink, ArticlePage, ErrorPage, FEATURED_ARTICLE, HomePage, Layout, TagPage, TopicPage,
    TopicView,
};
use super::structured_data::JsonLd;
use super::syndication;
use crate::content::{Article, Category, Library, PageAnchors};
use crate::search::SearchIndex;
use crate::triage::{RawAnswers, vignette_report};

pub const HTML: &str = "text/html; charset=utf-8";
pub const ATOM: &str = "application/atom+xml; charset=utf-8";
pub const XML: &str = "application/xml; charset=utf-8";
pub const TEXT: &str = "text/plain; charset=utf-8";
pub const STYLESHEET: &str = "/static/site.css";
pub const FAVICON: &str = "/static/favicon.svg";
pub const HEALTH_PATH: &str = "/healthz";
pub const FEED_PATH: &str = "/feed.xml";
pub const SITEMAP_PATH: &str = "/sitemap.xml";
pub const ROBOTS_PATH: &str = "/robots.txt";

/// The address of a tag's page; tags are checked to be slugs, so they need no escaping.
pub fn tag_path(tag: &str) -> String {
    format!("/tags/{tag}")
}

pub fn article_path(slug: &str) -> String {
    format!("/articles/{slug}")
}

pub fn topic_path(category: Category) -> String {
    format!("/topics/{}", category.slug())
}

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
    /// Where readers report a mistake (`--contact-email`), shown on `/about` and `/accessibility`.
    pub contact_email: ContactEmail,
}

/// HTML and feeds: fresh for five minutes, then revalidated with the ETag (content changes only on
/// redeploy, and a reader should see a corrected page soon after).
pub const PAGE_CACHE: &str = "public, max-age=300, must-revalidate";
/// Static files under their plain names, for links from outside the site: short, like pages.
pub const ASSET_CACHE: &str = "public, max-age=3600, must-revalidate";
/// Static files under their content-hashed names: the bytes at that address never change.
pub const IMMUTABLE_CACHE: &str = "public, max-age=31536000, immutable";
/// Errors, the checker's answers (health data) and the health check: never stored.
pub const NO_STORE: &str = "no-store";

impl SiteSettings {
    pub fn new(base_url: BaseUrl) -> Self {
        SiteSettings {
            base_url,
            live_preview: false,
            author_problems: Default::default(),
            stylesheet: STYLESHEET.to_owned(),
            favicon: FAVICON.to_owned(),
            comments: false,
            contact_email: ContactEmail::default(),
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

/// One encoding of a page's body with its strong validator.
#[derive(Debug, Clone)]
pub struct Variant {
    pub body: Bytes,
    /// Quoted as HTTP wants it; each encoding has its own (`"…-gzip"`, `"…-br"`).
    pub etag: HeaderValue,
}

/// A page's bytes in every encoding worth keeping: the identity body always, and gzip and brotli
/// once the page has been precompressed, each only if it is smaller than the identity body.
#[derive(Debug)]
pub struct Representation {
    pub identity: Variant,
    pub content_type: HeaderValue,
    /// Whether the page may be sent compressed, so responses say `Vary: Accept-Encoding`.
    pub compressible: bool,
    compressed: OnceLock<Compressed>,
}

#[derive(Debug, Default)]
struct Compressed {
    gzip: Option<Variant>,
    brotli: Option<Variant>,
}

/// Bodies smaller than this are sent as they are: the encoding's framing would eat the saving.
const MIN_COMPRESSIBLE_BYTES: usize = 256;

impl Representation {
    pub(crate) fn new(body: Bytes, content_type: &'static str) -> Representation {
        let etag = format!("\"{:016x}-{:x}\"", stable_hash(&body), body.len());
        Representation {
            compressible: body.len() >= MIN_COMPRESSIBLE_BYTES
                && compression::is_compressible(content_type),
            identity: Variant {
                etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\"")),
                body,
            },
            content_type: HeaderValue::from_static(content_type),
            compressed: OnceLock::new(),
        }
    }

    /// Makes the gzip and brotli bodies, once; later calls (and concurrent ones) reuse them.
    pub fn precompress(&self) {
        self.compressed.get_or_init(|| {
            if !self.compressible {
                return Compressed::default();
            }
            let variant = |encoding: Encoding, body: Vec<u8>| {
                (body.len() < self.identity.body.len()).then(|| {
                    let etag = self.identity.etag.to_str().unwrap_or("\"0\"");
                    let etag =
                        format!("{}{}\"", etag.trim_end_matches('"'), encoding.etag_suffix());
                    Variant {
                        body: Bytes::from(body),
                        etag: HeaderValue::from_str(&etag)
                            .unwrap_or(HeaderValue::from_static("\"0\"")),
                    }
                })
            };
            let body = &self.identity.body;
            Compressed {
                gzip: variant(Encoding::Gzip, compression::gzip(body)),
                brotli: variant(Encoding::Brotli, compression::brotli(body)),
            }
        });
    }

    /// The body to send for `accept_encoding`, and which encoding it is in. Before the page has been
    /// precompressed, that is always the identity body.
    pub fn negotiate(&self, accept_encoding: Option<&HeaderValue>) -> (Encoding, &Variant) {
        let Some(compressed) = self.compressed.get() else {
            return (Encoding::Identity, &self.identity);
        };
        let encoding = compression::negotiate(
            accept_encoding,
            compressed.gzip.is_some(),
            compressed.brotli.is_some(),
        );
        let variant = match encoding {
            Encoding::Gzip => compressed.gzip.as_ref(),
            Encoding::Brotli => compressed.brotli.as_ref(),
            Encoding::Identity => None,
        };
        variant.map_or((Encoding::Identity, &self.identity), |variant| {
            (encoding, variant)
        })
    }
}

/// A finished response with what a cache needs to know about it. The same bytes can be served
/// under two addresses with different cache rules (a static file's plain and hashed names), so the
/// bytes are shared.
#[derive(Debug, Clone)]
pub struct Page {
    pub content: Arc<Representation>,
    pub cache_control: HeaderValue,
}

impl Page {
    fn new(
        body: impl Into<Bytes>,
        content_type: &'static str,
        cache_control: &'static str,
    ) -> Page {
        Page {
            content: Arc::new(Representation::new(body.into(), content_type)),
            cache_control: HeaderValue::from_static(cache_control),
        }
    }

    /// The uncompressed bytes.
    pub fn body(&self) -> &Bytes {
        &self.content.identity.body
    }

    pub fn etag(&self) -> &HeaderValue {
        &self.content.identity.etag
    }
}

/// Every pre-rendered page keyed by its request path, plus the error pages.
#[derive(Debug, Clone)]
pub struct Site {
    pages: HashMap<String, Page>,
    pub not_found: Page,
    pub server_error: Page,
    pub method_not_allowed: Page,
    pub bad_request: Page,
    pub payload_too_large: Page,
    pub unsupported_media_type: Page,
    pub request_timeout: Page,
    pub too_many_requests: Page,
    /// Article pages split around their discussion, by path (empty without `--comments`).
    discussion_pages: HashMap<String, SplitPage>,
    /// Kept for the pages rendered per request (the checker's), so they match the rest.
    pub settings: SiteSettings,
    /// The search index of this generation's articles, for `/search` and related articles.
    pub search: Arc<SearchIndex>,
}

#[derive(Debug, thiserror::Error)]
#[error("could not render the {page} page: {source}")]
pub struct RenderError {
    page: String,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl RenderError {
    fn new(page: &str, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        RenderError {
            page: page.to_owned(),
            source: source.into(),
        }
    }
}

fn render(page: &str, template: &impl Template) -> Result<String, RenderError> {
    template
        .render()
        .map_err(|source| RenderError::new(page, source))
}

/// How many related articles each article page shows.
const RELATED_ARTICLES: usize = 3;

/// The articles most like `article`, as the search index judges them; when it finds too few (a
/// tiny library), the library's own tag-and-topic choice fills the rest.
fn related_articles<'a>(
    library: &'a Library,
    search: &SearchIndex,
    article: &Article,
) -> Result<Vec<&'a Article>, RenderError> {
    let mut related: Vec<&Article> = search
        .related(article, RELATED_ARTICLES)
        .map_err(|source| RenderError::new(&article_path(&article.slug), source))?
        .iter()
        .filter_map(|slug| library.get(slug))
        .collect();
    // The fallback scans the whole library: only worth it when the index found too few, or every
    // page would pay for a scan of every article.
    if related.len() >= RELATED_ARTICLES {
        return Ok(related);
    }
    for other in library.related(article, RELATED_ARTICLES) {
        if related.len() >= RELATED_ARTICLES {
            break;
        }
        if !related.iter().any(|chosen| chosen.slug == other.slug) {
            related.push(other);
        }
    }
    Ok(related)
}

/// `work` on every item, spread over the cores in contiguous chunks, results in the items' order.
/// Scoped threads rather than a thread-pool crate: one call site, and no new dependency to build.
fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&T) -> Result<R, RenderError> + Sync,
) -> Result<Vec<R>, RenderError> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&work).collect::<Result<Vec<R>, _>>()))
            .collect();
        let mut results = Vec::with_capacity(items.len());
        for worker in workers {
            match worker.join() {
                Ok(part) => results.extend(part?),
                // A panic in a worker is a bug: carry it on rather than hide it.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok(results)
    })
}

/// The ids on the fixed pages that articles may link into (`/symptom-checker#...`), read from
/// the pages themselves so the link check follows every change to their templates.
pub fn page_anchors() -> Vec<PageAnchors> {
    let settings = SiteSettings::new(BaseUrl::for_address(([127, 0, 0, 1], 80).into()));
    let form = FormPage::new(&RawAnswers::default(), &[], &settings);
    let how = HowItWorksPage::new(vignette_report(), &settings);
    [
        (checker::PATH, form.render()),
        (checker::HOW_IT_WORKS_PATH, how.render()),
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
        let mut pages = HashMap::new();
        let mut discussion_pages = HashMap::new();
        let page_cache = settings.page_cache_control();
        let html = |body: String| Page::new(body, HTML, page_cache);
        let indexing = std::time::Instant::now();
        let search = SearchIndex::build(library)
            .map_err(|source| RenderError::new("search index", source))?;
        tracing::info!(
            articles = library.len(),
            elapsed_ms = indexing.elapsed().as_millis() as u64,
            "search index built"
        );

        let home = HomePage {
            layout: Layout::new(
                "Back cramps and back pain, explained",
                "Plain, sourced information on the causes of back cramps and back pain, how to prevent them, how to get relief and when to get help.",
                "/",
                &settings,
            )
            .canonical("/"),
            featured: library.get(FEATURED_ARTICLE).map(ArticleLink::from),
            emergency_box: super::pages::emergency_box(),
            topics: Category::ALL
                .iter()
                .map(|&c| TopicView::new(library, c))
                .collect(),
            has_checker: true,
            structured_data: JsonLd::web_site(&settings.base_url),
        };
        pages.insert("/".to_owned(), html(render("home", &home)?));

        pages.insert(
            ABOUT_PATH.to_owned(),
            html(render("about", &AboutPage::new(&settings))?),
        );
        pages.insert(
            ACCESSIBILITY_PATH.to_owned(),
            html(render("accessibility", &AccessibilityPage::new(&settings))?),
        );

        for category in Category::ALL {
            let path = topic_path(category);
            let topic = TopicPage {
                layout: Layout::new(category.title(), category.intro(), &path, &settings)
                    .canonical(&path),
                topic: TopicView::new(library, category),
            };
            pages.insert(path.clone(), html(render(&path, &topic)?));
        }

        let topics = TopicsPage::new(library, &settings);
        pages.insert(TOPICS_PATH.to_owned(), html(render(TOPICS_PATH, &topics)?));

        // Choosing related articles (a query each) and rendering are most of the start-up at
        // thousands of articles, and each page is independent of the others: spread them over
        // the cores. The pages come back in library order, so the result is the same every time.
        let render_article = |article: &Article| -> Result<(String, String), RenderError> {
            let path = article_path(&article.slug);
            let related = related_articles(library, &search, article)?;
            let page = ArticlePage::new(library, article, related, &settings);
            let body = render(&path, &page)?;
            Ok((path, body))
        };
        let article_pages = in_parallel(library.articles(), render_article)?;
        for (path, body) in article_pages {
            // With comments the page is served in two halves with the discussion between them.
            if let Some(split) = settings.comments.then(|| SplitPage::split(&body)).flatten() {
                discussion_pages.insert(path, split);
                continue;
            }
            pages.insert(path.clone(), html(body));
        }

        for tag in library.tags() {
            let path = tag_path(tag);
            let page = TagPage::new(library, tag, &settings);
            pages.insert(path.clone(), html(render(&path, &page)?));
        }

        let a_to_z = AToZPage::new(library, &settings);
        pages.insert(
            indexes::A_TO_Z_PATH.to_owned(),
            html(render("A to Z", &a_to_z)?),
        );
        let tags = TagsPage::new(library, &settings);
        pages.insert(indexes::TAGS_PATH.to_owned(), html(render("tags", &tags)?));
        let opensearch = OpenSearchDescription::new(&settings);
        pages.insert(
            indexes::OPENSEARCH_PATH.to_owned(),
            Page::new(
                render("OpenSearch", &opensearch)?,
                indexes::OPENSEARCH,
                page_cache,
            ),
        );

        let form = FormPage::new(&RawAnswers::default(), &[], &settings);
        // The empty form is the same for everyone, so it is cached like any page.
        pages.insert(
            checker::PATH.to_owned(),
            html(render("symptom checker", &form)?),
        );
        let how = HowItWorksPage::new(vignette_report(), &settings);
        pages.insert(
            checker::HOW_IT_WORKS_PATH.to_owned(),
            html(render("how it works", &how)?),
        );

        // Feeds and sitemaps are for readers and crawlers of the published site, so drafts
        // stay out of them even when `--drafts` shows drafts on the pages.
        let published: Vec<_> = library
            .articles()
            .iter()
            .filter(|article| !article.front.draft)
            .collect();
        let feed = syndication::atom_feed(&published, &settings.base_url)
            .map_err(|source| RenderError::new(FEED_PATH, source))?;
        pages.insert(FEED_PATH.to_owned(), Page::new(feed, ATOM, page_cache));
        let sitemap = syndication::sitemap(&published, &settings.base_url)
            .map_err(|source| RenderError::new(SITEMAP_PATH, source))?;
        pages.insert(SITEMAP_PATH.to_owned(), Page::new(sitemap, XML, page_cache));
        pages.insert(
            ROBOTS_PATH.to_owned(),
            Page::new(
                syndication::robots_txt(&settings.base_url),
                TEXT,
                page_cache,
            ),
        );

        pages.insert(HEALTH_PATH.to_owned(), Page::new("ok\n", TEXT, NO_STORE));

        for (name, asset) in assets.iter() {
            let plain = Page::new(
                asset.body.clone(),
                asset.content_type,
                settings.asset_cache_control(),
            );
            let hashed = Page {
                content: Arc::clone(&plain.content),
                cache_control: HeaderValue::from_static(if settings.live_preview {
                    "no-cache"
                } else {
                    IMMUTABLE_CACHE
                }),
            };
            pages.insert(format!("/static/{name}"), plain);
            // A real file that happens to look like a hashed name keeps its own address.
            pages
                .entry(format!("/static/{}", asset.hashed_name))
                .or_insert(hashed);
        }

        let error_page = |heading: &str, message: &str| -> Result<Page, RenderError> {
            let page = ErrorPage::new(heading, message, &settings);
            Ok(Page::new(render(heading, &page)?, HTML, NO_STORE))
        };
        let not_found = error_page(
            "Page not found",
            "We could not find that page. If you typed the address, check it is right. If you followed a link, the page may have moved.",
        )?;
        let server_error = error_page(
            "Sorry, something went wrong",
            "This is a problem on our side, not something you did. Please try again in a few minutes.",
        )?;
        let method_not_allowed = error_page(
            "This page cannot be used that way",
            "This address does not accept that kind of request. Follow a link to the page, or use the form on the page instead.",
        )?;
        let bad_request = error_page(
            "We could not read your answers",
            "Your browser sent something we could not read. Go back to the symptom checker and send the form again.",
        )?;
        let payload_too_large = error_page(
            "Too much information was sent",
            "The form sent more than 16 KB, which is far more than the symptom checker needs. Go back to the symptom checker and send the form again.",
        )?;
        let unsupported_media_type = error_page(
            "Send your answers with the form",
            "The symptom checker only accepts answers sent by its own web form. Go back to the symptom checker and use the form.",
        )?;
        let request_timeout = error_page(
            "The answers took too long to arrive",
            "Your connection may be slow or may have dropped. Go back to the symptom checker and send the form again.",
        )?;
        let too_many_requests = error_page(
            "Please wait a moment before trying again",
            "The symptom checker has had a lot of answers from your connection in the last few minutes. Wait a minute, then go back to the symptom checker and send the form again. If you are worried about your symptoms now, call 111, or 999 in an emergency.",
        )?;
        Ok(Site {
            pages,
            not_found,
            server_error,
            method_not_allowed,
            bad_request,
            payload_too_large,
            unsupported_media_type,
            request_timeout,
            too_many_requests,
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
