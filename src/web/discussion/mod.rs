//! HTTP for the reader discussion: the article page with its posts and form, posting (PRG to a
//! thank-you page), "Is this page helpful?" (`feedback`) and the moderators' pages (`moderate`).
//! Handlers parse, call `discussion` and render; every rule about posts lives there.

pub mod cookies;
pub mod csrf;
pub mod device;
pub mod extract;
pub mod failures;
pub mod feedback;
pub mod limits;
pub mod moderate;
pub mod page;
pub mod session;
pub mod views;

pub use crate::web::representation::see_other;

use std::collections::hash_map::DefaultHasher;
use std::future::{Ready, ready};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use askama::Template;
use time::OffsetDateTime;

use self::csrf::Csrf;
use self::device::DeviceCookies;
use self::limits::{Allowances, FailureLimits, Limits};
use self::page::{PageCache, PageKey};
use self::views::{DiscussionFragment, FormView, PostFormPage, ThanksPage, error_links};
use super::error::{PageError, retry_after};
use super::extract::{ArticleBySlug, ClientAddress, Current};
use super::form::{Form, FormKind, read_body};
use super::metrics::{self, PostOutcome, RateLimited};
use super::pages::layout::{Layout, private_page};
use super::paths::{article_path, article_slug, thanks_path, warning_signs_thanks_path};
use super::prerender::SiteSettings;
use super::representation::{Page, send_page};
use super::split_page::SplitPage;
use super::{AppState, Generation, serve_page};
use crate::content::Article;
use crate::discussion::changes::{self, Change};
use crate::discussion::posting::{Posting, Submission, Submitted};
use crate::discussion::resend::DigestKey;
use crate::discussion::secret::kept_secret;
use crate::discussion::store::Backend;
use crate::discussion::{
    DiscussionConfig, Field, PostError, RawPost, SHOWN_POSTS, Storage, StoreError, red_flags,
    thread,
};
use extract::DiscussionOn;

/// The discussion's shared state: the database, the keys, limits and the page cache.
pub struct Discussion {
    pub storage: Storage,
    /// Signs the moderators' forms.
    csrf: Csrf,
    /// Signs and checks the browsers where moderators have signed in.
    devices: DeviceCookies,
    /// Recognises a post sent again.
    digests: DigestKey,
    /// Posts and sign-ins per client: in memory with SQLite, in the database with PostgreSQL.
    limits: Limits,
    pages: Arc<PageCache>,
    session_idle: time::Duration,
    /// Pending posts allowed under one article and in all; then new posts are refused as busy.
    pending_caps: (i64, i64),
}

impl std::fmt::Debug for Discussion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Discussion")
            .field("backend", &self.storage.backend())
            .finish_non_exhaustive()
    }
}

impl Discussion {
    /// Opens and migrates the database, and reads the secret kept beside it when none is given.
    pub async fn start(config: &DiscussionConfig) -> Result<Discussion, StoreError> {
        let storage = Storage::connect(&config.database_url).await?;
        let secret = match &config.secret {
            Some(secret) => secret.clone(),
            None => kept_secret(&storage, &config.database_url).await?,
        };
        spawn_daily_purge(storage.clone(), config.retention);
        let pages = Arc::new(PageCache::new(config.page_ttl));
        if storage.backend() == Backend::Postgres {
            let pages = Arc::clone(&pages);
            changes::spawn_listener(config.database_url.clone(), move |change| match change {
                Change::Article(slug) => pages.invalidate(slug),
                Change::Unknown => pages.invalidate_all(),
            });
        }
        let allowances = Allowances {
            posts: config.post_limit,
            sign_ins: config.login_limit,
            feedback: config.feedback_limit,
        };
        let limits = Limits::new(
            &storage,
            &secret,
            allowances,
            FailureLimits {
                per_name_and_client: config.login_failures_per_name,
                per_account: config.login_failures_per_account,
            },
        );
        Ok(Discussion {
            storage,
            devices: DeviceCookies::new(secret.clone()),
            digests: DigestKey::new(&secret),
            csrf: Csrf::new(secret),
            limits,
            pages,
            session_idle: config.session_idle,
            pending_caps: (config.pending_per_article, config.pending_in_all),
        })
    }

