//! The 405 route every discussion and moderation address ends with.

use actix_web::{HttpResponse, web};

use crate::web::error::PageError;

/// Any other method on a discussion or moderation path: the HTML 405 page with `Allow`, not
/// actix's empty default response.
pub(super) fn not_allowed(allow: &'static str) -> actix_web::Route {
    web::to(move || async move { Err::<HttpResponse, _>(PageError::MethodNotAllowed(allow)) })
}
