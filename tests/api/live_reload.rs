//! `serve --watch`: edits to articles and static files show up without a restart, and a broken
//! edit keeps the last good site with a banner naming each problem as `file:line: message`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use backcare::startup::ServeConfig;
use reqwest::header::CACHE_CONTROL;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::helpers::{
    ArticleText, TempArticles, TestApp, header_text, html, repo_path, select_texts, spawn_app_with,
    test_config,
};

/// The longest a test waits for a change to show; the target is well under a second.
const PATIENCE: Duration = Duration::from_secs(10);
const POLL_EVERY: Duration = Duration::from_millis(20);
const BANNER: &str = "main > .author-problems[role=alert]";

/// A copy of the repository's static files, so a test can change them.
struct TempStatic {
    dir: tempfile::TempDir,
}

impl TempStatic {
    fn copy_of_repository() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&repo_path("static"), dir.path());
        TempStatic { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("readable dir") {
        let path = entry.expect("dir entry").path();
        let target = to.join(path.file_name().expect("file name"));
        if path.is_dir() {
            std::fs::create_dir(&target).expect("dir is created");
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("file is copied");
        }
    }
}

fn watch_config(articles: &TempArticles, static_files: &TempStatic) -> ServeConfig {
    ServeConfig {
        watch: true,
        ..test_config("127.0.0.1:0", articles.path(), static_files.path())
    }
}

/// Polls `path` until `shown` holds for its status and body, and says how long that took.
async fn wait_for(
    app: &TestApp,
    path: &str,
    what: &str,
    shown: impl Fn(u16, &str) -> bool,
) -> Duration {
    let started = Instant::now();
    loop {
        let (status, body) = app.get_text(path).await;
        if shown(status, &body) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < PATIENCE,
            "{path}: {what} did not show within {PATIENCE:?}; last answer was {status}:\n{body}"
        );
        tokio::time::sleep(POLL_EVERY).await;
    }
}

fn h1(body: &str) -> Vec<String> {
    select_texts(&html(body), "h1")
}

/// Every problem the banner lists, as `file:line: message`.
fn banner_items(body: &str) -> Vec<String> {
    select_texts(&html(body), &format!("{BANNER} li"))
}

/// What the banner says the preview serves instead, one sentence per held-back part.
fn banner_outcomes(body: &str) -> Vec<String> {
    select_texts(&html(body), &format!("{BANNER} .author-problems-outcome"))
}

fn banner_text(body: &str) -> String {
    select_texts(&html(body), BANNER).join(" ")
}

fn heat_file(articles: &TempArticles) -> PathBuf {
    articles.path().join("heat.md")
}

#[tokio::test]
async fn an_edited_article_is_served_without_a_restart() {
    let articles = TempArticles::new();
    articles.add("heat.md", ArticleText::new("Heat", "relief").render());
    let static_files = TempStatic::copy_of_repository();
    let app = spawn_app_with(watch_config(&articles, &static_files)).await;
    assert_eq!(h1(&app.get_text("/articles/heat").await.1), ["Heat"]);

    articles.add(
        "heat.md",
        ArticleText::new("Heat, edited", "relief").render(),
    );
    let elapsed = wait_for(&app, "/articles/heat", "the new title", |status, body| {
        status == 200 && h1(body) == ["Heat, edited"]
    })
    .await;
    assert!(
        elapsed < PATIENCE,
        "the edit showed after {elapsed:?} (target: under 1 s)"
    );
    println!("live reload: an edit showed after {elapsed:?}");

    let response = app.get("/articles/heat").await;
    assert_eq!(
        header_text(&response, CACHE_CONTROL),
        "no-cache",
        "a preview is always revalidated, so the browser shows the latest save"
    );
}

#[tokio::test]
async fn new_and_deleted_articles_appear_and_disappear() {
    let articles = TempArticles::new();
    articles.add("heat.md", ArticleText::new("Heat", "relief").render());
    let static_files = TempStatic::copy_of_repository();
    let app = spawn_app_with(watch_config(&articles, &static_files)).await;
    assert_eq!(app.get("/articles/ice").await.status(), 404);

    articles.add("ice.md", ArticleText::new("Ice", "relief").render());
    wait_for(&app, "/articles/ice", "the new article", |status, _| {
        status == 200
    })
    .await;
    wait_for(
        &app,
        "/topics/relief",
        "the new article listed",
        |_, body| body.contains("href=\"/articles/ice\""),
    )
    .await;

    std::fs::remove_file(articles.path().join("ice.md")).expect("file is removed");
    wait_for(&app, "/articles/ice", "the article gone", |status, _| {
        status == 404
    })
    .await;
}

