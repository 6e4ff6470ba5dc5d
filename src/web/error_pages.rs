//! Middleware that puts the site's layout around error pages. Apart from `error`, which every
//! handler and extractor uses: this needs the page templates, and they need `PageError`.

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, web};

use super::error::PageError;
use super::pages::errors::ErrorPage;
use super::state::AppState;

/// Middleware: gives every `PageError` response, and any other 500, the site's error page in
/// this generation's layout. A 5xx's cause goes to the log; the page only ever shows our words.
pub fn render_error_pages(response: ServiceResponse) -> ServiceResponse<EitherBody<BoxBody>> {
    let status = response.status();
    let error = response.response().error();
    if status.is_server_error()
        && let Some(error) = error
    {
        tracing::error!(path = response.request().path(), %error, "server error");
    }
    let internal;
    let page_error = match error.and_then(|error| error.as_error::<PageError>()) {
        Some(PageError::SignInFirst) => return response.map_into_left_body(),
        Some(page_error) => page_error,
        None if status == StatusCode::INTERNAL_SERVER_ERROR => {
            internal = PageError::Internal("an error outside our handlers".into());
            &internal
        }
        None => return response.map_into_left_body(),
    };
    let Some(state) = response.request().app_data::<web::Data<AppState>>() else {
        return response.map_into_left_body();
    };
    let generation = state.current();
    let body = match ErrorPage::render_for(page_error, &generation.site.settings) {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "could not render an error page");
            return response.map_into_left_body();
        }
    };
    let (request, old) = response.into_parts();
    let mut replaced = HttpResponse::with_body(status, body).map_into_boxed_body();
    // Keep what the error set (Allow, Retry-After, no-store) but not what the old body implied.
    for (name, value) in old.headers() {
        if name != header::CONTENT_LENGTH {
            replaced.headers_mut().append(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(request, replaced).map_into_right_body()
}
