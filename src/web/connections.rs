//! Open connections per client: a connection over its client's share is closed at once, and while
//! many connections are open every response closes its own instead of keeping it idle.
//!
//! Why: actix-web serves at most `MAX_CONNECTIONS_PER_WORKER` connections per worker and keeps an
//! idle one for `KEEP_ALIVE`, so one client holding a few thousand idle keep-alive connections
//! left every other client waiting in the listen backlog. Counting is by the peer's address (an
//! IPv6 client's whole /64, as for the rate limits), before any request is read. A trusted proxy
//! is not capped: every reader behind it shares its address, its health checks included, and the
//! proxy caps its own clients (deploy/nginx.conf: `limit_conn`).

use std::any::Any;
use std::collections::HashMap;
use std::net::{IpAddr, Shutdown};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::dev::Extensions;
use actix_web::rt::net::TcpStream;

use super::TrustedProxies;
use crate::rate_limit::bucket_key;

/// How many connections one client may hold, and when responses stop keeping connections open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Open connections per client address (`--max-connections-per-client`). A browser opens
    /// about 6 per site; this leaves room for a household or an office behind one address.
    pub per_client: u32,
    /// Above this many open connections in all, every response says `Connection: close`: the
    /// keep-alive shrinks to nothing under load, so idle connections cannot pile up. `None`
    /// means half of what the workers can hold.
    pub busy_above: Option<usize>,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            per_client: 64,
            busy_above: None,
        }
    }
}

/// Every open connection, counted in all and per client address.
#[derive(Debug, Default)]
pub struct ConnectionCounts {
    per_client: Mutex<HashMap<IpAddr, u32>>,
    open: AtomicUsize,
    per_client_cap: u32,
    busy_above: usize,
    trusted_proxies: TrustedProxies,
}

impl ConnectionCounts {
    /// `capacity` is how many connections the workers hold in all.
    pub fn new(limits: ConnectionLimits, capacity: usize, trusted_proxies: TrustedProxies) -> Self {
        ConnectionCounts {
            per_client: Mutex::default(),
            open: AtomicUsize::new(0),
            per_client_cap: limits.per_client.max(1),
            busy_above: limits.busy_above.unwrap_or(capacity / 2),
            trusted_proxies,
        }
    }

    /// How many connections are open now.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    /// True while so many connections are open that none should be kept idle.
    pub fn is_busy(&self) -> bool {
        self.busy_above > 0 && self.open() > self.busy_above
    }

    /// Counts a new connection from `peer`; `None` when the client already holds its share.
    fn admit(self: &Arc<Self>, peer: IpAddr) -> Option<OpenConnection> {
        let client = if self.trusted_proxies.trusts(peer) {
            None
        } else {
            let client = bucket_key(peer);
            let mut per_client = self.per_client.lock().unwrap_or_else(|e| e.into_inner());
            let held = per_client.entry(client).or_insert(0);
            if *held >= self.per_client_cap {
                return None;
            }
            *held += 1;
            Some(client)
        };
        self.open.fetch_add(1, Ordering::Relaxed);
        ::metrics::gauge!("backcare_open_connections").increment(1.0);
        Some(OpenConnection {
            counts: Arc::clone(self),
            client,
        })
    }
}

/// Kept in the connection's data for as long as it is open; dropping it gives the slot back.
struct OpenConnection {
    counts: Arc<ConnectionCounts>,
    /// `None` for a trusted proxy, which has no per-client share.
    client: Option<IpAddr>,
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.counts.open.fetch_sub(1, Ordering::Relaxed);
        ::metrics::gauge!("backcare_open_connections").decrement(1.0);
        let Some(client) = self.client else {
            return;
        };
        let mut per_client = self
            .counts
            .per_client
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(held) = per_client.get_mut(&client) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                per_client.remove(&client);
            }
        }
    }
}

/// For `HttpServer::on_connect`: counts the connection, or closes it at once, before any of its
/// requests is read, when its client already holds `per_client` connections.
pub fn on_connect(counts: &Arc<ConnectionCounts>, connection: &dyn Any, data: &mut Extensions) {
    let Some(stream) = connection.downcast_ref::<TcpStream>() else {
        return;
    };
    let Ok(peer) = stream.peer_addr() else {
        return;
    };
    match counts.admit(peer.ip()) {
        Some(open) => {
            data.insert(open);
        }
        None => {
            ::metrics::counter!("backcare_connections_refused_total").increment(1);
            tracing::debug!("closed a connection over its client's share");
            // Both directions: actix-http then reads the end of the stream and drops the
            // connection without waiting for a request.
            let _ = socket2::SockRef::from(stream).shutdown(Shutdown::Both);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn counts(per_client: u32, trusted: &[&str]) -> Arc<ConnectionCounts> {
        let limits = ConnectionLimits {
            per_client,
            busy_above: Some(3),
        };
        let trusted = TrustedProxies::new(trusted.iter().map(|text| ip(text)));
        Arc::new(ConnectionCounts::new(limits, 100, trusted))
    }

    #[test]
    fn a_client_holds_at_most_its_share_and_gets_it_back_on_close() {
        let counts = counts(2, &[]);
        let first = counts.admit(ip("192.0.2.1")).expect("first");
        let _second = counts.admit(ip("192.0.2.1")).expect("second");
        assert!(counts.admit(ip("192.0.2.1")).is_none());
        assert!(counts.admit(ip("192.0.2.2")).is_some(), "another client");
        drop(first);
        assert!(counts.admit(ip("192.0.2.1")).is_some());
    }

    #[test]
    fn an_ipv6_slash_64_is_one_client_and_trusted_proxies_are_not_capped() {
        let counts = counts(1, &["10.0.0.1"]);
        let _held = counts.admit(ip("2001:db8::1")).expect("first");
        assert!(counts.admit(ip("2001:db8::2")).is_none());
        let proxied: Vec<_> = (0..10)
            .map(|_| counts.admit(ip("10.0.0.1")).expect("a trusted proxy"))
            .collect();
        assert_eq!(counts.open(), 11);
        assert!(counts.is_busy());
        drop(proxied);
        assert!(!counts.is_busy());
        assert!(
            counts.per_client.lock().unwrap().len() == 1,
            "no entry for the proxy"
        );
    }
}
