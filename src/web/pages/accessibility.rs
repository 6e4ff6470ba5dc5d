//! `/accessibility`: the accessibility statement, with how to report a problem.

use askama::Template;

use super::layout::Layout;
use crate::content::Library;
use crate::web::paths::ACCESSIBILITY_PATH;
use crate::web::prerender::{Prerender, RenderError, SiteSettings};

#[derive(Template)]
#[template(path = "pages/accessibility.html")]
pub struct AccessibilityPage<'a> {
    pub layout: Layout<'a>,
    pub contact_email: &'a str,
}

impl<'a> AccessibilityPage<'a> {
    pub fn new(settings: &'a SiteSettings) -> Self {
        AccessibilityPage {
            layout: Layout::new(
                "Accessibility statement",
                "How accessible backcare is, how we test it, what we know is not yet right, and how to report a problem.",
                ACCESSIBILITY_PATH,
                settings,
            )
            .canonical(ACCESSIBILITY_PATH),
            contact_email: settings.contact_email.as_str(),
        }
    }
}

pub fn prerender(site: &mut Prerender, _: &Library) -> Result<(), RenderError> {
    site.html(ACCESSIBILITY_PATH, &AccessibilityPage::new(site.settings))
}
