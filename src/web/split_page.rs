//! An article page in two halves, for `--comments moderated`: made at build time by splitting
//! the rendered article around a marker, and put together per discussion by
//! `web::discussion_http`. A leaf of `web`, so the pre-rendering and the discussion both use it.

use std::hash::{Hash, Hasher};

use bytes::{Bytes, BytesMut};

/// Where the article template leaves room for the discussion (`templates/pages/article.html`).
pub const MARKER: &str = "<!--backcare:discussion-->";

/// An article page's bytes before and after its discussion.
#[derive(Debug, Clone)]
pub struct SplitPage {
    pub prefix: Bytes,
    pub suffix: Bytes,
    /// Tells the halves of one build from another's, so a reload re-renders cached pages.
    pub id: u64,
}

impl SplitPage {
    /// Splits a rendered article at the marker; `None` when the template has none.
    pub fn split(html: &str) -> Option<SplitPage> {
        let (prefix, suffix) = html.split_once(MARKER)?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        html.hash(&mut hasher);
        Some(SplitPage {
            prefix: Bytes::copy_from_slice(prefix.as_bytes()),
            suffix: Bytes::copy_from_slice(suffix.as_bytes()),
            id: hasher.finish(),
        })
    }

    /// The whole page with `fragment` in the discussion's place.
    pub fn assemble(&self, fragment: &str) -> Bytes {
        let mut body =
            BytesMut::with_capacity(self.prefix.len() + fragment.len() + self.suffix.len());
        body.extend_from_slice(&self.prefix);
        body.extend_from_slice(fragment.as_bytes());
        body.extend_from_slice(&self.suffix);
        body.freeze()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_and_assemble_round_trip() {
        let split = SplitPage::split(&format!("<main>a{MARKER}b</main>")).unwrap();
        assert_eq!(&split.prefix[..], b"<main>a");
        assert_eq!(&split.suffix[..], b"b</main>");
        assert_eq!(
            &split.assemble("<section>")[..],
            b"<main>a<section>b</main>"
        );
        assert!(SplitPage::split("<main></main>").is_none());
    }
}
