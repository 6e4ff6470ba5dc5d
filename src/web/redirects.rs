//! Permanent redirects to each page's one canonical address: the fixed ones (`paths::REDIRECTS`,
//! which the link checker also reads), and any address the site serves with a trailing slash added.

use super::paths::REDIRECTS;
use super::site::Site;

/// Where a request for `path` should be sent instead, if anywhere: a fixed redirect, or the same
/// address without its trailing slash (`/articles/heat/` → `/articles/heat`). Only addresses the
/// site serves are redirect targets, so a crafted path (`//elsewhere.example/`) is never one.
pub fn redirect_for(site: &Site, path: &str, query: &str) -> Option<String> {
    let fixed = |path: &str| {
        REDIRECTS
            .iter()
            .find(|(from, _)| *from == path)
            .map(|(_, to)| *to)
    };
    let target = match fixed(path) {
        Some(to) => to.to_owned(),
        None if path.len() > 1 && path.ends_with('/') => {
            let trimmed = path.trim_end_matches('/');
            let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
            match fixed(trimmed) {
                Some(to) => to.to_owned(),
                None if site.page(trimmed).is_some() || site.discussion_page(trimmed).is_some() => {
                    trimmed.to_owned()
                }
                None => return None,
            }
        }
        None => return None,
    };
    Some(if query.is_empty() {
        target
    } else {
        format!("{target}?{query}")
    })
}
