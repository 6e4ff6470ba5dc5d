//! Where a link written in an article leads on this site: `classify` reads a destination once
//! (`x.md`, `/articles/x`, `x`, `/topics/c`, `/static/...`); `link_targets` checks that
//! something is there.

use super::front_matter::closest;

/// A link to another article, checked once every article is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// The address as written, without its `#section`, for messages.
    pub written: String,
    pub slug: String,
    pub fragment: Option<String>,
    pub line: usize,
    /// Where the link's `[` is on its line, counting characters from 1.
    pub column: usize,
}

/// What a written link destination points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// An article: `x.md`, `/articles/x` or a relative `x`, with an optional `#section`.
    Article {
        slug: String,
        fragment: Option<String>,
    },
    /// Another address on this site, resolved to an absolute path: `/topics/relief`, `/static/a.pdf`.
    Site {
        path: String,
        fragment: Option<String>,
    },
    /// `#section` on the same page.
    SamePage,
    /// Another site, or `mailto:`.
    External,
}

impl Destination {
    /// The address the rendered page links to: absolute, so it works from any page and in a static build.
    pub fn href(&self) -> Option<String> {
        let with_fragment = |path: String, fragment: &Option<String>| match fragment {
            Some(fragment) => format!("{path}#{fragment}"),
            None => path,
        };
        match self {
            Destination::Article { slug, fragment } => {
                Some(with_fragment(format!("/articles/{slug}"), fragment))
            }
            Destination::Site { path, fragment } => Some(with_fragment(path.clone(), fragment)),
            Destination::SamePage | Destination::External => None,
        }
    }
}

/// `; did you mean "plan-the-lift"?` when a section id is the one written in other letter case
/// or a few letters away, to go between a "no section" message and its list of sections.
pub fn section_hint(fragment: &str, ids: &[String]) -> String {
    closest(fragment, ids.iter().map(String::as_str))
        .map(|id| format!("; did you mean \"{id}\"?"))
        .unwrap_or_default()
}

/// What follows the site's own address at the start of `url`, whichever form the author wrote it
/// in: `http://` or `https://`, with or without `www.`, the host in any letter case. `None` for
/// another site's address.
pub fn after_own_address<'u>(url: &'u str, base_url: &str) -> Option<&'u str> {
    let (own_host, _) = host_and_rest(base_url.trim_end_matches('/'))?;
    let (host, rest) = host_and_rest(url)?;
    let plain = |host: &str| {
        let host = host.to_ascii_lowercase();
        host.strip_prefix("www.").map(str::to_owned).unwrap_or(host)
    };
    (plain(host) == plain(own_host)).then_some(rest)
}

/// `https://Host:8080/path` → (`Host:8080`, `/path`), for http and https addresses only.
fn host_and_rest(url: &str) -> Option<(&str, &str)> {
    let scheme_end = url.find("://")?;
    if !matches!(
        url[..scheme_end].to_ascii_lowercase().as_str(),
        "http" | "https"
    ) {
        return None;
    }
    let after = &url[scheme_end + 3..];
    let host_end = after.find(['/', '?', '#']).unwrap_or(after.len());
    Some((&after[..host_end], &after[host_end..]))
}

/// A link to a site address that is not an article, checked once every article is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteLink {
    /// As the author wrote it, for messages.
    pub written: String,
    pub path: String,
    pub fragment: Option<String>,
    pub line: usize,
    pub column: usize,
}

/// A link to another site (or, if it starts with `--base-url`, to this one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLink {
    pub url: String,
    pub line: usize,
    pub column: usize,
}

