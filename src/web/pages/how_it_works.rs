//! `/symptom-checker/how-it-works`: every rule the checker uses, grouped by the service it sends
//! a reader to, with its source, and how the checker does on its test cases (run at build time).

use askama::Template;

use super::layout::Layout;
use crate::content::Library;
use crate::triage::{Rule, Service, VignetteReport, vignette_report};
use crate::web::paths::{CHECKER_PATH, HOW_IT_WORKS_PATH};
use crate::web::prerender::{Prerender, RenderError, SiteSettings};

pub struct ServiceGroup {
    pub value: &'static str,
    pub heading: &'static str,
    pub rules: Vec<&'static Rule>,
    pub vignettes: usize,
}

#[derive(Template)]
#[template(path = "pages/checker_how.html")]
pub struct HowItWorksPage<'a> {
    pub layout: Layout<'a>,
    pub groups: Vec<ServiceGroup>,
    pub rule_count: usize,
    pub report: VignetteReport,
}

impl<'a> HowItWorksPage<'a> {
    pub fn new(report: VignetteReport, settings: &'a SiteSettings) -> Self {
        let groups = Service::ALL
            .iter()
            .rev()
            .map(|&service| ServiceGroup {
                value: service.value(),
                heading: service.list_heading(),
                rules: crate::triage::rules_for_service(service).collect(),
                vignettes: report
                    .per_service
                    .iter()
                    .find(|(s, _)| *s == service)
                    .map_or(0, |(_, count)| *count),
            })
            .collect();
        HowItWorksPage {
            layout: Layout::new(
                "How the symptom checker works",
                "How the backcare symptom checker decides how urgently you need help, every rule it uses with its source, and how it does on test cases written from NHS and NICE pages.",
                CHECKER_PATH,
                settings,
            )
            .canonical(HOW_IT_WORKS_PATH),
            groups,
            rule_count: crate::triage::RULES.len(),
            report,
        }
    }
}

/// The page as this build's test run makes it.
pub fn page(settings: &SiteSettings) -> HowItWorksPage<'_> {
    HowItWorksPage::new(vignette_report(), settings)
}

pub fn prerender(site: &mut Prerender, _: &Library) -> Result<(), RenderError> {
    site.html(HOW_IT_WORKS_PATH, &page(site.settings))
}
