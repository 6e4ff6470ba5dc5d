//! "Is this page helpful?" over HTTP. The Yes and No buttons under every article are a plain form
//! on the pre-rendered page; an answer is counted and answered with a `no-store` thank-you page
//! that offers the optional "What was missing or wrong?" box. Moderators read the report at
//! `/moderate/feedback`. The rules live in `discussion::feedback`.

use std::net::IpAddr;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use time::OffsetDateTime;

use super::csrf;
use super::extract::{DiscussionOn, Moderator};
use super::state::Discussion;
use crate::discussion::feedback::{
    Answer, ArticleFeedback, Comment, REPORT_COMMENTS, least_helpful_first,
};
use crate::discussion::red_flags;
use crate::rate_limit::Decision;
use crate::web::error::{PageError, retry_after};
use crate::web::extract::{ArticleBySlug, ClientAddress, Current};
use crate::web::form::{Form, FormKind, read_body};
use crate::web::metrics::{self, FeedbackOutcome, RateLimited};
use crate::web::pages::discussion_resource;
use crate::web::pages::layout::{DateView, ErrorLink, Layout, private_page};
use crate::web::paths::{FEEDBACK_REPORT_PATH, article_path};
use crate::web::representation::see_other;
use crate::web::routing::{form, page};

fn comment_path(slug: &str) -> String {
    format!("/articles/{slug}/feedback/comment")
}

fn thanks_path(slug: &str, answer: Answer) -> String {
    format!("/articles/{slug}/feedback/thanks/{}", answer.as_str())
}

fn sent_path(slug: &str, urgent: bool) -> String {
    if urgent {
        format!("/articles/{slug}/feedback/sent/warning-signs")
    } else {
        format!("/articles/{slug}/feedback/sent")
    }
}

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(form(web::resource("/articles/{slug}/feedback"), answer))
        .service(page(
            web::resource("/articles/{slug}/feedback/thanks/{answer}"),
            thanks,
        ))
        .service(form(
            web::resource("/articles/{slug}/feedback/comment"),
            comment,
        ))
        .service(page(web::resource("/articles/{slug}/feedback/sent"), sent))
        .service(page(
            web::resource("/articles/{slug}/feedback/sent/warning-signs"),
            sent_urgent,
        ))
        .service(page(discussion_resource(FEEDBACK_REPORT_PATH), report));
}

/// The comment box on the thank-you page, empty or filled in again with its problem.
pub struct CommentForm {
    pub action: String,
    pub answer: &'static str,
    pub value: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/feedback.html")]
pub struct FeedbackPage<'a> {
    pub layout: Layout<'a>,
    pub article_title: &'a str,
    pub article_href: String,
    pub heading: &'a str,
    /// What went wrong when it is not about the comment box.
    pub problem: Option<&'a str>,
    pub errors: Vec<ErrorLink>,
    pub comment_form: Option<CommentForm>,
    /// The comment mentioned warning signs.
    pub urgent: bool,
}

/// A feedback page about `article`, `no-store` like every answer to a form.
fn feedback_page(
    article: &ArticleBySlug,
    status: StatusCode,
    page: FeedbackView,
) -> Result<HttpResponse, PageError> {
    let settings = &article.generation.site.settings;
    let front = &article.article().front;
    let errors = page
        .comment_form
        .as_ref()
        .and_then(|form| form.error.clone())
        .map(|message| ErrorLink {
            target_id: "feedback-comment".to_owned(),
            message,
        })
        .into_iter()
        .collect::<Vec<_>>();
    let title = if page.problem.is_some() || !errors.is_empty() {
        format!("Error: {} - {}", page.heading, front.title)
    } else {
        format!("{} - {}", page.heading, front.title)
    };
    let template = FeedbackPage {
        layout: Layout::unlisted(&title, &front.summary, settings),
        article_title: &front.title,
        article_href: article_path(article.slug()),
        heading: page.heading,
        problem: page.problem,
        errors,
        comment_form: page.comment_form,
        urgent: page.urgent,
    };
    private_page(status, &template)
}

/// What a feedback page says, before the layout is put round it.
struct FeedbackView<'a> {
    heading: &'a str,
    problem: Option<&'a str>,
    comment_form: Option<CommentForm>,
    urgent: bool,
}

const CROSS_SITE: &str = "Your answer was not sent because your browser says it came from a page on another site. Go back to the article and answer there.";

