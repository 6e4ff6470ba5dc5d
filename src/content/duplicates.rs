//! Pages that say the same thing twice: two articles with one title are an error (readers, search
//! results and the A to Z cannot tell them apart), summaries nearly word for word alike a warning.

use std::collections::{BTreeSet, HashMap};

use super::article::Article;
use super::problem::{Problem, ProblemCode};

/// An error on every article whose title an earlier file (by name) already has, naming that file.
/// The first keeps its place on the site; the copy is held back until it gets its own title.
pub fn duplicate_titles(articles: &[Article]) -> Vec<Problem> {
    let mut first_with: HashMap<String, &Article> = HashMap::new();
    let mut sorted: Vec<&Article> = articles.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut problems = Vec::new();
    for article in sorted {
        let key = comparable(&article.front.title);
        match first_with.get(&key) {
            Some(first) => problems.push(Problem { code: ProblemCode::DuplicateTitle,
                path: article.path.clone(),
                line: Some(article.front.lines.of("title")),
                column: None,
                message: format!(
                    "title \"{}\" is also the title of {}; give each page its own title (or delete the copy)",
                    article.front.title,
                    first.path.display()
                ),
            }),
            None => {
                first_with.insert(key, article);
            }
        }
    }
    problems
}

/// Words shared by at least this share of the two summaries' words together make them near copies.
const SIMILAR: f64 = 0.8;
/// A word in more summaries than this says little about which pages are alike (`back`, `pain`),
/// so it does not make a pair worth comparing; compared pairs still count it.
const COMMON: usize = 50;

/// A warning on the first (by file name) of each two articles whose summaries are nearly the same words, so
/// listings and search results show two pages that seem to say one thing. Pairs are found
/// through the words they share, not by comparing every pair: 10,000 articles stay quick.
pub fn similar_summaries(articles: &[Article]) -> Vec<Problem> {
    let mut sorted: Vec<&Article> = articles.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let words: Vec<BTreeSet<String>> = sorted
        .iter()
        .map(|article| summary_words(&article.front.summary))
        .collect();
    let mut having: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, set) in words.iter().enumerate() {
        for word in set {
            having.entry(word).or_default().push(index);
        }
    }
    let mut problems = Vec::new();
    for (index, set) in words.iter().enumerate() {
        let others: BTreeSet<usize> = set
            .iter()
            .filter_map(|word| having.get(word.as_str()))
            .filter(|holders| holders.len() <= COMMON)
            .flatten()
            .copied()
            .filter(|&other| other > index)
            .collect();
        let twin = others.into_iter().find(|&other| {
            let shared = set.intersection(&words[other]).count();
            let together = set.len() + words[other].len() - shared;
            set.len() >= 4 && shared as f64 >= SIMILAR * together as f64
        });
        if let Some(other) = twin {
            let article = sorted[index];
            problems.push(Problem { code: ProblemCode::SimilarSummary,
                path: article.path.clone(),
                line: Some(article.front.lines.of("summary")),
                column: None,
                message: format!(
                    "summary is almost the same as the summary of {}; say what this page covers that the other does not",
                    sorted[other].path.display()
                ),
            });
        }
    }
    problems
}

fn comparable(title: &str) -> String {
    title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn summary_words(summary: &str) -> BTreeSet<String> {
    summary
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}
