//! The author's commands, run as the real binary: `backcare check` on the bundled site and on
//! every fixture, and `backcare new` from a fresh page to one that `check` accepts.

use std::path::{Path, PathBuf};
use std::process::Output;

use backcare::content::{Library, ProblemCode, Severity};

use crate::content_errors::run_backcare;
use crate::helpers::{ArticleText, TempArticles, bundled_library, repo_path};

/// Review dates are checked against this day, so the tests do not change with the calendar.
/// The day the articles were last reviewed on: a page reviewed after it would be "in the future".
const TODAY: &str = "2026-12-07";

struct Run {
    code: Option<i32>,
    stdout: Vec<String>,
    stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout)
                .lines()
                .map(str::to_owned)
                .collect(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    fn summary(&self) -> &str {
        self.stdout.last().map_or("", String::as_str)
    }

    /// Every line but the summary: the problems, in order.
    fn problems(&self) -> &[String] {
        &self.stdout[..self.stdout.len().saturating_sub(1)]
    }
}

/// The code a line of `check`'s output ends with: `... [unknown-field]`.
fn warning_code(line: &str) -> ProblemCode {
    let code = line
        .rsplit_once(" [")
        .and_then(|(_, code)| code.strip_suffix(']'))
        .unwrap_or_else(|| panic!("{line:?} ends with its code"));
    *ProblemCode::ALL
        .iter()
        .find(|known| known.code() == code)
        .unwrap_or_else(|| panic!("{code} in {line:?} is a known code"))
}

fn check(articles: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "--articles",
        articles,
        "--static",
        "static",
        "--today",
        TODAY,
    ];
    args.extend_from_slice(extra);
    run_backcare(&args).into()
}

fn fixture_dirs(group: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo_path("tests/fixtures").join(group))
        .expect("fixture folder")
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.is_dir())
        .map(|path| {
            Path::new("tests/fixtures")
                .join(group)
                .join(path.file_name().expect("name"))
        })
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn bundled_articles_check_clean() {
    let article_count = std::fs::read_dir(repo_path("articles"))
        .expect("articles")
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|ext| ext == "md"))
        })
        .count();
    let run = check("articles", &[]);
    assert_eq!(run.code, Some(0), "{:?}\n{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        [format!(
            "checked {article_count} articles: 0 errors, 0 warnings"
        )]
    );
}

#[test]
fn bundled_articles_pass_strict_check() {
    let run = check("articles", &["--strict"]);
    assert_eq!(run.code, Some(0), "{:#?}", run.stdout);
    assert!(
        run.summary().ends_with(": 0 errors, 0 warnings"),
        "{:?}",
        run.stdout
    );
}

#[test]
fn check_prints_the_exact_place_of_every_error_in_every_broken_fixture() {
    let fixtures = fixture_dirs("broken");
    assert!(fixtures.len() >= 19, "{fixtures:?}");
    for dir in fixtures {
        let articles = dir.to_str().expect("utf-8 path");
        let run = check(articles, &[]);
        assert_eq!(run.code, Some(1), "{articles}: {:#?}", run.stdout);
        // The same file:line: message lines that stop `serve`, and nothing else.
        let expected: Vec<String> = Library::load(
            &dir,
            backcare::site_source::site_load_options(Path::new("static"), None),
        )
        .expect_err("a broken fixture does not load")
        .0
        .iter()
        .map(|problem| {
            // What stops `serve` is an error by its code too.
            assert_eq!(problem.code.severity(), Severity::Error, "{problem}");
            format!("{problem} [{}]", problem.code)
        })
        .collect();
        // Any warnings are listed among the errors in file order; the errors keep serve's order.
        let (errors, warnings): (Vec<&String>, Vec<&String>) = run
            .problems()
            .iter()
            .partition(|line| !line.contains(": warning: "));
        assert_eq!(errors, expected.iter().collect::<Vec<_>>(), "{articles}");
        for warning in &warnings {
            let code = warning_code(warning);
            assert_eq!(code.severity(), Severity::Warning, "{warning}");
        }
        for problem in errors {
            let place = problem.split(": ").next().unwrap_or_default();
            let (file, line) = place
                .rsplit_once(':')
                .unwrap_or_else(|| panic!("{articles}: {problem:?} starts with file:line"));
            assert!(Path::new(file).starts_with(&dir), "{problem}");
            assert!(line.parse::<usize>().is_ok(), "{problem}");
        }
        let count = |n: usize, noun: &str| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
        assert!(
            run.summary().ends_with(&format!(
                ": {}, {}",
                count(expected.len(), "error"),
                count(warnings.len(), "warning")
            )),
            "{articles}: {}",
            run.summary()
        );
    }
}

#[test]
fn check_lists_every_problem_of_a_file_with_its_line() {
    let run = check("tests/fixtures/broken/multi-error", &[]);
    assert_eq!(run.code, Some(1));
    let places: Vec<&str> = run
        .problems()
        .iter()
        .map(|line| line.split(": ").next().unwrap_or_default())
        .collect();
    let file = "tests/fixtures/broken/multi-error/heat-therapy.md";
    // Problems in the page text also give the column.
    let expected: Vec<String> = [
        "1", "2", "3", "4", "5", "6", "7", "13", "18:1", "20:40", "24:44",
    ]
    .iter()
    .map(|place| format!("{file}:{place}"))
    .collect();
    assert_eq!(places, expected);
    assert_eq!(run.summary(), "checked 2 articles: 11 errors, 0 warnings");
}

