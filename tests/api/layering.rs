//! The crate's layers, checked at the level of `crate::` paths in the source (issue 26 item 9).
//!
//! Intended picture, top to bottom: the face (`cli`, `site_config`, `static_build`; `main.rs` is
//! the binary and reads the library as `backcare::`) → start-up (`startup`, `live_reload`,
//! `publish_schedule`, `site_source`) → authoring and the web → the discussion and search →
//! triage and content → `vocabulary` (what triage and content both speak of: slugs and the sign
//! lists), with the shared leaves (`memory`, `parallel`, `rate_limit`, `telemetry`) under
//! everything. No module imports one in a higher layer; modules of one layer import each other
//! only along the arrows in `SAME_LAYER`, so authoring and the web, the discussion and search,
//! and triage and content stay independent (the wiring above passes what one needs from the
//! other). And no two modules import each other, even through others: not at the top level,
//! nor among `web`'s own modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module of `src/lib.rs` and its layer, lowest first.
const LAYERS: &[(&str, &[&str])] = &[
    ("leaf", &["memory", "parallel", "rate_limit", "telemetry"]),
    ("vocabulary", &["vocabulary"]),
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
    paths_after(source, "crate::")
}

/// The first name after each `prefix` in `source` (`prefix` being `crate::` or `super::super::`,
/// say), and each first name in a `prefix{…}` group. Comments do not count, nor a longer
/// path that merely ends in `prefix` (`backcrate::`, or `super::super::` for `super::`).
fn paths_after(source: &str, prefix: &str) -> BTreeSet<String> {
    let code: String = source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    let mut named = BTreeSet::new();
    if prefix.is_empty() {
        return named;
    }
    for (at, _) in code.match_indices(prefix) {
        let whole_path = code[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(is_name(c) || c == ':'));
        if !whole_path {
            continue;
        }
        let after = &code[at + prefix.len()..];
        if let Some(group) = after.strip_prefix('{') {
            for item in top_level_items(group) {
                let name: String = item.trim().chars().take_while(|c| is_name(*c)).collect();
                if !name.is_empty() {
                    named.insert(name);
                }
            }
        } else {
            let name: String = after.chars().take_while(|c| is_name(*c)).collect();
            if !name.is_empty() {
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
    assert!(found.contains_key(&("triage".to_owned(), "vocabulary".to_owned())));

    let mut wrong = Vec::new();
    for ((from, to), file) in &found {
        let (Some(from_layer), Some(to_layer)) = (layer_of(from), layer_of(to)) else {
            continue;
        };
        let allowed = from_layer > to_layer
            || (from_layer == to_layer && SAME_LAYER.contains(&(from.as_str(), to.as_str())));
        if !allowed {
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
}

#[test]
fn crate_paths_are_read_from_uses_groups_and_code_not_comments() {
    let source = "use crate::{content::{Slug, Library}, triage};\n\
                  // crate::web is only mentioned\n\
                  fn f() { crate::search::run(); }\n";
    let named: Vec<String> = crate_paths(source).into_iter().collect();
    assert_eq!(named, ["content", "search", "triage"]);
}

/// The first cycle in `arrows`, as the modules along it with the first back at the end
/// (`site → pages → redirects → site`), each arrow with the file that makes it.
fn find_cycle(arrows: &BTreeMap<(String, String), PathBuf>) -> Option<Vec<(String, PathBuf)>> {
    let mut graph: BTreeMap<&str, Vec<(&str, &PathBuf)>> = BTreeMap::new();
    for ((from, to), file) in arrows {
        graph.entry(from).or_default().push((to, file));
    }
    // Depth-first, keeping the path walked; an arrow back into the path closes a cycle.
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for &start in graph.keys() {
        if done.contains(start) {
            continue;
        }
        let mut path: Vec<(&str, usize)> = vec![(start, 0)];
        let mut via: Vec<&PathBuf> = Vec::new();
        while let Some(&(module, next)) = path.last() {
            let out = graph.get(module).map_or(&[][..], Vec::as_slice);
            let Some(&(to, file)) = out.get(next) else {
                done.insert(module);
                path.pop();
                via.pop();
                continue;
            };
            path.last_mut().expect("not empty").1 += 1;
            if let Some(at) = path.iter().position(|(walked, _)| *walked == to) {
                via.push(file);
                let mut cycle: Vec<(String, PathBuf)> = path[at..]
                    .iter()
                    .zip(&via[at..])
                    .map(|((module, _), file)| ((*module).to_owned(), (*file).clone()))
                    .collect();
                cycle.push((to.to_owned(), PathBuf::new()));
                return Some(cycle);
            }
            if !done.contains(to) {
                path.push((to, 0));
                via.push(file);
            }
        }
    }
    None
}

/// `a → b → a`, and under it which file makes each arrow.
fn describe_cycle(cycle: &[(String, PathBuf)], src: &Path) -> String {
    let names: Vec<&str> = cycle.iter().map(|(module, _)| module.as_str()).collect();
    let mut message = names.join(" → ");
    for pair in cycle.windows(2) {
        let file = pair[0].1.strip_prefix(src).unwrap_or(&pair[0].1);
        message.push_str(&format!(
            "\n  {} → {}: src/{}",
            pair[0].0,
            pair[1].0,
            file.display()
        ));
    }
    message
}

#[test]
fn no_cycle_between_top_level_modules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = arrows(&src, &lib_modules(&src));
    if let Some(cycle) = find_cycle(&found) {
        panic!(
            "import cycle between top-level modules: {}",
            describe_cycle(&cycle, &src)
        );
    }
}

/// The modules of `src/web/`: each file or folder directly under it, `mod.rs` aside.
fn web_modules(web: &Path) -> Vec<String> {
    let mut modules: Vec<String> = std::fs::read_dir(web)
        .expect("src/web")
        .flatten()
        .filter_map(|entry| {
            let path = entry.path();
            let name = path.file_name()?.to_str()?.to_owned();
            if path.is_dir() {
                Some(name)
            } else {
                name.strip_suffix(".rs")
                    .filter(|stem| *stem != "mod")
                    .map(str::to_owned)
            }
        })
        .collect();
    modules.sort();
    modules
}

/// What `web/mod.rs` re-exports and from which of its modules: `pub use site::Site;` → `Site`
/// is `site`'s, so an import of `crate::web::Site` is an arrow to `site`.
fn web_reexports(web: &Path) -> BTreeMap<String, String> {
    let source = std::fs::read_to_string(web.join("mod.rs")).expect("web/mod.rs");
    let mut reexports = BTreeMap::new();
    for line in source.lines() {
        let Some(path) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = path.trim_end_matches(';').split_once("::") else {
            continue;
        };
        let items = items.trim_start_matches('{').trim_end_matches('}');
        for item in items.split(',') {
            let name = item.rsplit("::").next().unwrap_or(item);
            let name = name.rsplit(" as ").next().unwrap_or(name).trim();
            if !name.is_empty() && name != "self" {
                reexports.insert(name.to_owned(), module.to_owned());
            }
        }
    }
    reexports
}

/// `source` without its unit tests: a module's tests may build the whole site to test one
/// piece of it, and are not part of the served program. Each file keeps them in one
/// `#[cfg(test)] mod tests` at its end, and this checks that it does.
fn without_unit_tests(source: &str, file: &Path) -> String {
    let Some(at) = source.find("#[cfg(test)]") else {
        return source.to_owned();
    };
    let tests = &source[at..];
    let closed_at_end = tests
        .lines()
        .skip(1)
        .position(|line| line == "}")
        .is_some_and(|end| {
            tests
                .lines()
                .skip(end + 2)
                .all(|line| line.trim().is_empty())
        });
    assert!(
        tests.lines().nth(1) == Some("mod tests {")
            && closed_at_end
            && tests.matches("#[cfg(test)]").count() == 1,
        "{}: the layering test expects one `#[cfg(test)] mod tests {{ … }}` at the end of the file",
        file.display()
    );
    source[..at].to_owned()
}

/// Every arrow between two modules of `src/web/`: `crate::web::x`, and `super::x` where that
/// `super` is `web` (one `super::` from `web/error.rs` or `web/pages/mod.rs`, two from
/// `web/pages/about.rs`). `self::` and shorter `super::` paths stay inside one module, and
/// `web/mod.rs`, which declares every module and puts the app together, is not one of them;
/// a name it re-exports counts as the module that defines it.
fn web_arrows(src: &Path) -> BTreeMap<(String, String), PathBuf> {
    let web = src.join("web");
    let modules = web_modules(&web);
    let reexports = web_reexports(&web);
    let mut found = BTreeMap::new();
    for module in &modules {
        let folder = web.join(module);
        let root = if folder.is_dir() {
            folder
        } else {
            web.join(format!("{module}.rs"))
        };
        for file in rust_files(&root) {
            let source = std::fs::read_to_string(&file).expect("source");
            let code = without_unit_tests(&source, &file);
            let below_web = file
                .strip_prefix(&web)
                .expect("under web")
                .components()
                .count();
            let supers = if file.ends_with("mod.rs") {
                below_web - 1
            } else {
                below_web
            };
            let to_web = "super::".repeat(supers);
            let mut named = paths_after(&code, "crate::web::");
            named.extend(paths_after(&code, &to_web));
            for name in named {
                let target = if modules.contains(&name) {
                    Some(&name)
                } else {
                    reexports.get(&name)
                };
                if let Some(target) = target.filter(|target| *target != module) {
                    found
                        .entry((module.clone(), target.clone()))
                        .or_insert_with(|| file.clone());
                }
            }
        }
    }
    found
}

#[test]
fn no_cycle_between_the_modules_of_web() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = web_arrows(&src);
    // The test reads real imports: these are known to be there.
    assert!(found.contains_key(&("pages".to_owned(), "prerender".to_owned())));
    assert!(found.contains_key(&("discussion".to_owned(), "error".to_owned())));
    assert!(found.contains_key(&("connections".to_owned(), "proxy".to_owned())));
    if let Some(cycle) = find_cycle(&found) {
        panic!(
            "import cycle between the modules of src/web/: {}",
            describe_cycle(&cycle, &src)
        );
    }
}

#[test]
fn a_cycle_is_found_and_named() {
    let arrow =
        |from: &str, to: &str, file: &str| ((from.to_owned(), to.to_owned()), PathBuf::from(file));
    let mut arrows: BTreeMap<_, _> = [
        arrow("site", "pages", "site.rs"),
        arrow("pages", "prerender", "pages/mod.rs"),
        arrow("pages", "redirects", "pages/mod.rs"),
        arrow("prerender", "paths", "prerender.rs"),
    ]
    .into_iter()
    .collect();
    assert_eq!(find_cycle(&arrows), None);
    arrows.extend([arrow("redirects", "site", "redirects.rs")]);
    let cycle = find_cycle(&arrows).expect("a cycle");
    assert_eq!(
        describe_cycle(&cycle, Path::new("")),
        "pages → redirects → site → pages\n  pages → redirects: src/pages/mod.rs\n  \
         redirects → site: src/redirects.rs\n  site → pages: src/site.rs"
    );
}

#[test]
fn super_paths_that_reach_web_are_read() {
    let source = "use super::super::paths::HOME;\nuse super::{layout::Layout, feed};\n\
                  fn f() { super::super::metrics::record(); }\n";
    let named: Vec<String> = paths_after(source, "super::super::").into_iter().collect();
    assert_eq!(named, ["metrics", "paths"]);
    let named: Vec<String> = paths_after(source, "super::").into_iter().collect();
    assert_eq!(named, ["feed", "layout", "super"]);
}
