//! Front matter: the TOML block between `+++` lines at the top of every article.
//! Splits it from the Markdown body and turns it into a checked `FrontMatter`, reporting every problem with its line.

use std::collections::BTreeMap;

use time::{Date, Month};
use toml::{Spanned, Value};

use super::problem::{LineProblem, ProblemCode};

const FENCE: &str = "+++";

/// Every field an author may write, in the order the authoring guide lists them.
pub const FIELDS: &[&str] = &[
    "title",
    "summary",
    "category",
    "reviewed",
    "next_review",
    "sources",
    "tags",
    "draft",
    "weight",
    "publish",
];

pub const SUMMARY_MAX_CHARS: usize = 200;

/// What `backcare new` writes where only the author can supply the real thing. Every value
/// starts with `REPLACE` so that the loader can refuse a page that still carries one.
pub const PLACEHOLDER_MARK: &str = "REPLACE";
pub const PLACEHOLDER_SUMMARY: &str =
    "REPLACE: say in one or two plain sentences what this page covers and who it is for.";
pub const PLACEHOLDER_SOURCE_TITLE: &str = "REPLACE: source title";
pub const PLACEHOLDER_SOURCE_URL: &str = "https://example.org/replace-me";

/// The four topics every article belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Causes,
    Prevention,
    Relief,
    WhenToGetHelp,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Causes,
        Category::Prevention,
        Category::Relief,
        Category::WhenToGetHelp,
    ];

    /// The value authors write in front matter, also the topic's URL segment.
    pub fn slug(self) -> &'static str {
        match self {
            Category::Causes => "causes",
            Category::Prevention => "prevention",
            Category::Relief => "relief",
            Category::WhenToGetHelp => "when-to-get-help",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.slug() == slug)
    }

    pub fn title(self) -> &'static str {
        match self {
            Category::Causes => "Causes",
            Category::Prevention => "Prevention",
            Category::Relief => "Relief",
            Category::WhenToGetHelp => "When to get help",
        }
    }

    pub fn intro(self) -> &'static str {
        match self {
            Category::Causes => {
                "Why backs cramp and hurt, from pulled muscles and posture to periods, pregnancy and spine problems."
            }
            Category::Prevention => {
                "Simple habits that lower your chances of hurting your back: warming up, lifting, stretching, shoes and posture."
            }
            Category::Relief => {
                "What you can do at home to ease back pain and spasms: heat, medicines, massage, stretches and staying active."
            }
            Category::WhenToGetHelp => {
                "The signs that mean you should call 999, get help today, or see a GP."
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub title: String,
    pub url: String,
}

/// Checked front matter: every value here has passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter {
    pub title: String,
    pub summary: String,
    pub category: Category,
    pub reviewed: Date,
    pub next_review: Date,
    pub sources: Vec<Source>,
    pub tags: Vec<String>,
    /// Written `draft = true`, or set by the loader while `publish` is still to come.
    pub draft: bool,
    /// `draft = true` as the author wrote it, whatever the loader makes of `publish`.
    pub written_draft: bool,
    pub weight: i64,
    /// `publish = 2027-01-15`: the page is a draft until that day (UTC), then goes live by itself.
    pub publish: Option<Date>,
    /// Where each field was written, so later checks (e.g. the review date) can point at it.
    pub lines: FieldLines,
}

/// The file line of each front matter field the author wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldLines {
    fields: Vec<(String, usize)>,
    /// The line of each `[[sources]]` entry, in order.
    sources: Vec<usize>,
    /// The line of the front matter's opening `+++`, for fields the author left out.
    fence: usize,
}

impl FieldLines {
    /// The line of `field`, if the author wrote it.
    pub fn get(&self, field: &str) -> Option<usize> {
        self.fields
            .iter()
            .find(|(name, _)| name == field)
            .map(|&(_, line)| line)
    }

    /// The line of the `index`th source (from 0), or of `sources` if unknown.
    pub fn source(&self, index: usize) -> usize {
        self.sources
            .get(index)
            .copied()
            .unwrap_or_else(|| self.of("sources"))
    }

