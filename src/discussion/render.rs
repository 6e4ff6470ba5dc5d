//! Plain-text posts as structured text: paragraphs at blank lines, line breaks kept, and
//! `@name` mentions of earlier posters resolved to their post. No HTML is built here: the
//! template escapes every piece of text, so nothing a reader types can become markup or a link.

use std::collections::HashMap;

/// A piece of one line of a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    /// `@name` as written, linking to post `number` on the same article.
    Mention {
        text: String,
        number: i64,
    },
}

/// A paragraph: lines separated by single line breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub lines: Vec<Vec<Segment>>,
}

/// Who has posted before, by display name, and their most recent post number.
#[derive(Debug, Clone, Default)]
pub struct EarlierPosters {
    /// Lowercased name -> the latest number seen so far; names longest first for matching.
    latest: HashMap<String, i64>,
    names: Vec<String>,
}

impl EarlierPosters {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `name` wrote post `number`; call in ascending number order.
    pub fn add(&mut self, name: &str, number: i64) {
        let key = name.to_lowercase();
        if self.latest.insert(key.clone(), number).is_none() {
            let at = self
                .names
                .partition_point(|n| n.chars().count() >= key.chars().count());
            self.names.insert(at, key);
        }
    }

    /// The longest earlier name that `rest` starts with (ignoring case) and that ends at a
    /// word boundary: its length in bytes within `rest` and its latest post number.
    fn match_at(&self, rest: &str) -> Option<(usize, i64)> {
        self.names.iter().find_map(|name| {
            let length = prefix_ignoring_case(rest, name)?;
            let boundary = rest[length..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
            boundary.then(|| (length, self.latest[name]))
        })
    }
}

/// If `text` starts with `lowered_name` ignoring case, how many bytes of `text` that is.
fn prefix_ignoring_case(text: &str, lowered_name: &str) -> Option<usize> {
    let mut wanted = lowered_name.chars().peekable();
    let mut used = 0;
    let mut chars = text.chars();
    while wanted.peek().is_some() {
        let c = chars.next()?;
        for lower in c.to_lowercase() {
            if wanted.next() != Some(lower) {
                return None;
            }
        }
        used += c.len_utf8();
    }
    Some(used)
}

/// Splits `text` (already normalised to `\n` line endings) into paragraphs and lines,
/// turning `@name` for any of `earlier` into a mention.
pub fn render_text(text: &str, earlier: &EarlierPosters) -> Vec<Paragraph> {
    let mut paragraphs = Vec::new();
    let mut lines: Vec<Vec<Segment>> = Vec::new();
    for line in text.split('\n') {
        if line.trim().is_empty() {
            if !lines.is_empty() {
                paragraphs.push(Paragraph {
                    lines: std::mem::take(&mut lines),
                });
            }
        } else {
            lines.push(segments(line, earlier));
        }
    }
    if !lines.is_empty() {
        paragraphs.push(Paragraph { lines });
    }
    paragraphs
}

fn segments(line: &str, earlier: &EarlierPosters) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut plain_start = 0;
    let mut previous: Option<char> = None;
    let mut index = 0;
    while index < line.len() {
        let Some(c) = line[index..].chars().next() else {
            break;
        };
        // `@` inside a word (an email address) is not a mention.
        let starts_word = previous.is_none_or(|p| !p.is_alphanumeric());
        if c == '@' && starts_word {
            let after = index + 1;
            if let Some((length, number)) = earlier.match_at(&line[after..]) {
                if plain_start < index {
                    out.push(Segment::Text(line[plain_start..index].to_owned()));
                }
                let end = after + length;
                out.push(Segment::Mention {
                    text: line[index..end].to_owned(),
                    number,
                });
                plain_start = end;
                previous = line[..end].chars().next_back();
                index = end;
                continue;
            }
        }
        previous = Some(c);
        index += c.len_utf8();
    }
    if plain_start < line.len() {
        out.push(Segment::Text(line[plain_start..].to_owned()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text(s: &str) -> Segment {
        Segment::Text(s.to_owned())
    }

    fn mention(s: &str, number: i64) -> Segment {
        Segment::Mention {
            text: s.to_owned(),
            number,
        }
    }

    #[test]
    fn paragraphs_and_line_breaks() {
        let paragraphs = render_text("one\ntwo\n\n\n  \nthree", &EarlierPosters::new());
        assert_eq!(
            paragraphs,
            [
                Paragraph {
                    lines: vec![vec![text("one")], vec![text("two")]]
                },
                Paragraph {
                    lines: vec![vec![text("three")]]
                }
            ]
        );
    }

    #[test]
    fn markup_and_urls_stay_text() {
        let paragraphs = render_text(
            "<script>alert(1)</script> see https://example.com",
            &EarlierPosters::new(),
        );
        assert_eq!(
            paragraphs[0].lines[0],
            [text("<script>alert(1)</script> see https://example.com")]
        );
    }

    #[test]
    fn mentions_link_the_latest_earlier_post_of_that_name() {
        let mut earlier = EarlierPosters::new();
        earlier.add("Jo", 1);
        earlier.add("Jo Smith", 2);
        earlier.add("jo", 3);
        let line = &render_text(
            "@JO thanks, @jo smith agreed. mail a@jo.com or @nobody or @Jo's or @Jolene",
            &earlier,
        )[0]
        .lines[0];
        assert_eq!(
            line,
            &[
                mention("@JO", 3),
                text(" thanks, "),
                mention("@jo smith", 2),
                text(" agreed. mail a@jo.com or @nobody or "),
                mention("@Jo", 3),
                text("'s or @Jolene"),
            ]
        );
    }

    #[test]
    fn unicode_names_match_ignoring_case() {
        let mut earlier = EarlierPosters::new();
        earlier.add("Zoë Ärger", 4);
        let line = &render_text("hi @ZOË ÄRGER!", &earlier)[0].lines[0];
        assert_eq!(line, &[text("hi "), mention("@ZOË ÄRGER", 4), text("!")]);
    }

    proptest! {
        #[test]
        fn rendering_keeps_every_character_of_every_line(body in "[a-zA-Z@ \n.'é<>&]{0,80}") {
            let mut earlier = EarlierPosters::new();
            earlier.add("ab", 1);
            earlier.add("a", 2);
            let paragraphs = render_text(&body, &earlier);
            let joined: String = paragraphs.iter().flat_map(|p| p.lines.iter()).map(|line| {
                line.iter().map(|s| match s { Segment::Text(t) | Segment::Mention { text: t, .. } => t.as_str() }).collect::<String>()
            }).collect::<Vec<_>>().join("\n");
            let expected: String = body.split('\n').filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join("\n");
            prop_assert_eq!(joined, expected);
        }
    }
}
