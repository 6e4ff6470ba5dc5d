//! The moderators' pages: sign in and out, the queue of pending posts, approve and reject.
//! A session is a random token in an `HttpOnly`, `SameSite=Strict` cookie scoped to
//! `/moderate`; the database keeps only its SHA-256 hash. Every form carries a token bound to
//! the session (or, for signing in, to the login form).

use std::time::Duration;

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use time::OffsetDateTime;

use super::cookies::{self, cookie_name, cookie_values, site_cookie};
use super::csrf::{self, Purpose};
use super::device::{DEVICE_COOKIE, DEVICE_LIFETIME};
use super::extract::{DiscussionOn, Moderator};
use super::session::{COOKIE, is_secure, signed_in};
use super::state::Discussion;
use super::views::{LoginPage, PendingView, QueuePage};
use super::visitor::{COOKIES_BLOCKED, Visitor};
use crate::discussion::sign_in::{Attempt, SignIn, SignInOutcome};
use crate::discussion::{EarlierPosters, Moderation, PendingPost, red_flags, render_text};
use crate::web::error::{PageError, retry_after};
use crate::web::extract::{ClientAddress, Current};
use crate::web::form::{Form, FormKind, read_body};
use crate::web::metrics::{self, RateLimited};
use crate::web::pages::discussion_resource;
use crate::web::pages::layout::{DateView, ErrorLink, Layout, private_page};
use crate::web::paths::article_path;
pub use crate::web::paths::{LOGIN_PATH, LOGOUT_PATH, QUEUE_PATH};
use crate::web::representation::see_other;
use crate::web::routing::{form, page, page_and_form};

pub use crate::discussion::sign_in::SESSION_LENGTH;

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(page(discussion_resource(QUEUE_PATH), queue))
        .service(page_and_form(
            discussion_resource(LOGIN_PATH),
            login_form,
            login,
        ))
        .service(form(discussion_resource(LOGOUT_PATH), logout))
        .service(form(
            web::resource("/moderate/posts/{id}/{decision}"),
            decide,
        ));
}

/// "14:05 UTC on 29 November 2026": when the session began, so a moderator notices a session
/// they did not start.
fn signed_in_since(time: OffsetDateTime) -> String {
    time.format(time::macros::format_description!(
        "[hour]:[minute] UTC on [day padding:none] [month repr:long] [year]"
    ))
    .unwrap_or_default()
}

/// Sets the cookie `name` (`COOKIE` or `DEVICE_COOKIE`); empty with no age deletes it.
fn set_cookie(
    response: &mut HttpResponse,
    request: &HttpRequest,
    name: &'static str,
    value: &str,
    max_age: i64,
) {
    let secure = is_secure(request);
    let cookie = site_cookie(
        cookie_name(name, secure),
        value.to_owned(),
        Some(max_age),
        secure,
    );
    cookies::set(response, &cookie);
}

/// The sign-in page, empty or again with the name typed and what to do.
struct SignInAgain<'a> {
    generation: &'a Current,
    discussion: &'a Discussion,
    visitor: &'a Visitor,
    name: &'a str,
}

impl SignInAgain<'_> {
    fn show(
        &self,
        status: StatusCode,
        error: Option<&str>,
        notice: Option<&str>,
    ) -> Result<HttpResponse, PageError> {
        self.show_at(
            status,
            error.map(|message| ("moderator-name", message)),
            notice,
        )
    }

    /// The page with `error` (the field it is about, and what to do).
    fn show_at(
        &self,
        status: StatusCode,
        error: Option<(&str, &str)>,
        notice: Option<&str>,
    ) -> Result<HttpResponse, PageError> {
        let title = if error.is_some() {
            "Error: Sign in to moderate"
        } else {
            "Sign in to moderate"
        };
        let page = LoginPage {
            layout: Layout::unlisted(
                title,
                "Sign in to moderate reader posts.",
                &self.generation.site.settings,
            ),
            csrf_token: self.discussion.csrf.token(
                Purpose::SignIn {
                    visitor: &self.visitor.value,
                },
                OffsetDateTime::now_utc(),
            ),
            name: self.name.to_owned(),
            problem: None,
            errors: error
                .map(|(target, message)| ErrorLink {
                    target_id: target.to_owned(),
                    message: message.to_owned(),
                })
                .into_iter()
                .collect(),
            notice,
        };
        let mut response = private_page(status, &page)?;
        self.visitor.set_cookie(&mut response);
        Ok(response)
    }

    /// 429 before the password is checked: this name has had too many wrong passwords from
    /// browsers it was never signed in from. Said the same way for names that do not exist.
    fn account_paused(&self, wait: Duration) -> Result<HttpResponse, PageError> {
        metrics::record_rate_limited(RateLimited::SignInAccount);
        let message = format!(
            "Signing in with this name is paused for {} minutes after too many wrong passwords. \
             A browser you have signed in with before can still sign in",
            wait.as_secs().div_ceil(60).max(1)
        );
        let mut response = self.show(StatusCode::TOO_MANY_REQUESTS, Some(&message), None)?;
        retry_after(&mut response, wait);
        Ok(response)
    }

    /// 429: this client has tried too often, in all or for this name.
    fn too_many_attempts(&self, wait: Duration) -> Result<HttpResponse, PageError> {
        metrics::record_rate_limited(RateLimited::SignIn);
        let message = format!(
            "Too many sign-in attempts. Wait {} minutes, then try again",
            wait.as_secs().div_ceil(60).max(1)
        );
        let mut response = self.show(StatusCode::TOO_MANY_REQUESTS, Some(&message), None)?;
        retry_after(&mut response, wait);
        Ok(response)
    }
}

