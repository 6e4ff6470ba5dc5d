//! What every shortcode shares: reading `name="value"` arguments, saying what is wrong with a
//! call, and writing the text it shows. A leaf, so `shortcodes` and the warning boxes it expands
//! both use it without using each other.

use super::problem::ProblemCode;

/// What is wrong with a shortcode call: its kind, for `check`'s `[code]`, and what the author
/// reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    pub code: ProblemCode,
    pub message: String,
}

impl CallError {
    pub fn new(code: ProblemCode, message: impl Into<String>) -> CallError {
        CallError {
            code,
            message: message.into(),
        }
    }
}

/// `name="value", other="value"` as pairs; `None` if it is not written that way.
pub fn named_arguments(arguments: &str) -> Option<Vec<(&str, String)>> {
    let mut pairs = Vec::new();
    let mut rest = arguments.trim();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return None;
        }
        let mut chars = after.trim_start().char_indices();
        if chars.next()?.1 != '"' {
            return None;
        }
        let after = after.trim_start();
        let mut value = String::new();
        let mut end = None;
        let mut escaped = false;
        for (i, c) in chars {
            match c {
                _ if escaped => {
                    value.push(c);
                    escaped = false;
                }
                '\\' => escaped = true,
                '"' => {
                    end = Some(i);
                    break;
                }
                _ => value.push(c),
            }
        }
        pairs.push((key, value));
        rest = after[end? + 1..].trim_start();
        if let Some(next) = rest.strip_prefix(',') {
            rest = next.trim_start();
            if rest.is_empty() {
                return None;
            }
        } else if !rest.is_empty() {
            return None;
        }
    }
    Some(pairs)
}

/// `text` with its first letter in upper case: a sign written to follow "if you have" opens a
/// list item or a line of its own.
pub fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `text` safe inside HTML text.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
