//! Whether each link an article makes leads somewhere, once every article of a load is known:
//! other articles and their sections, topics, tags, static files and the site's fixed pages.

use std::collections::HashMap;
use std::path::Path;

use super::article::Article;
use super::front_matter::{Category, closest};
use super::links::{InternalLink, SiteLink, SitePage, section_hint};
use super::problem::ProblemCode;

/// A form page has an id on every field; a message lists the first few.
const ANCHORS_SHOWN: usize = 8;

/// What a link may point at in one load.
pub(super) struct LinkTargets<'a> {
    pub dir: &'a Path,
    pub by_slug: &'a HashMap<&'a str, &'a Article>,
    /// Drafts left out of this load, each with its `publish` date if it has one.
    pub draft_slugs: &'a [(String, Option<time::Date>)],
    pub broken_slugs: &'a [String],
    pub tags: Vec<&'a str>,
    pub static_dir: Option<&'a Path>,
    pub site_pages: &'a [SitePage],
}

impl LinkTargets<'_> {
    /// What is wrong with a link to an article, if anything.
    pub fn article_problem(&self, link: &InternalLink) -> Option<(ProblemCode, String)> {
        let written = &link.written;
        match self.by_slug.get(link.slug.as_str()) {
            // That file's own problems are already reported; links into it are checked once it loads.
            None if self.broken_slugs.contains(&link.slug) => None,
            None if self.draft_slugs.iter().any(|(slug, _)| *slug == link.slug) => {
                let publish = self
                    .draft_slugs
                    .iter()
                    .find_map(|(slug, publish)| (*slug == link.slug).then_some(*publish))
                    .flatten();
                let message = match publish {
                    Some(day) => format!(
                        "link to \"{written}\", which goes live on {day}; remove the link until then, or publish that page now (delete its publish = {day})"
                    ),
                    None => format!(
                        "link to \"{written}\", which is a draft; publish it (remove draft = true) or remove the link"
                    ),
                };
                Some((ProblemCode::LinkToDraft, message))
            }
            None => {
                let create = self.dir.join(format!("{}.md", link.slug));
                // Files with problems are articles too: suggest them as well.
                let slugs = self
                    .by_slug
                    .keys()
                    .copied()
                    .chain(self.broken_slugs.iter().map(String::as_str));
                let message = match closest(&link.slug, slugs) {
                    Some(guess) => format!(
                        "link to \"{written}\", but there is no article with that name; did you mean \"{guess}\"? If not, check the spelling or create {}",
                        create.display()
                    ),
                    None => format!(
                        "link to \"{written}\", but there is no article with that name; check the spelling or create {}",
                        create.display()
                    ),
                };
                Some((ProblemCode::BrokenLink, message))
            }
            Some(target) => link.fragment.as_ref().and_then(|fragment| {
                (!target.has_section(fragment)).then(|| {
                    let message = format!(
                        "link to \"{written}#{fragment}\", but that article has no section \"{fragment}\"{}; its sections are: {}",
                        section_hint(fragment, &target.heading_ids),
                        target.heading_ids.join(", ")
                    );
                    (ProblemCode::MissingSection, message)
                })
            }),
        }
    }

    /// What is wrong with a link to a site address that is not an article, if anything.
    pub fn site_problem(&self, link: &SiteLink) -> Option<(ProblemCode, String)> {
        let written = &link.written;
        if let Some(topic) = link.path.strip_prefix("/topics/") {
            if Category::from_slug(topic).is_some() {
                return None;
            }
            let topics = Category::ALL.map(Category::slug);
            let guess = did_you_mean(closest(topic, topics.into_iter()));
            return Some((
                ProblemCode::BrokenLink,
                format!(
                    "link to \"{written}\", but there is no topic \"{topic}\"; the topics are {}{guess}",
                    topics.join(", ")
                ),
            ));
        }
        if let Some(tag) = link.path.strip_prefix("/tags/") {
            if self.tags.contains(&tag) {
                return None;
            }
            let guess = did_you_mean(closest(tag, self.tags.iter().copied()));
            return Some((
                ProblemCode::BrokenLink,
                format!(
                    "link to \"{written}\", but no published article has the tag \"{tag}\"{guess}; add the tag to an article or link to one of: {}",
                    self.tags.join(", ")
                ),
            ));
        }
        if let Some(relative) = link.path.strip_prefix("/static/") {
            let servable = !relative.is_empty()
                && relative
                    .split('/')
                    .all(|part| !part.is_empty() && !part.starts_with('.'));
            return match self.static_dir {
                _ if !servable => Some((
                    ProblemCode::BrokenLink,
                    format!(
                        "link to \"{written}\", but that is not a file the site can serve; use an address like /static/leaflets/exercises.pdf"
                    ),
                )),
                Some(dir) if !dir.join(relative).is_file() => Some((
                    ProblemCode::BrokenLink,
                    format!(
                        "link to \"{written}\", but there is no such file; put it at {} or fix the address",
                        dir.join(relative).display()
                    ),
                )),
                _ => None,
            };
        }
        let Some(page) = self.site_pages.iter().find(|page| page.path == link.path) else {
            let paths = self.site_pages.iter().map(|page| page.path.as_str());
            let guess = did_you_mean(closest(&link.path, paths));
            return Some((
                ProblemCode::BrokenLink,
                format!(
                    "link to \"{written}\", but the site has no page at \"{}\"{guess}; link to an article as other-article.md, or to a topic as /topics/relief",
                    link.path
                ),
            ));
        };
        let fragment = link.fragment.as_ref()?;
        let ids = page.anchors.as_ref()?;
        (!ids.contains(fragment)).then(|| {
            let guess = did_you_mean(closest(fragment, ids.iter().map(String::as_str)));
            let mut shown: Vec<&str> = ids
                .iter()
                .take(ANCHORS_SHOWN)
                .map(String::as_str)
                .collect();
            let more = ids.len().saturating_sub(ANCHORS_SHOWN);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            shown.dedup();
            let message = format!(
                "link to \"{written}\", but the page {} has no anchor \"{fragment}\"{guess}; its anchors include: {}{more}",
                link.path,
                shown.join(", ")
            );
            (ProblemCode::MissingSection, message)
        })
    }
}

fn did_you_mean(guess: Option<&str>) -> String {
    guess
        .map(|guess| format!("; did you mean \"{guess}\"?"))
        .unwrap_or_default()
}
