//! `/articles/<slug>`: one article with its contents, sources, related articles and neighbours.
//! Pre-rendered; with `--comments` it is kept in two halves for `web::discussion_http` to fill.

use askama::Template;

use super::layout::{ArticleLink, DateView, Layout, SITE_NAME, TagLink, TopicView};
use crate::content::{Article, Library, Source, TocEntry};
use crate::search::{RelatedFinder, SearchError, SearchIndex};
use crate::web::paths::{article_path, topic_path};
use crate::web::prerender::{Prerender, RenderError, ServedArticle, SiteSettings, render};
use crate::web::structured_data::JsonLd;

#[derive(Template)]
#[template(path = "pages/article.html")]
pub struct ArticlePage<'a> {
    pub layout: Layout<'a>,
    pub topic: TopicView<'a>,
    pub title: &'a str,
    pub summary: &'a str,
    pub draft: bool,
    pub reviewed: DateView,
    pub next_review: DateView,
    pub reading_minutes: usize,
    pub toc: Vec<&'a TocEntry>,
    /// Sanitised when the article was loaded; the one place the site inserts HTML unescaped.
    pub body_html: &'a str,
    pub show_help_callout: bool,
    /// Whether the page tells readers to call 111, so it says what to do in Scotland, Wales and
    /// Northern Ireland (the shared `partials/uk_nations.html`).
    pub names_111: bool,
    pub sources: &'a [Source],
    pub related: Vec<ArticleLink<'a>>,
    pub tags: Vec<TagLink<'a>>,
    /// The articles before and after this one in its topic.
    pub previous: Option<ArticleLink<'a>>,
    pub next: Option<ArticleLink<'a>>,
    /// The absolute address shared on social media (Open Graph) and in structured data.
    pub url: String,
    pub site_name: &'static str,
    /// schema.org `MedicalWebPage` data for search engines, already safe inside a `<script>`.
    pub structured_data: JsonLd,
    /// Leave room for the reader discussion (`--comments moderated`), filled per request.
    pub discussion: bool,
    /// Where the "Is this page helpful?" buttons post, when they are shown.
    pub feedback_action: Option<String>,
}

pub const HELP_ARTICLE: &str = "when-to-get-help";

impl<'a> ArticlePage<'a> {
    pub fn new(
        library: &'a Library,
        article: &'a Article,
        related: Vec<&'a Article>,
        settings: &'a SiteSettings,
    ) -> Self {
        let front = &article.front;
        let category = front.category;
        let path = article_path(&article.slug);
        let url = settings.base_url.join(&path);
        let neighbours = library.neighbours(article);
        let mut layout = Layout::new(
            &front.title,
            &front.summary,
            &topic_path(category),
            settings,
        )
        .canonical(&path);
        layout.noindex = front.draft;
        ArticlePage {
            layout,
            topic: TopicView {
                slug: category.slug(),
                title: category.title(),
                intro: category.intro(),
                articles: Vec::new(),
            },
            title: &front.title,
            summary: &front.summary,
            draft: front.draft,
            reviewed: front.reviewed.into(),
            next_review: front.next_review.into(),
            reading_minutes: article.reading_minutes(),
            toc: article
                .toc
                .iter()
                .filter(|entry| entry.level == 2)
                .collect(),
            body_html: &article.html,
            show_help_callout: article.slug != HELP_ARTICLE,
            names_111: names_111(&article.html),
            sources: &front.sources,
            related: related.into_iter().map(ArticleLink::from).collect(),
            tags: front.tags.iter().map(|tag| TagLink::new(tag)).collect(),
            previous: neighbours.previous.map(ArticleLink::from),
            next: neighbours.next.map(ArticleLink::from),
            structured_data: JsonLd::medical_web_page(article, &url, &settings.base_url),
            discussion: settings.comments,
            feedback_action: settings
                .feedback
                .then(|| crate::web::paths::feedback_path(&article.slug)),
            url,
            site_name: SITE_NAME,
        }
    }
}

/// Whether `html` names the number 111 (not as part of a longer number).
fn names_111(html: &str) -> bool {
    let bytes = html.as_bytes();
    html.match_indices("111").any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + 3).copied();
        !before.is_some_and(|b| b.is_ascii_digit()) && !after.is_some_and(|b| b.is_ascii_digit())
    })
}

/// How many related articles each article page shows.
const RELATED_ARTICLES: usize = 3;

/// The articles most like `article`, as the search index judges them; when it finds too few (a
/// tiny library), the library's own tag-and-topic choice fills the rest.
fn related_articles<'a>(
    library: &'a Library,
    finder: &mut RelatedFinder,
    article: &Article,
) -> Result<Vec<&'a Article>, RenderError> {
    let mut related = finder
        .related(library, article, RELATED_ARTICLES)
        .map_err(|source| RenderError::new(&article_path(&article.slug), source))?;
    // The fallback scans the whole library: only worth it when the index found too few, or every
    // page would pay for a scan of every article.
    if related.len() >= RELATED_ARTICLES {
        return Ok(related);
    }
    for other in library.related(article, RELATED_ARTICLES) {
        if related.len() >= RELATED_ARTICLES {
            break;
        }
        if !related.iter().any(|chosen| chosen.slug == other.slug) {
            related.push(other);
        }
    }
    Ok(related)
}

pub fn prerender(
    site: &mut Prerender,
    library: &Library,
    search: &SearchIndex,
) -> Result<(), RenderError> {
    let settings = site.settings;
    // Choosing related articles (a query each) and rendering are most of the start-up at
    // thousands of articles, and each page is independent of the others: spread them over
    // the cores. The pages come back in library order, so the result is the same every time.
    let render_article = |finder: &mut Result<RelatedFinder, SearchError>,
                          article: &Article|
     -> Result<(String, ServedArticle), RenderError> {
        let path = article_path(&article.slug);
        let finder = finder
            .as_mut()
            .map_err(|error| RenderError::new(&path, error.to_string()))?;
        let related = related_articles(library, finder, article)?;
        let page = ArticlePage::new(library, article, related, settings);
        let body = render(&path, &page)?;
        Ok((path, settings.article_page(body)))
    };
    let pages = crate::parallel::map_with(
        library.articles(),
        || search.related_finder(),
        render_article,
    );
    for (path, page) in pages.into_iter().collect::<Result<Vec<_>, RenderError>>()? {
        site.article(path, page);
    }
    Ok(())
}
