//! `/topics`: the four topics, each with its introduction and how many articles it has.

use askama::Template;

use super::layout::Layout;
use crate::content::{Category, Library};
use crate::web::paths::{TOPICS_PATH, topic_path};
use crate::web::prerender::{Prerender, RenderError, SiteSettings};

/// One topic as the topics page lists it.
pub struct TopicSummary {
    pub href: String,
    pub title: &'static str,
    pub intro: &'static str,
    /// "1 article", "5 articles".
    pub count: String,
}

#[derive(Template)]
#[template(path = "pages/topics.html")]
pub struct TopicsPage<'a> {
    pub layout: Layout<'a>,
    pub topics: Vec<TopicSummary>,
}

impl<'a> TopicsPage<'a> {
    pub fn new(library: &Library, settings: &'a SiteSettings) -> Self {
        let topics = Category::ALL
            .into_iter()
            .map(|category| {
                let count = library.in_category(category).count();
                TopicSummary {
                    href: topic_path(category),
                    title: category.title(),
                    intro: category.intro(),
                    count: if count == 1 {
                        "1 article".to_owned()
                    } else {
                        format!("{count} articles")
                    },
                }
            })
            .collect();
        TopicsPage {
            layout: Layout::new(
                "Topics",
                "The four topics of backcare: causes of back pain, prevention, relief, and when to get help.",
                TOPICS_PATH,
                settings,
            )
            .canonical(TOPICS_PATH),
            topics,
        }
    }
}

pub fn prerender(site: &mut Prerender, library: &Library) -> Result<(), RenderError> {
    site.html(TOPICS_PATH, &TopicsPage::new(library, site.settings))
}
