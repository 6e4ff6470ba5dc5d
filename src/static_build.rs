//! `backcare build`: writes the whole pre-rendered site to a folder, for any static host or CDN.
//! Each page is `<path>.html` (`/articles/heat` → `articles/heat.html`; `/` → `index.html`), so the
//! host must try `$uri.html` (nginx: `try_files $uri $uri.html =404;`). Feeds, the sitemap, robots
//! and static files (under both their plain and hashed names, and the smaller copies of the
//! articles' large images, `content::images`) keep their names; every text file
//! also gets `.gz` and `.br` copies for hosts that serve precompressed files. The folder is the
//! build's own: it is emptied first (so no page of an earlier build survives), and a marker file
//! says so. The search box and the symptom checker need the server: they post to `--app-url`, and
//! without one the pages say they are not available and link to the A to Z instead.

use std::path::{Path, PathBuf};

use indicatif::ProgressBar;

use crate::content::Library;
use crate::content::author_problems::AuthorProblems;
use crate::site_source::{SiteError, SiteSource, site_load_options};
use crate::web::BaseUrl;
use crate::web::SiteSettings;
use crate::web::compression;
use crate::web::error::PageError;
use crate::web::pages::FIXED_PAGES;
use crate::web::pages::errors::ErrorPage;
use crate::web::paths::HEALTH_PATH;
use crate::web::prerender::{Prerender, RenderError};
use crate::web::representation::{HTML, Page};
use crate::web::site::Site;

/// The file that marks a folder as written by `backcare build`, which may empty it.
pub const MARKER: &str = ".backcare-build";
const MARKER_TEXT: &str = "This folder was written by `backcare build`, which deletes everything \
in it before each build. Do not keep other files here.\n";

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub articles: PathBuf,
    pub static_dir: PathBuf,
    pub out: PathBuf,
    pub base_url: BaseUrl,
    /// Where the server runs for the search box and the forms (`https://app.backcare.example`);
    /// `None`: the pages say that search and the checker need the server.
    pub app_url: Option<String>,
    /// Empty `out` even when it holds files that no build wrote.
    pub force: bool,
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
}

/// Why the site was not written: it could not be built, or a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Site(#[from] SiteError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{} is not empty and was not written by backcare build (it has no {MARKER} file), so nothing was written; choose an empty or new folder, or add --force to delete everything in it",
        path.display()
    )]
    NotOwned { path: PathBuf },
    #[error(
        "{} holds the site's own {what} folder {}, which emptying it would delete; choose an output folder outside it, such as public",
        out.display(),
        inside.display()
    )]
    HoldsSources {
        out: PathBuf,
        what: &'static str,
        inside: PathBuf,
    },
    #[error("cannot empty {path}: {source}")]
    Empty {
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
    let source = SiteSource {
        articles: options.articles.clone(),
        static_dir: options.static_dir.clone(),
        load_options: site_load_options(&options.static_dir, Some(&options.base_url.to_string())),
        settings: SiteSettings {
            server_answers_forms: options.app_url.is_some(),
            // The buttons post to the server (`--app-url`), which counts the answers; without one
            // nothing would answer them.
            feedback: options.app_url.is_some(),
            ..SiteSettings::new(options.base_url.clone())
        },
        fixed_today: None,
    };
    let content = source.load()?;
    let site = source
        .render(&content, AuthorProblems::default())
        .map_err(SiteError::Render)?
        .site;
    let extra_pages = pages_for_a_static_host(&site, &content.library)?;

    prepare_folder(options)?;
    let mut pages: Vec<(&str, &[u8], &str)> = site
        .pages()
        .filter(|(path, _)| *path != HEALTH_PATH)
        .map(|(path, page)| {
            let content_type = page.content.content_type.to_str().unwrap_or_default();
            (path, &page.body()[..], content_type)
        })
        .chain(extra_pages.iter().map(|(path, page)| {
            let content_type = page.content.content_type.to_str().unwrap_or_default();
            (path.as_str(), &page.body()[..], content_type)
        }))
        .collect();
    pages.sort_by_key(|(path, _, _)| *path);
    progress.set_length(pages.len() as u64);
    let mut report = BuildReport {
        pages: 0,
        files: 0,
        bytes: 0,
    };
    for (path, body, content_type) in pages {
        progress.set_message(path.to_owned());
        progress.inc(1);
        write_page(options, path, body, content_type, &mut report)?;
    }
    Ok(report)
}

