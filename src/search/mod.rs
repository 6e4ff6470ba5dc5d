//! Full-text search over the article library: a tantivy index held in memory, built with each
//! generation of the site. Knows nothing of HTTP: a reader's words in, ranked articles out.
//!
//! The reader's text is never handed to a query parser: it is split into words, and the query is
//! built from those words, so `AND`, quotes, `*`, `field:value` or brackets are just more words.

pub mod by_letter;
mod snippet;
mod stem_cache;
pub mod synonyms;

use std::collections::HashMap;
use std::fmt;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{FAST, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::content::{Article, Library};
pub use by_letter::{Letter, a_to_z};
use snippet::Highlighter;
pub use snippet::SnippetPart;
use synonyms::SynonymGroup;

/// The longest query the site accepts, in characters; the web layer refuses longer ones.
pub const MAX_QUERY_CHARS: usize = 200;
/// Words after this many are ignored: no real question needs more, and each word costs lookups.
const MAX_QUERY_WORDS: usize = 24;
/// Characters of body text around the matches shown under each result.
const SNIPPET_CHARS: usize = 220;
/// Words longer than this are not words (pasted hashes, URLs) and are left out of the index.
const MAX_WORD_BYTES: usize = 40;
/// How many similar words a misspelt word may stand for.
const MAX_TYPO_EXPANSIONS: usize = 6;
/// The index writer flushes a segment when its buffers reach this; far above what 10,000
/// articles need (about 60 MB), so the index is always one segment.
const WRITER_MEMORY_CEILING: usize = 1 << 30;
/// The library is indexed in parts, one per core, from this many articles; at most this many parts.
const PARALLEL_INDEX_MIN_ARTICLES: usize = 500;
const MAX_INDEX_PARTS: usize = 8;
/// The most words a related-articles query uses, and the shortest it considers (in bytes, after
/// stemming): short words are rarely what an article is about.
const RELATED_QUERY_WORDS: usize = 24;
const RELATED_MIN_WORD_BYTES: usize = 3;
/// A word found only through typo tolerance counts for less than the word itself.
const TYPO_WEIGHT: f32 = 0.6;
/// A synonym counts for a little less than the reader's own word.
const SYNONYM_WEIGHT: f32 = 0.8;

/// Stems English words ("cramping" and "cramps" both become "cramp") for the searchable fields.
const STEMMED: &str = "backcare_english";
/// Only lowercases, for the dictionary behind "did you mean", which must suggest real words.
const PLAIN: &str = "backcare_plain";
/// The name of the fast field holding each article's place in the library.
const POSITION: &str = "position";

/// How many typos a word of this length may have and still be recognised: none for short words
/// (too many short words are one letter apart), one for most, two for long ones.
pub fn typo_allowance(word: &str) -> u8 {
    match word.chars().count() {
        0..=3 => 0,
        4..=6 => 1,
        // No article word is this long, so no spelling of one is within two typos; building the
        // automaton for a 200-letter word costs milliseconds, for nothing.
        7..=MAX_FUZZY_CHARS => 2,
        _ => 0,
    }
}

/// The longest word typo matching is tried for.
const MAX_FUZZY_CHARS: usize = 30;

/// CPU one search may spend on typo matching, the costly part: once spent, the remaining words
/// are matched as typed. A query of 24 misspelt words then costs a few milliseconds, not tens.
pub const FUZZY_BUDGET: std::time::Duration = std::time::Duration::from_millis(3);

#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct SearchError(#[from] tantivy::TantivyError);

#[derive(Debug, Clone, Copy)]
struct Fields {
    /// The article's place in `Library::articles`: a fast field, read without touching the
    /// document store (which is empty: the library holds the text).
    position: Field,
    title: Field,
    summary: Field,
    tags: Field,
    body: Field,
    /// Every word of the article as written, lowercased, for spelling suggestions.
    spelling: Field,
}

impl Fields {
    /// Where a word is looked for and how much a match there counts: a word in the title says
    /// far more about what the article is for than the same word in passing in the body.
    fn weighted(self) -> [(Field, f32); 4] {
        [
            (self.title, 4.0),
            (self.summary, 2.0),
            (self.tags, 2.0),
            (self.body, 1.0),
        ]
    }
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let stemmed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(STEMMED)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let plain = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(PLAIN)
            // Only which articles use a word is read (its document frequency), never how often.
            .set_index_option(IndexRecordOption::Basic),
    );
    let fields = Fields {
        position: builder.add_u64_field(POSITION, FAST),
        title: builder.add_text_field("title", stemmed.clone()),
        summary: builder.add_text_field("summary", stemmed.clone()),
        tags: builder.add_text_field("tags", stemmed.clone()),
        body: builder.add_text_field("body", stemmed),
        spelling: builder.add_text_field("spelling", plain),
    };
    (builder.build(), fields)
}

