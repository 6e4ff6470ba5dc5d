//! HTTP: routes, thin handlers, request logging and error pages.
//! Handlers turn requests into lookups on the pre-rendered `Site` (or calls into `triage`) and nothing more.

pub mod assets;
pub mod checker;
pub mod pages;
pub mod site;

use std::sync::Arc;
use std::time::Instant;

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{App, HttpRequest, HttpResponse, web};

pub use site::{Page, Site};

use crate::content::Library;

/// Everything handlers share: the immutable rendered site.
#[derive(Clone)]
pub struct AppState {
    pub site: Arc<Site>,
    /// For the checker's result page, which links articles chosen per request.
    pub library: Arc<Library>,
}

/// The whole routing table, shared by the server and in-process tests.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource(checker::PATH)
                .route(web::get().to(serve_page))
                .route(web::head().to(serve_page))
                .route(web::post().to(checker::submit))
                .default_service(web::to(checker::method_not_allowed)),
        )
        .service(
            web::resource(checker::CHANGE_PATH)
                .route(web::post().to(checker::change))
                .default_service(web::to(checker::method_not_allowed)),
        )
        .default_service(web::to(serve_page));
}

/// Builds the application with its middleware, so every entry point serves the same thing.
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
    App::new()
        .app_data(web::Data::new(state))
        .wrap(ErrorHandlers::new().handler(StatusCode::INTERNAL_SERVER_ERROR, replace_server_error))
        .wrap_fn(|request, service| {
            // Only method, path (no query string), status and time: never query strings, bodies or cookies.
            let started = Instant::now();
            let method = request.method().clone();
            let path = request.path().to_owned();
            let response = service.call(request);
            async move {
                let response = response.await?;
                tracing::info!(
                    %method,
                    %path,
                    status = response.status().as_u16(),
                    latency_us = started.elapsed().as_micros() as u64,
                    "request"
                );
                Ok(response)
            }
        })
        .configure(routes)
}

fn state(request: &HttpRequest) -> &AppState {
    request
        .app_data::<web::Data<AppState>>()
        .expect("AppState is registered in app()")
}

/// GET and HEAD for every pre-rendered page and static file; a 404 page for anything else.
async fn serve_page(request: HttpRequest) -> HttpResponse {
    let site = &state(&request).site;
    let page = site.page(request.path());
    let method = request.method();
    if method != Method::GET && method != Method::HEAD {
        return match page {
            Some(_) => {
                let mut response =
                    error_response(StatusCode::METHOD_NOT_ALLOWED, &site.method_not_allowed);
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
                response
            }
            None => error_response(StatusCode::NOT_FOUND, &site.not_found),
        };
    }
    match page {
        Some(page) => send_page(&request, page),
        None => error_response(StatusCode::NOT_FOUND, &site.not_found),
    }
}

/// A 200 with caching headers, or a 304 when the client already holds these bytes.
fn send_page(request: &HttpRequest, page: &Page) -> HttpResponse {
    let etag_matches = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .split(',')
                .any(|tag| tag.trim() == page.etag || tag.trim() == "*")
        });
    let mut builder = if etag_matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    builder
        .insert_header((header::ETAG, page.etag.as_str()))
        .insert_header((header::CACHE_CONTROL, page.cache_control));
    if etag_matches {
        builder.finish()
    } else {
        builder
            .content_type(page.content_type)
            .body(page.body.clone())
    }
}

/// A pre-rendered error page with its status; error pages are never cached.
pub fn error_response(status: StatusCode, page: &Page) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(page.content_type)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page.body.clone())
}

/// Whatever failed, the reader sees the plain 500 page; the cause goes to the log, never to the page.
fn replace_server_error<B>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if let Some(error) = response.response().error() {
        tracing::error!(path = response.request().path(), %error, "server error");
    }
    let (request, _) = response.into_parts();
    let body = request
        .app_data::<web::Data<AppState>>()
        .map(|state| state.site.server_error.body.clone())
        .unwrap_or_else(|| {
            bytes::Bytes::from_static(
                b"<!doctype html><title>Server error</title><h1>Sorry, something went wrong</h1>",
            )
        });
    let response = HttpResponse::InternalServerError()
        .content_type(site::HTML)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(request, response).map_into_right_body(),
    ))
}
