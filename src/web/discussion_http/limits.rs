//! The per-client limits on posting, feedback answers and signing in. With SQLite there is one instance, so they
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

use super::failures::{ACCOUNT_FAILURE_WINDOW, NAME_FAILURE_WINDOW, SignInFailures};
use crate::discussion::moderators::hex;
use crate::discussion::posting::PostAllowance;
use crate::discussion::sign_in::SignInLimits;
use crate::discussion::store::Backend;
use crate::discussion::{Storage, StoreError};
use crate::rate_limit::{Decision, RateLimit, RateLimiter, bucket_key};

/// How often an instance deletes the shared rows that no longer limit anyone.
const CLEANUP_INTERVAL_MS: i64 = 5 * 60 * 1000;

pub enum Limits {
    Memory(Box<MemoryLimits>),
    Shared(SharedLimits),
}

/// What a shared row counts. Each row's key is a hash that starts with this name, so the names
/// must never change: a new name would start every count again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bucket {
    Posts,
    Feedback,
    SignIns,
    /// Wrong passwords per (name, client).
    SignInFailures,
    /// Wrong passwords per name, from browsers without its device cookie.
    AccountFailures,
}

impl Bucket {
    fn as_str(self) -> &'static str {
        match self {
            Bucket::Posts => "post",
            Bucket::Feedback => "feedback",
            Bucket::SignIns => "sign-in",
            Bucket::SignInFailures => "sign-in-failures",
            Bucket::AccountFailures => "account-failures",
        }
    }
}

/// One instance's own counts (SQLite).
pub struct MemoryLimits {
    posts: RateLimiter,
    sign_ins: RateLimiter,
    feedback: RateLimiter,
    failures: SignInFailures,
    accounts: SignInFailures,
}

pub struct SharedLimits {
    storage: Storage,
    key: Vec<u8>,
    post_limit: RateLimit,
    login_limit: RateLimit,
    feedback_limit: RateLimit,
    failures_per_name: u32,
    failures_per_account: u32,
    last_cleanup_ms: AtomicI64,
}

/// How many of each a client may send.
#[derive(Debug, Clone, Copy)]
pub struct Allowances {
    pub posts: RateLimit,
    pub sign_ins: RateLimit,
    /// "Is this page helpful?" answers and comments.
    pub feedback: RateLimit,
}

/// How many wrong passwords sign-in allows before it pauses: per (name, client), and per name
/// from browsers without that moderator's device cookie.
#[derive(Debug, Clone, Copy)]
pub struct FailureLimits {
    pub per_name_and_client: u32,
    pub per_account: u32,
}

impl Limits {
    pub fn new(
        storage: &Storage,
        key: &[u8],
        allowances: Allowances,
        failure_limits: FailureLimits,
    ) -> Limits {
        match storage.backend() {
            Backend::Sqlite => Limits::Memory(Box::new(MemoryLimits {
                posts: RateLimiter::new(allowances.posts),
                sign_ins: RateLimiter::new(allowances.sign_ins),
                feedback: RateLimiter::new(allowances.feedback),
                failures: SignInFailures::new(
                    failure_limits.per_name_and_client,
                    NAME_FAILURE_WINDOW,
                ),
                accounts: SignInFailures::new(failure_limits.per_account, ACCOUNT_FAILURE_WINDOW),
            })),
            Backend::Postgres => Limits::Shared(SharedLimits {
                storage: storage.clone(),
                key: key.to_vec(),
                post_limit: allowances.posts,
                login_limit: allowances.sign_ins,
                feedback_limit: allowances.feedback,
                failures_per_name: failure_limits.per_name_and_client.max(1),
                failures_per_account: failure_limits.per_account.max(1),
                last_cleanup_ms: AtomicI64::new(0),
            }),
        }
    }

    /// Takes one "Is this page helpful?" answer or comment from `client`'s allowance.
    pub async fn check_feedback(&self, client: IpAddr) -> Result<Decision, StoreError> {
        match self {
            Limits::Memory(memory) => Ok(memory.feedback.check(client)),
            Limits::Shared(shared) => {
                shared
                    .take(Bucket::Feedback, shared.feedback_limit, client)
                    .await
            }
        }
    }
}

