//! HTTP for the reader discussion: the article page with its posts and form, posting (PRG to a
//! thank-you page), and the moderators' pages (`moderate`). Handlers parse, call `discussion`
//! and render; every rule about posts lives in `crate::discussion`.

pub mod csrf;
pub mod form;
pub mod limits;
pub mod moderate;
pub mod page;
pub mod views;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use time::OffsetDateTime;

use self::csrf::Csrf;
use self::form::{Form, read_body};
use self::limits::Limits;
use self::page::{PageCache, PageKey, SplitPage};
use self::views::{
    DiscussionFragment, FORM_FIELDS_MARKER, FormView, PostFormPage, ThanksPage, form_fields,
    thanks_path, warning_signs_thanks_path,
};
use super::checker::BodyRefusal;
use super::pages::{ErrorPage, Layout};
use super::site::{HTML, NO_STORE, Page, Site, article_path};
use super::{AppState, Generation, metrics, retry_after, serve_page};
use crate::discussion::moderators::random_key;
use crate::discussion::store::Added;
use crate::discussion::{
    Field, NewPost, RawPost, SHOWN_POSTS, Storage, StoreError, StoredPost, red_flags, thread,
};
use crate::rate_limit::{Decision, RateLimit};

/// Everything `serve --comments moderated` needs to know.
#[derive(Debug, Clone)]
pub struct DiscussionConfig {
    /// `sqlite://...` or `postgres://...`.
    pub database_url: String,
    /// Signs form tokens; instances behind one proxy need the same. `None`: random per start.
    pub secret: Option<Vec<u8>>,
    /// Stored posts per client.
    pub post_limit: RateLimit,
    /// Sign-in attempts per client.
    pub login_limit: RateLimit,
    /// Wrong passwords allowed per (moderator name, client) in `NAME_FAILURE_WINDOW`.
    pub login_failures_per_name: u32,
    /// How long an article's posts are served from memory before the database is asked again.
    pub page_ttl: Duration,
    /// A moderator session unused for this long ends (on top of the 12-hour limit).
    pub session_idle: time::Duration,
    /// Rejected posts and email addresses older than this are purged at start-up and daily.
    pub retention: time::Duration,
}

impl DiscussionConfig {
    pub const POST_LIMIT: RateLimit = RateLimit {
        per_minute: 1,
        burst: 5,
    };
    pub const LOGIN_LIMIT: RateLimit = RateLimit {
        per_minute: 2,
        burst: 10,
    };

    pub fn new(database_url: impl Into<String>) -> Self {
        DiscussionConfig {
            database_url: database_url.into(),
            secret: None,
            post_limit: Self::POST_LIMIT,
            login_limit: Self::LOGIN_LIMIT,
            login_failures_per_name: 5,
            page_ttl: Duration::from_secs(2),
            session_idle: moderate::SESSION_IDLE,
            retention: crate::discussion::DEFAULT_RETENTION,
        }
    }
}

/// Reads the form-signing secret: `--secret-file` first, then `BACKCARE_SECRET`.
pub fn read_secret(file: Option<&Path>, env: Option<String>) -> std::io::Result<Option<Vec<u8>>> {
    let secret = match file {
        Some(path) => Some(std::fs::read(path)?),
        None => env.map(String::into_bytes),
    };
    let secret = secret.map(|bytes| bytes.trim_ascii().to_vec());
    match secret {
        Some(bytes) if bytes.len() < 16 => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the secret must be at least 16 characters",
        )),
        other => Ok(other),
    }
}

/// The discussion's shared state: the database, the signing key, limits and the page cache.
pub struct Discussion {
    pub storage: Storage,
    csrf: Csrf,
    /// Posts and sign-ins per client: in memory with SQLite, in the database with PostgreSQL.
    limits: Limits,
    pages: PageCache,
    session_idle: time::Duration,
}

impl std::fmt::Debug for Discussion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Discussion")
            .field("backend", &self.storage.backend())
            .finish_non_exhaustive()
    }
}

impl Discussion {
    /// Opens and migrates the database.
    pub async fn start(config: &DiscussionConfig) -> Result<Discussion, StoreError> {
        let storage = Storage::connect(&config.database_url).await?;
        spawn_daily_purge(storage.clone(), config.retention);
        let secret = config.secret.clone().unwrap_or_else(random_key);
        let limits = Limits::new(
            &storage,
            &secret,
            config.post_limit,
            config.login_limit,
            config.login_failures_per_name,
        );
        Ok(Discussion {
            storage,
            csrf: Csrf::new(secret),
            limits,
            pages: PageCache::new(config.page_ttl),
            session_idle: config.session_idle,
        })
    }

