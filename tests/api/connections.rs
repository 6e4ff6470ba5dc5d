//! Open connections: one client holding thousands of idle connections must not keep another
//! client from a page; a trusted proxy is not capped; under load no connection is kept idle.
//! Each client is its own loopback address (127.0.0.0/8 is all loopback on Linux).

use std::net::SocketAddr;
use std::time::Duration;

use backcare::startup::ServeConfig;
use backcare::web::connections::ConnectionLimits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::{article_path, bundled_config, spawn_app_with};

const HEALTH_CHECK: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

/// Connects from `client` (a loopback address) to the server.
async fn connect_from(client: &str, server: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(format!("{client}:0").parse().expect("an address"))?;
    socket.connect(server).await
}

/// Opens `count` connections from `client`, each sending a health check and then idling, as the
/// re-test's client did. A connection the server closed at once is kept too: the client holds it.
async fn hold_idle_connections(client: &str, server: SocketAddr, count: usize) -> Vec<TcpStream> {
    let mut held = Vec::with_capacity(count);
    for n in 0..count {
        let mut stream = connect_from(client, server)
            .await
            .unwrap_or_else(|error| panic!("connection {n} from {client}: {error}"));
        // Writing to a connection the server already closed may fail; that is the point.
        let _ = stream.write_all(HEALTH_CHECK).await;
        held.push(stream);
    }
    held
}

/// How many of `held` were answered (and so are open keep-alive connections now).
async fn answered(held: &mut [TcpStream]) -> usize {
    let mut answered = 0;
    for stream in held {
        let mut buffer = [0u8; 4096];
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await;
        if let Ok(Ok(length)) = read
            && buffer[..length].starts_with(b"HTTP/1.1 200")
        {
            answered += 1;
        }
    }
    answered
}

/// The test process holds both ends of every connection: the client's and the server's.
fn allow_open_files(wanted: u64) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit and setrlimit only read and write the struct passed to them.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < wanted {
                limit.rlim_cur = wanted.min(limit.rlim_max);
                libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
            }
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        }
        assert!(
            limit.rlim_cur >= wanted,
            "this test needs {wanted} open files; the hard limit is {}",
            limit.rlim_max
        );
    }
}

async fn get_article_from(client: &str, server: SocketAddr) -> String {
    let mut stream = connect_from(client, server).await.expect("connects");
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        article_path("back-spasms")
    );
    stream.write_all(request.as_bytes()).await.expect("sends");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("reads");
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn one_client_holding_3000_idle_connections_leaves_room_for_another() {
    let _alone = crate::helpers::CONNECTION_FLOOD.lock().await;
    allow_open_files(8_000);
    // One worker holds 2,048 connections: without a per-client cap, 3,000 fill it and every
    // other client waits in the listen backlog until the keep-alive (30 s) runs out.
    let app = spawn_app_with(ServeConfig {
        workers: Some(1),
        ..bundled_config()
    })
    .await;
    let mut held = hold_idle_connections("127.0.0.2", app.address, 3_000).await;
    // Reading every one waits until the server has taken them all from the listen backlog:
    // answered (its share, kept open and idle) or closed at once.
    let answered = tokio::time::timeout(Duration::from_secs(60), answered(&mut held))
        .await
        .expect("the server has dealt with all 3,000 connections");
    assert_eq!(
        answered,
        ConnectionLimits::default().per_client as usize,
        "the greedy client keeps its share and no more"
    );

    let article = tokio::time::timeout(
        Duration::from_secs(1),
        get_article_from("127.0.0.1", app.address),
    )
    .await
    .expect("another client gets an article within 1 s");
    assert!(article.starts_with("HTTP/1.1 200"), "{article:.200}");
    drop(held);
}

#[tokio::test]
async fn a_trusted_proxy_is_not_capped_but_other_clients_are() {
    let app = spawn_app_with(ServeConfig {
        trusted_proxies: vec!["127.0.0.3".parse().unwrap()],
        connections: ConnectionLimits {
            per_client: 4,
            busy_above: None,
        },
        ..bundled_config()
    })
    .await;
    let mut proxied = hold_idle_connections("127.0.0.3", app.address, 12).await;
    assert_eq!(
        answered(&mut proxied).await,
        12,
        "the proxy's health checks"
    );
    let mut direct = hold_idle_connections("127.0.0.4", app.address, 12).await;
    assert_eq!(answered(&mut direct).await, 4, "a client's share");
    // Closing one gives its place back.
    direct.clear();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut again = hold_idle_connections("127.0.0.4", app.address, 1).await;
    assert_eq!(answered(&mut again).await, 1);
}

/// The first read of a response on `stream`, in lower case.
async fn response_head(stream: &mut TcpStream) -> String {
    let mut response = [0u8; 4096];
    let length = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut response))
        .await
        .expect("answered")
        .expect("read");
    String::from_utf8_lossy(&response[..length]).to_lowercase()
}

#[tokio::test]
async fn under_load_responses_close_their_connection_instead_of_idling() {
    let app = spawn_app_with(ServeConfig {
        // One worker takes the connections in the order they come.
        workers: Some(1),
        connections: ConnectionLimits {
            per_client: 64,
            busy_above: Some(4),
        },
        ..bundled_config()
    })
    .await;
    // Six connections, each answered before the next is opened: the fifth and sixth find more
    // than four open, so they are closed after their answer instead of idling.
    let mut held = Vec::new();
    let mut heads = Vec::new();
    for _ in 0..6 {
        let mut stream = hold_idle_connections("127.0.0.5", app.address, 1)
            .await
            .remove(0);
        heads.push(response_head(&mut stream).await);
        held.push(stream);
    }
    for head in &heads {
        assert!(head.starts_with("http/1.1 200"), "{head}");
    }
    assert!(!heads[0].contains("connection: close"), "{}", heads[0]);
    assert!(heads[5].contains("connection: close"), "{}", heads[5]);
    let mut rest = Vec::new();
    held[5]
        .read_to_end(&mut rest)
        .await
        .expect("the server closes it after the answer");
    assert!(rest.is_empty(), "nothing more after the answer");
}
