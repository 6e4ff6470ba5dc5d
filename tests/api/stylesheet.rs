//! The design budget: one hand-written stylesheet under 20 KB, with no web fonts, no imports and
//! no framework. The browser suite (tests/browser) checks the same over HTTP; this catches it in
//! `cargo test` without a browser.

use crate::helpers::repo_path;

const BUDGET_BYTES: usize = 20 * 1024;

#[test]
fn site_css_stays_under_its_budget_with_no_web_fonts() {
    let css = std::fs::read_to_string(repo_path("static/site.css")).expect("static/site.css");
    assert!(
        css.len() < BUDGET_BYTES,
        "static/site.css is {} bytes; the budget is {BUDGET_BYTES}. Trim rules before adding more.",
        css.len()
    );
    for forbidden in ["@font-face", "@import", "url("] {
        assert!(
            !css.contains(forbidden),
            "static/site.css uses {forbidden}: the site uses system fonts and one file only"
        );
    }
}

#[test]
fn the_only_stylesheet_is_site_css() {
    let mut css_files = Vec::new();
    let mut dirs = vec![repo_path("static")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("static dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path
                .extension()
                .is_some_and(|ext| ext == "css" || ext == "woff2" || ext == "woff" || ext == "js")
            {
                css_files.push(path);
            }
        }
    }
    assert_eq!(css_files, [repo_path("static/site.css")]);
}
