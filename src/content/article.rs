//! One checked, rendered article: what the loader makes of an `articles/*.md` file, and what
//! the checks (`duplicates`, `link_targets`, `lint`) and the pages read.

use std::path::PathBuf;

use super::front_matter::FrontMatter;
use super::images::ImageCopy;
use super::links::{ExternalLink, InternalLink, SiteLink};
use super::markdown::TocEntry;
use super::problem::LineProblem;
use super::prose::ProseBlock;
use crate::vocabulary::Slug;

/// A checked, rendered article.
#[derive(Debug, Clone)]
pub struct Article {
    pub slug: Slug,
    pub path: PathBuf,
    pub front: FrontMatter,
    /// Sanitised HTML of the body.
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
    /// Paragraphs and list items as plain text, for the reading-level check.
    pub prose: Vec<ProseBlock>,
    /// Links to other articles: the loader checks each resolves, the "no internal link" warning counts them.
    pub internal_links: Vec<InternalLink>,
    /// Links to topics, tags, static files and fixed pages, checked by the loader.
    pub site_links: Vec<SiteLink>,
    /// Links to other sites, and to this one by its full address (checked against `--base-url`).
    pub external_links: Vec<ExternalLink>,
    /// What the page will not show of what the author wrote (raw HTML the sanitiser removes).
    pub render_warnings: Vec<LineProblem>,
    /// Each `red_flags` list shown whole: `(line, column, list name, signs)`; only the page that
    /// keeps every sign should show them (see `lint::editorial`).
    pub whole_sign_lists: Vec<(usize, usize, String, usize)>,
    /// The file line the Markdown body starts on.
    pub body_line: usize,
    /// The ids of its headings, for `#section` links (`has_section`, and the loader's hint).
    pub(super) heading_ids: Vec<String>,
    /// The smaller copies of its large images, which its `srcset`s name, for the site to serve.
    pub image_copies: Vec<ImageCopy>,
}

impl Article {
    /// Minutes to read at a relaxed 200 words a minute, never less than one.
    pub fn reading_minutes(&self) -> usize {
        self.word_count.div_ceil(200).max(1)
    }

    pub fn has_section(&self, id: &str) -> bool {
        self.heading_ids.iter().any(|known| known == id)
    }
}
