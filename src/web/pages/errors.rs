//! The one error page: every `PageError` is shown through `templates/pages/error.html`, in the
//! layout of the generation being served, and rendered when it is needed.

use askama::Template;

use super::layout::Layout;
use crate::web::error::PageError;
use crate::web::prerender::SiteSettings;

#[derive(Template)]
#[template(path = "pages/error.html")]
pub struct ErrorPage<'a> {
    pub layout: Layout<'a>,
    pub heading: &'a str,
    pub message: &'a str,
}

impl<'a> ErrorPage<'a> {
    pub fn new(heading: &'a str, message: &'a str, settings: &'a SiteSettings) -> Self {
        ErrorPage {
            layout: Layout::new(heading, message, "", settings),
            heading,
            message,
        }
    }

    /// The page for `error`, in its words.
    pub fn render_for(error: &PageError, settings: &SiteSettings) -> askama::Result<String> {
        let (heading, message) = error.wording();
        ErrorPage::new(heading, message, settings).render()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::BaseUrl;

    #[test]
    fn every_error_page_says_what_happened_and_keeps_the_layout() {
        let settings = SiteSettings::new(BaseUrl::for_address(([127, 0, 0, 1], 80).into()));
        let html = ErrorPage::render_for(&PageError::NotFound, &settings).unwrap();
        assert!(html.contains("<h1>Page not found</h1>"), "{html}");
        assert!(
            html.contains("<title>Page not found - backcare</title>"),
            "{html}"
        );
        let html = ErrorPage::render_for(&PageError::Internal("a secret cause".into()), &settings)
            .unwrap();
        assert!(!html.contains("a secret cause"), "the cause is never shown");
    }
}