    /// The line of `field`, or of the opening fence when the field was left out.
    pub fn of(&self, field: &str) -> usize {
        self.get(field).unwrap_or(self.fence)
    }
}

/// An article file cut into its two parts, with the line numbers where each starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    pub front: &'a str,
    /// Line number (1-based) of the first line inside the front matter.
    pub front_line: usize,
    pub body: &'a str,
    /// Line number (1-based) of the first line of the Markdown body.
    pub body_line: usize,
}

/// Finds the `+++` fences. The opening fence must be the first line.
pub fn split(text: &str) -> Result<Split<'_>, LineProblem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() == YAML_FENCE {
        return Err(LineProblem::new(
            ProblemCode::YamlFrontMatter,
            1,
            yaml_front_matter_message(lines),
        ));
    }
    if first.trim_end() != FENCE {
        return Err(LineProblem::new(
            ProblemCode::NoFrontMatter,
            1,
            "the file must start with a front matter block: a line with +++, the fields, then another line with +++",
        ));
    }
    let front_start = first.len();
    let mut offset = front_start;
    for (index, line) in lines.enumerate() {
        if line.trim_end() == FENCE {
            let body_start = offset + line.len();
            return Ok(Split {
                front: &text[front_start..offset],
                front_line: 2,
                body: &text[body_start..],
                body_line: index + 3,
            });
        }
        offset += line.len();
    }
    Err(LineProblem::new(
        ProblemCode::UnclosedFrontMatter,
        1,
        "the front matter opened with +++ on this line is never closed; add a line with just +++ after the last field",
    ))
}

/// How Jekyll, Hugo and most static site generators open YAML front matter.
const YAML_FENCE: &str = "---";

/// Says the front matter is YAML and shows the author's own first fields written as TOML.
fn yaml_front_matter_message<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let converted: Vec<String> = lines
        .map(str::trim_end)
        .take_while(|line| *line != YAML_FENCE)
        .filter_map(|line| {
            let (key, value) = line.split_once(':')?;
            let (key, value) = (key.trim(), value.trim());
            (!key.is_empty() && !key.starts_with([' ', '-', '#']) && !value.is_empty())
                .then(|| format!("{key} = {}", yaml_value_as_toml(value)))
        })
        .take(3)
        .collect();
    let example = if converted.is_empty() {
        "title = \"Heat for back pain\"".to_owned()
    } else {
        converted.join(", ")
    };
    format!(
        "this looks like YAML front matter (---); backcare uses TOML between +++ lines: replace both --- lines with +++ and write each field as name = value, e.g. {example}"
    )
}

/// A YAML scalar or flow list as TOML: dates, numbers and true/false bare, text in double quotes.
fn yaml_value_as_toml(value: &str) -> String {
    let unquoted = value.trim_matches(|c| c == '"' || c == '\'');
    let is_date = unquoted.len() == 10
        && unquoted.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if let Some(items) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        let items: Vec<String> = items
            .split(',')
            .map(|item| yaml_value_as_toml(item.trim()))
            .collect();
        return format!("[{}]", items.join(", "));
    }
    if is_date || matches!(unquoted, "true" | "false") || unquoted.parse::<i64>().is_ok() {
        return unquoted.to_owned();
    }
    format!("{unquoted:?}")
}

/// A date written day first or month first (`07/12/2026`, `7.12.2026`, `12-07-2026`) on a front
/// matter line: the date as written, and as it must be written, read day first as in the UK
/// unless only the other way round is a date.
fn slashed_date(line: &str) -> Option<(String, String)> {
    let value = line.split_once('=')?.1.trim().trim_matches(['"', '\'']);
    let parts: Vec<&str> = value.split(['/', '.', '-']).collect();
    let [first, second, year] = parts.as_slice() else {
        return None;
    };
    let number = |text: &str| -> Option<u8> {
        (text.len() <= 2 && text.chars().all(|c| c.is_ascii_digit()))
            .then(|| text.parse().ok())
            .flatten()
    };
    let (first, second) = (number(first)?, number(second)?);
    if year.len() != 4 || !year.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (day, month) = if first > 12 || second <= 12 {
        (first, second)
    } else {
        (second, first)
    };
    let iso = format!("{year}-{month:02}-{day:02}");
    Some((value.to_owned(), iso))
}

