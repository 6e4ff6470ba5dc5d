//! tantivy's English stemmer with a memory of the stems it has worked out.
//!
//! An article repeats its words ("pain", "back", "the"), and a library shares most of them, yet
//! tantivy's `Stemmer` runs the Snowball algorithm on every one: at 10,000 articles that was more
//! than half of building the index. This filter stems each distinct word once per analyzer and
//! looks it up after that. The stems are tantivy's own, so the index is the same either way.

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// More distinct words than any library of articles uses; past it the memory starts again, so a
/// stream of made-up words (a reader's queries) cannot grow it without bound.
const MAX_REMEMBERED: usize = 200_000;

/// A `TokenFilter` giving the same stems as `Stemmer::new(Language::English)`.
#[derive(Clone, Default)]
pub struct CachedEnglishStemmer;

impl TokenFilter for CachedEnglishStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            stems: Stems::default(),
        }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    stems: Stems,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stems: &mut self.stems,
        }
    }
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    stems: &'a mut Stems,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let stem = self.stems.of(&token.text);
        token.text.clear();
        token.text.push_str(stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Words already stemmed, and tantivy's stemmer for the ones that are not.
#[derive(Clone)]
struct Stems {
    /// Fx rather than SipHash: the words come from articles and from one reader's query at a
    /// time, never from a client that could choose them to collide.
    known: FxHashMap<String, String>,
    /// Takes one word as one token and stems it: tantivy's `Stemmer` is reachable only as a filter.
    stemmer: TextAnalyzer,
}

impl Default for Stems {
    fn default() -> Self {
        Stems {
            known: FxHashMap::default(),
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }
}

impl Stems {
    fn of(&mut self, word: &str) -> &str {
        if !self.known.contains_key(word) {
            if self.known.len() >= MAX_REMEMBERED {
                self.known.clear();
            }
            let mut stream = self.stemmer.token_stream(word);
            let stem = if stream.advance() {
                stream.token().text.clone()
            } else {
                word.to_owned()
            };
            self.known.insert(word.to_owned(), stem);
        }
        &self.known[word]
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer};

    use super::*;

    fn stems(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            out.push((
                token.text.clone(),
                token.position,
                token.offset_from,
                token.offset_to,
            ));
        }
        out
    }

    #[test]
    fn gives_the_same_tokens_as_tantivys_stemmer_the_first_time_and_after() {
        let text = "Cramping cramps cramped; the nerves were TRAPPED, trapping a nerve. \
                    Lumbago, sciatica and lying down: generously, hopefully, running runs ran \
                    é café naïve 12 3rd";
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut cached = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedEnglishStemmer)
            .build();
        let expected = stems(&mut plain, text);
        assert!(expected.iter().any(|(stem, ..)| stem == "cramp"));
        // Twice through the same analyzer: once stemming, once from memory.
        for _ in 0..2 {
            assert_eq!(stems(&mut cached, text), expected);
        }
    }

    #[test]
    fn forgets_everything_rather_than_growing_past_its_limit() {
        let mut stems = Stems::default();
        for n in 0..MAX_REMEMBERED + 10 {
            stems.of(&format!("word{n}"));
        }
        assert!(stems.known.len() <= MAX_REMEMBERED);
        assert_eq!(stems.of("running"), "run");
    }
}
