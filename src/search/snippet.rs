//! The passage shown under a search result, with the matched words marked.
//!
//! tantivy's `SnippetGenerator` runs the whole text of every result through a token stream that
//! allocates and lowercases each word: that was most of the CPU a search spent. Here the marked
//! words are found with aho-corasick's packed SIMD searcher (Teddy; the crate tantivy already
//! uses), and only the few hundred bytes around the chosen passage are looked at word by word.
//! A full automaton is built only when Teddy cannot be: it costs more to build than a search of
//! twenty results takes with Teddy.
//!
//! The passage is the run of `max_bytes` whose marked words weigh most (the earliest on a tie),
//! starting a little before its first marked word, at the start of a sentence when one is near,
//! so the reader sees the words in their context.

use std::ops::Range;

use aho_corasick::packed;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// A run of snippet text; `marked` runs are the words that matched. Plain text: the page escapes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetPart {
    pub text: String,
    pub marked: bool,
}

/// How much of the passage may come before its first marked word, as a share of it.
const LEAD_IN_SHARE: usize = 4;

/// The words to mark, lowercased, with how much each one counts towards choosing the passage.
pub struct Highlighter {
    /// Finds every spelling; `weights[pattern]` is what a match counts.
    finder: Option<Finder>,
    weights: Vec<f32>,
    max_bytes: usize,
}

/// A marked word found in the text: where it is and what it counts.
#[derive(Debug, Clone)]
struct Found {
    range: Range<usize>,
    weight: f32,
}

impl Highlighter {
    /// `words` are lowercase, as the plain analyser writes them. Each is looked for as written,
    /// capitalised and in capitals: a matcher that folds case itself cannot use the SIMD
    /// prefilter that skips most of the text.
    pub fn new(words: impl IntoIterator<Item = (String, f32)>, max_bytes: usize) -> Highlighter {
        let mut patterns: Vec<String> = Vec::new();
        let mut weights: Vec<f32> = Vec::new();
        for (word, weight) in words {
            for spelling in [capitalised(&word), word.to_uppercase(), word] {
                if !spelling.is_empty() && !patterns.contains(&spelling) {
                    patterns.push(spelling);
                    weights.push(weight);
                }
            }
        }
        let finder = Finder::new(&patterns);
        Highlighter {
            finder,
            weights,
            max_bytes,
        }
    }

    /// Every marked word of `text` that stands as a whole word, in order.
    fn found(&self, text: &str) -> Vec<Found> {
        let Some(finder) = &self.finder else {
            return Vec::new();
        };
        finder
            .matches(text)
            .into_iter()
            .filter(|(range, _)| is_whole_word(text, range.clone()))
            .map(|(range, pattern)| Found {
                range,
                weight: self.weights[pattern],
            })
            .collect()
    }

    /// The best passage of `text` as plain and marked runs, with an ellipsis where it starts or
    /// stops mid-text; empty when no marked word is in `text`.
    pub fn snippet(&self, text: &str) -> Vec<SnippetPart> {
        let found = self.found(text);
        let Some(first) = densest_run(&found, self.max_bytes - self.max_bytes / LEAD_IN_SHARE)
        else {
            return Vec::new();
        };
        let start = passage_start(
            text,
            found[first].range.start,
            self.max_bytes / LEAD_IN_SHARE,
        );
        let stop = passage_stop(text, start + self.max_bytes, found[first].range.end);
        let marked = found[first..]
            .iter()
            .take_while(|word| word.range.end <= stop)
            .map(|word| word.range.clone());
        parts(text, start..stop, marked)
    }
}

/// Finds several words in one pass, leftmost-longest.
enum Finder {
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
}

