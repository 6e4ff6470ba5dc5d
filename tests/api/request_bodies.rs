//! Request bodies that never finish: every one is bounded in time, and a route that reads no body
//! answers at once and closes the connection, so slow clients cannot hold a worker's connections.
//! The requests are written byte for byte over raw TCP, as reqwest will not send them.

use std::time::Duration;

use backcare::startup::ServeConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{FORM_CONTENT_TYPE, TestApp, bundled_config, spawn_app, spawn_app_with};

/// A chunked request whose body never comes: the head, then silence.
fn stalled_chunked(method: &str, path: &str) -> String {
    format!("{method} {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
}

/// Long enough for the server's 2 s linger and slack for a busy CI machine, far below "for ever".
const CLOSE_WITHIN: Duration = Duration::from_secs(8);

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address).await.expect("connects")
}

/// Reads until the server closes the connection; panics if it is still open after `within`.
async fn read_until_closed(stream: &mut TcpStream, within: Duration, what: &str) -> String {
    let mut response = Vec::new();
    tokio::time::timeout(within, stream.read_to_end(&mut response))
        .await
        .unwrap_or_else(|_| {
            panic!(
                "{what}: connection still open after {within:?}; got {:?}",
                String::from_utf8_lossy(&response)
            )
        })
        .expect("reads the response");
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn pages_answer_an_unfinished_chunked_request_then_close_the_connection() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/articles/heat-therapy",
        "/symptom-checker",
        "/no-such-page",
    ] {
        let mut stream = connect(&app).await;
        stream
            .write_all(stalled_chunked("GET", path).as_bytes())
            .await
            .expect("sent");
        let response = read_until_closed(&mut stream, CLOSE_WITHIN, path).await;
        let expected = if path == "/no-such-page" {
            "404"
        } else {
            "200"
        };
        assert!(
            response.starts_with(&format!("HTTP/1.1 {expected}")),
            "{path}: {response}"
        );
        assert!(
            response.to_ascii_lowercase().contains("connection: close"),
            "{path} tells the client the connection ends: {response}"
        );
    }
}

