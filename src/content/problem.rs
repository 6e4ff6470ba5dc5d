//! Author-facing problems found while loading articles.
//! Every problem knows its file and, where it can, its line, so an author can jump straight to it.

use std::fmt;
use std::path::PathBuf;

/// A problem at a line inside one file, before the loader knows which file it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    pub line: usize,
    /// The character on the line, counting from 1, where the parser knows it.
    pub column: Option<usize>,
    pub message: String,
}

impl LineProblem {
    pub fn new(line: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            column: None,
            message: message.into(),
        }
    }

    /// A problem at an exact place: `file:line:column: message`.
    pub fn at(line: usize, column: usize, message: impl Into<String>) -> Self {
        Self {
            column: Some(column),
            ..Self::new(line, message)
        }
    }

    pub fn in_file(self, path: &std::path::Path) -> Problem {
        Problem {
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
