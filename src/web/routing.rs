//! The shapes of resource a handler is mounted on: a page (GET and HEAD), a form (POST), or
//! both at one address. Each answers any other method with the 405 page and an `Allow` header
//! that lists exactly the methods it routes, not actix's empty default response.

use actix_web::{FromRequest, Handler, HttpResponse, Resource, Responder, Route, web};

use super::error::PageError;

/// Any method `allow` does not list: the HTML 405 page with `Allow: <allow>`.
pub fn not_allowed(allow: &'static str) -> Route {
    web::to(move || async move { Err::<HttpResponse, _>(PageError::MethodNotAllowed(allow)) })
}

/// A page at `resource`, answered to GET and HEAD by `page`.
pub fn page<F, Args>(resource: Resource, page: F) -> Resource
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    resource
        .route(web::get().to(page.clone()))
        .route(web::head().to(page))
        .default_service(not_allowed("GET, HEAD"))
}

/// A form posted to `resource`, answered by `submit`.
pub fn form<F, Args>(resource: Resource, submit: F) -> Resource
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    resource
        .route(web::post().to(submit))
        .default_service(not_allowed("POST"))
}

/// A page at `resource` whose form posts back to the same address: GET and HEAD answered by
/// `page`, POST by `submit`.
pub fn page_and_form<P, PArgs, S, SArgs>(resource: Resource, page: P, submit: S) -> Resource
where
    P: Handler<PArgs>,
    PArgs: FromRequest + 'static,
    P::Output: Responder + 'static,
    S: Handler<SArgs>,
    SArgs: FromRequest + 'static,
    S::Output: Responder + 'static,
{
    resource
        .route(web::post().to(submit))
        .route(web::get().to(page.clone()))
        .route(web::head().to(page))
        .default_service(not_allowed("GET, HEAD, POST"))
}
