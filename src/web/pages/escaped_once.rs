//! Constant texts written into a page from memory: each worker thread escapes a text, or
//! renders a piece of a page made only of constant texts (`ConstantFragment`), the first time it
//! writes it, then copies the bytes. A checker result writes about a hundred sentences from the
//! triage tables (reasons, advice, the safety net, the answers' questions), and escaping them
//! byte by byte on every request was the largest part of rendering the page; writing each piece
//! around them (an advice box, a summary row, a hidden field) as one copy halved what was left.

use std::any::TypeId;
use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

use askama::filters::{Escaper, Html, HtmlSafe};
use askama::{FastWritable, Template, Values};
use rustc_hash::FxHashMap;

/// The most texts and fragments one thread remembers. The triage tables make a few hundred;
/// should some `'static` text be made at run time (a leaked string), the memory stops growing
/// here and later ones are made as they are written.
const REMEMBERED: usize = 4096;

/// What a remembered text or fragment is made of: its type, and the addresses and lengths of
/// the `'static` constants it shows. A `'static` text never changes, so the same key always
/// makes the same bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    kind: TypeId,
    constants: Constants,
}

/// The constants a fragment is made of (up to four texts, or one `'static` value by address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Constants([usize; 8]);

impl Constants {
    /// By the texts themselves: their addresses and lengths.
    pub fn texts<const N: usize>(texts: [&'static str; N]) -> Self {
        const { assert!(N <= 4, "a fragment is keyed by at most four texts") };
        let mut words = [0; 8];
        for (i, text) in texts.iter().enumerate() {
            words[2 * i] = text.as_ptr() as usize;
            words[2 * i + 1] = text.len();
        }
        Constants(words)
    }

    /// By the address of one `'static` value whose fields are all the fragment shows (a rule).
    pub fn value<T>(value: &'static T) -> Self {
        let mut words = [0; 8];
        words[0] = std::ptr::from_ref(value) as usize;
        Constants(words)
    }
}

thread_local! {
    static MEMORY: RefCell<FxHashMap<Key, Box<str>>> = RefCell::default();
}

/// Writes what `key` made before, or makes it with `make`, writes it and remembers it.
fn write_remembered(
    dest: &mut dyn fmt::Write,
    key: Key,
    make: impl FnOnce() -> Result<String, fmt::Error>,
) -> fmt::Result {
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if let Some(made) = memory.get(&key) {
            return dest.write_str(made);
        }
        let made = make()?;
        let written = dest.write_str(&made);
        if memory.len() < REMEMBERED {
            memory.insert(key, made.into_boxed_str());
        }
        written
    })
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
        let key = Key {
            kind: TypeId::of::<Escaped>(),
            constants: Constants::texts([self.0]),
        };
        write_remembered(dest, key, || Ok(escape(self.0)))
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

/// A piece of a page made only of `'static` constants, with its own template (a `block` of
/// `templates/pages/checker_result_parts.html`). A template writes `remembered(fragment)`
/// (`{{ self::advice_box(advice) }}` in the checker's result), from memory after the first time.
pub trait ConstantFragment: Template + 'static {
    /// What the fragment shows: two fragments of one type with the same constants render the
    /// same bytes.
    fn constants(&self) -> Constants;
}

/// A fragment written from memory (`ConstantFragment`).
#[derive(Debug, Clone, Copy)]
pub struct Remembered<F>(F);

pub fn remembered<F: ConstantFragment>(fragment: F) -> Remembered<F> {
    Remembered(fragment)
}

impl<F: ConstantFragment> Remembered<F> {
    fn write_to(&self, dest: &mut dyn fmt::Write) -> fmt::Result {
        let key = Key {
            kind: TypeId::of::<F>(),
            constants: self.0.constants(),
        };
        write_remembered(dest, key, || self.0.render().map_err(|_| fmt::Error))
    }
}

impl<F: ConstantFragment> fmt::Display for Remembered<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

impl<F: ConstantFragment> FastWritable for Remembered<F> {
    fn write_into(&self, dest: &mut dyn fmt::Write, _: &dyn Values) -> askama::Result<()> {
        Ok(self.write_to(dest)?)
    }
}