#[test]
fn a_shortcode_inside_a_sentence_is_an_error_at_its_line_and_column() {
    let run = check("tests/fixtures/broken/inline-shortcode", &[]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.problems(),
        [
            "tests/fixtures/broken/inline-shortcode/heat-therapy.md:14:33: shortcode \"{{ red_flags(urgency=\"emergency\") }}\" must be on a line of its own, with a blank line before and after; inside a sentence, list or heading it would show as plain text [misplaced-shortcode]"
        ]
    );
}

#[test]
fn a_misspelt_shortcode_names_every_shortcode_and_suggests_the_nearest() {
    let run = check("tests/fixtures/broken/misspelt-shortcode", &[]);
    let file = "tests/fixtures/broken/misspelt-shortcode/heat-therapy.md";
    assert_eq!(run.code, Some(1));
    let every_shortcode = "the shortcodes are {{ red_flags(urgency=\"emergency\") }} with urgency emergency, urgent or soon, \
         {{ warning_signs(signs=\"fall-aged-65-plus, weak-bones\") }}, \
         {{ service(sign=\"upper-back\") }} inside a sentence, and \
         {{ diagram(name=\"safe-lifting\", caption=\"Bend your knees, not your back.\") }} [unknown-shortcode]";
    assert_eq!(
        run.problems()[1..],
        [
            format!(
                "{file}:20:1: unknown shortcode \"red_flag\"; did you mean \"red_flags\"?; {every_shortcode}"
            ),
            format!(
                "{file}:24:1: unknown shortcode \"warning_sign\"; did you mean \"warning_signs\"?; {every_shortcode}"
            ),
        ]
    );
}

#[test]
fn a_warning_box_with_an_unknown_sign_is_an_error_that_suggests_the_id() {
    let run = check("tests/fixtures/broken/unknown-sign", &[]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.problems(),
        [
            "tests/fixtures/broken/unknown-sign/heat-therapy.md:14:1: warning_signs has no sign or group \"fal-aged-65-plus\"; did you mean \"fall-aged-65-plus\"? the groups are cauda-equina, heart-and-aorta, nerves, injury, weak-bones, infection, cancer, kidney, tummy, pregnancy-signs, child-signs, not-settling, and each sign is named by its rule id, listed on /symptom-checker/how-it-works [unknown-sign]"
        ]
    );
}

/// Each kind of mistake in a shortcode's arguments has its own code, which AUTHORING.md explains.
#[test]
fn each_kind_of_shortcode_argument_mistake_has_its_own_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = std::fs::read_to_string(repo_path(
        "tests/fixtures/broken/unknown-sign/heat-therapy.md",
    ))
    .expect("fixture");
    let calls = [
        ("{{ warning_signs(signs=weak-bones) }}", "argument-syntax"),
        (
            "{{ warning_signs(sign=\"weak-bones\") }}",
            "unknown-argument",
        ),
        (
            "{{ warning_signs(signs=\"weak-bones\", for=\"baby\") }}",
            "unknown-audience",
        ),
        ("{{ diagram(name=\"safe-lifting\") }}", "missing-argument"),
        (
            "{{ diagram(name=\"back-flip\", caption=\"Bend.\") }}",
            "unknown-diagram",
        ),
        ("{{ red_flags(urgency=\"emergancy\") }}", "invalid-urgency"),
        (
            "If it is worse, {{ service(signs=\"upper-back\") }}.",
            "service-needs-one-sign",
        ),
        (
            "If it is worse, {{ service(sign=\"upper-bak\") }}.",
            "unknown-sign",
        ),
    ];
    let body: String = calls
        .iter()
        .map(|(call, _)| format!("{call}\n\n"))
        .collect();
    let page = page.replace(
        "{{ warning_signs(signs=\"fal-aged-65-plus, weak-bones\") }}\n",
        &body,
    );
    std::fs::write(dir.path().join("heat-therapy.md"), page).expect("written");
    let run = check(dir.path().to_str().expect("utf-8"), &[]);
    assert_eq!(run.code, Some(1), "{:#?}", run.stdout);
    let codes: Vec<&str> = run
        .problems()
        .iter()
        .map(|line| warning_code(line).code())
        .collect();
    let expected: Vec<&str> = calls.iter().map(|(_, code)| *code).collect();
    assert_eq!(codes, expected, "{:#?}", run.stdout);
}

#[test]
fn missing_image_and_images_outside_static_are_errors() {
    let run = check("tests/fixtures/broken/missing-image", &[]);
    let file = "tests/fixtures/broken/missing-image/heat-therapy.md";
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        [
            format!(
                "{file}:14:1: image \"/static/img/hot-water-bottle.svg\" does not exist; put the file at static/img/hot-water-bottle.svg or fix the address [missing-image]"
            ),
            format!(
                "{file}:18:1: image \"images/heat-pad.png\" must be a file in the static folder, written as /static/...; save it under static/ (e.g. static/img/lifting.svg) and write ![alt text](/static/img/lifting.svg) [missing-image]"
            ),
            format!(
                "{file}:22:11: image \"/static/favicon.png\" does not exist; did you mean \"/static/favicon.svg\"? If not, put the file at static/favicon.png or fix the address [missing-image]"
            ),
            "checked 1 article: 3 errors, 0 warnings".to_owned(),
        ]
    );
}

#[test]
fn image_without_alt_text_is_an_error() {
    let run = check("tests/fixtures/broken/missing-alt", &[]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.problems(),
        [
            "tests/fixtures/broken/missing-alt/heat-therapy.md:16:48: image \"/static/favicon.svg\" has no alt text; describe what it shows between the square brackets, e.g. ![A person lifting a box with a straight back](/static/favicon.svg) [missing-alt-text]"
        ]
    );
}