/// The checks every feedback form passes before it counts: not a bot's (the hidden field), not
/// from another site, and within the client's allowance. `Err` is the response to send instead.
async fn admit(
    request: &HttpRequest,
    form: &Form,
    article: &ArticleBySlug,
    discussion: &Discussion,
    client: Option<IpAddr>,
    bot_answer: &str,
) -> Result<(), Result<HttpResponse, PageError>> {
    if !form.text("website").trim().is_empty() {
        metrics::record_feedback(FeedbackOutcome::Honeypot);
        return Err(Ok(see_other(bot_answer)));
    }
    if csrf::is_cross_site_reader_form(request, &article.generation.site.settings) {
        metrics::record_feedback(FeedbackOutcome::RefusedCrossSite);
        let view = FeedbackView {
            heading: "Your answer was not sent",
            problem: Some(CROSS_SITE),
            comment_form: None,
            urgent: false,
        };
        return Err(feedback_page(article, StatusCode::FORBIDDEN, view));
    }
    let decision = match client {
        Some(client) => discussion.limits.check_feedback(client).await,
        None => Ok(Decision::Allowed),
    };
    match decision {
        Ok(Decision::Allowed) => Ok(()),
        Ok(Decision::Limited { retry_after: wait }) => {
            metrics::record_feedback(FeedbackOutcome::RateLimited);
            metrics::record_rate_limited(RateLimited::Feedback);
            let view = FeedbackView {
                heading: "Your answer was not sent",
                problem: Some(
                    "You have sent a lot of answers in a short time. Wait a minute, then try again.",
                ),
                comment_form: None,
                urgent: false,
            };
            let mut response = feedback_page(article, StatusCode::TOO_MANY_REQUESTS, view);
            if let Ok(response) = &mut response {
                retry_after(response, wait);
            }
            Err(response)
        }
        Err(error) => {
            tracing::error!(%error, "could not check the feedback rate limit");
            Err(Err(PageError::Unavailable))
        }
    }
}

/// `POST /articles/{slug}/feedback`: counts a Yes or No, then the thank-you page.
async fn answer(
    request: HttpRequest,
    payload: web::Payload,
    article: ArticleBySlug,
    DiscussionOn(discussion): DiscussionOn,
    ClientAddress(client): ClientAddress,
) -> Result<HttpResponse, PageError> {
    let body = read_body(&request, payload, FormKind::Post).await?;
    let form = Form::parse(&body);
    let slug = article.slug();
    let Some(answer) = Answer::parse(&form.text("helpful")) else {
        let view = FeedbackView {
            heading: "Your answer was not sent",
            problem: Some("Choose Yes or No under the article."),
            comment_form: None,
            urgent: false,
        };
        return feedback_page(&article, StatusCode::BAD_REQUEST, view);
    };
    if let Err(response) = admit(
        &request,
        &form,
        &article,
        &discussion,
        client,
        &thanks_path(slug, answer),
    )
    .await
    {
        return response;
    }
    match discussion
        .storage
        .record_feedback(slug, answer, OffsetDateTime::now_utc())
        .await
    {
        Ok(()) => {
            metrics::record_feedback(FeedbackOutcome::Answer(answer));
            Ok(see_other(&thanks_path(slug, answer)))
        }
        Err(error) => Err(PageError::unavailable("could not count an answer")(error)),
    }
}

fn answer_in_path(request: &HttpRequest) -> Result<Answer, PageError> {
    request
        .match_info()
        .get("answer")
        .and_then(Answer::parse)
        .ok_or(PageError::NotFound)
}

/// `GET /articles/{slug}/feedback/thanks/{yes|no}`: thanks, and the optional comment box.
async fn thanks(request: HttpRequest, article: ArticleBySlug) -> Result<HttpResponse, PageError> {
    let answer = answer_in_path(&request)?;
    let view = FeedbackView {
        heading: "Thank you for your feedback",
        problem: None,
        comment_form: Some(CommentForm {
            action: comment_path(article.slug()),
            answer: answer.as_str(),
            value: String::new(),
            error: None,
        }),
        urgent: false,
    };
    feedback_page(&article, StatusCode::OK, view)
}

