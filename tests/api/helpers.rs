//! Shared test plumbing: start the real server, talk HTTP to it, build throwaway article folders.
//! Tests read like use: "spawn the site, ask for a page, look at what a reader would see".

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use backcare::content::{Library, LoadOptions};
use backcare::startup::{Application, ServeConfig};
use backcare::web::Precompress;
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Held by the tests that open thousands of connections and then time an answer within 1 s, so
/// two of them never share the machine's two cores and the timing stays about one server.
pub static CONNECTION_FLOOD: std::sync::LazyLock<tokio::sync::Mutex<()>> =
    std::sync::LazyLock::new(|| tokio::sync::Mutex::new(()));

pub struct TestApp {
    pub base_url: String,
    pub address: std::net::SocketAddr,
    pub client: reqwest::Client,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    pub async fn request(&self, method: Method, path: &str) -> reqwest::Response {
        self.client
            .request(method, self.url(path))
            .send()
            .await
            .expect("request reaches the server")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.request(Method::GET, path).await
    }

    /// POST `body` with this Content-Type, or with none at all, as a hostile client might.
    pub async fn post(
        &self,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        let mut request = self.client.post(self.url(path)).body(body);
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        request.send().await.expect("request reaches the server")
    }

    /// POST a form-encoded body, as a browser submits a form.
    pub async fn post_form(&self, path: &str, body: &str) -> reqwest::Response {
        self.post(path, Some(FORM_CONTENT_TYPE), body.to_owned())
            .await
    }

    /// GET that returns status and body text.
    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.expect("body is text"))
    }

    /// GET a page that must exist, parsed for structural assertions.
    pub async fn get_page(&self, path: &str) -> scraper::Html {
        let (status, body) = self.get_text(path).await;
        assert_eq!(status, 200, "GET {path}");
        html(&body)
    }
}

/// Sends `path` exactly as written, byte for byte, on a fresh connection.
///
/// reqwest (like any URL library) resolves `..` and normalises escapes before sending, which
/// would hide exactly the requests a path-traversal test needs to make.
pub async fn raw_get(app: &TestApp, path: &str) -> (u16, String) {
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    raw_request(app, request.as_bytes()).await
}

/// Writes `request` (head and body, exactly as given) on a fresh connection and returns the
/// status and the whole response, headers included. For requests reqwest will not make,
/// such as a chunked body without a streaming feature.
pub async fn raw_request(app: &TestApp, request: &[u8]) -> (u16, String) {
    let first_line =
        String::from_utf8_lossy(request.split(|&b| b == b'\r').next().unwrap_or_default())
            .into_owned();
    let mut stream = tokio::net::TcpStream::connect(app.address)
        .await
        .expect("connects to the server");
    stream.write_all(request).await.expect("request is sent");
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .await
        .expect("response is read");
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("{first_line}: not an HTTP/1.1 response: {response:?}"));
    (status, response)
}

/// An article's address, written out here rather than taken from the site's own code.
pub fn article_path(slug: &str) -> String {
    format!("/articles/{slug}")
}

pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The bundled articles, loaded exactly as the server loads them.
pub fn bundled_library() -> Library {
    let options = LoadOptions {
        lists: backcare::triage::article_sign_lists(),
        ..LoadOptions::default()
    };
    Library::load(&repo_path("articles"), options)
        .unwrap_or_else(|errors| panic!("bundled articles load:\n{errors}"))
}

/// The production configuration minus three things most tests do not want: the symptom checker's
/// and search's rate limits (the checker tests post hundreds of answers, the search tests search
/// hundreds of times) and compressing every page (reqwest is built without decompression, so it
/// never asks for it). `tests/api/production.rs` turns them on.
pub fn test_config(
    bind: &str,
    articles: impl Into<PathBuf>,
    static_dir: impl Into<PathBuf>,
) -> ServeConfig {
    ServeConfig {
        checker_rate_limit: None,
        search_rate_limit: None,
        precompress: Precompress::Off,
        ..ServeConfig::new(bind, articles, static_dir)
    }
}

/// Starts the real server with the bundled articles on 127.0.0.1:0.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(bundled_config()).await
}

/// How `spawn_app` serves the bundled articles, for tests that change an option first.
pub fn bundled_config() -> ServeConfig {
    test_config("127.0.0.1:0", repo_path("articles"), repo_path("static"))
}

