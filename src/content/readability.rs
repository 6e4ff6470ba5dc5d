//! Readability of plain prose: sentences, syllables and the Flesch–Kincaid grade.
//! Pure text statistics over `ProseBlock`s; which grade is too hard is decided in `lint`.
//!
//! Flesch–Kincaid grade = 0.39 × (words ÷ sentences) + 11.8 × (syllables ÷ words) − 15.59.
//! It estimates the US school grade needed to follow the text; add 5 for a reading age.

use super::prose::ProseBlock;

/// One sentence of prose with the file line and column it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub text: String,
    pub line: usize,
    pub column: usize,
    pub words: usize,
    pub syllables: usize,
}

impl Sentence {
    /// The Flesch–Kincaid grade of this sentence on its own: long and full of long words scores high.
    pub fn grade(&self) -> f64 {
        flesch_kincaid_grade(self.words, 1, self.syllables)
    }
}

/// The sentences of a text and their totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Readability {
    pub sentences: Vec<Sentence>,
}

/// Sentences shorter than this are never listed as the hardest: a short sentence is quick to
/// read even with a long word in it, and pointing at "Physiotherapy." would not help the author.
const HARDEST_MIN_WORDS: usize = 5;

impl Readability {
    /// Splits every block into sentences. A paragraph or list item always ends a sentence,
    /// so list items without a full stop count as the short sentences a reader sees them as.
    pub fn measure(blocks: &[ProseBlock]) -> Readability {
        Readability {
            sentences: blocks.iter().flat_map(sentences).collect(),
        }
    }

    pub fn words(&self) -> usize {
        self.sentences.iter().map(|s| s.words).sum()
    }

    pub fn syllables(&self) -> usize {
        self.sentences.iter().map(|s| s.syllables).sum()
    }

    /// The grade of the whole text, or `None` when there is no prose to score.
    pub fn grade(&self) -> Option<f64> {
        let words = self.words();
        (words > 0).then(|| flesch_kincaid_grade(words, self.sentences.len(), self.syllables()))
    }

    /// Up to `count` sentences with the highest grade of their own, hardest first.
    pub fn hardest(&self, count: usize) -> Vec<&Sentence> {
        let mut candidates: Vec<&Sentence> = self
            .sentences
            .iter()
            .filter(|s| s.words >= HARDEST_MIN_WORDS)
            .collect();
        if candidates.is_empty() {
            candidates = self.sentences.iter().collect();
        }
        // Stable sort: among equally hard sentences the earliest comes first.
        candidates.sort_by(|a, b| b.grade().total_cmp(&a.grade()));
        candidates.truncate(count);
        candidates
    }
}

pub fn flesch_kincaid_grade(words: usize, sentences: usize, syllables: usize) -> f64 {
    let words = words.max(1) as f64;
    let sentences = sentences.max(1) as f64;
    0.39 * (words / sentences) + 11.8 * (syllables as f64 / words) - 15.59
}

/// Abbreviations whose full stop does not end a sentence (compared in lowercase).
const ABBREVIATIONS: &[&str] = &[
    "e.g.", "i.e.", "etc.", "eg.", "ie.", "dr.", "mr.", "mrs.", "ms.", "vs.", "approx.",
];

/// Splits one block into sentences: a `.`, `!` or `?` followed by a space (or the end) ends one.
pub fn sentences(block: &ProseBlock) -> Vec<Sentence> {
    let text = block.text.as_str();
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        // Closing quotes and brackets belong to the sentence they close.
        let mut end = index + c.len_utf8();
        while let Some(&(next_index, next)) = chars.peek() {
            if matches!(next, '"' | '\'' | ')' | ']' | '”' | '’' | '.' | '!' | '?') {
                end = next_index + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let at_break = chars.peek().is_none_or(|&(_, next)| next.is_whitespace());
        let last_word = text[start..end]
            .split_whitespace()
            .last()
            .unwrap_or_default()
            .to_lowercase();
        if at_break && !ABBREVIATIONS.contains(&last_word.as_str()) {
            sentences.extend(sentence(block, start, end));
            start = end;
        }
    }
    sentences.extend(sentence(block, start, text.len()));
    sentences
}

fn sentence(block: &ProseBlock, start: usize, end: usize) -> Option<Sentence> {
    let raw = &block.text[start..end];
    let leading = raw.len() - raw.trim_start().len();
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let (word_count, syllable_count) = words(&text).fold((0, 0), |(count, total), word| {
        (count + 1, total + syllables(word))
    });
    let (line, column) = block.place_at(start + leading);
    (word_count > 0).then_some(Sentence {
        line,
        column,
        words: word_count,
        syllables: syllable_count,
        text,
    })
}

/// The words of a text: whitespace- or slash-separated tokens with at least one letter or digit.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '/' | '—' | '–'))
        .filter(|token| token.chars().any(char::is_alphanumeric))
}