/// `GET /moderate/login`.
async fn login_form(
    request: HttpRequest,
    generation: Current,
    DiscussionOn(discussion): DiscussionOn,
    visitor: Visitor,
) -> Result<HttpResponse, PageError> {
    match signed_in(&request, &discussion).await {
        Ok(Some(_)) => return Ok(see_other(QUEUE_PATH)),
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "could not check a moderator session"),
    }
    let signed_out = request.query_string() == "signed-out=1";
    let page = SignInAgain {
        generation: &generation,
        discussion: &discussion,
        visitor: &visitor,
        name: "",
    };
    page.show(
        StatusCode::OK,
        None,
        signed_out.then_some("You have signed out."),
    )
}

/// `POST /moderate/login`.
async fn login(
    request: HttpRequest,
    payload: web::Payload,
    generation: Current,
    DiscussionOn(discussion): DiscussionOn,
    visitor: Visitor,
    ClientAddress(client): ClientAddress,
) -> Result<HttpResponse, PageError> {
    let body = read_body(&request, payload, FormKind::Moderation).await?;
    let form = Form::parse(&body);
    let name = form.text("name").trim().to_owned();
    let now = OffsetDateTime::now_utc();
    let again = SignInAgain {
        generation: &generation,
        discussion: &discussion,
        visitor: &visitor,
        name: &name,
    };
    if visitor.is_new {
        return again.show(StatusCode::FORBIDDEN, Some(COOKIES_BLOCKED), None);
    }
    if csrf::is_cross_site(&request, &generation.site.settings.base_url)
        || !discussion.csrf.verify(
            Purpose::SignIn {
                visitor: &visitor.value,
            },
            &form.text("csrf-token"),
            now,
        )
    {
        return again.show(
            StatusCode::FORBIDDEN,
            Some("The sign-in form expired. Enter your name and password again"),
            None,
        );
    }
    let known_browser = cookie_values(&request, &cookie_name(DEVICE_COOKIE, is_secure(&request)))
        .iter()
        .any(|value| discussion.devices.is_for(value, &name));
    let attempt = Attempt {
        name: &name,
        password: form.text("password"),
        code: &form.text("code"),
        client,
        known_browser,
        name_hash_for_log: discussion.devices.name_hash_for_log(&name),
        now,
    };
    let sign_in = SignIn {
        storage: &discussion.storage,
        limits: &discussion.limits,
    };
    let outcome = sign_in
        .sign_in(attempt)
        .await
        .map_err(|unavailable| PageError::unavailable(unavailable.context)(unavailable.error))?;
    match outcome {
        SignInOutcome::SignedIn { token } => {
            Ok(signed_in_response(&request, &discussion, &name, &token))
        }
        SignInOutcome::Incomplete => again.show(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Enter your name and password"),
            None,
        ),
        SignInOutcome::TooManyAttempts(wait) => again.too_many_attempts(wait),
        SignInOutcome::AccountPaused(wait) => again.account_paused(wait),
        SignInOutcome::WrongPassword => {
            again.show_at(StatusCode::UNAUTHORIZED, Some(WRONG_PASSWORD), None)
        }
        SignInOutcome::WrongCode => again.show_at(StatusCode::UNAUTHORIZED, Some(WRONG_CODE), None),
    }
}

