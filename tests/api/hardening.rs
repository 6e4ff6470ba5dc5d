//! The low-severity findings of the third security re-test, each through the real server: names
//! that only look blank, malformed requests filling the log, and the README's header table
//! against what is sent.

use reqwest::StatusCode;
use reqwest::header::CONTENT_SECURITY_POLICY;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::discussion::{ARTICLE, TestDb, spawn_with};
use crate::helpers::{header_text, html, repo_path, select_texts, spawn_app};
use crate::production::RunningBinary;

#[tokio::test]
async fn names_that_only_look_blank_are_refused() {
    let db = TestDb::sqlite();
    let site = spawn_with(db.config()).await;
    for name in [
        "\u{17B4}\u{17B5}\u{17B4}",
        "\u{180B}\u{180C}\u{180D}",
        "\u{FFFC}\u{FFFC}",
        "\u{E000}\u{E000}\u{E001}",
    ] {
        let response = site
            .post(ARTICLE, name, "My back hurts after lifting.")
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?}"
        );
        let page = html(&response.text().await.unwrap());
        assert_eq!(
            select_texts(&page, ".error-summary li a"),
            ["Enter a display name"],
            "{name:?}"
        );
    }
    db.cleanup().await;
}

#[tokio::test]
async fn the_readme_gives_the_content_security_policy_that_is_sent() {
    let app = spawn_app().await;
    let sent = header_text(&app.get("/").await, CONTENT_SECURITY_POLICY);
    let readme = std::fs::read_to_string(repo_path("README.md")).expect("README.md");
    let documented: Vec<&str> = readme
        .split("`Content-Security-Policy: ")
        .skip(1)
        .filter_map(|rest| rest.split('`').next())
        .collect();
    assert!(!documented.is_empty(), "the README gives the policy");
    for policy in documented {
        assert_eq!(policy, sent, "README.md's Content-Security-Policy");
    }
}

#[tokio::test]
async fn malformed_requests_cannot_flood_the_log() {
    let server = RunningBinary::start(&[]).await;
    for _ in 0..40 {
        let mut stream = tokio::net::TcpStream::connect(&server.address)
            .await
            .expect("connects");
        stream
            .write_all(b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .expect("sent");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        assert!(answer.starts_with(b"HTTP/1.1 400"), "{answer:?}");
    }
    server.signal("TERM");
    let (_, log) = server.exit().await;
    let logged = log
        .lines()
        .filter(|line| line.contains("actix_http"))
        .count();
    assert!(
        (1..=backcare::telemetry::CONNECTION_ERRORS_PER_MINUTE as usize).contains(&logged),
        "{logged} lines for 40 malformed requests:\n{log}"
    );
}
