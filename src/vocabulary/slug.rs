//! `Slug`: an article's address, `^[a-z0-9]+(-[a-z0-9]+)*$`, checked once when it is made, so
//! code that holds one (the library's index, the symptom checker's links) never checks it again.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::ops::Deref;

/// An article's name in its address (`/articles/heat-therapy`) and its file (`heat-therapy.md`):
/// lowercase letters, digits and single hyphens. Derefs to `str` so it reads like the text it
/// is; it cannot be changed through that, so the guarantee holds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slug(Cow<'static, str>);

/// Why text is not a slug, with the fix, for messages that quote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{0}\" is not a valid page address; use lowercase letters, digits and single hyphens, e.g. heat-therapy"
)]
pub struct InvalidSlug(pub String);

impl Slug {
    /// A slug written in the code, checked when the program is compiled: a bad one in a
    /// `const` or `static` is a build error, not a page that silently never links.
    pub const fn from_static(slug: &'static str) -> Slug {
        assert!(is_valid(slug), "not a valid slug");
        Slug(Cow::Borrowed(slug))
    }

    pub fn new(slug: impl Into<String>) -> Result<Slug, InvalidSlug> {
        let slug = slug.into();
        if is_valid(&slug) {
            Ok(Slug(Cow::Owned(slug)))
        } else {
            Err(InvalidSlug(slug))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `slug` matches `^[a-z0-9]+(-[a-z0-9]+)*$`. A `const fn`, so `from_static` can run it
/// while compiling.
pub const fn is_valid(slug: &str) -> bool {
    let bytes = slug.as_bytes();
    if bytes.is_empty() || bytes[0] == b'-' || bytes[bytes.len() - 1] == b'-' {
        return false;
    }
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        let allowed = byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-';
        if !allowed || (byte == b'-' && bytes[index - 1] == b'-') {
            return false;
        }
        index += 1;
    }
    true
}

impl Deref for Slug {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Lets a map keyed by `Slug` be searched with the `&str` of a request path.
impl Borrow<str> for Slug {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Slug {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Slug {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for Slug {
    fn eq(&self, other: &String) -> bool {
        self.0 == other.as_str()
    }
}

impl PartialEq<Slug> for String {
    fn eq(&self, other: &Slug) -> bool {
        self.as_str() == other.0
    }
}

impl PartialEq<Slug> for &str {
    fn eq(&self, other: &Slug) -> bool {
        *self == other.0
    }
}

impl TryFrom<String> for Slug {
    type Error = InvalidSlug;

    fn try_from(slug: String) -> Result<Slug, InvalidSlug> {
        Slug::new(slug)
    }
}

impl TryFrom<&str> for Slug {
    type Error = InvalidSlug;

    fn try_from(slug: &str) -> Result<Slug, InvalidSlug> {
        Slug::new(slug)
    }
}

impl serde::Serialize for Slug {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_pattern() {
        for good in ["heat", "heat-therapy", "a1-b2", "7"] {
            assert!(is_valid(good), "{good}");
            assert_eq!(
                Slug::new(good).map(|slug| slug.to_string()),
                Ok(good.to_owned())
            );
        }
        for bad in [
            "",
            "-",
            "-heat",
            "heat-",
            "heat--therapy",
            "Heat",
            "heat_therapy",
            "héat",
            "heat.md",
            "heat therapy",
            "../etc",
        ] {
            assert!(!is_valid(bad), "{bad}");
            assert_eq!(Slug::new(bad), Err(InvalidSlug(bad.to_owned())));
        }
    }

    #[test]
    fn a_slug_reads_and_compares_as_its_text() {
        const HEAT: Slug = Slug::from_static("heat-therapy");
        let owned = Slug::new("heat-therapy").expect("valid");
        assert_eq!(HEAT, owned);
        assert_eq!(HEAT, "heat-therapy");
        assert_eq!(HEAT.as_str(), "heat-therapy");
        assert!(HEAT.starts_with("heat"));
        let mut index = std::collections::HashMap::new();
        index.insert(owned, 1);
        assert_eq!(index.get("heat-therapy"), Some(&1));
        assert_eq!(
            InvalidSlug("Heat".to_owned()).to_string(),
            "\"Heat\" is not a valid page address; use lowercase letters, digits and single hyphens, e.g. heat-therapy"
        );
    }
}
