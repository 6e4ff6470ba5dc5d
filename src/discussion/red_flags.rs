//! Words in a post that suggest its writer may need help now rather than replies. The words
//! come from the symptom checker's data (`triage::lay_words`), where a test ties each one to a
//! rule, so a post and the checker speak of the same warning signs.
//!
//! A match never blocks a post: it only makes the thank-you page tell the writer not to wait.

pub use crate::triage::lay_words::{LAY_WARNING_SIGNS as RED_FLAGS, LayWarningSign as RedFlag};

/// Lowercase words separated by single spaces, with a space at each end so phrases can be
/// found at word boundaries; "can't", "cant", "can not" and "unable to" all become "cannot".
fn normalise(text: &str) -> String {
    let lowered = text.to_lowercase().replace(['\u{2019}', '\u{2018}'], "'");
    let words: Vec<&str> = lowered
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = String::from(" ");
    let mut index = 0;
    while index < words.len() {
        let word = words[index];
        let next = words.get(index + 1).copied();
        let (replacement, used) = match (word, next) {
            ("can't" | "cant" | "cannot", _) => ("cannot", 1),
            ("can", Some("not")) | ("unable", Some("to")) => ("cannot", 2),
            (word, _) => (word.trim_matches('\''), 1),
        };
        out.push_str(replacement);
        out.push(' ');
        index += used;
    }
    out
}

/// Whether `phrase` starts at a word in `normalised`: a phrase ending in `*` may end mid-word
/// ("numb*" is "numbness" too), any other must end at a word's end. Compares in place: this
/// runs for every phrase of the table on every search.
fn contains_phrase(normalised: &str, phrase: &str) -> bool {
    let (words, whole_word) = match phrase.strip_suffix('*') {
        Some(stem) => (stem, false),
        None => (phrase, true),
    };
    normalised.match_indices(words).any(|(at, _)| {
        normalised[..at].ends_with(' ')
            && (!whole_word || normalised[at + words.len()..].starts_with(' '))
    })
}

/// The warning signs `text` mentions, in table order.
pub fn red_flags(text: &str) -> Vec<&'static RedFlag> {
    let normalised = normalise(text);
    RED_FLAGS
        .iter()
        .filter(|flag| {
            flag.any.iter().any(|p| contains_phrase(&normalised, p))
                || flag
                    .all
                    .iter()
                    .any(|group| group.iter().all(|p| contains_phrase(&normalised, p)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<&'static str> {
        red_flags(text).iter().map(|f| f.id).collect()
    }

    #[test]
    fn vignettes_of_what_readers_write() {
        let cases: &[(&str, &[&str])] = &[
            ("I hurt my back lifting a motorbike, what should I do?", &[]),
            ("Is this back labour? I'm 38 weeks.", &["pregnancy"]),
            (
                "I'm pregnant and having contractions in my back",
                &["pregnancy"],
            ),
            (
                "back and stomach cramps after food poisoning, and a fever",
                &["fever"],
            ),
            ("My bum went numb after lifting", &["numbness"]),
            ("I can't pee since this morning", &["bladder-bowel"]),
            ("I cant wee properly", &["bladder-bowel"]),
            ("I am unable to pee", &["bladder-bowel"]),
            ("I can\u{2019}t feel my left foot", &["numbness"]),
            ("sharp chest pains when I breathe", &["chest-pain"]),
            ("lost control of my bladder", &["bladder-bowel"]),
            ("weakness in both legs", &["leg-weakness"]),
            ("I counted the numbers on my pain scale", &[]),
            (
                "my chest pain started with a high temperature",
                &["chest-pain", "fever"],
            ),
            ("back spasms after a car accident", &["major-injury"]),
            // Signs the checker asks about that posts once missed.
            ("I fainted and felt cold and clammy", &["faint-or-clammy"]),
            (
                "a sudden tearing pain between my shoulders",
                &["tearing-pain"],
            ),
            (
                "my husband felt confused all evening",
                &["confused-or-drowsy"],
            ),
            ("I'm confused about which stretch to do", &[]),
            ("new problems getting an erection", &["sexual-problems"]),
            ("34 weeks and the baby is moving less", &["pregnancy"]),
            ("I am pregnant with a bad headache", &["pregnancy"]),
        ];
        for (text, expected) in cases {
            assert_eq!(&ids(text), expected, "{text}");
        }
    }

    #[test]
    fn every_flag_has_a_unique_id_and_phrases() {
        let mut seen = std::collections::HashSet::new();
        for flag in RED_FLAGS {
            assert!(seen.insert(flag.id), "{}", flag.id);
            assert!(!flag.any.is_empty() || !flag.all.is_empty(), "{}", flag.id);
            for phrase in flag
                .any
                .iter()
                .chain(flag.all.iter().flat_map(|g| g.iter()))
            {
                assert_eq!(phrase, &phrase.to_lowercase(), "{}: lowercase", flag.id);
                assert!(!phrase.contains("can't"), "{}: write cannot", flag.id);
            }
        }
    }
}
