//! `/a-z`: every article under the letter its title starts with.

use askama::Template;

use super::layout::{ArticleLink, Layout, SITE_NAME};
use crate::content::Library;
use crate::search::a_to_z;
use crate::web::paths::A_TO_Z_PATH;
use crate::web::prerender::{Prerender, RenderError, SiteSettings};

pub struct LetterView<'a> {
    /// `A`..`Z`, or `#` for titles that start with something else.
    pub letter: char,
    /// The letter's heading id, for the letter links: `a-z-a`, or `a-z-other` for `#`.
    pub id: String,
    pub articles: Vec<ArticleLink<'a>>,
}

#[derive(Template)]
#[template(path = "pages/a_z.html")]
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

pub fn prerender(site: &mut Prerender, library: &Library) -> Result<(), RenderError> {
    site.html(A_TO_Z_PATH, &AToZPage::new(library, site.settings))
}