/// Rendered by its own template, which escapes what it shows.
impl<F: ConstantFragment> HtmlSafe for Remembered<F> {}

/// A fragment that is remembered when it shows only constants, and rendered as it is written
/// when it shows a text made for this request (a number the reader typed, or a list of their
/// answers): `ConstantOrMade::of(value, |v| Row { value: v }, |v| Row { value: v })`, the
/// same row built once with a `'static` text and once with a borrowed one.
pub enum ConstantOrMade<C, M> {
    Constant(Remembered<C>),
    Made(M),
}

impl<C: ConstantFragment, M: Template> ConstantOrMade<C, M> {
    /// `fragment` is built from the text as a constant when it is one, else from the made text.
    // The Cow itself is the point: whether the text is a `'static` constant, which a `&str` hides.
    #[allow(clippy::ptr_arg)]
    pub fn of<'a>(
        text: &'a Cow<'static, str>,
        constant: impl FnOnce(&'static str) -> C,
        made: impl FnOnce(&'a str) -> M,
    ) -> Self {
        match text {
            Cow::Borrowed(text) => ConstantOrMade::Constant(Remembered(constant(text))),
            Cow::Owned(text) => ConstantOrMade::Made(made(text)),
        }
    }

    fn write_to(&self, dest: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            ConstantOrMade::Constant(constant) => constant.write_to(dest),
            ConstantOrMade::Made(made) => made.render_into(dest).map_err(|_| fmt::Error),
        }
    }
}

impl<C: ConstantFragment, M: Template> fmt::Display for ConstantOrMade<C, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

impl<C: ConstantFragment, M: Template> FastWritable for ConstantOrMade<C, M> {
    fn write_into(&self, dest: &mut dyn fmt::Write, _: &dyn Values) -> askama::Result<()> {
        Ok(self.write_to(dest)?)
    }
}

/// Both are rendered by templates, which escape what they show.
impl<C: ConstantFragment, M: Template> HtmlSafe for ConstantOrMade<C, M> {}

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

    #[derive(Template)]
    #[template(source = "<p title=\"{{ a }}\">{{ b }}</p>", ext = "html")]
    struct Pair<'a> {
        a: &'static str,
        b: &'a str,
    }

    impl ConstantFragment for Pair<'static> {
        fn constants(&self) -> Constants {
            Constants::texts([self.a, self.b])
        }
    }

    /// Same constants as `Pair`, different markup: the memory must keep them apart.
    #[derive(Template)]
    #[template(source = "<b>{{ a }}{{ b }}</b>", ext = "html")]
    struct Bold {
        a: &'static str,
        b: &'static str,
    }

    impl ConstantFragment for Bold {
        fn constants(&self) -> Constants {
            Constants::texts([self.a, self.b])
        }
    }

    #[test]
    fn a_remembered_fragment_is_what_its_template_renders_every_time() {
        for (a, b) in [("x", "y"), ("\"quoted\" & <tag>", "A&E"), ("", "")] {
            let direct = Pair { a, b }.render().expect("renders");
            for _ in 0..3 {
                assert_eq!(remembered(Pair { a, b }).to_string(), direct);
            }
            assert_eq!(
                remembered(Bold { a, b }).to_string(),
                Bold { a, b }.render().expect("renders"),
                "another type with the same constants is its own fragment"
            );
        }
    }

    #[test]
    fn a_made_text_is_rendered_and_escaped_and_a_constant_remembered() {
        let constant: Cow<'static, str> = Cow::Borrowed("3 & 4");
        let made: Cow<'static, str> = Cow::Owned("<script>".to_owned());
        let row = |text| {
            ConstantOrMade::of(text, |b| Pair { a: "q", b }, |b| Pair { a: "q", b }).to_string()
        };
        assert_eq!(row(&constant), "<p title=\"q\">3 &#38; 4</p>");
        assert_eq!(row(&made), "<p title=\"q\">&#60;script&#62;</p>");
        assert_eq!(row(&constant), row(&constant));
    }
}