fn stemming_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(LowerCaser)
        .filter(stem_cache::CachedEnglishStemmer)
        .build()
}

fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(LowerCaser)
        .build()
}

fn tokens(analyzer: &TextAnalyzer, text: &str) -> Vec<String> {
    let mut analyzer = analyzer.clone();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// The text of an article that search reads: its headings and prose, without markup.
fn body_text(article: &Article) -> String {
    let headings = article.toc.iter().map(|entry| entry.text.as_str());
    headings
        .chain([prose_text(article).as_str()])
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paragraphs and list items, one after another, for snippets: headings in a snippet read
/// like a list. Taken from the library when a snippet is made rather than stored in the index, so
/// the site holds the text once.
fn prose_text(article: &Article) -> String {
    let blocks: Vec<&str> = article
        .prose
        .iter()
        .map(|block| block.text.as_str())
        .collect();
    blocks.join(" ")
}

/// A synonym group with each term already stemmed, ready to compare with a stemmed query.
struct StemmedGroup {
    terms: Vec<Vec<String>>,
    /// For each term, the fields holding every one of its words. Only those are searched: a
    /// phrase query costs a lookup of each word and a read of their positions even when it
    /// cannot match, and a synonym group has a dozen of them.
    fields: Vec<Vec<Field>>,
}

/// The searchable index of one generation of the library.
pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
    stemmer: TextAnalyzer,
    plain: TextAnalyzer,
    synonyms: Vec<StemmedGroup>,
    /// Every word of the articles as written, by its stem ("cramp": "cramping", "cramps"...). A
    /// snippet then marks the words whose stem matched without stemming the article's text
    /// again for each result, which was most of the cost of a search.
    spellings_by_stem: HashMap<String, Vec<String>>,
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchIndex")
            .field("articles", &self.reader.searcher().num_docs())
            .finish_non_exhaustive()
    }
}

/// What a search found: the best `limit` articles, how many matched in all, and a corrected
/// query when some words look misspelt.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SearchOutcome {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub suggestion: Option<String>,
}

/// One matching article, best first, with a passage of its text around the matched words.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub slug: String,
    pub snippet: Vec<SnippetPart>,
}

/// A word of the reader's query, as typed (lowercased) and as the index stores it.
#[derive(Debug)]
struct QueryWord {
    plain: String,
    stem: String,
}

impl SearchIndex {
    /// Indexes every article of `library` with the bundled synonym list.
    pub fn build(library: &Library) -> Result<SearchIndex, SearchError> {
        Self::build_with(library, synonyms::bundled())
    }

    pub fn build_with(
        library: &Library,
        synonym_groups: &[SynonymGroup],
    ) -> Result<SearchIndex, SearchError> {
        Self::build_in_parts(library, synonym_groups, index_parts(library.len()))
    }