pub async fn spawn_app_with(config: ServeConfig) -> TestApp {
    let application = Application::build(&config).await.expect("the site builds");
    let address = application.address();
    let base_url = format!("http://{address}");
    tokio::spawn(application.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client builds");
    TestApp {
        base_url,
        address,
        client,
    }
}

/// A throwaway articles folder, for tests that need content the bundled articles do not have.
pub struct TempArticles {
    dir: tempfile::TempDir,
}

impl TempArticles {
    pub fn new() -> Self {
        TempArticles {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn add(&self, file_name: &str, contents: impl AsRef<[u8]>) -> &Self {
        std::fs::write(self.dir.path().join(file_name), contents).expect("article is written");
        self
    }

    /// Serves these articles with the repository's static files.
    pub async fn spawn(&self) -> TestApp {
        spawn_app_with(self.config()).await
    }

    /// How `spawn` serves these articles, for tests that change an option first.
    pub fn config(&self) -> ServeConfig {
        test_config("127.0.0.1:0", self.path(), repo_path("static"))
    }
}

/// The text of a valid article file; change what a test cares about and leave the rest.
pub struct ArticleText {
    pub title: String,
    pub category: &'static str,
    pub weight: i64,
    pub draft: bool,
    pub body: String,
    pub reviewed: &'static str,
    pub tags: Vec<&'static str>,
}

impl ArticleText {
    pub fn new(title: &str, category: &'static str) -> Self {
        ArticleText {
            title: title.to_owned(),
            category,
            weight: 0,
            draft: false,
            body: "## What it is\n\nSome text.\n\n## What to do\n\nMore text.\n".to_owned(),
            reviewed: "2026-01-31",
            tags: Vec::new(),
        }
    }

    /// The review date, written as TOML wants it: 2026-01-31.
    pub fn reviewed(mut self, date: &'static str) -> Self {
        self.reviewed = date;
        self
    }

    pub fn tags(mut self, tags: &[&'static str]) -> Self {
        self.tags = tags.to_vec();
        self
    }

    pub fn weight(mut self, weight: i64) -> Self {
        self.weight = weight;
        self
    }

    pub fn draft(mut self) -> Self {
        self.draft = true;
        self
    }

    pub fn body(mut self, body: &str) -> Self {
        self.body = body.to_owned();
        self
    }

    pub fn render(&self) -> String {
        // Tags go after the fixed lines, so the line numbers other tests expect do not move.
        let tags = if self.tags.is_empty() {
            String::new()
        } else {
            format!("tags = {:?}\n", self.tags)
        };
        format!(
            "+++\ntitle = {title:?}\nsummary = {summary:?}\ncategory = {category:?}\n\
             reviewed = {reviewed}\nweight = {weight}\ndraft = {draft}\n{tags}\n\
             [[sources]]\ntitle = \"NHS: Back pain\"\nurl = \"https://www.nhs.uk/conditions/back-pain/\"\n\
             +++\n\n{body}",
            title = self.title,
            summary = format!("About {}.", self.title),
            category = self.category,
            reviewed = self.reviewed,
            weight = self.weight,
            draft = self.draft,
            body = self.body,
        )
    }
}

/// Parses a page so tests can assert on structure rather than substrings.
pub fn html(body: &str) -> scraper::Html {
    scraper::Html::parse_document(body)
}

pub fn selector(css: &str) -> scraper::Selector {
    scraper::Selector::parse(css).unwrap_or_else(|error| panic!("bad selector {css}: {error}"))
}

pub fn count(document: &scraper::Html, css: &str) -> usize {
    document.select(&selector(css)).count()
}

/// An element's text as a reader sees it, without surrounding whitespace.
pub fn text_of(element: scraper::ElementRef) -> String {
    element.text().collect::<String>().trim().to_owned()
}

pub fn select_texts(document: &scraper::Html, css: &str) -> Vec<String> {
    document.select(&selector(css)).map(text_of).collect()
}

pub fn select_attrs(document: &scraper::Html, css: &str, attribute: &str) -> Vec<String> {
    document
        .select(&selector(css))
        .filter_map(|element| element.value().attr(attribute).map(str::to_owned))
        .collect()
}

pub fn header_text(response: &reqwest::Response, name: HeaderName) -> String {
    response
        .headers()
        .get(&name)
        .unwrap_or_else(|| panic!("{} has a {name} header", response.url()))
        .to_str()
        .expect("header is text")
        .to_owned()
}

/// What every page shares: a language, landmarks, labelled navigation and a working skip link.
pub fn assert_layout(document: &scraper::Html, path: &str) {
    assert_eq!(select_attrs(document, "html", "lang"), ["en"], "{path}");
    assert_eq!(count(document, "main"), 1, "{path}: exactly one <main>");
    assert_eq!(count(document, "body > header"), 1, "{path}: a site header");
    assert_eq!(count(document, "body > footer"), 1, "{path}: a site footer");
    assert!(
        count(document, "header nav[aria-label]") >= 1,
        "{path}: the main navigation has an aria-label"
    );
    assert_eq!(
        count(document, "nav:not([aria-label]):not([aria-labelledby])"),
        0,
        "{path}: every nav is labelled"
    );
    let first_link = document
        .select(&selector("body a"))
        .next()
        .unwrap_or_else(|| panic!("{path}: has links"));
    assert_eq!(
        first_link.value().attr("href"),
        Some("#main"),
        "{path}: skip link comes first"
    );
    assert_eq!(
        select_attrs(document, "main", "id"),
        ["main"],
        "{path}: skip link target"
    );

    let ids = select_attrs(document, "[id]", "id");
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{path}: ids are unique: {ids:?}");
}
