//! Constant texts written into a page escaped from memory: each worker thread escapes a text
//! the first time it writes it, then copies the escaped bytes. A checker result writes about a
//! hundred sentences from the triage tables (reasons, advice, the safety net, the answers'
//! questions), and escaping them byte by byte on every request was the largest part of
//! rendering the page.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

use askama::filters::{Escaper, Html, HtmlSafe};
use askama::{FastWritable, Values};
use rustc_hash::FxHashMap;

/// The most texts one thread remembers. The triage tables hold a few hundred; should some
/// `'static` text be made at run time (a leaked string), the memory stops growing here and
/// later texts are escaped as they are written.
const REMEMBERED_TEXTS: usize = 4096;

thread_local! {
    /// Keyed by the text's address and length: a `'static` text never changes, so the same
    /// key always holds the same bytes.
    static ESCAPED: RefCell<FxHashMap<(usize, usize), Box<str>>> = RefCell::default();
}

/// A constant text a template writes escaped: `{{ escaped(reason.reason) }}`. Writes exactly
/// what askama's own escaping of the text would.
#[derive(Debug, Clone, Copy)]
pub struct Escaped(&'static str);

pub fn escaped(text: &'static str) -> Escaped {
    Escaped(text)
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    // Writing to a String cannot fail.
    let _ = Html.write_escaped_str(&mut out, text);
    out
}

impl Escaped {
    fn write_to(self, dest: &mut dyn fmt::Write) -> fmt::Result {
        let key = (self.0.as_ptr() as usize, self.0.len());
        ESCAPED.with(|memory| {
            let mut memory = memory.borrow_mut();
            if let Some(escaped) = memory.get(&key) {
                return dest.write_str(escaped);
            }
            let escaped = escape(self.0);
            let written = dest.write_str(&escaped);
            if memory.len() < REMEMBERED_TEXTS {
                memory.insert(key, escaped.into_boxed_str());
            }
            written
        })
    }
}

impl fmt::Display for Escaped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

impl FastWritable for Escaped {
    fn write_into(&self, dest: &mut dyn fmt::Write, _: &dyn Values) -> askama::Result<()> {
        Ok(self.write_to(dest)?)
    }
}

/// Already escaped: askama writes it as it is.
impl HtmlSafe for Escaped {}

/// A text that is a constant or was made for this request (an answer's label, or a number):
/// `{{ self::escaped_text(answer) }}` escapes a constant from memory and a made text as askama
/// would.
// The Cow itself is the point: whether the text is a `'static` constant, which a `&str` hides.
#[allow(clippy::ptr_arg)]
pub fn escaped_text<'a>(text: &'a Cow<'static, str>) -> EscapedText<'a> {
    match text {
        Cow::Borrowed(constant) => EscapedText::Constant(Escaped(constant)),
        Cow::Owned(made) => EscapedText::Made(made),
    }
}

#[derive(Debug, Clone, Copy)]
pub enum EscapedText<'a> {
    Constant(Escaped),
    Made(&'a str),
}

impl EscapedText<'_> {
    fn write_to(self, dest: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            EscapedText::Constant(constant) => constant.write_to(dest),
            EscapedText::Made(made) => Html.write_escaped_str(dest, made),
        }
    }
}

impl fmt::Display for EscapedText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

impl FastWritable for EscapedText<'_> {
    fn write_into(&self, dest: &mut dyn fmt::Write, _: &dyn Values) -> askama::Result<()> {
        Ok(self.write_to(dest)?)
    }
}

/// Escaped as it is written.
impl HtmlSafe for EscapedText<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use askama::Template;

    #[derive(Template)]
    #[template(source = "{{ self::escaped(text) }}|{{ text }}", ext = "html")]
    struct Both {
        text: &'static str,
    }

    #[test]
    fn writes_what_askama_escaping_writes_the_first_time_and_after() {
        for text in ["plain", "Don't <b>lift</b> & \"twist\"", "", "café ½ — ok"] {
            let first = Both { text }.render().expect("renders");
            let again = Both { text }.render().expect("renders");
            let (remembered, askama) = first.split_once('|').expect("two halves");
            assert_eq!(remembered, askama, "{text}");
            assert_eq!(first, again);
        }
    }

    #[test]
    fn texts_that_share_an_address_but_not_a_length_are_kept_apart() {
        const LONG: &str = "a&b<c";
        let short = &LONG[..2];
        assert_eq!(Escaped(LONG).to_string(), "a&#38;b&#60;c");
        assert_eq!(Escaped(short).to_string(), "a&#38;");
    }
}
