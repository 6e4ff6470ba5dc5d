//! What is wrong with the author's latest save and what `serve --watch` serves instead: a report
//! about the articles, kept beside them. The web layer shows it in a banner; the terminal prints it.

use std::path::PathBuf;

use super::problem::Problem;

/// One article file with problems, as watch mode reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenArticle {
    pub path: PathBuf,
    /// Its problems, top to bottom.
    pub problems: Vec<Problem>,
    pub outcome: Isolation,
}

/// What watch mode serves for an article with problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// It loaded before: readers of the preview still see that version.
    KeptLastGood,
    /// It never loaded (new, or broken since the server started): it is not on the site.
    LeftOut,
}

/// What is wrong with the author's latest save, grouped by what the preview serves instead.
/// Shown in a banner on every page and printed in the terminal running `serve --watch`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorProblems {
    pub groups: Vec<ProblemGroup>,
    /// Something outside one article failed, so not every other page shows the latest save.
    stale_beyond_articles: bool,
    left_out: usize,
    kept: usize,
}

/// Problems that share one consequence, such as one article left out of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemGroup {
    /// What the preview serves instead, e.g. "articles/heat.md is left out of the site ...".
    pub what_happened: String,
    /// Each as `file:line: message`, so an editor can jump to it.
    pub problems: Vec<String>,
}

/// What the preview serves when the articles folder cannot be read at all.
pub const ALL_ARTICLES_KEPT: &str =
    "The articles are the last versions that loaded without problems. Fix this, then save:";
/// ... when the static folder cannot be read.
pub const STATIC_FILES_KEPT: &str =
    "Styles and images are the last version that loaded without problems. Fix this, then save:";
/// ... when the pages cannot be rendered.
pub const WHOLE_SITE_KEPT: &str =
    "The whole site is the last version that loaded without problems. Fix this, then save:";

impl AuthorProblems {
    /// One group for each article with problems, saying whether it is left out or kept.
    pub fn for_articles(broken: &[BrokenArticle]) -> Self {
        let mut report = AuthorProblems::default();
        for article in broken {
            let path = article.path.display();
            let what_happened = match article.outcome {
                Isolation::KeptLastGood => {
                    report.kept += 1;
                    format!(
                        "{path} still shows its last version without problems. Fix these, then save:"
                    )
                }
                Isolation::LeftOut => {
                    report.left_out += 1;
                    format!(
                        "{path} is left out of the site (its page is not found) until you fix these, then save:"
                    )
                }
            };
            report.groups.push(ProblemGroup {
                what_happened,
                problems: article.problems.iter().map(ToString::to_string).collect(),
            });
        }
        report
    }

    /// Problems outside any one article: `what_happened` says which part of the site is held back.
    pub fn push_beyond_articles(&mut self, what_happened: &str, problems: Vec<String>) {
        self.stale_beyond_articles = true;
        self.groups.push(ProblemGroup {
            what_happened: what_happened.to_owned(),
            problems,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Only single articles are held back: every other page shows the latest save.
    pub fn others_up_to_date(&self) -> bool {
        !self.stale_beyond_articles
    }

    /// The terminal's last line: `2 problems: 1 article left out, 1 article kept at its last good version`.
    pub fn summary(&self) -> String {
        let count: usize = self.groups.iter().map(|group| group.problems.len()).sum();
        let mut parts = Vec::new();
        if self.left_out > 0 {
            parts.push(format!("{} left out", articles(self.left_out)));
        }
        if self.kept > 0 {
            parts.push(format!(
                "{} kept at the last good version",
                articles(self.kept)
            ));
        }
        if self.stale_beyond_articles {
            parts.push("see above for what is held back".to_owned());
        } else {
            parts.push("every other page shows the latest save".to_owned());
        }
        format!(
            "backcare: {count} problem{} found; {}",
            if count == 1 { "" } else { "s" },
            parts.join(", ")
        )
    }
}

/// "1 article", "3 articles".
pub fn articles(count: usize) -> String {
    if count == 1 {
        "1 article".to_owned()
    } else {
        format!("{count} articles")
    }
}
