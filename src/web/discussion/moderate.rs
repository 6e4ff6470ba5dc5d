//! The moderators' pages: sign in and out, the queue of pending posts, approve and reject.
//! A session is a random token in an `HttpOnly`, `SameSite=Strict` cookie scoped to
//! `/moderate`; the database keeps only its SHA-256 hash. Every form carries a token bound to
//! the session (or, for signing in, to the login form).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use time::OffsetDateTime;

use super::csrf;
use super::form::{Form, read_body};
use super::views::{DateView, ErrorLink, LoginPage, PendingView, QueuePage};
use super::{
    COOKIES_BLOCKED, Discussion, Visitor, current, discussion, message_page, not_allowed,
    private_page, refusal_page, see_other,
};
use crate::discussion::moderators::{self, new_session_token, token_hash};
use crate::discussion::{
    Decision as Moderation, EarlierPosters, PendingPost, red_flags, render_text,
};
use crate::rate_limit::{Decision, bucket_key};
use crate::web::AppState;
use crate::web::retry_after;
use crate::web::site::{Site, article_path};

pub const QUEUE_PATH: &str = "/moderate";
pub const LOGIN_PATH: &str = "/moderate/login";
pub const LOGOUT_PATH: &str = "/moderate/logout";
pub const COOKIE: &str = "backcare_moderator";
/// How long a moderator stays signed in at most.
pub const SESSION_LENGTH: time::Duration = time::Duration::hours(12);
/// A session unused for this long ends too (`DiscussionConfig::session_idle`).
pub const SESSION_IDLE: time::Duration = time::Duration::minutes(30);
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

