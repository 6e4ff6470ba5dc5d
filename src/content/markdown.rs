//! Markdown to safe HTML for one article body.
//! Gives headings stable ids, builds the table of contents, rewrites `other.md` links, records images
//! and the plain prose (for the reading-level check) and sanitises the result.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{
    Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use super::links::{self, Destination, ExternalLink, InternalLink, SiteLink};
use super::lists::NamedLists;
use super::one_truth;
use super::problem::{LineProblem, ProblemCode};
use super::prose::ProseBlock;
use super::shortcode_syntax::CallError;
use super::shortcodes::{self, Expansion};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// An image written as `![alt](src)`, checked against the static directory once the loader knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub src: String,
    /// The alt text as a reader of a screen reader hears it, trimmed.
    pub alt: String,
    pub line: usize,
    /// Where its `!` is on the line, counting characters from 1.
    pub column: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Sanitised HTML, safe to insert into a page as is.
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Ids of every h2 and h3, for checking `other.md#section` links.
    pub heading_ids: Vec<String>,
    pub internal_links: Vec<InternalLink>,
    /// Links to other addresses on this site: topics, tags, static files, fixed pages.
    pub site_links: Vec<SiteLink>,
    /// Links to other sites, or to this one by its full address.
    pub external_links: Vec<ExternalLink>,
    pub images: Vec<Image>,
    /// Paragraphs and list items as plain text, in reading order.
    pub prose: Vec<ProseBlock>,
    pub word_count: usize,
    pub problems: Vec<LineProblem>,
    /// What the author wrote that the page will not show: raw HTML the sanitiser removes.
    pub warnings: Vec<LineProblem>,
    /// Every `red_flags` list the page shows whole: `(line, column, list name, signs)`.
    pub whole_sign_lists: Vec<(usize, usize, String, usize)>,
    /// `#section` links within this page, checked once all its headings are known.
    same_page_links: Vec<(String, usize, usize)>,
    /// Whether the HTML went through the sanitiser (see `renders_unsafe`).
    sanitised: bool,
}

/// Follows the event stream and keeps the plain text of paragraphs and list items, and images.
#[derive(Default)]
struct TextCollector {
    prose: Vec<ProseBlock>,
    current: Option<ProseBlock>,
    /// How many paragraphs or list items we are inside; text elsewhere (e.g. table cells) is not prose.
    prose_depth: usize,
    /// How many headings, code blocks, tables or images we are inside; their text is never prose.
    excluded_depth: usize,
    images: Vec<Image>,
    image: Option<Image>,
}

impl TextCollector {
    fn observe(&mut self, event: &Event, (line, column): (usize, usize)) {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                self.image = Some(Image {
                    src: dest_url.to_string(),
                    alt: String::new(),
                    line,
                    column,
                });
                self.excluded_depth += 1;
            }
            Event::End(TagEnd::Image) => {
                if let Some(mut image) = self.image.take() {
                    image.alt = image.alt.trim().to_owned();
                    self.images.push(image);
                }
                self.excluded_depth = self.excluded_depth.saturating_sub(1);
            }
            Event::Start(Tag::Paragraph | Tag::Item) => {
                self.finish_block();
                self.prose_depth += 1;
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                self.finish_block();
                self.prose_depth = self.prose_depth.saturating_sub(1);
            }
            Event::Start(Tag::Heading { .. } | Tag::CodeBlock(_) | Tag::Table(_)) => {
                self.finish_block();
                self.excluded_depth += 1;
            }
            Event::End(TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::Table) => {
                self.finish_block();
                self.excluded_depth = self.excluded_depth.saturating_sub(1);
            }
            // A nested list ends the item's text so far; text after it is a block of its own.
            Event::Start(Tag::List(_)) | Event::End(TagEnd::List(_)) => self.finish_block(),
            Event::Text(text) | Event::Code(text) => {
                if let Some(image) = self.image.as_mut() {
                    image.alt.push_str(text);
                } else {
                    self.push_prose(text, (line, column));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(image) = self.image.as_mut() {
                    image.alt.push(' ');
                } else {
                    self.push_prose(" ", (line, column));
                }
            }
            _ => {}
        }
    }

    fn push_prose(&mut self, text: &str, place: (usize, usize)) {
        if self.prose_depth > 0 && self.excluded_depth == 0 {
            self.current
                .get_or_insert_with(ProseBlock::default)
                .push(text, place);
        }
    }

    fn finish_block(&mut self) {
        if let Some(mut block) = self.current.take()
            && !block.text.trim().is_empty()
        {
            block.shrink_to_fit();
            self.prose.push(block);
        }
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    // We set rel ourselves: external links get noopener, internal links nothing.
    builder
        .link_rel(None)
        .add_tag_attributes("a", &["rel"])
        .add_tag_attributes("h2", &["id"])
        .add_tag_attributes("h3", &["id"])
        .add_tag_attributes("div", &["id"])
        .add_allowed_classes("div", &["footnote-definition"])
        .add_allowed_classes("sup", &["footnote-reference", "footnote-definition-label"]);
    builder
});

/// Renders an article body. `first_line` is the file line the body starts on, for error positions;
/// `lists` are what the `red_flags` shortcode can show.
pub fn render(body: &str, first_line: usize, lists: &NamedLists) -> Rendered {
    let mut renderer = Renderer::new(body, first_line, lists);
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        renderer.event(event, range);
    }
    renderer.finish()
}

