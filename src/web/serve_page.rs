//! The default service: GET and HEAD of every pre-rendered page and static file, a permanent
//! redirect from an old address, and the 404 page for anything else.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse};

use super::error::PageError;
use super::extract::Current;
use super::redirects;
use super::representation;
use super::site::Site;

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