impl Finder {
    fn new(patterns: &[String]) -> Option<Finder> {
        if patterns.is_empty() {
            return None;
        }
        let packed = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostLongest)
            .builder()
            .extend(patterns)
            .build();
        if let Some(searcher) = packed {
            return Some(Finder::Packed(searcher));
        }
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns)
            .ok()
            .map(Finder::Automaton)
    }

    /// Each match's place and pattern number.
    fn matches(&self, text: &str) -> Vec<(Range<usize>, usize)> {
        match self {
            Finder::Packed(searcher) => searcher
                .find_iter(text)
                .map(|found| (found.range(), found.pattern().as_usize()))
                .collect(),
            Finder::Automaton(automaton) => automaton
                .find_iter(text)
                .map(|found| (found.range(), found.pattern().as_usize()))
                .collect(),
        }
    }
}

/// The index of the marked word that starts the run of `window` bytes whose words weigh most.
fn densest_run(found: &[Found], window: usize) -> Option<usize> {
    let mut best: Option<(usize, f32)> = None;
    let mut end = 0;
    let mut weight = 0.0;
    for (start, word) in found.iter().enumerate() {
        while end < found.len() && found[end].range.end <= word.range.start + window {
            weight += found[end].weight;
            end += 1;
        }
        // A word longer than the window still makes a passage on its own.
        let run_weight = if end > start { weight } else { word.weight };
        if best.is_none_or(|(_, best_weight)| run_weight > best_weight) {
            best = Some((start, run_weight));
        }
        if end > start {
            weight -= word.weight;
        } else {
            end = start + 1;
        }
    }
    best.map(|(start, _)| start)
}

/// Where the passage starts: at most `lead_in` bytes before `first_marked`, at the start of a
/// sentence when one begins in that stretch, or else at the start of a word.
fn passage_start(text: &str, first_marked: usize, lead_in: usize) -> usize {
    let earliest = floor_char_boundary(text, first_marked.saturating_sub(lead_in));
    if earliest == 0 {
        return 0;
    }
    let before = &text[earliest..first_marked];
    if let Some(sentence_end) = before.rfind(['.', '!', '?', '\n', ':']) {
        let after = earliest + sentence_end + 1;
        return after
            + (text[after..first_marked].len() - text[after..first_marked].trim_start().len());
    }
    // The first word that starts inside the stretch; a word cut at its start would mislead.
    before
        .char_indices()
        .find(|&(at, c)| c.is_alphanumeric() && !ends_in_word(&text[..earliest + at]))
        .map_or(first_marked, |(at, _)| earliest + at)
}

/// Where the passage stops: at the end of the last word that ends by `limit`, and never before
/// `at_least` (the end of its first marked word).
fn passage_stop(text: &str, limit: usize, at_least: usize) -> usize {
    if limit >= text.len() {
        return text.len();
    }
    let limit = floor_char_boundary(text, limit);
    if limit <= at_least {
        return at_least;
    }
    let within = &text[at_least..limit];
    let mut stop = at_least;
    let mut in_word = false;
    for (at, c) in within.char_indices() {
        let word_char = c.is_alphanumeric();
        if in_word && !word_char {
            stop = at_least + at;
        }
        in_word = word_char;
    }
    if in_word && !starts_with_word_char(&text[limit..]) {
        stop = limit;
    }
    stop
}

/// The passage `range` of `text` as plain and marked runs, with an ellipsis at a cut end.
fn parts(
    text: &str,
    range: Range<usize>,
    marked: impl Iterator<Item = Range<usize>>,
) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut push = |text: &str, marked: bool| {
        if !text.is_empty() {
            parts.push(SnippetPart {
                text: text.to_owned(),
                marked,
            });
        }
    };
    if range.start > 0 {
        push("… ", false);
    }
    let mut at = range.start;
    for word in marked {
        push(&text[at..word.start], false);
        push(&text[word.clone()], true);
        at = word.end;
    }
    push(&text[at..range.end], false);
    if range.end < text.len() {
        push(" …", false);
    }
    parts
}

/// A match inside a longer word ("cramp" in "cramping") is not that word.
fn is_whole_word(text: &str, range: Range<usize>) -> bool {
    !ends_in_word(&text[..range.start]) && !starts_with_word_char(&text[range.end..])
}

