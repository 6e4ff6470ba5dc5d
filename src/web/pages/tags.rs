//! `/tags`: every tag of a published article (and of drafts, in a `--drafts` preview), with
//! how many articles have it.

use askama::Template;

use super::layout::{Layout, SITE_NAME, TagLink};
use crate::content::Library;
use crate::web::paths::TAGS_PATH;
use crate::web::prerender::{Prerender, RenderError, SiteSettings};

pub struct TagCount<'a> {
    pub link: TagLink<'a>,
    pub count: usize,
}

#[derive(Template)]
#[template(path = "pages/tags.html")]
pub struct TagsPage<'a> {
    pub layout: Layout<'a>,
    pub tags: Vec<TagCount<'a>>,
}

impl<'a> TagsPage<'a> {
    pub fn new(library: &'a Library, settings: &'a SiteSettings) -> Self {
        let tags = library
            .tags()
            .into_iter()
            .filter_map(|tag| {
                // Drafts are in the library only when `--drafts` previews them: count them then.
                let count = library.tagged(tag).count();
                (count > 0).then(|| TagCount {
                    link: TagLink::new(tag),
                    count,
                })
            })
            .collect();
        TagsPage {
            layout: Layout::new(
                "Tags",
                &format!("Every tag used on {SITE_NAME} articles, with how many articles have it."),
                TAGS_PATH,
                settings,
            )
            .canonical(TAGS_PATH),
            tags,
        }
    }
}

pub fn prerender(site: &mut Prerender, library: &Library) -> Result<(), RenderError> {
    site.html(TAGS_PATH, &TagsPage::new(library, site.settings))
}
