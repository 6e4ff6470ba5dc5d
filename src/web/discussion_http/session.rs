//! A moderator's session: the cookie that carries its token, and the session it belongs to.
//! The extractor (`extract::Moderator`) and the moderators' pages (`moderate`) both read it.

use actix_web::{HttpRequest, web};
use time::OffsetDateTime;

use super::cookies::{cookie_name, cookie_values};
use super::state::Discussion;
use crate::discussion::moderators::token_hash;
use crate::web::state::AppState;

pub const COOKIE: &str = "backcare_moderator";

/// The signed-in moderator, found from the session cookie (see `extract::Moderator`).
pub struct SignedIn {
    pub moderator: String,
    pub(super) token_hash: String,
    pub(super) since: OffsetDateTime,
}

/// Whether the browser reached us over https, so its cookies carry `__Host-` and `Secure`.
pub(super) fn is_secure(request: &HttpRequest) -> bool {
    request
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.protection.is_https(request.head()))
}

fn session_cookie(request: &HttpRequest) -> Option<String> {
    let name = cookie_name(COOKIE, is_secure(request));
    cookie_values(request, &name)
        .into_iter()
        .find(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The session this request's cookie belongs to, if it is one and still current.
pub(crate) async fn signed_in(
    request: &HttpRequest,
    discussion: &Discussion,
) -> Result<Option<SignedIn>, crate::discussion::StoreError> {
    let Some(token) = session_cookie(request) else {
        return Ok(None);
    };
    let token_hash = token_hash(&token);
    let session = discussion
        .storage
        .session(
            &token_hash,
            OffsetDateTime::now_utc(),
            discussion.session_idle,
        )
        .await?;
    Ok(session.map(|session| SignedIn {
        moderator: session.moderator,
        token_hash,
        since: session.created_at,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn only_a_well_formed_session_cookie_is_read() {
        let token = "a".repeat(64);
        let request = TestRequest::get()
            .insert_header(("cookie", format!("other=1; {COOKIE}={token}")))
            .to_http_request();
        assert_eq!(session_cookie(&request), Some(token));
        for bad in ["short", &"g".repeat(64), ""] {
            let request = TestRequest::get()
                .insert_header(("cookie", format!("{COOKIE}={bad}")))
                .to_http_request();
            assert_eq!(session_cookie(&request), None, "{bad}");
        }
    }
}
