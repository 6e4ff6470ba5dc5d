//! The crate's layers, checked at the level of `crate::` paths in the source (issue 26 item 9).
//!
//! Intended picture, top to bottom: the face (`cli`, `site_config`, `static_build`; `main.rs` is
//! the binary and reads the library as `backcare::`) → start-up (`startup`, `live_reload`,
//! `publish_schedule`, `site_source`) → authoring and the web → the discussion and search → triage and content, with
//! the shared leaves (`memory`, `parallel`, `rate_limit`, `telemetry`) under everything. No module
//! imports one in a higher layer; modules of one layer import each other only along the arrows
//! in `SAME_LAYER`, so authoring and the web, the discussion and search, and triage and content
//! stay independent (the wiring above passes what one needs from the other).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module of `src/lib.rs` and its layer, lowest first.
const LAYERS: &[(&str, &[&str])] = &[
    ("leaf", &["memory", "parallel", "rate_limit", "telemetry"]),
    ("domain", &["content", "triage"]),
    ("services", &["discussion", "search"]),
    ("front", &["authoring", "web"]),
    (
        "start-up",
        &["startup", "live_reload", "publish_schedule", "site_source"],
    ),
    ("face", &["cli", "site_config", "static_build"]),
];

/// Arrows allowed inside one layer: `serve --watch` and the publish schedule reload what
/// `startup` loaded, and `site_config` reads the command line's arguments.
const SAME_LAYER: &[(&str, &str)] = &[
    ("startup", "live_reload"),
    ("startup", "publish_schedule"),
    ("startup", "site_source"),
    ("live_reload", "site_source"),
    ("publish_schedule", "live_reload"),
    ("publish_schedule", "site_source"),
    ("site_config", "cli"),
];

/// Arrows against the picture that are known and still to be removed. Each must still exist
/// (so the list shrinks as they go), and no other may appear.
/// - triage → content: `Slug`, the sign lists (`NamedLists`, `SignCatalogue`), `ProseBlock` and
///   `Readability`; issue 26 item 2 moves them into a leaf both may use.
const KNOWN_EXCEPTIONS: &[(&str, &str)] = &[("triage", "content")];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).expect("source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files
}

/// The top-level modules named by `crate::` paths in `source`: `crate::web::Site`, and each
/// name in `use crate::{content::Slug, triage};`. Comments do not count.
fn crate_paths(source: &str) -> BTreeSet<String> {
    let code: String = source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut named = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let after = &code[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            for item in top_level_items(group) {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    named.insert(name);
                }
            }
        } else {
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // Preceded by an identifier character it is a longer name (`backcrate::`).
            let whole_word = code[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            if whole_word && !name.is_empty() {
                named.insert(name);
            }
        }
    }
    named
}

/// The items of a `use` group that starts just after its `{`, split at its own commas only:
/// `content::{Slug, Library}, triage}` → `content::{Slug, Library}`, `triage`.
fn top_level_items(group: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..at]);
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    items
}

/// Every arrow between two top-level modules: who names whom.
fn arrows(src: &Path, modules: &[String]) -> BTreeMap<(String, String), PathBuf> {
    let mut found = BTreeMap::new();
    for module in modules {
        let folder = src.join(module);
        let root = if folder.is_dir() {
            folder
        } else {
            src.join(format!("{module}.rs"))
        };
        for file in rust_files(&root) {
            let source = std::fs::read_to_string(&file).expect("source");
            for target in crate_paths(&source) {
                if &target != module && modules.contains(&target) {
                    found
                        .entry((module.clone(), target))
                        .or_insert_with(|| file.clone());
                }
            }
        }
    }
    found
}

fn lib_modules(src: &Path) -> Vec<String> {
    std::fs::read_to_string(src.join("lib.rs"))
        .expect("lib.rs")
        .lines()
        .filter_map(|line| line.trim().strip_prefix("pub mod "))
        .map(|rest| rest.trim_end_matches(';').trim().to_owned())
        .collect()
}

#[test]
fn every_top_level_module_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = lib_modules(&src);
    assert!(modules.len() > 10, "{modules:?}");
    let unplaced: Vec<&String> = modules
        .iter()
        .filter(|module| layer_of(module).is_none())
        .collect();
    assert!(
        unplaced.is_empty(),
        "put these modules in a layer of tests/api/layering.rs: {unplaced:?}"
    );
}

#[test]
fn no_module_imports_one_above_it_or_beside_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = lib_modules(&src);
    let found = arrows(&src, &modules);
    // The test reads real imports: these are known to be there.
    assert!(found.contains_key(&("web".to_owned(), "content".to_owned())));
    assert!(found.contains_key(&("startup".to_owned(), "web".to_owned())));

    let mut wrong = Vec::new();
    for ((from, to), file) in &found {
        let (Some(from_layer), Some(to_layer)) = (layer_of(from), layer_of(to)) else {
            continue;
        };
        let allowed = from_layer > to_layer
            || (from_layer == to_layer && SAME_LAYER.contains(&(from.as_str(), to.as_str())));
        if !allowed && !KNOWN_EXCEPTIONS.contains(&(from.as_str(), to.as_str())) {
            wrong.push(format!(
                "{from} → {to} ({}): {} imports a module {}",
                file.display(),
                LAYERS[from_layer].0,
                if from_layer == to_layer {
                    "of its own layer"
                } else {
                    "of a layer above"
                }
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");

    for (from, to) in KNOWN_EXCEPTIONS {
        assert!(
            found.contains_key(&((*from).to_owned(), (*to).to_owned())),
            "{from} → {to} is gone: take it out of KNOWN_EXCEPTIONS"
        );
    }
}

#[test]
fn crate_paths_are_read_from_uses_groups_and_code_not_comments() {
    let source = "use crate::{content::{Slug, Library}, triage};\n\
                  // crate::web is only mentioned\n\
                  fn f() { crate::search::run(); }\n";
    let named: Vec<String> = crate_paths(source).into_iter().collect();
    assert_eq!(named, ["content", "search", "triage"]);
}
