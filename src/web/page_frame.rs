//! The frame of a page made per request: its head, header and footer, which are the same on
//! every request of a generation, rendered once and kept as text. A request then writes only
//! what is its own: the title and the main content. For the symptom checker's result, the
//! frame was a third of the rendering (its navigation alone is twenty escaped links).
//! A leaf of `web`, so the pre-rendering and the pages both use it.

use std::fmt::{self, Display, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use askama::Template;

/// Stands in for the page's title in the frame's template (`Layout::new`): a text no title
/// escapes to, with no character HTML escaping changes.
pub const TITLE_MARKER: &str = "backcare-frame-title-8d1e";
/// Stands in for the main content (`templates/pages/frame.html`).
pub const CONTENT_MARKER: &str = "<!--backcare:frame-content-->";

/// A page's text around its title and around its main content.
#[derive(Debug)]
pub struct PageFrame {
    before_title: Box<str>,
    before_content: Box<str>,
    after_content: Box<str>,
    /// The longest title and content written into this frame so far: a page's buffer is made
    /// this size, so it is written without growing. (A template's own size hint counts each
    /// remembered fragment as a few bytes: the checker's result outgrew it twice, copying the
    /// page each time.)
    longest_own_part: AtomicUsize,
}

impl Clone for PageFrame {
    fn clone(&self) -> Self {
        PageFrame {
            before_title: self.before_title.clone(),
            before_content: self.before_content.clone(),
            after_content: self.after_content.clone(),
            longest_own_part: AtomicUsize::new(self.longest_own_part.load(Ordering::Relaxed)),
        }
    }
}

impl PageFrame {
    /// Cuts a page rendered with both markers; `None` unless each appears exactly once, in
    /// order.
    pub fn split(html: &str) -> Option<PageFrame> {
        let (before_title, rest) = html.split_once(TITLE_MARKER)?;
        let (before_content, after_content) = rest.split_once(CONTENT_MARKER)?;
        if [before_title, before_content, after_content]
            .iter()
            .any(|part| part.contains(TITLE_MARKER) || part.contains(CONTENT_MARKER))
        {
            return None;
        }
        Some(PageFrame {
            before_title: before_title.into(),
            before_content: before_content.into(),
            after_content: after_content.into(),
            longest_own_part: AtomicUsize::new(0),
        })
    }

    /// The whole page: `title` must already be HTML (escaped text); `content` is rendered in
    /// place, into one buffer sized for the frame and the content's own size hint.
    pub fn render<T: Template>(&self, title: impl Display, content: &T) -> askama::Result<String> {
        let frame = self.before_title.len() + self.before_content.len() + self.after_content.len();
        let own_part = self
            .longest_own_part
            .load(Ordering::Relaxed)
            .max(T::SIZE_HINT + 128);
        let mut page = String::with_capacity(frame + own_part);
        page.push_str(&self.before_title);
        write!(page, "{title}")?;
        page.push_str(&self.before_content);
        content.render_into(&mut page)?;
        page.push_str(&self.after_content);
        // Only ever grows, to the largest page made; read first, so the usual request does not
        // write to a line both workers read.
        let written = page.len() - frame;
        if written > own_part {
            self.longest_own_part.fetch_max(written, Ordering::Relaxed);
        }
        Ok(page)
    }
}

impl Display for PageFrame {
    /// The frame with its markers back in place (for tests and debugging).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{TITLE_MARKER}{}{CONTENT_MARKER}{}",
            self.before_title, self.before_content, self.after_content
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Template)]
    #[template(source = "<p>{{ text }}</p>", ext = "html")]
    struct Content<'a> {
        text: &'a str,
    }

    #[test]
    fn renders_the_title_and_content_in_their_places() {
        let frame = PageFrame::split(&format!(
            "<title>{TITLE_MARKER} - site</title><main>{CONTENT_MARKER}</main>"
        ))
        .unwrap();
        let page = frame.render("A &amp; B", &Content { text: "<b>" }).unwrap();
        assert_eq!(
            page,
            "<title>A &amp; B - site</title><main><p>&#60;b&#62;</p></main>"
        );
        assert_eq!(
            frame.to_string(),
            format!("<title>{TITLE_MARKER} - site</title><main>{CONTENT_MARKER}</main>")
        );
    }

    #[test]
    fn a_page_as_long_as_one_before_is_written_without_growing_its_buffer() {
        let frame =
            PageFrame::split(&format!("<title>{TITLE_MARKER}</title>{CONTENT_MARKER}!")).unwrap();
        let long = "x".repeat(10_000);
        let first = frame.render("T", &Content { text: &long }).unwrap();
        let again = frame.render("T", &Content { text: &long }).unwrap();
        assert_eq!(first, again);
        assert_eq!(again.capacity(), again.len(), "sized from the first page");
        let short = frame.render("T", &Content { text: "short" }).unwrap();
        assert!(short.ends_with("<p>short</p>!"));
    }

    #[test]
    fn refuses_missing_misplaced_or_repeated_markers() {
        assert!(PageFrame::split("<main></main>").is_none());
        assert!(PageFrame::split(&format!("{CONTENT_MARKER}{TITLE_MARKER}")).is_none());
        assert!(
            PageFrame::split(&format!("{TITLE_MARKER}{CONTENT_MARKER}{CONTENT_MARKER}")).is_none()
        );
        assert!(
            PageFrame::split(&format!("{TITLE_MARKER}{TITLE_MARKER}{CONTENT_MARKER}")).is_none()
        );
    }
}
