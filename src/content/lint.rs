//! Warnings: what does not break a page but makes it worse for readers (stale, vague, isolated, hard to read).
//! Pure rules over one loaded `Article`; `backcare check` prints them and `--strict` turns them into errors.
//!
//! Reading level: the NHS aims for a reading age of 9 to 11. We score prose with the Flesch–Kincaid
//! grade (0.39 × words per sentence + 11.8 × syllables per word − 15.59, see `readability`), a US
//! school grade; reading age is about grade + 5, so the target is grade 6 or below.

use time::Date;

use super::article::Article;
use super::problem::{LineProblem, ProblemCode};
use super::readability::Readability;
use place::{first_text_line, quote_start};

pub mod editorial;
mod place;
pub mod sentence_grade;
pub mod source_domains;

/// The highest Flesch–Kincaid grade that meets the NHS reading age of 9 to 11.
pub const READING_GRADE_TARGET: f64 = 6.0;

/// Below this a summary rarely says enough to choose the page from a list or a search result.
pub const SUMMARY_MIN_CHARS: usize = 50;

/// How many of the hardest sentences a reading-level warning quotes.
pub const HARDEST_SENTENCES_SHOWN: usize = 3;

/// The longest sentence we let pass: past about 25 words readers lose the start before the end
/// (GOV.UK and the NHS style guide advise 25 at most), however plain the words.
pub const SENTENCE_MAX_WORDS: usize = 25;

/// Every warning for `article`, top to bottom. `today` decides whether the review is overdue.
pub fn lint(article: &Article, today: Date) -> Vec<LineProblem> {
    let mut warnings: Vec<LineProblem> = [
        review_overdue(article, today),
        summary_too_short(article),
        no_internal_link(article),
        reading_level_too_high(article),
        draft_and_publish(article),
    ]
    .into_iter()
    .flatten()
    .chain(insecure_sources(article))
    .chain(long_sentences(article))
    .chain(sentence_grade::hard_sentences(article))
    .collect();
    warnings.extend(editorial::lint(article));
    warnings.extend(source_domains::lint(article));
    warnings.sort_by_key(|warning| warning.line);
    warnings
}

/// Sources over plain `http://` can be changed on the way and warn readers in browsers; nearly
/// every health publisher serves https, so the `s` is usually just missing.
fn insecure_sources(article: &Article) -> Vec<LineProblem> {
    article
        .front
        .sources
        .iter()
        .enumerate()
        .filter(|(_, source)| !source.url.starts_with("https://"))
        .map(|(index, source)| {
            let secure = source.url.replacen("http://", "https://", 1);
            LineProblem::new(ProblemCode::NotHttps,
                article.front.lines.source(index),
                format!(
                    "source {} url \"{}\" is not https; check that {secure} works and use it, so readers are not warned about an insecure page",
                    index + 1,
                    source.url
                ),
            )
        })
        .collect()
}

fn review_overdue(article: &Article, today: Date) -> Option<LineProblem> {
    let due = article.front.next_review;
    (due < today).then(|| {
        let lines = &article.front.lines;
        // Without next_review the due date comes from reviewed, so point there.
        let line = lines.get("next_review").unwrap_or_else(|| lines.of("reviewed"));
        LineProblem::new(ProblemCode::ReviewOverdue,
            line,
            format!(
                "review overdue since {due}; check the page against its sources, then set reviewed = {today} (and next_review, if you use it, to a later date)"
            ),
        )
    })
}

/// `draft = true` holds a page back whatever its `publish` date says, so an author who added the
/// date and forgot the draft line would wait for a day that never comes.
fn draft_and_publish(article: &Article) -> Option<LineProblem> {
    let front = &article.front;
    let day = front.publish.filter(|_| front.written_draft)?;
    Some(LineProblem::new(
        ProblemCode::DraftAndPublish,
        front.lines.of("draft"),
        format!(
            "draft = true and publish = {day} together: draft wins, so the page stays a draft after {day}; delete draft = true to have it go live on {day}, or delete publish to keep it a draft"
        ),
    ))
}

fn summary_too_short(article: &Article) -> Option<LineProblem> {
    let length = article.front.summary.chars().count();
    (length < SUMMARY_MIN_CHARS).then(|| {
        LineProblem::new(ProblemCode::ShortSummary,
            article.front.lines.of("summary"),
            format!(
                "summary is only {length} characters; write at least {SUMMARY_MIN_CHARS} so listings and search results say what the page covers"
            ),
        )
    })
}

fn no_internal_link(article: &Article) -> Option<LineProblem> {
    // A link to a section of the same page helps inside it but does not lead anywhere new.
    let links_elsewhere = article
        .internal_links
        .iter()
        .any(|link| link.slug != article.slug);
    (!links_elsewhere).then(|| {
        LineProblem::new(ProblemCode::NoInternalLinks,
            first_text_line(article),
            "no links to other articles; link to at least one related page, e.g. [when to get help](when-to-get-help.md)",
        )
    })
}