/// Reads a Markdown link destination. Relative addresses resolve as a browser would from an
/// article page (`/articles/<slug>`), so `heat-therapy` means `/articles/heat-therapy`.
pub fn classify(dest: &str) -> Destination {
    let has_scheme = dest
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains(['/', '#', '?']));
    if has_scheme || dest.starts_with("//") {
        return Destination::External;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (dest, None),
    };
    let fragment = fragment.filter(|f| !f.is_empty()).map(str::to_owned);
    let path = path.split_once('?').map_or(path, |(path, _)| path);
    if path.is_empty() {
        return Destination::SamePage;
    }
    if let Some(slug) = path.trim_start_matches("./").strip_suffix(".md") {
        return Destination::Article {
            slug: slug.to_owned(),
            fragment,
        };
    }
    let absolute = if path.starts_with('/') {
        path.to_owned()
    } else {
        resolve_from_articles(path)
    };
    // `/articles/x/` is redirected to `/articles/x`, so it leads to the same page.
    let trimmed = match absolute.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    };
    match trimmed.strip_prefix("/articles/") {
        Some(slug) if !slug.contains('/') => Destination::Article {
            slug: slug.to_owned(),
            fragment,
        },
        _ => Destination::Site {
            path: trimmed.to_owned(),
            fragment,
        },
    }
}

/// Resolves a relative path against `/articles/<this page>`, as a browser does.
fn resolve_from_articles(relative: &str) -> String {
    let mut segments = vec!["articles"];
    for segment in relative.split('/') {
        match segment {
            "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    format!("/{}", segments.join("/"))
}

/// A page the site serves besides articles, topics, tags and static files (the caller lists
/// them, from the web layer's registry), with its ids where they are known, so `#anchor` links
/// to it are checked too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePage {
    pub path: String,
    /// `None` where the ids depend on the articles (the A to Z), so they are not checked.
    pub anchors: Option<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(slug: &str, fragment: Option<&str>) -> Destination {
        Destination::Article {
            slug: slug.to_owned(),
            fragment: fragment.map(str::to_owned),
        }
    }

    fn site(path: &str, fragment: Option<&str>) -> Destination {
        Destination::Site {
            path: path.to_owned(),
            fragment: fragment.map(str::to_owned),
        }
    }

    #[test]
    fn every_way_of_writing_an_article_link_is_an_article() {
        for (dest, fragment) in [
            ("heat.md", None),
            ("./heat.md", None),
            ("heat.md#using-heat", Some("using-heat")),
            ("/articles/heat", None),
            ("/articles/heat/", None),
            ("/articles/heat#using-heat", Some("using-heat")),
            ("heat", None),
            ("./heat#using-heat", Some("using-heat")),
            ("../articles/heat", None),
        ] {
            assert_eq!(classify(dest), article("heat", fragment), "{dest}");
        }
    }

    #[test]
    fn other_site_addresses_resolve_to_absolute_paths() {
        assert_eq!(classify("/topics/relief"), site("/topics/relief", None));
        assert_eq!(classify("../topics/relief"), site("/topics/relief", None));
        assert_eq!(classify("/tags/heat?x=1"), site("/tags/heat", None));
        assert_eq!(
            classify("/symptom-checker#start"),
            site("/symptom-checker", Some("start"))
        );
        assert_eq!(classify("/"), site("/", None));
        assert_eq!(classify("#top"), Destination::SamePage);
        for external in [
            "https://nhs.uk/x",
            "mailto:a@b.c",
            "//cdn.example/x",
            "tel:111",
        ] {
            assert_eq!(classify(external), Destination::External, "{external}");
        }
    }

    #[test]
    fn rendered_addresses_are_absolute() {
        assert_eq!(
            classify("heat#using").href().as_deref(),
            Some("/articles/heat#using")
        );
        assert_eq!(
            classify("../topics/relief").href().as_deref(),
            Some("/topics/relief")
        );
        assert_eq!(classify("https://nhs.uk").href(), None);
    }
    #[test]
    fn the_own_site_is_recognised_in_every_form() {
        let base = "https://backcare.example";
        for url in [
            "https://backcare.example/articles/x",
            "http://backcare.example/articles/x",
            "https://www.backcare.example/articles/x",
            "http://WWW.Backcare.example/articles/x",
        ] {
            assert_eq!(after_own_address(url, base), Some("/articles/x"), "{url}");
        }
        assert_eq!(
            after_own_address("https://backcare.example", base),
            Some("")
        );
        assert_eq!(
            after_own_address("https://backcare.example.org/x", base),
            None
        );
        assert_eq!(
            after_own_address("https://nhs.uk/backcare.example", base),
            None
        );
        assert_eq!(after_own_address("ftp://backcare.example/x", base), None);
    }
}