/// To the queue, with the new session's cookie and a renewed device cookie for this browser.
fn signed_in_response(
    request: &HttpRequest,
    discussion: &Discussion,
    name: &str,
    token: &str,
) -> HttpResponse {
    let mut response = see_other(QUEUE_PATH);
    set_cookie(
        &mut response,
        request,
        COOKIE,
        token,
        SESSION_LENGTH.whole_seconds(),
    );
    set_cookie(
        &mut response,
        request,
        DEVICE_COOKIE,
        &discussion.devices.issue(name),
        DEVICE_LIFETIME.whole_seconds(),
    );
    response
}

/// What to fix after a wrong password or code: the field, and the words.
const WRONG_PASSWORD: (&str, &str) = ("moderator-name", "Enter a correct name and password");
const WRONG_CODE: (&str, &str) = (
    "moderator-code",
    "Enter the 6-digit code your authenticator app shows now, or one of your recovery codes",
);

/// Reads a moderator's form post and checks its token is this session's: nothing a moderator
/// changes is changed from another site or with an old page.
async fn check_moderator_form(
    request: &HttpRequest,
    payload: web::Payload,
    moderator: &Moderator,
    generation: &Current,
) -> Result<(), PageError> {
    let body = read_body(request, payload, FormKind::Moderation).await?;
    let form = Form::parse(&body);
    if csrf::is_cross_site(request, &generation.site.settings.base_url)
        || !moderator.discussion.csrf.verify(
            Purpose::Moderate {
                session_hash: &moderator.session.token_hash,
            },
            &form.text("csrf-token"),
            OffsetDateTime::now_utc(),
        )
    {
        return Err(PageError::FormExpired);
    }
    Ok(())
}

/// `POST /moderate/logout`.
async fn logout(
    request: HttpRequest,
    payload: web::Payload,
    generation: Current,
    moderator: Moderator,
) -> Result<HttpResponse, PageError> {
    check_moderator_form(&request, payload, &moderator, &generation).await?;
    moderator
        .discussion
        .storage
        .delete_session(&moderator.session.token_hash)
        .await
        .map_err(PageError::unavailable("could not end a moderator session"))?;
    let mut response = see_other(&format!("{LOGIN_PATH}?signed-out=1"));
    // The device cookie stays: this browser is still one the moderator uses.
    set_cookie(&mut response, &request, COOKIE, "", 0);
    Ok(response)
}

/// How many recently approved posts `/moderate` offers to take down.
const RECENTLY_APPROVED: i64 = 20;
/// Pending posts per page of the queue: a page stays small however long the queue grows.
pub const QUEUE_PAGE_SIZE: i64 = 50;
/// Posts longer than this (in characters) show their start, with the whole text one click away.
const PREVIEW_CHARS: usize = 300;

/// What `/moderate?page=2&done=approved` asks for: a page number from 1, and a notice.
fn queue_query(query: &str) -> (i64, Option<&'static str>) {
    let mut page = 1;
    let mut notice = None;
    for (key, value) in query.split('&').filter_map(|pair| pair.split_once('=')) {
        match (key, value) {
            ("page", number) => page = number.parse::<i64>().unwrap_or(1).clamp(1, 1_000_000),
            ("done", "approved") => notice = Some("Post approved. It now shows under its article."),
            ("done", "rejected") => notice = Some("Post rejected. It will not be shown."),
            ("done", "removed") => {
                notice = Some(
                    "Post removed. Its text, name and email are deleted; its number now says it was removed by a moderator.",
                );
            }
            ("done", "gone") => {
                notice = Some("That post had already been moderated, so nothing was changed.");
            }
            _ => {}
        }
    }
    (page, notice)
}

fn pending_view(generation: &Current, post: PendingPost) -> PendingView {
    let article = generation.library.get(&post.article_slug);
    let length = post.text.chars().count();
    let preview = (length > PREVIEW_CHARS).then(|| {
        let start: String = post.text.chars().take(PREVIEW_CHARS).collect();
        format!("{}…", start.trim_end())
    });
    PendingView {
        id: post.id,
        article_title: article.map_or_else(
            || post.article_slug.clone(),
            |article| article.front.title.clone(),
        ),
        article_href: article_path(&post.article_slug),
        red_flags: red_flags(&post.text)
            .iter()
            .map(|flag| flag.label)
            .collect(),
        paragraphs: render_text(&post.text, &EarlierPosters::new()),
        preview,
        length,
        display_name: post.display_name,
        email: post.email,
        date: DateView::from(post.created_at),
        approve_action: format!("/moderate/posts/{}/approve", post.id),
        reject_action: format!("/moderate/posts/{}/reject", post.id),
        remove_action: format!("/moderate/posts/{}/remove", post.id),
    }
}