    /// A new post form's hidden fields for this browser: a fresh form id and its token.
    fn new_form_fields(&self, slug: &str, visitor: &str, now: OffsetDateTime) -> String {
        let form_id = csrf::new_random_id();
        let token = self
            .csrf
            .token(&csrf::post_purpose(slug, visitor, &form_id), now);
        form_fields(&form_id, &token)
    }

    /// The article at `split` with its discussion, from the cache when it is fresh.
    async fn article_page(&self, slug: &str, split: &SplitPage) -> Page {
        let now = Instant::now();
        let utc = OffsetDateTime::now_utc();
        let window = csrf::window(utc);
        if let Some(page) = self.pages.fresh(slug, split.id, window, now) {
            return page;
        }
        let posts = self.storage.approved_posts(slug, SHOWN_POSTS + 1).await;
        let mut hasher = DefaultHasher::new();
        let (posts, more, healthy) = match posts {
            Ok(mut posts) => {
                let more = posts.len() as i64 > SHOWN_POSTS;
                posts.truncate(SHOWN_POSTS as usize);
                posts
                    .iter()
                    .for_each(|post| (post.id, post.number).hash(&mut hasher));
                (posts, more, true)
            }
            Err(error) => {
                tracing::error!(%error, slug, "could not read an article's posts");
                "unavailable".hash(&mut hasher);
                (Vec::new(), false, false)
            }
        };
        let key = PageKey {
            split_id: split.id,
            window,
            version: hasher.finish(),
        };
        if let Some(page) = self.pages.revalidate(slug, key, now) {
            return page;
        }
        let fragment = DiscussionFragment {
            posts: thread(posts).into_iter().map(Into::into).collect(),
            unavailable: !healthy,
            shown_limit: more.then_some(SHOWN_POSTS),
            form: FormView::new(
                slug,
                FORM_FIELDS_MARKER.to_owned(),
                &RawPost::default(),
                &[],
            ),
        };
        let fragment = fragment.render().unwrap_or_else(|error| {
            // The article is still worth reading without its discussion.
            tracing::error!(%error, slug, "could not render a discussion");
            String::new()
        });
        self.pages
            .insert(slug, key, split.assemble(&fragment), healthy, now)
    }
}

/// Purges what is past `retention` now and then every day, for as long as the runtime runs.
/// Several instances on one database each do it; a purge is idempotent.
fn spawn_daily_purge(storage: Storage, retention: time::Duration) {
    tokio::spawn(async move {
        let mut daily = tokio::time::interval(crate::discussion::PURGE_INTERVAL);
        loop {
            daily.tick().await;
            match storage.purge(OffsetDateTime::now_utc() - retention).await {
                Ok(purged) => tracing::info!(
                    rejected_posts = purged.rejected_posts,
                    emails = purged.emails,
                    retention_days = retention.whole_days(),
                    "purged old discussion data"
                ),
                Err(error) => tracing::error!(%error, "could not purge old discussion data"),
            }
        }
    });
}

/// The discussion's routes, added only with `--comments moderated`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/articles/{slug}")
                .route(web::get().to(article))
                .route(web::head().to(article))
                .default_service(web::to(article_method_not_allowed)),
        )
        .service(
            web::resource("/articles/{slug}/discussion")
                .route(web::post().to(submit))
                .route(web::get().to(to_article))
                .route(web::head().to(to_article))
                .default_service(not_allowed("GET, HEAD, POST")),
        )
        .service(
            web::resource("/articles/{slug}/discussion/thanks")
                .route(web::get().to(thanks))
                .route(web::head().to(thanks))
                .default_service(not_allowed("GET, HEAD")),
        )
        .service(
            web::resource("/articles/{slug}/discussion/thanks/warning-signs")
                .route(web::get().to(warning_signs_thanks))
                .route(web::head().to(warning_signs_thanks))
                .default_service(not_allowed("GET, HEAD")),
        );
    moderate::routes(config);
}

/// Any other method on a discussion or moderation path: the HTML 405 page with `Allow`, not
/// actix's empty default response.
fn not_allowed(allow: &'static str) -> actix_web::Route {
    web::to(move |state: web::Data<AppState>| async move {
        super::method_not_allowed(&state.current().site, allow)
    })
}

