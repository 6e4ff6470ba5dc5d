//! Author mistakes: each broken fixture under `tests/fixtures/broken/<case>/` must be rejected
//! with `file:line: message` for every problem, both by `Library::load` and by the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use backcare::content::{Category, Library, LoadOptions};

use crate::helpers::{bundled_library, repo_path};

/// One problem an author should see: the file in the fixture folder, its line, and how the message starts.
type Expected = (&'static str, usize, &'static str);

const FIXTURES: &str = "tests/fixtures/broken";

const UNKNOWN_KEY: &[Expected] = &[(
    "heat-therapy.md",
    3,
    "unknown field \"colour\", expected one of title, summary, category, reviewed, next_review, sources, tags, draft, weight, publish",
)];

/// One file with every kind of problem, to prove they are all reported in a single run.
const MULTI_ERROR: &[Expected] = &[
    (
        "heat-therapy.md",
        1,
        "missing required field \"title\"; add it",
    ),
    (
        "heat-therapy.md",
        2,
        "summary is 215 characters long; shorten it to 200 or fewer",
    ),
    (
        "heat-therapy.md",
        3,
        "unknown category \"treatment\", expected one of causes, prevention, relief, when-to-get-help",
    ),
    (
        "heat-therapy.md",
        4,
        "reviewed must be a date without quotes, e.g. reviewed = 2026-01-31, not \"2026-01-31\"",
    ),
    (
        "heat-therapy.md",
        5,
        "unknown field \"colour\", expected one of title, summary",
    ),
    (
        "heat-therapy.md",
        6,
        "unknown field \"tgas\", expected one of title, summary, category, reviewed, next_review, sources, tags, draft, weight, publish; did you mean \"tags\"?",
    ),
    (
        "heat-therapy.md",
        7,
        "draft must be true or false without quotes, not the text \"no\"",
    ),
    (
        "heat-therapy.md",
        13,
        "source 2 url \"ftp://nhs.uk/back-pain\" must be a web address",
    ),
    (
        "heat-therapy.md",
        18,
        "a level-1 heading (# ...) in the body",
    ),
    (
        "heat-therapy.md",
        20,
        "link to \"lifting.md\", but there is no article with that name",
    ),
    (
        "heat-therapy.md",
        24,
        "link to \"other.md#missing\", but that article has no section \"missing\"; its sections are: using-ice, how-long",
    ),
];

fn fixture(case: &str) -> PathBuf {
    repo_path(FIXTURES).join(case)
}

/// The problem lines `Library::load` reports for `dir`, after checking the closing count line.
fn problem_lines(dir: &Path) -> Vec<String> {
    let options = LoadOptions {
        lists: backcare::triage::article_sign_lists(),
        ..LoadOptions::default()
    };
    let errors =
        Library::load(dir, options).expect_err("a broken article must stop the site loading");
    let text = errors.to_string();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let count_line = lines.pop().expect("a count line");
    let plural = if lines.len() == 1 { "" } else { "s" };
    assert_eq!(
        count_line,
        format!("{} problem{plural} found in the articles", lines.len()),
        "{text}"
    );
    lines
}

/// Asserts the problem lines are exactly `expected`, in order, each `dir/file:line: message…`.
fn assert_lines_match(lines: &[String], dir: &Path, expected: &[Expected]) {
    let wanted: Vec<String> = expected
        .iter()
        .map(|(file, line, message)| format!("{}:{line}: {message}", dir.join(file).display()))
        .collect();
    // Problems in the page text carry a column after the line (`file:20:40: message`); the
    // columns themselves are asserted in `cli` and in the Markdown unit tests.
    let without_column = |line: &str| -> String {
        let Some((place, message)) = line.split_once(": ") else {
            return line.to_owned();
        };
        match place.rsplit_once(':') {
            Some((file_and_line, column))
                if file_and_line
                    .rsplit_once(':')
                    .is_some_and(|(_, line)| line.parse::<usize>().is_ok())
                    && column.parse::<usize>().is_ok() =>
            {
                format!("{file_and_line}: {message}")
            }
            _ => line.to_owned(),
        }
    };
    let matches = lines.len() == wanted.len()
        && lines
            .iter()
            .zip(&wanted)
            .all(|(line, want)| without_column(line).starts_with(want.as_str()));
    assert!(
        matches,
        "expected lines starting with\n{}\n\ngot\n{}",
        wanted.join("\n"),
        lines.join("\n")
    );
}

