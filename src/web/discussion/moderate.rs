//! The moderators' pages: sign in and out, the queue of pending posts, approve and reject.
//! A session is a random token in an `HttpOnly`, `SameSite=Strict` cookie scoped to
//! `/moderate`; the database keeps only its SHA-256 hash. Every form carries a token bound to
//! the session (or, for signing in, to the login form).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use time::OffsetDateTime;

use super::csrf;
use super::views::{LoginPage, PendingView, QueuePage};
use super::{COOKIES_BLOCKED, Discussion, Visitor, not_allowed, see_other};
use crate::discussion::moderators::{self, new_session_token, token_hash};
use crate::discussion::{EarlierPosters, Moderation, PendingPost, red_flags, render_text};
use crate::rate_limit::{Decision, bucket_key};
use crate::web::AppState;
use crate::web::error::{PageError, retry_after};
use crate::web::extract::{ClientAddress, Current, DiscussionOn, Moderator};
use crate::web::form::{Form, FormKind, read_body};
use crate::web::pages::{DateView, ErrorLink, Layout, private_page};
use crate::web::paths::article_path;
pub use crate::web::paths::{LOGIN_PATH, LOGOUT_PATH, QUEUE_PATH};

pub const COOKIE: &str = "backcare_moderator";
/// How long a moderator stays signed in at most.
pub const SESSION_LENGTH: time::Duration = time::Duration::hours(12);
/// Wrong passwords for one name from one client are counted over this long.
pub const NAME_FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Wrong passwords per (moderator name, client), so one client cannot keep guessing one
/// account's password, while a stranger's wrong guesses never lock the moderator out: the lock
/// is on the pair, never on the name alone. Bounded: the oldest entries are forgotten first.
pub struct SignInFailures {
    max: usize,
    failures: Mutex<HashMap<NameAndClient, VecDeque<Instant>>>,
}

/// The typed name (trimmed, lower case) and the client's rate-limit key.
type NameAndClient = (String, Option<IpAddr>);

const REMEMBERED_NAMES: usize = 10_000;

impl SignInFailures {
    pub fn new(max: u32) -> Self {
        SignInFailures {
            max: max.max(1) as usize,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Names are compared as typed, ignoring case and surrounding space; an IPv6 client is its
    /// /64, as for every other per-client limit.
    fn key(name: &str, client: Option<IpAddr>) -> NameAndClient {
        (name.trim().to_lowercase(), client.map(bucket_key))
    }

    fn recent(times: &mut VecDeque<Instant>, now: Instant) {
        while times
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= NAME_FAILURE_WINDOW)
        {
            times.pop_front();
        }
    }

    /// How long until `client` may try `name` again, if it has had too many wrong passwords.
    pub fn blocked(&self, name: &str, client: Option<IpAddr>, now: Instant) -> Option<Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let times = failures.get_mut(&Self::key(name, client))?;
        Self::recent(times, now);
        (times.len() >= self.max).then(|| {
            let oldest = times.front().copied().unwrap_or(now);
            NAME_FAILURE_WINDOW.saturating_sub(now.saturating_duration_since(oldest))
        })
    }

    pub fn record(&self, name: &str, client: Option<IpAddr>, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        if failures.len() >= REMEMBERED_NAMES {
            failures.retain(|_, times| {
                Self::recent(times, now);
                !times.is_empty()
            });
            if failures.len() >= REMEMBERED_NAMES {
                failures.clear();
            }
        }
        let times = failures.entry(Self::key(name, client)).or_default();
        Self::recent(times, now);
        times.push_back(now);
    }

    pub fn clear(&self, name: &str, client: Option<IpAddr>) {
        self.failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&Self::key(name, client));
    }
}

/// A typed sign-in name as it may appear in the log: at most 64 characters, and written with
/// `?` (Debug) so control characters are escaped and cannot forge log lines.
fn name_for_log(name: &str) -> String {
    name.chars().take(64).collect()
}

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource(QUEUE_PATH)
                .route(web::get().to(queue))
                .route(web::head().to(queue))
                .default_service(not_allowed("GET, HEAD")),
        )
        .service(
            web::resource(LOGIN_PATH)
                .route(web::get().to(login_form))
                .route(web::head().to(login_form))
                .route(web::post().to(login))
                .default_service(not_allowed("GET, HEAD, POST")),
        )
        .service(
            web::resource(LOGOUT_PATH)
                .route(web::post().to(logout))
                .default_service(not_allowed("POST")),
        )
        .service(
            web::resource("/moderate/posts/{id}/{decision}")
                .route(web::post().to(decide))
                .default_service(not_allowed("POST")),
        );
}

