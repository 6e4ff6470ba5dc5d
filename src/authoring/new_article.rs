//! `backcare new <slug>`: writes a new article with valid front matter and a skeleton to fill in.
//! It never overwrites a file, and its placeholders are errors until replaced, so it cannot go live by accident.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use time::Date;

use crate::content::Category;
use crate::content::front_matter::{
    PLACEHOLDER_SOURCE_TITLE, PLACEHOLDER_SOURCE_URL, PLACEHOLDER_SUMMARY, is_valid_slug,
    one_year_after,
};

/// What the author asked for; the slug has already been checked by the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewArticle {
    pub slug: String,
    pub title: Option<String>,
    pub category: Category,
}

#[derive(Debug, thiserror::Error)]
pub enum NewArticleError {
    #[error(
        "\"{0}\" is not a valid page name; use lowercase letters, digits and single hyphens, e.g. heat-therapy"
    )]
    BadSlug(String),
    #[error("{} already exists; choose another name, or edit that file", .0.display())]
    Exists(PathBuf),
    #[error("cannot create {}: {source}; check that --articles names the articles folder", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl NewArticle {
    /// Writes `<articles>/<slug>.md` dated `today`, refusing to replace an existing file.
    pub fn create(&self, articles: &Path, today: Date) -> Result<PathBuf, NewArticleError> {
        if !is_valid_slug(&self.slug) {
            return Err(NewArticleError::BadSlug(self.slug.clone()));
        }
        let path = articles.join(format!("{}.md", self.slug));
        // create_new fails if the file exists, even if it appeared a moment ago: never overwrite.
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|source| match source.kind() {
                std::io::ErrorKind::AlreadyExists => NewArticleError::Exists(path.clone()),
                _ => NewArticleError::Write {
                    path: path.clone(),
                    source,
                },
            })?;
        file.write_all(self.text(today).as_bytes())
            .map_err(|source| NewArticleError::Write {
                path: path.clone(),
                source,
            })?;
        Ok(path)
    }

    /// The title given, or one made from the slug in sentence case: `heat-therapy` is "Heat therapy".
    pub fn title(&self) -> String {
        match &self.title {
            Some(title) if !title.trim().is_empty() => title.trim().to_owned(),
            _ => {
                let words = self.slug.replace('-', " ");
                let mut chars = words.chars();
                chars
                    .next()
                    .map(|first| first.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            }
        }
    }

    /// The whole file: front matter a reviewer would accept once the placeholders are replaced,
    /// and a body whose instructions follow the house style they describe.
    pub fn text(&self, today: Date) -> String {
        format!(
            r#"+++
title = {title}
summary = {summary}
category = "{category}"
reviewed = {today}
next_review = {next_review}
draft = true
# tags = ["heat", "spasms"]    # optional: a few lowercase words shared with related pages
# weight = 10                  # optional: lower numbers come first within a topic

[[sources]]
title = {source_title}
url = "{source_url}"
+++

Start with two or three short sentences. Say what this page is about and who it is for.

## What it is

Explain the problem in plain words. Use short sentences, and talk to the reader as "you".

## What you can do

Give clear steps the reader can take at home. Say how long each one takes to help.

## When to get help

{{{{ warning_signs(signs="not-settling") }}}}

Read more about [when to get help](when-to-get-help.md).
"#,
            title = toml_string(&self.title()),
            summary = toml_string(PLACEHOLDER_SUMMARY),
            category = self.category.slug(),
            next_review = one_year_after(today),
            source_title = toml_string(PLACEHOLDER_SOURCE_TITLE),
            source_url = PLACEHOLDER_SOURCE_URL,
        )
    }
}