/// File lines and columns of byte offsets in an article body.
struct Lines<'a> {
    body: &'a str,
    first_line: usize,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(body: &'a str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(body.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines {
            body,
            first_line,
            starts,
        }
    }

    /// The file line and column of `offset`; characters, not bytes, so the column matches what
    /// an editor shows.
    fn place(&self, offset: usize) -> (usize, usize) {
        let index = self.starts.partition_point(|&start| start <= offset) - 1;
        let column = self
            .body
            .get(self.starts[index]..offset)
            .map_or(1, |text| text.chars().count() + 1);
        (self.first_line + index, column)
    }

    fn problem(&self, code: ProblemCode, offset: usize, message: impl Into<String>) -> LineProblem {
        let (line, column) = self.place(offset);
        LineProblem::at(code, line, column, message)
    }
}

/// A heading being read: its text and inline markup wait until its end, when its id is known.
struct OpenHeading<'a> {
    level: HeadingLevel,
    explicit_id: Option<String>,
    inner: Vec<Event<'a>>,
}

/// Follows the parser's events, one method per kind, and collects what the page shows and what
/// the checks in `finish` need.
struct Renderer<'a> {
    body: &'a str,
    lines: Lines<'a>,
    lists: &'a NamedLists,
    rendered: Rendered,
    /// The events to write as HTML, links and headings already rewritten.
    events: Vec<Event<'a>>,
    used_ids: HashSet<String>,
    heading: Option<OpenHeading<'a>>,
    /// Inside a shortcode paragraph, whose events were replaced by its expansion.
    inside_shortcode: bool,
    /// Shortcode expansions, inserted after sanitising; see `shortcodes`.
    trusted: Vec<String>,
    collector: TextCollector,
    /// Where `{{` may appear without being a misplaced shortcode: code, and shortcode paragraphs.
    shortcode_free: Vec<Range<usize>>,
    /// Whether the author wrote anything the Markdown renderer passes on without making it safe:
    /// until they do, the sanitiser would only parse the page and write it out again.
    must_sanitise: bool,
    links_open: usize,
}