#[tokio::test]
async fn an_article_broken_while_running_keeps_its_last_good_version_and_the_rest_stays_live() {
    let articles = TempArticles::new();
    articles
        .add("heat.md", ArticleText::new("Heat", "relief").render())
        .add("ice.md", ArticleText::new("Ice", "relief").render());
    let static_files = TempStatic::copy_of_repository();
    let app = spawn_app_with(watch_config(&articles, &static_files)).await;
    assert!(banner_items(&app.get_text("/").await.1).is_empty());

    // Line 4 of the file is `category = ...`.
    let broken = ArticleText::new("Heat, half edited", "relif").render();
    assert!(
        broken
            .lines()
            .nth(3)
            .is_some_and(|line| line.contains("relif"))
    );
    articles.add("heat.md", broken);
    let expected_place = format!("{}:4: ", heat_file(&articles).display());
    let elapsed = wait_for(&app, "/articles/heat", "the problem banner", |_, body| {
        !banner_items(body).is_empty()
    })
    .await;
    println!("live reload: a broken edit was reported after {elapsed:?}");

    for path in ["/articles/heat", "/articles/ice", "/", "/no-such-page"] {
        let (status, body) = app.get_text(path).await;
        let items = banner_items(&body);
        assert_eq!(items.len(), 1, "{path}: one problem listed: {items:?}");
        assert!(
            items[0].starts_with(&expected_place) && items[0].contains("relif"),
            "{path}: the banner names the file and line: {items:?}"
        );
        assert_eq!(
            banner_outcomes(&body),
            [
                format!(
                    "{} still shows its last version without problems. Fix these, then save:",
                    heat_file(&articles).display()
                ),
                "Every other page shows your latest save.".to_owned()
            ],
            "{path}: the banner says the article kept its last good version"
        );
        if path == "/articles/heat" {
            assert_eq!(status, 200, "the last good page is still served");
            assert_eq!(
                h1(&body),
                ["Heat"],
                "the last good version, not the broken one"
            );
        }
    }

    // While heat.md is broken, the other articles keep following the author's saves.
    articles.add("ice.md", ArticleText::new("Ice, edited", "relief").render());
    wait_for(
        &app,
        "/articles/ice",
        "the other article's edit",
        |_, body| h1(body) == ["Ice, edited"] && banner_items(body).len() == 1,
    )
    .await;

    articles.add(
        "heat.md",
        ArticleText::new("Heat, fixed", "relief").render(),
    );
    wait_for(&app, "/articles/heat", "the fixed page", |_, body| {
        h1(body) == ["Heat, fixed"]
    })
    .await;
    for path in ["/articles/heat", "/"] {
        let document = html(&app.get_text(path).await.1);
        assert_eq!(
            document.select(&crate::helpers::selector(BANNER)).count(),
            0,
            "{path}: banner gone once fixed"
        );
    }
}

#[tokio::test]
async fn a_broken_draft_at_start_up_is_left_out_alone_and_both_recover_when_fixed() {
    let articles = TempArticles::new();
    articles
        .add("heat.md", ArticleText::new("Heat", "relief").render())
        .add("ice.md", ArticleText::new("Ice", "relief").render())
        // What `new` leaves: a draft whose category is still to be chosen.
        .add(
            "draft.md",
            ArticleText::new("New page", "relif").draft().render(),
        );
    let static_files = TempStatic::copy_of_repository();
    let config = ServeConfig {
        drafts: true,
        ..watch_config(&articles, &static_files)
    };
    let app = spawn_app_with(config).await;
    let draft_file = articles.path().join("draft.md");

    for path in ["/articles/heat", "/articles/ice", "/topics/relief"] {
        let (status, body) = app.get_text(path).await;
        assert_eq!(status, 200, "{path}: the good articles are served");
        assert_eq!(
            banner_outcomes(&body),
            [
                format!(
                    "{} is left out of the site (its page is not found) until you fix these, then save:",
                    draft_file.display()
                ),
                "Every other page shows your latest save.".to_owned()
            ],
            "{path}"
        );
        let items = banner_items(&body);
        assert!(
            items.len() == 1 && items[0].starts_with(&format!("{}:4: ", draft_file.display())),
            "{path}: {items:?}"
        );
    }
    assert_eq!(app.get("/articles/draft").await.status(), 404);

    // Now a good article breaks too: both are named, each with what happened to it.
    articles.add(
        "heat.md",
        ArticleText::new("Heat, broken", "relif").render(),
    );
    wait_for(
        &app,
        "/articles/ice",
        "both files in the banner",
        |_, body| banner_items(body).len() == 2,
    )
    .await;
    let (_, body) = app.get_text("/articles/heat").await;
    assert_eq!(h1(&body), ["Heat"], "heat.md keeps its last good version");
    let text = banner_text(&body);
    assert!(
        text.contains(&format!(
            "{} still shows its last version",
            heat_file(&articles).display()
        )) && text.contains(&format!("{} is left out of the site", draft_file.display())),
        "{text}"
    );

    articles
        .add(
            "heat.md",
            ArticleText::new("Heat, fixed", "relief").render(),
        )
        .add(
            "draft.md",
            ArticleText::new("New page", "relief").draft().render(),
        );
    wait_for(
        &app,
        "/articles/draft",
        "the fixed draft",
        |status, body| {
            status == 200 && h1(body) == ["New page Draft"] && banner_items(body).is_empty()
        },
    )
    .await;
    let (_, body) = app.get_text("/articles/heat").await;
    assert_eq!(h1(&body), ["Heat, fixed"]);
    assert!(
        banner_text(&body).is_empty(),
        "banner gone once both are fixed"
    );
}