/// A TOML basic string: the title comes from the author and may hold quotes or backslashes.
fn toml_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            '\r' => quoted.push_str("\\r"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::content::{front_matter, markdown};

    fn new_article(slug: &str, title: Option<&str>) -> NewArticle {
        NewArticle {
            slug: slug.to_owned(),
            title: title.map(str::to_owned),
            category: Category::Relief,
        }
    }

    #[test]
    fn title_comes_from_the_slug_in_sentence_case() {
        assert_eq!(new_article("heat-therapy", None).title(), "Heat therapy");
        assert_eq!(
            new_article("heat-therapy", Some(" Heat for back pain ")).title(),
            "Heat for back pain"
        );
    }

    #[test]
    fn text_is_valid_apart_from_the_placeholders() {
        let article = new_article("heat-therapy", Some("Heat \"and\" cold \\ ice"));
        let text = article.text(date!(2026 - 11 - 25));
        let split = front_matter::split(&text).expect("front matter fences");
        let problems = front_matter::parse(split.front, split.front_line)
            .expect_err("placeholders are errors");
        let mut messages: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.message.as_str()))
            .collect();
        messages.sort_unstable();
        assert_eq!(
            messages,
            [
                (
                    3,
                    "summary is still the placeholder from \"backcare new\"; write one or two plain sentences that say what the page covers"
                ),
                (
                    11,
                    "source 1 is still the placeholder from \"backcare new\"; replace it with a real source"
                ),
            ]
        );

        let replaced = text
            .replace(
                PLACEHOLDER_SUMMARY,
                "How heat eases tight back muscles and how to use it safely.",
            )
            .replace(PLACEHOLDER_SOURCE_TITLE, "NHS: Back pain")
            .replace(
                PLACEHOLDER_SOURCE_URL,
                "https://www.nhs.uk/conditions/back-pain/",
            );
        let split = front_matter::split(&replaced).expect("front matter fences");
        let front = front_matter::parse(split.front, split.front_line).expect("valid");
        assert_eq!(front.title, "Heat \"and\" cold \\ ice");
        assert_eq!(front.category, Category::Relief);
        assert_eq!(front.reviewed, date!(2026 - 11 - 25));
        assert_eq!(front.next_review, date!(2027 - 11 - 25));
        assert!(front.draft);

        let lists = crate::triage::article_sign_lists();
        let body = markdown::render(split.body, split.body_line, &lists);
        assert!(body.problems.is_empty(), "{:?}", body.problems);
        let sections: Vec<&str> = body.toc.iter().map(|entry| entry.id.as_str()).collect();
        assert_eq!(
            sections,
            ["what-it-is", "what-you-can-do", "when-to-get-help"]
        );
        assert_eq!(body.internal_links.len(), 1);
        assert_eq!(body.internal_links[0].slug, "when-to-get-help");
    }

    #[test]
    fn creates_the_file_once_and_never_overwrites() {
        let dir = tempfile::tempdir().expect("temp dir");
        let article = new_article("ice-packs", None);
        let path = article
            .create(dir.path(), date!(2026 - 11 - 25))
            .expect("created");
        assert_eq!(path, dir.path().join("ice-packs.md"));
        std::fs::write(&path, "my work").expect("author edits");
        let error = article
            .create(dir.path(), date!(2026 - 11 - 25))
            .expect_err("exists");
        assert!(matches!(error, NewArticleError::Exists(_)), "{error}");
        assert!(
            error
                .to_string()
                .ends_with("ice-packs.md already exists; choose another name, or edit that file")
        );
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "my work");
    }

    #[test]
    fn refuses_a_bad_slug_and_a_missing_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let error = new_article("Ice_Packs", None)
            .create(dir.path(), date!(2026 - 11 - 25))
            .expect_err("bad slug");
        assert!(matches!(error, NewArticleError::BadSlug(_)), "{error}");
        let error = new_article("ice", None)
            .create(&dir.path().join("missing"), date!(2026 - 11 - 25))
            .expect_err("no folder");
        assert!(
            error
                .to_string()
                .contains("check that --articles names the articles folder")
        );
    }
}