/// Line number of a byte offset inside `text`, whose first line is `first_line`.
pub fn line_of(text: &str, offset: usize, first_line: usize) -> usize {
    let offset = offset.min(text.len());
    first_line
        + text.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
}

/// The front matter's table, each key and value with its place.
type Table = BTreeMap<Spanned<String>, Spanned<Value>>;

/// Parses and checks the front matter, collecting every problem rather than stopping at the first.
///
/// Serde's `deny_unknown_fields` would stop at the first bad key, so the table is read generically
/// (keeping each key's position) and every field is checked on its own.
pub fn parse(front: &str, front_line: usize) -> Result<FrontMatter, Vec<LineProblem>> {
    let fence_line = front_line.saturating_sub(1).max(1);
    let table = read_table(front, front_line, fence_line)?;
    let mut fields = FieldReader {
        front,
        front_line,
        problems: Vec::new(),
    };
    let (read, mut lines) = read_fields(&table, &mut fields, fence_line);
    missing_required_fields(&table, &mut fields, fence_line);
    if let (Some(reviewed), Some(next_review)) = (read.reviewed, read.next_review)
        && next_review <= reviewed
    {
        let line = key_line(&table, "next_review", front, front_line).unwrap_or(fence_line);
        fields.problem(
            ProblemCode::ReviewOrder,
            line,
            format!("next_review ({next_review}) must be after reviewed ({reviewed})"),
        );
    }

    if let Some(sources) = &read.sources {
        lines.sources = (0..sources.len())
            .map(|index| fields.nth_source_line(index).unwrap_or(fence_line))
            .collect();
    }
    let problems = fields.problems;
    match (
        read.title,
        read.summary,
        read.category,
        read.reviewed,
        read.sources,
    ) {
        (Some(title), Some(summary), Some(category), Some(reviewed), Some(sources))
            if problems.is_empty() =>
        {
            Ok(FrontMatter {
                title,
                summary,
                category,
                reviewed,
                next_review: read.next_review.unwrap_or_else(|| one_year_after(reviewed)),
                sources,
                tags: read.tags,
                draft: read.draft,
                written_draft: read.draft,
                weight: read.weight,
                publish: read.publish,
                lines,
            })
        }
        _ => Err(problems),
    }
}

/// The TOML table, or the one problem that stops it being read: a date written with slashes gets
/// its own message, as it is the usual cause.
fn read_table(
    front: &str,
    front_line: usize,
    fence_line: usize,
) -> Result<Table, Vec<LineProblem>> {
    toml::from_str(front).map_err(|error: toml::de::Error| {
        let line = error
            .span()
            .map_or(fence_line, |span| line_of(front, span.start, front_line));
        let text = front.lines().nth(line - front_line).unwrap_or_default();
        let (code, message) = match slashed_date(text) {
            Some((written, iso)) => (
                ProblemCode::InvalidDate,
                format!(
                    "{written} is not a date backcare can read; write dates as {iso} (year-month-day, without quotes)"
                ),
            ),
            None => (
                ProblemCode::InvalidToml,
                format!(
                    "front matter is not valid TOML: {}; text values need double quotes and dates look like 2026-01-31",
                    error.message().trim_end_matches('\n')
                ),
            ),
        };
        vec![LineProblem::new(code, line, message)]
    })
}

/// Each field as read: `None` (or the default) when it is missing or wrong.
#[derive(Default)]
struct ReadFields {
    title: Option<String>,
    summary: Option<String>,
    category: Option<Category>,
    reviewed: Option<Date>,
    next_review: Option<Date>,
    sources: Option<Vec<Source>>,
    tags: Vec<String>,
    draft: bool,
    weight: i64,
    publish: Option<Date>,
}

