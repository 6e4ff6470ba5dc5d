//! Keeps AUTHORING.md's tables of messages complete: every kind of problem an author can get
//! (`ProblemCode::ALL`, read from the enum itself) has a row with its code, and every code in
//! those tables is one the program still gives.

use std::collections::BTreeSet;
use std::path::Path;

use crate::content::ProblemCode;

/// The codes in the `code` column of the tables under "Every message and how to fix it".
fn documented_codes(guide: &str) -> BTreeSet<String> {
    let section = guide
        .split("## Every message and how to fix it")
        .nth(1)
        .expect("AUTHORING.md has the section \"Every message and how to fix it\"");
    let mut codes = BTreeSet::new();
    let mut code_column = None;
    for line in section.lines() {
        if !line.starts_with('|') {
            code_column = None;
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        match code_column {
            None => code_column = cells.iter().position(|cell| *cell == "code"),
            Some(column) => {
                let code = cells.get(column).copied().unwrap_or_default();
                if let Some(code) = code.strip_prefix('`').and_then(|c| c.strip_suffix('`')) {
                    codes.insert(code.to_owned());
                }
            }
        }
    }
    codes
}

#[test]
fn every_problem_code_is_in_authoring_md_and_no_other() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let guide = std::fs::read_to_string(root.join("AUTHORING.md")).expect("AUTHORING.md");
    let documented = documented_codes(&guide);
    let given: BTreeSet<String> = ProblemCode::ALL
        .iter()
        .map(|code| code.code().to_owned())
        .collect();
    let undocumented: Vec<&String> = given.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "AUTHORING.md's tables of messages have no row with these codes: {undocumented:?}"
    );
    let stale: Vec<&String> = documented.difference(&given).collect();
    assert!(
        stale.is_empty(),
        "AUTHORING.md names codes the program no longer gives: {stale:?}"
    );
}

#[test]
fn codes_are_read_from_the_code_column_only() {
    let guide = "## Every message and how to fix it\n\n\
                 | message | code | how to fix it |\n| --- | --- | --- |\n\
                 | `title is empty` | `empty-field` | Write `some-text`. |\n\
                 | `3 problems found` |  | Fix them. |\n\n\
                 | message | how to fix it |\n| --- | --- |\n| `ran` | `not-a-code` |\n";
    assert_eq!(
        documented_codes(guide).into_iter().collect::<Vec<_>>(),
        ["empty-field"]
    );
}

#[test]
fn codes_are_unique_lowercase_words_joined_by_hyphens() {
    let mut seen = BTreeSet::new();
    for code in ProblemCode::ALL {
        let name = code.code();
        assert!(seen.insert(name), "{name} is used twice");
        assert!(
            name.split('-')
                .all(|word| !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase())),
            "{name}"
        );
    }
}