/// `GET /moderate`: one page of pending posts, oldest first, then recently approved ones.
async fn queue(
    request: HttpRequest,
    generation: Current,
    moderator: Moderator,
) -> Result<HttpResponse, PageError> {
    let Moderator {
        discussion,
        session,
    } = moderator;
    let (page, notice) = queue_query(request.query_string());
    const QUEUE_UNREADABLE: &str = "could not read the moderation queue";
    let waiting = discussion
        .storage
        .pending_total()
        .await
        .map_err(PageError::unavailable(QUEUE_UNREADABLE))?;
    let pages = (waiting + QUEUE_PAGE_SIZE - 1) / QUEUE_PAGE_SIZE;
    let page = page.min(pages.max(1));
    let pending = discussion
        .storage
        .pending_posts(QUEUE_PAGE_SIZE, (page - 1) * QUEUE_PAGE_SIZE)
        .await
        .map_err(PageError::unavailable(QUEUE_UNREADABLE))?;
    let recently_approved = discussion
        .storage
        .recently_approved(RECENTLY_APPROVED)
        .await
        .map_err(PageError::unavailable(
            "could not read the recently approved posts",
        ))?;
    let first = (page - 1) * QUEUE_PAGE_SIZE + 1;
    let posts: Vec<PendingView> = pending
        .into_iter()
        .map(|post| pending_view(&generation, post))
        .collect();
    let recently_approved = recently_approved
        .into_iter()
        .map(|post| pending_view(&generation, post))
        .collect();
    // The count in the title shows on the browser tab, so a moderator sees work is waiting.
    let title = format!("Posts waiting for a moderator ({waiting})");
    let page_view = QueuePage {
        layout: Layout::unlisted(
            &title,
            "Reader posts waiting for a moderator.",
            &generation.site.settings,
        ),
        signed_in_since: signed_in_since(session.since),
        recently_approved,
        csrf_token: discussion.csrf.token(
            Purpose::Moderate {
                session_hash: &session.token_hash,
            },
            OffsetDateTime::now_utc(),
        ),
        moderator: session.moderator,
        waiting,
        shown_from: first,
        shown_to: first + posts.len() as i64 - 1,
        newer_page: (page < pages).then(|| format!("{QUEUE_PATH}?page={}", page + 1)),
        older_page: (page > 1).then(|| format!("{QUEUE_PATH}?page={}", page - 1)),
        posts,
        notice,
    };
    private_page(StatusCode::OK, &page_view)
}

/// The post and the decision named by `/moderate/posts/{id}/{decision}`; a 404 for anything
/// else, before the session is even looked at.
struct ModerationTarget {
    id: i64,
    decision: Moderation,
}

impl FromRequest for ModerationTarget {
    type Error = PageError;
    type Future = Ready<Result<Self, PageError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let info = request.match_info();
        let id = info.get("id").and_then(|id| id.parse::<i64>().ok());
        let decision = match info.get("decision") {
            Some("approve") => Some(Moderation::Approve),
            Some("reject") => Some(Moderation::Reject),
            Some("remove") => Some(Moderation::Remove),
            _ => None,
        };
        ready(match (id, decision) {
            (Some(id), Some(decision)) => Ok(ModerationTarget { id, decision }),
            _ => Err(PageError::NotFound),
        })
    }
}

/// `POST /moderate/posts/{id}/approve`, `.../reject` or `.../remove`.
async fn decide(
    request: HttpRequest,
    payload: web::Payload,
    ModerationTarget { id, decision }: ModerationTarget,
    generation: Current,
    moderator: Moderator,
) -> Result<HttpResponse, PageError> {
    check_moderator_form(&request, payload, &moderator, &generation).await?;
    let name = &moderator.session.moderator;
    let moderated = moderator
        .discussion
        .storage
        .moderate(id, decision, name, OffsetDateTime::now_utc())
        .await
        .map_err(PageError::unavailable("could not moderate a post"))?;
    let Some(moderated) = moderated else {
        return Ok(see_other("/moderate?done=gone"));
    };
    moderator
        .discussion
        .pages
        .invalidate(&moderated.article_slug);
    tracing::info!(id, moderator = name, ?decision, "a post was moderated");
    Ok(see_other(match decision {
        Moderation::Approve => "/moderate?done=approved",
        Moderation::Reject => "/moderate?done=rejected",
        Moderation::Remove => "/moderate?done=removed",
    }))
}
