//! HTTP: routes, thin handlers, request logging and error pages.
//! Handlers turn requests into lookups on the pre-rendered `Site`, or calls into `triage`,
//! `search` and the `discussion`, and nothing more. A request flows: `routes` (and
//! `discussion_http::routes`) → extractors (`extract`, `discussion_http::extract`) → a handler
//! in `pages/` or `discussion_http/` → `Result<HttpResponse, PageError>` (`error`) → the
//! middleware in `app` (`error_pages` puts the site's layout around errors).

pub mod assets;
pub mod base_url;
pub mod compression;
pub mod connections;
pub mod contact_email;
pub mod discussion_http;
pub mod error;
pub mod error_pages;
pub mod extract;
pub mod form;
pub mod live_events;
pub mod metrics;
pub mod pages;
pub mod paths;
pub mod prerender;
pub mod proxy;
pub mod redirects;
pub mod representation;
pub mod security_headers;
pub mod site;
pub mod split_page;
pub mod structured_data;
pub mod unread_body;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use arc_swap::{ArcSwap, Guard};
use futures_util::future::Either;

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::{RequestHead, Service, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{ConnectionType, Method, StatusCode};
use actix_web::{App, HttpRequest, HttpResponse, web};

pub use base_url::BaseUrl;
pub use compression::Precompress;
pub use prerender::SiteSettings;
pub use proxy::TrustedProxies;
pub use representation::Page;
pub use representation::see_other;
pub use site::Site;

use error::PageError;
use extract::Current;
use metrics::RateLimited;
use split_page::SplitPage;

use crate::content::Library;
use crate::rate_limit::{Decision, RateLimit, RateLimiter};

/// One consistent version of the site: the rendered pages and the library they were rendered
/// from. They are swapped together, so a request never mixes pages from one load with articles from another.
pub struct Generation {
    pub site: Site,
    /// For the checker's result page, which links articles chosen per request.
    pub library: Arc<Library>,
}

/// What the server defends itself with, fixed at start-up.
#[derive(Debug, Default)]
pub struct Protection {
    /// Proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed.
    pub trusted_proxies: TrustedProxies,
    /// The public address is https, so every response asks browsers to stay on https.
    pub https: bool,
    /// `--hsts-preload`: HSTS covers subdomains and consents to browsers' preload lists.
    pub hsts_preload: bool,
    /// Limits answers to the symptom checker per client; `None` turns the limit off.
    pub checker_limiter: Option<RateLimiter>,
    /// Limits searches per client; `None` turns the limit off.
    pub search_limiter: Option<RateLimiter>,
    /// Open connections, in all and per client (`connections`).
    pub connections: Arc<connections::ConnectionCounts>,
}

impl Protection {
    pub fn new(
        trusted_proxies: TrustedProxies,
        https: bool,
        checker_limit: Option<RateLimit>,
    ) -> Self {
        Protection {
            trusted_proxies,
            https,
            hsts_preload: false,
            checker_limiter: checker_limit.map(RateLimiter::new),
            search_limiter: None,
            connections: Arc::default(),
        }
    }

    /// Whether the browser talks to us over https (directly, or through a trusted proxy).
    pub fn is_https(&self, request: &RequestHead) -> bool {
        self.https
            || (!self.trusted_proxies.is_empty()
                && self.trusted_proxies.forwarded_https(
                    request.peer_addr.map(|address| address.ip()),
                    &request.headers,
                ))
    }
}

/// Everything handlers share: the current generation of the site and the server's protections.
///
/// `serve --watch` replaces the generation while requests are in flight; `ArcSwap` keeps the read
/// on every request lock-free, and a request keeps the generation it started with until it is done.
#[derive(Clone)]
pub struct AppState {
    current: Arc<ArcSwap<Generation>>,
    precompress: Precompress,
    pub protection: Arc<Protection>,
    /// The reader discussion (`--comments moderated`); `None` leaves article pages fully static.
    pub discussion: Option<Arc<discussion_http::Discussion>>,
    /// `serve --watch`: open pages are told about each new generation and reload.
    pub live_events: Option<live_events::LiveEvents>,
}

impl AppState {
    pub fn new(generation: Generation, precompress: Precompress, protection: Protection) -> Self {
        let generation = Arc::new(generation);
        let state = AppState {
            current: Arc::new(ArcSwap::new(Arc::clone(&generation))),
            precompress,
            protection: Arc::new(protection),
            discussion: None,
            live_events: None,
        };
        state.precompress(generation);
        state
    }

    /// Turns on browser auto-reload (`serve --watch`).
    pub fn with_live_events(mut self, live_events: live_events::LiveEvents) -> Self {
        self.live_events = Some(live_events);
        self
    }

    /// Turns the reader discussion on, with its database and settings.
    pub fn with_discussion(mut self, discussion: discussion_http::Discussion) -> Self {
        self.discussion = Some(Arc::new(discussion));
        self
    }

    /// The generation to answer this request from.
    pub fn current(&self) -> Guard<Arc<Generation>> {
        self.current.load()
    }

    /// Makes `generation` the one every new request sees.
    pub fn replace(&self, generation: Generation) {
        ::metrics::counter!("backcare_generation_reloads_total").increment(1);
        let generation = Arc::new(generation);
        if self.precompress == Precompress::Blocking {
            self.precompress(Arc::clone(&generation));
            self.current.store(generation);
        } else {
            self.current.store(Arc::clone(&generation));
            self.precompress(generation);
        }
        if let Some(live_events) = &self.live_events {
            live_events.announce_new_generation();
        }
    }

    /// Compresses `generation`'s pages now, or on a background thread that gives up as soon as
    /// a newer generation replaces it.
    fn precompress(&self, generation: Arc<Generation>) {
        match self.precompress {
            Precompress::Off => {}
            Precompress::Blocking => compress_generation(&generation, || true),
            Precompress::Background => {
                let current = Arc::clone(&self.current);
                let spawned = std::thread::Builder::new()
                    .name("backcare-compress".to_owned())
                    .spawn(move || {
                        compress_generation(&generation, || {
                            Arc::ptr_eq(&current.load(), &generation)
                        });
                    });
                if let Err(error) = spawned {
                    // Pages are still served, just uncompressed.
                    tracing::warn!(%error, "could not start compressing pages");
                }
            }
        }
    }

    /// The client's address as the protections see it (a trusted proxy's `X-Forwarded-For`);
    /// `None` when the connection has no peer address.
    pub fn client_ip(&self, request: &HttpRequest) -> Option<IpAddr> {
        let peer = request.peer_addr()?.ip();
        Some(
            self.protection
                .trusted_proxies
                .client_ip(peer, request.headers()),
        )
    }

    /// Takes one of the client's symptom-checker tokens, or says how long it must wait.
    pub fn checker_allowance(&self, request: &HttpRequest) -> Decision {
        self.allowance(
            request,
            self.protection.checker_limiter.as_ref(),
            RateLimited::Checker,
        )
    }

    /// Takes one of the client's searches, or says how long it must wait.
    pub fn search_allowance(&self, request: &HttpRequest) -> Decision {
        self.allowance(
            request,
            self.protection.search_limiter.as_ref(),
            RateLimited::Search,
        )
    }

    fn allowance(
        &self,
        request: &HttpRequest,
        limiter: Option<&RateLimiter>,
        what: RateLimited,
    ) -> Decision {
        let Some(limiter) = limiter else {
            return Decision::Allowed;
        };
        let Some(client) = self.client_ip(request) else {
            return Decision::Allowed;
        };
        let decision = limiter.check(client);
        if decision != Decision::Allowed {
            metrics::record_rate_limited(what);
        }
        decision
    }
}

fn compress_generation(generation: &Generation, keep_going: impl Fn() -> bool) {
    let started = Instant::now();
    let pages = generation.site.precompress(keep_going);
    // Each brotli call works in buffers of a few MB that it frees again.
    crate::memory::release_freed();
    tracing::info!(
        pages,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "precompressed pages with brotli"
    );
}

/// The whole routing table, shared by the server and in-process tests: the handlers of each
/// fixed page that has its own (GET and HEAD of a pre-rendered one still get its page), then
/// every pre-rendered page and static file.
pub fn routes(config: &mut web::ServiceConfig) {
    for page in pages::FIXED_PAGES {
        let Some(handlers) = page.handlers() else {
            continue;
        };
        let mut resource = handlers(page.path);
        if page.prerender().is_some() {
            resource = resource
                .route(web::get().to(serve_page))
                .route(web::head().to(serve_page));
        }
        config.service(resource);
    }
    config.default_service(web::to(serve_page));
}

/// Builds the application with its middleware, so every entry point serves the same thing.
///
/// Outermost first: unread request bodies (so the connection closes after any response sent before
/// its body arrived), security headers (so they are on everything, the replaced 500 page included),
/// the request log, the 500 page, then pre-rendered pages answered before routing (`Prerendered`).
pub fn app(
    state: AppState,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = ServiceResponse<EitherBody<BoxBody>>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let protection = Arc::clone(&state.protection);
    let comments = state.discussion.is_some();
    let live_reload = state.live_events.is_some();
    App::new()
        .app_data(web::Data::new(state))
        .wrap_fn(
            |request, service| match Prerendered::find(request.request()) {
                None => Either::Left(service.call(request)),
                // Boxed, as actix boxes a handler's future: the article's (with its database query)
                // is kilobytes, and the middleware around would copy it at every poll.
                Some(found) => Either::Right(Box::pin(async move {
                    let response = found.respond(request.request()).await;
                    Ok(request.into_response(response))
                })),
            },
        )
        .wrap_fn(|request, service| {
            let response = service.call(request);
            async move { Ok(error_pages::render_error_pages(response.await?)) }
        })
        .wrap_fn(|request, service| {
            let started = Instant::now();
            let response = service.call(request);
            async move {
                let response = response.await?;
                log_request(&response, started);
                Ok(response)
            }
        })
        .wrap_fn(move |request, service| {
            let https = protection.is_https(request.head());
            let preload = protection.hsts_preload;
            let response = service.call(request);
            async move {
                let mut response = response.await?;
                security_headers::apply(response.headers_mut(), https, preload);
                if live_reload {
                    response.headers_mut().insert(
                        header::CONTENT_SECURITY_POLICY,
                        HeaderValue::from_static(live_events::CONTENT_SECURITY_POLICY),
                    );
                }
                Ok(response)
            }
        })
        .wrap_fn(|mut request, service| {
            let busy = request
                .app_data::<web::Data<AppState>>()
                .is_some_and(|state| state.protection.connections.is_busy());
            let call = if unread_body::connection_is_closing(&request) {
                let refusal = unread_body::refuse_on_closing_connection();
                Err(request
                    .into_response(refusal)
                    .map_into_boxed_body()
                    .map_into_left_body())
            } else {
                let method = request.method().clone();
                let shared_body = unread_body::share_body(&mut request);
                Ok((method, shared_body, service.call(request)))
            };
            async move {
                let (method, shared_body, response) = match call {
                    Ok(call) => call,
                    Err(refused) => return Ok(refused),
                };
                let mut response = response.await?;
                if busy {
                    // Under load no connection is kept idle (see `connections`).
                    response
                        .response_mut()
                        .head_mut()
                        .set_connection_type(ConnectionType::Close);
                }
                Ok(match shared_body {
                    Some(shared) => unread_body::hold_until_sent(&method, shared, response),
                    None => response,
                })
            }
        })
        .configure(move |config| {
            // The fixed pages' exact addresses first: actix tries routes in order, and the
            // discussion's `{slug}` patterns each cost a regular-expression match.
            routes(config);
            if comments {
                discussion_http::routes(config);
            }
            if live_reload {
                live_events::routes(config);
            }
        })
}

/// One line per request with only method, path (no query string), status and time: never query
/// strings, bodies or cookies. Health checks arrive every few seconds, so they are logged at debug;
/// so is every request under `serve --watch`, whose terminal is for reloads and problems.
fn log_request<B>(response: &ServiceResponse<B>, started: Instant) {
    let request = response.request();
    let path = request.path();
    let method = request.method().as_str();
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    let latency_us = elapsed.as_micros() as u64;
    metrics::record_request(path, response.status(), elapsed.as_secs_f64());
    let live_preview = request
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.current().site.settings.live_preview);
    if path == paths::HEALTH_PATH || live_preview {
        tracing::debug!(method, path, status, latency_us, "request");
    } else if tracing::enabled!(tracing::Level::INFO)
        && !crate::telemetry::request_line(method, path, status, latency_us)
    {
        tracing::info!(method, path, status, latency_us, "request");
    }
}

