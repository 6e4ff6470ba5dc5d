//! How a warning points at the text: the line where the article's text starts, and the first
//! words of a sentence it quotes. Shared by the lints in `lint.rs` and in this folder.

use crate::content::Article;

/// How many words of a sentence a warning quotes, enough to find it on the line.
const SENTENCE_WORDS_QUOTED: usize = 6;

/// The first few words of a sentence, with an ellipsis when there are more.
pub(super) fn quote_start(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut quoted = words[..words.len().min(SENTENCE_WORDS_QUOTED)].join(" ");
    if words.len() > SENTENCE_WORDS_QUOTED {
        quoted.push_str(" …");
    }
    quoted
}

/// The line where the article's text starts, for warnings about the body as a whole.
pub(super) fn first_text_line(article: &Article) -> usize {
    article
        .prose
        .first()
        .map_or(article.body_line, |block| block.first_line())
}
