//! `backcare build`: the written folder, served by a plain static file server (no backcare in
//! front), must have no broken link, and its forms must post to `--app-url`.

use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::content_errors::run_backcare;
use crate::helpers::{html, selector};

const BASE_URL: &str = "https://backcare.example";
const APP_URL: &str = "https://app.backcare.example";

/// A static host as simple as they come: `/x` is the file `x`, else `x.html`, else 404.html.
async fn serve_folder(root: PathBuf) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let root = root.clone();
            tokio::spawn(async move {
                let mut request = vec![0; 8192];
                let read = stream.read(&mut request).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&request[..read]);
                let path = request.split_whitespace().nth(1).unwrap_or("/");
                let path = path.split(['?', '#']).next().unwrap_or("/");
                let (status, body) = match find_file(&root, path) {
                    Some(file) => ("200 OK", std::fs::read(file).unwrap_or_default()),
                    None => (
                        "404 Not Found",
                        std::fs::read(root.join("404.html")).unwrap_or_default(),
                    ),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
            });
        }
    });
    format!("http://{address}")
}

fn find_file(root: &Path, path: &str) -> Option<PathBuf> {
    if path.split('/').any(|part| part == "..") {
        return None;
    }
    let relative = path.trim_start_matches('/');
    let candidates = if relative.is_empty() {
        vec![root.join("index.html")]
    } else {
        vec![root.join(relative), root.join(format!("{relative}.html"))]
    };
    candidates.into_iter().find(|file| file.is_file())
}

/// Every address a page links to or loads, as a path on this site; other sites are left out.
fn internal_links(body: &str) -> Vec<String> {
    let document = html(body);
    let mut links = Vec::new();
    for (css, attribute) in [
        ("a[href]", "href"),
        ("link[href]", "href"),
        ("img[src]", "src"),
        ("script[src]", "src"),
    ] {
        for element in document.select(&selector(css)) {
            let Some(value) = element.value().attr(attribute) else {
                continue;
            };
            let value = value.strip_prefix(BASE_URL).unwrap_or(value);
            if value.starts_with('/') && !value.starts_with("//") {
                let path = value.split('#').next().unwrap_or(value);
                links.push(if path.is_empty() { "/" } else { path }.to_owned());
            }
        }
    }
    links
}

/// Follows every internal link from `/` on `host`; returns the addresses seen and the broken ones.
async fn crawl(host: &str) -> (BTreeSet<String>, Vec<String>) {
    let client = reqwest::Client::new();
    let mut queue = VecDeque::from(["/".to_owned()]);
    let mut seen = BTreeSet::from(["/".to_owned()]);
    let mut broken = Vec::new();
    while let Some(path) = queue.pop_front() {
        let response = client
            .get(format!("{host}{path}"))
            .send()
            .await
            .expect("the host answers");
        if response.status() != 200 {
            broken.push(format!("{path}: {}", response.status()));
            continue;
        }
        let body = response.text().await.unwrap_or_default();
        if !body.trim_start().starts_with("<!doctype html>") {
            continue;
        }
        for link in internal_links(&body) {
            if seen.insert(link.clone()) {
                queue.push_back(link);
            }
        }
    }
    (seen, broken)
}

/// Every file under `root`, as paths relative to it.
fn files_under(root: &Path) -> BTreeSet<PathBuf> {
    let mut files = BTreeSet::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.insert(path.strip_prefix(root).expect("inside").to_path_buf());
            }
        }
    }
    files
}