/// A GET or HEAD of a pre-rendered page (with its discussion put in, in the default mode),
/// without a query string: answered before routing, by the innermost middleware of `app`.
///
/// Why before routing: actix matches patterns such as `/articles/{slug}/discussion` with a
/// regular expression, tried in turn for each request until one matches. In the default mode
/// that was about 40% of the instructions an article page cost (callgrind: 75,000 a request,
/// against 50,000 with `--comments off`). Anything else (a query string, another method, an
/// address with no page) is routed as before, and reaches the same `send_page`.
enum Prerendered {
    Page(Page),
    Article {
        split: SplitPage,
        generation: Arc<Generation>,
        discussion: Arc<discussion_http::Discussion>,
    },
}

impl Prerendered {
    fn find(request: &HttpRequest) -> Option<Prerendered> {
        let method = request.method();
        if (method != Method::GET && method != Method::HEAD) || !request.query_string().is_empty() {
            return None;
        }
        let state = request.app_data::<web::Data<AppState>>()?;
        let generation = Guard::into_inner(state.current());
        let path = request.path();
        if let Some(discussion) = &state.discussion
            && let Some(split) = generation.site.discussion_page(path)
        {
            return Some(Prerendered::Article {
                split: split.clone(),
                discussion: Arc::clone(discussion),
                generation,
            });
        }
        generation.site.page(path).cloned().map(Prerendered::Page)
    }

