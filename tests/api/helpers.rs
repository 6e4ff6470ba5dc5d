use std::path::{Path, PathBuf};

use backcare::startup::{Application, ServeConfig};

pub struct TestApp {
    pub base_url: String,
    pub client: reqwest::Client,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request reaches the server")
    }

    /// GET that returns status and body text.
    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.expect("body is text"))
    }
}

pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
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
    let base_url = format!("http://{}", application.address());
    tokio::spawn(application.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client builds");
    TestApp { base_url, client }
}

/// Parses a page so tests can assert on structure rather than substrings.
pub fn html(body: &str) -> scraper::Html {
    scraper::Html::parse_document(body)
}

pub fn select_texts(document: &scraper::Html, selector: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(selector).expect("valid selector");
    document
        .select(&selector)
        .map(|element| element.text().collect::<String>().trim().to_owned())
        .collect()
}

pub fn select_attrs(document: &scraper::Html, selector: &str, attribute: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(selector).expect("valid selector");
    document
        .select(&selector)
        .filter_map(|element| element.value().attr(attribute).map(str::to_owned))
        .collect()
}
