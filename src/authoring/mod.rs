//! The author's commands besides `serve`: `check` reports every problem and warning, `new` starts a page.
//! File system in, reports out; printing and exit codes stay in `main`.

pub mod check;
#[cfg(test)]
mod guide_coverage;
pub mod new_article;

pub use check::{CheckReport, check};
pub use new_article::{NewArticle, NewArticleError};

/// Today's date for review dates. UTC, so that the answer does not depend on the machine's
/// time zone settings; near midnight it can be a day off, which a yearly review can bear.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}