fn ends_in_word(text: &str) -> bool {
    text.chars().next_back().is_some_and(char::is_alphanumeric)
}

fn starts_with_word_char(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_alphanumeric)
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn highlighter(words: &[(&str, f32)], max_bytes: usize) -> Highlighter {
        Highlighter::new(
            words
                .iter()
                .map(|&(word, weight)| (word.to_owned(), weight)),
            max_bytes,
        )
    }

    /// The snippet written out, marked words in brackets.
    fn shown(words: &[(&str, f32)], text: &str, max_bytes: usize) -> String {
        highlighter(words, max_bytes)
            .snippet(text)
            .iter()
            .map(|part| {
                if part.marked {
                    format!("[{}]", part.text)
                } else {
                    part.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn whole_words_are_marked_in_any_case_and_script() {
        let words = [("cramp", 1.0), ("cramps", 1.0), ("école", 1.0)];
        assert_eq!(
            shown(
                &words,
                "Cramps, CRAMP and cramping; École, ÉCOLE, écoles.",
                200
            ),
            "[Cramps], [CRAMP] and cramping; [École], [ÉCOLE], écoles."
        );
    }

    #[test]
    fn nothing_is_shown_when_no_marked_word_is_in_the_text() {
        assert!(
            highlighter(&[("sciatica", 1.0)], 200)
                .snippet("back pain")
                .is_empty()
        );
        assert!(highlighter(&[], 200).snippet("back pain").is_empty());
        assert!(highlighter(&[("pain", 1.0)], 200).snippet("").is_empty());
    }

    #[test]
    fn the_passage_is_where_the_marked_words_weigh_most() {
        let filler = "Keep moving and rest when you need to. ".repeat(10);
        let text = format!("Pain once. {filler}Sciatica is nerve pain. Sciatica eases. {filler}");
        let words = [("pain", 0.1), ("sciatica", 0.5)];
        let snippet = shown(&words, &text, 80);
        assert!(
            snippet.starts_with("… [Sciatica] is nerve [pain]. [Sciatica] eases."),
            "{snippet}"
        );
        assert!(snippet.ends_with(" …"), "{snippet}");
    }

    #[test]
    fn the_passage_starts_at_a_sentence_or_a_word_and_stops_at_a_word() {
        let text = "One two three four five. Six seven sciatica eleven twelve thirteen fourteen \
                    fifteen sixteen.";
        let snippet = shown(&[("sciatica", 1.0)], text, 60);
        assert_eq!(
            snippet,
            "… Six seven [sciatica] eleven twelve thirteen fourteen fifteen …"
        );
        let text = "alpha beta gamma delta epsilon zeta eta theta iota kappa sciatica lambda";
        let snippet = shown(&[("sciatica", 1.0)], text, 40);
        assert_eq!(snippet, "… kappa [sciatica] lambda");
    }

    #[test]
    fn no_passage_is_longer_than_asked_or_splits_a_character() {
        let text = "ééé sciatica ".repeat(50);
        for max_bytes in [10, 17, 40, 101, 220] {
            let parts = highlighter(&[("sciatica", 1.0)], max_bytes).snippet(&text);
            let passage: String = parts
                .iter()
                .map(|part| part.text.as_str())
                .collect::<String>();
            let passage = passage.trim_start_matches("… ").trim_end_matches(" …");
            assert!(
                passage.len() <= max_bytes.max("sciatica".len()),
                "{max_bytes}: {passage}"
            );
            assert!(parts.iter().any(|part| part.marked), "{max_bytes}");
        }
    }

    #[test]
    fn a_marked_word_longer_than_the_passage_is_still_shown() {
        let word = "supercalifragilistic";
        assert_eq!(
            shown(&[(word, 1.0)], &format!("so {word} too"), 8),
            format!("… [{word}] …")
        );
    }
}