    async fn respond(self, request: &HttpRequest) -> HttpResponse {
        match self {
            Prerendered::Page(page) => representation::send_page(request, &page),
            Prerendered::Article {
                split,
                generation,
                discussion,
            } => discussion_http::article_response(request, &generation, &discussion, &split).await,
        }
    }
}

/// GET and HEAD for every pre-rendered page and static file; a 404 page for anything else.
pub(crate) async fn serve_page(
    request: HttpRequest,
    generation: Current,
) -> Result<HttpResponse, PageError> {
    let site = &generation.site;
    let page = site.page(request.path());
    if page.is_none()
        && let Some(location) =
            redirects::redirect_for(site, request.path(), request.query_string())
    {
        return Ok(permanent_redirect(site, &location));
    }
    let page = page.ok_or(PageError::NotFound)?;
    let method = request.method();
    if method != Method::GET && method != Method::HEAD {
        return Err(PageError::MethodNotAllowed("GET, HEAD"));
    }
    Ok(representation::send_page(&request, page))
}

/// 308 keeps the method, so a form posted to an old address still arrives; cached like a page.
fn permanent_redirect(site: &Site, location: &str) -> HttpResponse {
    let mut response = HttpResponse::new(StatusCode::PERMANENT_REDIRECT);
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, location);
    }
    if let Ok(cache) = HeaderValue::from_str(site.settings.page_cache_control()) {
        headers.insert(header::CACHE_CONTROL, cache);
    }
    response
}