#[test]
fn malformed_source_urls_are_errors_at_their_source() {
    let run = check("tests/fixtures/broken/bad-source-urls", &[]);
    assert_eq!(run.code, Some(1));
    let file = "tests/fixtures/broken/bad-source-urls/heat-therapy.md";
    let starts = [
        format!(
            "{file}:11: source 2 url \"https://www.nhs.uk/conditions/sci atica/\" contains a space"
        ),
        format!("{file}:15: source 3 url \"https:///guidance/ng59\" has no valid site name"),
        format!(
            "{file}:19: source 4 url \"file://leaflets/back-pain.pdf\" must be a web address starting with https:// or http://"
        ),
    ];
    assert_eq!(run.problems().len(), starts.len(), "{:#?}", run.stdout);
    for (line, start) in run.problems().iter().zip(&starts) {
        assert!(line.starts_with(start.as_str()), "{line}\nwanted {start}");
    }
}

#[test]
fn every_kind_of_internal_link_is_checked_with_a_suggestion() {
    let dir = "tests/fixtures/broken/every-link-kind";
    let run = check(dir, &["--base-url", "https://backcare.example"]);
    assert_eq!(run.code, Some(1), "{:#?}", run.stdout);
    let file = format!("{dir}/heat-therapy.md");
    let expected = [
        format!(
            "{file}:17:21: link to \"/articles/ice-pakcs\", but there is no article with that name; did you mean \"ice-packs\"? If not, check the spelling or create {dir}/ice-pakcs.md"
        ),
        format!(
            "{file}:19:21: link to \"ice-pack\", but there is no article with that name; did you mean \"ice-packs\"? If not, check the spelling or create {dir}/ice-pack.md"
        ),
        format!(
            "{file}:21:17: link to \"https://backcare.example/articles/heat-therpy\", but there is no article with that name; did you mean \"heat-therapy\"? If not, check the spelling or create {dir}/heat-therpy.md"
        ),
        format!(
            "{file}:23:22: link to \"/topics/Relief\", but there is no topic \"Relief\"; the topics are causes, prevention, relief, when-to-get-help; did you mean \"relief\"? [broken-link]"
        ),
        format!(
            "{file}:25:20: link to \"/tags/cold\", but no published article has the tag \"cold\"; add the tag to an article or link to one of: heat"
        ),
        format!(
            "{file}:27:17: link to \"/static/leaflet.pdf\", but there is no such file; put it at static/leaflet.pdf or fix the address"
        ),
        format!(
            "{file}:29:19: link to \"/symptom-checker#nope\", but the page /symptom-checker has no anchor \"nope\"; its anchors include: main, "
        ),
        format!(
            "{file}:31:17: link to \"/contact\", but the site has no page at \"/contact\"; link to an article as other-article.md, or to a topic as /topics/relief"
        ),
        format!(
            "{file}:33:20: link to \"/articles/ice-packs#nowhere\", but that article has no section \"nowhere\"; its sections are: using-ice"
        ),
        format!(
            "{file}:35:25: link to \"#when-to-stop\", but this page has no section \"when-to-stop\"; its sections are: how-to-use-heat"
        ),
    ];
    assert_eq!(run.problems().len(), expected.len(), "{:#?}", run.stdout);
    for (line, want) in run.problems().iter().zip(&expected) {
        assert!(line.starts_with(want.as_str()), "{line}\nwanted {want}");
    }
    assert_eq!(run.summary(), "checked 2 articles: 10 errors, 0 warnings");

    // Without --base-url, a full address is another site's and is not checked.
    let without = check(dir, &[]);
    assert!(
        without
            .problems()
            .iter()
            .all(|line| !line.contains("backcare.example")),
        "{:#?}",
        without.stdout
    );
    assert_eq!(without.problems().len(), expected.len() - 1);
}

#[test]
fn links_to_every_fixed_page_pass_check() {
    // Each once refused or missing from a hand-kept list of addresses.
    let fixed = [
        "/",
        "/about",
        "/accessibility",
        "/a-z",
        "/topics",
        "/tags",
        "/opensearch.xml",
        "/search",
        "/articles",
        "/feed.xml",
        "/sitemap.xml",
        "/robots.txt",
        "/symptom-checker#main",
        "/symptom-checker/how-it-works",
    ];
    let links: String = fixed
        .iter()
        .map(|path| format!("Read [this page]({path}).\n\n"))
        .collect();
    let articles = TempArticles::new();
    articles.add(
        "heat.md",
        ArticleText::new("Heat", "relief")
            .body(&format!("## What it is\n\n{links}"))
            .render(),
    );
    let run = check(articles.path().to_str().expect("utf-8 path"), &[]);
    assert_eq!(run.code, Some(0), "{:#?}", run.stdout);
    assert!(
        run.problems()
            .iter()
            .all(|line| !line.contains("link to \"")),
        "{:#?}",
        run.stdout
    );
}

