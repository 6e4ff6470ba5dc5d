//! The pages that list the whole library: the A to Z (`/a-z`), every tag with its count (`/tags`),
//! and the OpenSearch description that lets browsers search the site from their address bar.

use askama::Template;

use super::pages::{ArticleLink, Layout, SITE_NAME, TagLink};
use super::search;
use super::site::SiteSettings;
use crate::content::Library;
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