#[tokio::test]
async fn an_edited_static_file_is_served_without_a_restart() {
    let articles = TempArticles::new();
    articles.add("heat.md", ArticleText::new("Heat", "relief").render());
    let static_files = TempStatic::copy_of_repository();
    let app = spawn_app_with(watch_config(&articles, &static_files)).await;

    let rule = "/* changed while serving */";
    let mut css = std::fs::read_to_string(static_files.path().join("site.css")).expect("css");
    css.push_str(rule);
    std::fs::write(static_files.path().join("site.css"), css).expect("css is written");
    wait_for(
        &app,
        "/static/site.css",
        "the edited stylesheet",
        |_, body| body.ends_with(rule),
    )
    .await;

    std::fs::create_dir(static_files.path().join("img")).expect("dir");
    std::fs::write(static_files.path().join("img/new.svg"), "<svg/>").expect("svg");
    wait_for(&app, "/static/img/new.svg", "a new image", |status, _| {
        status == 200
    })
    .await;
}

#[tokio::test]
async fn without_watch_the_site_does_not_change_under_the_reader() {
    let articles = TempArticles::new();
    articles.add("heat.md", ArticleText::new("Heat", "relief").render());
    let app = articles.spawn().await;
    articles.add(
        "heat.md",
        ArticleText::new("Heat, edited", "relief").render(),
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let response = app.get("/articles/heat").await;
    assert_eq!(
        header_text(&response, CACHE_CONTROL),
        "public, max-age=300, must-revalidate"
    );
    assert_eq!(h1(&response.text().await.expect("text")), ["Heat"]);
}

/// Every `<script>` that would run: JSON-LD is data, never executed, so it does not count.
fn running_scripts(body: &str) -> Vec<String> {
    html(body)
        .select(&crate::helpers::selector("script"))
        .filter(|script| script.value().attr("type") != Some("application/ld+json"))
        .map(|script| script.html())
        .collect()
}

#[tokio::test]
async fn with_watch_the_browser_reloads_itself_after_a_save() {
    let articles = TempArticles::new();
    articles.add("heat.md", ArticleText::new("Heat", "relief").render());
    let static_files = TempStatic::copy_of_repository();
    let app = spawn_app_with(watch_config(&articles, &static_files)).await;

    let response = app.get("/articles/heat").await;
    let policy = header_text(&response, reqwest::header::CONTENT_SECURITY_POLICY);
    assert!(policy.contains("script-src 'self'"), "{policy}");
    let body = response.text().await.expect("text");
    assert_eq!(
        running_scripts(&body),
        ["<script defer=\"\" src=\"/static/backcare-live-reload.js\"></script>"]
    );
    let script = app.get("/static/backcare-live-reload.js").await;
    assert_eq!(script.status(), 200);
    assert_eq!(
        header_text(&script, reqwest::header::CONTENT_TYPE),
        "text/javascript; charset=utf-8"
    );
    let source = script.text().await.expect("script");
    assert!(source.contains("/__backcare/live-reload"), "{source}");

    let mut events = app.get("/__backcare/live-reload").await;
    assert_eq!(events.status(), 200);
    assert_eq!(
        header_text(&events, reqwest::header::CONTENT_TYPE),
        "text/event-stream"
    );
    let first = events.chunk().await.expect("stream").expect("a chunk");
    assert_eq!(&first[..], b"retry: 1000\n\n");

    articles.add(
        "heat.md",
        ArticleText::new("Heat, saved", "relief").render(),
    );
    let started = Instant::now();
    let chunk = tokio::time::timeout(PATIENCE, events.chunk())
        .await
        .expect("an event after the save")
        .expect("stream")
        .expect("a chunk");
    let event = String::from_utf8_lossy(&chunk);
    assert!(event.starts_with("event: reload\ndata: "), "{event}");
    println!(
        "live reload: the browser was told after {:?}",
        started.elapsed()
    );
    assert_eq!(h1(&app.get_text("/articles/heat").await.1), ["Heat, saved"]);
}

#[tokio::test]
async fn without_watch_pages_carry_no_script_and_forbid_scripts() {
    let articles = TempArticles::new();
    articles.add("heat.md", ArticleText::new("Heat", "relief").render());
    let app = articles.spawn().await;
    for path in [
        "/",
        "/articles/heat",
        "/topics/relief",
        "/symptom-checker",
        "/nope",
    ] {
        let response = app.get(path).await;
        let policy = header_text(&response, reqwest::header::CONTENT_SECURITY_POLICY);
        assert!(policy.contains("script-src 'none'"), "{path}: {policy}");
        let body = response.text().await.expect("text");
        assert!(running_scripts(&body).is_empty(), "{path}: {body}");
    }
    for path in ["/static/backcare-live-reload.js", "/__backcare/live-reload"] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }
}

