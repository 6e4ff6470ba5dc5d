//! The reading grade of one sentence, fair to the words a health page cannot avoid.
//!
//! Flesch–Kincaid scores a sentence by its length and its syllables per word, so one name the
//! page must use (spondylolisthesis, 6 syllables; paracetamol, 5) puts a plain sentence past grade
//! 9 on its own: scored raw, 173 sentences of the bundled articles did, most of them plain. On a
//! single sentence the formula swings by a grade for each syllable, so everyday long words
//! (usually, especially, exercise) tipped the rest. Rewording cannot remove those words, and
//! warnings that cannot be fixed teach authors to ignore warnings. So here a known word counts
//! as a word of one syllable, as the reader takes it in at a glance: a medicine (`MEDICINE_NAMES`),
//! a condition, treatment or service the site names (`KNOWN_TERMS`), an everyday long word
//! (`EVERYDAY_WORDS`), a word of the page's own title or tags, or a name written with a capital
//! inside the sentence (NICE, Cochrane, Mayo Clinic). The sentence is then judged on the words
//! the author chose and can change. A sentence under `GRADED_SENTENCE_MIN_WORDS` is not graded:
//! with a handful of words the formula means little, and a short sentence is quick to read.
//!
//! Measured on the 42 bundled articles (2,000 sentences): 159 sentences of 8 words or more were
//! above grade 9 scored raw, 3 with these rules, and 2 of those were rewritten.

use super::editorial::MEDICINE_NAMES;
use crate::content::Article;
use crate::content::problem::{LineProblem, ProblemCode};
use crate::content::readability::{self, Readability, Sentence};

/// The hardest a single sentence may read: three grades above the page's target of 6, since a
/// page averages easy and harder sentences, but still within the NHS reading age of 14.
pub const SENTENCE_GRADE_MAX: f64 = 9.0;

/// Sentences with fewer words are not graded: the formula means little on a handful of words.
pub const GRADED_SENTENCE_MIN_WORDS: usize = 8;

/// What a known word weighs: one syllable, as a word the reader recognises whole.
const KNOWN_WORD_SYLLABLES: usize = 1;

/// Conditions, parts of the body, treatments, medicines by kind and services the pages name and
/// explain, in lowercase; plurals and possessives are matched by `known_word`.
pub const KNOWN_TERMS: &[&str] = &[
    "acupuncture",
    "aerobic",
    "ankylosing",
    "anti-inflammatories",
    "anti-inflammatory",
    "antibiotic",
    "anticoagulant",
    "aqua-natal",
    "arthritis",
    "axial",
    "benzodiazepine",
    "calcium",
    "cauda",
    "chiropractic",
    "chiropractor",
    "coccydynia",
    "coccyx",
    "colitis",
    "constipation",
    "contraception",
    "diarrhoea",
    "diuretic",
    "ectopic",
    "ejaculate",
    "ejaculating",
    "emergency",
    "endometriosis",
    "epidural",
    "epilepsy",
    "equina",
    "erection",
    "fibromyalgia",
    "genitals",
    "herniated",
    "hospital",
    "infection",
    "inflammation",
    "injection",
    "interferential",
    "ligament",
    "magnesium",
    "manipulation",
    "maternity",
    "medicine",
    "menopause",
    "nhs",
    "opioid",
    "osteoarthritis",
    "osteopath",
    "osteopathy",
    "osteoporosis",
    "paediatrician",
    "painkiller",
    "period",
    "pgp",
    "pharmacist",
    "physio",
    "physiotherapist",
    "physiotherapy",
    "pregnancy",
    "prostaglandin",
    "psoriasis",
    "radiculopathy",
    "rheumatologist",
    "sciatic",
    "sciatica",
    "specialist",
    "spondylitis",
    "spondyloarthritis",
    "spondylolisthesis",
    "statin",
    "stenosis",
    "surgery",
    "temperature",
    "therapist",
    "therapy",
    "ulcerative",
    "ultrasound",
    "uveitis",
    "vagina",
    "vertebra",
    "vertebrae",
    "appointment",
    "operation",
    "exercise",
    "cognitive",
    "behavioural",
    "occupational",
    "psychological",
];

/// Long words every reader uses (three syllables or more), in lowercase.
pub const EVERYDAY_WORDS: &[&str] = &[
    "activities",
    "activity",
    "alongside",
    "already",
    "another",
    "anything",
    "available",
    "carrying",
    "comfortable",
    "difference",
    "different",
    "easily",
    "especially",
    "evenly",
    "every",
    "everyday",
    "everyone",
    "everything",
    "examine",
    "example",
    "family",
    "general",
    "important",
    "normally",
    "otherwise",
    "position",
    "positive",
    "possible",
    "recover",
    "recovery",
    "regular",
    "similar",
    "suddenly",
    "tightening",
    "together",
    "uncomfortable",
    "usual",
    "usually",
];

/// A warning for each sentence of `article` graded above `SENTENCE_GRADE_MAX`, where it starts.
pub fn hard_sentences(article: &Article) -> Vec<LineProblem> {
    let own_words = own_words(article);
    Readability::measure(&article.prose)
        .sentences
        .iter()
        .filter_map(|sentence| {
            let grade = plain_grade(sentence, &own_words)?;
            let shown = (grade * 10.0).round() / 10.0;
            (shown > SENTENCE_GRADE_MAX).then(|| {
                LineProblem::at(ProblemCode::HardSentence,
                    sentence.line,
                    sentence.column,
                    format!(
                        "sentence reads at grade {shown:.1} (Flesch–Kincaid, known names and everyday words aside); use shorter, everyday words so it is grade {SENTENCE_GRADE_MAX} or below: \"{}\"",
                        super::place::quote_start(&sentence.text)
                    ),
                )
            })
        })
        .collect()
}