/// The discussion state; routes exist only when it does.
fn discussion(state: &AppState) -> Option<Arc<Discussion>> {
    state.discussion.clone()
}

fn current(state: &AppState) -> Arc<Generation> {
    arc_swap::Guard::into_inner(state.current())
}

fn slug(request: &HttpRequest) -> &str {
    request.match_info().get("slug").unwrap_or_default()
}

/// `GET /articles/{slug}`: the pre-rendered article with its discussion put in, and the post
/// form's hidden fields made for this browser. Such a page is one reader's own: never stored,
/// and compressed per response with fast gzip.
async fn article(request: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let generation = current(&state);
    let (Some(discussion), Some(split)) = (
        discussion(&state),
        generation.site.discussion_page(request.path()),
    ) else {
        return serve_page(request).await;
    };
    let slug = slug(&request);
    let page = discussion.article_page(slug, split).await;
    let visitor = Visitor::of(&request, &state);
    let fields = discussion.new_form_fields(slug, &visitor.value, OffsetDateTime::now_utc());
    let body = page::fill_form_fields(page.body(), &fields);
    let mut response = page::personal_page(&request, body);
    visitor.set_cookie(&mut response);
    response
}

/// The browser's visitor value (see `csrf`), or a new one to set with the response.
pub(crate) struct Visitor {
    pub value: String,
    /// The browser sent none (a first visit, or cookies blocked): the response sets one.
    pub is_new: bool,
    secure: bool,
}

impl Visitor {
    pub fn of(request: &HttpRequest, state: &AppState) -> Visitor {
        let sent = csrf::visitor(request);
        Visitor {
            is_new: sent.is_none(),
            value: sent.unwrap_or_else(csrf::new_random_id),
            secure: moderate::is_https(request, state),
        }
    }

    /// Adds the `Set-Cookie` a new visitor value needs.
    pub fn set_cookie(&self, response: &mut HttpResponse) {
        if !self.is_new {
            return;
        }
        let cookie = csrf::visitor_cookie(&self.value, self.secure);
        if let Ok(value) = header::HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
}

/// Said when a form comes back without the visitor cookie it was given with.
pub(crate) const COOKIES_BLOCKED: &str = "Your browser did not send back the cookie this form needs. Allow cookies for this site, then send the form again. The cookie is only used to check that the form came back from your browser, and it goes when you close your browser.";

/// Any other method on an article: 405 as for every page, 404 if there is no such article.
async fn article_method_not_allowed(
    request: HttpRequest,
    state: web::Data<AppState>,
) -> HttpResponse {
    let generation = current(&state);
    if generation.site.discussion_page(request.path()).is_none() {
        return serve_page(request).await;
    }
    super::method_not_allowed(&generation.site, "GET, HEAD")
}

/// `GET /articles/{slug}/discussion`: the discussion is on the article page.
async fn to_article(request: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let generation = current(&state);
    let slug = slug(&request);
    if generation.library.get(slug).is_none() {
        return super::error_response(StatusCode::NOT_FOUND, &generation.site.not_found);
    }
    see_other(&format!("{}#discussion", article_path(slug)))
}

pub(crate) fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, NO_STORE))
        .finish()
}

/// A page rendered for this request: never stored, as it may hold what a reader typed.
pub(crate) fn private_page(
    site: &Site,
    status: StatusCode,
    template: &impl Template,
) -> HttpResponse {
    match template.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type(HTML)
            .insert_header((header::CACHE_CONTROL, NO_STORE))
            .body(body),
        Err(error) => {
            tracing::error!(%error, "could not render a discussion page");
            super::error_response(StatusCode::INTERNAL_SERVER_ERROR, &site.server_error)
        }
    }
}

/// A plain message page for requests refused before their form was read.
pub(crate) fn message_page(
    site: &Site,
    status: StatusCode,
    heading: &str,
    message: &str,
) -> HttpResponse {
    private_page(
        site,
        status,
        &ErrorPage::new(heading, message, &site.settings),
    )
}

