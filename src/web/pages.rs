//! Template structs for the reading pages and the small view models they show.
//! Pages carry ready-to-show data; templates only lay it out.

use crate::triage::{Service, Urgency, rules_for, warning_sign_lists};
use askama::Template;
use time::Date;
use time::macros::format_description;

use super::site::{SiteSettings, article_path, tag_path, topic_path};
use super::structured_data::JsonLd;
use crate::content::{Article, Category, Library, Source, TocEntry};

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
}

pub const NAV: &[NavLink] = &[
    NavLink {
        href: "/topics/causes",
        label: "Causes",
    },
    NavLink {
        href: "/topics/prevention",
        label: "Prevention",
    },
    NavLink {
        href: "/topics/relief",
        label: "Relief",
    },
    NavLink {
        href: "/topics/when-to-get-help",
        label: "When to get help",
    },
    NavLink {
        href: "/symptom-checker",
        label: "Symptom checker",
    },
];

pub const SITE_NAME: &str = "backcare";

/// The question most readers arrive with ("What causes back cramps?"), featured on the home page.
pub const FEATURED_ARTICLE: &str = "what-causes-back-cramps";

/// What the base layout needs from every page.
pub struct Layout<'a> {
    pub title: String,
    pub description: String,
    /// The stylesheet's and the icon's content-hashed addresses.
    pub stylesheet: &'a str,
    pub favicon: &'a str,
    /// The nav link that is the current page, if any.
    pub current: String,
    pub nav: &'static [NavLink],
    /// The page's one absolute address, for pages that have one (not error pages or form results).
    pub canonical: Option<String>,
    /// Asks search engines to leave the page out: drafts shown by `--drafts`.
    pub noindex: bool,
    /// `serve --watch` only: the script that reloads the page after each rebuild.
    pub live_reload_script: Option<&'static str>,
    /// Problems in the author's latest edit (`serve --watch` only), shown at the top of every page.
    pub author_problems: &'a crate::live_reload::AuthorProblems,
    settings: &'a SiteSettings,
}

impl<'a> Layout<'a> {
    pub fn new(title: &str, description: &str, current: &str, settings: &'a SiteSettings) -> Self {
        Layout {
            title: format!("{title} - {SITE_NAME}"),
            description: description.to_owned(),
            stylesheet: &settings.stylesheet,
            favicon: &settings.favicon,
            current: current.to_owned(),
            nav: NAV,
            canonical: None,
            noindex: false,
            live_reload_script: settings
                .live_preview
                .then_some(super::live_events::SCRIPT_PATH),
            author_problems: &settings.author_problems,
            settings,
        }
    }

    /// Marks `path` as this page's address, made absolute with the site's base URL.
    pub fn canonical(mut self, path: &str) -> Self {
        self.canonical = Some(self.settings.base_url.join(path));
        self
    }
}

pub struct ArticleLink<'a> {
    pub href: String,
    pub title: &'a str,
    pub summary: &'a str,
    pub draft: bool,
}

impl<'a> From<&'a Article> for ArticleLink<'a> {
    fn from(article: &'a Article) -> Self {
        ArticleLink {
            href: article_path(&article.slug),
            title: &article.front.title,
            summary: &article.front.summary,
            draft: article.front.draft,
        }
    }
}

pub struct TopicView<'a> {
    pub slug: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub articles: Vec<ArticleLink<'a>>,
}

impl<'a> TopicView<'a> {
    pub fn new(library: &'a Library, category: Category) -> Self {
        TopicView {
            slug: category.slug(),
            title: category.title(),
            intro: category.intro(),
            articles: library
                .in_category(category)
                .map(ArticleLink::from)
                .collect(),
        }
    }
}

pub struct DateView {
    pub iso: String,
    pub long: String,
}

impl From<Date> for DateView {
    fn from(date: Date) -> Self {
        let long = date
            .format(format_description!(
                "[day padding:none] [month repr:long] [year]"
            ))
            .unwrap_or_else(|_| date.to_string());
        DateView {
            iso: date.to_string(),
            long,
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
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

#[derive(Template)]
#[template(path = "topic.html")]
pub struct TopicPage<'a> {
    pub layout: Layout<'a>,
    pub topic: TopicView<'a>,
}

#[derive(Template)]
#[template(path = "article.html")]
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
}

pub struct TagLink<'a> {
    pub name: &'a str,
    pub href: String,
}

impl<'a> TagLink<'a> {
    pub fn new(tag: &'a str) -> Self {
        TagLink {
            name: tag,
            href: tag_path(tag),
        }
    }
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
            sources: &front.sources,
            related: related.into_iter().map(ArticleLink::from).collect(),
            tags: front.tags.iter().map(|tag| TagLink::new(tag)).collect(),
            previous: neighbours.previous.map(ArticleLink::from),
            next: neighbours.next.map(ArticleLink::from),
            structured_data: JsonLd::medical_web_page(article, &url, &settings.base_url),
            discussion: settings.comments,
            url,
            site_name: SITE_NAME,
        }
    }
}

/// `/tags/<tag>`: every article with one tag.
#[derive(Template)]
#[template(path = "tag.html")]
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

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub layout: Layout<'a>,
    pub heading: &'a str,
    pub message: &'a str,
}

impl<'a> ErrorPage<'a> {
    pub fn new(heading: &'a str, message: &'a str, settings: &'a SiteSettings) -> Self {
        ErrorPage {
            layout: Layout::new(heading, message, "", settings),
            heading,
            message,
        }
    }
}

/// A list of warning signs under the heading of the service they lead to.
pub struct SignList {
    pub service: &'static str,
    pub heading: &'static str,
    pub signs: Vec<&'static str>,
}

/// The emergency signs box on the home page and the checker form: the signs of the checker's
/// emergency screen, from the rules themselves, so the box cannot disagree with a result.
pub fn emergency_box() -> Vec<SignList> {
    warning_sign_lists(Service::GoToAe)
        .into_iter()
        .map(|(service, _)| SignList {
            service: service.value(),
            heading: service.list_heading(),
            signs: rules_for(Urgency::Emergency)
                .filter(|rule| rule.service == service && rule.is_on_screen())
                .map(|rule| rule.sign)
                .collect(),
        })
        .collect()
}

/// One line of a GOV.UK error summary (`templates/error_summary.html`): the message, linking to
/// the field it is about.
pub struct ErrorLink {
    pub target_id: String,
    pub message: String,
}