/// The grade of `sentence` with known words weighed as one syllable, or `None` for a sentence
/// too short to grade. `own_words` are the lowercase words of the page's title and tags.
pub fn plain_grade(sentence: &Sentence, own_words: &[String]) -> Option<f64> {
    (sentence.words >= GRADED_SENTENCE_MIN_WORDS).then(|| {
        let syllables: usize = readability::words(&sentence.text)
            .enumerate()
            .map(|(index, word)| {
                let syllables = readability::syllables(word);
                if known_word(word, own_words) || (index > 0 && is_capitalised(word)) {
                    syllables.min(KNOWN_WORD_SYLLABLES)
                } else {
                    syllables
                }
            })
            .sum();
        readability::flesch_kincaid_grade(sentence.words, 1, syllables)
    })
}

/// Whether a token of prose (punctuation and all) is a medicine, a known term, an everyday word
/// or one of the page's own words, in the singular or plural, with or without a possessive.
fn known_word(token: &str, own_words: &[String]) -> bool {
    let word = token
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let word = word.trim_end_matches("'s").trim_end_matches("’s");
    let singular = word.strip_suffix('s').unwrap_or(word);
    [word, singular].iter().any(|form| {
        MEDICINE_NAMES.contains(form)
            || KNOWN_TERMS.contains(form)
            || EVERYDAY_WORDS.contains(form)
            || own_words.iter().any(|own| own == form)
    })
}

/// A name inside a sentence: its first letter (after any bracket or quote) is a capital.
fn is_capitalised(token: &str) -> bool {
    token
        .chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(char::is_uppercase)
}

/// The lowercase words of the page's title and tags: what the page is about, which it has to name.
fn own_words(article: &Article) -> Vec<String> {
    let tags = article.front.tags.iter().map(String::as_str);
    std::iter::once(article.front.title.as_str())
        .chain(tags)
        .flat_map(|text| text.split(|c: char| !c.is_alphanumeric()))
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::lint::tests::{CLEAN_BODY, CLEAN_FRONT, article};
    use crate::content::prose::ProseBlock;

    fn only_sentence(text: &str) -> Sentence {
        let mut sentences = readability::sentences(&ProseBlock::plain(text));
        assert_eq!(sentences.len(), 1, "{sentences:?}");
        sentences.remove(0)
    }

    #[test]
    fn a_hard_sentence_is_reported_where_it_starts() {
        let hard = "Conservative management encompasses pharmacological intervention alongside graduated physical rehabilitation.";
        let body = format!("{CLEAN_BODY}\nRest a little. {hard}\n");
        let warnings: Vec<(usize, Option<usize>, String)> =
            hard_sentences(&article(CLEAN_FRONT, &body))
                .into_iter()
                .map(|warning| (warning.line, warning.column, warning.message))
                .collect();
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        let (line, column, message) = &warnings[0];
        assert_eq!((*line, *column), (19, Some(16)));
        assert!(
            message.starts_with("sentence reads at grade ")
                && message.ends_with(
                    "(Flesch–Kincaid, known names and everyday words aside); use shorter, everyday words so it is grade 9 or below: \"Conservative management encompasses pharmacological intervention alongside …\""
                ),
            "{message}"
        );
    }

    #[test]
    fn names_of_medicines_and_conditions_weigh_as_one_syllable() {
        let sentence =
            only_sentence("Take paracetamol or ibuprofen with food if your doctor says so.");
        assert!(
            sentence.grade() > SENTENCE_GRADE_MAX,
            "{}",
            sentence.grade()
        );
        let grade = plain_grade(&sentence, &[]).expect("long enough to grade");
        assert!(grade < 6.0, "{grade}");
        let conditions =
            only_sentence("Sciatica and spondylolisthesis can both make your leg feel weak.");
        assert!(plain_grade(&conditions, &[]).expect("graded") < conditions.grade());
    }

    #[test]
    fn the_page_s_own_title_and_tags_count_as_named_terms() {
        let sentence =
            only_sentence("Hypermobility means that your joints bend further than most.");
        let own = own_words(&article(
            &CLEAN_FRONT.replace("category", "tags = [\"hypermobility\"]\ncategory"),
            CLEAN_BODY,
        ));
        assert!(own.contains(&"hypermobility".to_owned()), "{own:?}");
        let plain = plain_grade(&sentence, &own).expect("graded");
        assert!(
            plain < plain_grade(&sentence, &[]).expect("graded"),
            "{plain}"
        );
    }

    #[test]
    fn short_sentences_are_not_graded() {
        let short = only_sentence("Spondylolisthesis causes considerable discomfort.");
        assert!(short.grade() > SENTENCE_GRADE_MAX);
        assert_eq!(plain_grade(&short, &[]), None);
        let body = format!("{CLEAN_BODY}\nAnti-inflammatory medication occasionally helps.\n");
        assert_eq!(hard_sentences(&article(CLEAN_FRONT, &body)), []);
    }
}