impl<'a> Renderer<'a> {
    fn new(body: &'a str, first_line: usize, lists: &'a NamedLists) -> Self {
        Renderer {
            body,
            lines: Lines::new(body, first_line),
            lists,
            rendered: Rendered::default(),
            events: Vec::new(),
            used_ids: HashSet::new(),
            heading: None,
            inside_shortcode: false,
            trusted: Vec::new(),
            collector: TextCollector::default(),
            shortcode_free: Vec::new(),
            must_sanitise: false,
            links_open: 0,
        }
    }

    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        if self.inside_shortcode {
            self.inside_shortcode = !matches!(event, Event::End(TagEnd::Paragraph));
            return;
        }
        self.note_unsafe(&event);
        if matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))) {
            self.shortcode_free.push(range.clone());
        }
        if matches!(event, Event::Start(Tag::Paragraph))
            && shortcodes::is_shortcode(&self.body[range.clone()])
        {
            self.shortcode_paragraph(range);
            return;
        }
        let event = match event {
            Event::Text(text) if text.contains("{{") => self.inline_shortcodes(text, &range),
            other => other,
        };
        let place = self.lines.place(range.start);
        self.collector.observe(&event, place);
        if let Event::Text(text) | Event::Code(text) = &event {
            self.rendered.word_count += text.split_whitespace().count();
        }
        if self.heading.is_some() {
            self.inside_heading(event);
            return;
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => self.start_heading(level, id, place),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => self.start_link(link_type, &dest_url, &title, place),
            Event::End(TagEnd::Link) => self
                .events
                .push(Event::InlineHtml(CowStr::Borrowed("</a>"))),
            Event::Html(ref raw) | Event::InlineHtml(ref raw) => {
                self.raw_html(raw, place);
                self.events.push(event);
            }
            other => self.events.push(other),
        }
    }

    fn note_unsafe(&mut self, event: &Event) {
        self.must_sanitise = self.must_sanitise || renders_unsafe(event);
        // A link inside a link is not valid HTML: parsers (the sanitiser's, and browsers') move
        // the inner one out.
        match event {
            Event::Start(Tag::Link { .. }) => {
                self.must_sanitise = self.must_sanitise || self.links_open > 0;
                self.links_open += 1;
            }
            Event::End(TagEnd::Link) => self.links_open = self.links_open.saturating_sub(1),
            _ => {}
        }
    }

    /// A paragraph that is one `{{ name(...) }}` call: its events give way to a placeholder.
    fn shortcode_paragraph(&mut self, range: Range<usize>) {
        let paragraph = &self.body[range.clone()];
        self.shortcode_free.push(range.clone());
        match shortcodes::expand(paragraph, self.lists) {
            Ok(Expansion(html)) => {
                let placeholder = shortcodes::placeholder(self.trusted.len());
                self.events.push(Event::Html(CowStr::from(placeholder)));
                self.trusted.push(html);
                let place = self.lines.place(range.start);
                note_sign_lists(paragraph, self.lists, place, &mut self.rendered);
            }
            Err(CallError { code, message }) => {
                self.rendered
                    .problems
                    .push(self.lines.problem(code, range.start, message))
            }
        }
        self.inside_shortcode = true;
    }

    /// Text that may hold inline shortcodes (`{{ sign(...) }}`): their words, or the text as
    /// written when a call is wrong.
    fn inline_shortcodes(&mut self, text: CowStr<'a>, range: &Range<usize>) -> Event<'a> {
        match shortcodes::expand_inline(&text, self.lists) {
            Some(Ok(words)) => {
                self.shortcode_free.push(range.clone());
                Event::Text(CowStr::from(words))
            }
            Some(Err(CallError { code, message })) => {
                self.shortcode_free.push(range.clone());
                let problem = self.lines.problem(code, range.start, message);
                self.rendered.problems.push(problem);
                Event::Text(text)
            }
            None => Event::Text(text),
        }
    }

    fn start_heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        (line, column): (usize, usize),
    ) {
        if level == HeadingLevel::H1 {
            self.rendered.problems.push(LineProblem::at(ProblemCode::LevelOneHeading,
                line,
                column,
                "a level-1 heading (# ...) in the body; the page title comes from front matter, so start sections with ## instead",
            ));
        }
        self.heading = Some(OpenHeading {
            level,
            explicit_id: id.map(|id| id.to_string()),
            inner: Vec::new(),
        });
    }

    fn inside_heading(&mut self, event: Event<'a>) {
        if matches!(event, Event::End(TagEnd::Heading(_))) {
            if let Some(heading) = self.heading.take() {
                self.emit_heading(heading);
            }
        } else if let Some(heading) = self.heading.as_mut() {
            heading.inner.push(event);
        }
    }

    fn emit_heading(&mut self, heading: OpenHeading<'a>) {
        let OpenHeading {
            level,
            explicit_id,
            inner,
        } = heading;
        let text: String = inner
            .iter()
            .filter_map(|event| match event {
                Event::Text(text) | Event::Code(text) => Some(text.as_ref()),
                _ => None,
            })
            .collect();
        let tag = level as u8;
        let opening = if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
            let base = explicit_id.unwrap_or_else(|| heading_id(&text));
            let id = unique_id(base, &mut self.used_ids);
            self.rendered.heading_ids.push(id.clone());
            self.rendered.toc.push(TocEntry {
                level: tag,
                id: id.clone(),
                text: text.trim().to_owned(),
            });
            format!("<h{tag} id=\"{}\">", escape_attribute(&id))
        } else {
            format!("<h{tag}>")
        };
        self.events.push(Event::Html(CowStr::from(opening)));
        self.events.extend(inner);
        self.events
            .push(Event::Html(CowStr::from(format!("</h{tag}>\n"))));
    }

    fn start_link(
        &mut self,
        link_type: LinkType,
        dest_url: &str,
        title: &str,
        place: (usize, usize),
    ) {
        let href = link_target(dest_url, link_type, place, &mut self.rendered);
        self.must_sanitise = self.must_sanitise || !is_plain_url(href.url());
        self.events
            .push(Event::InlineHtml(CowStr::from(href.opening_tag(title))));
    }

    fn raw_html(&mut self, raw: &str, (line, column): (usize, usize)) {
        for removed in removed_html(raw) {
            self.rendered.warnings.push(LineProblem::at(
                ProblemCode::RawHtmlRemoved,
                line,
                column,
                removed,
            ));
        }
    }

    fn finish(mut self) -> Rendered {
        self.collector.finish_block();
        self.check();
        self.rendered.html = self.write_html();
        self.rendered.prose = std::mem::take(&mut self.collector.prose);
        self.rendered.images = std::mem::take(&mut self.collector.images);
        self.rendered
    }

    /// The checks that need the whole body read: template syntax that would show as text,
    /// `#section` links to sections the page lacks, and triage advice the page repeats.
    fn check(&mut self) {
        let lines = &self.lines;
        let problems = &mut self.rendered.problems;
        problems.extend(unrendered_template_tags(
            self.body,
            &self.shortcode_free,
            |offset| lines.place(offset),
        ));
        problems.extend(misplaced_shortcodes(self.body, &self.shortcode_free, lines));
        let same_page_links = std::mem::take(&mut self.rendered.same_page_links);
        let missing = missing_sections(same_page_links, &self.rendered.heading_ids);
        self.rendered.problems.extend(missing);
        let first_line = self.lines.first_line;
        let body = self.body;
        self.rendered.problems.extend(
            one_truth::under_triage(&self.collector.prose, self.lists.catalogue())
                .into_iter()
                .map(|found| {
                    let column = column_of_words(body, found.line - first_line, &found.matched);
                    LineProblem::at(ProblemCode::UnderTriage, found.line, column, found.message)
                }),
        );
    }

    fn write_html(&mut self) -> String {
        let mut written = String::with_capacity(self.body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut written, std::mem::take(&mut self.events).into_iter());
        self.rendered.sanitised = self.must_sanitise;
        let safe = if self.must_sanitise {
            SANITIZER.clean(&written).to_string()
        } else if written.contains(" />") {
            // Void elements as the sanitiser writes them, and the templates: `<br>`, not `<br />`.
            // Text and attribute values never hold a bare `>`: the renderer escapes it.
            written.replace(" />", ">")
        } else {
            written
        };
        shortcodes::insert_trusted(safe, &self.trusted)
    }
}

