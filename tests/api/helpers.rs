//! Shared test plumbing: start the real server, talk HTTP to it, build throwaway article folders.
//! Tests read like use: "spawn the site, ask for a page, look at what a reader would see".

use std::path::{Path, PathBuf};

use backcare::content::{Library, LoadOptions};
use backcare::startup::{Application, ServeConfig};
use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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
    let mut stream = tokio::net::TcpStream::connect(app.address)
        .await
        .expect("connects to the server");
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("request is sent");
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
        .unwrap_or_else(|| panic!("GET {path}: not an HTTP/1.1 response: {response:?}"));
    (status, response)
}

pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The bundled articles, loaded exactly as the server loads them.
pub fn bundled_library() -> Library {
    Library::load(&repo_path("articles"), LoadOptions::default())
        .unwrap_or_else(|errors| panic!("bundled articles load:\n{errors}"))
}

/// Starts the real server with the bundled articles on 127.0.0.1:0.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(ServeConfig {
        bind: "127.0.0.1:0".to_owned(),
        articles: repo_path("articles"),
        static_dir: repo_path("static"),
    })
    .await
}

pub async fn spawn_app_with(config: ServeConfig) -> TestApp {
    let application = Application::build(&config).expect("the site builds");
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
        spawn_app_with(ServeConfig {
            bind: "127.0.0.1:0".to_owned(),
            articles: self.path().to_path_buf(),
            static_dir: repo_path("static"),
        })
        .await
    }
}

/// The text of a valid article file; change what a test cares about and leave the rest.
pub struct ArticleText {
    pub title: String,
    pub category: &'static str,
    pub weight: i64,
    pub draft: bool,
    pub body: String,
}

impl ArticleText {
    pub fn new(title: &str, category: &'static str) -> Self {
        ArticleText {
            title: title.to_owned(),
            category,
            weight: 0,
            draft: false,
            body: "## What it is\n\nSome text.\n\n## What to do\n\nMore text.\n".to_owned(),
        }
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
        format!(
            "+++\ntitle = {title:?}\nsummary = {summary:?}\ncategory = {category:?}\n\
             reviewed = 2026-01-31\nweight = {weight}\ndraft = {draft}\n\n\
             [[sources]]\ntitle = \"NHS: Back pain\"\nurl = \"https://www.nhs.uk/conditions/back-pain/\"\n\
             +++\n\n{body}",
            title = self.title,
            summary = format!("About {}.", self.title),
            category = self.category,
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

pub fn select_texts(document: &scraper::Html, css: &str) -> Vec<String> {
    document
        .select(&selector(css))
        .map(|element| element.text().collect::<String>().trim().to_owned())
        .collect()
}

pub fn select_attrs(document: &scraper::Html, css: &str, attribute: &str) -> Vec<String> {
    document
        .select(&selector(css))
        .filter_map(|element| element.value().attr(attribute).map(str::to_owned))
        .collect()
}