/// The signed-in moderator, found from the session cookie.
struct SignedIn {
    moderator: String,
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

async fn signed_in(
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

/// Whether the browser talks to us over https (directly, or through a trusted proxy).
pub(super) fn is_https(request: &HttpRequest, state: &AppState) -> bool {
    let protection = &state.protection;
    protection.https
        || (!protection.trusted_proxies.is_empty()
            && protection.trusted_proxies.forwarded_https(
                request.peer_addr().map(|address| address.ip()),
                request.headers(),
            ))
}

fn cookie_header(value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{COOKIE}={value}; Path=/moderate; Max-Age={max_age}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

fn unavailable(site: &Site) -> HttpResponse {
    let mut response = message_page(
        site,
        StatusCode::SERVICE_UNAVAILABLE,
        "Moderation is not working right now",
        "We cannot reach the database of posts. Nothing was changed. Please try again in a few minutes.",
    );
    retry_after(&mut response, Duration::from_secs(60));
    response
}

fn login_page(
    site: &Site,
    discussion: &Discussion,
    visitor: &Visitor,
    status: StatusCode,
    name: &str,
    error: Option<&str>,
    notice: Option<&str>,
) -> HttpResponse {
    let title = if error.is_some() {
        "Error: Sign in to moderate"
    } else {
        "Sign in to moderate"
    };
    let mut layout = super::Layout::new(
        title,
        "Sign in to moderate reader posts.",
        "",
        &site.settings,
    );
    layout.noindex = true;
    let page = LoginPage {
        layout,
        csrf_token: discussion.csrf.token(
            &csrf::login_purpose(&visitor.value),
            OffsetDateTime::now_utc(),
        ),
        name: name.to_owned(),
        errors: error
            .map(|message| ErrorLink {
                target_id: "moderator-name".to_owned(),
                message: message.to_owned(),
            })
            .into_iter()
            .collect(),
        notice,
    };
    let mut response = private_page(site, status, &page);
    visitor.set_cookie(&mut response);
    response
}

/// `GET /moderate/login`.
async fn login_form(request: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let generation = current(&state);
    let site = &generation.site;
    let Some(discussion) = discussion(&state) else {
        return super::super::error_response(StatusCode::NOT_FOUND, &site.not_found);
    };
    match signed_in(&request, &discussion).await {
        Ok(Some(_)) => return see_other(QUEUE_PATH),
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "could not check a moderator session"),
    }
    let signed_out = request.query_string() == "signed-out=1";
    login_page(
        site,
        &discussion,
        &Visitor::of(&request, &state),
        StatusCode::OK,
        "",
        None,
        signed_out.then_some("You have signed out."),
    )
}

/// `POST /moderate/login`.
async fn login(
    request: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let generation = current(&state);
    let site = &generation.site;
    let Some(discussion) = discussion(&state) else {
        return super::super::error_response(StatusCode::NOT_FOUND, &site.not_found);
    };
    let body = match read_body(&request, payload).await {
        Ok(body) => body,
        Err(refusal) => return refusal_page(site, refusal),
    };
    let form = Form::parse(&body);
    let name = form.text("name").trim().to_owned();
    let password = form.text("password");
    let now = OffsetDateTime::now_utc();
    let visitor = Visitor::of(&request, &state);
    if visitor.is_new {
        return login_page(
            site,
            &discussion,
            &visitor,
            StatusCode::FORBIDDEN,
            &name,
            Some(COOKIES_BLOCKED),
            None,
        );
    }
    if csrf::is_cross_site(&request, &site.settings.base_url)
        || !discussion.csrf.verify(
            &csrf::login_purpose(&visitor.value),
            &form.text("csrf-token"),
            now,
        )
    {
        return login_page(
            site,
            &discussion,
            &visitor,
            StatusCode::FORBIDDEN,
            &name,
            Some("The sign-in form expired. Enter your name and password again"),
            None,
        );
    }
    let limited = |wait: Duration| {
        let message = format!(
            "Too many sign-in attempts. Wait {} minutes, then try again",
            wait.as_secs().div_ceil(60).max(1)
        );
        let mut response = login_page(
            site,
            &discussion,
            &visitor,
            StatusCode::TOO_MANY_REQUESTS,
            &name,
            Some(&message),
            None,
        );
        retry_after(&mut response, wait);
        response
    };
    // Every attempt costs the client a token, so a failing client is slowed down.
    let client = state.client_ip(&request);
    let decision = match client {
        Some(client) => discussion.limits.check_sign_in(client).await,
        None => Ok(Decision::Allowed),
    };
    match decision {
        Ok(Decision::Limited { retry_after: wait }) => {
            crate::web::metrics::record_rate_limited("sign_in");
            return limited(wait);
        }
        Ok(Decision::Allowed) => {}
        // The limits are part of the defence: without them, no sign-in.
        Err(error) => {
            tracing::error!(%error, "could not check the sign-in limits");
            return unavailable(site);
        }
    }
    if name.is_empty() || password.is_empty() {
        return login_page(
            site,
            &discussion,
            &visitor,
            StatusCode::UNPROCESSABLE_ENTITY,
            &name,
            Some("Enter your name and password"),
            None,
        );
    }
    let stored = match discussion.storage.password_hash(&name).await {
        Ok(stored) => stored,
        Err(error) => {
            tracing::error!(%error, "could not read a moderator");
            return unavailable(site);
        }
    };
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
        match discussion.limits.sign_in_blocked(&name, client).await {
            Ok(Some(wait)) => {
                crate::web::metrics::record_rate_limited("sign_in");
                return limited(wait);
            }
            Ok(None) => {}
            Err(error) => {
                tracing::error!(%error, "could not check the sign-in limits");
                return unavailable(site);
            }
        }
        if let Err(error) = discussion
            .limits
            .record_sign_in_failure(&name, client)
            .await
        {
            tracing::error!(%error, "could not record a failed sign-in");
        }
        return login_page(
            site,
            &discussion,
            &visitor,
            StatusCode::UNAUTHORIZED,
            &name,
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
    if let Err(error) = discussion
        .storage
        .create_session(&token_hash(&token), &name, now, now + SESSION_LENGTH)
        .await
    {
        tracing::error!(%error, "could not store a moderator session");
        return unavailable(site);
    }
    tracing::info!(moderator = name, "a moderator signed in");
    let mut response = see_other(QUEUE_PATH);
    if let Ok(value) = HeaderValue::from_str(&cookie_header(
        &token,
        SESSION_LENGTH.whole_seconds(),
        is_https(&request, &state),
    )) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Reads a moderator's form post: the session and its form token must both be good.
enum Checked {
    Ok(SignedIn),
    Respond(HttpResponse),
}

async fn check_moderator_post(
    request: &HttpRequest,
    payload: web::Payload,
    site: &Site,
    discussion: &Discussion,
) -> Checked {
    let body = match read_body(request, payload).await {
        Ok(body) => body,
        Err(refusal) => return Checked::Respond(refusal_page(site, refusal)),
    };
    let signed_in = match signed_in(request, discussion).await {
        Ok(Some(signed_in)) => signed_in,
        Ok(None) => return Checked::Respond(see_other(LOGIN_PATH)),
        Err(error) => {
            tracing::error!(%error, "could not check a moderator session");
            return Checked::Respond(unavailable(site));
        }
    };
    let form = Form::parse(&body);
    if csrf::is_cross_site(request, &site.settings.base_url)
        || !discussion.csrf.verify(
            &moderate_purpose(&signed_in.token_hash),
            &form.text("csrf-token"),
            OffsetDateTime::now_utc(),
        )
    {
        return Checked::Respond(message_page(
            site,
            StatusCode::FORBIDDEN,
            "This form has expired",
            "Nothing was changed. Go back to the moderation page, reload it and try again.",
        ));
    }
    Checked::Ok(signed_in)
}

/// `POST /moderate/logout`.
async fn logout(
    request: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let generation = current(&state);
    let site = &generation.site;
    let Some(discussion) = discussion(&state) else {
        return super::super::error_response(StatusCode::NOT_FOUND, &site.not_found);
    };
    let signed_in = match check_moderator_post(&request, payload, site, &discussion).await {
        Checked::Ok(signed_in) => signed_in,
        Checked::Respond(response) => return response,
    };
    if let Err(error) = discussion
        .storage
        .delete_session(&signed_in.token_hash)
        .await
    {
        tracing::error!(%error, "could not end a moderator session");
        return unavailable(site);
    }
    let mut response = see_other(&format!("{LOGIN_PATH}?signed-out=1"));
    if let Ok(value) = HeaderValue::from_str(&cookie_header("", 0, is_https(&request, &state))) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// How many recently approved posts `/moderate` offers to take down.
const RECENTLY_APPROVED: i64 = 20;

/// `GET /moderate`: pending posts, oldest first, then recently approved ones.
async fn queue(request: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let generation = current(&state);
    let site = &generation.site;
    let Some(discussion) = discussion(&state) else {
        return super::super::error_response(StatusCode::NOT_FOUND, &site.not_found);
    };
    let signed_in = match signed_in(&request, &discussion).await {
        Ok(Some(signed_in)) => signed_in,
        Ok(None) => return see_other(LOGIN_PATH),
        Err(error) => {
            tracing::error!(%error, "could not check a moderator session");
            return unavailable(site);
        }
    };
    let pending = match discussion.storage.pending_posts().await {
        Ok(pending) => pending,
        Err(error) => {
            tracing::error!(%error, "could not read the moderation queue");
            return unavailable(site);
        }
    };
    let recently_approved = match discussion
        .storage
        .recently_approved(RECENTLY_APPROVED)
        .await
    {
        Ok(posts) => posts,
        Err(error) => {
            tracing::error!(%error, "could not read the recently approved posts");
            return unavailable(site);
        }
    };
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
    let mut layout = super::Layout::new(
        &title,
        "Reader posts waiting for a moderator.",
        "",
        &site.settings,
    );
    layout.noindex = true;
    let page = QueuePage {
        layout,
        signed_in_since: signed_in_since(signed_in.since),
        recently_approved,
        csrf_token: discussion.csrf.token(
            &moderate_purpose(&signed_in.token_hash),
            OffsetDateTime::now_utc(),
        ),
        moderator: signed_in.moderator,
        posts,
        notice,
    };
    private_page(site, StatusCode::OK, &page)
}

/// `POST /moderate/posts/{id}/approve`, `.../reject` or `.../remove`.
async fn decide(
    request: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let generation = current(&state);
    let site = &generation.site;
    let Some(discussion) = discussion(&state) else {
        return super::super::error_response(StatusCode::NOT_FOUND, &site.not_found);
    };
    let id = request
        .match_info()
        .get("id")
        .and_then(|id| id.parse::<i64>().ok());
    let decision = match request.match_info().get("decision") {
        Some("approve") => Some(Moderation::Approve),
        Some("reject") => Some(Moderation::Reject),
        Some("remove") => Some(Moderation::Remove),
        _ => None,
    };
    let (Some(id), Some(decision)) = (id, decision) else {
        return super::super::error_response(StatusCode::NOT_FOUND, &site.not_found);
    };
    let signed_in = match check_moderator_post(&request, payload, site, &discussion).await {
        Checked::Ok(signed_in) => signed_in,
        Checked::Respond(response) => return response,
    };
    match discussion
        .storage
        .moderate(
            id,
            decision,
            &signed_in.moderator,
            OffsetDateTime::now_utc(),
        )
        .await
    {
        Ok(Some(moderated)) => {
            discussion.pages.invalidate(&moderated.article_slug);
            tracing::info!(
                id,
                moderator = signed_in.moderator,
                ?decision,
                "a post was moderated"
            );
            see_other(match decision {
                Moderation::Approve => "/moderate?done=approved",
                Moderation::Reject => "/moderate?done=rejected",
                Moderation::Remove => "/moderate?done=removed",
            })
        }
        Ok(None) => see_other("/moderate?done=gone"),
        Err(error) => {
            tracing::error!(%error, id, "could not moderate a post");
            unavailable(site)
        }
    }
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