/// A `{{` outside a shortcode paragraph and outside code: a shortcode readers would see as text.
fn misplaced_shortcodes(
    body: &str,
    shortcode_free: &[Range<usize>],
    lines: &Lines,
) -> Vec<LineProblem> {
    let mut problems = Vec::new();
    for (offset, _) in body.match_indices("{{") {
        if shortcode_free.iter().any(|range| range.contains(&offset)) {
            continue;
        }
        let rest = &body[offset..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let call = rest[..line_end]
            .find("}}")
            .map_or(&rest[..line_end], |end| &rest[..end + 2]);
        problems.push(lines.problem(
            ProblemCode::MisplacedShortcode,
            offset,
            format!(
                "shortcode \"{call}\" must be on a line of its own, with a blank line before and after; inside a sentence, list or heading it would show as plain text"
            ),
        ));
    }
    problems
}

/// `#section` links within the page whose section the page does not have.
fn missing_sections(
    same_page_links: Vec<(String, usize, usize)>,
    heading_ids: &[String],
) -> Vec<LineProblem> {
    same_page_links
        .into_iter()
        .filter(|(fragment, _, _)| !heading_ids.contains(fragment))
        .map(|(fragment, line, column)| {
            LineProblem::at(ProblemCode::MissingSection,
                line,
                column,
                format!(
                    "link to \"#{fragment}\", but this page has no section \"{fragment}\"{}; its sections are: {}",
                    super::links::section_hint(&fragment, heading_ids),
                    heading_ids.join(", ")
                ),
            )
        })
        .collect()
}

/// Where `words` (lowercase) start on line `index` of `body`, counting characters from 1; the
/// line's start when the words run over a line break.
fn column_of_words(body: &str, index: usize, words: &str) -> usize {
    let line = body.lines().nth(index).unwrap_or_default().to_lowercase();
    line.find(words)
        .map_or(1, |at| line[..at].chars().count() + 1)
}

/// `{% ... %}`, and a `%}` or `}}` with no opening on its line, outside code and shortcodes:
/// template syntax backcare does not render, which would reach readers as raw text. (A `{{`
/// outside a shortcode paragraph has its own message.)
fn unrendered_template_tags(
    body: &str,
    rendered_elsewhere: &[std::ops::Range<usize>],
    place: impl Fn(usize) -> (usize, usize),
) -> Vec<LineProblem> {
    let mut problems = Vec::new();
    for token in ["{%", "%}", "}}"] {
        for (offset, _) in body.match_indices(token) {
            if rendered_elsewhere
                .iter()
                .any(|range| range.contains(&offset))
            {
                continue;
            }
            let line_start = body[..offset].rfind('\n').map_or(0, |at| at + 1);
            let before = &body[line_start..offset];
            let opened = match token {
                "%}" => before.contains("{%"),
                "}}" => before.contains("{{"),
                _ => false,
            };
            if opened {
                continue;
            }
            let rest = &body[offset..];
            let line_end = rest.find('\n').unwrap_or(rest.len());
            let tag = match token {
                "{%" => rest[..line_end]
                    .find("%}")
                    .map_or(&rest[..line_end], |end| &rest[..end + 2]),
                _ => token,
            };
            let (line, column) = place(offset);
            problems.push(LineProblem::at(ProblemCode::TemplateTag,
                line,
                column,
                format!(
                    "\"{tag}\" would reach readers as raw text: backcare has no template tags; write a shortcode as {{{{ name(...) }}}} on a line of its own, e.g. {}, or put an example in backticks",
                    super::warning_box::USAGE
                ),
            ));
        }
    }
    problems
}

/// Records what a shortcode paragraph that expanded shows of the warning signs: a box that
/// picks too many is a warning here, a whole list is judged by the lint, which knows the page.
fn note_sign_lists(
    paragraph: &str,
    lists: &NamedLists,
    (line, column): (usize, usize),
    rendered: &mut Rendered,
) {
    if let Some(warning) = shortcodes::warnings(paragraph, lists) {
        rendered.warnings.push(LineProblem::at(
            ProblemCode::TooManySigns,
            line,
            column,
            warning,
        ));
    }
    if let Some(name) = shortcodes::whole_list_name(paragraph) {
        let signs = lists.get(name).map_or(0, |list| {
            list.groups.iter().map(|group| group.items.len()).sum()
        });
        rendered
            .whole_sign_lists
            .push((line, column, name.to_owned(), signs));
    }
}

/// Whether the renderer's HTML for `event` could hold something the sanitiser removes: the
/// author's own HTML, or an element or attribute it does not allow (a fenced code block's
/// `class="language-..."`, a table column's `style="text-align: ..."`, an image from an address
/// it would not load). Everything else the renderer writes is escaped text inside elements and
/// attributes `SANITIZER` keeps, and sanitising it changes nothing but the way it is written.
fn renders_unsafe(event: &Event) -> bool {
    match event {
        Event::Html(_) | Event::InlineHtml(_) => true,
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => !info.is_empty(),
        Event::Start(Tag::Table(alignments)) => alignments
            .iter()
            .any(|alignment| *alignment != Alignment::None),
        // Links are written by `link_target`, except inside headings, where the renderer writes
        // them: either way, the address as written must be plain.
        Event::Start(Tag::Image { dest_url, .. } | Tag::Link { dest_url, .. }) => {
            !is_plain_url(dest_url)
        }
        _ => false,
    }
}

/// An address the sanitiser keeps as it is: one on this site (`/x`, `#x`, `other.md`), or a web,
/// mail or phone address. Anything else (`javascript:`, `data:`, `//elsewhere`, odd schemes)
/// goes to the sanitiser, which knows every scheme it allows.
fn is_plain_url(url: &str) -> bool {
    if url.starts_with("//") {
        return false;
    }
    match url.find([':', '/', '?', '#']) {
        Some(at) if url[at..].starts_with(':') => {
            let scheme = url[..at].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel")
        }
        _ => !url.chars().any(|c| c.is_control() || c.is_whitespace()),
    }
}

/// A heading's id: lowercase words joined by hyphens, so `## When to get help` is `#when-to-get-help`.
pub fn heading_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    if id.is_empty() {
        "section".to_owned()
    } else {
        id.to_owned()
    }
}

