//! `/about`: who the site is for, how articles are written and reviewed, and how to report a
//! mistake, at the `--contact-email` address (also shown by `accessibility`).

use askama::Template;

use super::layout::Layout;
use crate::content::Library;
use crate::web::paths::ABOUT_PATH;
use crate::web::prerender::{Prerender, RenderError, SiteSettings};

#[derive(Template)]
#[template(path = "pages/about.html")]
pub struct AboutPage<'a> {
    pub layout: Layout<'a>,
    pub contact_email: &'a str,
}

impl<'a> AboutPage<'a> {
    pub fn new(settings: &'a SiteSettings) -> Self {
        AboutPage {
            layout: Layout::new(
                "About backcare",
                "Who backcare is for, how its articles are written and checked, which sources count, and how to report a mistake.",
                ABOUT_PATH,
                settings,
            )
            .canonical(ABOUT_PATH),
            contact_email: settings.contact_email.as_str(),
        }
    }
}

pub fn prerender(site: &mut Prerender, _: &Library) -> Result<(), RenderError> {
    site.html(ABOUT_PATH, &AboutPage::new(site.settings))
}
