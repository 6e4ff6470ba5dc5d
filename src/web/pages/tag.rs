//! `/tags/<tag>`: every article with one tag.

use askama::Template;

use super::layout::{ArticleLink, Layout, SITE_NAME};
use crate::content::Library;
use crate::web::paths::tag_path;
use crate::web::prerender::{Prerender, RenderError, SiteSettings};

#[derive(Template)]
#[template(path = "pages/tag.html")]
pub struct TagPage<'a> {
    pub layout: Layout<'a>,
    pub tag: &'a str,
    pub articles: Vec<ArticleLink<'a>>,
}

impl<'a> TagPage<'a> {
    pub fn new(library: &'a Library, tag: &'a str, settings: &'a SiteSettings) -> Self {
        let path = tag_path(tag);
        TagPage {
            layout: Layout::new(
                &format!("Articles tagged {tag}"),
                &format!("Every {SITE_NAME} article tagged \"{tag}\"."),
                "",
                settings,
            )
            .canonical(&path),
            tag,
            articles: library.tagged(tag).map(ArticleLink::from).collect(),
        }
    }
}

pub fn prerender(site: &mut Prerender, library: &Library) -> Result<(), RenderError> {
    let settings = site.settings;
    for tag in library.tags() {
        site.html(&tag_path(tag), &TagPage::new(library, tag, settings))?;
    }
    Ok(())
}
