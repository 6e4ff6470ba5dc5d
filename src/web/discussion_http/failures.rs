//! Wrong passwords counted in this process's memory (SQLite: one instance), over a window.
//! Two counts use it: per (moderator name, client), so one client cannot keep guessing one
//! account, and per name for browsers without that moderator's device cookie, across all
//! addresses (`device`). Bounded: when too many keys are remembered, the stale ones go first.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::rate_limit::bucket_key;

/// Wrong passwords for one name from one client are counted over this long.
pub const NAME_FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Wrong passwords for one name from browsers without its device cookie are counted over this long.
pub const ACCOUNT_FAILURE_WINDOW: Duration = Duration::from_secs(60 * 60);

const REMEMBERED_KEYS: usize = 10_000;

/// The typed name (trimmed, lower case) and the client's rate-limit key, if the count is per client.
type NameAndClient = (String, Option<IpAddr>);

pub struct SignInFailures {
    max: usize,
    window: Duration,
    failures: Mutex<HashMap<NameAndClient, VecDeque<Instant>>>,
}

impl SignInFailures {
    pub fn new(max: u32, window: Duration) -> Self {
        SignInFailures {
            max: max.max(1) as usize,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Names are compared as typed, ignoring case and surrounding space; an IPv6 client is its
    /// /64, as for every other per-client limit.
    fn key(name: &str, client: Option<IpAddr>) -> NameAndClient {
        (name.trim().to_lowercase(), client.map(bucket_key))
    }

    fn forget_old(&self, times: &mut VecDeque<Instant>, now: Instant) {
        while times
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= self.window)
        {
            times.pop_front();
        }
    }

    /// How long until `name` (from `client`, if counted per client) may be tried again.
    pub fn blocked(&self, name: &str, client: Option<IpAddr>, now: Instant) -> Option<Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let times = failures.get_mut(&Self::key(name, client))?;
        self.forget_old(times, now);
        (times.len() >= self.max).then(|| {
            // The oldest failure that still counts leaving the window unblocks.
            let oldest = times[times.len() - self.max];
            self.window
                .saturating_sub(now.saturating_duration_since(oldest))
        })
    }

    pub fn record(&self, name: &str, client: Option<IpAddr>, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        if failures.len() >= REMEMBERED_KEYS {
            failures.retain(|_, times| {
                self.forget_old(times, now);
                !times.is_empty()
            });
            if failures.len() >= REMEMBERED_KEYS {
                failures.clear();
            }
        }
        let times = failures.entry(Self::key(name, client)).or_default();
        self.forget_old(times, now);
        times.push_back(now);
    }

    pub fn clear(&self, name: &str, client: Option<IpAddr>) {
        self.failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&Self::key(name, client));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_passwords_lock_one_name_for_one_client_for_a_while() {
        let failures = SignInFailures::new(3, NAME_FAILURE_WINDOW);
        let start = Instant::now();
        let attacker = Some("192.0.2.1".parse().unwrap());
        let moderator = Some("198.51.100.7".parse().unwrap());
        for _ in 0..2 {
            failures.record("Alex", attacker, start);
        }
        assert_eq!(failures.blocked("alex", attacker, start), None);
        failures.record(" ALEX ", attacker, start);
        assert_eq!(
            failures.blocked("alex", attacker, start),
            Some(NAME_FAILURE_WINDOW)
        );
        assert!(failures.blocked("alex", moderator, start).is_none());
        assert!(failures.blocked("sam", attacker, start).is_none());
        let later = start + NAME_FAILURE_WINDOW;
        assert_eq!(failures.blocked("alex", attacker, later), None);
        failures.record("alex", attacker, later);
        failures.clear("alex", attacker);
        assert_eq!(failures.blocked("alex", attacker, later), None);
    }

    #[test]
    fn an_account_count_spans_every_client() {
        let failures = SignInFailures::new(2, ACCOUNT_FAILURE_WINDOW);
        let start = Instant::now();
        failures.record("alex", None, start);
        failures.record("alex", None, start + Duration::from_secs(600));
        assert_eq!(
            failures.blocked("alex", None, start + Duration::from_secs(600)),
            Some(Duration::from_secs(3000))
        );
    }
}