/// Each warnings fixture: the article with the problem, and a clean page it links to.
/// Each case's folder, the place of its one warning (`line` or `line:column`) and its start.
const WARNINGS: &[(&str, &str, &str)] = &[
    (
        "hard-prose",
        "12",
        "reading level is grade 14.3 (Flesch–Kincaid); aim for 6 or below with shorter sentences and plainer words. Hardest sentences: line 16: \"Physiotherapists frequently",
    ),
    (
        "hard-sentence",
        "14:30",
        "sentence reads at grade 28.6 (Flesch–Kincaid, known names and everyday words aside); use shorter, everyday words so it is grade 9 or below: \"Superficial thermotherapy demonstrates moderate effectiveness for …\"",
    ),
    (
        "no-internal-link",
        "12",
        "no links to other articles; link to at least one related page",
    ),
    (
        "overdue-review",
        "5",
        "review overdue since 2026-06-01; check the page against its sources, then set reviewed = 2026-12-07",
    ),
    (
        "short-summary",
        "3",
        "summary is only 11 characters; write at least 50",
    ),
    (
        "long-paragraph",
        "14",
        "paragraph of 66 words; split it into paragraphs of 60 words or fewer, one idea each",
    ),
    (
        "long-sentence",
        "14:30",
        "sentence is 30 words long; split it so each sentence is 25 words or fewer: \"If the pad feels too hot …\"",
    ),
    (
        "no-red-flags",
        "12",
        "no warning signs; a \"relief\" page needs a \"When to get help\" section with a box of the signs for its topic, such as {{ warning_signs(signs=\"fall-aged-65-plus, weak-bones\") }}",
    ),
    (
        "hand-written-warnings",
        "18",
        "hand-written warning sign \"a burn that blisters\"; show it with {{ warning_signs(",
    ),
    (
        "misspelt-source-domain",
        "11",
        "source 2 url \"https://www.nice.org.k/guidance/ng59\" names the site \"www.nice.org.k\", which looks like a misspelling; did you mean \"https://www.nice.org.uk/guidance/ng59\"?",
    ),
    (
        "untrusted-sources",
        "7",
        "no source from the NHS, NICE, Cochrane or Mayo Clinic; base the page on at least one of them",
    ),
    (
        "similar-summaries",
        "3",
        "summary is almost the same as the summary of tests/fixtures/warnings/similar-summaries/when-to-get-help.md; say what this page covers that the other does not",
    ),
    (
        "unlinked-medicine",
        "14",
        "mentions ibuprofen without a link to the medicines page; link it, e.g. [ibuprofen](pain-medicines.md)",
    ),
    (
        "whole-sign-list",
        "14:1",
        "shows the whole \"emergency\" list of warning signs (",
    ),
    (
        "box-too-many",
        "14:1",
        "warning_signs box picks 11 signs; pick at most 8 that fit this page",
    ),
];

#[test]
fn skipped_files_and_removed_raw_html_are_warnings() {
    let dir = copy_of_bundled_articles();
    let articles = dir.path();
    std::fs::write(articles.join("ice-packs.markdown"), "x").expect("written");
    std::fs::write(articles.join("Heat.MD"), "x").expect("written");
    std::fs::write(articles.join("notes.docx"), "x").expect("written");
    std::fs::write(articles.join(".heat.md.swp"), "x").expect("written");
    std::fs::create_dir(articles.join("old")).expect("dir");
    std::fs::write(articles.join("old/a.md"), "x").expect("written");
    let spasms = articles.join("back-spasms.md");
    let mut text = std::fs::read_to_string(&spasms).expect("article");
    let line = text.lines().count() + 2;
    text.push_str("\n<iframe src=\"https://video.example/x\"></iframe>\n");
    std::fs::write(&spasms, text).expect("written");

    let run = check(articles.to_str().expect("utf-8"), &[]);
    assert_eq!(run.code, Some(0), "warnings alone pass: {:#?}", run.stdout);
    let dir = articles.display();
    assert_eq!(
        run.problems(),
        [
            format!(
                "{dir}/Heat.MD: warning: the file \"Heat.MD\" is skipped: only files ending in .md (lowercase) are articles; rename it to heat.md [skipped]"
            ),
            format!(
                "{dir}/back-spasms.md:{line}:1: warning: raw HTML <iframe> is removed from the page; write it in Markdown (a link instead of an embed, ** for bold) or ask a developer for a shortcode [raw-html-removed]"
            ),
            format!(
                "{dir}/ice-packs.markdown: warning: the file \"ice-packs.markdown\" is skipped: only files ending in .md (lowercase) are articles; rename it to ice-packs.md [skipped]"
            ),
            format!(
                "{dir}/notes.docx: warning: the file \"notes.docx\" is skipped: only files ending in .md are articles; keep images and other files in the static folder [skipped]"
            ),
            format!(
                "{dir}/old: warning: the folder \"old\" is skipped: articles must be directly inside {dir}; move its .md files up one level [skipped]"
            ),
        ]
    );
}

/// Errors, warnings and notes in one list, file by file and top to bottom, so an author can work
/// through a file at a time; the summary still counts errors and warnings apart.
#[test]
fn check_lists_errors_and_warnings_together_in_file_order() {
    let dir = copy_of_bundled_articles();
    let articles = dir.path();
    std::fs::write(articles.join("Heat.MD"), "x").expect("written");
    std::fs::write(articles.join("notes.docx"), "x").expect("written");
    // A draft with a broken link: an error only when drafts are loaded, so the published
    // articles still load and get their warnings (the checker misses this page).
    let children = articles.join("back-pain-in-children.md");
    let text = std::fs::read_to_string(&children).expect("article");
    let text = text.replacen("+++\n", "+++\ndraft = true\n", 1);
    let line = text.lines().count() + 2;
    std::fs::write(
        &children,
        format!("{text}\nSee [this](/articles/no-such-page).\n"),
    )
    .expect("written");

    let run = check(articles.to_str().expect("utf-8"), &[]);
    assert_eq!(run.code, Some(1), "{:#?}", run.stdout);
    let dir = articles.display();
    let places_and_codes: Vec<(String, ProblemCode)> = run
        .problems()
        .iter()
        .map(|problem| {
            let place = problem.split(": ").next().unwrap_or_default().to_owned();
            (place, warning_code(problem))
        })
        .collect();
    assert_eq!(
        places_and_codes,
        [
            (format!("{dir}/Heat.MD"), ProblemCode::Skipped),
            (
                format!("{dir}/back-pain-in-children.md"),
                ProblemCode::MissingLinkedArticle
            ),
            (
                format!("{dir}/back-pain-in-children.md:{line}:5"),
                ProblemCode::BrokenLink
            ),
            (format!("{dir}/notes.docx"), ProblemCode::Skipped),
        ],
        "{:#?}",
        run.stdout
    );
    assert!(
        run.problems()[0].contains(": warning: "),
        "{:#?}",
        run.stdout
    );
    assert!(
        !run.problems()[2].contains(": warning: "),
        "{:#?}",
        run.stdout
    );
    assert!(
        run.summary().ends_with(" articles: 1 error, 3 warnings"),
        "{:?}",
        run.summary()
    );
}