pub(crate) fn refusal_page(site: &Site, refusal: BodyRefusal) -> HttpResponse {
    let (status, heading, message) = match refusal {
        BodyRefusal::NotAForm => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send your post with the form",
            "This address only accepts posts sent by the form on the page. Go back and use the form.",
        ),
        BodyRefusal::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "Your post is too long",
            "The form sent more than 64 KB. Posts can be up to 5,000 characters: go back, shorten your post and send it again.",
        ),
        BodyRefusal::Unreadable => (
            StatusCode::BAD_REQUEST,
            "We could not read the form",
            "Your browser sent something we could not read. Go back and send the form again.",
        ),
        BodyRefusal::TooSlow => (
            StatusCode::REQUEST_TIMEOUT,
            "The form took too long to arrive",
            "Your connection may be slow. Go back and send the form again.",
        ),
    };
    message_page(site, status, heading, message)
}

fn minutes(wait: Duration) -> String {
    match wait.as_secs().div_ceil(60) {
        0 | 1 => "a minute".to_owned(),
        n => format!("{n} minutes"),
    }
}

/// `POST /articles/{slug}/discussion`: store the post as pending and redirect to the thanks
/// page, or show the form again with the reader's text and what to do.
async fn submit(
    request: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let generation = current(&state);
    let site = &generation.site;
    let slug = slug(&request).to_owned();
    let (Some(discussion), Some(article)) = (discussion(&state), generation.library.get(&slug))
    else {
        return super::error_response(StatusCode::NOT_FOUND, &site.not_found);
    };
    let body = match read_body(&request, payload).await {
        Ok(body) => body,
        Err(refusal) => return refusal_page(site, refusal),
    };
    let form = Form::parse(&body);
    if !form.text("website").trim().is_empty() {
        // Only bots fill the hidden field: tell them it worked and keep nothing.
        tracing::info!(slug, "discarded a post that filled the honeypot field");
        metrics::record_post("honeypot");
        return see_other(&thanks_path(&slug));
    }
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
    let now = OffsetDateTime::now_utc();
    let visitor = Visitor::of(&request, &state);
    // Every form shown again is a new one, bound to this browser.
    let fresh_fields = discussion.new_form_fields(&slug, &visitor.value, now);
    let form_page =
        |status: StatusCode, problem: Option<&str>, errors: &[crate::discussion::PostError]| {
            let title = if problem.is_some() || !errors.is_empty() {
                format!("Error: Add a post - {}", article.front.title)
            } else {
                format!("Add a post - {}", article.front.title)
            };
            let mut layout = Layout::new(&title, &article.front.summary, "", &site.settings);
            layout.noindex = true;
            let page = PostFormPage {
                layout,
                article_title: &article.front.title,
                article_href: article_path(&slug),
                problem,
                form: FormView::new(&slug, fresh_fields.clone(), &raw, errors),
            };
            let mut response = private_page(site, status, &page);
            visitor.set_cookie(&mut response);
            response
        };

    if csrf::is_cross_site(&request, &site.settings.base_url) {
        metrics::record_post("refused_form");
        return form_page(StatusCode::FORBIDDEN, Some(EXPIRED_FORM), &[]);
    }
    if visitor.is_new {
        metrics::record_post("refused_no_cookie");
        return form_page(
            StatusCode::FORBIDDEN,
            Some(&format!(
                "Your post was not sent, but it is below. {COOKIES_BLOCKED}"
            )),
            &[],
        );
    }
    let form_id = form.text("form-id");
    let Some(form_id) = csrf::form_id(&form_id) else {
        metrics::record_post("refused_form");
        return form_page(StatusCode::FORBIDDEN, Some(EXPIRED_FORM), &[]);
    };
    let token = form.text("csrf-token");
    if !discussion.csrf.verify(
        &csrf::post_purpose(&slug, &visitor.value, form_id),
        &token,
        now,
    ) {
        metrics::record_post("refused_form");
        return form_page(StatusCode::FORBIDDEN, Some(EXPIRED_FORM), &[]);
    }
    let post = match NewPost::parse(&raw) {
        Ok(post) => post,
        Err(errors) => {
            metrics::record_post("invalid");
            return form_page(StatusCode::UNPROCESSABLE_ENTITY, None, &errors);
        }
    };
    let unavailable = || {
        metrics::record_post("failed");
        let mut response = form_page(
            StatusCode::SERVICE_UNAVAILABLE,
            Some(
                "Sorry, we could not save your post, so it was not sent. Your text is below: please try again in a few minutes.",
            ),
            &[],
        );
        retry_after(&mut response, Duration::from_secs(60));
        response
    };
    // The same form again: the writer never saw the answer (a lost connection, a restart), or
    // someone is replaying it. Before the rate limit, so a retry is never refused.
    let answer_to_resend = |earlier: &StoredPost| {
        if earlier.article_slug == slug
            && earlier.display_name == post.display_name.as_str()
            && earlier.text == post.text.as_str()
        {
            tracing::info!(id = earlier.id, slug, "the same post was sent again");
            metrics::record_post("resent");
            thanks_redirect(&slug, &earlier.text)
        } else {
            metrics::record_post("refused_used_form");
            form_page(StatusCode::CONFLICT, Some(USED_FORM), &[])
        }
    };
    match discussion.storage.post_by_form(form_id).await {
        Ok(Some(earlier)) => return answer_to_resend(&earlier),
        Ok(None) => {}
        Err(error) => {
            tracing::error!(%error, slug, "could not look up a post form");
            return unavailable();
        }
    }
    let decision = match state.client_ip(&request) {
        Some(client) => discussion.limits.check_post(client).await,
        None => Ok(Decision::Allowed),
    };
    let decision = match decision {
        Ok(decision) => decision,
        Err(error) => {
            tracing::error!(%error, slug, "could not check the post rate limit");
            return unavailable();
        }
    };
    if let Decision::Limited { retry_after: wait } = decision {
        let problem = format!(
            "You have sent several posts in a short time, so this one was not sent. Wait {}, then send it again.",
            minutes(wait)
        );
        metrics::record_post("rate_limited");
        metrics::record_rate_limited("post");
        let mut response = form_page(StatusCode::TOO_MANY_REQUESTS, Some(&problem), &[]);
        retry_after(&mut response, wait);
        return response;
    }
    match discussion
        .storage
        .add_post(&slug, &post, form_id, now)
        .await
    {
        Ok(Added::Stored(id)) => {
            tracing::info!(id, slug, "stored a post for moderation");
            metrics::record_post("stored");
            thanks_redirect(&slug, post.text.as_str())
        }
        Ok(Added::AlreadySent(earlier)) => answer_to_resend(&earlier),
        Err(error) => {
            tracing::error!(%error, slug, "could not store a post");
            unavailable()
        }
    }
}

