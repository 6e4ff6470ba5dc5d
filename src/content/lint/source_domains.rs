//! Misspelled site names: `nhs.ul`, `www.nhs.uk.com`, `nice.org.k`, `cochranelibary.com`.
//! A source or link whose site name is a near miss of a site our articles cite gets a warning with
//! the right address; any other well-formed site name is fine, since we cannot know every site.

use crate::content::Article;
use crate::content::front_matter::edit_distance;
use crate::content::problem::{LineProblem, ProblemCode};

/// The sites our articles cite (and the trusted ones they should), each matching itself and its
/// subdomains: `nice.org.uk` covers `www.nice.org.uk` and `cks.nice.org.uk`. A misspelling is
/// judged against these, so add a site here when articles start citing it.
pub const KNOWN_SITES: &[&str] = &[
    "nhs.uk",
    "nhsinform.scot",
    "nice.org.uk",
    "cochrane.org",
    "cochranelibrary.com",
    "mayoclinic.org",
    "clevelandclinic.org",
    "doi.org",
    "gov.uk",
    "hse.gov.uk",
    "betterhealth.vic.gov.au",
];

/// Every source and link in `article` whose site name looks like a misspelt known site.
pub fn lint(article: &Article) -> Vec<LineProblem> {
    let sources = article
        .front
        .sources
        .iter()
        .enumerate()
        .filter_map(|(index, source)| {
            let (host, corrected) = misspelt(&source.url)?;
            Some(LineProblem::new(ProblemCode::MisspeltSite,
                article.front.lines.source(index),
                format!(
                    "source {} url \"{}\" names the site \"{host}\", which looks like a misspelling; did you mean \"{corrected}\"?",
                    index + 1,
                    source.url
                ),
            ))
        });
    let links = article.external_links.iter().filter_map(|link| {
        let (host, corrected) = misspelt(&link.url)?;
        Some(LineProblem::at(ProblemCode::MisspeltSite,
            link.line,
            link.column,
            format!(
                "link to \"{}\" names the site \"{host}\", which looks like a misspelling; did you mean \"{corrected}\"?",
                link.url
            ),
        ))
    });
    sources.chain(links).collect()
}

/// The site name of an `http(s)://` address as written, and the address with it corrected, if
/// the name is a near miss of a known site.
pub fn misspelt(url: &str) -> Option<(&str, String)> {
    let (start, host) = host_of(url)?;
    let corrected = corrected_host(&host.to_ascii_lowercase())?;
    let fixed = format!("{}{corrected}{}", &url[..start], &url[start + host.len()..]);
    Some((host, fixed))
}

/// Where the host starts in `url`, and the host as written (without user, port or trailing dot).
fn host_of(url: &str) -> Option<(usize, &str)> {
    let scheme_end = url.find("://")?;
    if !["http", "https"].contains(&url[..scheme_end].to_ascii_lowercase().as_str()) {
        return None;
    }
    let authority_start = scheme_end + 3;
    let rest = &url[authority_start..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host_start = authority.rfind('@').map_or(0, |at| at + 1);
    let host = &authority[host_start..];
    let host = host.split(':').next().unwrap_or(host).trim_end_matches('.');
    let well_formed = host.contains('.')
        && host.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    well_formed.then_some((authority_start + host_start, host))
}

fn is_on_site(host: &str, site: &str) -> bool {
    host == site
        || host
            .strip_suffix(site)
            .is_some_and(|sub| sub.ends_with('.'))
}

/// The host as the author most likely meant it, if it is not a known site but nearly is.
fn corrected_host(host: &str) -> Option<String> {
    if KNOWN_SITES.iter().any(|site| is_on_site(host, site)) {
        return None;
    }
    let labels: Vec<&str> = host.split('.').collect();
    // A known site with more after it: `www.nhs.uk.com` is `www.nhs.uk`.
    for end in (1..labels.len()).rev() {
        let front = labels[..end].join(".");
        if KNOWN_SITES.iter().any(|site| is_on_site(&front, site)) {
            return Some(front);
        }
    }
    // A known site missing its country: `cks.nice.org` is `cks.nice.org.uk`. Only for sites of
    // three or more labels, so that `x.gov` is not taken for `gov.uk`.
    for site in KNOWN_SITES {
        if let Some((shortened, country)) = site.rsplit_once('.')
            && shortened.contains('.')
            && is_on_site(host, shortened)
        {
            return Some(format!("{host}.{country}"));
        }
    }
    // The end of the name a letter or two away from a known site: `www.nhs.ul`, `nice.org.k`,
    // `cochranelibary.com`, `nhsuk` (a lost dot). Short names allow one edit, long ones two.
    let mut best: Option<(usize, String)> = None;
    for site in KNOWN_SITES {
        let site_labels = site.split('.').count();
        let limit = if site.len() <= 7 { 1 } else { 2 };
        for tail_labels in site_labels.saturating_sub(1).max(1)..=site_labels + 1 {
            if tail_labels > labels.len() {
                continue;
            }
            let split = labels.len() - tail_labels;
            let tail = labels[split..].join(".");
            let distance = edit_distance(&tail, site);
            if distance <= limit
                && best
                    .as_ref()
                    .is_none_or(|(shortest, _)| distance < *shortest)
            {
                let mut corrected: Vec<&str> = labels[..split].to_vec();
                corrected.push(site);
                best = Some((distance, corrected.join(".")));
            }
        }
    }
    best.map(|(_, corrected)| corrected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_of_known_sites_are_corrected() {
        for (url, corrected) in [
            (
                "https://www.nhs.ul/conditions/back-pain/",
                "https://www.nhs.uk/conditions/back-pain/",
            ),
            ("https://nhs.ul/", "https://nhs.uk/"),
            (
                "https://www.nhs.uk.com/conditions/",
                "https://www.nhs.uk/conditions/",
            ),
            (
                "https://www.nice.org.k/guidance/ng59",
                "https://www.nice.org.uk/guidance/ng59",
            ),
            (
                "https://www.cochranelibary.com/cdsr/",
                "https://www.cochranelibrary.com/cdsr/",
            ),
            (
                "https://www.mayoclnic.org/x",
                "https://www.mayoclinic.org/x",
            ),
            ("https://cks.nice.org/x", "https://cks.nice.org.uk/x"),
            ("https://www.nhsuk/x", "https://www.nhs.uk/x"),
            ("HTTPS://WWW.NHS.UL/X", "HTTPS://www.nhs.uk/X"),
            ("https://www.nhs.ul:443/x", "https://www.nhs.uk:443/x"),
        ] {
            assert_eq!(
                misspelt(url).map(|(_, fixed)| fixed).as_deref(),
                Some(corrected),
                "{url}"
            );
        }
    }

    #[test]
    fn known_and_unrelated_sites_are_fine() {
        for url in [
            "https://www.nhs.uk/conditions/back-pain/",
            "https://www.guysandstthomas.nhs.uk/x",
            "https://cks.nice.org.uk/topics/",
            "https://doi.org/10.1002/14651858.CD000335",
            "https://www.hse.gov.uk/msd/",
            "https://my.clevelandclinic.org/health",
            "https://www.nhs.net/",
            "https://www.hse.ie/eng/",
            "https://www.health.gov.au/",
            "https://pubmed.ncbi.nlm.nih.gov/123/",
            "https://www.bmj.com/content/1",
            "https://www.who.int/news",
            "https://www.mayoclinic.com/",
            "mailto:help@nhs.ul",
            "https://localhost:8080/",
        ] {
            assert_eq!(misspelt(url), None, "{url}");
        }
    }
}
