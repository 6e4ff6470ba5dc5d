//! The browser's visitor value, which binds a form to the browser it was given to (see `csrf`).

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};

use super::cookies;
use super::csrf::{self, Csrf};
use super::state::Discussion;
use crate::web::error::PageError;
use crate::web::state::AppState;

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
        let csrf = request
            .app_data::<web::Data<Discussion>>()
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
