//! The pages that lead to content rather than hold it: the A to Z (`/a-z`), every tag with its
//! count (`/tags`), the four topics with theirs (`/topics`), the OpenSearch description that lets
//! browsers search the site from their address bar, and the permanent redirects to each page's
//! one canonical address.

use askama::Template;

use super::pages::{ArticleLink, Layout, SITE_NAME, TagLink};
use super::search;
use super::site::{Site, SiteSettings, topic_path};
use crate::content::{Category, Library};
use crate::search::a_to_z;

pub const A_TO_Z_PATH: &str = "/a-z";
pub const TAGS_PATH: &str = "/tags";
pub const OPENSEARCH_PATH: &str = "/opensearch.xml";
pub const OPENSEARCH: &str = "application/opensearchdescription+xml; charset=utf-8";

pub struct LetterView<'a> {
    /// `A`..`Z`, or `#` for titles that start with something else.
    pub letter: char,
    /// The letter's heading id, for the letter links: `a-z-a`, or `a-z-other` for `#`.
    pub id: String,
    pub articles: Vec<ArticleLink<'a>>,
}

#[derive(Template)]
#[template(path = "a_z.html")]
pub struct AToZPage<'a> {
    pub layout: Layout<'a>,
    pub letters: Vec<LetterView<'a>>,
    pub count: usize,
}

impl<'a> AToZPage<'a> {
    pub fn new(library: &'a Library, settings: &'a SiteSettings) -> Self {
        let letters: Vec<LetterView> = a_to_z(library)
            .into_iter()
            .map(|letter| LetterView {
                id: match letter.letter {
                    '#' => "a-z-other".to_owned(),
                    other => format!("a-z-{}", other.to_ascii_lowercase()),
                },
                letter: letter.letter,
                articles: letter.articles.into_iter().map(ArticleLink::from).collect(),
            })
            .collect();
        AToZPage {
            layout: Layout::new(
                "Articles A to Z",
                &format!("Every {SITE_NAME} article on back cramps and back pain, from A to Z."),
                A_TO_Z_PATH,
                settings,
            )
            .canonical(A_TO_Z_PATH),
            count: letters.iter().map(|letter| letter.articles.len()).sum(),
            letters,
        }
    }
}

pub struct TagCount<'a> {
    pub link: TagLink<'a>,
    pub count: usize,
}

#[derive(Template)]
#[template(path = "tags.html")]
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
                // The tags of published articles only, counted the same way.
                let count = library.tagged(tag).filter(|a| !a.front.draft).count();
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

/// The OpenSearch 1.1 description: the site's name and the address of its results page.
#[derive(Template)]
#[template(path = "opensearch.xml")]
pub struct OpenSearchDescription {
    pub site_name: &'static str,
    /// `https://example.org/search?q={searchTerms}`: the template browsers fill in.
    pub results_template: String,
    pub self_url: String,
    pub icon_url: String,
}

impl OpenSearchDescription {
    pub fn new(settings: &SiteSettings) -> Self {
        OpenSearchDescription {
            site_name: SITE_NAME,
            results_template: format!("{}?q={{searchTerms}}", settings.base_url.join(search::PATH)),
            self_url: settings.base_url.join(OPENSEARCH_PATH),
            icon_url: settings.base_url.join(&settings.favicon),
        }
    }
}

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
