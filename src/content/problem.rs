//! Author-facing problems found while loading and checking articles.
//! Every problem knows its file and, where it can, its line, so an author can jump straight to it,
//! and its kind (`ProblemCode`): a stable name and whether it stops the site or only warns.

use std::fmt;
use std::path::PathBuf;

/// Whether a problem stops the site (`serve` refuses it, `check` fails) or makes it worse for
/// readers (`check` warns, `--strict` fails); a note only tells the author something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// Declares `ProblemCode` with each kind's stable code and severity, and `ProblemCode::ALL`, so
/// the list AUTHORING.md must document is the enum itself.
macro_rules! problem_codes {
    ($($(#[$doc:meta])* $kind:ident = $code:literal, $severity:ident;)+) => {
        /// The kind of a problem, printed by `check` after its message (`[unknown-field]`): an
        /// author can look it up in AUTHORING.md, and a tool can tell kinds apart without
        /// reading the words, which may change.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ProblemCode {
            $($(#[$doc])* $kind,)+
        }

        impl ProblemCode {
            pub const ALL: &[ProblemCode] = &[$(ProblemCode::$kind,)+];

            /// The stable name, in lowercase words joined by hyphens.
            pub fn code(self) -> &'static str {
                match self {
                    $(ProblemCode::$kind => $code,)+
                }
            }

            pub fn severity(self) -> Severity {
                match self {
                    $(ProblemCode::$kind => Severity::$severity,)+
                }
            }
        }
    };
}

problem_codes! {
    // The front matter.
    /// The file does not start with `+++`.
    NoFrontMatter = "no-front-matter", Error;
    /// `---` YAML front matter instead of `+++` TOML.
    YamlFrontMatter = "yaml-front-matter", Error;
    /// The front matter's `+++` is never closed.
    UnclosedFrontMatter = "unclosed-front-matter", Error;
    /// The front matter is not valid TOML.
    InvalidToml = "invalid-toml", Error;
    MissingField = "missing-field", Error;
    /// A field (or a source's field) that backcare does not know.
    UnknownField = "unknown-field", Error;
    EmptyField = "empty-field", Error;
    /// A field of the wrong kind: a number for text, quotes around a date, not a list.
    WrongType = "wrong-type", Error;
    /// Text left from `backcare new`'s template.
    Placeholder = "placeholder", Error;
    SummaryTooLong = "summary-too-long", Error;
    UnknownCategory = "unknown-category", Error;
    /// A date that does not exist, or is not written year-month-day.
    InvalidDate = "invalid-date", Error;
    /// `next_review` not after `reviewed`.
    ReviewOrder = "review-order", Error;
    /// `reviewed` after today.
    FutureReview = "future-review", Error;
    NoSources = "no-sources", Error;
    /// A source without its title or url.
    IncompleteSource = "incomplete-source", Error;
    /// A source's url that is not a web address.
    InvalidUrl = "invalid-url", Error;
    InvalidTag = "invalid-tag", Error;
    // The file and the page text.
    InvalidFileName = "invalid-file-name", Error;
    /// The file cannot be read, or is not UTF-8.
    UnreadableFile = "unreadable-file", Error;
    /// The articles or static folder cannot be read.
    UnreadableFolder = "unreadable-folder", Error;
    // Shortcodes: the call, then its arguments, then what they name.
    /// `{{ name ... }}` without its brackets in place.
    ShortcodeSyntax = "shortcode-syntax", Error;
    UnknownShortcode = "unknown-shortcode", Error;
    /// `{{ service(...) }}` on a line of its own instead of inside a sentence.
    ServiceOnItsOwnLine = "service-on-its-own-line", Error;
    /// Arguments not written `name="value"`, separated by commas.
    ArgumentSyntax = "argument-syntax", Error;
    /// An argument the shortcode does not take.
    UnknownArgument = "unknown-argument", Error;
    /// A diagram without its name or caption.
    MissingArgument = "missing-argument", Error;
    /// `service` given anything but one `sign`.
    ServiceNeedsOneSign = "service-needs-one-sign", Error;
    /// `red_flags` without an urgency that names a list.
    InvalidUrgency = "invalid-urgency", Error;
    /// A sign or group that the symptom checker does not have.
    UnknownSign = "unknown-sign", Error;
    /// A `for` other than `"child"` in a warning box.
    UnknownAudience = "unknown-audience", Error;
    /// A sign in a box `for="child"` that has no words for a parent.
    NoWordsForParent = "no-words-for-parent", Error;
    UnknownDiagram = "unknown-diagram", Error;
    /// A diagram's SVG file that may not be put in a page (a developer's problem).
    UnsafeDiagram = "unsafe-diagram", Error;
    /// A shortcode inside a sentence, list or heading.
    MisplacedShortcode = "misplaced-shortcode", Error;
    /// `{%`, `%}` or `}}` that would reach readers as text.
    TemplateTag = "template-tag", Error;
    /// A sentence that sends a warning sign somewhere slower than the symptom checker does.
    UnderTriage = "under-triage", Error;
    /// `# ...` in the body.
    LevelOneHeading = "level-one-heading", Error;
    /// A link to a page, topic, tag or file the site does not have.
    BrokenLink = "broken-link", Error;
    /// A link to a section or anchor the page does not have.
    MissingSection = "missing-section", Error;
    /// A link to a draft, or to a page that goes live later.
    LinkToDraft = "link-to-draft", Error;
    DuplicateTitle = "duplicate-title", Error;
    MissingAltText = "missing-alt-text", Error;
    /// An image that is not a file in the static folder.
    MissingImage = "missing-image", Error;
    /// A PNG or JPEG that cannot be decoded.
    UnreadableImage = "unreadable-image", Error;
    // Warnings.
    ReviewOverdue = "review-overdue", Warning;
    SimilarSummary = "similar-summary", Warning;
    ShortSummary = "short-summary", Warning;
    NoInternalLinks = "no-internal-links", Warning;
    LongParagraph = "long-paragraph", Warning;
    LongSentence = "long-sentence", Warning;
    HardSentence = "hard-sentence", Warning;
    ReadingLevel = "reading-level", Warning;
    /// `draft = true` beside `publish`.
    DraftAndPublish = "draft-and-publish", Warning;
    NoWarningSigns = "no-warning-signs", Warning;
    HandWrittenSign = "hand-written-sign", Warning;
    /// A whole `red_flags` list outside when-to-get-help.md.
    WholeSignList = "whole-sign-list", Warning;
    TooManySigns = "too-many-signs", Warning;
    /// No source from the NHS, NICE, Cochrane or Mayo Clinic.
    NoTrustedSource = "no-trusted-source", Warning;
    /// A medicine named without a link to the medicines page.
    UnlinkedMedicine = "unlinked-medicine", Warning;
    /// A web address whose site name looks misspelt.
    MisspeltSite = "misspelt-site", Warning;
    /// An `http://` source.
    NotHttps = "not-https", Warning;
    /// `check --external`: a web address that does not answer well.
    BrokenExternalLink = "broken-external-link", Warning;
    /// Raw HTML the page will not show.
    RawHtmlRemoved = "raw-html-removed", Warning;
    /// A file or folder in the articles folder that is not read.
    Skipped = "skipped", Warning;
    /// An article the symptom checker links to is missing.
    MissingLinkedArticle = "missing-linked-article", Warning;
    /// A page with a `publish` date still to come.
    Scheduled = "scheduled", Note;
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A problem at a line inside one file, before the loader knows which file it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    pub code: ProblemCode,
    pub line: usize,
    /// The character on the line, counting from 1, where the parser knows it.
    pub column: Option<usize>,
    pub message: String,
}

impl LineProblem {
    pub fn new(code: ProblemCode, line: usize, message: impl Into<String>) -> Self {
        Self {
            code,
            line,
            column: None,
            message: message.into(),
        }
    }

    /// A problem at an exact place: `file:line:column: message`.
    pub fn at(code: ProblemCode, line: usize, column: usize, message: impl Into<String>) -> Self {
        Self {
            column: Some(column),
            ..Self::new(code, line, message)
        }
    }

    pub fn in_file(self, path: &std::path::Path) -> Problem {
        Problem {
            code: self.code,
            path: path.to_path_buf(),
            line: Some(self.line),
            column: self.column,
            message: self.message,
        }
    }
}

/// One thing an author must fix, printed as `articles/heat-therapy.md:3: message`, or with the
/// column where the parser knows it: `articles/heat-therapy.md:3:14: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: ProblemCode,
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "{path}:{line}:{column}: {}", self.message),
            (Some(line), None) => write!(f, "{path}:{line}: {}", self.message),
            (None, _) => write!(f, "{path}: {}", self.message),
        }
    }
}

/// Every problem found in a load; a site with any of them is never served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadErrors(pub Vec<Problem>);

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in &self.0 {
            writeln!(f, "{problem}")?;
        }
        let count = self.0.len();
        write!(
            f,
            "{count} problem{} found in the articles",
            if count == 1 { "" } else { "s" }
        )
    }
}
