//! `/`: the featured question, the four topics, the symptom checker and the 999 signs.

use askama::Template;

use super::layout::{ArticleLink, FEATURED_ARTICLE, Layout, SignList, TopicView, emergency_box};
use crate::content::{Category, Library};
use crate::web::paths::HOME;
use crate::web::prerender::{Prerender, RenderError};
use crate::web::structured_data::JsonLd;

#[derive(Template)]
#[template(path = "pages/home.html")]
pub struct HomePage<'a> {
    pub layout: Layout<'a>,
    /// The page the home page features above the topics, if the library has it.
    pub featured: Option<ArticleLink<'a>>,
    pub topics: Vec<TopicView<'a>>,
    pub has_checker: bool,
    pub emergency_box: Vec<SignList>,
    /// schema.org `WebSite` with its `SearchAction`, already safe inside a `<script>`.
    pub structured_data: JsonLd,
}

pub fn prerender(site: &mut Prerender, library: &Library) -> Result<(), RenderError> {
    let settings = site.settings;
    let home = HomePage {
        layout: Layout::new(
            "Back cramps and back pain, explained",
            "Plain, sourced information on the causes of back cramps and back pain, how to prevent them, how to get relief and when to get help.",
            HOME,
            settings,
        )
        .canonical(HOME),
        featured: library.get(FEATURED_ARTICLE).map(ArticleLink::from),
        emergency_box: emergency_box(),
        topics: Category::ALL
            .iter()
            .map(|&c| TopicView::new(library, c))
            .collect(),
        has_checker: true,
        structured_data: JsonLd::web_site(&settings.base_url),
    };
    site.html(HOME, &home)
}