fn reading_level_too_high(article: &Article) -> Option<LineProblem> {
    let readability = Readability::measure(&article.prose);
    let grade = readability.grade()?;
    // Compare what the author will see, so "grade 6.0" is never reported as too high.
    let shown = (grade * 10.0).round() / 10.0;
    (shown > READING_GRADE_TARGET).then(|| {
        let hardest: Vec<String> = readability
            .hardest(HARDEST_SENTENCES_SHOWN)
            .iter()
            .map(|sentence| format!("line {}: \"{}\"", sentence.line, sentence.text))
            .collect();
        LineProblem::new(ProblemCode::ReadingLevel,
            first_text_line(article),
            format!(
                "reading level is grade {shown:.1} (Flesch–Kincaid); aim for {READING_GRADE_TARGET} or below with shorter sentences and plainer words. Hardest sentences: {}",
                hardest.join("; ")
            ),
        )
    })
}

/// Each sentence over `SENTENCE_MAX_WORDS`, at its line and column: the page's grade can pass
/// while one 27-word sentence full of jargon loses the reader.
///
/// A sentence's grade has its own rule (`sentence_grade`), which sets aside the names a page
/// cannot avoid; length is judged here whatever the words.
fn long_sentences(article: &Article) -> Vec<LineProblem> {
    Readability::measure(&article.prose)
        .sentences
        .iter()
        .filter(|sentence| sentence.words > SENTENCE_MAX_WORDS)
        .map(|sentence| {
            LineProblem::at(ProblemCode::LongSentence,
                sentence.line,
                sentence.column,
                format!(
                    "sentence is {} words long; split it so each sentence is {SENTENCE_MAX_WORDS} words or fewer: \"{}\"",
                    sentence.words,
                    quote_start(&sentence.text)
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use time::macros::date;

    use super::*;
    use crate::content::{front_matter, markdown};

    /// An article that passes every rule; each test spoils one thing.
    pub(super) const CLEAN_FRONT: &str = r#"title = "Heat for back pain"
summary = "How heat eases tight back muscles, and how to use it safely at home."
category = "prevention"
reviewed = 2026-01-31

[[sources]]
title = "NHS: Back pain"
url = "https://www.nhs.uk/conditions/back-pain/"
"#;
    pub(super) const CLEAN_BODY: &str = "\nHeat can ease a tight back. Use a warm pad for a short time.\n\n## What to do\n\nSee [when to get help](when-to-get-help.md) if it gets worse.\n";
    pub(super) const TODAY: Date = date!(2026 - 11 - 25);

    pub(super) fn article(front: &str, body: &str) -> Article {
        let front = front_matter::parse(front, 2).expect("valid front matter");
        let body_line = 12;
        let rendered = markdown::render(body, body_line, &crate::content::lists::fixture());
        assert!(rendered.problems.is_empty(), "{:?}", rendered.problems);
        Article {
            slug: crate::content::Slug::from_static("heat-therapy"),
            path: Path::new("articles/heat-therapy.md").to_path_buf(),
            front,
            html: rendered.html,
            toc: rendered.toc,
            word_count: rendered.word_count,
            prose: rendered.prose,
            internal_links: rendered.internal_links,
            site_links: rendered.site_links,
            external_links: rendered.external_links,
            render_warnings: rendered.warnings,
            whole_sign_lists: rendered.whole_sign_lists,
            body_line,
            heading_ids: rendered.heading_ids,
            image_copies: Vec::new(),
        }
    }

    fn warnings(front: &str, body: &str) -> Vec<(usize, String)> {
        lint(&article(front, body), TODAY)
            .into_iter()
            .map(|w| (w.line, w.message))
            .collect()
    }

    #[test]
    fn a_clean_article_has_no_warnings() {
        assert_eq!(warnings(CLEAN_FRONT, CLEAN_BODY), []);
    }

    #[test]
    fn overdue_review_points_at_reviewed_when_next_review_is_not_set() {
        let front = CLEAN_FRONT.replace("2026-01-31", "2025-11-24");
        let found = warnings(&front, CLEAN_BODY);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, 5);
        assert!(
            found[0].1.starts_with(
                "review overdue since 2026-11-24; check the page against its sources, then set reviewed = 2026-11-25"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn overdue_review_points_at_next_review_when_set() {
        let front = CLEAN_FRONT.replace(
            "reviewed = 2026-01-31",
            "reviewed = 2026-01-31\nnext_review = 2026-06-01",
        );
        let found = warnings(&front, CLEAN_BODY);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, 6);
        assert!(found[0].1.starts_with("review overdue since 2026-06-01"));
    }

    #[test]
    fn review_due_today_is_not_overdue() {
        let front = CLEAN_FRONT.replace("2026-01-31", "2025-11-25");
        assert_eq!(warnings(&front, CLEAN_BODY), []);
    }

    #[test]
    fn short_summary_is_reported_at_its_line() {
        let front = CLEAN_FRONT.replace(
            "How heat eases tight back muscles, and how to use it safely at home.",
            "Heat helps.",
        );
        assert_eq!(
            warnings(&front, CLEAN_BODY),
            [(
                3,
                "summary is only 11 characters; write at least 50 so listings and search results say what the page covers".to_owned()
            )]
        );
    }

    #[test]
    fn article_without_links_to_other_articles() {
        let body = "\nHeat can ease a tight back.\n\n## What to do\n\nRead [this part](heat-therapy.md#what-to-do) and the [NHS page](https://www.nhs.uk/).\n";
        let found = warnings(CLEAN_FRONT, body);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, 13, "the first line of text");
        assert!(found[0].1.starts_with("no links to other articles"));
    }

    #[test]
    fn hard_prose_gives_the_grade_and_the_hardest_sentences_with_lines() {
        let body = "\nHeat can ease a tight back.\n\nPharmacological interventions, particularly non-steroidal anti-inflammatory medications, demonstrate considerable efficacy.\n\nContemporary physiotherapeutic methodologies emphasise individualised rehabilitation programmes.\n\nSee [when to get help](when-to-get-help.md).\n";
        let found = warnings(CLEAN_FRONT, body);
        // The 8-word sentence on line 15 is also hard on its own; the 6-word one is too short to grade.
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[1].0, 15);
        assert!(
            found[1].1.starts_with("sentence reads at grade "),
            "{found:?}"
        );
        let (line, message) = &found[0];
        assert_eq!(*line, 13);
        assert!(message.starts_with("reading level is grade "), "{message}");
        assert!(
            message.contains(" (Flesch–Kincaid); aim for 6 or below"),
            "{message}"
        );
        assert!(
            message.contains("Hardest sentences: line 17: \"Contemporary physiotherapeutic"),
            "{message}"
        );
        assert!(
            message.contains("; line 15: \"Pharmacological interventions,"),
            "{message}"
        );
    }

    #[test]
    fn a_sentence_over_25_words_is_reported_where_it_starts() {
        let sentence = "If the pad feels too hot on your back at any time, take it off at once and wait for your skin to cool down before you try it again.";
        let body = format!(
            "\nSee [when to get help](when-to-get-help.md) now. {sentence} Use a low heat.\n"
        );
        let found: Vec<LineProblem> = lint(&article(CLEAN_FRONT, &body), TODAY);
        assert_eq!(
            found,
            [LineProblem::at(
                ProblemCode::LongSentence,
                13,
                "See when to get help now. ".len() + "[]".len() + "(when-to-get-help.md)".len() + 1,
                "sentence is 30 words long; split it so each sentence is 25 words or fewer: \"If the pad feels too hot …\""
            )]
        );
    }

    #[test]
    fn a_sentence_of_25_words_passes() {
        let sentence = "If the pad feels too hot on your back, take it off and wait for your skin to cool down before you try it again.";
        assert_eq!(crate::content::readability::words(sentence).count(), 25);
        let body = format!("{CLEAN_BODY}\n{sentence}\n");
        assert_eq!(warnings(CLEAN_FRONT, &body), []);
    }

    #[test]
    fn draft_and_publish_together_say_that_draft_wins() {
        let front = CLEAN_FRONT.replace(
            "[[sources]]",
            "draft = true\npublish = 2027-01-15\n\n[[sources]]",
        );
        assert_eq!(
            warnings(&front, CLEAN_BODY),
            [(
                7,
                "draft = true and publish = 2027-01-15 together: draft wins, so the page stays a draft after 2027-01-15; delete draft = true to have it go live on 2027-01-15, or delete publish to keep it a draft".to_owned()
            )]
        );
        let scheduled_only = front.replace("draft = true\n", "");
        assert_eq!(warnings(&scheduled_only, CLEAN_BODY), []);
        let draft_only = front.replace("publish = 2027-01-15\n", "");
        assert_eq!(warnings(&draft_only, CLEAN_BODY), []);
        let draft_false = front.replace("draft = true", "draft = false");
        assert_eq!(warnings(&draft_false, CLEAN_BODY), []);
    }

    #[test]
    fn warnings_come_in_line_order() {
        let front = CLEAN_FRONT.replace("2026-01-31", "2024-01-31").replace(
            "How heat eases tight back muscles, and how to use it safely at home.",
            "Heat.",
        );
        let lines: Vec<usize> = warnings(&front, "\nHeat can ease a tight back.\n")
            .iter()
            .map(|(line, _)| *line)
            .collect();
        assert_eq!(lines, [3, 5, 13]);
    }
}