impl PostAllowance for Limits {
    async fn take_post(&self, client: IpAddr) -> Result<Decision, StoreError> {
        match self {
            Limits::Memory(memory) => Ok(memory.posts.check(client)),
            Limits::Shared(shared) => shared.take(Bucket::Posts, shared.post_limit, client).await,
        }
    }
}

impl SignInLimits for Limits {
    /// Takes one sign-in attempt from `client`'s allowance.
    async fn take_sign_in(&self, client: IpAddr) -> Result<Decision, StoreError> {
        match self {
            Limits::Memory(memory) => Ok(memory.sign_ins.check(client)),
            Limits::Shared(shared) => {
                shared
                    .take(Bucket::SignIns, shared.login_limit, client)
                    .await
            }
        }
    }

    /// How long until `client` may try `name` again, if it has had too many wrong passwords.
    async fn sign_in_blocked(
        &self,
        name: &str,
        client: Option<IpAddr>,
    ) -> Result<Option<Duration>, StoreError> {
        match self {
            Limits::Memory(memory) => Ok(memory.failures.blocked(name, client, Instant::now())),
            Limits::Shared(shared) => {
                let pair = shared.pair(name, client);
                let max = shared.failures_per_name;
                shared.locked(&pair, NAME_FAILURE_WINDOW, max).await
            }
        }
    }

    /// How long until browsers without `name`'s device cookie may try it again, from anywhere,
    /// after too many wrong passwords for it from such browsers.
    async fn account_blocked(&self, name: &str) -> Result<Option<Duration>, StoreError> {
        match self {
            Limits::Memory(memory) => Ok(memory.accounts.blocked(name, None, Instant::now())),
            Limits::Shared(shared) => {
                let account = shared.account(name);
                let max = shared.failures_per_account;
                shared.locked(&account, ACCOUNT_FAILURE_WINDOW, max).await
            }
        }
    }

    /// Counts a wrong password for `name` from a browser without its device cookie.
    async fn record_account_failure(&self, name: &str) -> Result<(), StoreError> {
        match self {
            Limits::Memory(memory) => {
                memory.accounts.record(name, None, Instant::now());
                Ok(())
            }
            Limits::Shared(shared) => {
                shared
                    .storage
                    .record_sign_in_failure(&shared.account(name), now_ms())
                    .await
            }
        }
    }

    async fn record_sign_in_failure(
        &self,
        name: &str,
        client: Option<IpAddr>,
    ) -> Result<(), StoreError> {
        match self {
            Limits::Memory(memory) => {
                memory.failures.record(name, client, Instant::now());
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

    async fn clear_sign_in_failures(
        &self,
        name: &str,
        client: Option<IpAddr>,
    ) -> Result<(), StoreError> {
        match self {
            Limits::Memory(memory) => {
                memory.failures.clear(name, client);
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
        self.keyed_hash(&[
            Bucket::SignInFailures.as_str(),
            &name.trim().to_lowercase(),
            &client,
        ])
    }

    /// The per-name count across every client, for browsers without the device cookie.
    fn account(&self, name: &str) -> String {
        self.keyed_hash(&[
            Bucket::AccountFailures.as_str(),
            &name.trim().to_lowercase(),
        ])
    }

    /// How long `key` stays locked, if `max` failures fell within `window`.
    async fn locked(
        &self,
        key: &str,
        window: Duration,
        max: u32,
    ) -> Result<Option<Duration>, StoreError> {
        let now = now_ms();
        let window = window.as_millis() as i64;
        let started = self
            .storage
            .sign_in_lock_started(key, now - window, i64::from(max))
            .await?;
        Ok(started.map(|at| millis((at + window - now).max(1))))
    }

    async fn take(
        &self,
        bucket: Bucket,
        limit: RateLimit,
        client: IpAddr,
    ) -> Result<Decision, StoreError> {
        let now = now_ms();
        self.cleanup_now_and_then(now).await;
        let bucket = self.keyed_hash(&[bucket.as_str(), &bucket_key(client).to_string()]);
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
        // The longer window, so the per-account counts survive the tidy.
        let window = ACCOUNT_FAILURE_WINDOW.max(NAME_FAILURE_WINDOW).as_millis() as i64;
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
