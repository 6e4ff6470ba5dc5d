//! Keeps AUTHORING.md's table of messages complete: every message an author can get from the
//! content loader, the warnings or the authoring commands must appear there, word for word.
//!
//! Rather than a second list to keep in step, the test reads the source files themselves: each
//! string literal that reads like a message (starts in lowercase, several words, one line) is cut
//! at its `{placeholders}`, and every fixed run of two or more words must be in the guide.

use std::path::Path;

/// The files whose messages reach authors: loading, checking and the author commands.
const MESSAGE_SOURCES: &[&str] = &[
    "src/content/duplicates.rs",
    "src/content/front_matter.rs",
    "src/content/images.rs",
    "src/content/markdown.rs",
    "src/content/mod.rs",
    "src/content/links.rs",
    "src/content/problem.rs",
    "src/content/shortcodes.rs",
    "src/content/warning_box.rs",
    "src/content/one_truth.rs",
    "src/content/lint.rs",
    "src/content/lint/editorial.rs",
    "src/content/lint/sentence_grade.rs",
    "src/content/lint/source_domains.rs",
    "src/authoring/external.rs",
    "src/authoring/check.rs",
    "src/authoring/new_article.rs",
    "src/cli.rs",
    "src/live_reload.rs",
    "src/site_config.rs",
    "src/static_build.rs",
];

/// The string literals of Rust source, unescaped, skipping comments and char literals.
fn string_literals(source: &str) -> Vec<String> {
    let chars: Vec<char> = source.chars().collect();
    let mut literals = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            // A char literal ('"', '\\'), as opposed to a lifetime ('a).
            '\'' if chars.get(i + 1) == Some(&'\\') => {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '\'' if chars.get(i + 2) == Some(&'\'') => i += 3,
            'r' if is_raw_string_start(&chars, i) => {
                let hashes = chars[i + 1..].iter().take_while(|&&c| c == '#').count();
                let start = i + 1 + hashes + 1;
                let mut end = start;
                while end < chars.len()
                    && !(chars[end] == '"'
                        && chars[end + 1..].iter().take(hashes).all(|&c| c == '#')
                        && chars.len() > end + hashes)
                {
                    end += 1;
                }
                literals.push(chars[start..end.min(chars.len())].iter().collect());
                i = end + 1 + hashes;
            }
            '"' => {
                let mut literal = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                        match chars.get(i) {
                            Some('n') => literal.push('\n'),
                            Some('t') => literal.push('\t'),
                            Some(&other) => literal.push(other),
                            None => {}
                        }
                    } else {
                        literal.push(chars[i]);
                    }
                    i += 1;
                }
                literals.push(literal);
                i += 1;
            }
            _ => i += 1,
        }
    }
    literals
}

/// `r"..."` or `r#"..."#`, but not an identifier ending in r, nor a raw identifier like `r#type`.
fn is_raw_string_start(chars: &[char], i: usize) -> bool {
    let after_hashes = chars[i + 1..].iter().find(|&&c| c != '#');
    let inside_identifier = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
    after_hashes == Some(&'"') && !inside_identifier
}

/// Whether a literal is (part of) a message to an author rather than code, HTML or a template.
fn reads_like_a_message(literal: &str) -> bool {
    !literal.contains('\n')
        && literal
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '{' || c == '"')
        && literal.matches(' ').count() >= 3
}

/// The fixed parts of a message between its `{placeholders}` that are long enough to search for.
fn fixed_runs(message: &str) -> Vec<&str> {
    message
        .split(['{', '}'])
        .map(str::trim)
        .filter(|run| {
            let words = run
                .split_whitespace()
                .filter(|word| word.chars().any(char::is_alphabetic));
            words.count() >= 2
        })
        .collect()
}

#[test]
fn every_author_message_is_in_authoring_md() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let guide = std::fs::read_to_string(root.join("AUTHORING.md")).expect("AUTHORING.md");
    let mut missing = Vec::new();
    let mut checked = 0;
    for file in MESSAGE_SOURCES {
        let source = std::fs::read_to_string(root.join(file)).expect("source file");
        // Test code holds sample inputs and expectations, not messages.
        let code = source.split("#[cfg(test)]").next().unwrap_or_default();
        for literal in string_literals(code) {
            if !reads_like_a_message(&literal) {
                continue;
            }
            for run in fixed_runs(&literal) {
                checked += 1;
                if !guide.contains(run) {
                    missing.push(format!("{file}: {run:?} (from {literal:?})"));
                }
            }
        }
    }
    assert!(
        checked > 40,
        "only {checked} message parts found: is the scan broken?"
    );
    assert!(
        missing.is_empty(),
        "AUTHORING.md's table of messages is missing:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_scan_finds_messages_and_skips_code() {
    let source = r###"
        // "a comment with several words in it"
        let quote = '"';
        fn f<'a>(x: &'a str) {}
        problem(line, format!("{name} must be a date, e.g. {example}, not \"{text}\""));
        let raw = r#"raw "quoted" text with many words"#;
        let html = "<ul class=\"red-flags\">";
    "###;
    let literals = string_literals(source);
    assert_eq!(
        literals,
        [
            "{name} must be a date, e.g. {example}, not \"{text}\"",
            "raw \"quoted\" text with many words",
            "<ul class=\"red-flags\">",
        ]
    );
    assert!(reads_like_a_message(&literals[0]));
    assert!(!reads_like_a_message(&literals[2]));
    assert_eq!(fixed_runs(&literals[0]), ["must be a date, e.g."]);
}