/// Reads and checks every key of the table on its own, and notes the line of each.
fn read_fields(
    table: &Table,
    fields: &mut FieldReader,
    fence_line: usize,
) -> (ReadFields, FieldLines) {
    let mut read = ReadFields::default();
    let mut lines = FieldLines {
        fields: Vec::new(),
        sources: Vec::new(),
        fence: fence_line,
    };
    for (key, value) in table {
        let line = line_of(fields.front, key.span().start, fields.front_line);
        let name = key.get_ref().as_str();
        let value = value.get_ref();
        lines.fields.push((name.to_owned(), line));
        match name {
            "title" => read.title = fields.text(line, name, value),
            "summary" => read.summary = fields.summary(line, value),
            "category" => read.category = fields.category(line, value),
            "reviewed" => read.reviewed = fields.date(line, name, value),
            "next_review" => read.next_review = fields.date(line, name, value),
            "sources" => read.sources = fields.sources(line, value),
            "tags" => read.tags = fields.tags(line, value).unwrap_or_default(),
            "draft" => read.draft = fields.boolean(line, name, value).unwrap_or(false),
            "weight" => read.weight = fields.integer(line, name, value).unwrap_or(0),
            "publish" => read.publish = fields.date(line, name, value),
            unknown => fields.problem(
                ProblemCode::UnknownField,
                line,
                unknown_field_message(unknown),
            ),
        }
    }
    (read, lines)
}

fn missing_required_fields(table: &Table, fields: &mut FieldReader, fence_line: usize) {
    // A misspelt required field (`tilte`) already has its own message, with a suggestion.
    let misspelt: Vec<&str> = table
        .keys()
        .filter(|key| !FIELDS.contains(&key.get_ref().as_str()))
        .filter_map(|key| closest_field(key.get_ref()))
        .collect();
    for (required, example) in [
        ("title", "title = \"Heat for back pain\""),
        (
            "summary",
            "summary = \"One or two sentences for listings and search results.\"",
        ),
        ("category", "category = \"relief\""),
        ("reviewed", "reviewed = 2026-01-31"),
        ("sources", "[[sources]] with a title and a url"),
    ] {
        if !table.keys().any(|key| key.get_ref() == required) && !misspelt.contains(&required) {
            fields.problem(ProblemCode::MissingField,
                fence_line,
                format!("missing required field \"{required}\"; add it to the front matter, e.g. {example}"),
            );
        }
    }
}

fn key_line(table: &Table, name: &str, front: &str, front_line: usize) -> Option<usize> {
    table
        .keys()
        .find(|key| key.get_ref() == name)
        .map(|key| line_of(front, key.span().start, front_line))
}

fn unknown_field_message(unknown: &str) -> String {
    let expected = FIELDS.join(", ");
    match closest_field(unknown) {
        Some(guess) => format!(
            "unknown field \"{unknown}\", expected one of {expected}; did you mean \"{guess}\"?"
        ),
        None => format!("unknown field \"{unknown}\", expected one of {expected}"),
    }
}

/// Suggests the known field an author most likely meant, for typos like `sumary` or `Title`.
fn closest_field(unknown: &str) -> Option<&'static str> {
    closest(unknown, FIELDS.iter().copied())
}

/// The candidate an author most likely meant: the same word in other letter case, or the one
/// fewest edits away (at most two, or a third of the word's length for long words).
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .map(|candidate| (edit_distance(&word, &candidate.to_lowercase()), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by(|a, b| a.cmp(b))
        .map(|(_, candidate)| candidate)
}

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Today's review cycle is a year; 29 February falls back to 28 February.
pub fn one_year_after(date: Date) -> Date {
    let year = date.year() + 1;
    Date::from_calendar_date(year, date.month(), date.day())
        .or_else(|_| Date::from_calendar_date(year, Month::February, 28))
        .unwrap_or(date)
}

/// Whether `slug` matches `^[a-z0-9]+(-[a-z0-9]+)*$`; see `Slug`.
pub fn is_valid_slug(slug: &str) -> bool {
    super::slug::is_valid(slug)
}

struct FieldReader<'a> {
    front: &'a str,
    front_line: usize,
    problems: Vec<LineProblem>,
}