fn build_into(out: &Path, extra: &[&str]) -> std::process::Output {
    let folder = out.to_str().expect("utf-8");
    let mut args = vec!["build", "--out", folder, "--base-url", BASE_URL];
    args.extend_from_slice(extra);
    run_backcare(&args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn the_built_site_has_no_broken_link_on_a_plain_static_host() {
    let out = tempfile::tempdir().expect("temp dir");
    let run = build_into(out.path(), &["--app-url", APP_URL]);
    let stdout = text(&run.stdout);
    assert!(run.status.success(), "{stdout}{}", text(&run.stderr));
    assert!(stdout.starts_with("built "), "{stdout}");
    assert!(stdout.contains(&format!("post to {APP_URL}")), "{stdout}");
    for file in [
        "index.html",
        "index.html.gz",
        "index.html.br",
        "articles/heat-therapy.html",
        "topics.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "static/site.css",
        "404.html",
        "404.html.gz",
        "404.html.br",
        "opensearch.xml.gz",
        "opensearch.xml.br",
        "search.html",
        "search.html.br",
        ".backcare-build",
    ] {
        assert!(out.path().join(file).is_file(), "{file} is written");
    }
    assert!(
        !out.path().join("healthz.html").exists(),
        "the health check is the server's"
    );

    let host = serve_folder(out.path().to_path_buf()).await;
    let (seen, broken) = crawl(&host).await;
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    assert!(seen.len() > 50, "crawled only {seen:?}");
    println!("static build: crawled {} addresses, 0 broken", seen.len());

    let checker = std::fs::read_to_string(out.path().join("symptom-checker.html")).expect("form");
    assert!(
        checker.contains(&format!("action=\"{APP_URL}/symptom-checker\"")),
        "the checker posts to the app"
    );
    let article = std::fs::read_to_string(out.path().join("articles/heat-therapy.html")).unwrap();
    assert!(
        article.contains(&format!(
            "action=\"{APP_URL}/articles/heat-therapy/feedback\""
        )),
        "\"Is this page helpful?\" posts to the app"
    );
    let search = std::fs::read_to_string(out.path().join("search.html")).expect("search");
    assert!(
        search.contains(&format!("action=\"{APP_URL}/search\"")),
        "the search page posts to the app"
    );
}

/// Without `--app-url` nothing answers the search box or the checker: `build` warns, and the
/// pages say so and link to the A to Z, so the crawl (`/search` included) finds no broken link.
#[tokio::test]
async fn without_an_app_url_the_pages_say_search_and_the_checker_need_the_server() {
    let out = tempfile::tempdir().expect("temp dir");
    let run = build_into(out.path(), &[]);
    let stderr = text(&run.stderr);
    assert!(run.status.success(), "{}{stderr}", text(&run.stdout));
    assert!(
        stderr.contains("backcare build: warning: no --app-url, so the built site has no search and no symptom checker"),
        "{stderr}"
    );
    let home = std::fs::read_to_string(out.path().join("index.html")).expect("home");
    let document = html(&home);
    assert_eq!(document.select(&selector("form")).count(), 0, "no form");
    let note = document
        .select(&selector(".site-search-note a"))
        .next()
        .expect("the header says there is no search");
    assert_eq!(note.value().attr("href"), Some("/a-z"));
    let checker = std::fs::read_to_string(out.path().join("symptom-checker.html")).expect("page");
    let checker = html(&checker);
    assert_eq!(checker.select(&selector("form")).count(), 0);
    let article = std::fs::read_to_string(out.path().join("articles/heat-therapy.html")).unwrap();
    assert_eq!(
        html(&article).select(&selector("form")).count(),
        0,
        "no \"Is this page helpful?\" buttons that nothing would answer"
    );
    assert!(
        checker
            .select(&selector("[data-needs-server]"))
            .next()
            .is_some()
    );
    assert!(
        checker
            .select(&selector("[data-emergency-box]"))
            .next()
            .is_some(),
        "the warning signs stay"
    );

    let host = serve_folder(out.path().to_path_buf()).await;
    let (seen, broken) = crawl(&host).await;
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    assert!(seen.contains("/search"), "the links to search are followed");
}

/// A build into last week's build leaves nothing the current site does not have (a renamed or
/// unpublished article's old page is gone), and a folder no build wrote is never emptied unasked.
#[test]
fn build_owns_its_folder_and_leaves_no_stale_file() {
    let small_site = ["--articles", "tests/fixtures/warnings/short-summary"];
    let fresh = tempfile::tempdir().expect("temp dir");
    assert!(build_into(fresh.path(), &small_site).status.success());

    let reused = tempfile::tempdir().expect("temp dir");
    assert!(
        build_into(reused.path(), &[]).status.success(),
        "last week's build"
    );
    assert!(reused.path().join("articles/sciatica.html").is_file());
    let run = build_into(reused.path(), &small_site);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert_eq!(files_under(reused.path()), files_under(fresh.path()));

    let someone_elses = tempfile::tempdir().expect("temp dir");
    let notes = someone_elses.path().join("notes.txt");
    std::fs::write(&notes, "keep me").expect("written");
    let refused = build_into(someone_elses.path(), &small_site);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("is not empty and was not written by backcare build (it has no .backcare-build file), so nothing was written; choose an empty or new folder, or add --force to delete everything in it"),
        "{stderr}"
    );
    assert!(notes.is_file(), "nothing deleted");
    let forced = build_into(
        someone_elses.path(),
        &[small_site[0], small_site[1], "--force"],
    );
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert!(!notes.exists());
}

/// Even `--force` never empties a folder that holds the site's own articles.
#[test]
fn build_refuses_a_folder_that_holds_the_articles() {
    let site = tempfile::tempdir().expect("temp dir");
    let articles = site.path().join("articles");
    std::fs::create_dir(&articles).expect("created");
    for file in ["heat-therapy.md", "when-to-get-help.md"] {
        std::fs::copy(
            crate::helpers::repo_path(&format!("tests/fixtures/warnings/short-summary/{file}")),
            articles.join(file),
        )
        .expect("copied");
    }
    let run = build_into(
        site.path(),
        &["--articles", articles.to_str().expect("utf-8"), "--force"],
    );
    assert_eq!(run.status.code(), Some(1));
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains("holds the site's own articles folder"),
        "{stderr}"
    );
    assert!(
        articles.join("heat-therapy.md").is_file(),
        "nothing deleted"
    );
}

