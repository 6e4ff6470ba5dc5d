//! `backcare build`: writes the whole pre-rendered site to a folder, for any static host or CDN.
//! Each page is `<path>.html` (`/articles/heat` → `articles/heat.html`; `/` → `index.html`), so the
//! host must try `$uri.html` (nginx: `try_files $uri $uri.html =404;`). Feeds, the sitemap, robots
//! and static files (under both their plain and hashed names) keep their names; text files also
//! get `.gz` and `.br` copies for hosts that serve precompressed files. The symptom checker's
//! answers and the discussion need the server: forms post to `--app-url` when it is given.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::ProgressBar;

use crate::content::{Library, LoadErrors, LoadOptions};
use crate::web::BaseUrl;
use crate::web::assets::Assets;
use crate::web::compression;
use crate::web::error::PageError;
use crate::web::pages::errors::ErrorPage;
use crate::web::paths::HEALTH_PATH;
use crate::web::representation::Page;
use crate::web::site::{RenderError, Site, SiteSettings};

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub articles: PathBuf,
    pub static_dir: PathBuf,
    pub out: PathBuf,
    pub base_url: BaseUrl,
    /// Where the server runs for the forms (`https://app.backcare.example`); `None` keeps them
    /// posting to the same site, for a host that forwards those addresses to the server.
    pub app_url: Option<String>,
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{0}")]
    Content(#[from] LoadErrors),
    #[error("cannot read the static directory {path}: {source}")]
    Static {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Loads, checks and renders the site as `serve` does (no drafts), then writes every page.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    build_with_progress(options, &ProgressBar::hidden())
}

/// `build`, counting the files of each page on `progress` as they are written.
pub fn build_with_progress(
    options: &BuildOptions,
    progress: &ProgressBar,
) -> Result<BuildReport, BuildError> {
    let library = Library::load(
        &options.articles,
        LoadOptions {
            static_dir: Some(options.static_dir.clone()),
            base_url: Some(options.base_url.to_string()),
            page_anchors: crate::web::site::page_anchors(),
            today: Some(crate::authoring::today()),
            lists: crate::triage::article_sign_lists(),
            ..LoadOptions::default()
        },
    )?;
    let assets = Assets::load(&options.static_dir).map_err(|source| BuildError::Static {
        path: options.static_dir.clone(),
        source,
    })?;
    let settings = SiteSettings {
        // The buttons post to the server (`--app-url`), which counts the answers.
        feedback: true,
        ..SiteSettings::new(options.base_url.clone())
    };
    let site = Site::build(&Arc::new(library), &assets, settings)?;

    let mut report = BuildReport {
        pages: 0,
        files: 0,
        bytes: 0,
    };
    let mut pages: Vec<(&str, &Page)> = site
        .pages()
        .filter(|(path, _)| *path != HEALTH_PATH)
        .collect();
    pages.sort_by_key(|(path, _)| *path);
    progress.set_length(pages.len() as u64 + 1);
    for (path, page) in pages {
        progress.set_message(path.to_owned());
        progress.inc(1);
        let is_html = page
            .content
            .content_type
            .as_bytes()
            .starts_with(b"text/html");
        let file = options.out.join(file_for(path, is_html));
        let body = if is_html {
            report.pages += 1;
            with_form_actions(page.body(), options.app_url.as_deref())
        } else {
            page.body().to_vec()
        };
        write(&file, &body, &mut report)?;
        let content_type = page.content.content_type.to_str().unwrap_or_default();
        if compression::is_compressible(content_type) {
            write(
                &with_suffix(&file, "gz"),
                &compression::gzip(&body),
                &mut report,
            )?;
            write(
                &with_suffix(&file, "br"),
                &compression::brotli(&body),
                &mut report,
            )?;
        }
    }
    progress.inc(1);
    let not_found = ErrorPage::render_for(&PageError::NotFound, &site.settings)
        .map_err(|source| RenderError::new("404.html", source))?;
    write(
        &options.out.join("404.html"),
        not_found.as_bytes(),
        &mut report,
    )?;
    Ok(report)
}

/// `/` → `index.html`, `/articles/heat` → `articles/heat.html`, `/feed.xml` → `feed.xml`.
fn file_for(path: &str, is_html: bool) -> PathBuf {
    let relative = path.trim_start_matches('/');
    match relative {
        "" => PathBuf::from("index.html"),
        _ if is_html => PathBuf::from(format!("{relative}.html")),
        _ => PathBuf::from(relative),
    }
}

fn with_suffix(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Points the forms (the symptom checker's, the search box) and the links to search results at
/// the server, which answers them: a static host has no search.
fn with_form_actions(html: &[u8], app_url: Option<&str>) -> Vec<u8> {
    let html = String::from_utf8_lossy(html);
    match app_url {
        Some(app_url) => {
            let app_url = app_url.trim_end_matches('/');
            html.replace(" action=\"/", &format!(" action=\"{app_url}/"))
                .replace(" href=\"/search\"", &format!(" href=\"{app_url}/search\""))
                .into_bytes()
        }
        None => html.into_owned().into_bytes(),
    }
}

fn write(file: &Path, body: &[u8], report: &mut BuildReport) -> Result<(), BuildError> {
    let error = |source| BuildError::Write {
        path: file.to_path_buf(),
        source,
    };
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent).map_err(error)?;
    }
    std::fs::write(file, body).map_err(error)?;
    report.files += 1;
    report.bytes += body.len() as u64;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_become_html_files_and_other_files_keep_their_names() {
        assert_eq!(file_for("/", true), PathBuf::from("index.html"));
        assert_eq!(
            file_for("/articles/heat", true),
            PathBuf::from("articles/heat.html")
        );
        assert_eq!(file_for("/feed.xml", false), PathBuf::from("feed.xml"));
        assert_eq!(
            file_for("/static/site.css", false),
            PathBuf::from("static/site.css")
        );
    }

    #[test]
    fn forms_post_to_the_app_url() {
        let html = b"<form method=\"post\" action=\"/symptom-checker\">";
        assert_eq!(
            with_form_actions(html, Some("https://app.example/")),
            b"<form method=\"post\" action=\"https://app.example/symptom-checker\">"
        );
        assert_eq!(with_form_actions(html, None), html);
        assert_eq!(
            with_form_actions(b"<a href=\"/search\">", Some("https://app.example")),
            b"<a href=\"https://app.example/search\">"
        );
    }
}