const EXPIRED_FORM: &str = "This form has expired or was not sent from this site, so your post was not sent. Check it below and send it again.";
const USED_FORM: &str = "This form has already sent a different post, so this one was not sent. Check it below and send it again.";

/// After a post: the thank-you page, the one that says not to wait if it mentions warning signs.
fn thanks_redirect(slug: &str, text: &str) -> HttpResponse {
    see_other(&if red_flags(text).is_empty() {
        thanks_path(slug)
    } else {
        warning_signs_thanks_path(slug)
    })
}

/// `GET /articles/{slug}/discussion/thanks`.
async fn thanks(request: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    thanks_page(request, state, false)
}

/// `GET /articles/{slug}/discussion/thanks/warning-signs`: the thank-you page that also says not
/// to wait for replies.
async fn warning_signs_thanks(request: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    thanks_page(request, state, true)
}

fn thanks_page(request: HttpRequest, state: web::Data<AppState>, urgent: bool) -> HttpResponse {
    let generation = current(&state);
    let site = &generation.site;
    let slug = slug(&request);
    let Some(article) = generation.library.get(slug) else {
        return super::error_response(StatusCode::NOT_FOUND, &site.not_found);
    };
    let mut layout = Layout::new(
        "Thanks for your post",
        &article.front.summary,
        "",
        &site.settings,
    );
    layout.noindex = true;
    let page = ThanksPage {
        layout,
        article_title: &article.front.title,
        article_href: article_path(slug),
        urgent,
    };
    private_page(site, StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_come_from_a_file_or_the_environment() {
        assert_eq!(read_secret(None, None).unwrap(), None);
        assert_eq!(
            read_secret(None, Some(" sixteen-chars-ok \n".to_owned())).unwrap(),
            Some(b"sixteen-chars-ok".to_vec())
        );
        assert!(read_secret(None, Some("short".to_owned())).is_err());
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), "from-the-file-0123456789\n").unwrap();
        assert_eq!(
            read_secret(Some(file.path()), Some("from-the-environment".to_owned())).unwrap(),
            Some(b"from-the-file-0123456789".to_vec())
        );
        assert!(read_secret(Some(Path::new("/no/such/secret")), None).is_err());
    }

    #[test]
    fn waits_are_said_in_minutes() {
        assert_eq!(minutes(Duration::from_secs(5)), "a minute");
        assert_eq!(minutes(Duration::from_secs(61)), "2 minutes");
    }
}
