//! Property tests that throw hostile and broken text at the article pipeline (split, front matter,
//! Markdown and shortcodes, author checks): whatever an author saves, loading reports problems
//! and never panics. Bounded case counts keep each under a few seconds in a debug build.

use std::path::Path;

use proptest::prelude::*;
use proptest::sample::select;

use super::{front_matter, lint, lists, markdown, parse_article, readability::Readability};

/// Real articles, with front matter, shortcodes, diagrams and internal links, to break.
const VALID: &[&str] = &[
    include_str!("../../articles/lifting-safely.md"),
    include_str!("../../articles/when-to-get-help.md"),
    include_str!("../../articles/heat-therapy.md"),
];

/// Fragments that mean something to TOML, Markdown, HTML or the shortcodes.
const TOKENS: &[&str] = &[
    "+++",
    "\n",
    "\r\n",
    " ",
    "=",
    "\"",
    "'''",
    "[",
    "]",
    "[[sources]]",
    "{",
    "}",
    "{{",
    "}}",
    "{{ diagram(",
    "{{ red_flags(urgency=\"emergency\") }}",
    "{{ warning_signs(signs=\"weak-bones, ",
    "for=\"child\"",
    "{{ service(sign=\"chest-pain\") }}",
    "{%",
    "%}",
    "name=\"safe-lifting\"",
    "caption=",
    "title = ",
    "reviewed = 2026-02-30",
    "category = \"relief\"",
    "tags = [",
    "draft = true",
    "weight = -9223372036854775808",
    "# ",
    "## ",
    "###### ",
    "* ",
    "1. ",
    "> ",
    "```",
    "    ",
    "|",
    "|---|",
    "![",
    "](",
    ")",
    "(other.md#",
    "(/static/",
    "<script>",
    "<svg",
    "&amp;",
    "&#",
    "\u{feff}",
    "\u{0}",
    "é",
    "😀",
    "\u{202e}",
    "[^1]",
    "---",
    "~~",
    "**",
    "_",
    "\\",
];

fn token_soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => select(TOKENS).prop_map(str::to_owned),
            1 => any::<String>(),
            1 => "[a-z ]{0,12}",
        ],
        0..80,
    )
    .prop_map(|parts| parts.concat())
}

/// A way to damage a file, applied at a fraction of its length so every part gets hit.
#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: f64, len: usize },
    Insert { at: f64, text: String },
    DuplicateLine { at: f64 },
    Truncate { at: f64 },
    SwapLines { a: f64, b: f64 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0f64;
    prop_oneof![
        (at.clone(), 1..40usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (at.clone(), token_soup()).prop_map(|(at, text)| Mutation::Insert { at, text }),
        at.clone().prop_map(|at| Mutation::DuplicateLine { at }),
        at.clone().prop_map(|at| Mutation::Truncate { at }),
        (at.clone(), at).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
    ]
}

/// The char boundary nearest below `fraction` of the way through `text`.
fn boundary(text: &str, fraction: f64) -> usize {
    let mut at = ((text.len() as f64) * fraction) as usize;
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, mutation: &Mutation) -> String {
    match mutation {
        Mutation::Delete { at, len } => {
            let start = boundary(text, *at);
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            format!("{}{}", &text[..start], &text[end..])
        }
        Mutation::Insert { at, text: inserted } => {
            let at = boundary(text, *at);
            format!("{}{inserted}{}", &text[..at], &text[at..])
        }
        Mutation::DuplicateLine { at } => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            if !lines.is_empty() {
                let index = ((lines.len() as f64 * at) as usize).min(lines.len() - 1);
                lines.insert(index, lines[index]);
            }
            lines.concat()
        }
        Mutation::Truncate { at } => text[..boundary(text, *at)].to_owned(),
        Mutation::SwapLines { a, b } => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            if !lines.is_empty() {
                let last = lines.len() - 1;
                let a = ((lines.len() as f64 * a) as usize).min(last);
                let b = ((lines.len() as f64 * b) as usize).min(last);
                lines.swap(a, b);
            }
            lines.concat()
        }
    }
}

/// The fixture lists, plus every sign and group the `VALID` articles pick (content's tests know
/// nothing of the real rules), so the real articles load before they are damaged.
fn lists_of_the_valid_articles() -> lists::NamedLists {
    let fixture = lists::fixture();
    let mut catalogue = fixture.catalogue().clone();
    let picked = VALID.iter().flat_map(|text| {
        ["signs=\"", "sign=\""].into_iter().flat_map(move |marker| {
            text.match_indices(marker)
                .filter_map(move |(at, _)| text[at + marker.len()..].split('"').next())
        })
    });
    for name in picked.flat_map(|names| names.split(',').map(str::trim)) {
        if catalogue.sign(name).is_none() && catalogue.group(name).is_none() {
            catalogue.signs.push(lists::PickableSign {
                id: name.to_owned(),
                service: 3,
                words: name.to_owned(),
                to_parent: None,
                phrases: Vec::new(),
            });
        }
    }
    fixture.with_catalogue(catalogue)
}

/// Everything loading and `backcare check` do with one file's text.
fn load_and_check(text: &str) {
    let path = Path::new("articles/fuzzed.md");
    let today = time::macros::date!(2026 - 06 - 01);
    match parse_article(
        path,
        text,
        &super::LoadOptions {
            lists: lists_of_the_valid_articles(),
            ..Default::default()
        },
    ) {
        Ok(article) => {
            let _ = lint::lint(&article, today);
            let _ = Readability::measure(&article.prose).grade();
            let _ = article.reading_minutes();
        }
        Err(broken) => {
            for problem in &broken.problems {
                // Every problem can be shown to the author.
                let _ = problem.to_string();
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_text_splits_and_parses_without_panicking(text in any::<String>()) {
        if let Ok(split) = front_matter::split(&text) {
            let _ = front_matter::parse(split.front, split.front_line);
            let _ = markdown::render(split.body, split.body_line, &lists::fixture());
        }
        let _ = front_matter::parse(&text, 2);
    }

    #[test]
    fn token_soup_front_matter_never_panics(soup in token_soup()) {
        let _ = front_matter::parse(&soup, 2);
        load_and_check(&format!("+++\n{soup}\n+++\n\nBody.\n"));
    }

    #[test]
    fn token_soup_markdown_never_panics(soup in token_soup(), first_line in 1..10_000usize) {
        let rendered = markdown::render(&soup, first_line, &lists::fixture());
        // Line numbers given to the author stay at or after where the body starts.
        for problem in &rendered.problems {
            prop_assert!(problem.line >= first_line, "{problem:?}");
        }
        load_and_check(&format!("{}{soup}", VALID[0]));
    }

    #[test]
    fn damaged_real_articles_never_panic(
        article in select(VALID),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let text = mutations
            .iter()
            .fold(article.to_owned(), |text, mutation| apply(&text, mutation));
        load_and_check(&text);
    }
}

#[test]
fn the_articles_being_damaged_are_valid_to_start_with() {
    for text in VALID {
        assert!(
            parse_article(
                Path::new("articles/x.md"),
                text,
                &super::LoadOptions {
                    // Real articles name real rules in their boxes.
                    lists: lists_of_the_valid_articles(),
                    ..Default::default()
                }
            )
            .is_ok(),
            "{}",
            &text[..80]
        );
    }
}
