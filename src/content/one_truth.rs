//! One truth about when to get help: a sentence of prose that names a warning sign the symptom
//! checker's rules know, and a service to go to, must not send the reader somewhere slower than
//! the rule does. Prose may never under-triage.
//!
//! A sentence may name several services ("see a GP, or call 999 if ..."); the fastest one counts,
//! so only a sentence whose every service is too slow is reported. The words that name signs and
//! services come from the caller's `SignCatalogue`, written beside the rules.

use super::lists::{PickableSign, SignCatalogue};
use super::prose::ProseBlock;
use super::readability;

/// A sentence that sends a reader with a warning sign somewhere slower than its rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnderTriage {
    pub line: usize,
    /// The words of the sign as the sentence has them, to find the column in the source.
    pub matched: String,
    pub message: String,
}

/// Every sentence in `prose` that under-triages a sign, in reading order.
pub fn under_triage(prose: &[ProseBlock], catalogue: &SignCatalogue) -> Vec<UnderTriage> {
    let mut found = Vec::new();
    for block in prose {
        for sentence in readability::sentences(block) {
            let lower = sentence.text.to_lowercase();
            let Some(named) = fastest_service(&lower, catalogue) else {
                continue;
            };
            // The most urgent sign in the sentence is the one that must not be under-served.
            let most_urgent = catalogue
                .signs
                .iter()
                .filter_map(|sign| matched_words(&lower, sign).map(|words| (sign, words)))
                .min_by_key(|(sign, _)| sign.service);
            if let Some((sign, matched)) = most_urgent.filter(|(sign, _)| named > sign.service) {
                found.push(UnderTriage {
                    line: sentence.line,
                    message: message(&sentence.text, sign, named, catalogue),
                    matched,
                });
            }
        }
    }
    found
}

fn message(sentence: &str, sign: &PickableSign, named: usize, catalogue: &SignCatalogue) -> String {
    let said = &catalogue.services[named].action;
    let rule = &catalogue.services[sign.service].action;
    let quoted: String = sentence.chars().take(80).collect();
    let ellipsis = if quoted.len() < sentence.len() {
        "…"
    } else {
        ""
    };
    format!(
        "\"{quoted}{ellipsis}\" says {said} for a sign of rule {}, which says {rule}; say {rule}, or write {{{{ service(sign=\"{}\") }}}} where the service goes, so the page says what the symptom checker says",
        sign.id, sign.id
    )
}

/// The place in `catalogue.services` of the fastest service the sentence names, if it names one.
fn fastest_service(lower: &str, catalogue: &SignCatalogue) -> Option<usize> {
    catalogue.services.iter().position(|service| {
        service
            .named_by
            .iter()
            .any(|words| contains_words(lower, words))
    })
}

/// The words of the sentence that name `sign`, if every group of its phrases is there.
fn matched_words(lower: &str, sign: &PickableSign) -> Option<String> {
    let mut first = None;
    for group in &sign.phrases {
        let phrase = group.iter().find(|phrase| contains_words(lower, phrase))?;
        first.get_or_insert_with(|| phrase.clone());
    }
    first
}

/// Whether `phrase` starts a word somewhere in `text` ("gp" in "a gp", not in "pigpen").
pub fn contains_words(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        text[..at]
            .chars()
            .next_back()
            .is_none_or(|before| !before.is_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::lists;

    fn check(text: &str) -> Vec<String> {
        under_triage(&[ProseBlock::plain(text)], lists::fixture().catalogue())
            .into_iter()
            .map(|found| found.message)
            .collect()
    }

    #[test]
    fn a_sign_sent_somewhere_slower_than_its_rule_is_reported() {
        assert_eq!(
            check("If you have chest pain, see a GP. Rest is fine."),
            [
                "\"If you have chest pain, see a GP.\" says see a GP or physiotherapist within 2 weeks for a sign of rule chest-pain, which says call 999; say call 999, or write {{ service(sign=\"chest-pain\") }} where the service goes, so the page says what the symptom checker says"
            ]
        );
    }

    #[test]
    fn the_same_or_a_faster_service_or_no_service_is_fine() {
        assert!(check("If you have chest pain, call 999.").is_empty());
        assert!(check("See a GP, or call 999 if you have chest pain.").is_empty());
        assert!(check("Chest pain is a warning sign.").is_empty());
        assert!(check("A high temperature? Call 111 today.").is_empty());
        assert!(check("See a GP if the pain is getting worse.").is_empty());
    }

    #[test]
    fn every_group_of_a_signs_words_must_be_there() {
        // "numbness" alone is not the sign: it needs a place too.
        assert!(check("Numbness in your foot? See a GP.").is_empty());
        assert_eq!(
            check("See a GP if you have numbness around your bottom.").len(),
            1
        );
        // A sign and a service in different sentences are not paired.
        assert!(check("Numbness around your bottom? See a GP.").is_empty());
    }

    #[test]
    fn words_match_at_the_start_of_a_word_only() {
        assert!(contains_words("see a gp today", "gp"));
        assert!(!contains_words("a pigpen", "gp"));
        assert!(contains_words("999", "999"));
    }
}
