//! `backcare check`: loads the articles exactly as `serve` does, then adds the warnings from `lint`.
//! Drafts are checked as if published, so a draft's problems show up before it goes live.

use std::fmt;
use std::path::Path;

use time::Date;

use crate::content::{
    self, Library, LoadErrors, LoadOptions, Problem, ProblemCode, Severity, lint,
};

/// Everything `check` found: errors stop the site, warnings make it worse for readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    pub article_count: usize,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
    /// Articles with a `publish` date still to come: not a problem, but the author should know
    /// the page is hidden until then. `--strict` leaves them alone.
    pub scheduled: Vec<Problem>,
}

/// Checks the articles in `articles` as `serve` loads them with `options` (the caller's
/// `site_load_options`: the static folder, the published address, the site's fixed pages), with
/// reviews due by `today`. The options come from the caller so authoring knows nothing of the web.
pub fn check(articles: &Path, options: &LoadOptions, today: Date) -> CheckReport {
    let load = |include_drafts| {
        Library::load(
            articles,
            LoadOptions {
                include_drafts,
                today: Some(today),
                ..options.clone()
            },
        )
    };
    // `serve` refuses what the first load refuses; `serve --drafts` what the second does
    // (such as a broken link inside a draft). An author wants both lists before publishing.
    let published = load(false);
    let with_drafts = load(true);

    let mut errors: Vec<Problem> = Vec::new();
    for LoadErrors(problems) in [published.as_ref().err(), with_drafts.as_ref().err()]
        .into_iter()
        .flatten()
    {
        for problem in problems {
            if !errors.contains(problem) {
                errors.push(problem.clone());
            }
        }
    }
    if let Some(static_dir) = &options.static_dir
        && let Err(error) = std::fs::read_dir(static_dir)
    {
        errors.push(Problem { code: ProblemCode::UnreadableFolder,
            path: static_dir.clone(),
            line: None,
            column: None,
            message: format!(
                "cannot read the static directory: {error}; pass the folder that holds site.css and the images with --static DIR"
            ),
        });
    }
    sort_by_place(&mut errors);

    let linted = with_drafts.as_ref().or(published.as_ref()).ok();
    let mut warnings: Vec<Problem> = linted
        .map(|library| {
            library
                .articles()
                .iter()
                .flat_map(|article| {
                    lint::lint(article, today)
                        .into_iter()
                        .chain(article.render_warnings.iter().cloned())
                        .map(|warning| warning.in_file(&article.path))
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(library) = linted {
        warnings.extend(content::duplicates::similar_summaries(library.articles()));
    }
    warnings.extend(content::skipped_entries(articles));
    // Against what `serve` publishes: a draft is not there for the checker to link to.
    if let Ok(library) = &published {
        warnings.extend(checker_article_problems(articles, library));
    }
    sort_by_place(&mut warnings);

    CheckReport {
        article_count: content::article_files(articles).map_or(0, |files| files.len()),
        errors,
        warnings,
        scheduled: linted
            .map(|library| scheduled(library, today))
            .unwrap_or_default(),
    }
}

/// A note for each article whose `publish` date is after `today`.
fn scheduled(library: &Library, today: Date) -> Vec<Problem> {
    library
        .articles()
        .iter()
        .filter_map(|article| {
            let day = article.front.publish.filter(|&day| day > today)?;
            let line = article.front.lines.get("publish").unwrap_or(1);
            Some(content::LineProblem::new(ProblemCode::Scheduled,
                line,
                format!(
                    "goes live on {day} (publish = {day}); until then it is a draft: not served, listed, searched or built"
                ),
            )
            .in_file(&article.path))
        })
        .collect()
}

/// The articles as `check` reads them, drafts included, less any with errors: the ones whose
/// web addresses `check --external` asks about.
pub fn loadable_articles(articles: &Path, options: &LoadOptions) -> Library {
    let options = LoadOptions {
        include_drafts: true,
        ..options.clone()
    };
    Library::load_isolating(articles, options, &Library::default())
        .map(|load| load.library)
        .unwrap_or_default()
}

/// A warning for each article the symptom checker's results link to that `library` (the
/// published articles in `dir`) lacks: `serve` logs them at start-up, `check` lists them.
pub fn checker_article_problems(dir: &Path, library: &Library) -> Vec<Problem> {
    let slugs = crate::triage::linked_articles();
    content::missing_linked_articles(
        dir,
        library,
        content::LinkedArticles {
            linked_from: "the symptom checker",
            defined_in: "src/triage/assessment.rs",
            slugs: &slugs,
        },
    )
}

fn sort_by_place(problems: &mut [Problem]) {
    problems.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
}

impl CheckReport {
    /// `--strict`: every warning becomes an error, so a page that only has warnings fails too.
    pub fn into_strict(mut self) -> CheckReport {
        self.errors.append(&mut self.warnings);
        sort_by_place(&mut self.errors);
        self
    }

    /// Adds warnings found later (by `--external`), keeping file order.
    pub fn add_warnings(&mut self, warnings: impl IntoIterator<Item = Problem>) {
        self.warnings.extend(warnings);
        sort_by_place(&mut self.warnings);
    }

    pub fn passed(&self) -> bool {
        self.errors.is_empty()
    }

    /// `checked 18 articles: 0 errors, 1 warning`
    pub fn summary(&self) -> String {
        format!(
            "checked {}: {}, {}",
            counted(self.article_count, "article"),
            counted(self.errors.len(), "error"),
            counted(self.warnings.len(), "warning")
        )
    }
}

fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Every problem in one list, file by file and top to bottom (a problem about the whole file
/// first, then by line and column), as `path:line: message [code]` for an error and
/// `path:line: warning: message [code]` or `note: ...` for the others; then the summary.
///
/// In place order rather than errors first: an author fixes one file at a time from the top,
/// and editors that read compiler output (quickfix lists, problem matchers) step through it
/// in the order given; the label and the summary's counts still say which must be fixed. Where
/// two problems share a place, the one that stops the site comes first (an error before a
/// warning before a note; under `--strict`, a real error before a former warning). The place
/// stays first, so editors jump to it; the code goes last, where it does not get in the way of
/// reading the message.
impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Each problem with the list it is in: under `--strict` a warning is in `errors`.
        let mut listed: Vec<(Severity, &Problem)> = [
            (Severity::Error, &self.errors),
            (Severity::Warning, &self.warnings),
            (Severity::Note, &self.scheduled),
        ]
        .into_iter()
        .flat_map(|(listed_as, problems)| problems.iter().map(move |problem| (listed_as, problem)))
        .collect();
        // Stable, so problems of one kind at one place keep the order they were found in.
        listed.sort_by_key(|&(listed_as, problem)| {
            let place = (&problem.path, problem.line, problem.column);
            (place, listed_as, problem.code.severity())
        });
        for (listed_as, problem) in listed {
            let label = match listed_as {
                Severity::Error => "",
                Severity::Warning => "warning: ",
                Severity::Note => "note: ",
            };
            let marked = Problem {
                message: format!("{label}{}", problem.message),
                ..problem.clone()
            };
            writeln!(f, "{marked} [{}]", problem.code)?;
        }
        write!(f, "{}", self.summary())
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn problem(path: &str, line: usize, message: &str) -> Problem {
        Problem {
            code: ProblemCode::BrokenLink,
            path: PathBuf::from(path),
            line: Some(line),
            column: None,
            message: message.to_owned(),
        }
    }

    #[test]
    fn summary_counts_are_plural_correct() {
        let mut report = CheckReport {
            article_count: 1,
            errors: vec![problem("articles/a.md", 3, "bad")],
            warnings: vec![],
            scheduled: vec![],
        };
        assert_eq!(report.summary(), "checked 1 article: 1 error, 0 warnings");
        report.article_count = 18;
        report.errors.clear();
        report.warnings.push(problem("articles/a.md", 2, "meh"));
        assert_eq!(report.summary(), "checked 18 articles: 0 errors, 1 warning");
    }

    #[test]
    fn report_lists_every_problem_in_place_order_then_the_summary() {
        let report = CheckReport {
            article_count: 2,
            errors: vec![problem("articles/b.md", 9, "broken")],
            warnings: vec![
                problem("articles/a.md", 2, "stale"),
                problem("articles/c.md", 1, "long"),
            ],
            scheduled: vec![problem("articles/b.md", 6, "goes live")],
        };
        assert_eq!(
            report.to_string(),
            "articles/a.md:2: warning: stale [broken-link]\n\
             articles/b.md:6: note: goes live [broken-link]\n\
             articles/b.md:9: broken [broken-link]\n\
             articles/c.md:1: warning: long [broken-link]\n\
             checked 2 articles: 1 error, 2 warnings",
            "notes are listed but not counted"
        );
        assert!(!report.passed());
    }

    #[test]
    fn at_one_place_an_error_comes_before_a_warning_and_a_whole_file_problem_first() {
        let at = |line, column, code| Problem {
            code,
            line,
            column,
            ..problem("articles/a.md", 0, "x")
        };
        let report = CheckReport {
            article_count: 1,
            errors: vec![
                at(Some(4), Some(7), ProblemCode::BrokenLink),
                at(Some(4), None, ProblemCode::NoSources),
            ],
            warnings: vec![
                at(Some(4), Some(7), ProblemCode::LongSentence),
                at(Some(4), Some(2), ProblemCode::HardSentence),
                at(None, None, ProblemCode::Skipped),
            ],
            scheduled: vec![],
        };
        let places_and_codes = |report: &CheckReport| -> Vec<String> {
            let text = report.to_string();
            let mut lines: Vec<&str> = text.lines().collect();
            lines.pop(); // the summary
            lines
                .into_iter()
                .filter_map(|line| {
                    let (place, rest) = line.split_once(": ")?;
                    Some(format!("{place} {}", rest.rsplit_once(' ')?.1))
                })
                .collect()
        };
        assert_eq!(
            places_and_codes(&report),
            [
                "articles/a.md [skipped]",
                "articles/a.md:4 [no-sources]",
                "articles/a.md:4:2 [hard-sentence]",
                "articles/a.md:4:7 [broken-link]",
                "articles/a.md:4:7 [long-sentence]",
            ]
        );
        // Under --strict every warning is an error; a real error still leads at its place.
        let strict = CheckReport {
            errors: vec![report.warnings[0].clone(), report.errors[0].clone()],
            warnings: vec![],
            ..report.clone()
        };
        assert_eq!(
            places_and_codes(&strict),
            [
                "articles/a.md:4:7 [broken-link]",
                "articles/a.md:4:7 [long-sentence]"
            ]
        );
    }

    #[test]
    fn strict_turns_warnings_into_errors_in_file_order() {
        let report = CheckReport {
            article_count: 2,
            errors: vec![problem("articles/b.md", 9, "broken")],
            warnings: vec![problem("articles/a.md", 2, "stale")],
            scheduled: vec![],
        }
        .into_strict();
        assert_eq!(
            report.to_string(),
            "articles/a.md:2: stale [broken-link]\narticles/b.md:9: broken [broken-link]\nchecked 2 articles: 2 errors, 0 warnings"
        );
        let only_warnings = CheckReport {
            article_count: 1,
            errors: vec![],
            warnings: vec![problem("articles/a.md", 2, "stale")],
            scheduled: vec![],
        };
        assert!(only_warnings.passed());
        assert!(!only_warnings.into_strict().passed());
    }

    /// The bundled site must pass `check --strict`; this keeps that true between CI runs and
    /// names the article and the rule when it does not. It lives here, above content and triage,
    /// because the articles' warning boxes name the real rules. Reviews are judged as of each page's own
    /// review day, so the test does not start failing as the calendar moves on.
    #[test]
    fn every_bundled_article_passes_every_lint() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let library = crate::content::Library::load(
            &root.join("articles"),
            crate::content::LoadOptions {
                include_drafts: true,
                static_dir: Some(root.join("static")),
                // Real articles name real rules in their boxes and service calls.
                lists: crate::triage::article_sign_lists(),
                ..crate::content::LoadOptions::default()
            },
        )
        .expect("the bundled articles load");
        assert!(library.len() >= 30, "{} articles", library.len());
        let mut problems = Vec::new();
        for article in library.articles() {
            assert!(
                article.front.sources.len() >= 2,
                "{} cites fewer than 2 sources",
                article.slug
            );
            for warning in crate::content::lint::lint(article, article.front.reviewed) {
                problems.push(format!(
                    "{}:{}: {}",
                    article.slug, warning.line, warning.message
                ));
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
