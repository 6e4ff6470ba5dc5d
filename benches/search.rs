//! What one search costs without HTTP: `SearchIndex::search` over the bundled articles for a
//! few typical queries (a synonym, a typo, several words, a miss), the pathological ones a client
//! may send to cost us CPU (200 letters, many misspelt words, every synonym), and building the
//! index.
//! `bench/run.sh` measures the same through the server. Run with `cargo bench --bench search`.

use std::hint::black_box;
use std::path::Path;

use backcare::content::{Library, LoadOptions};
use backcare::search::SearchIndex;
use criterion::{Criterion, criterion_group, criterion_main};

/// The results page shows this many.
const LIMIT: usize = 20;

const QUERIES: &[&str] = &[
    "sciatica",
    "trapped nerve",
    "sciatia",
    "back cramps at night",
    "zzzz",
];

/// Queries meant to cost CPU: each must stay within a few milliseconds (`FUZZY_BUDGET` bounds
/// the typo matching, the costly part).
fn pathological_queries() -> Vec<(&'static str, String)> {
    let letters: String = (0..200u32)
        .map(|n| char::from(b'a' + ((n * 7 + n / 3) % 26) as u8))
        .collect();
    let misspelt: Vec<String> = (0..50u32)
        .map(|n| format!("sciatiqa{}", char::from(b'a' + (n % 26) as u8)))
        .collect();
    let synonyms = "trapped nerve slipped disc lumbago sciatica spasm cramp stiff neck lower back \
                    upper back kidney period pregnancy posture lifting stretch heat massage";
    vec![
        ("200 letters", letters),
        ("50 misspelt words", misspelt.join(" ")),
        ("every synonym", synonyms.to_owned()),
    ]
}

fn library() -> Library {
    Library::load(
        Path::new("articles"),
        LoadOptions {
            lists: backcare::triage::article_sign_lists(),
            ..LoadOptions::default()
        },
    )
    .expect("the bundled articles load")
}

fn bench_search(c: &mut Criterion) {
    let library = library();
    let index = SearchIndex::build(&library).expect("index");
    for query in QUERIES {
        let found = index.search(&library, query, LIMIT).expect("search");
        assert!(
            *query == "zzzz" || !found.hits.is_empty(),
            "{query} finds nothing, so the bench would not measure a results page"
        );
        c.bench_function(&format!("search {query:?}"), |b| {
            b.iter(|| index.search(&library, black_box(query), LIMIT))
        });
    }
}

fn bench_pathological(c: &mut Criterion) {
    let library = library();
    let index = SearchIndex::build(&library).expect("index");
    for (name, query) in pathological_queries() {
        c.bench_function(&format!("search {name}"), |b| {
            b.iter(|| index.search(&library, black_box(&query), LIMIT))
        });
    }
}

fn bench_build(c: &mut Criterion) {
    let library = library();
    c.bench_function("index the bundled articles", |b| {
        b.iter(|| SearchIndex::build(black_box(&library)))
    });
}

criterion_group!(benches, bench_search, bench_pathological, bench_build);
criterion_main!(benches);