/// `POST /articles/{slug}/feedback/comment`: keeps the comment, then a thank-you page (the one
/// that says to get help now if it mentions warning signs).
async fn comment(
    request: HttpRequest,
    payload: web::Payload,
    article: ArticleBySlug,
    DiscussionOn(discussion): DiscussionOn,
    ClientAddress(client): ClientAddress,
) -> Result<HttpResponse, PageError> {
    let body = read_body(&request, payload, FormKind::Post).await?;
    let form = Form::parse(&body);
    let slug = article.slug();
    let answer = Answer::parse(&form.text("helpful")).unwrap_or(Answer::No);
    if let Err(response) = admit(
        &request,
        &form,
        &article,
        &discussion,
        client,
        &sent_path(slug, false),
    )
    .await
    {
        return response;
    }
    let typed = form.value("comment");
    let comment = match Comment::parse(&typed.text, typed.readable) {
        Ok(comment) => comment,
        Err(message) => {
            let view = FeedbackView {
                heading: "Thank you for your feedback",
                problem: None,
                comment_form: Some(CommentForm {
                    action: comment_path(slug),
                    answer: answer.as_str(),
                    value: typed.text,
                    error: Some(message),
                }),
                urgent: false,
            };
            return feedback_page(&article, StatusCode::UNPROCESSABLE_ENTITY, view);
        }
    };
    let now = OffsetDateTime::now_utc();
    match discussion
        .storage
        .add_feedback_comment(slug, answer, &comment, now)
        .await
    {
        Ok(()) => {
            metrics::record_feedback(FeedbackOutcome::Comment);
            let urgent = !red_flags(comment.as_str()).is_empty();
            Ok(see_other(&sent_path(slug, urgent)))
        }
        Err(error) => Err(PageError::unavailable("could not keep a feedback comment")(
            error,
        )),
    }
}

async fn sent(article: ArticleBySlug) -> Result<HttpResponse, PageError> {
    sent_page(&article, false)
}

async fn sent_urgent(article: ArticleBySlug) -> Result<HttpResponse, PageError> {
    sent_page(&article, true)
}

fn sent_page(article: &ArticleBySlug, urgent: bool) -> Result<HttpResponse, PageError> {
    let view = FeedbackView {
        heading: "Thank you, your comment was sent",
        problem: None,
        comment_form: None,
        urgent,
    };
    feedback_page(article, StatusCode::OK, view)
}

/// One article's line of the moderators' report.
pub struct ReportRow {
    pub article_title: String,
    pub article_href: String,
    pub yes: i64,
    pub no: i64,
    /// "75%", or "-" before anyone answered.
    pub helpful: String,
    pub comments: Vec<ReportCommentView>,
}

pub struct ReportCommentView {
    pub answer: &'static str,
    pub date: DateView,
    pub text: String,
}

#[derive(Template)]
#[template(path = "pages/moderate_feedback.html")]
pub struct ReportPage<'a> {
    pub layout: Layout<'a>,
    pub rows: Vec<ReportRow>,
}

/// `GET /moderate/feedback`: every article's answers, least helpful first, with its newest
/// comments. For moderators only, like the queue.
async fn report(generation: Current, moderator: Moderator) -> Result<HttpResponse, PageError> {
    let mut rows = moderator
        .discussion
        .storage
        .feedback_report(None, REPORT_COMMENTS)
        .await
        .map_err(PageError::unavailable("could not read the feedback report"))?;
    least_helpful_first(&mut rows);
    let settings = &generation.site.settings;
    let page = ReportPage {
        layout: Layout::unlisted("Is this page helpful? Answers", "", settings),
        rows: rows
            .into_iter()
            .map(|row| report_row(&generation, row))
            .collect(),
    };
    private_page(StatusCode::OK, &page)
}

fn report_row(generation: &Current, row: ArticleFeedback) -> ReportRow {
    let article_title = generation.library.get(&row.article_slug).map_or_else(
        || row.article_slug.clone(),
        |article| article.front.title.clone(),
    );
    ReportRow {
        article_href: article_path(&row.article_slug),
        article_title,
        yes: row.yes,
        no: row.no,
        helpful: row
            .percent_helpful()
            .map_or_else(|| "-".to_owned(), |percent| format!("{percent}%")),
        comments: row
            .recent_comments
            .into_iter()
            .map(|comment| ReportCommentView {
                answer: if comment.answer == Answer::Yes {
                    "Yes"
                } else {
                    "No"
                },
                date: comment.created_at.into(),
                text: comment.text,
            })
            .collect(),
    }
}
