//! The rendered site: every page that does not depend on the request, rendered once into bytes.
//! A request for an article, topic or static file is a single map lookup.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use askama::Template;
use bytes::Bytes;

use super::assets::Assets;
use super::checker::{self, FormPage, HowItWorksPage};
use super::pages::{ArticlePage, ErrorPage, HomePage, Layout, TopicPage, TopicView};
use crate::content::{Category, Library};
use crate::triage::{RawAnswers, vignette_report};

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
    pub bad_request: Page,
    pub payload_too_large: Page,
    pub unsupported_media_type: Page,
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
            has_checker: true,
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

        let form = FormPage::new(&RawAnswers::default(), &[]);
        // The empty form is the same for everyone, so it is cached like any page.
        pages.insert(
            checker::PATH.to_owned(),
            Page::html(render("symptom checker", &form)?),
        );
        let how = HowItWorksPage::new(vignette_report());
        pages.insert(
            checker::HOW_IT_WORKS_PATH.to_owned(),
            Page::html(render("how it works", &how)?),
        );

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

        let error_page = |heading: &str, message: &str| -> Result<Page, RenderError> {
            let page = ErrorPage::new(heading, message, STYLESHEET);
            Ok(Page::new(render(heading, &page)?, HTML, "no-store"))
        };
        Ok(Site {
            pages,
            not_found: error_page(
                "Page not found",
                "We could not find that page. If you typed the address, check it is right. If you followed a link, the page may have moved.",
            )?,
            server_error: error_page(
                "Sorry, something went wrong",
                "This is a problem on our side, not something you did. Please try again in a few minutes.",
            )?,
            method_not_allowed: error_page(
                "This page cannot be used that way",
                "This address does not accept that kind of request. Follow a link to the page, or use the form on the page instead.",
            )?,
            bad_request: error_page(
                "We could not read your answers",
                "Your browser sent something we could not read. Go back to the symptom checker and send the form again.",
            )?,
            payload_too_large: error_page(
                "Too much information was sent",
                "The form sent more than 16 KB, which is far more than the symptom checker needs. Go back to the symptom checker and send the form again.",
            )?,
            unsupported_media_type: error_page(
                "Send your answers with the form",
                "The symptom checker only accepts answers sent by its own web form. Go back to the symptom checker and use the form.",
            )?,
            article_count: library.len(),
        })
    }

    /// The page at exactly this path. Paths are compared as sent, so `%2e%2e` and `..` never match a file.
    pub fn page(&self, path: &str) -> Option<&Page> {
        self.pages.get(path)
    }
}
