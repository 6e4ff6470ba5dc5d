//! Keeps CLINICAL_SAFETY.md true: every rule, filter, advice and test it names must exist, and
//! every hazard must name a control and a test. The checker's plain-words test, which needs
//! content's readability code, is in `authoring/checker_words.rs`.

use super::assessment::{ADVICE_FILTERS, advice_ids};
use super::rules::rule;

const HAZARD_LOG: &str = include_str!("../../CLINICAL_SAFETY.md");

/// Where the tests the log cites live.
const TEST_SOURCES: &[&str] = &[
    include_str!("../../tests/api/checker_hazards.rs"),
    include_str!("../../tests/api/checker.rs"),
    include_str!("answers.rs"),
    include_str!("rules.rs"),
    include_str!("assessment.rs"),
    include_str!("vignettes.rs"),
    include_str!("hazard_log.rs"),
    include_str!("../authoring/checker_words.rs"),
    include_str!("../web/pages/checker.rs"),
    include_str!("../web/pages/escaped_once.rs"),
];

/// `(kind, name)` for every "rule `x`", "filter `x`", "advice `x`" and "test `x`" in `text`.
fn references(text: &str) -> Vec<(String, String)> {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut found = Vec::new();
    for kind in ["rule", "filter", "advice", "test"] {
        for (at, _) in flat.to_lowercase().match_indices(&format!("{kind} `")) {
            let before_is_word = flat[..at].chars().last().is_some_and(char::is_alphanumeric);
            let start = at + kind.len() + 2;
            if before_is_word {
                continue;
            }
            if let Some(end) = flat[start..].find('`') {
                found.push((kind.to_owned(), flat[start..start + end].to_owned()));
            }
        }
    }
    found
}

fn test_exists(name: &str) -> bool {
    let declaration = format!("fn {name}(");
    TEST_SOURCES
        .iter()
        .any(|source| source.contains(&declaration))
}

#[test]
fn every_name_in_the_hazard_log_exists() {
    let references = references(HAZARD_LOG);
    assert!(references.len() > 60, "too few references: {references:?}");
    let missing: Vec<String> = references
        .iter()
        .filter(|(kind, name)| match kind.as_str() {
            "rule" => rule(name).is_none(),
            "filter" => !ADVICE_FILTERS.iter().any(|f| f.id == name),
            "advice" => !advice_ids().contains(&name.as_str()),
            _ => !test_exists(name),
        })
        .map(|(kind, name)| format!("{kind} {name}"))
        .collect();
    assert!(
        missing.is_empty(),
        "CLINICAL_SAFETY.md names what does not exist: {missing:?}"
    );
}

#[test]
fn every_hazard_names_a_control_and_a_test() {
    let sections: Vec<&str> = HAZARD_LOG.split("\n### ").skip(1).collect();
    assert!(sections.len() >= 13, "{} hazards", sections.len());
    for section in sections {
        let title = section.lines().next().unwrap_or_default();
        let names = references(section);
        let is_control = |kind: &str| kind == "rule" || kind == "filter";
        assert!(
            names.iter().any(|(kind, _)| is_control(kind))
                || title.contains("Mixed")
                || title.contains("if things get worse"),
            "{title}: no rule or filter as a control"
        );
        assert!(
            names.iter().any(|(kind, _)| kind == "test"),
            "{title}: no test"
        );
        for field in [
            "**Cause:**",
            "**Effect:**",
            "**Severity:**",
            "**Controls:**",
            "**Tests:**",
            "**Residual risk:**",
        ] {
            assert!(section.contains(field), "{title}: no {field}");
        }
    }
}

#[test]
fn every_rule_and_filter_is_in_the_hazard_log_or_is_routine() {
    // Routine GP and same-day signs copied from the NHS back pain page need no hazard entry.
    let routine = [
        "weight-loss",
        "back-lump",
        "night-pain",
        "nothing-eases",
        "cough-worse",
        "upper-back",
        "abdominal-pain",
        "vomiting",
        "chest-pain",
        "breathlessness",
        "lasting-over-6-weeks",
        "severe-pain",
        "getting-worse",
    ];
    let named: Vec<String> = references(HAZARD_LOG)
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    for rule in super::rules::RULES {
        assert!(
            named.iter().any(|n| rule.id == n.as_str()) || routine.contains(&rule.id.as_str()),
            "rule {} is not in CLINICAL_SAFETY.md",
            rule.id
        );
    }
    for filter in ADVICE_FILTERS {
        assert!(named.iter().any(|n| n == filter.id), "filter {}", filter.id);
    }
}

/// The figures the README and the hazard log quote are the figures the cases give today.
#[test]
fn published_figures_match_the_vignette_report() {
    let report = super::vignettes::vignette_report();
    let readme = include_str!("../../README.md")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let claim = format!(
        "Tested against {} cases written from NHS and NICE pages** (`src/triage/vignettes.toml`, each with its URL and the sentence that fixes the answer): {} under-triaged, {} exactly the expected service, {} over-triaged.",
        report.total, report.under_triaged, report.exact, report.over_triaged
    );
    let not_exact: Vec<String> = report
        .results
        .iter()
        .filter(|r| !r.is_exact())
        .map(|r| {
            format!(
                "{} (expected {}, got {:?})",
                r.name,
                r.expected.value(),
                r.got.map(super::rules::Service::value)
            )
        })
        .collect();
    assert!(
        readme.contains(&claim),
        "README should say: {claim}\nnot exact: {not_exact:#?}"
    );
    let log = HAZARD_LOG.split_whitespace().collect::<Vec<_>>().join(" ");
    let claims = [
        format!("**{} test cases written from sources**", report.total),
        format!(
            "**{} under-triaged**, {} of {} exactly the expected service, {} over-triaged",
            report.under_triaged, report.exact, report.total, report.over_triaged
        ),
    ];
    for claim in claims {
        assert!(
            log.contains(&claim),
            "CLINICAL_SAFETY.md should say: {claim}"
        );
    }
}
