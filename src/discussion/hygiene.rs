//! Invisible characters in readers' text: Unicode format characters (general category Cf) are
//! removed from names and posts, because they let a post look different from what it says.
//! `Eve\u{202E}` reverses whatever follows it on the page; a name of zero-width spaces shows as
//! nothing at all.
//!
//! Two format characters are real spelling and are kept where they join two visible characters:
//! ZERO WIDTH NON-JOINER (Persian, Indic scripts) and ZERO WIDTH JOINER (emoji sequences such as
//! 👩‍⚕️). Emoji tag characters are kept after a black flag, where they spell 🏴󠁧󠁢󠁳󠁣󠁴󠁿 and its kind.
//! Every bidirectional control (embeddings, overrides, isolates, marks) is a format character, so
//! none survives, paired or not; the page isolates each name and post with `dir="auto"` instead.

const ZERO_WIDTH_NON_JOINER: char = '\u{200C}';
const ZERO_WIDTH_JOINER: char = '\u{200D}';
const WAVING_BLACK_FLAG: char = '\u{1F3F4}';
const TAGS: std::ops::RangeInclusive<char> = '\u{E0020}'..='\u{E007F}';

/// Every code point of general category Cf in Unicode 16.0 (DerivedGeneralCategory.txt).
const FORMAT_CHARACTERS: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{0600}', '\u{0605}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{06DD}', '\u{06DD}'),
    ('\u{070F}', '\u{070F}'),
    ('\u{0890}', '\u{0891}'),
    ('\u{08E2}', '\u{08E2}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFF9}', '\u{FFFB}'),
    ('\u{110BD}', '\u{110BD}'),
    ('\u{110CD}', '\u{110CD}'),
    ('\u{13430}', '\u{1343F}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0001}', '\u{E0001}'),
    ('\u{E0020}', '\u{E007F}'),
];

/// Characters of other categories that still draw nothing: fillers and a blank pattern, the
/// Khmer inherent vowels (drawn as nothing), Mongolian variation selectors and the object
/// replacement character (a box at most, with nothing to replace in plain text).
const BLANK_LOOKING: &[char] = &[
    '\u{115F}', '\u{1160}', '\u{2800}', '\u{3164}', '\u{FFA0}', '\u{034F}', '\u{17B4}', '\u{17B5}',
    '\u{180B}', '\u{180C}', '\u{180D}', '\u{180F}', '\u{FFFC}',
];

/// Private-use characters mean whatever a font says, and to every other font nothing: a name of
/// them looks blank (or like anything) to readers.
const PRIVATE_USE: &[(char, char)] = &[
    ('\u{E000}', '\u{F8FF}'),
    ('\u{F0000}', '\u{FFFFD}'),
    ('\u{100000}', '\u{10FFFD}'),
];

/// Combining marks draw on the character before them, never on their own.
const COMBINING_MARKS: &[(char, char)] = &[
    ('\u{0300}', '\u{036F}'),
    ('\u{1AB0}', '\u{1AFF}'),
    ('\u{1DC0}', '\u{1DFF}'),
    ('\u{20D0}', '\u{20FF}'),
    ('\u{FE00}', '\u{FE0F}'),
    ('\u{FE20}', '\u{FE2F}'),
];

fn in_ranges(c: char, ranges: &[(char, char)]) -> bool {
    ranges.iter().any(|&(low, high)| (low..=high).contains(&c))
}

pub fn is_format_character(c: char) -> bool {
    in_ranges(c, FORMAT_CHARACTERS)
}

/// Whether `c` shows something on its own: not a space, control, format character, combining
/// mark or blank-looking filler.
pub fn is_visible(c: char) -> bool {
    !(c.is_whitespace()
        || c.is_control()
        || is_format_character(c)
        || in_ranges(c, COMBINING_MARKS)
        || in_ranges(c, PRIVATE_USE)
        || BLANK_LOOKING.contains(&c))
}

/// How many characters of `text` show something.
pub fn visible_count(text: &str) -> usize {
    text.chars().filter(|&c| is_visible(c)).count()
}

/// `text` without its format characters, except joiners between two visible characters and
/// tag characters spelling a flag.
pub fn remove_format_characters(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut kept = String::with_capacity(text.len());
    let mut in_flag = false;
    for (at, &c) in chars.iter().enumerate() {
        if c == WAVING_BLACK_FLAG {
            in_flag = true;
        } else if !TAGS.contains(&c) {
            in_flag = false;
        }
        let keep = if !is_format_character(c) {
            true
        } else if c == ZERO_WIDTH_JOINER || c == ZERO_WIDTH_NON_JOINER {
            let before = at.checked_sub(1).and_then(|i| chars.get(i));
            let after = chars.get(at + 1);
            // An emoji's variation selector may sit between it and the joiner.
            let before_visible =
                before.is_some_and(|&b| is_visible(b) || ('\u{FE00}'..='\u{FE0F}').contains(&b));
            before_visible && after.is_some_and(|&a| is_visible(a))
        } else {
            TAGS.contains(&c) && in_flag
        };
        if keep {
            kept.push(c);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_overrides_and_zero_width_spaces_go() {
        assert_eq!(remove_format_characters("Eve\u{202E}gnp.exe"), "Evegnp.exe");
        assert_eq!(remove_format_characters("\u{200B}\u{200B}\u{200B}"), "");
        assert_eq!(
            remove_format_characters("\u{2067}abc\u{2069} \u{200F}x\u{FEFF}"),
            "abc x"
        );
        assert_eq!(visible_count("\u{200B}\u{3164}\u{0301} \u{2800}"), 0);
        assert_eq!(visible_count("Jo"), 2);
    }

    #[test]
    fn real_writing_keeps_its_joiners() {
        // Persian "mi-xaham": the non-joiner is part of the spelling.
        let persian = "می\u{200C}خواهم";
        assert_eq!(remove_format_characters(persian), persian);
        // Woman health worker: woman, joiner, staff of Aesculapius, variation selector.
        let emoji = "\u{1F469}\u{200D}\u{2695}\u{FE0F}";
        assert_eq!(remove_format_characters(emoji), emoji);
        // Family: joiners between pictographs.
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        assert_eq!(remove_format_characters(family), family);
        // Scotland's flag: black flag, tag letters, cancel tag.
        let scotland = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
        assert_eq!(remove_format_characters(scotland), scotland);
        assert_eq!(remove_format_characters("a\u{E0067}b"), "ab");
        // A joiner on its own, at an edge or next to a space, joins nothing.
        assert_eq!(remove_format_characters("\u{200D}Jo \u{200D}"), "Jo ");
        assert_eq!(remove_format_characters("中文，العربية"), "中文，العربية");
    }
}