#[test]
fn a_future_review_date_is_an_error_and_an_http_source_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = "+++\ntitle = \"Heat for back pain\"\nsummary = \"How heat eases tight back muscles, and how to use it safely at home.\"\ncategory = \"relief\"\nreviewed = 2026-12-08\n\n[[sources]]\ntitle = \"NHS: Back pain\"\nurl = \"https://www.nhs.uk/conditions/back-pain/\"\n\n[[sources]]\ntitle = \"NHS: Sciatica\"\nurl = \"http://www.nhs.uk/conditions/sciatica/\"\n+++\n\n## Using heat\n\nWrap it in a towel. See [heat](heat.md#using-heat).\n";
    std::fs::write(dir.path().join("heat.md"), page).expect("written");
    let articles = dir.path().to_str().expect("utf-8");
    let run = check(articles, &[]);
    assert_eq!(run.code, Some(1), "{:#?}", run.stdout);
    assert_eq!(
        run.problems(),
        [format!(
            "{articles}/heat.md:5: reviewed = 2026-12-08 is in the future (today is {TODAY}); set it to the day the page was last checked against its sources [future-review]"
        )]
    );

    // On the review day itself the date is fine, and the http source is a warning.
    let run: Run = run_backcare(&[
        "check",
        "--articles",
        articles,
        "--static",
        "static",
        "--today",
        "2026-12-08",
    ])
    .into();
    assert_eq!(run.code, Some(0), "{:#?}", run.stdout);
    assert_eq!(
        run.problems()[..1],
        [format!(
            "{articles}/heat.md:11: warning: source 2 url \"http://www.nhs.uk/conditions/sciatica/\" is not https; check that https://www.nhs.uk/conditions/sciatica/ works and use it, so readers are not warned about an insecure page [not-https]"
        )]
    );
}

#[test]
fn run_from_the_wrong_folder_says_where_it_looked_and_how_to_fix_it() {
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_backcare"))
        .arg("check")
        .current_dir(elsewhere.path())
        .env_remove("BACKCARE_BASE_URL")
        .output()
        .expect("the binary runs");
    let run = Run::from(output);
    assert_eq!(run.code, Some(1));
    // The child's working folder, as the system reports it (no symbolic links).
    let here = elsewhere.path().canonicalize().expect("path");
    assert_eq!(
        run.problems()[0],
        format!(
            "articles: cannot read the articles directory: No such file or directory (os error 2); backcare looked for it in the current folder, {}; run backcare from the folder that holds articles/ (cd path/to/backcare), or pass the folder with --articles DIR [unreadable-folder]",
            here.display()
        )
    );
}

#[test]
fn yaml_front_matter_and_a_capitalised_category_get_hints() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("heat.md"),
        "---\ntitle: Heat for back pain\nreviewed: 2026-01-31\n---\n\nBody.\n",
    )
    .expect("written");
    std::fs::write(
        dir.path().join("ice.md"),
        "+++\ntitle = \"Ice\"\nsummary = \"How cold eases a sore back after a strain, and how to use it.\"\ncategory = \"Relief\"\nreviewed = 2026-01-31\n\n[[sources]]\ntitle = \"NHS: Back pain\"\nurl = \"https://www.nhs.uk/conditions/back-pain/\"\n+++\n\nBody.\n",
    )
    .expect("written");
    let articles = dir.path().to_str().expect("utf-8");
    let run = check(articles, &[]);
    assert_eq!(
        run.problems(),
        [
            format!(
                "{articles}/heat.md:1: this looks like YAML front matter (---); backcare uses TOML between +++ lines: replace both --- lines with +++ and write each field as name = value, e.g. title = \"Heat for back pain\", reviewed = 2026-01-31 [yaml-front-matter]"
            ),
            format!(
                "{articles}/ice.md:4: unknown category \"Relief\", expected one of causes, prevention, relief, when-to-get-help; did you mean \"relief\"? [unknown-category]"
            ),
        ]
    );
}

#[test]
fn warnings_pass_but_strict_fails() {
    let fixtures = fixture_dirs("warnings");
    assert_eq!(fixtures.len(), WARNINGS.len(), "{fixtures:?}");
    for (case, line, message) in WARNINGS {
        let dir = format!("tests/fixtures/warnings/{case}");
        let place = format!("{dir}/heat-therapy.md:{line}");

        let run = check(&dir, &[]);
        assert_eq!(run.code, Some(0), "{case}: {:#?}", run.stdout);
        assert_eq!(run.problems().len(), 1, "{case}: {:#?}", run.stdout);
        let wanted = format!("{place}: warning: {message}");
        assert!(
            run.problems()[0].starts_with(&wanted),
            "{case}:\n{}\nwanted\n{wanted}",
            run.problems()[0]
        );
        let code = warning_code(&run.problems()[0]);
        assert_eq!(code.severity(), Severity::Warning, "{case}");
        assert_eq!(run.summary(), "checked 2 articles: 0 errors, 1 warning");

        let strict = check(&dir, &["--strict"]);
        assert_eq!(strict.code, Some(1), "{case}: {:#?}", strict.stdout);
        // Under --strict a warning counts as an error, with the same code.
        let wanted = format!("{place}: {message}");
        assert!(
            strict.problems()[0].starts_with(&wanted)
                && strict.problems()[0].ends_with(&format!(" [{code}]")),
            "{case}:\n{}\nwanted\n{wanted}",
            strict.problems()[0]
        );
        assert_eq!(strict.summary(), "checked 2 articles: 1 error, 0 warnings");
    }
}