    /// Builds the index from `parts` contiguous parts of the library, indexed side by side.
    fn build_in_parts(
        library: &Library,
        synonym_groups: &[SynonymGroup],
        parts: usize,
    ) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        let stemmer = stemming_analyzer();
        let plain = plain_analyzer();
        let index = index_articles(library.articles(), parts, &schema, fields, &stemmer, &plain)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let mut synonyms = Vec::with_capacity(synonym_groups.len());
        for group in synonym_groups {
            let terms: Vec<Vec<String>> = group
                .terms
                .iter()
                .map(|term| tokens(&stemmer, term))
                .filter(|stems| !stems.is_empty())
                .collect();
            let mut term_fields = Vec::with_capacity(terms.len());
            for term in &terms {
                let mut holding = Vec::new();
                for (field, _) in fields.weighted() {
                    if all_indexed(&searcher, field, term)? {
                        holding.push(field);
                    }
                }
                term_fields.push(holding);
            }
            synonyms.push(StemmedGroup {
                terms,
                fields: term_fields,
            });
        }
        let spellings_by_stem = spellings_by_stem(&searcher, fields.spelling, &stemmer)?;
        Ok(SearchIndex {
            reader,
            fields,
            stemmer,
            plain,
            synonyms,
            spellings_by_stem,
        })
    }

    /// How many segments the index was written in (one, unless the writer's memory filled).
    pub fn segment_count(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    fn words(&self, text: &str) -> Vec<QueryWord> {
        tokens(&self.plain, text)
            .into_iter()
            .take(MAX_QUERY_WORDS)
            .map(|plain| {
                let stem = tokens(&self.stemmer, &plain)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| plain.clone());
                QueryWord { plain, stem }
            })
            .collect()
    }

    /// The articles of `library` (the one indexed) that match `text`, best first, at most `limit`.
    pub fn search(
        &self,
        library: &Library,
        text: &str,
        limit: usize,
    ) -> Result<SearchOutcome, SearchError> {
        let searcher = self.reader.searcher();
        let words = self.words(text);
        let stems: Vec<&str> = words.iter().map(|word| word.stem.as_str()).collect();

        // Synonyms first: a phrase such as "trapped nerve" is one idea, not two words.
        let mut covered = vec![false; words.len()];
        let mut ideas: Vec<Box<dyn Query>> = Vec::new();
        // The body words the snippet marks: the reader's own words and one-word synonyms. The
        // words of a synonym phrase the reader did not type ("nerve pain") are not marked, or
        // every "pain" on a back-pain site would be.
        let mut marked: Vec<String> = Vec::new();
        for group in &self.synonyms {
            let mut found = false;
            for term in &group.terms {
                for start in occurrences(&stems, term) {
                    covered[start..start + term.len()].fill(true);
                    marked.extend(term.iter().cloned());
                    found = true;
                }
            }
            if found {
                marked.extend(
                    group
                        .terms
                        .iter()
                        .filter(|t| t.len() == 1)
                        .flatten()
                        .cloned(),
                );
                ideas.push(self.synonym_query(group, &stems));
            }
        }

        let mut corrected = Vec::with_capacity(words.len());
        let mut any_correction = false;
        let started = std::time::Instant::now();
        for (word, covered) in words.iter().zip(covered) {
            let mut shown = word.plain.clone();
            if !covered {
                let fuzzy = started.elapsed() < FUZZY_BUDGET;
                if let Some(query) = self.word_query(&searcher, word, fuzzy, &mut marked)? {
                    ideas.push(query);
                }
                if fuzzy && let Some(better) = self.spelling_suggestion(&searcher, &word.plain)? {
                    shown = better;
                    any_correction = true;
                }
            }
            corrected.push(shown);
        }
        let suggestion = any_correction.then(|| corrected.join(" "));

        if ideas.is_empty() {
            return Ok(SearchOutcome {
                suggestion,
                ..SearchOutcome::default()
            });
        }
        let query = BooleanQuery::new(
            ideas
                .into_iter()
                .map(|idea| (Occur::Should, idea))
                .collect(),
        );
        let (top, total) = searcher.search(
            &query,
            &(TopDocs::with_limit(limit.max(1)).order_by_score(), Count),
        )?;
        marked.sort_unstable();
        marked.dedup();
        let highlighter = self.highlighter(&searcher, &marked)?;
        let mut hits = Vec::with_capacity(top.len());
        for (_score, address) in top.into_iter().take(limit) {
            let Some(article) = article_at(&searcher, library, address)? else {
                continue;
            };
            let body = prose_text(article);
            hits.push(Hit {
                slug: article.slug.to_string(),
                snippet: highlighter.snippet(&body),
            });
        }
        Ok(SearchOutcome {
            total,
            hits,
            suggestion,
        })
    }

    /// Marks the body words whose stem is one of `marked`, weighing rarer words more when
    /// choosing the passage (as tantivy's own snippets do), but on the words as written: every
    /// spelling of a marked stem is looked for, so the passage is never stemmed.
    fn highlighter(
        &self,
        searcher: &Searcher,
        marked: &[String],
    ) -> Result<Highlighter, SearchError> {
        let mut weights: Vec<(String, f32)> = Vec::new();
        for stem in marked {
            let documents = searcher.doc_freq(&Term::from_field_text(self.fields.body, stem))?;
            if documents == 0 {
                continue;
            }
            let weight = 1.0 / (1.0 + documents as f32);
            for spelling in self.spellings_by_stem.get(stem).into_iter().flatten() {
                match weights.iter_mut().find(|(known, _)| known == spelling) {
                    Some(known) => known.1 = weight,
                    None => weights.push((spelling.clone(), weight)),
                }
            }
        }
        Ok(Highlighter::new(weights, SNIPPET_CHARS))
    }

    /// One word of the query, looked for in every field with that field's weight. A word no
    /// article uses stands for the similar words they do ("sciatia" for "sciatica"), found once
    /// among the words as written and then looked for by their stems. The body terms it looks
    /// for are added to `marked`, for the snippet.
    fn word_query(
        &self,
        searcher: &Searcher,
        word: &QueryWord,
        fuzzy: bool,
        marked: &mut Vec<String>,
    ) -> Result<Option<Box<dyn Query>>, SearchError> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        self.add_stem_clauses(searcher, &word.stem, 1.0, marked, &mut clauses)?;
        let distance = typo_allowance(&word.plain);
        if clauses.is_empty() && fuzzy && distance > 0 {
            let mut similar_stems: Vec<String> = Vec::new();
            for (similar, _) in
                similar_words(searcher, self.fields.spelling, &word.plain, distance)?
            {
                for stem in tokens(&self.stemmer, &similar) {
                    if !similar_stems.contains(&stem) {
                        self.add_stem_clauses(searcher, &stem, TYPO_WEIGHT, marked, &mut clauses)?;
                        similar_stems.push(stem);
                    }
                }
            }
        }
        Ok((!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>))
    }

    /// A term query for `stem` in every field that has it, weighted by the field and `factor`;
    /// body terms are added to `marked`, for the snippet. Fields without it add nothing, so no
    /// clauses means no article uses the stem.
    fn add_stem_clauses(
        &self,
        searcher: &Searcher,
        stem: &str,
        factor: f32,
        marked: &mut Vec<String>,
        clauses: &mut Vec<(Occur, Box<dyn Query>)>,
    ) -> Result<(), SearchError> {
        for (field, weight) in self.fields.weighted() {
            let term = Term::from_field_text(field, stem);
            if searcher.doc_freq(&term)? == 0 {
                continue;
            }
            if field == self.fields.body {
                marked.push(stem.to_owned());
            }
            clauses.push((Occur::Should, term_query(term, weight * factor)));
        }
        Ok(())
    }

    /// Any term of a synonym group, in any field; the reader's own wording counts most.
    fn synonym_query(&self, group: &StemmedGroup, stems: &[&str]) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (term, holding) in group.terms.iter().zip(&group.fields) {
            let typed = occurrences(stems, term).next().is_some();
            let term_weight = if typed { 1.0 } else { SYNONYM_WEIGHT };
            for (field, weight) in self.fields.weighted() {
                if !holding.contains(&field) {
                    continue;
                }
                let weight = weight * term_weight;
                let query: Box<dyn Query> = match term.as_slice() {
                    [single] => term_query(Term::from_field_text(field, single), weight),
                    words => Box::new(BoostQuery::new(
                        Box::new(PhraseQuery::new(
                            words
                                .iter()
                                .map(|word| Term::from_field_text(field, word))
                                .collect(),
                        )),
                        weight,
                    )),
                };
                clauses.push((Occur::Should, query));
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// A real word from the articles close to `word`, when `word` itself appears nowhere.
    fn spelling_suggestion(
        &self,
        searcher: &Searcher,
        word: &str,
    ) -> Result<Option<String>, SearchError> {
        let allowance = typo_allowance(word);
        if allowance == 0 || !word.chars().all(char::is_alphabetic) {
            return Ok(None);
        }
        let field = self.fields.spelling;
        if searcher.doc_freq(&Term::from_field_text(field, word))? > 0 {
            return Ok(None);
        }
        // The closest words first, and among equally close ones the most used.
        for distance in 1..=allowance {
            if let Some((best, _)) = similar_words(searcher, field, word, distance)?
                .into_iter()
                .next()
            {
                return Ok(Some(best));
            }
        }
        Ok(None)
    }

    /// Up to `limit` other articles of `library` (the one indexed) most like `article` by title,
    /// tags and summary, best first.
    ///
    /// This is tantivy's more-like-this (the article's words, each weighted by how often it uses
    /// them and how rare they are, become a query), built here rather than with
    /// `MoreLikeThisQuery` for two reasons. Its term queries read no frequencies, which rules
    /// out Block-WAND, so every article sharing any word was scored: at 10,000 articles that was
    /// half the start-up. And it picks the words from a `HashMap`, so on ties the words, and so
    /// the related articles, could change from one start to the next.
    pub fn related<'l>(
        &self,
        library: &'l Library,
        article: &Article,
        limit: usize,
    ) -> Result<Vec<&'l Article>, SearchError> {
        self.related_finder()?.related(library, article, limit)
    }

    /// For finding the related articles of one article after another (`RelatedFinder`).
    pub fn related_finder(&self) -> Result<RelatedFinder<'_>, SearchError> {
        let searcher = self.reader.searcher();
        let positions = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.fast_fields().u64(POSITION))
            .collect::<Result<_, _>>()?;
        Ok(RelatedFinder {
            index: self,
            searcher,
            stemmer: self.stemmer.clone(),
            positions,
        })
    }
}