impl FieldReader<'_> {
    fn problem(&mut self, code: ProblemCode, line: usize, message: impl Into<String>) {
        self.problems.push(LineProblem::new(code, line, message));
    }

    fn text(&mut self, line: usize, name: &str, value: &Value) -> Option<String> {
        match value {
            Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_owned()),
            Value::String(_) => {
                self.problem(
                    ProblemCode::EmptyField,
                    line,
                    format!("{name} is empty; write some text between the quotes"),
                );
                None
            }
            other => {
                self.problem(
                    ProblemCode::WrongType,
                    line,
                    format!(
                        "{name} must be text in double quotes, e.g. {name} = \"...\", not {}",
                        describe(other)
                    ),
                );
                None
            }
        }
    }

    fn summary(&mut self, line: usize, value: &Value) -> Option<String> {
        let summary = self.text(line, "summary", value)?;
        if summary.starts_with(PLACEHOLDER_MARK) {
            self.problem(ProblemCode::Placeholder,
                line,
                "summary is still the placeholder from \"backcare new\"; write one or two plain sentences that say what the page covers",
            );
            return None;
        }
        let length = summary.chars().count();
        if length > SUMMARY_MAX_CHARS {
            self.problem(ProblemCode::SummaryTooLong,
                line,
                format!(
                    "summary is {length} characters long; shorten it to {SUMMARY_MAX_CHARS} or fewer (it is the page's description in search results)"
                ),
            );
            return None;
        }
        Some(summary)
    }

    fn category(&mut self, line: usize, value: &Value) -> Option<Category> {
        let name = self.text(line, "category", value)?;
        let category = Category::from_slug(&name);
        if category.is_none() {
            let expected: Vec<&str> = Category::ALL.iter().map(|c| c.slug()).collect();
            let guess = closest(&name, expected.iter().copied())
                .map(|guess| format!("; did you mean \"{guess}\"?"))
                .unwrap_or_default();
            self.problem(
                ProblemCode::UnknownCategory,
                line,
                format!(
                    "unknown category \"{name}\", expected one of {}{guess}",
                    expected.join(", ")
                ),
            );
        }
        category
    }

    fn date(&mut self, line: usize, name: &str, value: &Value) -> Option<Date> {
        let example = format!("{name} = 2026-01-31");
        match value {
            Value::Datetime(datetime) => match (datetime.date, datetime.time, datetime.offset) {
                (Some(date), None, None) => {
                    let month = Month::try_from(date.month).ok();
                    let date = month.and_then(|month| {
                        Date::from_calendar_date(i32::from(date.year), month, date.day).ok()
                    });
                    if date.is_none() {
                        self.problem(
                            ProblemCode::InvalidDate,
                            line,
                            format!("{name} is not a real date; write it like {example}"),
                        );
                    }
                    date
                }
                _ => {
                    self.problem(
                        ProblemCode::WrongType,
                        line,
                        format!("{name} must be a date without a time, e.g. {example}"),
                    );
                    None
                }
            },
            Value::String(text) => {
                let example = match slashed_date(&format!("{name} = {text}")) {
                    Some((_, iso)) => format!("{name} = {iso}"),
                    None => example,
                };
                self.problem(
                    ProblemCode::WrongType,
                    line,
                    format!("{name} must be a date without quotes, e.g. {example}, not \"{text}\""),
                );
                None
            }
            other => {
                self.problem(
                    ProblemCode::WrongType,
                    line,
                    format!(
                        "{name} must be a date, e.g. {example}, not {}",
                        describe(other)
                    ),
                );
                None
            }
        }
    }

    fn sources(&mut self, line: usize, value: &Value) -> Option<Vec<Source>> {
        const HOW: &str = "add one or more [[sources]] blocks, each with title = \"...\" and url = \"https://...\"";
        let Value::Array(items) = value else {
            self.problem(
                ProblemCode::WrongType,
                line,
                format!("sources must be a list of sources; {HOW}"),
            );
            return None;
        };
        if items.is_empty() {
            self.problem(
                ProblemCode::NoSources,
                line,
                format!("sources is empty; every article must cite at least one source: {HOW}"),
            );
            return None;
        }
        let before = self.problems.len();
        let mut sources = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let number = index + 1;
            let line = self.nth_source_line(index).unwrap_or(line);
            let Value::Table(table) = item else {
                self.problem(
                    ProblemCode::WrongType,
                    line,
                    format!("source {number} must be a table with a title and a url; {HOW}"),
                );
                continue;
            };
            for key in table
                .keys()
                .filter(|key| !matches!(key.as_str(), "title" | "url"))
            {
                self.problem(
                    ProblemCode::UnknownField,
                    line,
                    format!("source {number} has unknown field \"{key}\", expected title or url"),
                );
            }
            let title = match table.get("title") {
                Some(Value::String(title)) if !title.trim().is_empty() => {
                    Some(title.trim().to_owned())
                }
                _ => {
                    self.problem(
                        ProblemCode::IncompleteSource,
                        line,
                        format!("source {number} needs a title, e.g. title = \"NHS: Back pain\""),
                    );
                    None
                }
            };
            let url = match table.get("url") {
                Some(Value::String(url)) => match web_url_problem(url) {
                    None => Some(url.trim().to_owned()),
                    Some(problem) => {
                        self.problem(
                            ProblemCode::InvalidUrl,
                            line,
                            format!("source {number} url \"{url}\" {problem}"),
                        );
                        None
                    }
                },
                _ => {
                    self.problem(ProblemCode::IncompleteSource, line, format!("source {number} needs a url, e.g. url = \"https://www.nhs.uk/conditions/back-pain/\""));
                    None
                }
            };
            if let (Some(title), Some(url)) = (title, url) {
                if title.starts_with(PLACEHOLDER_MARK) || url == PLACEHOLDER_SOURCE_URL {
                    self.problem(ProblemCode::Placeholder,
                        line,
                        format!("source {number} is still the placeholder from \"backcare new\"; replace it with a real source"),
                    );
                    continue;
                }
                sources.push(Source { title, url });
            }
        }
        (self.problems.len() == before).then_some(sources)
    }

    /// The line of the `index`th `[[sources]]` header, so each source's problem points at its own block.
    fn nth_source_line(&self, index: usize) -> Option<usize> {
        let mut offset = 0;
        let mut seen = 0;
        for line in self.front.split_inclusive('\n') {
            let header = line.trim();
            if header.starts_with("[[")
                && header
                    .trim_start_matches('[')
                    .trim_start()
                    .starts_with("sources")
            {
                if seen == index {
                    return Some(line_of(self.front, offset, self.front_line));
                }
                seen += 1;
            }
            offset += line.len();
        }
        None
    }

    fn tags(&mut self, line: usize, value: &Value) -> Option<Vec<String>> {
        let Value::Array(items) = value else {
            self.problem(
                ProblemCode::WrongType,
                line,
                "tags must be a list, e.g. tags = [\"posture\", \"lifting\"]",
            );
            return None;
        };
        let mut tags = Vec::new();
        for item in items {
            match item {
                Value::String(tag) if is_valid_slug(tag) => {
                    if !tags.contains(tag) {
                        tags.push(tag.clone());
                    }
                }
                Value::String(tag) => self.problem(ProblemCode::InvalidTag,
                    line,
                    format!("tag \"{tag}\" must be lowercase letters and digits joined by single hyphens, e.g. \"desk-work\""),
                ),
                other => self.problem(ProblemCode::WrongType,
                    line,
                    format!("each tag must be text in double quotes, not {}", describe(other)),
                ),
            }
        }
        Some(tags)
    }

    fn boolean(&mut self, line: usize, name: &str, value: &Value) -> Option<bool> {
        match value {
            Value::Boolean(flag) => Some(*flag),
            other => {
                self.problem(
                    ProblemCode::WrongType,
                    line,
                    format!(
                        "{name} must be true or false without quotes, not {}",
                        describe(other)
                    ),
                );
                None
            }
        }
    }

    fn integer(&mut self, line: usize, name: &str, value: &Value) -> Option<i64> {
        match value {
            Value::Integer(number) => Some(*number),
            other => {
                self.problem(
                    ProblemCode::WrongType,
                    line,
                    format!(
                        "{name} must be a whole number without quotes, e.g. {name} = 10, not {}",
                        describe(other)
                    ),
                );
                None
            }
        }
    }
}

