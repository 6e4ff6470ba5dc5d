//! HTTP for the reader discussion: the article page with its posts and form, posting (PRG to a
//! thank-you page), "Is this page helpful?" (`feedback_pages`) and the moderators' pages
//! (`moderate`). Handlers parse, call `discussion` and render; every rule about posts lives there.

pub mod cookies;
pub mod csrf;
pub mod device;
pub mod extract;
pub mod failures;
pub mod feedback_pages;
pub mod limits;
pub mod moderate;
pub mod page;
pub mod session;
pub mod state;
pub mod views;
pub mod visitor;

pub use crate::web::representation::see_other;
pub use state::Discussion;

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use time::OffsetDateTime;

use self::views::{FormView, PostFormPage, ThanksPage, error_links};
use super::error::{PageError, retry_after};
use super::extract::{ArticleBySlug, ClientAddress, Current};
use super::form::{Form, FormKind, read_body};
use super::metrics::{self, PostOutcome, RateLimited};
use super::pages::layout::{Layout, private_page};
use super::paths::{article_path, article_slug, thanks_path, warning_signs_thanks_path};
use super::prerender::SiteSettings;
use super::representation::send_page;
use super::routing;
use super::serve_page::serve_page;
use super::split_page::SplitPage;
use super::state::Generation;
use crate::content::Article;
use crate::discussion::posting::{Submission, Submitted};
use crate::discussion::{Field, PostError, RawPost, red_flags};
use extract::DiscussionOn;

/// The discussion's routes, added only with `--comments moderated`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/articles/{slug}")
                .route(web::get().to(article))
                .route(web::head().to(article))
                .default_service(web::to(article_method_not_allowed)),
        )
        .service(routing::page_and_form(
            web::resource("/articles/{slug}/discussion"),
            to_article,
            submit,
        ))
        .service(routing::page(
            web::resource("/articles/{slug}/discussion/thanks"),
            thanks,
        ))
        .service(routing::page(
            web::resource("/articles/{slug}/discussion/thanks/warning-signs"),
            warning_signs_thanks,
        ));
    feedback_pages::routes(config);
    moderate::routes(config);
}

/// `GET /articles/{slug}`: the pre-rendered article with its discussion put in, the same for
/// every reader, served like any pre-rendered page (ETag, 304, brotli or gzip made once).
async fn article(
    request: HttpRequest,
    generation: Current,
    DiscussionOn(discussion): DiscussionOn,
) -> Result<HttpResponse, PageError> {
    match generation.site.discussion_page(request.path()) {
        Some(split) => Ok(article_response(&request, &generation, &discussion, split).await),
        None => serve_page(request, generation).await,
    }
}

/// The response to a GET or HEAD of the article at `split`, with its discussion put in (see
/// `article`); also answered before routing, by `Prerendered` in `web/mod.rs`.
pub(crate) async fn article_response(
    request: &HttpRequest,
    generation: &Generation,
    discussion: &Discussion,
    split: &SplitPage,
) -> HttpResponse {
    let slug = article_slug(request.path()).unwrap_or_default();
    let cache_control = discussion_cache_control(&generation.site.settings);
    let page = discussion.article_page(slug, split, cache_control).await;
    send_page(request, &page)
}

/// How others may cache an article page with its discussion: like other pages, but for a
/// shorter time (see `page::CACHE_CONTROL`).
fn discussion_cache_control(settings: &SiteSettings) -> &'static str {
    if settings.live_preview {
        "no-cache"
    } else {
        page::CACHE_CONTROL
    }
}

/// Any other method on an article: 405 as for every page, 404 if there is no such article.
async fn article_method_not_allowed(
    request: HttpRequest,
    generation: Current,
) -> Result<HttpResponse, PageError> {
    if generation.site.discussion_page(request.path()).is_none() {
        return serve_page(request, generation).await;
    }
    Err(PageError::MethodNotAllowed("GET, HEAD"))
}

/// `GET /articles/{slug}/discussion`: the discussion is on the article page.
async fn to_article(article: ArticleBySlug) -> HttpResponse {
    see_other(&format!("{}#discussion", article_path(article.slug())))
}

fn minutes(wait: Duration) -> String {
    match wait.as_secs().div_ceil(60) {
        0 | 1 => "a minute".to_owned(),
        n => format!("{n} minutes"),
    }
}

/// The post form as a reader sent it: each field's text, and which ones were not valid UTF-8.
fn read_post(form: &Form) -> RawPost {
    let mut raw = RawPost::default();
    for field in Field::ALL {
        let value = form.value(field.id());
        if !value.readable {
            raw.unreadable.push(field);
        }
        match field {
            Field::DisplayName => raw.display_name = value.text,
            Field::Email => raw.email = value.text,
            Field::Text => raw.text = value.text,
        }
    }
    raw
}

/// The post form shown again, on a page of its own, with what the reader wrote.
struct PostFormAgain<'a> {
    article: &'a Article,
    generation: &'a Current,
    raw: &'a RawPost,
}

