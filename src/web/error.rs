//! `PageError`: every way a request can fail, as one enum that handlers return with `?`.
//! It knows each failure's status, headers and words; `error_pages::render_error_pages` dresses
//! it in the site's layout (`templates/pages/error.html`), so every error page looks like the site.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};

use super::form::{BodyRefusal, FormKind, RefusalReason};
use super::representation::{HTML, NO_STORE};

/// Why a page could not be served. Handlers return `Result<_, PageError>`; extractors fail with it.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("no such page")]
    NotFound,
    /// The path exists but not for this method; the value is the `Allow` header.
    #[error("method not allowed (allowed: {0})")]
    MethodNotAllowed(&'static str),
    #[error("request body refused: {0:?}")]
    Refused(BodyRefusal),
    /// Too many symptom checker answers from this client; try again after this long.
    #[error("rate limited for {0:?}")]
    RateLimited(Duration),
    /// Too many searches from this client; try again after this long.
    #[error("searches rate limited for {0:?}")]
    SearchRateLimited(Duration),
    /// A moderator's form whose session token no longer matches: nothing was changed.
    #[error("moderation form expired")]
    FormExpired,
    /// A moderator page asked for without a session: see the sign-in page first.
    #[error("not signed in")]
    SignInFirst,
    /// The moderators' database is out of reach; the cause was logged where it happened
    /// (`PageError::unavailable`).
    #[error("the database is unavailable")]
    Unavailable,
    /// Our bug (a template that failed to render, a search that failed). Logged, never shown.
    #[error("internal error: {0}")]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

impl From<BodyRefusal> for PageError {
    fn from(refusal: BodyRefusal) -> Self {
        PageError::Refused(refusal)
    }
}

impl From<askama::Error> for PageError {
    fn from(error: askama::Error) -> Self {
        PageError::Internal(Box::new(error))
    }
}

impl PageError {
    /// For `map_err`: logs what could not be reached, then answers 503. The cause goes to the
    /// log here, with its context, and never to the page.
    pub fn unavailable<E: std::fmt::Display>(context: &'static str) -> impl FnOnce(E) -> Self {
        move |error| {
            tracing::error!(%error, "{context}");
            PageError::Unavailable
        }
    }

    /// The heading and the message of this error's page: what happened and what to do.
    pub fn wording(&self) -> (&'static str, &'static str) {
        match self {
            PageError::NotFound | PageError::SignInFirst => (
                "Page not found",
                "We could not find that page. If you typed the address, check it is right. If you followed a link, the page may have moved.",
            ),
            PageError::MethodNotAllowed(_) => (
                "This page cannot be used that way",
                "This address does not accept that kind of request. Follow a link to the page, or use the form on the page instead.",
            ),
            PageError::Refused(refusal) => refusal_wording(*refusal),
            PageError::RateLimited(_) => (
                "Please wait a moment before trying again",
                "The symptom checker has had a lot of answers from your connection in the last few minutes. Wait a minute, then go back to the symptom checker and send the form again. If you are worried about your symptoms now, call 111, or 999 in an emergency.",
            ),
            PageError::SearchRateLimited(_) => (
                "Please wait a moment before searching again",
                "There have been a lot of searches from your connection in the last minute. Wait a minute, then search again. Every article is also listed by topic on the home page. If you are worried about your symptoms now, call 111, or 999 in an emergency.",
            ),
            PageError::FormExpired => (
                "This form has expired",
                "Nothing was changed. Go back to the moderation page, reload it and try again.",
            ),
            PageError::Unavailable => (
                "Moderation is not working right now",
                "We cannot reach the database of posts. Nothing was changed. Please try again in a few minutes.",
            ),
            PageError::Internal(_) => (
                "Sorry, something went wrong",
                "This is a problem on our side, not something you did. Please try again in a few minutes.",
            ),
        }
    }
}

/// What to tell the sender of a refused body, in the words of the form it came from: one table,
/// so a refusal reads the same wherever that form is posted.
fn refusal_wording(refusal: BodyRefusal) -> (&'static str, &'static str) {
    use FormKind::*;
    use RefusalReason::*;
    match (refusal.reason, refusal.form) {
        (NotAForm, Answers) => (
            "Send your answers with the form",
            "The symptom checker only accepts answers sent by its own web form. Go back to the symptom checker and use the form.",
        ),
        (NotAForm, Post) => (
            "Send your post with the form",
            "This address only accepts posts sent by the form on the page. Go back and use the form.",
        ),
        (NotAForm, Moderation) => (
            "Use the form on the moderation page",
            "This address only accepts the moderation page's own forms. Go back, reload the page and try again.",
        ),
        (TooLarge, Answers) => (
            "Too much information was sent",
            "The form sent more than 16 KB, which is far more than the symptom checker needs. Go back to the symptom checker and send the form again.",
        ),
        (TooLarge, Post) => (
            "Your post is too long",
            "The form sent more than 64 KB. Posts can be up to 5,000 characters: go back, shorten your post and send it again.",
        ),
        (TooLarge, Moderation) => (
            "Too much information was sent",
            "The form sent more than 64 KB, far more than it needs. Go back, reload the page and try again.",
        ),
        (Unreadable, Answers) => (
            "We could not read your answers",
            "Your browser sent something we could not read. Go back to the symptom checker and send the form again.",
        ),
        (Unreadable, Post | Moderation) => (
            "We could not read the form",
            "Your browser sent something we could not read. Go back and send the form again.",
        ),
        (TooSlow, Answers) => (
            "The answers took too long to arrive",
            "Your connection may be slow or may have dropped. Go back to the symptom checker and send the form again.",
        ),
        (TooSlow, Post | Moderation) => (
            "The form took too long to arrive",
            "Your connection may be slow. Go back and send the form again.",
        ),
    }
}

/// Tells a client how many whole seconds to wait, at least one.
pub fn retry_after(response: &mut HttpResponse, wait: Duration) {
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(wait.as_secs().max(1)),
    );
}