fn assert_problems(case: &str, expected: &[Expected]) {
    let dir = fixture(case);
    assert_lines_match(&problem_lines(&dir), &dir, expected);
}

#[test]
fn unknown_key_is_reported_at_its_line() {
    assert_problems("unknown-key", UNKNOWN_KEY);
}

#[test]
fn missing_title_is_reported_at_the_front_matter_fence() {
    assert_problems(
        "missing-title",
        &[(
            "heat-therapy.md",
            1,
            "missing required field \"title\"; add it to the front matter, e.g. title = \"Heat for back pain\"",
        )],
    );
}

#[test]
fn unknown_category_lists_the_topics() {
    assert_problems(
        "bad-category",
        &[(
            "heat-therapy.md",
            4,
            "unknown category \"treatment\", expected one of causes, prevention, relief, when-to-get-help",
        )],
    );
}

#[test]
fn quoted_date_asks_for_no_quotes() {
    assert_problems(
        "bad-date",
        &[(
            "heat-therapy.md",
            5,
            "reviewed must be a date without quotes, e.g. reviewed = 2026-01-31, not \"2026-01-31\"",
        )],
    );
}

#[test]
fn impossible_date_is_a_syntax_error_at_its_line() {
    assert_problems(
        "impossible-date",
        &[("heat-therapy.md", 5, "front matter is not valid TOML: ")],
    );
}

#[test]
fn a_uk_or_us_date_is_shown_as_it_must_be_written() {
    assert_problems(
        "uk-date",
        &[(
            "heat-therapy.md",
            5,
            "07/12/2026 is not a date backcare can read; write dates as 2026-12-07 (year-month-day, without quotes)",
        )],
    );
}

#[test]
fn a_misspelt_required_field_is_one_error_at_its_own_line() {
    assert_problems(
        "misspelt-required-key",
        &[(
            "heat-therapy.md",
            2,
            "unknown field \"tilte\", expected one of title, summary, category, reviewed, next_review, sources, tags, draft, weight, publish; did you mean \"title\"?",
        )],
    );
}

#[test]
fn missing_closing_fence_is_reported_at_the_opening_fence() {
    assert_problems(
        "missing-closing-fence",
        &[(
            "heat-therapy.md",
            1,
            "the front matter opened with +++ on this line is never closed; add a line with just +++",
        )],
    );
}

#[test]
fn overlong_summary_gives_its_length_and_the_limit() {
    assert_problems(
        "summary-too-long",
        &[(
            "heat-therapy.md",
            3,
            "summary is 215 characters long; shorten it to 200 or fewer",
        )],
    );
}

#[test]
fn file_name_must_be_a_valid_address() {
    assert_problems(
        "bad-file-name",
        &[(
            "Heat_Therapy.md",
            1,
            "the file name \"Heat_Therapy.md\" is not a valid page address; use lowercase letters, digits and single hyphens",
        )],
    );
}

#[test]
fn link_to_a_missing_article_is_reported_at_its_line() {
    assert_problems(
        "broken-internal-link",
        &[(
            "heat-therapy.md",
            22,
            "link to \"no-such-article.md\", but there is no article with that name; check the spelling",
        )],
    );
}

#[test]
fn link_to_a_missing_section_lists_the_sections_there_are() {
    assert_problems(
        "broken-section-link",
        &[(
            "heat-therapy.md",
            22,
            "link to \"other.md#missing\", but that article has no section \"missing\"; its sections are: using-ice, how-long",
        )],
    );
}

