//! Who the client is and whether it came over https, when a reverse proxy may stand in between.
//! `X-Forwarded-For` and `X-Forwarded-Proto` are believed only from proxies named with `--trusted-proxy`.

use std::net::IpAddr;

use actix_web::http::header::HeaderMap;

/// The addresses of the reverse proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpAddr>);

const FORWARDED_FOR: &str = "x-forwarded-for";
const FORWARDED_PROTO: &str = "x-forwarded-proto";

impl TrustedProxies {
    pub fn new(proxies: impl IntoIterator<Item = IpAddr>) -> Self {
        TrustedProxies(proxies.into_iter().map(|ip| ip.to_canonical()).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn trusts(&self, ip: IpAddr) -> bool {
        self.0.contains(&ip.to_canonical())
    }

    /// The client's address: the peer itself, unless the peer is a trusted proxy, in which case
    /// the rightmost `X-Forwarded-For` hop that is not a trusted proxy.
    ///
    /// Each proxy appends the address it received the request from, so hops to the left of the
    /// first untrusted one were written by the client and may be lies. A hop that is not an IP
    /// address ends the walk at the last proxy we trust.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = headers
            .get_all(FORWARDED_FOR)
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) => {
                    client = ip.to_canonical();
                    if !self.trusts(client) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        client
    }

    /// Whether a trusted proxy says the client reached it over https.
    pub fn forwarded_https(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> bool {
        peer.is_some_and(|peer| self.trusts(peer))
            && headers
                .get(FORWARDED_PROTO)
                .and_then(|value| value.to_str().ok())
                // A chain of proxies may list one scheme per hop; the first is the client's.
                .and_then(|value| value.split(',').next())
                .is_some_and(|scheme| scheme.trim().eq_ignore_ascii_case("https"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        map
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_headers_say() {
        let proxies = TrustedProxies::default();
        let spoofed = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            proxies.client_ip(ip("192.0.2.1"), &spoofed),
            ip("192.0.2.1")
        );
        let https = headers(&[("x-forwarded-proto", "https")]);
        assert!(!proxies.forwarded_https(Some(ip("192.0.2.1")), &https));
    }

    #[test]
    fn an_untrusted_peer_cannot_pick_its_address() {
        let proxies = TrustedProxies::new([ip("127.0.0.1")]);
        let spoofed = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            proxies.client_ip(ip("192.0.2.1"), &spoofed),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::new([ip("127.0.0.1"), ip("10.0.0.2")]);
        let proxy = ip("127.0.0.1");
        let cases: &[(&[(&'static str, &'static str)], &str)] = &[
            (&[("x-forwarded-for", "198.51.100.7")], "198.51.100.7"),
            // The client wrote the first hop itself; the proxy appended the real address.
            (
                &[("x-forwarded-for", "203.0.113.9, 198.51.100.7")],
                "198.51.100.7",
            ),
            // Through two of our proxies.
            (
                &[("x-forwarded-for", "198.51.100.7, 10.0.0.2")],
                "198.51.100.7",
            ),
            // Several header lines are one list.
            (
                &[
                    ("x-forwarded-for", "203.0.113.9"),
                    ("x-forwarded-for", "198.51.100.7"),
                ],
                "198.51.100.7",
            ),
            (&[("x-forwarded-for", "2001:db8::7")], "2001:db8::7"),
            // Garbage the proxy passed on stops the walk at the last trusted hop.
            (
                &[("x-forwarded-for", "198.51.100.7, nonsense")],
                "127.0.0.1",
            ),
            // No header: the proxy itself.
            (&[], "127.0.0.1"),
        ];
        for (pairs, expected) in cases {
            assert_eq!(
                proxies.client_ip(proxy, &headers(pairs)),
                ip(expected),
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn ipv4_mapped_peers_match_ipv4_proxies() {
        let proxies = TrustedProxies::new([ip("127.0.0.1")]);
        let forwarded = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(
            proxies.client_ip(ip("::ffff:127.0.0.1"), &forwarded),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn https_is_believed_only_from_a_trusted_proxy() {
        let proxies = TrustedProxies::new([ip("127.0.0.1")]);
        let https = headers(&[("x-forwarded-proto", "HTTPS")]);
        assert!(proxies.forwarded_https(Some(ip("127.0.0.1")), &https));
        assert!(!proxies.forwarded_https(Some(ip("192.0.2.1")), &https));
        assert!(!proxies.forwarded_https(None, &https));
        let http = headers(&[("x-forwarded-proto", "http")]);
        assert!(!proxies.forwarded_https(Some(ip("127.0.0.1")), &http));
        let chain = headers(&[("x-forwarded-proto", "https, http")]);
        assert!(proxies.forwarded_https(Some(ip("127.0.0.1")), &chain));
    }
}