/// Finds the related articles of one article after another, keeping what each search would
/// otherwise set up again: the searcher, the column of library positions, and an analyzer that
/// remembers the stems it has worked out. One per thread, when every page is rendered.
pub struct RelatedFinder<'i> {
    index: &'i SearchIndex,
    searcher: Searcher,
    stemmer: TextAnalyzer,
    /// Each segment's `position` column.
    positions: Vec<tantivy::columnar::Column<u64>>,
}

impl RelatedFinder<'_> {
    /// The `limit` articles of `library` (the one indexed) most like `article`, never itself.
    pub fn related<'l>(
        &mut self,
        library: &'l Library,
        article: &Article,
        limit: usize,
    ) -> Result<Vec<&'l Article>, SearchError> {
        let query = self.more_like(article)?;
        let top = self
            .searcher
            .search(&query, &TopDocs::with_limit(limit + 1).order_by_score())?;
        let mut related = Vec::with_capacity(limit);
        for (_score, address) in top {
            let other = self
                .positions
                .get(address.segment_ord as usize)
                .and_then(|positions| article_in(positions, library, address.doc_id));
            if let Some(other) = other
                && other.slug != article.slug
                && related.len() < limit
            {
                related.push(other);
            }
        }
        Ok(related)
    }

    /// The query for articles like `article`: its most telling words from title, tags and summary.
    fn more_like(&mut self, article: &Article) -> Result<BooleanQuery, SearchError> {
        let fields = self.index.fields;
        let front = &article.front;
        let tags = front.tags.join(" ");
        let mut counts: Vec<(Term, u32)> = Vec::new();
        for (field, text) in [
            (fields.title, front.title.as_str()),
            (fields.tags, tags.as_str()),
            (fields.summary, front.summary.as_str()),
        ] {
            let mut words = self.stemmer.token_stream(text);
            while words.advance() {
                let word = &words.token().text;
                if word.len() < RELATED_MIN_WORD_BYTES {
                    continue;
                }
                let term = Term::from_field_text(field, word);
                match counts.iter_mut().find(|(known, _)| *known == term) {
                    Some((_, count)) => *count += 1,
                    None => counts.push((term, 1)),
                }
            }
        }
        let searcher = &self.searcher;
        let documents = searcher.num_docs();
        // Words in most articles ("back", "pain") say nothing about what is alike.
        let most_documents = (documents / 2).max(2);
        let mut weighted: Vec<(Term, f32)> = Vec::with_capacity(counts.len());
        for (term, count) in counts {
            let with_word = searcher.doc_freq(&term)?;
            if with_word == 0 || with_word > most_documents {
                continue;
            }
            weighted.push((
                term,
                count as f32 * inverse_document_frequency(with_word, documents),
            ));
        }
        // Heaviest first; equal weights in term order, so every start picks the same words.
        weighted.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        weighted.truncate(RELATED_QUERY_WORDS);
        let heaviest = weighted.first().map_or(1.0, |(_, weight)| *weight);
        Ok(BooleanQuery::new(
            weighted
                .into_iter()
                .map(|(term, weight)| (Occur::Should, term_query(term, weight / heaviest)))
                .collect(),
        ))
    }
}