fn unique_id(base: String, used: &mut HashSet<String>) -> String {
    let mut id = base.clone();
    let mut n = 2;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

enum Href {
    Internal(String),
    External(String),
    Plain(String),
}

impl Href {
    fn url(&self) -> &str {
        match self {
            Href::Internal(url) | Href::External(url) | Href::Plain(url) => url,
        }
    }

    fn opening_tag(&self, title: &str) -> String {
        let title = if title.is_empty() {
            String::new()
        } else {
            format!(" title=\"{}\"", escape_attribute(title))
        };
        match self {
            Href::Internal(url) | Href::Plain(url) => {
                format!("<a href=\"{}\"{title}>", escape_attribute(url))
            }
            Href::External(url) => {
                format!(
                    "<a href=\"{}\"{title} rel=\"noopener\">",
                    escape_attribute(url)
                )
            }
        }
    }
}

fn link_target(
    dest: &str,
    link_type: LinkType,
    (line, column): (usize, usize),
    rendered: &mut Rendered,
) -> Href {
    if matches!(link_type, LinkType::Email) {
        return Href::External(format!("mailto:{dest}"));
    }
    let destination = links::classify(dest);
    let href = destination.href();
    let written = dest
        .split_once('#')
        .map_or(dest, |(path, _)| path)
        .to_owned();
    match destination {
        Destination::External => {
            rendered.external_links.push(ExternalLink {
                url: dest.to_owned(),
                line,
                column,
            });
            return Href::External(dest.to_owned());
        }
        Destination::SamePage => {
            if let Some((_, fragment)) = dest.split_once('#').filter(|(_, f)| !f.is_empty()) {
                rendered
                    .same_page_links
                    .push((fragment.to_owned(), line, column));
            }
            return Href::Plain(dest.to_owned());
        }
        Destination::Article { slug, fragment } => {
            rendered.internal_links.push(InternalLink {
                written,
                slug,
                fragment,
                line,
                column,
            });
        }
        Destination::Site { path, fragment } => rendered.site_links.push(SiteLink {
            written: dest.to_owned(),
            path,
            fragment,
            line,
            column,
        }),
    }
    Href::Internal(href.unwrap_or_else(|| dest.to_owned()))
}

/// Says what the sanitiser removes from a piece of the author's raw HTML: each element that is not
/// allowed (`<iframe>`), and each attribute it drops from an allowed one (`onclick` on `<a>`).
/// Comments and closing tags are skipped: comments are notes for authors, never shown anyway.
fn removed_html(raw: &str) -> Vec<String> {
    let mut removed = Vec::new();
    for tag in raw.split('<').skip(1) {
        let Some((inside, _)) = tag.split_once('>') else {
            continue;
        };
        let name: String = inside
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        let kept = SANITIZER.clean(&format!("<{inside}></{name}>")).to_string();
        if !kept.contains(&format!("<{name}")) {
            removed.push(format!(
                "raw HTML <{name}> is removed from the page; write it in Markdown (a link instead of an embed, ** for bold) or ask a developer for a shortcode"
            ));
            continue;
        }
        for attribute in attribute_names(&inside[name.len()..]) {
            if !kept.contains(&format!(" {attribute}="))
                && !kept.contains(&format!(" {attribute}>"))
            {
                removed.push(format!(
                    "raw HTML attribute {attribute} on <{name}> is removed from the page; scripts, styles and event handlers never run on backcare pages"
                ));
            }
        }
    }
    removed
}

/// The attribute names in the rest of an opening tag, such as ` href="x" onclick='y()' hidden`.
fn attribute_names(rest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = rest.trim_end_matches('/').chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let name: String =
            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && *c != '=')).collect();
        if name.is_empty() {
            break;
        }
        names.push(name.to_ascii_lowercase());
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next_if_eq(&'=').is_some() {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            match chars.next() {
                Some(quote @ ('"' | '\'')) => while chars.next().is_some_and(|c| c != quote) {},
                Some(_) => while chars.next_if(|c| !c.is_whitespace()).is_some() {},
                None => break,
            }
        }
    }
    names
}

