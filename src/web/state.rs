//! What every handler shares (`AppState`): the generation of the site being served and the
//! server's protections. The discussion and `serve --watch`'s live events are app data of their
//! own (see `app`), so this knows nothing of them.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use actix_web::HttpRequest;
use actix_web::dev::RequestHead;
use arc_swap::{ArcSwap, Guard};

use super::compression::Precompress;
use super::connections::ConnectionCounts;
use super::metrics::{self, RateLimited};
use super::proxy::TrustedProxies;
use super::site::Site;
use crate::content::Library;
use crate::rate_limit::{Decision, RateLimit, RateLimiter};

/// One consistent version of the site: the rendered pages and the library they were rendered
/// from. They are swapped together, so a request never mixes pages from one load with articles from another.
pub struct Generation {
    pub site: Site,
    /// For the checker's result page, which links articles chosen per request.
    pub library: Arc<Library>,
}

/// What the server defends itself with, fixed at start-up.
#[derive(Debug, Default)]
pub struct Protection {
    /// Proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed.
    pub trusted_proxies: TrustedProxies,
    /// The public address is https, so every response asks browsers to stay on https.
    pub https: bool,
    /// `--hsts-preload`: HSTS covers subdomains and consents to browsers' preload lists.
    pub hsts_preload: bool,
    /// Limits answers to the symptom checker per client; `None` turns the limit off.
    pub checker_limiter: Option<RateLimiter>,
    /// Limits searches per client; `None` turns the limit off.
    pub search_limiter: Option<RateLimiter>,
    /// Open connections, in all and per client (`connections`).
    pub connections: Arc<ConnectionCounts>,
}

impl Protection {
    pub fn new(
        trusted_proxies: TrustedProxies,
        https: bool,
        checker_limit: Option<RateLimit>,
    ) -> Self {
        Protection {
            trusted_proxies,
            https,
            hsts_preload: false,
            checker_limiter: checker_limit.map(RateLimiter::new),
            search_limiter: None,
            connections: Arc::default(),
        }
    }

    /// Whether the browser talks to us over https (directly, or through a trusted proxy).
    pub fn is_https(&self, request: &RequestHead) -> bool {
        self.https
            || (!self.trusted_proxies.is_empty()
                && self.trusted_proxies.forwarded_https(
                    request.peer_addr.map(|address| address.ip()),
                    &request.headers,
                ))
    }
}

/// Everything handlers share: the current generation of the site and the server's protections.
///
/// `serve --watch` replaces the generation while requests are in flight; `ArcSwap` keeps the read
/// on every request lock-free, and a request keeps the generation it started with until it is done.
#[derive(Clone)]
pub struct AppState {
    current: Arc<ArcSwap<Generation>>,
    precompress: Precompress,
    pub protection: Arc<Protection>,
}

impl AppState {
    pub fn new(generation: Generation, precompress: Precompress, protection: Protection) -> Self {
        let generation = Arc::new(generation);
        let state = AppState {
            current: Arc::new(ArcSwap::new(Arc::clone(&generation))),
            precompress,
            protection: Arc::new(protection),
        };
        state.precompress(generation);
        state
    }

    /// The generation to answer this request from.
    pub fn current(&self) -> Guard<Arc<Generation>> {
        self.current.load()
    }

    /// Makes `generation` the one every new request sees.
    pub fn replace(&self, generation: Generation) {
        ::metrics::counter!("backcare_generation_reloads_total").increment(1);
        let generation = Arc::new(generation);
        if self.precompress == Precompress::Blocking {
            self.precompress(Arc::clone(&generation));
            self.current.store(generation);
        } else {
            self.current.store(Arc::clone(&generation));
            self.precompress(generation);
        }
    }

    /// Compresses `generation`'s pages now, or on a background thread that gives up as soon as
    /// a newer generation replaces it.
    fn precompress(&self, generation: Arc<Generation>) {
        match self.precompress {
            Precompress::Off => {}
            Precompress::Blocking => compress_generation(&generation, || true),
            Precompress::Background => {
                let current = Arc::clone(&self.current);
                let spawned = std::thread::Builder::new()
                    .name("backcare-compress".to_owned())
                    .spawn(move || {
                        compress_generation(&generation, || {
                            Arc::ptr_eq(&current.load(), &generation)
                        });
                    });
                if let Err(error) = spawned {
                    // Pages are still served, just uncompressed.
                    tracing::warn!(%error, "could not start compressing pages");
                }
            }
        }
    }

    /// The client's address as the protections see it (a trusted proxy's `X-Forwarded-For`);
    /// `None` when the connection has no peer address.
    pub fn client_ip(&self, request: &HttpRequest) -> Option<IpAddr> {
        let peer = request.peer_addr()?.ip();
        Some(
            self.protection
                .trusted_proxies
                .client_ip(peer, request.headers()),
        )
    }

    /// Takes one of the client's symptom-checker tokens, or says how long it must wait.
    pub fn checker_allowance(&self, request: &HttpRequest) -> Decision {
        self.allowance(
            request,
            self.protection.checker_limiter.as_ref(),
            RateLimited::Checker,
        )
    }

    /// Takes one of the client's searches, or says how long it must wait.
    pub fn search_allowance(&self, request: &HttpRequest) -> Decision {
        self.allowance(
            request,
            self.protection.search_limiter.as_ref(),
            RateLimited::Search,
        )
    }

    fn allowance(
        &self,
        request: &HttpRequest,
        limiter: Option<&RateLimiter>,
        what: RateLimited,
    ) -> Decision {
        let Some(limiter) = limiter else {
            return Decision::Allowed;
        };
        let Some(client) = self.client_ip(request) else {
            return Decision::Allowed;
        };
        let decision = limiter.check(client);
        if decision != Decision::Allowed {
            metrics::record_rate_limited(what);
        }
        decision
    }
}

fn compress_generation(generation: &Generation, keep_going: impl Fn() -> bool) {
    let started = Instant::now();
    let pages = generation.site.precompress(keep_going);
    // Each brotli call works in buffers of a few MB that it frees again.
    crate::memory::release_freed();
    tracing::info!(
        pages,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "precompressed pages with brotli"
    );
}
