//! Every address the site answers, in one place: constants for fixed pages and functions for
//! the ones made from a slug, so a link and its route cannot drift apart.

use crate::content::Category;

pub const HOME: &str = "/";
pub const STYLESHEET: &str = "/static/site.css";
pub const FAVICON: &str = "/static/favicon.svg";
pub const HEALTH_PATH: &str = "/healthz";
pub const FEED_PATH: &str = "/feed.xml";
pub const SITEMAP_PATH: &str = "/sitemap.xml";
pub const ROBOTS_PATH: &str = "/robots.txt";
pub const ABOUT_PATH: &str = "/about";
pub const ACCESSIBILITY_PATH: &str = "/accessibility";
pub const TOPICS_PATH: &str = "/topics";
pub const A_TO_Z_PATH: &str = "/a-z";
pub const TAGS_PATH: &str = "/tags";
pub const OPENSEARCH_PATH: &str = "/opensearch.xml";
pub const CHECKER_PATH: &str = "/symptom-checker";
pub const CHECKER_CHANGE_PATH: &str = "/symptom-checker/change";
pub const HOW_IT_WORKS_PATH: &str = "/symptom-checker/how-it-works";
pub const QUEUE_PATH: &str = "/moderate";
pub const LOGIN_PATH: &str = "/moderate/login";
pub const LOGOUT_PATH: &str = "/moderate/logout";
/// The moderators' report of the answers to "Is this page helpful?".
pub const FEEDBACK_REPORT_PATH: &str = "/moderate/feedback";

/// Convenient addresses that are not pages themselves, and the page each leads to.
/// `/articles` is where a reader trims an article's address to: the A to Z of every article.
pub const REDIRECTS: &[(&str, &str)] = &[("/articles", "/a-z")];

/// The address of a tag's page; tags are checked to be slugs, so they need no escaping.
pub fn tag_path(tag: &str) -> String {
    format!("/tags/{tag}")
}

pub fn article_path(slug: &str) -> String {
    format!("{ARTICLES_PREFIX}{slug}")
}

/// The slug in an article's address: the inverse of `article_path`.
pub fn article_slug(path: &str) -> Option<&str> {
    path.strip_prefix(ARTICLES_PREFIX)
}

pub const ARTICLES_PREFIX: &str = "/articles/";

pub fn topic_path(category: Category) -> String {
    format!("/topics/{}", category.slug())
}

/// Where the "Is this page helpful?" buttons under an article post.
pub fn feedback_path(slug: &str) -> String {
    format!("/articles/{slug}/feedback")
}

/// Where an article's discussion lives.
pub fn discussion_path(slug: &str) -> String {
    format!("/articles/{slug}/discussion")
}

pub fn thanks_path(slug: &str) -> String {
    format!("/articles/{slug}/discussion/thanks")
}

/// The thank-you page for a post that mentions warning signs. Its own path rather than a flag in
/// the query string, which browser history and proxy logs would keep next to the article.
pub fn warning_signs_thanks_path(slug: &str) -> String {
    format!("/articles/{slug}/discussion/thanks/warning-signs")
}