fn escape_attribute(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(body: &str, first_line: usize) -> Rendered {
        super::render(body, first_line, &crate::content::lists::fixture())
    }

    /// `html` as the sanitiser's HTML writer (html5ever's) would write the same elements: `"`
    /// bare in text, `'` bare everywhere, no-break spaces as `&nbsp;`.
    fn as_the_sanitiser_writes(html: &str) -> String {
        let mut out = String::with_capacity(html.len());
        for (index, piece) in html.split('<').enumerate() {
            // Each piece after the first starts inside a tag; text follows its `>`.
            let (tag, text) = match piece.split_once('>') {
                Some((tag, text)) if index > 0 => (Some(tag), text),
                _ => (None, piece),
            };
            if let Some(tag) = tag {
                out.push('<');
                out.push_str(&tag.replace("&#x27;", "'").replace("&#39;", "'"));
                out.push('>');
            } else if index > 0 {
                out.push('<');
            }
            out.push_str(
                &text
                    .replace("&quot;", "\"")
                    .replace("&#x27;", "'")
                    .replace("&#39;", "'"),
            );
        }
        out.replace('\u{a0}', "&nbsp;")
    }

    #[test]
    fn the_sanitiser_runs_only_when_the_author_wrote_what_it_would_change() {
        for (body, sanitised) in [
            (
                "Plain *text* with **marks**, `code`, a [link](/articles/x) and 5 > 3.",
                false,
            ),
            (
                "- a list\n- [mail](mailto:help@example.org)\n\n> a quote\n",
                false,
            ),
            (
                "[web](https://www.nhs.uk/) and [phone](tel:111) and [other](other.md)",
                false,
            ),
            ("![A diagram](/static/img/a.svg \"title\")", false),
            ("| a | b |\n|---|---|\n| 1 | 2 |\n", false),
            ("Note.[^1]\n\n[^1]: A footnote.\n", false),
            ("```\nplain code\n```\n", false),
            ("Some <b>raw</b> HTML", true),
            ("<div onclick=\"x()\">block</div>\n", true),
            ("## A <i>heading</i>\n", true),
            ("```rust\nfn main() {}\n```\n", true),
            ("| a | b |\n|:--|--:|\n| 1 | 2 |\n", true),
            ("[bad](javascript:alert(1))", true),
            ("[bad](JavaScript:alert(1))", true),
            ("[elsewhere](//evil.example/x)", true),
            ("![bad](data:image/svg+xml,x)", true),
        ] {
            let rendered = render(body, 1);
            assert_eq!(rendered.sanitised, sanitised, "{body}");
            for removed in ["javascript", "onclick", "language-rust", "style="] {
                assert!(
                    !rendered.html.contains(removed),
                    "{body}: {}",
                    rendered.html
                );
            }
        }
    }

    /// Markdown and HTML that authors might write, without shortcodes (their trusted HTML is
    /// inserted after sanitising, and the sanitiser would rightly strip it).
    const PIECES: &[&str] = &[
        "\n",
        "\n\n",
        " ",
        "word",
        "\"",
        "'",
        "&",
        "&amp;",
        "&quot;",
        "&#39;",
        "<",
        ">",
        "\u{a0}",
        "é",
        "*",
        "**",
        "_",
        "~~",
        "`",
        "```",
        "```rust\n",
        "    ",
        "# ",
        "## ",
        "### ",
        "- ",
        "1. ",
        "3. ",
        "> ",
        "|",
        "|---|",
        "|:--|",
        "---",
        "[",
        "]",
        "(",
        ")",
        "](",
        "![",
        "](/static/a.svg",
        "(/articles/x",
        "(https://a.example/?q=\"1\"&b='2'",
        "(mailto:a@b.c",
        "(javascript:x)",
        "(//x.example",
        "(data:x",
        "(#top",
        " \"title\")",
        "[^1]",
        "[^1]: ",
        "<b>",
        "</b>",
        "<script>",
        "<img src=x onerror=y>",
        "<a href=\"javascript:x\">",
        "<!-- c -->",
        "<https://auto.example>",
        "<a@b.example>",
        "\\",
        "{#id}",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 4096,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Whenever the sanitiser is skipped, it would have changed nothing but the writing:
        /// the sanitiser itself is the judge.
        #[test]
        fn skipping_the_sanitiser_never_keeps_what_it_would_remove(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..60)
        ) {
            let rendered = render(&pieces.concat(), 1);
            if !rendered.sanitised {
                proptest::prop_assert_eq!(
                    as_the_sanitiser_writes(&rendered.html),
                    SANITIZER.clean(&rendered.html).to_string()
                );
            }
        }
    }

    fn problems(body: &str) -> Vec<String> {
        render(body, 1)
            .problems
            .into_iter()
            .map(|p| format!("{}:{}: {}", p.line, p.column.unwrap_or(0), p.message))
            .collect()
    }

    #[test]
    fn template_tags_outside_code_are_errors_at_their_place() {
        let found = problems(
            "Intro.\n\n{% red_flags(urgency=\"urgent\") %}\n\nA stray %} and }} here.\n\n`{% ok %}` and\n\n```\n{% also ok %}\n```\n",
        );
        let usage = "backcare has no template tags; write a shortcode as {{ name(...) }} on a line of its own, e.g. {{ warning_signs(signs=\"fall-aged-65-plus, weak-bones\") }}, or put an example in backticks";
        assert_eq!(
            found,
            [
                format!(
                    "3:1: \"{{% red_flags(urgency=\"urgent\") %}}\" would reach readers as raw text: {usage}"
                ),
                format!("5:9: \"%}}\" would reach readers as raw text: {usage}"),
                format!("5:16: \"}}}}\" would reach readers as raw text: {usage}"),
            ]
        );
    }

    #[test]
    fn a_service_call_in_a_sentence_says_what_the_rule_says() {
        let rendered = render(
            "If you have a high temperature, {{ service(sign=\"fever\") }}.\n\n- With chest pain, {{ service(sign=\"chest-pain\") }} *now*.\n",
            1,
        );
        assert!(rendered.problems.is_empty(), "{:?}", rendered.problems);
        assert!(
            rendered.html.contains(
                "<p>If you have a high temperature, call 111 or your GP surgery today.</p>"
            ),
            "{}",
            rendered.html
        );
        assert!(
            rendered
                .html
                .contains("<li>With chest pain, call 999 <em>now</em>.</li>")
        );
        assert_eq!(
            rendered.prose[0].text,
            "If you have a high temperature, call 111 or your GP surgery today."
        );
        assert_eq!(
            problems("Then {{ service(sign=\"chest-pian\") }}.\n"),
            [
                "1:1: service has no sign \"chest-pian\"; did you mean \"chest-pain\"? (each sign is named by its rule id, listed on /symptom-checker/how-it-works)"
            ]
        );
    }

    #[test]
    fn a_sentence_that_under_triages_a_sign_is_an_error_at_the_sign() {
        let found = problems("Rest first.\n\nIf you get chest pain, see a GP.\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("3:12: \"If you get chest pain, see a GP.\" says see a GP"),
            "{found:?}"
        );
    }

    #[test]
    fn the_bundled_articles_need_no_sanitising() {
        for entry in std::fs::read_dir("articles").expect("articles") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("article");
            let split = crate::content::front_matter::split(&text).expect("front matter");
            let rendered = render(split.body, split.body_line);
            assert!(!rendered.sanitised, "{}", path.display());
        }
    }

    #[test]
    fn headings_get_stable_unique_ids_and_a_toc() {
        let rendered = render(
            "## When to get help\n\ntext\n\n### Call 999\n\n## When to get help\n",
            1,
        );
        assert!(
            rendered
                .html
                .contains("<h2 id=\"when-to-get-help\">When to get help</h2>"),
            "{}",
            rendered.html
        );
        assert!(rendered.html.contains("<h3 id=\"call-999\">"));
        assert!(rendered.html.contains("<h2 id=\"when-to-get-help-2\">"));
        let ids: Vec<_> = rendered
            .toc
            .iter()
            .map(|e| (e.level, e.id.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                (2, "when-to-get-help"),
                (3, "call-999"),
                (2, "when-to-get-help-2")
            ]
        );
    }

    #[test]
    fn explicit_heading_ids_win() {
        let rendered = render("## Heat and cold {#heat}\n", 1);
        assert!(
            rendered.html.contains("<h2 id=\"heat\">Heat and cold</h2>"),
            "{}",
            rendered.html
        );
    }

    #[test]
    fn a_shortcode_inside_a_sentence_is_a_problem_at_its_line_and_column() {
        let body = "Intro.\n\nCall 999: {{ red_flags(urgency=\"emergency\") }} now.\n\n- {{ red_flags(urgency=\"soon\") }}\n\nWrite `{{ red_flags(urgency=\"soon\") }}` on its own line.\n\n```\n{{ diagram(name=\"x\") }}\n```\n\n{{ red_flags(urgency=\"soon\") }}\n";
        let rendered = render(body, 10);
        let places: Vec<(usize, Option<usize>, &str)> = rendered
            .problems
            .iter()
            .map(|p| (p.line, p.column, p.message.as_str()))
            .collect();
        assert_eq!(
            places,
            [
                (
                    12,
                    Some(11),
                    "shortcode \"{{ red_flags(urgency=\"emergency\") }}\" must be on a line of its own, with a blank line before and after; inside a sentence, list or heading it would show as plain text"
                ),
                (
                    14,
                    Some(3),
                    "shortcode \"{{ red_flags(urgency=\"soon\") }}\" must be on a line of its own, with a blank line before and after; inside a sentence, list or heading it would show as plain text"
                ),
            ],
            "code spans, code blocks and a shortcode on its own line are fine"
        );
    }

    #[test]
    fn a_link_to_a_missing_section_of_the_same_page_is_a_problem() {
        let rendered = render(
            "## Using heat\n\nSee [above](#using-heat) and [below](#when-to-stop).\n\n## Later\n",
            3,
        );
        let problems: Vec<(usize, Option<usize>, &str)> = rendered
            .problems
            .iter()
            .map(|p| (p.line, p.column, p.message.as_str()))
            .collect();
        assert_eq!(
            problems,
            [(
                5,
                Some(30),
                "link to \"#when-to-stop\", but this page has no section \"when-to-stop\"; its sections are: using-heat, later"
            )]
        );
    }

    #[test]
    fn internal_links_are_rewritten_and_recorded_with_their_line() {
        let rendered = render(
            "Intro.\n\nSee [heat](heat-therapy.md#how-to-use-heat) and [lifting](./lifting-safely.md).\n",
            5,
        );
        assert!(
            rendered
                .html
                .contains("<a href=\"/articles/heat-therapy#how-to-use-heat\">heat</a>"),
            "{}",
            rendered.html
        );
        assert!(
            rendered
                .html
                .contains("<a href=\"/articles/lifting-safely\">lifting</a>")
        );
        assert_eq!(
            rendered.internal_links,
            [
                InternalLink {
                    written: "heat-therapy.md".into(),
                    slug: "heat-therapy".into(),
                    fragment: Some("how-to-use-heat".into()),
                    line: 7,
                    column: 5
                },
                InternalLink {
                    written: "./lifting-safely.md".into(),
                    slug: "lifting-safely".into(),
                    fragment: None,
                    line: 7,
                    column: 49
                },
            ]
        );
    }

    #[test]
    fn external_links_carry_noopener_and_internal_ones_do_not() {
        let rendered = render("[NHS](https://www.nhs.uk/) and [home](/)\n", 1);
        assert!(
            rendered
                .html
                .contains("<a href=\"https://www.nhs.uk/\" rel=\"noopener\">NHS</a>"),
            "{}",
            rendered.html
        );
        assert!(rendered.html.contains("<a href=\"/\">home</a>"));
    }

    #[test]
    fn raw_html_and_scripts_are_sanitised() {
        let rendered = render(
            "<script>alert(1)</script>\n\n<a href=\"javascript:alert(1)\" onclick=\"x()\">x</a>\n",
            1,
        );
        assert!(!rendered.html.contains("<script"), "{}", rendered.html);
        assert!(!rendered.html.contains("javascript:"));
        assert!(!rendered.html.contains("onclick"));
    }

    #[test]
    fn removed_raw_html_is_a_warning_at_its_line() {
        let body = "Text.\n\n<iframe src=\"https://video.example/x\"></iframe>\n\nA <a href=\"/topics/relief\" onclick='x()' title=\"t\">link</a> and <b>bold</b> and <!-- a note -->.\n";
        let rendered = render(body, 20);
        let warnings: Vec<(usize, &str)> = rendered
            .warnings
            .iter()
            .map(|w| (w.line, w.message.as_str()))
            .collect();
        assert_eq!(
            warnings,
            [
                (
                    22,
                    "raw HTML <iframe> is removed from the page; write it in Markdown (a link instead of an embed, ** for bold) or ask a developer for a shortcode"
                ),
                (
                    24,
                    "raw HTML attribute onclick on <a> is removed from the page; scripts, styles and event handlers never run on backcare pages"
                ),
            ]
        );
        assert!(render("<b>bold</b> and <br>\n", 1).warnings.is_empty());
    }

    #[test]
    fn tables_footnotes_and_strikethrough_render() {
        let rendered = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ text[^1]\n\n[^1]: A note.\n",
            1,
        );
        assert!(rendered.html.contains("<table>"));
        assert!(rendered.html.contains("<del>old</del>"));
        assert!(
            rendered.html.contains("class=\"footnote-definition\""),
            "{}",
            rendered.html
        );
    }

    #[test]
    fn level_one_headings_are_a_problem_at_their_line() {
        let rendered = render("Intro\n\n# Title again\n", 10);
        assert_eq!(rendered.problems.len(), 1);
        assert_eq!(rendered.problems[0].line, 12);
    }

    #[test]
    fn images_are_recorded_with_alt_text_and_line() {
        let rendered = render(
            "Intro.\n\n![A *hot* water bottle](/static/img/bottle.svg)\n\nText ![](/static/x.svg)\n",
            4,
        );
        assert_eq!(
            rendered.images,
            [
                Image {
                    src: "/static/img/bottle.svg".into(),
                    alt: "A hot water bottle".into(),
                    line: 6,
                    column: 1
                },
                Image {
                    src: "/static/x.svg".into(),
                    alt: String::new(),
                    line: 8,
                    column: 6
                },
            ]
        );
        assert!(
            rendered
                .html
                .contains("<img src=\"/static/img/bottle.svg\" alt=\"A hot water bottle\">"),
            "{}",
            rendered.html
        );
    }

    #[test]
    fn prose_is_paragraphs_and_list_items_with_their_lines() {
        let body = "First line\nsecond line.\n\n## Heading words\n\n- item one\n- item **two**\n  - nested\n\n| a | b |\n|---|---|\n| c | d |\n\n    code\n\n{{ red_flags(urgency=\"soon\") }}\n\nLast [link](other.md).\n";
        let rendered = render(body, 10);
        let blocks: Vec<(usize, &str)> = rendered
            .prose
            .iter()
            .map(|block| (block.first_line(), block.text.as_str()))
            .collect();
        assert_eq!(
            blocks,
            [
                (10, "First line second line."),
                (15, "item one"),
                (16, "item two"),
                (17, "nested"),
                (27, "Last link."),
            ]
        );
        assert_eq!(rendered.prose[0].line_at("First line ".len()), 11);
    }

    #[test]
    fn diagrams_are_inserted_after_sanitising_and_author_svg_is_not() {
        let rendered = render(
            "Intro.\n\n{{ diagram(name=\"safe-lifting\", caption=\"Bend <your> knees\") }}\n\n<svg onload=\"alert(1)\"><script>alert(2)</script></svg>\n\nEnd.\n",
            1,
        );
        assert!(rendered.problems.is_empty(), "{:?}", rendered.problems);
        let html = &rendered.html;
        assert!(
            html.contains("<p>Intro.</p>\n<figure class=\"diagram diagram-safe-lifting\">\n<svg"),
            "{html}"
        );
        assert!(html.contains("<figcaption>Bend &lt;your&gt; knees</figcaption>"));
        assert_eq!(
            html.matches("<svg").count(),
            1,
            "only the trusted diagram: {html}"
        );
        assert!(
            !html.contains("onload") && !html.contains("<script") && !html.contains('\u{E000}')
        );
    }

    #[test]
    fn an_unknown_diagram_is_a_problem_at_its_line() {
        let rendered = render(
            "Intro.\n\n{{ diagram(name=\"nope\", caption=\"x\") }}\n",
            20,
        );
        assert_eq!(rendered.problems.len(), 1);
        assert_eq!(rendered.problems[0].line, 22);
        assert!(
            rendered.problems[0]
                .message
                .starts_with("unknown diagram \"nope\"")
        );
    }

    #[test]
    fn counts_words() {
        assert_eq!(render("One two three.\n\n## Four five\n", 1).word_count, 5);
    }
}
