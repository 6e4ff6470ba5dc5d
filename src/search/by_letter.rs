//! The A to Z: every published article by the first letter of its title, the way readers of
//! a health A to Z expect to browse when they know the name of what they are looking for.

use crate::content::{Article, Library};

/// One letter of the A to Z and its articles, alphabetically; `#` gathers titles that do not
/// start with a letter from A to Z.
#[derive(Debug)]
pub struct Letter<'a> {
    pub letter: char,
    pub articles: Vec<&'a Article>,
}

/// A to Z, then `#` if any title needs it. Every letter is listed, with or without articles, so
/// the letter links keep their place. Drafts are listed only when `--drafts` loads them, so a
/// preview shows the A to Z the page will join.
pub fn a_to_z(library: &Library) -> Vec<Letter<'_>> {
    let mut letters: Vec<Letter> = ('A'..='Z')
        .map(|letter| Letter {
            letter,
            articles: Vec::new(),
        })
        .collect();
    let mut other = Letter {
        letter: '#',
        articles: Vec::new(),
    };
    for article in library.articles() {
        let first = article
            .front
            .title
            .chars()
            .next()
            .map(|c| c.to_ascii_uppercase());
        match first.filter(char::is_ascii_uppercase) {
            Some(letter) => letters[usize::from(letter as u8 - b'A')]
                .articles
                .push(article),
            None => other.articles.push(article),
        }
    }
    if !other.articles.is_empty() {
        letters.push(other);
    }
    for letter in &mut letters {
        letter
            .articles
            .sort_by_cached_key(|article| article.front.title.to_lowercase());
    }
    letters
}