/// What is wrong with a source's web address, if anything, as the end of a sentence that starts
/// `source 2 url "..."`. Sources are shown as links, so each must open a real page.
fn web_url_problem(url: &str) -> Option<&'static str> {
    let url = url.trim();
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return Some("must be a web address starting with https:// or http://");
    };
    if url.chars().any(char::is_whitespace) {
        return Some(
            "contains a space; remove it, or write it as %20 if the address really has one",
        );
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let host_is_valid = host.contains('.')
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    let port_is_valid =
        port.is_none_or(|port| !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()));
    (!host_is_valid || !port_is_valid).then_some(
        "has no valid site name after the //; copy the whole address from the browser, e.g. https://www.nhs.uk/conditions/back-pain/",
    )
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(text) => format!("the text \"{text}\""),
        Value::Integer(number) => format!("the number {number}"),
        Value::Float(number) => format!("the number {number}"),
        Value::Boolean(flag) => format!("{flag}"),
        Value::Datetime(datetime) => format!("the date {datetime}"),
        Value::Array(_) => "a list".to_owned(),
        Value::Table(_) => "a table".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const VALID: &str = r#"title = "Heat for back pain"
summary = "How heat eases tight muscles."
category = "relief"
reviewed = 2026-01-31
tags = ["heat", "spasms"]

