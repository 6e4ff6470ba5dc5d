//! What the page modules share: the base layout every page extends and the small views
//! (links, dates, warning-sign lists) several pages show. Pages carry ready-to-show data;
//! templates only lay it out.

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use std::fmt;

use askama::filters::HtmlSafe;
use askama::{FastWritable, Template, Values};
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::content::{Article, Category, Library};
use crate::triage::{Service, Urgency, rules_for, warning_sign_lists};
use crate::vocabulary::Slug;
use crate::web::error::PageError;
use crate::web::paths::{ARTICLES_PREFIX, tag_path};
use crate::web::prerender::{NavLink, SiteSettings};
use crate::web::representation::{HTML, NO_STORE};

/// A page rendered for one request (a result, a form with what the reader typed): never stored
/// by a cache, as it may hold health data or a reader's words.
pub fn private_page(status: StatusCode, page: &impl Template) -> Result<HttpResponse, PageError> {
    Ok(private_html(status, page.render()?))
}

/// `private_page` for a body already rendered (into its frame: `web::page_frame`).
pub fn private_html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(HTML)
        .insert_header((header::CACHE_CONTROL, NO_STORE))
        .body(body)
}

/// A page whose main content is HTML made elsewhere: with `page_frame::CONTENT_MARKER` as its
/// content and `TITLE_MARKER` as its title, the frame of a page made per request.
#[derive(Template)]
#[template(path = "pages/frame.html")]
pub struct Framed<'a> {
    pub layout: Layout<'a>,
    pub content: &'a str,
}

pub use crate::web::prerender::SITE_NAME;

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
    /// Asks search engines to leave the page out: drafts shown by `--drafts`, `unlisted` pages.
    pub noindex: bool,
    /// `serve --watch` only: the script that reloads the page after each rebuild.
    pub live_reload_script: Option<&'static str>,
    /// Problems in the author's latest edit (`serve --watch` only), shown at the top of every page.
    pub author_problems: &'a crate::content::author_problems::AuthorProblems,
    /// False in a static build without a server: the search box becomes a link to the A to Z.
    pub server_answers_forms: bool,
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
            nav: settings.nav,
            canonical: None,
            noindex: false,
            live_reload_script: settings
                .live_preview
                .then_some(crate::web::live_events::SCRIPT_PATH),
            author_problems: &settings.author_problems,
            server_answers_forms: settings.server_answers_forms,
            settings,
        }
    }

    /// A page for one reader that search engines should leave out (forms shown again, thanks,
    /// moderation): no nav item is current and it has no canonical address.
    pub fn unlisted(title: &str, description: &str, settings: &'a SiteSettings) -> Self {
        Layout {
            noindex: true,
            ..Layout::new(title, description, "", settings)
        }
    }

    /// Marks `path` as this page's address, made absolute with the site's base URL.
    pub fn canonical(mut self, path: &str) -> Self {
        self.canonical = Some(self.settings.base_url.join(path));
        self
    }
}

pub struct ArticleLink<'a> {
    pub href: ArticleHref<'a>,
    pub title: &'a str,
    pub summary: &'a str,
    pub draft: bool,
}

/// An article's address (`article_path`), written straight into the page: the checker's result
/// links up to four articles per request, and building each address as a String cost more than
/// writing it.
#[derive(Debug, Clone, Copy)]
pub struct ArticleHref<'a>(&'a Slug);

impl fmt::Display for ArticleHref<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(ARTICLES_PREFIX)?;
        f.write_str(self.0)
    }
}

impl FastWritable for ArticleHref<'_> {
    fn write_into(&self, dest: &mut dyn fmt::Write, _: &dyn Values) -> askama::Result<()> {
        dest.write_str(ARTICLES_PREFIX)?;
        Ok(dest.write_str(self.0)?)
    }
}

/// A slug is lowercase letters, digits and hyphens, none of which HTML escapes.
impl HtmlSafe for ArticleHref<'_> {}

impl<'a> From<&'a Article> for ArticleLink<'a> {
    fn from(article: &'a Article) -> Self {
        ArticleLink {
            href: ArticleHref(&article.slug),
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

/// A date as pages show it: ISO for `<time datetime>`, and in words.
pub struct DateView {
    pub iso: String,
    pub long: String,
}

const LONG_DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[day padding:none] [month repr:long] [year]");

impl From<Date> for DateView {
    fn from(date: Date) -> Self {
        DateView {
            iso: date.to_string(),
            long: date.format(LONG_DATE).unwrap_or_else(|_| date.to_string()),
        }
    }
}

/// A moment (a post's time): the ISO form keeps the time, the words keep only the day.
impl From<OffsetDateTime> for DateView {
    fn from(time: OffsetDateTime) -> Self {
        DateView {
            iso: time
                .format(format_description!(
                    "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
                ))
                .unwrap_or_default(),
            long: time.format(LONG_DATE).unwrap_or_default(),
        }
    }
}

/// A tag as a link to its page.
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

/// One line of a GOV.UK error summary (`templates/partials/error_summary.html`): the message, linking to
/// the field it is about.
pub struct ErrorLink {
    pub target_id: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::paths::article_path;

    #[test]
    fn an_article_href_is_written_as_its_path() {
        #[derive(Template)]
        #[template(source = "<a href=\"{{ href }}\">", ext = "html")]
        struct Link<'a> {
            href: ArticleHref<'a>,
        }
        let slug = Slug::from_static("heat-therapy");
        let html = Link {
            href: ArticleHref(&slug),
        }
        .render()
        .unwrap();
        assert_eq!(html, format!("<a href=\"{}\">", article_path(&slug)));
        assert_eq!(ArticleHref(&slug).to_string(), "/articles/heat-therapy");
    }
}