/// What a static host needs beyond the server's pages: `404.html`, and the copy the registry of
/// fixed pages gives of each page made per request (the search page that the search box and
/// the links to search lead to).
fn pages_for_a_static_host(
    site: &Site,
    library: &Library,
) -> Result<Vec<(String, Page)>, BuildError> {
    let not_found = ErrorPage::render_for(&PageError::NotFound, &site.settings)
        .map_err(|source| SiteError::Render(RenderError::new("404.html", source)))?;
    let mut copies = Prerender::new(&site.settings, FIXED_PAGES);
    copies.file("/404", not_found, HTML);
    for page in FIXED_PAGES {
        if let Some(copy) = page.static_copy {
            copy(&mut copies, library).map_err(SiteError::Render)?;
        }
    }
    Ok(copies.finish().pages.into_iter().collect())
}

/// Writes one page and, for text, its compressed copies.
fn write_page(
    options: &BuildOptions,
    path: &str,
    body: &[u8],
    content_type: &str,
    report: &mut BuildReport,
) -> Result<(), BuildError> {
    let is_html = content_type.as_bytes().starts_with(b"text/html");
    let file = options.out.join(file_for(path, is_html));
    let body = if is_html {
        report.pages += 1;
        with_form_actions(body, options.app_url.as_deref())
    } else {
        body.to_vec()
    };
    write(&file, &body, report)?;
    if compression::is_compressible(content_type) {
        write(&with_suffix(&file, "gz"), &compression::gzip(&body), report)?;
        write(
            &with_suffix(&file, "br"),
            &compression::brotli(&body),
            report,
        )?;
    }
    Ok(())
}

/// Makes `out` an empty folder that the build owns: created if missing, emptied if an earlier
/// build wrote it (or with `--force`), refused if it holds someone else's files or the site's
/// own sources.
fn prepare_folder(options: &BuildOptions) -> Result<(), BuildError> {
    let out = &options.out;
    let write_error = |source| BuildError::Write {
        path: out.clone(),
        source,
    };
    std::fs::create_dir_all(out).map_err(write_error)?;
    let out_real = out.canonicalize().map_err(write_error)?;
    for (what, dir) in [
        ("articles", &options.articles),
        ("static", &options.static_dir),
    ] {
        if let Ok(inside) = dir.canonicalize()
            && inside.starts_with(&out_real)
        {
            return Err(BuildError::HoldsSources {
                out: out.clone(),
                what,
                inside: dir.clone(),
            });
        }
    }
    let empty_error = |source| BuildError::Empty {
        path: out.clone(),
        source,
    };
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(out)
        .map_err(empty_error)?
        .collect::<Result<_, _>>()
        .map_err(empty_error)?;
    let owned = out.join(MARKER).is_file();
    if !entries.is_empty() && !owned && !options.force {
        return Err(BuildError::NotOwned { path: out.clone() });
    }
    for entry in entries {
        let path = entry.path();
        let removed = match entry.file_type() {
            Ok(kind) if kind.is_dir() => std::fs::remove_dir_all(&path),
            _ => std::fs::remove_file(&path),
        };
        removed.map_err(|source| BuildError::Empty { path, source })?;
    }
    // Written first, so a build stopped half-way still leaves a folder the next one may empty.
    std::fs::write(out.join(MARKER), MARKER_TEXT).map_err(write_error)
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
/// the server, which answers them: a static host has no search. Without a server the pages
/// were rendered without those forms, and the links to `/search` reach the page that says so.
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