/// Indexes `articles` as one segment in their order, using every core.
///
/// tantivy indexes on one thread per writer, and a writer with more threads fills segments in
/// whatever order its threads take documents; equal scores are broken by that order, so related
/// articles would change between starts. So each core gets a contiguous part of the articles
/// and a one-thread writer of its own, and the parts are merged in order into one segment:
/// the same index a single writer makes, sooner.
fn index_articles(
    articles: &[Article],
    parts: usize,
    schema: &Schema,
    fields: Fields,
    stemmer: &TextAnalyzer,
    plain: &TextAnalyzer,
) -> Result<Index, SearchError> {
    let new_index = || {
        let index = Index::create_in_ram(schema.clone());
        register_analyzers(&index, stemmer, plain);
        index
    };
    let indexed: Vec<Result<Index, SearchError>> = std::thread::scope(|scope| {
        let workers: Vec<_> = equal_text_parts(articles, parts)
            .into_iter()
            .map(|range| {
                let first = range.start;
                let chunk = &articles[range];
                let new_index = &new_index;
                scope.spawn(move || -> Result<Index, SearchError> {
                    let index = new_index();
                    write_part(&index, fields, first, chunk)?;
                    Ok(index)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut indexes = indexed
        .into_iter()
        .collect::<Result<Vec<Index>, SearchError>>()?;
    if indexes.len() <= 1 {
        return match indexes.pop() {
            Some(index) => Ok(index),
            None => Ok(new_index()),
        };
    }
    let merged =
        tantivy::indexer::merge_indices(&indexes, tantivy::directory::RamDirectory::create())?;
    register_analyzers(&merged, stemmer, plain);
    Ok(merged)
}

/// Names the analyzers the schema's fields use, in `index`.
fn register_analyzers(index: &Index, stemmer: &TextAnalyzer, plain: &TextAnalyzer) {
    index.tokenizers().register(STEMMED, stemmer.clone());
    index.tokenizers().register(PLAIN, plain.clone());
}

/// `articles` cut into at most `parts` contiguous ranges holding about as much text each, so
/// the parts' writers finish together: equal counts left one core idle while the other indexed
/// a topic of long articles.
fn equal_text_parts(articles: &[Article], parts: usize) -> Vec<std::ops::Range<usize>> {
    let text_len = |article: &Article| {
        let front = &article.front;
        let prose: usize = article.prose.iter().map(|block| block.text.len()).sum();
        front.title.len() + front.summary.len() + prose + 1
    };
    let total: usize = articles.iter().map(text_len).sum();
    let parts = parts.clamp(1, articles.len().max(1));
    let mut ranges = Vec::with_capacity(parts);
    let (mut start, mut so_far) = (0, 0);
    for (at, article) in articles.iter().enumerate() {
        so_far += text_len(article);
        // Cut once this range holds its share of the text (so far, so rounding evens out).
        if so_far * parts >= total * (ranges.len() + 1) && ranges.len() + 1 < parts {
            ranges.push(start..at + 1);
            start = at + 1;
        }
    }
    if start < articles.len() || ranges.is_empty() {
        ranges.push(start..articles.len());
    }
    ranges
}

/// How many parts to index a library of `articles` in: one per core, but one for a small
/// library, where merging would cost more than the other cores save.
fn index_parts(articles: usize) -> usize {
    if articles < PARALLEL_INDEX_MIN_ARTICLES {
        return 1;
    }
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(MAX_INDEX_PARTS)
}

/// Writes `articles`, the first of which is at library position `first`, into `index`.
fn write_part(
    index: &Index,
    fields: Fields,
    first: usize,
    articles: &[Article],
) -> Result<(), SearchError> {
    // One thread, and a memory ceiling far above the need, so the part is one segment in order.
    let mut writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY_CEILING)?;
    for (offset, article) in articles.iter().enumerate() {
        let front = &article.front;
        let body = body_text(article);
        // Tags are slugs ("manual-handling"); the tokenizer splits them into words.
        let tags = front.tags.join(" ");
        let mut document = TantivyDocument::default();
        document.add_u64(fields.position, (first + offset) as u64);
        document.add_text(fields.title, &front.title);
        document.add_text(fields.summary, &front.summary);
        document.add_text(fields.tags, &tags);
        document.add_text(fields.body, &body);
        for text in [&front.title, &front.summary, &tags, &body] {
            document.add_text(fields.spelling, text);
        }
        writer.add_document(document)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}

/// How rare a word is across the articles, as BM25 and more-like-this measure it.
fn inverse_document_frequency(with_word: u64, documents: u64) -> f32 {
    let without = documents.saturating_sub(with_word) as f32;
    (1.0 + (without + 0.5) / (with_word as f32 + 0.5)).ln()
}

/// The library's article that the index holds at `address`.
fn article_at<'l>(
    searcher: &Searcher,
    library: &'l Library,
    address: DocAddress,
) -> Result<Option<&'l Article>, SearchError> {
    let positions = searcher
        .segment_reader(address.segment_ord)
        .fast_fields()
        .u64(POSITION)?;
    Ok(article_in(&positions, library, address.doc_id))
}

/// The library's article that document `doc_id` of a segment with these `positions` is.
fn article_in<'l>(
    positions: &tantivy::columnar::Column<u64>,
    library: &'l Library,
    doc_id: tantivy::DocId,
) -> Option<&'l Article> {
    positions
        .first(doc_id)
        .and_then(|position| usize::try_from(position).ok())
        .and_then(|position| library.articles().get(position))
}

fn term_query(term: Term, weight: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(
        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
        weight,
    ))
}

/// Whether every one of `words` is in some article's `field`.
fn all_indexed(searcher: &Searcher, field: Field, words: &[String]) -> Result<bool, SearchError> {
    for word in words {
        if searcher.doc_freq(&Term::from_field_text(field, word))? == 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Every word in `field` (the articles' words as written) grouped under its stem.
fn spellings_by_stem(
    searcher: &Searcher,
    field: Field,
    stemmer: &TextAnalyzer,
) -> Result<HashMap<String, Vec<String>>, SearchError> {
    let mut by_stem: HashMap<String, Vec<String>> = HashMap::new();
    // One analyzer for every word, so the stems it works out are remembered between words.
    let mut stemmer = stemmer.clone();
    for segment in searcher.segment_readers() {
        let inverted_index = segment.inverted_index(field)?;
        let mut words = inverted_index
            .terms()
            .stream()
            .map_err(|error| SearchError(error.into()))?;
        while words.advance() {
            let Ok(word) = std::str::from_utf8(words.key()) else {
                continue;
            };
            let mut stems = stemmer.token_stream(word);
            while stems.advance() {
                let stem = &stems.token().text;
                let spellings = by_stem.entry(stem.clone()).or_default();
                if !spellings.iter().any(|known| known == word) {
                    spellings.push(word.to_owned());
                }
            }
        }
    }
    Ok(by_stem)
}

/// Where the word sequence `phrase` starts in `words`.
fn occurrences<'a>(words: &'a [&str], phrase: &'a [String]) -> impl Iterator<Item = usize> + 'a {
    let length = phrase.len();
    (0..words.len().saturating_sub(length.saturating_sub(1))).filter(move |&start| {
        length > 0
            && words[start..start + length]
                .iter()
                .zip(phrase)
                .all(|(word, term)| *word == term)
    })
}

/// Words in `field` within `distance` edits of `word` (a swap of two letters counts as one),
/// most used first, through tantivy's Levenshtein automaton over the term dictionary.
fn similar_words(
    searcher: &Searcher,
    field: Field,
    word: &str,
    distance: u8,
) -> Result<Vec<(String, u64)>, SearchError> {
    let mut found: HashMap<String, u64> = HashMap::new();
    let query = FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true);
    for segment in searcher.segment_readers() {
        let inverted_index = segment.inverted_index(field)?;
        let mut stream = inverted_index
            .terms()
            .search(query.automaton()?)
            .into_stream()
            .map_err(|error| SearchError(error.into()))?;
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if term != word {
                *found.entry(term.to_owned()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    let mut found: Vec<(String, u64)> = found.into_iter().collect();
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    found.truncate(MAX_TYPO_EXPANSIONS);
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled_library() -> Library {
        Library::load(
            std::path::Path::new("articles"),
            crate::content::LoadOptions {
                lists: crate::triage::article_sign_lists(),
                ..crate::content::LoadOptions::default()
            },
        )
        .expect("the bundled articles load")
    }

    #[test]
    fn every_build_picks_the_same_related_articles_and_never_the_article_itself() {
        let library = bundled_library();
        let related = |index: &SearchIndex| -> Vec<Vec<String>> {
            library
                .articles()
                .iter()
                .map(|article| {
                    let picked = index.related(&library, article, 3).expect("related");
                    assert!(picked.iter().all(|other| other.slug != article.slug));
                    picked.iter().map(|other| other.slug.to_string()).collect()
                })
                .collect()
        };
        let first = related(&SearchIndex::build(&library).expect("index"));
        assert!(first.iter().all(|picked| picked.len() == 3), "{first:?}");
        for _ in 0..3 {
            assert_eq!(
                related(&SearchIndex::build(&library).expect("index")),
                first
            );
        }
    }

    #[test]
    fn an_index_built_in_parts_and_merged_finds_what_one_built_whole_does() {
        let library = bundled_library();
        let whole = SearchIndex::build_in_parts(&library, synonyms::bundled(), 1).expect("index");
        let parted = SearchIndex::build_in_parts(&library, synonyms::bundled(), 4).expect("index");
        assert_eq!(parted.segment_count(), 1);
        for article in library.articles() {
            let slugs = |index: &SearchIndex| -> Vec<String> {
                let picked = index.related(&library, article, 3).expect("related");
                picked.iter().map(|other| other.slug.to_string()).collect()
            };
            assert_eq!(slugs(&parted), slugs(&whole), "related to {}", article.slug);
        }
        for query in [
            "sciatica",
            "back pain",
            "sciatia",
            "trapped nerve",
            "pregnant",
            "cramp at night",
        ] {
            let found = |index: &SearchIndex| index.search(&library, query, 50).expect("search");
            let (whole, parted) = (found(&whole), found(&parted));
            assert!(whole.total > 0 || whole.suggestion.is_some(), "{query}");
            assert_eq!(parted, whole, "{query}");
        }
    }

    #[test]
    fn the_parts_cover_the_library_in_order_with_about_equal_text() {
        let library = bundled_library();
        let articles = library.articles();
        for parts in [1, 2, 3, 7, articles.len(), articles.len() + 5] {
            let ranges = equal_text_parts(articles, parts);
            assert!(
                !ranges.is_empty() && ranges.len() <= parts,
                "{parts}: {ranges:?}"
            );
            assert_eq!(ranges.first().map(|r| r.start), Some(0));
            assert_eq!(ranges.last().map(|r| r.end), Some(articles.len()));
            assert!(ranges.windows(2).all(|pair| pair[0].end == pair[1].start));
            assert!(
                ranges.iter().all(|range| !range.is_empty()),
                "{parts}: {ranges:?}"
            );
        }
        let halves = equal_text_parts(articles, 2);
        let text = |range: &std::ops::Range<usize>| -> usize {
            articles[range.clone()]
                .iter()
                .map(|a| prose_text(a).len())
                .sum()
        };
        let (first, second) = (text(&halves[0]), text(&halves[1]));
        let longest = articles
            .iter()
            .map(|a| prose_text(a).len())
            .max()
            .unwrap_or(0);
        assert!(first.abs_diff(second) <= 2 * longest, "{first} vs {second}");
        assert_eq!(
            equal_text_parts(&[], 2),
            vec![std::ops::Range { start: 0, end: 0 }]
        );
    }

    #[test]
    fn short_words_must_be_exact_and_long_ones_may_have_two_typos() {
        assert_eq!(typo_allowance("leg"), 0);
        assert_eq!(typo_allowance("lumbr"), 1);
        assert_eq!(typo_allowance("sciatia"), 2);
        assert_eq!(
            typo_allowance(&"x".repeat(31)),
            0,
            "no article word is that long"
        );
    }

    #[test]
    fn phrases_are_found_only_as_whole_word_runs() {
        let phrase = vec!["trap".to_owned(), "nerv".to_owned()];
        assert_eq!(
            occurrences(&["a", "trap", "nerv"], &phrase).collect::<Vec<_>>(),
            [1]
        );
        assert_eq!(occurrences(&["nerv", "trap"], &phrase).count(), 0);
        assert_eq!(occurrences(&["trap"], &phrase).count(), 0);
        assert_eq!(occurrences(&[], &phrase).count(), 0);
    }

    #[test]
    fn the_analyzer_stems_english_and_splits_on_anything_but_letters_and_digits() {
        assert_eq!(tokens(&stemming_analyzer(), "Cramping"), ["cramp"]);
        assert_eq!(tokens(&stemming_analyzer(), "cramps"), ["cramp"]);
        assert_eq!(
            tokens(&plain_analyzer(), "title:\"AND\" (back*\0pain"),
            ["title", "and", "back", "pain"]
        );
    }
}
