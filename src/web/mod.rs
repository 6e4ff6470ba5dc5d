//! HTTP: routes, thin handlers, request logging and error pages.
//! Handlers turn requests into lookups on the pre-rendered `Site`, or calls into `triage`,
//! `search` and the `discussion`, and nothing more. A request flows: `routes` (and
//! `discussion_http::routes`) → extractors (`extract`, `discussion_http::extract`) → a handler
//! in `pages/` or `discussion_http/`, or `serve_page` → `Result<HttpResponse, PageError>`
//! (`error`) → the middleware in `app` (`error_pages` puts the site's layout around errors).
//!
//! This file is only the wiring: `app`, `routes` and what `app` registers (`AppData`). It
//! defines nothing its own modules import, so none of them leads back here
//! (tests/api/layering.rs); what they share is in `state`.

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
pub mod page_frame;
pub mod pages;
pub mod paths;
pub mod prerender;
pub mod proxy;
pub mod redirects;
pub mod render_site;
pub mod representation;
pub mod routing;
pub mod security_headers;
pub mod serve_page;
pub mod site;
pub mod split_page;
pub mod state;
pub mod structured_data;
pub mod unread_body;

use std::sync::Arc;
use std::time::Instant;

use arc_swap::Guard;
use futures_util::future::Either;

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{ConnectionType, Method};
use actix_web::{App, HttpRequest, HttpResponse, web};

pub use base_url::BaseUrl;
pub use compression::Precompress;
pub use prerender::SiteSettings;
pub use proxy::TrustedProxies;
pub use representation::Page;
pub use representation::see_other;
pub use site::Site;
pub use state::{AppState, Generation, Protection};

use discussion_http::Discussion;
use live_events::LiveEvents;
use serve_page::serve_page;
use split_page::SplitPage;

/// What `app` serves with, each part registered as app data of its own: the state every handler
/// reads, and the reader discussion and the browsers' auto-reload when they are on. Handlers that
/// need the discussion extract it (`discussion_http::extract::DiscussionOn`), so `AppState` knows
/// nothing of it.
#[derive(Clone)]
pub struct AppData {
    pub state: AppState,
    /// The reader discussion (`--comments moderated`); `None` leaves article pages fully static.
    pub discussion: Option<web::Data<Discussion>>,
    /// `serve --watch`: open pages are told about each new generation and reload.
    pub live_events: Option<LiveEvents>,
}

impl AppData {
    pub fn new(state: AppState) -> Self {
        AppData {
            state,
            discussion: None,
            live_events: None,
        }
    }

    /// Turns the reader discussion on, with its database and settings.
    pub fn with_discussion(mut self, discussion: Discussion) -> Self {
        self.discussion = Some(web::Data::new(discussion));
        self
    }

    /// Turns on browser auto-reload (`serve --watch`).
    pub fn with_live_events(mut self, live_events: LiveEvents) -> Self {
        self.live_events = Some(live_events);
        self
    }

    /// Makes `generation` the one every new request sees, and tells open pages to reload.
    pub fn replace(&self, generation: Generation) {
        self.state.replace(generation);
        if let Some(live_events) = &self.live_events {
            live_events.announce_new_generation();
        }
    }
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
    data: AppData,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = ServiceResponse<EitherBody<BoxBody>>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let AppData {
        state,
        discussion,
        live_events,
    } = data;
    let protection = Arc::clone(&state.protection);
    let comments = discussion.is_some();
    let live_reload = live_events.is_some();
    let mut app = App::new().app_data(web::Data::new(state));
    if let Some(discussion) = discussion {
        app = app.app_data(discussion);
    }
    if let Some(live_events) = live_events {
        app = app.app_data(web::Data::new(live_events));
    }
    app.wrap_fn(
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
        discussion: Arc<Discussion>,
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
        if let Some(discussion) = request.app_data::<web::Data<Discussion>>()
            && let Some(split) = generation.site.discussion_page(path)
        {
            return Some(Prerendered::Article {
                split: split.clone(),
                discussion: discussion.clone().into_inner(),
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
