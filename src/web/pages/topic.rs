//! `/topics/<topic>`: one topic's introduction and its articles.

use askama::Template;

use super::layout::{Layout, TopicView};
use crate::content::{Category, Library};
use crate::web::paths::topic_path;
use crate::web::prerender::{Prerender, RenderError};

#[derive(Template)]
#[template(path = "pages/topic.html")]
pub struct TopicPage<'a> {
    pub layout: Layout<'a>,
    pub topic: TopicView<'a>,
}

pub fn prerender(site: &mut Prerender, library: &Library) -> Result<(), RenderError> {
    let settings = site.settings;
    for category in Category::ALL {
        let path = topic_path(category);
        let topic = TopicPage {
            layout: Layout::new(category.title(), category.intro(), &path, settings)
                .canonical(&path),
            topic: TopicView::new(library, category),
        };
        site.html(&path, &topic)?;
    }
    Ok(())
}