/// How long a client should wait before trying again after a 503.
const UNAVAILABLE_RETRY: Duration = Duration::from_secs(60);

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            PageError::Refused(refusal) => match refusal.reason {
                RefusalReason::NotAForm => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                RefusalReason::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                RefusalReason::Unreadable => StatusCode::BAD_REQUEST,
                RefusalReason::TooSlow => StatusCode::REQUEST_TIMEOUT,
            },
            PageError::RateLimited(_) | PageError::SearchRateLimited(_) => {
                StatusCode::TOO_MANY_REQUESTS
            }
            PageError::FormExpired => StatusCode::FORBIDDEN,
            PageError::SignInFirst => StatusCode::SEE_OTHER,
            PageError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            PageError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The status and headers, with a bare page; `render_error_pages` puts the site's layout
    /// around it (it knows the current generation, which this has no way to reach).
    fn error_response(&self) -> HttpResponse {
        if let PageError::SignInFirst = self {
            return super::see_other(super::paths::LOGIN_PATH);
        }
        let (heading, message) = self.wording();
        let mut response = HttpResponse::build(self.status_code())
            .content_type(HTML)
            .insert_header((header::CACHE_CONTROL, NO_STORE))
            .body(format!(
                "<!doctype html><title>{heading}</title><h1>{heading}</h1><p>{message}</p>"
            ));
        match self {
            PageError::MethodNotAllowed(allow) => {
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(allow));
            }
            PageError::RateLimited(wait) | PageError::SearchRateLimited(wait) => {
                retry_after(&mut response, *wait)
            }
            PageError::Unavailable => retry_after(&mut response, UNAVAILABLE_RETRY),
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORMS: [FormKind; 3] = [FormKind::Answers, FormKind::Post, FormKind::Moderation];
    const REASONS: [RefusalReason; 4] = [
        RefusalReason::NotAForm,
        RefusalReason::TooLarge,
        RefusalReason::Unreadable,
        RefusalReason::TooSlow,
    ];

    fn header(response: &HttpResponse, name: header::HeaderName) -> Option<&str> {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
    }

    #[test]
    fn every_refusal_has_a_status_a_heading_and_a_message_that_says_what_to_do() {
        for form in FORMS {
            for reason in REASONS {
                let error = PageError::Refused(BodyRefusal { form, reason });
                assert!(error.status_code().is_client_error(), "{error}");
                let (heading, message) = error.wording();
                assert!(!heading.is_empty() && !heading.ends_with('.'), "{heading}");
                assert!(message.ends_with('.'), "{message}");
                assert!(message.contains("Go back") || message.contains("go back"));
            }
        }
    }

    #[test]
    fn error_responses_are_never_stored_and_carry_allow_and_retry_after() {
        let not_allowed = PageError::MethodNotAllowed("GET, HEAD").error_response();
        assert_eq!(not_allowed.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(header(&not_allowed, header::ALLOW), Some("GET, HEAD"));
        assert_eq!(header(&not_allowed, header::CACHE_CONTROL), Some(NO_STORE));

        let limited = PageError::RateLimited(Duration::from_millis(1500)).error_response();
        assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(header(&limited, header::RETRY_AFTER), Some("1"));
        let unavailable = PageError::Unavailable.error_response();
        assert_eq!(header(&unavailable, header::RETRY_AFTER), Some("60"));

        let sign_in = PageError::SignInFirst.error_response();
        assert_eq!(sign_in.status(), StatusCode::SEE_OTHER);
        assert_eq!(header(&sign_in, header::LOCATION), Some("/moderate/login"));
        assert_eq!(header(&sign_in, header::CACHE_CONTROL), Some(NO_STORE));
    }

    #[test]
    fn an_internal_error_never_shows_its_cause() {
        let error = PageError::Internal("database password is hunter2".into());
        assert_eq!(error.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        let (heading, message) = error.wording();
        assert!(!heading.contains("hunter2") && !message.contains("hunter2"));
    }
}