[[sources]]
title = "NHS: Back pain"
url = "https://www.nhs.uk/conditions/back-pain/"
"#;

    fn messages(front: &str) -> Vec<(usize, String)> {
        parse(front, 2)
            .expect_err("front matter should be rejected")
            .into_iter()
            .map(|p| (p.line, p.message))
            .collect()
    }

    #[test]
    fn yaml_front_matter_gets_a_toml_example_from_its_own_fields() {
        let text = "---\ntitle: Heat for back pain\ncategory: 'relief'\nreviewed: 2026-01-31\ntags: [heat, spasms]\n---\n\nBody.\n";
        let problem = split(text).expect_err("YAML is refused");
        assert_eq!(problem.line, 1);
        assert_eq!(
            problem.message,
            "this looks like YAML front matter (---); backcare uses TOML between +++ lines: replace both --- lines with +++ and write each field as name = value, e.g. title = \"Heat for back pain\", category = \"relief\", reviewed = 2026-01-31"
        );
        assert_eq!(
            yaml_value_as_toml("[heat, spasms]"),
            "[\"heat\", \"spasms\"]"
        );
        assert_eq!(yaml_value_as_toml("3"), "3");
    }

    #[test]
    fn did_you_mean_ignores_letter_case() {
        assert_eq!(
            closest("Relief", ["causes", "relief"].into_iter()),
            Some("relief")
        );
        assert_eq!(closest_field("Title"), Some("title"));
        assert_eq!(closest_field("SUMARY"), Some("summary"));
        assert_eq!(closest("weather", ["relief"].into_iter()), None);
    }

    #[test]
    fn valid_front_matter_parses_with_defaults() {
        let front = parse(VALID, 2).expect("valid");
        assert_eq!(front.title, "Heat for back pain");
        assert_eq!(front.category, Category::Relief);
        assert_eq!(front.reviewed, date!(2026 - 01 - 31));
        assert_eq!(front.next_review, date!(2027 - 01 - 31));
        assert_eq!(front.tags, ["heat", "spasms"]);
        assert!(!front.draft);
        assert_eq!(front.weight, 0);
        assert_eq!(front.sources.len(), 1);
    }

    #[test]
    fn split_finds_both_fences_and_line_numbers() {
        let text = "+++\ntitle = \"x\"\n+++\n\nBody here\n";
        let split = split(text).expect("split");
        assert_eq!(split.front, "title = \"x\"\n");
        assert_eq!(split.front_line, 2);
        assert_eq!(split.body, "\nBody here\n");
        assert_eq!(split.body_line, 4);
    }

    #[test]
    fn split_rejects_missing_fences() {
        assert_eq!(split("title = 1\n").unwrap_err().line, 1);
        let unclosed = split("+++\ntitle = \"x\"\n\nBody\n").unwrap_err();
        assert_eq!(unclosed.line, 1);
        assert!(unclosed.message.contains("never closed"));
    }

    #[test]
    fn unknown_field_is_reported_at_its_line_with_a_suggestion() {
        let front = VALID.replace("tags =", "colour = \"red\"\ntgas =");
        let problems = messages(&front);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].0, 6);
        assert!(
            problems[0]
                .1
                .starts_with("unknown field \"colour\", expected one of title, summary")
        );
        assert!(
            problems[1].1.contains("did you mean \"tags\"?"),
            "{problems:?}"
        );
    }

    #[test]
    fn every_problem_is_collected_at_once() {
        let front = r#"summary = "x"
category = "treatment"
reviewed = "2026-01-31"
[[sources]]
title = "NHS"
url = "ftp://nhs.uk"
"#;
        let problems = messages(front);
        let text: Vec<&str> = problems.iter().map(|(_, m)| m.as_str()).collect();
        assert!(
            text.iter()
                .any(|m| m.starts_with("unknown category \"treatment\"")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|m| m.contains("without quotes")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|m| m.contains("must be a web address")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|m| m.starts_with("missing required field \"title\"")),
            "{text:?}"
        );
        let url_problem = problems
            .iter()
            .find(|(_, m)| m.contains("web address"))
            .unwrap();
        assert_eq!(url_problem.0, 5, "points at the [[sources]] header");
    }

    #[test]
    fn summary_over_the_limit_is_rejected() {
        let long = "a".repeat(201);
        let front = VALID.replace("How heat eases tight muscles.", &long);
        let problems = messages(&front);
        assert_eq!(problems[0].0, 3);
        assert!(problems[0].1.starts_with("summary is 201 characters long"));
        let exactly = VALID.replace("How heat eases tight muscles.", &"a".repeat(200));
        assert!(parse(&exactly, 2).is_ok());
    }

    #[test]
    fn syntax_errors_point_at_the_bad_line() {
        let front = VALID.replace("reviewed = 2026-01-31", "reviewed = 2026-02-30");
        let problems = messages(&front);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, 5);
        assert!(problems[0].1.starts_with("front matter is not valid TOML"));
    }

    #[test]
    fn empty_sources_and_non_http_urls_are_rejected() {
        let front = VALID.split("[[sources]]").next().unwrap().to_owned() + "sources = []\n";
        assert!(messages(&front)[0].1.contains("at least one source"));
        for (bad, problem) in [
            ("javascript:alert(1)", "must be a web address"),
            ("ftp://nhs.uk/back-pain", "must be a web address"),
            ("www.nhs.uk", "must be a web address"),
            ("https://", "has no valid site name"),
            ("https:///conditions/", "has no valid site name"),
            ("https://nhs/", "has no valid site name"),
            ("https://nhs..uk/", "has no valid site name"),
            ("https://nhs.uk:web/", "has no valid site name"),
            ("https://nhs uk/", "contains a space"),
            ("https://www.nhs.uk/back pain/", "contains a space"),
        ] {
            let found = web_url_problem(bad);
            assert!(
                found.is_some_and(|found| found.starts_with(problem)),
                "{bad}: {found:?}"
            );
        }
        for good in [
            "http://example.org/page?x=1",
            "https://www.nhs.uk/conditions/back-pain/",
            "https://localhost.example:8443/a#b",
            " https://www.nice.org.uk/guidance/ng59 ",
        ] {
            assert_eq!(web_url_problem(good), None, "{good}");
        }
    }

    #[test]
    fn next_review_must_follow_reviewed() {
        let front = VALID.replace("tags", "next_review = 2025-01-01\ntags");
        assert!(
            messages(&front)[0]
                .1
                .starts_with("next_review (2025-01-01) must be after")
        );
    }

    #[test]
    fn leap_day_review_rolls_to_february_28() {
        assert_eq!(one_year_after(date!(2028 - 02 - 29)), date!(2029 - 02 - 28));
    }
}
