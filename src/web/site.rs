//! The rendered site: every page that does not depend on the request, rendered once into bytes
//! (by `Site::build`, in `render_site`). A request for an article, topic or static file is a
//! single map lookup.
//!
//! What is served is a `Generation` (`state`): this `Site` and the `Library` it was
//! rendered from, swapped together. `SiteSettings` (`prerender`) is what a `Site` is rendered
//! with beyond the articles; `site_source::SiteSource` is where the content is read from plus
//! those settings, and `site_source::LoadedContent` one load of it.

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::page_frame::PageFrame;
use super::prerender::{Prerendered, SiteSettings};
use super::representation::Page;
use super::split_page::SplitPage;
use crate::search::SearchIndex;

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
    /// The frames of pages made per request (the checker's result), by path.
    frames: HashMap<&'static str, PageFrame>,
    /// Each article's item in a list of links made per request, by slug (looked up four times
    /// a result, so by a quicker hash than the pages': slugs are the authors', not a client's).
    article_items: FxHashMap<String, Box<str>>,
    /// Kept for the pages rendered per request (the checker's), so they match the rest.
    pub settings: SiteSettings,
    /// The search index of this generation's articles, for `/search` and related articles.
    pub search: Arc<SearchIndex>,
}

impl Site {
    /// What `render_site` made: the pages by path, the article pages split around their
    /// discussion and the frames of pages made per request, with the settings they were
    /// rendered with and the search index.
    pub(super) fn from_rendered(
        rendered: Prerendered,
        settings: SiteSettings,
        search: Arc<SearchIndex>,
    ) -> Site {
        let Prerendered {
            pages,
            discussion_pages,
            frames,
            article_items,
        } = rendered;
        Site {
            pages,
            discussion_pages,
            frames,
            article_items,
            settings,
            search,
        }
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

    /// The frame of the page made per request at `path`, as its page module's `prerender` made it.
    pub fn frame(&self, path: &str) -> Option<&PageFrame> {
        self.frames.get(path)
    }

    /// The article `slug` as an item in a list of links (the checker's "Read more"), rendered
    /// once per generation: a result lists up to four on every request.
    pub fn article_item(&self, slug: &str) -> Option<&str> {
        self.article_items.get(slug).map(|item| &**item)
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