impl PostFormAgain<'_> {
    fn show(
        &self,
        status: StatusCode,
        problem: Option<&str>,
        errors: &[PostError],
    ) -> Result<HttpResponse, PageError> {
        let front = &self.article.front;
        let title = if problem.is_some() || !errors.is_empty() {
            format!("Error: Add a post - {}", front.title)
        } else {
            format!("Add a post - {}", front.title)
        };
        let page = PostFormPage {
            layout: Layout::unlisted(&title, &front.summary, &self.generation.site.settings),
            article_title: &front.title,
            article_href: article_path(&self.article.slug),
            problem,
            errors: error_links(errors),
            form: FormView::new(&self.article.slug, self.raw, errors),
        };
        private_page(status, &page)
    }

    /// 503 "the discussion is busy": the queue is full, so the reader keeps their text for later.
    fn busy(&self) -> Result<HttpResponse, PageError> {
        let mut response = self.show(
            StatusCode::SERVICE_UNAVAILABLE,
            Some(
                "The discussion is busy: many posts are waiting for a moderator, so yours was not sent. Your text is below: copy it and try again in an hour or so.",
            ),
            &[],
        )?;
        retry_after(&mut response, Duration::from_secs(60 * 60));
        Ok(response)
    }

    /// 503: the post could not be saved, so the reader keeps their text to try again.
    fn unavailable(&self) -> Result<HttpResponse, PageError> {
        let mut response = self.show(
            StatusCode::SERVICE_UNAVAILABLE,
            Some(
                "Sorry, we could not save your post, so it was not sent. Your text is below: please try again in a few minutes.",
            ),
            &[],
        )?;
        retry_after(&mut response, Duration::from_secs(60));
        Ok(response)
    }
}

/// `POST /articles/{slug}/discussion`: store the post as pending and redirect to the thanks
/// page, or show the form again with the reader's text and what to do.
async fn submit(
    request: HttpRequest,
    payload: web::Payload,
    article: ArticleBySlug,
    DiscussionOn(discussion): DiscussionOn,
    ClientAddress(client): ClientAddress,
) -> Result<HttpResponse, PageError> {
    let body = read_body(&request, payload, FormKind::Post).await?;
    let form = Form::parse(&body);
    let slug = article.slug();
    let raw = read_post(&form);
    let generation = Current(Arc::clone(&article.generation));
    let submission = Submission {
        slug,
        honeypot: &form.text("website"),
        raw: &raw,
        cross_site: csrf::is_cross_site_reader_form(&request, &generation.site.settings),
        client,
        now: OffsetDateTime::now_utc(),
    };
    let submitted = discussion.posting().submit(&submission).await;
    metrics::record_post(post_outcome(&submitted));
    let again = PostFormAgain {
        article: article.article(),
        generation: &generation,
        raw: &raw,
    };
    match submitted {
        Submitted::Discarded => Ok(see_other(&thanks_path(slug))),
        Submitted::CrossSite => again.show(StatusCode::FORBIDDEN, Some(CROSS_SITE_FORM), &[]),
        Submitted::Invalid(errors) => again.show(StatusCode::UNPROCESSABLE_ENTITY, None, &errors),
        Submitted::Stored { text } | Submitted::Resent { text } => Ok(thanks_redirect(slug, &text)),
        Submitted::TooMany(wait) => {
            metrics::record_rate_limited(RateLimited::Post);
            let problem = format!(
                "You have sent several posts in a short time, so this one was not sent. Wait {}, then send it again.",
                minutes(wait)
            );
            let mut response = again.show(StatusCode::TOO_MANY_REQUESTS, Some(&problem), &[])?;
            retry_after(&mut response, wait);
            Ok(response)
        }
        Submitted::Busy => again.busy(),
        Submitted::Failed => again.unavailable(),
    }
}

/// The `outcome` label of `backcare_posts_total` for what became of a post.
fn post_outcome(submitted: &Submitted) -> PostOutcome {
    match submitted {
        Submitted::Discarded => PostOutcome::Honeypot,
        Submitted::CrossSite => PostOutcome::RefusedCrossSite,
        Submitted::Invalid(_) => PostOutcome::Invalid,
        Submitted::Stored { .. } => PostOutcome::Stored,
        Submitted::Resent { .. } => PostOutcome::Resent,
        Submitted::TooMany(_) => PostOutcome::RateLimited,
        Submitted::Busy => PostOutcome::Busy,
        Submitted::Failed => PostOutcome::Failed,
    }
}

const CROSS_SITE_FORM: &str = "Your post was not sent because your browser says it came from a page on another site. Check it below and send it from this page.";

/// After a post: the thank-you page, the one that says not to wait if it mentions warning signs.
fn thanks_redirect(slug: &str, text: &str) -> HttpResponse {
    see_other(&if red_flags(text).is_empty() {
        thanks_path(slug)
    } else {
        warning_signs_thanks_path(slug)
    })
}

/// `GET /articles/{slug}/discussion/thanks`.
async fn thanks(article: ArticleBySlug) -> Result<HttpResponse, PageError> {
    thanks_page(article, false)
}

/// `GET /articles/{slug}/discussion/thanks/warning-signs`: the thank-you page that also says not
/// to wait for replies.
async fn warning_signs_thanks(article: ArticleBySlug) -> Result<HttpResponse, PageError> {
    thanks_page(article, true)
}

fn thanks_page(article: ArticleBySlug, urgent: bool) -> Result<HttpResponse, PageError> {
    let settings = &article.generation.site.settings;
    let front = &article.article().front;
    let page = ThanksPage {
        layout: Layout::unlisted("Thanks for your post", &front.summary, settings),
        article_title: &front.title,
        article_href: article_path(article.slug()),
        urgent,
    };
    private_page(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_said_in_minutes() {
        assert_eq!(minutes(Duration::from_secs(5)), "a minute");
        assert_eq!(minutes(Duration::from_secs(61)), "2 minutes");
    }
}
