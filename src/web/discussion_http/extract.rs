//! The discussion's extractors: the discussion itself (a 404 with `--comments off`) and the
//! signed-in moderator. A handler that takes `Moderator` only runs for a signed-in moderator.

use std::future::{Ready, ready};
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_core::future::LocalBoxFuture;

use super::session::{SignedIn, signed_in};
use super::state::Discussion;
use crate::web::error::PageError;

/// The reader discussion; a 404 when the site runs with `--comments off`.
pub struct DiscussionOn(pub Arc<Discussion>);

impl std::ops::Deref for DiscussionOn {
    type Target = Discussion;
    fn deref(&self) -> &Discussion {
        &self.0
    }
}

impl FromRequest for DiscussionOn {
    type Error = PageError;
    type Future = Ready<Result<Self, PageError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let discussion = request.app_data::<web::Data<Discussion>>();
        ready(
            discussion
                .map(|discussion| DiscussionOn(discussion.clone().into_inner()))
                .ok_or(PageError::NotFound),
        )
    }
}

/// The signed-in moderator with the discussion they moderate. Without a session the request is
/// sent to the sign-in page; when the sessions cannot be read, a 503.
pub struct Moderator {
    pub discussion: Arc<Discussion>,
    pub session: SignedIn,
}

impl FromRequest for Moderator {
    type Error = PageError;
    type Future = LocalBoxFuture<'static, Result<Self, PageError>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let discussion = DiscussionOn::from_request(request, payload).into_inner();
        let request = request.clone();
        Box::pin(async move {
            let DiscussionOn(discussion) = discussion?;
            let session = signed_in(&request, &discussion)
                .await
                .map_err(PageError::unavailable(
                    "could not check a moderator session",
                ))?
                .ok_or(PageError::SignInFirst)?;
            Ok(Moderator {
                discussion,
                session,
            })
        })
    }
}