#[test]
fn overdue_review_follows_the_date_checked() {
    let dir = "tests/fixtures/warnings/overdue-review";
    let before_due = run_backcare(&["check", "--articles", dir, "--today", "2026-06-01"]);
    assert_eq!(
        Run::from(before_due).summary(),
        "checked 2 articles: 0 errors, 0 warnings"
    );
}

/// A copy of the bundled articles, so `new` has a real site to add a page to.
fn copy_of_bundled_articles() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(repo_path("articles")).expect("articles") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.path().join(path.file_name().expect("name"))).expect("copy");
    }
    dir
}

#[test]
fn new_page_is_refused_until_its_placeholders_are_replaced() {
    let site = copy_of_bundled_articles();
    let articles = site.path().to_str().expect("utf-8 path");
    let created = Run::from(run_backcare(&[
        "new",
        "ice-packs",
        "--articles",
        articles,
        "--category",
        "relief",
        "--title",
        "Ice packs for back pain",
    ]));
    let path = site.path().join("ice-packs.md");
    assert_eq!(created.code, Some(0), "{}", created.stderr);
    assert_eq!(created.stdout[0], format!("created {}", path.display()));
    // The advice names a command that works from where `new` ran (the repository), even though
    // this backcare is not on the PATH: the path to the program itself.
    let advice = &created.stdout[1];
    let command = advice
        .split('`')
        .nth(3)
        .and_then(|check| check.strip_suffix(" check"))
        .unwrap_or_else(|| panic!("no `... check` command in: {advice}"));
    assert!(
        advice.contains(&format!("`{command} serve --watch --drafts`")),
        "{advice}"
    );
    let runs = std::process::Command::new(command)
        .arg("--version")
        .current_dir(repo_path(""))
        .output()
        .unwrap_or_else(|error| panic!("{command} does not run: {error}"));
    assert!(runs.status.success(), "{command} --version");
    let text = std::fs::read_to_string(&path).expect("the page exists");
    assert!(
        text.contains("title = \"Ice packs for back pain\""),
        "{text}"
    );
    assert!(text.contains("category = \"relief\""), "{text}");
    assert!(text.contains("\ndraft = true\n"), "{text}");
    // `new` dates the review today; the checks below run on the fixed TODAY, which may be earlier.
    let today = backcare::authoring::today().to_string();
    assert!(text.contains(&format!("\nreviewed = {today}\n")), "{text}");
    std::fs::write(
        &path,
        text.replace(
            &format!("reviewed = {today}"),
            &format!("reviewed = {TODAY}"),
        ),
    )
    .expect("written");

    // A draft is checked like any page, and the placeholders are errors.
    let rejected = check(articles, &[]);
    assert_eq!(rejected.code, Some(1), "{:#?}", rejected.stdout);
    assert_eq!(
        rejected.problems(),
        [
            format!(
                "{}:3: summary is still the placeholder from \"backcare new\"; write one or two plain sentences that say what the page covers [placeholder]",
                path.display()
            ),
            format!(
                "{}:11: source 1 is still the placeholder from \"backcare new\"; replace it with a real source [placeholder]",
                path.display()
            ),
        ]
    );
    assert_eq!(
        rejected.summary(),
        format!(
            "checked {} articles: 2 errors, 0 warnings",
            bundled_library().len() + 1
        )
    );

    let finished = text
        .replace(
            backcare::content::front_matter::PLACEHOLDER_SUMMARY,
            "How an ice pack can ease a back that has just been hurt, and how to use one safely.",
        )
        .replace(
            backcare::content::front_matter::PLACEHOLDER_SOURCE_TITLE,
            "NHS: Back pain",
        )
        .replace(
            backcare::content::front_matter::PLACEHOLDER_SOURCE_URL,
            "https://www.nhs.uk/conditions/back-pain/",
        )
        .replace("draft = true\n", "")
        .replace(
            &format!("reviewed = {today}"),
            &format!("reviewed = {TODAY}"),
        );
    std::fs::write(&path, finished).expect("author saves");
    let accepted = check(articles, &["--strict"]);
    assert_eq!(accepted.code, Some(0), "{:#?}", accepted.stdout);
    assert_eq!(
        accepted.stdout,
        [format!(
            "checked {} articles: 0 errors, 0 warnings",
            bundled_library().len() + 1
        )]
    );
}

#[test]
fn new_never_overwrites_a_page() {
    let site = copy_of_bundled_articles();
    let articles = site.path().to_str().expect("utf-8 path");
    let path = site.path().join("heat-therapy.md");
    let before = std::fs::read_to_string(&path).expect("bundled page");
    let run = Run::from(run_backcare(&[
        "new",
        "heat-therapy",
        "--articles",
        articles,
    ]));
    assert_eq!(run.code, Some(1));
    assert!(run.stdout.is_empty(), "{:?}", run.stdout);
    assert_eq!(
        run.stderr.trim_end(),
        format!(
            "backcare new: {} already exists; choose another name, or edit that file",
            path.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&path).expect("still there"), before);
}

