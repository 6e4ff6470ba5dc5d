//! Pages and addresses that lead to content rather than hold it: `/topics` (the four topics with
//! their article counts), and the permanent redirects to each page's one canonical address.

use askama::Template;

use super::pages::Layout;
use super::site::{Site, SiteSettings, topic_path};
use crate::content::{Category, Library};

pub const TOPICS_PATH: &str = "/topics";

/// Convenient addresses that are not pages themselves, and the page each leads to.
/// `/articles` is where a reader trims an article's address to: the A to Z of every article.
pub const REDIRECTS: &[(&str, &str)] = &[("/articles", "/a-z")];

/// One topic as the topics page lists it.
pub struct TopicSummary {
    pub href: String,
    pub title: &'static str,
    pub intro: &'static str,
    /// "1 article", "5 articles".
    pub count: String,
}

#[derive(Template)]
#[template(path = "topics.html")]
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

/// Where a request for `path` should be sent instead, if anywhere: a fixed redirect, or the same
/// address without its trailing slash (`/articles/heat/` → `/articles/heat`). Only addresses the
/// site serves are redirect targets, so a crafted path (`//elsewhere.example/`) is never one.
pub fn redirect_for(site: &Site, path: &str, query: &str) -> Option<String> {
    let fixed = |path: &str| {
        REDIRECTS
            .iter()
            .find(|(from, _)| *from == path)
            .map(|(_, to)| *to)
    };
    let target = match fixed(path) {
        Some(to) => to.to_owned(),
        None if path.len() > 1 && path.ends_with('/') => {
            let trimmed = path.trim_end_matches('/');
            let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
            match fixed(trimmed) {
                Some(to) => to.to_owned(),
                None if site.page(trimmed).is_some() || site.discussion_page(trimmed).is_some() => {
                    trimmed.to_owned()
                }
                None => return None,
            }
        }
        None => return None,
    };
    Some(if query.is_empty() {
        target
    } else {
        format!("{target}?{query}")
    })
}