/// Estimated syllables in one word (a token as `words` yields it, punctuation and all).
///
/// English spelling does not give syllables exactly, so this counts groups of vowels and then
/// corrects for the common exceptions: silent final e, -ed and -es endings, -le, -ing, and vowel
/// pairs that are said as two (me-di-a, se-ri-ous, u-su-al). Numbers count as one syllable and
/// all-capital initialisms without vowels (NHS, GP) as one per letter.
pub fn syllables(word: &str) -> usize {
    let word = word.trim_end_matches("'s").trim_end_matches("’s");
    let mut total = 0;
    let mut run = String::new();
    let mut in_number = false;
    // Hyphens, ampersands and other joiners split a token into parts that are counted separately.
    for c in word.chars().chain(std::iter::once(' ')) {
        if c.is_alphabetic() {
            run.push(c);
            in_number = false;
        } else if c == '\'' || c == '’' {
            // don't, you're: the apostrophe is inside a word, not between two.
        } else {
            if !run.is_empty() {
                total += run_syllables(&run);
                run.clear();
            }
            if c.is_ascii_digit() {
                if !in_number {
                    total += 1;
                }
                in_number = true;
            } else if !matches!(c, '.' | ',') {
                in_number = false;
            }
        }
    }
    total.max(1)
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// Syllables of a run of letters.
fn run_syllables(run: &str) -> usize {
    let is_initialism = run.chars().count() >= 2
        && run.chars().all(|c| c.is_uppercase())
        && !run.chars().any(|c| is_vowel(c.to_ascii_lowercase()));
    if is_initialism {
        return run.chars().count();
    }
    let lower = run.to_lowercase();
    letters_syllables(&lower.chars().collect::<Vec<char>>())
}

/// First halves of compound words whose silent e would otherwise be counted inside the word
/// (some-thing, safe-ty, fore-head).
const COMPOUND_HEADS: &[&str] = &[
    "some", "where", "there", "home", "care", "life", "time", "safe", "more", "fore", "side",
    "like", "whole", "base", "wide",
];

fn letters_syllables(word: &[char]) -> usize {
    if word.len() <= 3 {
        return 1;
    }
    if let Some(count) = compound_or_ing_syllables(word) {
        return count;
    }
    let count = vowel_groups(word) - silent_endings(word) + said_apart_pairs(word);
    if ends_with(word, "ism") {
        return (count + 1).max(1);
    }
    count.max(1)
}

/// A compound (`back` + `ache`) or an -ing word counted from its parts.
fn compound_or_ing_syllables(word: &[char]) -> Option<usize> {
    for head in COMPOUND_HEADS {
        let head: Vec<char> = head.chars().collect();
        if let Some(rest) = word.strip_prefix(head.as_slice())
            && rest.len() >= 2
            && rest.iter().any(|&c| is_vowel(c) || c == 'y')
        {
            return Some(letters_syllables(&head) + letters_syllables(rest));
        }
    }
    // -ing adds a syllable to its stem (be-ing, stay-ing, walk-ing) unless the stem has no vowel (bring, thing).
    for suffix in [&['i', 'n', 'g', 's'][..], &['i', 'n', 'g'][..]] {
        if let Some(stem) = word.strip_suffix(suffix)
            && stem.len() >= 2
            && stem.iter().any(|&c| is_vowel(c) || c == 'y')
        {
            return Some(letters_syllables(stem) + 1);
        }
    }
    None
}

/// Groups of vowel letters, each counted once.
fn vowel_groups(word: &[char]) -> usize {
    // `y` is a vowel except before another vowel (you, beyond, player).
    let vowel_at = |i: usize| -> bool {
        let c = word[i];
        is_vowel(c) || (c == 'y' && !word.get(i + 1).copied().is_some_and(is_vowel))
    };
    // `u` after `q` is part of the consonant sound (quite, equal).
    let counts_as_vowel =
        |i: usize| vowel_at(i) && !(word[i] == 'u' && i > 0 && word[i - 1] == 'q');
    let mut count = 0;
    let mut previous_vowel = false;
    for i in 0..word.len() {
        let vowel = counts_as_vowel(i);
        if vowel && !previous_vowel {
            count += 1;
        }
        previous_vowel = vowel;
    }
    count
}

/// Endings whose `e` the grouping counted but no one says: spine, makes, jumped, safely.
fn silent_endings(word: &[char]) -> usize {
    let len = word.len();
    let mut count = 0;
    let consonant = |c: char| !is_vowel(c) && c != 'y';
    let at = |i: usize| word.get(i).copied().unwrap_or(' ');
    let ends_with = |suffix: &str| {
        let suffix: Vec<char> = suffix.chars().collect();
        word.ends_with(&suffix)
    };
    // A consonant followed by -le, -les or -led is its own syllable (ta-ble, mus-cles, set-tled).
    let consonant_le = |before_le: usize| {
        at(before_le) != ' ' && consonant(at(before_le)) && at(before_le + 1) == 'l'
    };

    if ends_with("e") && consonant(at(len - 2)) && !consonant_le(len.saturating_sub(3)) {
        count += 1; // silent final e: spine, ease
    } else if ends_with("es")
        && consonant(at(len - 3))
        && !matches!(at(len - 3), 's' | 'x' | 'z' | 'c' | 'g')
        && !(at(len - 3) == 'h' && matches!(at(len - 4), 'c' | 's'))
        && !consonant_le(len.saturating_sub(4))
    {
        count += 1; // makes, nerves; but boxes, pages, stretches, muscles keep it
    } else if ends_with("ed")
        && consonant(at(len - 3))
        && !matches!(at(len - 3), 't' | 'd')
        && !consonant_le(len.saturating_sub(4))
    {
        count += 1; // jumped, used; but wanted, needed, settled keep it
    }
    // A silent e before a suffix: safe-ly, move-ment, use-ful.
    for suffix in ["ely", "ement", "eful", "eless", "eness"] {
        if ends_with(suffix) && len > suffix.len() + 1 && consonant(at(len - suffix.len() - 1)) {
            count += 1;
        }
    }
    count
}

/// Vowel pairs said as two syllables, which the grouping counted as one.
fn said_apart_pairs(word: &[char]) -> usize {
    let len = word.len();
    let at = |i: usize| word.get(i).copied().unwrap_or(' ');
    let mut count = 0;
    for i in 0..len.saturating_sub(1) {
        let pair = (word[i], word[i + 1]);
        let before = if i > 0 { at(i - 1) } else { ' ' };
        let after = at(i + 2);
        count += usize::from(match pair {
            // me-di-a, sci-at-i-ca; but spe-cial, phy-si-cian, mis-car-riage
            ('i', 'a') => {
                let said_as_one = matches!(before, 'c' | 't' | 's' | 'g')
                    && matches!(after, 'l' | 'n')
                    || after == 'g' && at(i + 3) == 'e';
                !said_as_one
            }
            // me-di-um, cal-ci-um
            ('i', 'u') => true,
            // ra-di-o, pe-ri-od; but ac-tion, se-ri-ous is handled by "iou" below
            ('i', 'o') => {
                if after == 'u' {
                    !matches!(before, 'c' | 't' | 'x' | 'g')
                } else {
                    after != 'n'
                }
            }
            // u-su-al, ac-tu-al; but e-qual, lan-guage
            ('u', 'a') => !matches!(before, 'q' | 'g'),
            _ => false,
        });
    }
    count
}

fn ends_with(word: &[char], suffix: &str) -> bool {
    let suffix: Vec<char> = suffix.chars().collect();
    word.ends_with(&suffix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown;

    #[test]
    fn syllables_of_known_words() {
        let known: &[(&str, usize)] = &[
            ("cat", 1),
            ("the", 1),
            ("back", 1),
            ("pain", 1),
            ("spine", 1),
            ("nerve", 1),
            ("nerves", 1),
            ("knee", 1),
            ("you", 1),
            ("try", 1),
            ("ease", 1),
            ("makes", 1),
            ("jumped", 1),
            ("used", 1),
            ("cramps", 1),
            ("bring", 1),
            ("quite", 1),
            ("muscle", 2),
            ("muscles", 2),
            ("table", 2),
            ("little", 2),
            ("cycle", 2),
            ("people", 2),
            ("water", 2),
            ("doctor", 2),
            ("body", 2),
            ("daily", 2),
            ("yoga", 2),
            ("beyond", 2),
            ("player", 2),
            ("wanted", 2),
            ("needed", 2),
            ("settled", 2),
            ("eases", 2),
            ("pages", 2),
            ("causes", 2),
            ("stretches", 2),
            ("changes", 2),
            ("tissue", 2),
            ("safely", 2),
            ("movement", 2),
            ("useful", 2),
            ("stomach", 2),
            ("special", 2),
            ("anxious", 2),
            ("being", 2),
            ("doing", 2),
            ("lying", 2),
            ("staying", 2),
            ("walking", 2),
            ("equal", 2),
            ("action", 2),
            ("exercise", 3),
            ("beautiful", 3),
            ("pregnancy", 3),
            ("medium", 3),
            ("media", 3),
            ("period", 3),
            ("serious", 3),
            ("usual", 3),
            ("actual", 3),
            ("completely", 3),
            ("something", 2),
            ("sometimes", 2),
            ("safety", 2),
            ("forehead", 2),
            ("likely", 2),
            ("miscarriage", 3),
            ("exercises", 4),
            ("ibuprofen", 4),
            ("inflammation", 4),
            ("sciatica", 4),
            ("temperature", 4),
            ("paracetamol", 5),
            ("physiotherapy", 6),
        ];
        let wrong: Vec<String> = known
            .iter()
            .filter(|&&(word, expected)| syllables(word) != expected)
            .map(|&(word, expected)| format!("{word}: {} (want {expected})", syllables(word)))
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn syllables_of_tokens_with_punctuation_numbers_and_initialisms() {
        assert_eq!(syllables("back,"), 1);
        assert_eq!(syllables("(muscles)"), 2);
        assert_eq!(syllables("don't"), 1);
        assert_eq!(syllables("GP's"), 2);
        assert_eq!(syllables("NHS"), 3);
        assert_eq!(syllables("A&E"), 2);
        assert_eq!(syllables("999"), 1);
        assert_eq!(syllables("1.5"), 1);
        assert_eq!(syllables("anti-inflammatories"), 7);
    }

    #[test]
    fn flesch_kincaid_formula() {
        let grade = flesch_kincaid_grade(100, 5, 150);
        assert!((grade - 9.91).abs() < 1e-9, "{grade}");
    }

    fn blocks(markdown_text: &str) -> Vec<ProseBlock> {
        markdown::render(markdown_text, 1, &crate::content::lists::fixture()).prose
    }

    #[test]
    fn flesch_kincaid_of_known_text() {
        // Counted by hand: "The cat sat on the mat." is 6 words of 1 syllable;
        // "It was a happy cat with a little bed." is 9 words, 11 syllables (hap-py, lit-tle).
        let text = "The cat sat on the mat. It was a happy cat with a little bed.";
        let readability = Readability::measure(&blocks(text));
        assert_eq!(readability.sentences.len(), 2);
        assert_eq!(readability.words(), 15);
        assert_eq!(readability.syllables(), 17);
        // 0.39 × 15/2 + 11.8 × 17/15 − 15.59
        let grade = readability.grade().expect("prose");
        assert!((grade - 0.708_333).abs() < 1e-5, "{grade}");
    }

    #[test]
    fn sentences_keep_their_lines_and_skip_abbreviations() {
        let text = "Intro line one.\nStill the intro, e.g. this part! A new\nsentence here?\n\n- a list item\n- another one.\n";
        let found: Vec<(usize, String)> = blocks(text)
            .iter()
            .flat_map(sentences)
            .map(|s| (s.line, s.text))
            .collect();
        assert_eq!(
            found,
            [
                (1, "Intro line one.".to_owned()),
                (2, "Still the intro, e.g. this part!".to_owned()),
                (2, "A new sentence here?".to_owned()),
                (5, "a list item".to_owned()),
                (6, "another one.".to_owned()),
            ]
        );
    }

    #[test]
    fn headings_code_tables_and_alt_text_are_not_prose() {
        let text = "## A heading with extraordinarily complicated vocabulary\n\nPlain words here.\n\n```\ncode block\n```\n\n| table | cell |\n|---|---|\n| x | y |\n\n![an image described](/static/x.svg) Then text.\n";
        let readability = Readability::measure(&blocks(text));
        let texts: Vec<&str> = readability
            .sentences
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(texts, ["Plain words here.", "Then text."]);
    }

    #[test]
    fn hardest_sentences_are_long_and_full_of_long_words() {
        let text = "Sit down. Rest a bit now and then. Physiotherapy. \
                    Anti-inflammatory medication occasionally exacerbates gastrointestinal irritation. \
                    Keep moving as much as you can each day.";
        let readability = Readability::measure(&blocks(text));
        let hardest: Vec<&str> = readability
            .hardest(2)
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(
            hardest,
            [
                "Anti-inflammatory medication occasionally exacerbates gastrointestinal irritation.",
                "Keep moving as much as you can each day."
            ]
        );
    }

    #[test]
    fn no_prose_has_no_grade() {
        assert_eq!(Readability::measure(&[]).grade(), None);
    }
}