#[tokio::test]
async fn a_body_trickling_in_a_byte_at_a_time_does_not_keep_the_connection() {
    let app = spawn_app().await;
    let stream = connect(&app).await;
    let (mut reader, mut writer) = stream.into_split();
    writer
        .write_all(stalled_chunked("GET", "/").as_bytes())
        .await
        .expect("sent");
    // One byte every 300 ms for longer than the connection may live: the server must not wait.
    let trickle = tokio::spawn(async move {
        writer.write_all(b"ffff\r\n").await.ok();
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(300)).await;
            if writer.write_all(b"a").await.is_err() {
                return;
            }
        }
    });
    let mut response = Vec::new();
    let read = tokio::time::timeout(CLOSE_WITHIN, reader.read_to_end(&mut response)).await;
    trickle.abort();
    assert!(
        read.is_ok(),
        "the connection was closed while the body trickled in"
    );
    assert!(String::from_utf8_lossy(&response).starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn a_form_whose_chunked_body_never_finishes_gets_408_and_the_connection_closes() {
    let app = spawn_app().await;
    let mut stream = connect(&app).await;
    let request = format!(
        "POST /symptom-checker HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM_CONTENT_TYPE}\r\n\
         Transfer-Encoding: chunked\r\n\r\na\r\nlocation=l\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("sent");
    let response = read_until_closed(
        &mut stream,
        backcare::web::form::BODY_TIMEOUT + CLOSE_WITHIN,
        "stalled checker form",
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
}

#[tokio::test]
async fn a_finished_chunked_form_keeps_the_connection_for_the_next_request() {
    let app = spawn_app().await;
    let mut stream = connect(&app).await;
    let form = "warning=none&location=lower&onset=gradual&duration=under-1-week&severity=3&age=40&pregnant=no&symptom=none&history=none";
    let request = format!(
        "POST /symptom-checker HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM_CONTENT_TYPE}\r\n\
         Transfer-Encoding: chunked\r\n\r\n{:x}\r\n{form}\r\n0\r\n\r\n\
         GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        form.len()
    );
    stream.write_all(request.as_bytes()).await.expect("sent");
    let response = read_until_closed(&mut stream, CLOSE_WITHIN, "two requests").await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert_eq!(
        response.matches("HTTP/1.1 200").count(),
        2,
        "both requests answered on one connection: {response}"
    );
}

#[tokio::test]
async fn a_get_with_a_complete_body_is_answered_and_the_connection_closed() {
    let app = spawn_app().await;
    let mut stream = connect(&app).await;
    // A body on GET is a mistake or a request-smuggling shape: answer, then hang up.
    let request = "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
    stream.write_all(request.as_bytes()).await.expect("sent");
    let response = read_until_closed(&mut stream, CLOSE_WITHIN, "GET with a body").await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("connection: close"), "{response}");
}

/// A second request pipelined behind a GET's body is exactly what request smuggling looks like:
/// the first is answered, the second is refused without being processed (actix-http would serve
/// it despite the first's `Connection: close`), and the connection closes.
#[tokio::test]
async fn a_request_pipelined_after_a_get_with_a_body_is_refused_and_the_connection_closed() {
    let app = spawn_app().await;
    let mut stream = connect(&app).await;
    let requests = "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello\
                    GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    stream.write_all(requests.as_bytes()).await.expect("sent");
    let response = read_until_closed(&mut stream, CLOSE_WITHIN, "pipelined after a body").await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let second = response.split("HTTP/1.1 ").nth(2).unwrap_or_default();
    assert!(
        second.starts_with("400") && !second.ends_with("ok\n"),
        "the pipelined request is refused unprocessed: {second}"
    );
    assert!(second.contains("connection: close"), "{second}");
}

/// The same after a 405 to a POST with a body: the page takes no POST, so its body was never
/// read, and nothing pipelined behind it is served on the connection the 405 closes.
#[tokio::test]
async fn a_request_pipelined_after_a_405_with_a_body_is_refused_and_the_connection_closed() {
    let app = spawn_app().await;
    let mut stream = connect(&app).await;
    let requests = "POST /about HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                    Content-Length: 5\r\n\r\nhello\
                    GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    stream.write_all(requests.as_bytes()).await.expect("sent");
    let response = read_until_closed(&mut stream, CLOSE_WITHIN, "pipelined after a 405").await;
    assert!(response.starts_with("HTTP/1.1 405"), "{response}");
    assert!(
        response
            .split("HTTP/1.1 ")
            .nth(1)
            .unwrap_or_default()
            .contains("connection: close"),
        "{response}"
    );
    let second = response.split("HTTP/1.1 ").nth(2).unwrap_or_default();
    assert!(
        second.is_empty() || (second.starts_with("400") && !second.ends_with("ok\n")),
        "the pipelined request is not served: {second}"
    );
}

/// 2,000 stalled connections on a one-worker server: a normal request is still answered within
/// 1 s, and the server lets every stalled connection go instead of waiting for its body.
#[tokio::test]
async fn two_thousand_stalled_bodies_do_not_starve_a_one_worker_server() {
    let _alone = crate::helpers::CONNECTION_FLOOD.lock().await;
    let app = spawn_app_with(ServeConfig {
        workers: Some(1),
        // Every stalled connection comes from this one address: lift the per-client cap
        // (tests/api/connections.rs), which would close most of them at once, to test the bodies.
        connections: backcare::web::connections::ConnectionLimits {
            per_client: 10_000,
            busy_above: None,
        },
        ..bundled_config()
    })
    .await;
    let request = stalled_chunked("GET", "/");
    let mut stalled = Vec::with_capacity(2000);
    for _ in 0..2000 {
        let mut stream = connect(&app).await;
        stream.write_all(request.as_bytes()).await.expect("sent");
        stalled.push(stream);
    }

    let answered = tokio::time::timeout(Duration::from_secs(1), app.get("/healthz")).await;
    let response = answered.expect("a normal request is answered within 1 s");
    assert_eq!(response.status(), 200);

    // Read in turn: the server closes them all at about the same time, so this takes as long
    // as the slowest one.
    let read_all = async move {
        let mut answered = 0;
        for mut stream in stalled {
            let mut response = Vec::new();
            if stream.read_to_end(&mut response).await.is_ok()
                && response.starts_with(b"HTTP/1.1 200")
            {
                answered += 1;
            }
        }
        answered
    };
    let answered = tokio::time::timeout(Duration::from_secs(20), read_all)
        .await
        .expect("the server closed every stalled connection");
    assert_eq!(answered, 2000, "every stalled request was answered");
}