    /// The article at `split` with its discussion, from the cache when it is fresh. The same
    /// bytes for every reader, cached by others with `cache_control`.
    async fn article_page(
        &self,
        slug: &str,
        split: &SplitPage,
        cache_control: &'static str,
    ) -> Page {
        let now = Instant::now();
        if let Some(page) = self.pages.fresh(slug, split.id, now) {
            return page;
        }
        let invalidations = self.pages.invalidations();
        let posts = self.storage.approved_posts(slug, SHOWN_POSTS + 1).await;
        let mut hasher = DefaultHasher::new();
        let (posts, more, healthy) = match posts {
            Ok(mut posts) => {
                let more = posts.len() as i64 > SHOWN_POSTS;
                posts.truncate(SHOWN_POSTS as usize);
                posts
                    .iter()
                    .for_each(|post| (post.id, post.number, post.removed).hash(&mut hasher));
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
            version: hasher.finish(),
        };
        if let Some(page) = self.pages.revalidate(slug, key, now) {
            return page;
        }
        let fragment = DiscussionFragment {
            posts: thread(posts).into_iter().map(Into::into).collect(),
            unavailable: !healthy,
            shown_limit: more.then_some(SHOWN_POSTS),
            form: FormView::new(slug, &RawPost::default(), &[]),
        };
        let fragment = fragment.render().unwrap_or_else(|error| {
            // The article is still worth reading without its discussion.
            tracing::error!(%error, slug, "could not render a discussion");
            String::new()
        });
        let cache_control = healthy.then_some(cache_control);
        self.pages.insert(
            slug,
            key,
            split.assemble(&fragment),
            cache_control,
            (invalidations, now),
        )
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
    feedback::routes(config);
    moderate::routes(config);
}

/// Any other method on a discussion or moderation path: the HTML 405 page with `Allow`, not
/// actix's empty default response.
fn not_allowed(allow: &'static str) -> actix_web::Route {
    web::to(move || async move { Err::<HttpResponse, _>(PageError::MethodNotAllowed(allow)) })
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

/// The browser's visitor value (see `csrf`), or a new one to set with the response.
pub(crate) struct Visitor {
    pub value: String,
    /// The browser sent none (a first visit, or cookies blocked): the response sets one.
    pub is_new: bool,
    secure: bool,
}

impl FromRequest for Visitor {
    type Error = PageError;
    type Future = Ready<Result<Self, PageError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>();
        let secure = state.is_some_and(|state| state.protection.is_https(request.head()));
        let csrf = state
            .and_then(|state| state.discussion.as_ref())
            .map(|discussion| &discussion.csrf);
        let sent = csrf.and_then(|csrf| csrf.visitor(request, secure));
        ready(Ok(Visitor {
            is_new: sent.is_none(),
            value: sent.unwrap_or_else(|| csrf.map_or_else(csrf::new_random_id, Csrf::new_visitor)),
            secure,
        }))
    }
}

impl Visitor {
    /// Adds the `Set-Cookie` a new visitor value needs.
    pub fn set_cookie(&self, response: &mut HttpResponse) {
        if !self.is_new {
            return;
        }
        cookies::set(response, &csrf::visitor_cookie(&self.value, self.secure));
    }
}

/// Said when the sign-in form comes back without the visitor cookie it was given with.
pub(crate) const COOKIES_BLOCKED: &str = "Your browser did not send back the cookie this form needs. Allow cookies for this site, then send the form again. The cookie is only used to check that the form came back from your browser, and it goes when you close your browser.";

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

impl Discussion {
    /// What taking a post needs from the discussion's state.
    fn posting(&self) -> Posting<'_, Limits> {
        Posting {
            storage: &self.storage,
            digests: &self.digests,
            allowance: &self.limits,
            pending_caps: self.pending_caps,
        }
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
