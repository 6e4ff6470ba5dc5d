//! The site's public address, for the places that need absolute URLs: canonical links, the feed,
//! the sitemap and structured data. Checked once when it is read, so joining paths onto it is total.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;

/// `scheme://host[:port]` with no trailing slash, e.g. `https://backcare.example`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    #[error("\"{0}\" is not a web address; give one like https://backcare.example")]
    NotAUrl(String),
    #[error(
        "the base URL must start with http:// or https://, not {0}://; give one like https://backcare.example"
    )]
    Scheme(String),
    #[error(
        "the base URL must be just the scheme and host (like https://backcare.example), without a path, query, fragment or password, because every page is served from the root"
    )]
    NotARoot,
}

impl BaseUrl {
    /// The address a server bound to `address` answers on, used when no public address is given.
    pub fn for_address(address: SocketAddr) -> BaseUrl {
        // SocketAddr already brackets IPv6 hosts: http://[::1]:8080.
        BaseUrl(format!("http://{address}"))
    }

    /// The absolute URL of a site path such as `/articles/heat-therapy`.
    pub fn join(&self, path: &str) -> String {
        debug_assert!(path.starts_with('/'), "site paths are absolute: {path}");
        format!("{}{path}", self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the public address is https, so browsers should be told to stay on https.
    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }
}

impl FromStr for BaseUrl {
    type Err = BaseUrlError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let url =
            url::Url::parse(text.trim()).map_err(|_| BaseUrlError::NotAUrl(text.to_owned()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(BaseUrlError::Scheme(url.scheme().to_owned()));
        }
        if url.host().is_none()
            || url.path() != "/"
            || url.query().is_some()
            || url.fragment().is_some()
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(BaseUrlError::NotARoot);
        }
        // The origin is normalised (lowercase host, default port dropped) and has no trailing slash,
        // so `https://Example.org:443/` and `https://example.org` give the same links.
        Ok(BaseUrl(url.origin().ascii_serialization()))
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<String, BaseUrlError> {
        text.parse::<BaseUrl>().map(|url| url.to_string())
    }

    #[test]
    fn accepts_http_and_https_roots_with_or_without_a_trailing_slash() {
        assert_eq!(
            parse("https://backcare.example").unwrap(),
            "https://backcare.example"
        );
        assert_eq!(
            parse("https://backcare.example/").unwrap(),
            "https://backcare.example"
        );
        assert_eq!(
            parse("HTTP://Backcare.Example:8080/").unwrap(),
            "http://backcare.example:8080"
        );
        assert_eq!(
            parse("https://backcare.example:443").unwrap(),
            "https://backcare.example"
        );
        assert_eq!(parse("http://[::1]:9000").unwrap(), "http://[::1]:9000");
    }

    #[test]
    fn refuses_other_schemes_paths_and_non_urls() {
        assert_eq!(
            parse("ftp://backcare.example"),
            Err(BaseUrlError::Scheme("ftp".to_owned()))
        );
        assert!(matches!(
            parse("backcare.example"),
            Err(BaseUrlError::NotAUrl(_))
        ));
        for text in [
            "https://backcare.example/site",
            "https://backcare.example//",
            "https://backcare.example/?a=1",
            "https://backcare.example/#top",
            "https://user:secret@backcare.example",
        ] {
            assert_eq!(parse(text), Err(BaseUrlError::NotARoot), "{text}");
        }
    }

    #[test]
    fn joins_site_paths() {
        let base: BaseUrl = "https://backcare.example/".parse().unwrap();
        assert_eq!(
            base.join("/articles/heat-therapy"),
            "https://backcare.example/articles/heat-therapy"
        );
        assert_eq!(base.join("/"), "https://backcare.example/");
        let local = BaseUrl::for_address("127.0.0.1:8080".parse().unwrap());
        assert_eq!(local.join("/feed.xml"), "http://127.0.0.1:8080/feed.xml");
    }
}
