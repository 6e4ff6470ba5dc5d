//! The per-client limits on posting and signing in. With SQLite there is one instance, so they
//! live in its memory. With PostgreSQL several instances may share the database, so the limits
//! live there too: two instances enforce one limit, and a restart forgets nothing.
//!
//! In the database a client is never its address: each row is keyed by an HMAC-SHA-256 of the
//! client's rate-limit key (and, for sign-in failures, the typed name) with the server secret,
//! and rows are deleted once they no longer limit anyone.

use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;

use super::moderate::{NAME_FAILURE_WINDOW, SignInFailures};
use crate::discussion::moderators::hex;
use crate::discussion::store::Backend;
use crate::discussion::{Storage, StoreError};
use crate::rate_limit::{Decision, RateLimit, RateLimiter, bucket_key};

/// How often an instance deletes the shared rows that no longer limit anyone.
const CLEANUP_INTERVAL_MS: i64 = 5 * 60 * 1000;

pub enum Limits {
    Memory {
        posts: RateLimiter,
        sign_ins: RateLimiter,
        failures: SignInFailures,
    },
    Shared(SharedLimits),
}

pub struct SharedLimits {
    storage: Storage,
    key: Vec<u8>,
    post_limit: RateLimit,
    login_limit: RateLimit,
    failures_per_name: u32,
    last_cleanup_ms: AtomicI64,
}

impl Limits {
    pub fn new(
        storage: &Storage,
        key: &[u8],
        post_limit: RateLimit,
        login_limit: RateLimit,
        failures_per_name: u32,
    ) -> Limits {
        match storage.backend() {
            Backend::Sqlite => Limits::Memory {
                posts: RateLimiter::new(post_limit),
                sign_ins: RateLimiter::new(login_limit),
                failures: SignInFailures::new(failures_per_name),
            },
            Backend::Postgres => Limits::Shared(SharedLimits {
                storage: storage.clone(),
                key: key.to_vec(),
                post_limit,
                login_limit,
                failures_per_name: failures_per_name.max(1),
                last_cleanup_ms: AtomicI64::new(0),
            }),
        }
    }

    /// Takes one post from `client`'s allowance.
    pub async fn check_post(&self, client: IpAddr) -> Result<Decision, StoreError> {
        match self {
            Limits::Memory { posts, .. } => Ok(posts.check(client)),
            Limits::Shared(shared) => shared.take("post", shared.post_limit, client).await,
        }
    }

    /// Takes one sign-in attempt from `client`'s allowance.
    pub async fn check_sign_in(&self, client: IpAddr) -> Result<Decision, StoreError> {
        match self {
            Limits::Memory { sign_ins, .. } => Ok(sign_ins.check(client)),
            Limits::Shared(shared) => shared.take("sign-in", shared.login_limit, client).await,
        }
    }

    /// How long until `client` may try `name` again, if it has had too many wrong passwords.
    pub async fn sign_in_blocked(
        &self,
        name: &str,
        client: Option<IpAddr>,
    ) -> Result<Option<Duration>, StoreError> {
        match self {
            Limits::Memory { failures, .. } => Ok(failures.blocked(name, client, Instant::now())),
            Limits::Shared(shared) => {
                let now = now_ms();
                let window = NAME_FAILURE_WINDOW.as_millis() as i64;
                let started = shared
                    .storage
                    .sign_in_lock_started(
                        &shared.pair(name, client),
                        now - window,
                        i64::from(shared.failures_per_name),
                    )
                    .await?;
                Ok(started.map(|at| millis((at + window - now).max(1))))
            }
        }
    }

    pub async fn record_sign_in_failure(
        &self,
        name: &str,
        client: Option<IpAddr>,
    ) -> Result<(), StoreError> {
        match self {
            Limits::Memory { failures, .. } => {
                failures.record(name, client, Instant::now());
                Ok(())
            }
            Limits::Shared(shared) => {
                shared
                    .storage
                    .record_sign_in_failure(&shared.pair(name, client), now_ms())
                    .await
            }
        }
    }

    pub async fn clear_sign_in_failures(
        &self,
        name: &str,
        client: Option<IpAddr>,
    ) -> Result<(), StoreError> {
        match self {
            Limits::Memory { failures, .. } => {
                failures.clear(name, client);
                Ok(())
            }
            Limits::Shared(shared) => {
                shared
                    .storage
                    .clear_sign_in_failures(&shared.pair(name, client))
                    .await
            }
        }
    }
}

impl SharedLimits {
    /// A keyed hash, so the database never holds a client's address or a typed name, and rows
    /// cannot be matched to an address without the secret.
    fn keyed_hash(&self, parts: &[&str]) -> String {
        // HMAC takes a key of any length, so this cannot fail.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC accepts any key");
        for part in parts {
            mac.update(part.as_bytes());
            mac.update(b"\0");
        }
        hex(&mac.finalize().into_bytes())
    }

    /// Names are compared as typed, ignoring case and surrounding space, as in memory.
    fn pair(&self, name: &str, client: Option<IpAddr>) -> String {
        let client = client.map_or_else(|| "unknown".to_owned(), |ip| bucket_key(ip).to_string());
        self.keyed_hash(&["sign-in-failures", &name.trim().to_lowercase(), &client])
    }

    async fn take(
        &self,
        purpose: &str,
        limit: RateLimit,
        client: IpAddr,
    ) -> Result<Decision, StoreError> {
        let now = now_ms();
        self.cleanup_now_and_then(now).await;
        let bucket = self.keyed_hash(&[purpose, &bucket_key(client).to_string()]);
        let interval_ms = (60_000 / i64::from(limit.per_minute.max(1))).max(1);
        let wait = self
            .storage
            .take_from_bucket(&bucket, interval_ms, i64::from(limit.burst.max(1)), now)
            .await?;
        Ok(match wait {
            None => Decision::Allowed,
            Some(wait_ms) => Decision::Limited {
                retry_after: Duration::from_secs((wait_ms.max(1) as u64).div_ceil(1000)),
            },
        })
    }

    /// Every few minutes, one request per instance deletes what no longer limits anyone.
    async fn cleanup_now_and_then(&self, now: i64) {
        let last = self.last_cleanup_ms.load(Ordering::Relaxed);
        if now - last < CLEANUP_INTERVAL_MS
            || self
                .last_cleanup_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let window = NAME_FAILURE_WINDOW.as_millis() as i64;
        if let Err(error) = self.storage.forget_expired_limits(now, now - window).await {
            tracing::warn!(%error, "could not delete expired rate limits");
        }
    }
}

fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

fn millis(ms: i64) -> Duration {
    Duration::from_millis(ms.max(0) as u64)
}
