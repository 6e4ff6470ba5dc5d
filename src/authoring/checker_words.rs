//! The symptom checker's words to readers, measured with the readability code the articles are
//! measured with (CLINICAL_SAFETY.md, "Plain words are tested"). Here rather than in `triage`,
//! above both, because triage and content do not import each other.

use crate::content::ProseBlock;
use crate::content::readability::Readability;
use crate::triage::assessment::all_reader_text;

/// Reading age 9 to 11 is a Flesch–Kincaid grade of 6 or below.
const MAX_GRADE: f64 = 6.0;

#[test]
fn reader_text_is_plain_english() {
    let mut too_hard = Vec::new();
    for text in all_reader_text() {
        let readability = Readability::measure(&[ProseBlock::plain(&text)]);
        if let Some(grade) = readability.grade()
            && grade > MAX_GRADE
        {
            too_hard.push(format!("{grade:.1}: {text}"));
        }
    }
    assert!(
        too_hard.is_empty(),
        "above grade {MAX_GRADE}:\n{}",
        too_hard.join("\n")
    );
    // Medical words always come with a plain gloss.
    for text in all_reader_text() {
        let text = text.as_str();
        for term in [
            "cauda equina",
            "osteoporosis",
            "aortic",
            "sepsis",
            "pre-eclampsia",
        ] {
            if text.to_lowercase().contains(term) {
                let glossed = [
                    "(",
                    " can be ",
                    " can mean ",
                    " may be ",
                    " is called ",
                    " is a ",
                    "weak from",
                ]
                .iter()
                .any(|gloss| text.contains(gloss));
                assert!(glossed, "{term} without a plain gloss: {text}");
            }
        }
    }
}