/// `build` counts its pages on a progress bar in a terminal, and prints only its result when its
/// output is piped. `script` (bsdutils, essential on Debian) gives the child a terminal.
#[test]
fn build_draws_a_progress_bar_on_a_terminal_only() {
    let out = tempfile::tempdir().expect("temp dir");
    let folder = out.path().to_str().expect("utf-8");
    // Two articles keep the builds short on a busy machine.
    let articles = "tests/fixtures/warnings/short-summary";
    let piped = run_backcare(&[
        "build",
        "--articles",
        articles,
        "--out",
        folder,
        "--base-url",
        BASE_URL,
    ]);
    assert!(piped.status.success());
    for stream in [&piped.stdout, &piped.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\r'),
            "terminal codes in {text:?}"
        );
    }

    let command = format!(
        "{} build --articles {articles} --out {folder} --base-url {BASE_URL}",
        env!("CARGO_BIN_EXE_backcare")
    );
    let on_terminal = std::process::Command::new("script")
        .args(["--quiet", "--return", "--command", &command, "/dev/null"])
        .current_dir(crate::helpers::repo_path(""))
        .env_remove("BACKCARE_BASE_URL")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script runs");
    let text = String::from_utf8_lossy(&on_terminal.stdout);
    assert!(on_terminal.status.success(), "{text}");
    assert!(
        text.contains("writing [") && text.contains('\u{1b}'),
        "no progress bar in {text:?}"
    );
    assert!(text.contains("built "), "{text}");
}

#[test]
fn build_refuses_articles_with_problems_and_writes_nothing() {
    let site = tempfile::tempdir().expect("temp dir");
    let out = site.path().join("public");
    let run = build_into(
        &out,
        &[
            "--articles",
            "tests/fixtures/broken/unknown-key",
            "--static",
            "static",
        ],
    );
    assert_eq!(run.status.code(), Some(1));
    let stderr = text(&run.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines
            .first()
            .is_some_and(|line| line.contains("unknown-key")),
        "the problems come first, as check lists them: {stderr}"
    );
    assert_eq!(
        lines.last().copied(),
        Some("backcare build: nothing written; fix the problems above and run again"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written");
}
