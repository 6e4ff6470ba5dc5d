//! Author-facing problems found while loading articles.
//! Every problem knows its file and, where it can, its line, so an author can jump straight to it.

use std::fmt;
use std::path::PathBuf;

/// A problem at a line inside one file, before the loader knows which file it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    pub line: usize,
    pub message: String,
}

impl LineProblem {
    pub fn new(line: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }

    pub fn in_file(self, path: &std::path::Path) -> Problem {
        Problem {
            path: path.to_path_buf(),
            line: Some(self.line),
            message: self.message,
        }
    }
}

/// One thing an author must fix, printed as `articles/heat-therapy.md:3: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
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