/// The signed-in moderator, found from the session cookie (see `extract::Moderator`).
pub struct SignedIn {
    pub moderator: String,
    token_hash: String,
    since: OffsetDateTime,
}

fn session_cookie(request: &HttpRequest) -> Option<String> {
    request
        .headers()
        .get_all(header::COOKIE)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The session this request's cookie belongs to, if it is one and still current.
pub(crate) async fn signed_in(
    request: &HttpRequest,
    discussion: &Discussion,
) -> Result<Option<SignedIn>, crate::discussion::StoreError> {
    let Some(token) = session_cookie(request) else {
        return Ok(None);
    };
    let token_hash = token_hash(&token);
    let session = discussion
        .storage
        .session(
            &token_hash,
            OffsetDateTime::now_utc(),
            discussion.session_idle,
        )
        .await?;
    Ok(session.map(|session| SignedIn {
        moderator: session.moderator,
        token_hash,
        since: session.created_at,
    }))
}

/// "14:05 UTC on 29 November 2026": when the session began, so a moderator notices a session
/// they did not start.
fn signed_in_since(time: OffsetDateTime) -> String {
    time.format(time::macros::format_description!(
        "[hour]:[minute] UTC on [day padding:none] [month repr:long] [year]"
    ))
    .unwrap_or_default()
}

fn moderate_purpose(token_hash: &str) -> String {
    format!("moderate:{token_hash}")
}

fn cookie_header(value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{COOKIE}={value}; Path=/moderate; Max-Age={max_age}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The session cookie to set (or, empty with no age, to delete).
fn set_session_cookie(
    response: &mut HttpResponse,
    request: &HttpRequest,
    token: &str,
    max_age: i64,
) {
    let secure = request
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.protection.is_https(request.head()));
    if let Ok(value) = HeaderValue::from_str(&cookie_header(token, max_age, secure)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
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
                &csrf::login_purpose(&self.visitor.value),
                OffsetDateTime::now_utc(),
            ),
            name: self.name.to_owned(),
            problem: None,
            errors: error
                .map(|message| ErrorLink {
                    target_id: "moderator-name".to_owned(),
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

    /// 429: this client has tried too often, in all or for this name.
    fn too_many_attempts(&self, wait: Duration) -> Result<HttpResponse, PageError> {
        crate::web::metrics::record_rate_limited("sign_in");
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
    let password = form.text("password");
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
            &csrf::login_purpose(&visitor.value),
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
    // Every attempt costs the client a token, so a failing client is slowed down.
    let decision = match client {
        Some(client) => discussion.limits.check_sign_in(client).await,
        None => Ok(Decision::Allowed),
    };
    // The limits are part of the defence: without them, no sign-in.
    let decision =
        decision.map_err(PageError::unavailable("could not check the sign-in limits"))?;
    if let Decision::Limited { retry_after: wait } = decision {
        return again.too_many_attempts(wait);
    }
    if name.is_empty() || password.is_empty() {
        return again.show(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Enter your name and password"),
            None,
        );
    }
    let stored = discussion
        .storage
        .password_hash(&name)
        .await
        .map_err(PageError::unavailable("could not read a moderator"))?;
    // Argon2 is deliberately slow: keep it off the workers that answer other requests.
    let matches = tokio::task::spawn_blocking(move || {
        moderators::verify_password(&password, stored.as_deref())
    })
    .await
    .unwrap_or(false);
    if !matches {
        ::metrics::counter!("backcare_sign_in_failures_total").increment(1);
        // Security telemetry, documented in the README: the name typed and the client address,
        // never the password.
        tracing::warn!(
            moderator = ?name_for_log(&name),
            client = %client.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()),
            "a moderator sign-in failed"
        );
        // The lock is checked only once the password is wrong, so the right password always
        // works; a client that keeps guessing one name is told to wait, and its per-client
        // allowance (above) is what slows the guessing down.
        if let Some(wait) = discussion
            .limits
            .sign_in_blocked(&name, client)
            .await
            .map_err(PageError::unavailable("could not check the sign-in limits"))?
        {
            return again.too_many_attempts(wait);
        }
        if let Err(error) = discussion
            .limits
            .record_sign_in_failure(&name, client)
            .await
        {
            tracing::error!(%error, "could not record a failed sign-in");
        }
        return again.show(
            StatusCode::UNAUTHORIZED,
            Some("Enter a correct name and password"),
            None,
        );
    }
    if let Err(error) = discussion
        .limits
        .clear_sign_in_failures(&name, client)
        .await
    {
        tracing::warn!(%error, "could not clear the failed sign-ins of a moderator");
    }
    let token = new_session_token();
    discussion
        .storage
        .create_session(&token_hash(&token), &name, now, now + SESSION_LENGTH)
        .await
        .map_err(PageError::unavailable(
            "could not store a moderator session",
        ))?;
    tracing::info!(moderator = name, "a moderator signed in");
    let mut response = see_other(QUEUE_PATH);
    set_session_cookie(
        &mut response,
        &request,
        &token,
        SESSION_LENGTH.whole_seconds(),
    );
    Ok(response)
}

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
            &moderate_purpose(&moderator.session.token_hash),
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
    set_session_cookie(&mut response, &request, "", 0);
    Ok(response)
}

/// How many recently approved posts `/moderate` offers to take down.
const RECENTLY_APPROVED: i64 = 20;

/// `GET /moderate`: pending posts, oldest first, then recently approved ones.
async fn queue(
    request: HttpRequest,
    generation: Current,
    moderator: Moderator,
) -> Result<HttpResponse, PageError> {
    let Moderator {
        discussion,
        session,
    } = moderator;
    let pending = discussion
        .storage
        .pending_posts()
        .await
        .map_err(PageError::unavailable(
            "could not read the moderation queue",
        ))?;
    let recently_approved = discussion
        .storage
        .recently_approved(RECENTLY_APPROVED)
        .await
        .map_err(PageError::unavailable(
            "could not read the recently approved posts",
        ))?;
    let view = |post: PendingPost| {
        let article = generation.library.get(&post.article_slug);
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
            display_name: post.display_name,
            email: post.email,
            date: DateView::from(post.created_at),
            approve_action: format!("/moderate/posts/{}/approve", post.id),
            reject_action: format!("/moderate/posts/{}/reject", post.id),
            remove_action: format!("/moderate/posts/{}/remove", post.id),
        }
    };
    let posts: Vec<PendingView> = pending.into_iter().map(view).collect();
    let recently_approved: Vec<PendingView> = recently_approved.into_iter().map(view).collect();
    let notice = match request.query_string() {
        "done=approved" => Some("Post approved. It now shows under its article."),
        "done=rejected" => Some("Post rejected. It will not be shown."),
        "done=removed" => Some("Post removed. Its number now says it was removed by a moderator."),
        "done=gone" => Some("That post had already been moderated, so nothing was changed."),
        _ => None,
    };
    // The count in the title shows on the browser tab, so a moderator sees work is waiting.
    let title = format!("Posts waiting for a moderator ({})", posts.len());
    let page = QueuePage {
        layout: Layout::unlisted(
            &title,
            "Reader posts waiting for a moderator.",
            &generation.site.settings,
        ),
        signed_in_since: signed_in_since(session.since),
        recently_approved,
        csrf_token: discussion.csrf.token(
            &moderate_purpose(&session.token_hash),
            OffsetDateTime::now_utc(),
        ),
        moderator: session.moderator,
        posts,
        notice,
    };
    private_page(StatusCode::OK, &page)
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

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn wrong_passwords_lock_one_name_for_one_client_for_a_while() {
        let failures = SignInFailures::new(3);
        let start = Instant::now();
        let attacker = Some("192.0.2.1".parse().unwrap());
        let moderator = Some("198.51.100.7".parse().unwrap());
        for _ in 0..2 {
            failures.record("Alex", attacker, start);
        }
        assert_eq!(failures.blocked("alex", attacker, start), None);
        failures.record(" ALEX ", attacker, start);
        assert_eq!(
            failures.blocked("alex", attacker, start),
            Some(NAME_FAILURE_WINDOW)
        );
        assert!(failures.blocked("alex", moderator, start).is_none());
        assert!(failures.blocked("sam", attacker, start).is_none());
        let later = start + NAME_FAILURE_WINDOW;
        assert_eq!(failures.blocked("alex", attacker, later), None);
        failures.record("alex", attacker, later);
        failures.clear("alex", attacker);
        assert_eq!(failures.blocked("alex", attacker, later), None);
    }

    #[test]
    fn only_a_well_formed_session_cookie_is_read() {
        let token = "a".repeat(64);
        let request = TestRequest::get()
            .insert_header(("cookie", format!("other=1; {COOKIE}={token}")))
            .to_http_request();
        assert_eq!(session_cookie(&request), Some(token));
        for bad in ["short", &"g".repeat(64), ""] {
            let request = TestRequest::get()
                .insert_header(("cookie", format!("{COOKIE}={bad}")))
                .to_http_request();
            assert_eq!(session_cookie(&request), None, "{bad}");
        }
    }

    #[test]
    fn the_cookie_is_locked_down() {
        assert_eq!(
            cookie_header("abc", 60, true),
            "backcare_moderator=abc; Path=/moderate; Max-Age=60; HttpOnly; SameSite=Strict; Secure"
        );
        assert!(!cookie_header("abc", 60, false).contains("Secure"));
    }
}
