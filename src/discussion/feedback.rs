//! "Is this page helpful?": a reader's answer and optional comment, checked here, counted and
//! kept by `store`, and the report authors read (`backcare feedback report`, `/moderate/feedback`).
//! Nothing about who answered is kept: no address, cookie or name, only the article, the day,
//! the answer and the comment's text.

use std::fmt::Write;

use time::OffsetDateTime;

use super::hygiene::{remove_format_characters, visible_count};

/// How long a comment may be, in characters.
pub const COMMENT_MAX: usize = 500;

/// How many of an article's newest comments a report shows.
pub const REPORT_COMMENTS: usize = 3;

/// The reader's answer to "Is this page helpful?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
}

impl Answer {
    /// The answer as the buttons send it: `yes` or `no`.
    pub fn parse(text: &str) -> Option<Answer> {
        match text {
            "yes" => Some(Answer::Yes),
            "no" => Some(Answer::No),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
        }
    }
}

/// "What was missing or wrong?", checked: some visible text, at most `COMMENT_MAX` characters,
/// format characters removed as in posts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment(String);

impl Comment {
    /// The comment as typed (`readable` is false when it was not valid UTF-8), or what to fix.
    pub fn parse(text: &str, readable: bool) -> Result<Comment, String> {
        if !readable {
            return Err(
                "Your comment has characters we could not read: check it and send it again"
                    .to_owned(),
            );
        }
        let text = remove_format_characters(text.trim());
        let length = text.chars().count();
        if visible_count(&text) == 0 {
            Err("Enter what was missing or wrong".to_owned())
        } else if length > COMMENT_MAX {
            Err(format!(
                "Your comment must be {COMMENT_MAX} characters or fewer: it has {length}"
            ))
        } else {
            Ok(Comment(text))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A comment as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportComment {
    pub answer: Answer,
    pub text: String,
    pub created_at: OffsetDateTime,
}

/// One article's answers and newest comments over the report's period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleFeedback {
    pub article_slug: String,
    pub yes: i64,
    pub no: i64,
    /// Newest first, at most `REPORT_COMMENTS`.
    pub recent_comments: Vec<ReportComment>,
}

impl ArticleFeedback {
    /// The share of "Yes" answers, as a whole percentage; `None` before anyone answered.
    pub fn percent_helpful(&self) -> Option<i64> {
        let total = self.yes + self.no;
        (total > 0).then(|| (self.yes * 100 + total / 2) / total)
    }
}

/// Least helpful first (articles nobody answered last), then the most "No" answers first.
pub fn least_helpful_first(report: &mut [ArticleFeedback]) {
    report.sort_by(|a, b| {
        let share = |row: &ArticleFeedback| row.percent_helpful().unwrap_or(i64::MAX);
        share(a)
            .cmp(&share(b))
            .then(b.no.cmp(&a.no))
            .then(a.article_slug.cmp(&b.article_slug))
    });
}

/// The report as a table for a terminal: one line per article, its comments indented below.
pub fn report_text(report: &[ArticleFeedback]) -> String {
    let mut out = format!(
        "{:<40} {:>6} {:>6} {:>9}\n",
        "article", "yes", "no", "helpful"
    );
    for row in report {
        let helpful = row
            .percent_helpful()
            .map_or_else(|| "-".to_owned(), |percent| format!("{percent}%"));
        let _ = writeln!(
            out,
            "{:<40} {:>6} {:>6} {:>9}",
            row.article_slug, row.yes, row.no, helpful
        );
        for comment in &row.recent_comments {
            let date = comment.created_at.date();
            let text = comment
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let _ = writeln!(out, "    {date} ({}): {text}", comment.answer.as_str());
        }
    }
    if report.is_empty() {
        out.push_str("no answers yet\n");
    }
    out
}

/// The report as CSV (RFC 4180): one row per article, its newest comments joined by " | ".
pub fn report_csv(report: &[ArticleFeedback]) -> String {
    let mut out = String::from("article,yes,no,percent_helpful,recent_comments\r\n");
    for row in report {
        let comments = row
            .recent_comments
            .iter()
            .map(|comment| comment.text.as_str())
            .collect::<Vec<_>>()
            .join(" | ");
        let _ = write!(
            out,
            "{},{},{},{},{}\r\n",
            csv_field(&row.article_slug),
            row.yes,
            row.no,
            row.percent_helpful()
                .map_or_else(String::new, |percent| percent.to_string()),
            csv_field(&comments)
        );
    }
    out
}

/// A field quoted when it must be, with quotes doubled. A leading `=`, `+`, `-` or `@` gets a
/// quote mark first, so a spreadsheet never runs a reader's comment as a formula.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(slug: &str, yes: i64, no: i64) -> ArticleFeedback {
        ArticleFeedback {
            article_slug: slug.to_owned(),
            yes,
            no,
            recent_comments: Vec::new(),
        }
    }

    #[test]
    fn answers_and_comments_are_checked() {
        assert_eq!(Answer::parse("yes"), Some(Answer::Yes));
        assert_eq!(Answer::parse("no"), Some(Answer::No));
        assert_eq!(Answer::parse("YES"), None);
        assert_eq!(
            Comment::parse("  It did not say how long \u{200b}it lasts. ", true)
                .unwrap()
                .as_str(),
            "It did not say how long it lasts."
        );
        assert_eq!(
            Comment::parse(" \u{200b} ", true).unwrap_err(),
            "Enter what was missing or wrong"
        );
        assert!(
            Comment::parse(&"é".repeat(500), true).is_ok(),
            "characters, not bytes"
        );
        assert_eq!(
            Comment::parse(&"a".repeat(501), true).unwrap_err(),
            "Your comment must be 500 characters or fewer: it has 501"
        );
        assert!(Comment::parse("fine", false).is_err());
    }

    #[test]
    fn the_least_helpful_come_first_and_unanswered_last() {
        let mut report = vec![
            row("a", 9, 1),
            row("b", 0, 0),
            row("c", 1, 3),
            row("d", 2, 6),
        ];
        least_helpful_first(&mut report);
        let order: Vec<_> = report.iter().map(|r| r.article_slug.as_str()).collect();
        assert_eq!(order, ["d", "c", "a", "b"]);
        assert_eq!(report[0].percent_helpful(), Some(25));
        assert_eq!(report[3].percent_helpful(), None);
    }

    #[test]
    fn csv_quotes_what_it_must_and_never_starts_a_formula() {
        let mut with_comments = row("sciatica", 1, 2);
        with_comments.recent_comments = vec![
            ReportComment {
                answer: Answer::No,
                text: "=HYPERLINK(\"x\")".to_owned(),
                created_at: OffsetDateTime::UNIX_EPOCH,
            },
            ReportComment {
                answer: Answer::No,
                text: "Too long, too hard".to_owned(),
                created_at: OffsetDateTime::UNIX_EPOCH,
            },
        ];
        let csv = report_csv(&[with_comments, row("=evil", 0, 0)]);
        let lines: Vec<_> = csv.split("\r\n").collect();
        assert_eq!(lines[0], "article,yes,no,percent_helpful,recent_comments");
        assert_eq!(
            lines[1],
            "sciatica,1,2,33,\"'=HYPERLINK(\"\"x\"\") | Too long, too hard\""
        );
        assert_eq!(lines[2], "'=evil,0,0,,");
        let text = report_text(&[row("sciatica", 1, 2)]);
        assert!(text.contains("sciatica") && text.contains("33%"), "{text}");
    }
}