#[test]
fn new_refuses_a_bad_slug_or_topic_as_a_usage_error() {
    let site = tempfile::tempdir().expect("temp dir");
    let articles = site.path().to_str().expect("utf-8 path");
    for (args, says) in [
        (
            &["new", "Ice_Packs", "--articles", articles][..],
            "use lowercase letters, digits and single hyphens, e.g. heat-therapy",
        ),
        (
            &[
                "new",
                "ice-packs",
                "--articles",
                articles,
                "--category",
                "cures",
            ][..],
            "expected one of causes, prevention, relief, when-to-get-help",
        ),
    ] {
        let run = Run::from(run_backcare(args));
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
    let written = std::fs::read_dir(site.path()).expect("dir").count();
    assert_eq!(written, 0, "nothing is written");
}

#[test]
fn an_article_the_checker_links_to_is_named_when_it_is_missing() {
    let dir = copy_of_bundled_articles();
    let articles = dir.path().to_str().expect("utf-8 path");
    // No other article links to this one, so only the checker misses it.
    std::fs::remove_file(dir.path().join("back-pain-in-children.md")).expect("removed");
    let run = check(articles, &[]);
    let missing = format!("{articles}/back-pain-in-children.md");
    assert_eq!(run.code, Some(0), "{:#?}", run.stdout);
    assert_eq!(
        run.problems(),
        [format!(
            "{missing}: warning: the symptom checker links to the article \"back-pain-in-children\", but there is no published article with that name; restore {missing} (or publish it: remove draft = true), or ask a developer to change the link in src/triage/assessment.rs [missing-linked-article]"
        )]
    );
    assert!(
        run.summary().ends_with(": 0 errors, 1 warning"),
        "{:?}",
        run.stdout
    );
    let strict = check(articles, &["--strict"]);
    assert_eq!(strict.code, Some(1), "{:#?}", strict.stdout);
}

/// `run_backcare`, from another folder than the repository's.
fn run_backcare_in(folder: &Path, args: &[&str]) -> Run {
    std::process::Command::new(env!("CARGO_BIN_EXE_backcare"))
        .args(args)
        .current_dir(folder)
        .env_remove("BACKCARE_BASE_URL")
        .env_remove("DATABASE_URL")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("backcare runs")
        .into()
}

/// A site folder holding `backcare.toml` with `settings` and the every-link-kind articles under
/// `articles/`, plus full addresses to the site in its `http://` and `www.` forms.
fn site_with_settings(settings: &str) -> tempfile::TempDir {
    let site = tempfile::tempdir().expect("temp dir");
    let articles = site.path().join("articles");
    std::fs::create_dir(&articles).expect("articles folder");
    for file in ["heat-therapy.md", "ice-packs.md"] {
        let text =
            std::fs::read_to_string(repo_path("tests/fixtures/broken/every-link-kind").join(file))
                .expect("fixture");
        let text = if file == "heat-therapy.md" {
            format!(
                "{text}\nPlain http: [heat](http://backcare.example/articles/heat-therpy).\n\nWith www: [relief](https://www.backcare.example/topics/Relief).\n"
            )
        } else {
            text
        };
        std::fs::write(articles.join(file), text).expect("copied");
    }
    let static_dir = repo_path("static");
    std::fs::write(
        site.path().join("backcare.toml"),
        format!(
            "{settings}\nstatic = {:?}\n",
            static_dir.display().to_string()
        ),
    )
    .expect("settings written");
    site
}

#[test]
fn the_settings_file_is_found_from_a_folder_below_and_checks_the_sites_own_addresses() {
    let site = site_with_settings("base_url = \"https://backcare.example\"");
    let run = run_backcare_in(&site.path().join("articles"), &["check", "--today", TODAY]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let file = "../articles/heat-therapy.md";
    for want in [
        format!("{file}:21:17: link to \"https://backcare.example/articles/heat-therpy\""),
        format!(
            "{file}:37:13: link to \"http://backcare.example/articles/heat-therpy\", but there is no article with that name; did you mean \"heat-therapy\"?"
        ),
        format!(
            "{file}:39:11: link to \"https://www.backcare.example/topics/Relief\", but there is no topic \"Relief\""
        ),
    ] {
        assert!(
            run.problems().iter().any(|line| line.starts_with(&want)),
            "{want}\nnot in {:#?}",
            run.stdout
        );
    }
    assert_eq!(run.summary(), "checked 2 articles: 12 errors, 0 warnings");

    // An option wins over the file: another folder of articles is checked.
    let fixture = repo_path("tests/fixtures/warnings/short-summary");
    let run = run_backcare_in(
        site.path(),
        &[
            "check",
            "--today",
            TODAY,
            "--articles",
            fixture.to_str().expect("utf-8"),
        ],
    );
    assert!(
        run.summary().starts_with("checked 2 articles: 0 errors"),
        "{:#?}",
        run.stdout
    );
}

#[test]
fn a_misspelt_setting_is_an_error_with_its_line_and_a_suggestion() {
    let site = site_with_settings(
        "base_url = \"https://backcare.example\"\ncontact_emial = \"a@b.example\"\ncomments = \"on\"",
    );
    let run = run_backcare_in(site.path(), &["check"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "backcare.toml:2: unknown setting \"contact_emial\", expected one of base_url, app_url, contact_email, articles, static, comments, database_url; did you mean \"contact_email\"?\n\
         backcare.toml:3: comments must be \"moderated\" or \"off\", not \"on\"\n\
         backcare: fix the settings file above and run again\n"
    );
    let missing = run_backcare_in(site.path(), &["check", "--config", "nowhere.toml"]);
    assert_eq!(missing.code, Some(1));
    assert!(
        missing
            .stderr
            .starts_with("nowhere.toml: cannot read the settings file:"),
        "{}",
        missing.stderr
    );
}

#[test]
fn new_starts_a_settings_file_when_the_site_has_none() {
    let site = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(site.path().join("articles")).expect("articles folder");
    let run = run_backcare_in(site.path(), &["new", "ice-packs"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.iter().any(|line| line
            == "created backcare.toml (the site's settings: set base_url there once the site has an address)"),
        "{:#?}",
        run.stdout
    );
    let settings = std::fs::read_to_string(site.path().join("backcare.toml")).expect("written");
    assert!(settings.contains("articles = \"articles\""), "{settings}");
    assert!(
        settings.contains("# base_url = \"https://backcare.example\""),
        "{settings}"
    );

    // A second page leaves the settings alone.
    std::fs::write(
        site.path().join("backcare.toml"),
        "articles = \"articles\"\n",
    )
    .expect("edited");
    let run = run_backcare_in(site.path(), &["new", "heat-packs"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .iter()
            .all(|line| !line.contains("backcare.toml"))
    );
    assert_eq!(
        std::fs::read_to_string(site.path().join("backcare.toml")).expect("kept"),
        "articles = \"articles\"\n"
    );
}

#[test]
fn build_takes_its_address_from_the_settings_file_or_asks_for_one() {
    let site = site_with_settings("");
    let out = site.path().join("public");
    let run = run_backcare_in(site.path(), &["build", "--out", "public"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "backcare build: give the address the site will be published at, with --base-url https://backcare.example or base_url in backcare.toml\n"
    );
    assert!(!out.exists(), "nothing written");
}

/// The long-sentence fixture's two articles (the long sentence cut) and a third, "Warmth in
/// winter", that nothing links to, with `front_matter` added after its `reviewed` line.
fn site_with_a_warmth_article(front_matter: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixture = Path::new("tests/fixtures/warnings/long-sentence");
    let help = std::fs::read_to_string(fixture.join("when-to-get-help.md")).expect("fixture");
    let heat = std::fs::read_to_string(fixture.join("heat-therapy.md"))
        .expect("fixture")
        .replace(
            " If the pad feels too hot on your back at any time, take it off at once and wait for your skin to cool down before you try it again.",
            "",
        );
    let warmth = heat
        .replace("Heat for back pain", "Warmth in winter")
        .replace(
            "How heat eases tight back muscles, and how to use it safely at home.",
            "Keeping your back warm on cold days, and what to wear when you go out.",
        )
        .replace(
            "reviewed = 2026-11-25\n",
            &format!("reviewed = 2026-11-25\n{front_matter}"),
        );
    for (name, text) in [
        ("when-to-get-help.md", &help),
        ("heat-therapy.md", &heat),
        ("warmth.md", &warmth),
    ] {
        std::fs::write(dir.path().join(name), text).expect("written");
    }
    dir
}

/// `draft = true` beside a `publish` date: the page would stay a draft on its day, silently.
#[test]
fn check_warns_that_draft_wins_over_a_publish_date() {
    let dir = site_with_a_warmth_article("draft = true\npublish = 2026-11-20\n");
    let articles = dir.path().to_str().expect("utf-8");

    let run = check(articles, &[]);
    assert_eq!(
        run.code,
        Some(0),
        "a warning, not an error: {:#?}",
        run.stdout
    );
    assert_eq!(
        run.stdout,
        [
            format!(
                "{articles}/warmth.md:6: warning: draft = true and publish = 2026-11-20 together: draft wins, so the page stays a draft after 2026-11-20; delete draft = true to have it go live on 2026-11-20, or delete publish to keep it a draft [draft-and-publish]"
            ),
            "checked 3 articles: 0 errors, 1 warning".to_owned(),
        ]
    );
    assert_eq!(check(articles, &["--strict"]).code, Some(1));
}

#[test]
fn check_says_when_a_scheduled_article_goes_live_and_strict_still_passes() {
    let dir = site_with_a_warmth_article("publish = 2027-01-15\n");
    let articles = dir.path().to_str().expect("utf-8");

    let run = check(articles, &["--strict"]);
    assert_eq!(
        run.code,
        Some(0),
        "a scheduled page is not a problem: {:#?}",
        run.stdout
    );
    assert_eq!(
        run.stdout,
        [
            format!(
                "{articles}/warmth.md:6: note: goes live on 2027-01-15 (publish = 2027-01-15); until then it is a draft: not served, listed, searched or built [scheduled]"
            ),
            "checked 3 articles: 0 errors, 0 warnings".to_owned(),
        ]
    );

    // On the day it is simply published: no note.
    let run = run_backcare(&[
        "check",
        "--articles",
        articles,
        "--static",
        "static",
        "--today",
        "2027-01-15",
        "--strict",
    ]);
    let run: Run = run.into();
    assert_eq!(run.code, Some(0), "{:#?}", run.stdout);
    assert_eq!(run.stdout, ["checked 3 articles: 0 errors, 0 warnings"]);

    // Before the day, a published page may not link to it: readers would find nothing there.
    let heat = std::fs::read_to_string(dir.path().join("heat-therapy.md")).expect("written");
    let linking = heat.replace(
        "if it gets worse.",
        "if it gets worse. Read about [warmth](warmth.md).",
    );
    std::fs::write(dir.path().join("heat-therapy.md"), linking).expect("written");
    let run = check(articles, &[]);
    assert_eq!(run.code, Some(1), "{:#?}", run.stdout);
    assert!(
        run.stdout.iter().any(|line| line.starts_with(&format!("{articles}/heat-therapy.md:12:"))
            && line.ends_with(": link to \"warmth.md\", which goes live on 2027-01-15; remove the link until then, or publish that page now (delete its publish = 2027-01-15) [link-to-draft]")),
        "{:#?}",
        run.stdout
    );
}
