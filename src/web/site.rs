//! The rendered site: every page that does not depend on the request, rendered once into bytes.
//! A request for an article, topic or static file is a single map lookup.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use askama::Template;
use bytes::Bytes;

use super::assets::Assets;
use super::pages::{ArticlePage, ErrorPage, HomePage, Layout, TopicPage, TopicView};
use crate::content::{Category, Library};

pub const HTML: &str = "text/html; charset=utf-8";
pub const STYLESHEET: &str = "/static/site.css";

/// A finished response body with what a cache needs to know about it.
#[derive(Debug, Clone)]
pub struct Page {
    pub body: Bytes,
    pub content_type: &'static str,
    /// Strong validator derived from the bytes, quoted as HTTP wants it.
    pub etag: String,
    pub cache_control: &'static str,
}

impl Page {
    fn new(
        body: impl Into<Bytes>,
        content_type: &'static str,
        cache_control: &'static str,
    ) -> Page {
        let body = body.into();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        body.hash(&mut hasher);
        Page {
            etag: format!("\"{:016x}-{:x}\"", hasher.finish(), body.len()),
            body,
            content_type,
            cache_control,
        }
    }

    fn html(body: String) -> Page {
        // Short freshness, then revalidate with the ETag: content changes only on redeploy or reload.
        Page::new(body, HTML, "public, max-age=300")
    }
}

/// Every pre-rendered page keyed by its request path, plus the error pages.
#[derive(Debug, Clone)]
pub struct Site {
    pages: HashMap<String, Page>,
    pub not_found: Page,
    pub server_error: Page,
    pub method_not_allowed: Page,
    pub article_count: usize,
}

#[derive(Debug, thiserror::Error)]
#[error("could not render the {page} page: {source}")]
pub struct RenderError {
    page: String,
    source: askama::Error,
}

fn render(page: &str, template: &impl Template) -> Result<String, RenderError> {
    template.render().map_err(|source| RenderError {
        page: page.to_owned(),
        source,
    })
}

impl Site {
    pub fn build(library: &Library, assets: &Assets) -> Result<Site, RenderError> {
        let mut pages = HashMap::new();

        let home = HomePage {
            layout: Layout::new(
                "Back cramps and back pain, explained",
                "Plain, sourced information on the causes of back cramps and back pain, how to prevent them, how to get relief and when to get help.",
                "/",
                STYLESHEET,
            ),
            topics: Category::ALL
                .iter()
                .map(|&c| TopicView::new(library, c))
                .collect(),
            has_checker: false,
        };
        pages.insert("/".to_owned(), Page::html(render("home", &home)?));

        for category in Category::ALL {
            let topic = TopicPage {
                layout: Layout::new(
                    category.title(),
                    category.intro(),
                    &format!("/topics/{}", category.slug()),
                    STYLESHEET,
                ),
                topic: TopicView::new(library, category),
            };
            let path = format!("/topics/{}", category.slug());
            pages.insert(path.clone(), Page::html(render(&path, &topic)?));
        }

        for article in library.articles() {
            let path = format!("/articles/{}", article.slug);
            let page = ArticlePage::new(library, article, STYLESHEET);
            pages.insert(path.clone(), Page::html(render(&path, &page)?));
        }

        for (name, asset) in assets.iter() {
            pages.insert(
                format!("/static/{name}"),
                Page::new(
                    asset.body.clone(),
                    asset.content_type,
                    "public, max-age=3600",
                ),
            );
        }

        let error_page = |name: &str, page: ErrorPage| -> Result<Page, RenderError> {
            Ok(Page::new(render(name, &page)?, HTML, "no-store"))
        };
        Ok(Site {
            pages,
            not_found: error_page("404", ErrorPage::not_found(STYLESHEET))?,
            server_error: error_page("500", ErrorPage::server_error(STYLESHEET))?,
            method_not_allowed: error_page("405", ErrorPage::method_not_allowed(STYLESHEET))?,
            article_count: library.len(),
        })
    }

    /// The page at exactly this path. Paths are compared as sent, so `%2e%2e` and `..` never match a file.
    pub fn page(&self, path: &str) -> Option<&Page> {
        self.pages.get(path)
    }
}