/// Proves the command line wires `--watch` through: the real binary, a copy of the bundled articles.
#[tokio::test]
async fn the_backcare_binary_reloads_with_serve_watch() {
    let articles = tempfile::tempdir().expect("temp dir");
    copy_dir(&repo_path("articles"), articles.path());
    let static_files = TempStatic::copy_of_repository();

    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_backcare"))
        .args(["serve", "--watch", "--bind", "127.0.0.1:0", "--articles"])
        .arg(articles.path())
        .arg("--static")
        .arg(static_files.path())
        .env("BACKCARE_LOG", "warn")
        // No discussion, so no database file is created in the repository.
        .env("BACKCARE_COMMENTS", "off")
        .env_remove("BACKCARE_BASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    // Kept open to the end: the server prints a line on every reload.
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let serving = tokio::time::timeout(PATIENCE, async {
        while let Some(line) = stdout.next_line().await.expect("stdout is text") {
            if let Some((_, url)) = line.split_once(" at ") {
                return url.to_owned();
            }
        }
        panic!("the binary exited without saying where it serves");
    })
    .await
    .expect("the binary says where it serves");
    let address = serving
        .strip_prefix("http://")
        .and_then(|address| address.parse().ok())
        .unwrap_or_else(|| panic!("not an address: {serving}"));
    let app = TestApp {
        base_url: serving.clone(),
        address,
        client: reqwest::Client::new(),
    };

    let file = articles.path().join("heat-therapy.md");
    let text = std::fs::read_to_string(&file).expect("article");
    let title_line = text
        .lines()
        .find(|line| line.starts_with("title = "))
        .expect("a title line")
        .to_owned();
    std::fs::write(
        &file,
        text.replacen(&title_line, "title = \"Heat, edited live\"", 1),
    )
    .expect("article is written");
    let elapsed = wait_for(
        &app,
        "/articles/heat-therapy",
        "the new title",
        |_, body| h1(body) == ["Heat, edited live"],
    )
    .await;
    println!("live reload (binary): an edit showed after {elapsed:?}");

    child.kill().await.expect("the server stops");
}

/// The value of an unlabelled metric in a Prometheus text page; 0 until it is first recorded.
fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

/// A reload is counted, and its build time recorded beside the start-up's.
#[tokio::test]
async fn a_reload_counts_in_the_metrics_with_its_build_time() {
    let articles = TempArticles::new();
    articles.add("heat.md", ArticleText::new("Heat", "relief").render());
    let static_files = TempStatic::copy_of_repository();
    let config = ServeConfig {
        metrics_bind: Some("127.0.0.1:0".to_owned()),
        ..watch_config(&articles, &static_files)
    };
    let application = backcare::startup::Application::build(&config)
        .await
        .expect("the site builds");
    let metrics_url = format!(
        "http://{}/metrics",
        application.metrics_address().expect("metrics are on")
    );
    let app = TestApp {
        base_url: format!("http://{}", application.address()),
        address: application.address(),
        client: reqwest::Client::new(),
    };
    tokio::spawn(application.run_until_stopped());
    let scrape = || async {
        let response = reqwest::get(&metrics_url).await.expect("metrics answer");
        response.text().await.expect("text")
    };
    // Other tests in this process share the recorder, so compare before and after.
    let before = scrape().await;
    let builds = metric(&before, "backcare_site_build_seconds_count");
    let reloads = metric(&before, "backcare_generation_reloads_total");

    articles.add(
        "heat.md",
        ArticleText::new("Heat, edited", "relief").render(),
    );
    wait_for(&app, "/articles/heat", "the edit", |_, body| {
        h1(body) == ["Heat, edited"]
    })
    .await;
    let after = scrape().await;
    assert!(
        metric(&after, "backcare_site_build_seconds_count") > builds,
        "{after}"
    );
    assert!(
        metric(&after, "backcare_generation_reloads_total") > reloads,
        "{after}"
    );
}
