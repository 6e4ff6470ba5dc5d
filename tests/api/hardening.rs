//! Low-severity findings of the third security re-test, each through the real server: malformed
//! requests filling the log, and the README's header table against what is sent. (Blank-looking
//! names are in `discussion`, the 405 pipelining case in `request_bodies`.)

use reqwest::header::CONTENT_SECURITY_POLICY;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{header_text, repo_path, spawn_app};
use crate::production::RunningBinary;

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
