//! Extractors: what handlers need from a request, found once, failing with the right
//! `PageError`. A handler that takes `ArticleBySlug` only runs for an article that exists. The
//! discussion's own (`DiscussionOn`, `Moderator`) are in `discussion_http/extract.rs`, so this
//! module imports nothing from the discussion.

use std::future::{Ready, ready};
use std::net::IpAddr;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use super::error::PageError;
use super::state::{AppState, Generation};
use crate::content::Article;

pub(crate) fn state(request: &HttpRequest) -> Result<&AppState, PageError> {
    request
        .app_data::<web::Data<AppState>>()
        .map(|data| data.get_ref())
        .ok_or_else(|| PageError::Internal("AppState is not registered".into()))
}

/// The generation this request is answered from, held for the whole request even if
/// `serve --watch` swaps in a newer one meanwhile.
pub struct Current(pub Arc<Generation>);

impl std::ops::Deref for Current {
    type Target = Generation;
    fn deref(&self) -> &Generation {
        &self.0
    }
}

impl FromRequest for Current {
    type Error = PageError;
    type Future = Ready<Result<Self, PageError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(state(request).map(|state| Current(arc_swap::Guard::into_inner(state.current()))))
    }
}

/// The article named by the route's `{slug}`, in the current generation; a 404 when there is none.
pub struct ArticleBySlug {
    pub generation: Arc<Generation>,
    index: usize,
}

impl ArticleBySlug {
    pub fn article(&self) -> &Article {
        // Found in this very library when extracted, and a generation never changes.
        &self.generation.library.articles()[self.index]
    }

    pub fn slug(&self) -> &str {
        &self.article().slug
    }
}

impl FromRequest for ArticleBySlug {
    type Error = PageError;
    type Future = Ready<Result<Self, PageError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let slug = request.match_info().get("slug").unwrap_or_default();
        ready(state(request).and_then(|state| {
            let generation = arc_swap::Guard::into_inner(state.current());
            let index = generation
                .library
                .articles()
                .iter()
                .position(|article| article.slug == slug)
                .ok_or(PageError::NotFound)?;
            Ok(ArticleBySlug { generation, index })
        }))
    }
}

/// The client's address as the protections see it (a trusted proxy's `X-Forwarded-For`);
/// `None` when the connection has no peer address.
pub struct ClientAddress(pub Option<IpAddr>);

impl FromRequest for ClientAddress {
    type Error = PageError;
    type Future = Ready<Result<Self, PageError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(state(request).map(|state| ClientAddress(state.client_ip(request))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Library;
    use crate::web::assets::Assets;
    use crate::web::discussion_http::extract::{DiscussionOn, Moderator};
    use crate::web::{BaseUrl, Precompress, Protection, Site, SiteSettings};
    use actix_web::test::TestRequest;

    fn state() -> web::Data<AppState> {
        let library = Library::default();
        let settings = SiteSettings::new(BaseUrl::for_address(([127, 0, 0, 1], 80).into()));
        let site = Site::build(&library, &Assets::default(), settings).expect("renders");
        let generation = Generation {
            site,
            library: Arc::new(library),
        };
        web::Data::new(AppState::new(
            generation,
            Precompress::Off,
            Protection::default(),
        ))
    }

    fn error_of<T>(result: Result<T, PageError>) -> PageError {
        match result {
            Ok(_) => panic!("expected an error"),
            Err(error) => error,
        }
    }

    #[actix_web::test]
    async fn an_unknown_article_or_a_discussion_that_is_off_is_a_404() {
        let state = state();
        let request = TestRequest::get()
            .uri("/articles/no-such-article/discussion")
            .param("slug", "no-such-article")
            .app_data(state.clone())
            .to_http_request();
        let error = error_of(ArticleBySlug::extract(&request).await);
        assert!(matches!(error, PageError::NotFound), "{error}");
        let error = error_of(DiscussionOn::extract(&request).await);
        assert!(matches!(error, PageError::NotFound), "{error}");
        let error = error_of(Moderator::extract(&request).await);
        assert!(matches!(error, PageError::NotFound), "{error}");
    }

    #[actix_web::test]
    async fn the_client_is_the_peer_unless_a_trusted_proxy_says_otherwise() {
        let request = TestRequest::get()
            .peer_addr("192.0.2.7:4000".parse().unwrap())
            .insert_header(("x-forwarded-for", "203.0.113.9"))
            .app_data(state())
            .to_http_request();
        let ClientAddress(client) = ClientAddress::extract(&request).await.unwrap();
        assert_eq!(client, Some("192.0.2.7".parse().unwrap()));
        let Current(generation) = Current::extract(&request).await.unwrap();
        assert_eq!(generation.library.len(), 0);
    }

    #[actix_web::test]
    async fn without_app_state_extractors_fail_as_internal_errors_not_panics() {
        let request = TestRequest::get().to_http_request();
        let error = error_of(Current::extract(&request).await);
        assert!(matches!(error, PageError::Internal(_)), "{error}");
    }
}
