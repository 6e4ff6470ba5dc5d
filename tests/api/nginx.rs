//! `deploy/nginx.conf` in front of the real server: the requests actix-http would answer before
//! the app runs (a malformed request line, an oversized head, a head too slow to arrive), with
//! its header-less, body-less responses, are answered or closed by nginx itself and never reach
//! backcare. `#[ignore]`d, as it needs
//! nginx; `.ci/run` installs nginx and runs it with `--ignored nginx`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::helpers::{repo_path, spawn_app};

fn nginx_binary() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .map(PathBuf::from)
        .find(|path| path.exists())
        .expect("no nginx: install it (apt-get install nginx); .ci/run does")
}

/// nginx with the deployed server block (TLS and listen lines aside) on a free loopback port,
/// proxying to `upstream`. Stops when dropped.
struct Nginx {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_nginx(upstream: std::net::SocketAddr) -> Nginx {
    let deployed = std::fs::read_to_string(repo_path("deploy/nginx.conf")).expect("nginx.conf");
    let start = deployed
        .find("server {\n    listen 443")
        .expect("the https server block");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let server: String = deployed[start..]
        .lines()
        .filter(|line| {
            let line = line.trim_start();
            !(line.starts_with("listen ") || line.starts_with("ssl_"))
        })
        .map(|line| format!("{line}\n"))
        .collect::<String>()
        .replacen(
            "server {\n",
            &format!("server {{\n listen 127.0.0.1:{port};\n"),
            1,
        );
    // The per-client zones live in the http context, above the server block.
    let zones: String = deployed
        .lines()
        .filter(|line| line.starts_with("limit_conn_zone ") || line.starts_with("limit_req_zone "))
        .map(|line| format!(" {line}\n"))
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let prefix = dir.path().display().to_string();
    std::fs::create_dir_all(dir.path().join("logs")).unwrap();
    let config = format!(
        "pid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log warn;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n access_log off;\n client_body_temp_path {prefix}/body;\n\
         proxy_temp_path {prefix}/proxy;\n fastcgi_temp_path {prefix}/fastcgi;\n\
         uwsgi_temp_path {prefix}/uwsgi;\n scgi_temp_path {prefix}/scgi;\n\
         {zones} upstream backcare {{ server {upstream}; keepalive 4; }}\n{server}}}\n"
    );
    let path = dir.path().join("nginx.conf");
    std::fs::write(&path, config).unwrap();
    let child = Command::new(nginx_binary())
        .args(["-p", &prefix, "-c", &path.display().to_string()])
        .args(["-g", "daemon off; worker_processes 1;"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("nginx starts");
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Nginx {
        child,
        port,
        _dir: dir,
    }
}

/// Sends `request` as raw bytes and returns everything the server answers until it closes.
fn exchange(port: u16, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn status_line(answer: &str) -> &str {
    answer.lines().next().unwrap_or("")
}

fn body(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

#[tokio::test]
#[ignore = "needs nginx: apt-get install nginx, then cargo test --test api -- --ignored nginx"]
async fn nginx_answers_the_requests_actix_would_refuse_without_headers() {
    let app = spawn_app().await;
    let nginx = start_nginx(app.address);
    let port = nginx.port;
    let malformed: &[u8] = b"GET /\x01 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    let oversized = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(200 * 1024)
    );
    let backcare = app.address.port();

    // A head that never finishes: actix would answer 408 after 5 s, without headers; nginx
    // closes the connection after its client_header_timeout (10 s), sending nothing.
    let slow = tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let answer = exchange(port, b"GET / HTTP/1.1\r\nHost: localhost\r\n");
        (answer, started.elapsed())
    });
    let (direct_malformed, direct_oversized, proxied, proxied_malformed, proxied_oversized) =
        tokio::task::spawn_blocking(move || {
            (
                exchange(backcare, malformed),
                exchange(backcare, oversized.as_bytes()),
                exchange(
                    port,
                    b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                ),
                exchange(port, malformed),
                exchange(port, oversized.as_bytes()),
            )
        })
        .await
        .unwrap();

    // What the issue found: straight from actix-http, no security headers and no body.
    assert!(
        status_line(&direct_malformed).contains(" 400"),
        "{direct_malformed}"
    );
    assert!(!direct_malformed.contains("content-security-policy"));
    assert_eq!(body(&direct_malformed), "", "{direct_malformed}");
    assert!(
        status_line(&direct_oversized).contains(" 431") || direct_oversized.is_empty(),
        "{direct_oversized}"
    );

    // Through nginx a normal request reaches backcare, headers and all...
    assert!(status_line(&proxied).contains(" 200"), "{proxied}");
    assert!(
        proxied
            .to_ascii_lowercase()
            .contains("content-security-policy: default-src 'self'"),
        "{}",
        &proxied[..proxied.len().min(2000)]
    );
    // ...while the malformed and oversized ones are nginx's own answers, with a body that says
    // what went wrong, and actix never sees them.
    for answer in [&proxied_malformed, &proxied_oversized] {
        assert!(status_line(answer).contains(" 400"), "{answer}");
        assert!(body(answer).contains("400 Bad Request"), "{answer}");
        assert!(
            !answer.to_ascii_lowercase().contains("server: nginx/"),
            "server_tokens off: {answer}"
        );
    }
    let (slow_answer, waited) = slow.await.unwrap();
    assert_eq!(slow_answer, "", "nothing from actix reaches the client");
    assert!(
        (Duration::from_secs(9)..Duration::from_secs(14)).contains(&waited),
        "closed after {waited:?}"
    );
}

#[tokio::test]
#[ignore = "needs nginx: apt-get install nginx, then cargo test --test api -- --ignored nginx"]
async fn nginx_answers_a_flood_from_one_client_with_429_before_backcare_sees_it() {
    let app = spawn_app().await;
    let nginx = start_nginx(app.address);
    let port = nginx.port;
    // 160 requests on one keep-alive connection, as fast as they go: 20 a second with a burst
    // of 100 lets about the first 100 through and refuses most of the rest.
    let statuses = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
        let mut statuses = Vec::new();
        let mut buffer = vec![0u8; 64 * 1024];
        for _ in 0..160 {
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .expect("sent");
            let read = stream.read(&mut buffer).expect("answered");
            let answer = String::from_utf8_lossy(&buffer[..read]).into_owned();
            statuses.push(status_line(&answer).to_owned());
        }
        statuses
    })
    .await
    .unwrap();
    let refused = statuses.iter().filter(|line| line.contains(" 429")).count();
    assert!(
        statuses[..90].iter().all(|line| line.contains(" 200")),
        "{statuses:?}"
    );
    assert!(refused >= 40, "{refused} refused: {statuses:?}");
}