#[test]
fn a_section_link_in_other_letter_case_or_misspelt_gets_a_suggestion() {
    assert_problems(
        "section-in-capitals",
        &[
            (
                "heat-therapy.md",
                14,
                "link to \"#How-To-Use-Heat\", but this page has no section \"How-To-Use-Heat\"; did you mean \"how-to-use-heat\"?; its sections are: how-to-use-heat",
            ),
            (
                "heat-therapy.md",
                16,
                "link to \"ice-packs.md#using-cie\", but that article has no section \"using-cie\"; did you mean \"using-ice\"?; its sections are: using-ice",
            ),
        ],
    );
}

#[test]
fn a_misspelt_shortcode_or_urgency_gets_a_suggestion() {
    assert_problems(
        "misspelt-shortcode",
        &[
            (
                "heat-therapy.md",
                16,
                "red_flags needs urgency set to emergency, urgent or soon, as in {{ red_flags(urgency=\"emergency\") }} with urgency emergency, urgent or soon; did you mean \"emergency\"?",
            ),
            (
                "heat-therapy.md",
                20,
                "unknown shortcode \"red_flag\"; did you mean \"red_flags\"?; the shortcodes are",
            ),
            (
                "heat-therapy.md",
                24,
                "unknown shortcode \"warning_sign\"; did you mean \"warning_signs\"?; the shortcodes are",
            ),
        ],
    );
}

#[test]
fn two_articles_with_one_title_are_an_error_naming_both() {
    let dir = fixture("duplicate-title");
    assert_eq!(
        problem_lines(&dir),
        [format!(
            "{}:2: title \"Heat for back pain\" is also the title of {}; give each page its own title (or delete the copy)",
            dir.join("warm-packs.md").display(),
            dir.join("heat-therapy.md").display()
        )]
    );
}

#[test]
fn link_to_a_draft_is_reported() {
    assert_problems(
        "link-to-draft",
        &[(
            "heat-therapy.md",
            22,
            "link to \"ice.md\", which is a draft; publish it (remove draft = true) or remove the link",
        )],
    );
}

#[test]
fn link_to_a_broken_article_reports_only_the_broken_article() {
    // The link itself is fine: the author must fix ice.md, not be told it does not exist.
    assert_problems(
        "link-to-broken-article",
        &[("ice.md", 4, "unknown category \"cold\"")],
    );
}

#[test]
fn missing_sources_are_required() {
    assert_problems(
        "no-sources",
        &[(
            "heat-therapy.md",
            1,
            "missing required field \"sources\"; add it to the front matter, e.g. [[sources]] with a title and a url",
        )],
    );
}

#[test]
fn empty_sources_are_rejected() {
    assert_problems(
        "empty-sources",
        &[(
            "heat-therapy.md",
            6,
            "sources is empty; every article must cite at least one source",
        )],
    );
}

#[test]
fn level_one_heading_in_the_body_is_reported_at_its_line() {
    assert_problems(
        "h1-in-body",
        &[(
            "heat-therapy.md",
            12,
            "a level-1 heading (# ...) in the body; the page title comes from front matter",
        )],
    );
}

#[test]
fn file_that_is_not_utf8_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("cafe.md"),
        b"+++\ntitle = \"Caf\xe9 chairs\"\n+++\n",
    )
    .expect("write");
    assert_lines_match(
        &problem_lines(dir.path()),
        dir.path(),
        &[(
            "cafe.md",
            1,
            "the file is not valid UTF-8 text; save it with UTF-8 encoding",
        )],
    );
}

#[test]
fn every_problem_in_a_file_is_reported_at_once() {
    assert_problems("multi-error", MULTI_ERROR);
}

#[test]
fn bundled_articles_load_cleanly_and_cover_every_topic() {
    let library = bundled_library();
    assert!(library.len() >= 12, "only {} articles", library.len());
    for category in Category::ALL {
        assert!(
            library.in_category(category).next().is_some(),
            "no articles about {}",
            category.title()
        );
    }
    for article in library.articles() {
        assert!(
            !article.front.sources.is_empty(),
            "{} has no sources",
            article.slug
        );
    }
}

