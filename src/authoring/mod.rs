//! The author's commands besides `serve`: `check` reports every problem and warning, `new` starts a page.
//! File system in, reports out; printing and exit codes stay in `main`.

pub mod check;
#[cfg(test)]
mod checker_words;
pub mod external;
#[cfg(test)]
mod guide_coverage;
pub mod new_article;

pub use check::{CheckReport, check};
pub use new_article::{NewArticle, NewArticleError};

pub use crate::content::today;

/// How the author should type backcare's name to run it again: `backcare` when that is the
/// program on their PATH (after `cargo install --path .`), otherwise the path to this very
/// program, such as `./target/release/backcare`, which works from the same folder.
pub fn command_name() -> String {
    let Ok(this) = std::env::current_exe().and_then(|path| path.canonicalize()) else {
        return "backcare".to_owned();
    };
    let on_path = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            dir.join("backcare")
                .canonicalize()
                .is_ok_and(|found| found == this)
        })
    });
    if on_path {
        return "backcare".to_owned();
    }
    let relative = std::env::current_dir()
        .ok()
        .and_then(|here| this.strip_prefix(here).ok().map(|path| path.to_path_buf()));
    match relative {
        Some(path) => format!("./{}", path.display()),
        None => this.display().to_string(),
    }
}