/// Runs the real binary from the repository root, killing it if it has not exited within a minute.
pub(crate) fn run_backcare(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_backcare"))
        .args(args)
        .current_dir(repo_path(""))
        .env_remove("BACKCARE_BIND")
        .env_remove("BACKCARE_BASE_URL")
        .env_remove("BACKCARE_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("backcare starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("wait on backcare").is_none() {
        if Instant::now() > deadline {
            child.kill().expect("kill backcare");
            panic!("backcare {args:?} did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("backcare output")
}

fn assert_binary_refuses_to_start(case: &str, expected: &[Expected]) {
    let dir = Path::new(FIXTURES).join(case);
    let articles = dir.to_str().expect("utf-8 path");
    let output = run_backcare(&[
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--articles",
        articles,
        "--static",
        "static",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty(), "it never says it is serving");
    let lines: Vec<String> = stderr.lines().map(str::to_owned).collect();
    let (problems, rest) = lines.split_at(expected.len().min(lines.len()));
    assert_lines_match(problems, &dir, expected);
    let plural = if expected.len() == 1 { "" } else { "s" };
    assert_eq!(
        rest,
        [
            format!("{} problem{plural} found in the articles", expected.len()),
            "backcare: not starting; fix the problems above and run again".to_owned(),
        ],
        "{stderr}"
    );
}

#[test]
fn binary_refuses_to_start_with_an_unknown_key() {
    assert_binary_refuses_to_start("unknown-key", UNKNOWN_KEY);
}

#[test]
fn binary_lists_every_problem_before_refusing_to_start() {
    assert_binary_refuses_to_start("multi-error", MULTI_ERROR);
}

#[test]
fn binary_refuses_to_start_with_a_missing_image() {
    assert_binary_refuses_to_start(
        "missing-image",
        &[
            (
                "heat-therapy.md",
                14,
                "image \"/static/img/hot-water-bottle.svg\" does not exist; put the file at static/img/hot-water-bottle.svg",
            ),
            (
                "heat-therapy.md",
                18,
                "image \"images/heat-pad.png\" must be a file in the static folder",
            ),
            (
                "heat-therapy.md",
                22,
                "image \"/static/favicon.png\" does not exist; did you mean \"/static/favicon.svg\"?",
            ),
        ],
    );
}

#[test]
fn image_without_alt_text_is_reported_at_its_line() {
    assert_problems(
        "missing-alt",
        &[(
            "heat-therapy.md",
            16,
            "image \"/static/favicon.svg\" has no alt text; describe what it shows between the square brackets",
        )],
    );
}

#[test]
fn malformed_source_urls_are_reported_at_their_source() {
    assert_problems(
        "bad-source-urls",
        &[
            (
                "heat-therapy.md",
                11,
                "source 2 url \"https://www.nhs.uk/conditions/sci atica/\" contains a space",
            ),
            (
                "heat-therapy.md",
                15,
                "source 3 url \"https:///guidance/ng59\" has no valid site name",
            ),
            (
                "heat-therapy.md",
                19,
                "source 4 url \"file://leaflets/back-pain.pdf\" must be a web address",
            ),
        ],
    );
}

#[test]
fn help_describes_every_option() {
    for args in [&["--help"][..], &["serve", "--help"]] {
        let output = run_backcare(args);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        for option in ["--bind", "--articles", "--static", "BACKCARE_BIND"] {
            assert!(
                stdout.contains(option),
                "{args:?} help mentions {option}:\n{stdout}"
            );
        }
    }
}

#[tokio::test]
async fn serve_refuses_a_review_dated_in_the_future() {
    let articles = crate::helpers::TempArticles::new();
    articles.add(
        "heat.md",
        crate::helpers::ArticleText::new("Heat", "relief")
            .reviewed("2999-01-01")
            .render(),
    );
    let Err(error) = backcare::startup::Application::build(&articles.config()).await else {
        panic!("a page reviewed in 2999 must not be served");
    };
    let message = error.to_string();
    assert!(
        message.contains(&format!(
            "{}:5: reviewed = 2999-01-01 is in the future (today is ",
            articles.path().join("heat.md").display()
        )),
        "{message}"
    );
}
