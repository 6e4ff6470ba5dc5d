//! A per-client token bucket for the symptom checker: each client may send a burst of answers,
//! then about one every `60 / per_minute` seconds. No HTTP here; `web` decides who the client is.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How many requests a client may make: `burst` at once, refilled at `per_minute`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: u32,
    pub burst: u32,
}

impl RateLimit {
    /// Enough for a person to answer, change their answers and try again many times; far too few
    /// for a script.
    pub const CHECKER_DEFAULT: RateLimit = RateLimit {
        per_minute: 30,
        burst: 10,
    };

    fn per_second(self) -> f64 {
        f64::from(self.per_minute) / 60.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// Try again after this long (at least a second, as `Retry-After` counts whole seconds).
    Limited {
        retry_after: Duration,
    },
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// The buckets of every recent client, bounded: at most `capacity` clients are remembered.
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    capacity: usize,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

/// How many clients are remembered by default: about 5 MB at most.
pub const DEFAULT_CAPACITY: usize = 100_000;

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        RateLimiter::with_capacity(limit, DEFAULT_CAPACITY)
    }

    pub fn with_capacity(limit: RateLimit, capacity: usize) -> Self {
        RateLimiter {
            limit: RateLimit {
                per_minute: limit.per_minute.max(1),
                burst: limit.burst.max(1),
            },
            capacity: capacity.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Takes one token from `client`'s bucket at time `now`, or says how long until there is one.
    pub fn check(&self, client: IpAddr, now: Instant) -> Decision {
        let key = bucket_key(client);
        let burst = f64::from(self.limit.burst);
        let rate = self.limit.per_second();
        // A panic while holding the lock leaves only counters behind, which are still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if !buckets.contains_key(&key) && buckets.len() >= self.capacity {
            self.make_room(&mut buckets, now);
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: burst,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Decision::Allowed
        } else {
            let wait = (1.0 - bucket.tokens) / rate;
            Decision::Limited {
                retry_after: Duration::from_secs(wait.ceil().max(1.0) as u64),
            }
        }
    }

    /// How many clients are remembered now.
    pub fn len(&self) -> usize {
        self.buckets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets clients whose buckets have refilled (they are no different from a new client);
    /// if that is not enough, forgets the tenth that were seen longest ago. Sorting happens at
    /// most once per tenth of the capacity, so the cost per request stays small even under attack.
    fn make_room(&self, buckets: &mut HashMap<IpAddr, Bucket>, now: Instant) {
        let burst = f64::from(self.limit.burst);
        let rate = self.limit.per_second();
        buckets.retain(|_, bucket| {
            let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
            bucket.tokens + elapsed * rate < burst
        });
        if buckets.len() < self.capacity {
            return;
        }
        let mut seen: Vec<(Instant, IpAddr)> = buckets
            .iter()
            .map(|(&key, bucket)| (bucket.updated, key))
            .collect();
        let forget = (self.capacity / 10).max(1).min(seen.len());
        seen.select_nth_unstable(forget - 1);
        for (_, key) in &seen[..forget] {
            buckets.remove(key);
        }
    }
}

/// Whose bucket a request uses. An IPv6 client usually controls a whole /64, so the /64 shares
/// one bucket; otherwise anyone could get a fresh bucket per request.
pub fn bucket_key(client: IpAddr) -> IpAddr {
    match client.to_canonical() {
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(prefix))
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: RateLimit = RateLimit {
        per_minute: 30,
        burst: 3,
    };

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_burst_is_allowed_then_the_client_must_wait() {
        let limiter = RateLimiter::new(LIMIT);
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check(ip("192.0.2.1"), start), Decision::Allowed);
        }
        // 30 a minute is one every 2 seconds.
        assert_eq!(
            limiter.check(ip("192.0.2.1"), start),
            Decision::Limited {
                retry_after: Duration::from_secs(2)
            }
        );
    }

    #[test]
    fn tokens_come_back_at_the_rate_and_never_beyond_the_burst() {
        let limiter = RateLimiter::new(LIMIT);
        let start = Instant::now();
        for _ in 0..3 {
            limiter.check(ip("192.0.2.1"), start);
        }
        let later = start + Duration::from_secs(2);
        assert_eq!(limiter.check(ip("192.0.2.1"), later), Decision::Allowed);
        assert!(matches!(
            limiter.check(ip("192.0.2.1"), later),
            Decision::Limited { .. }
        ));
        // A long pause refills the bucket to the burst, not more.
        let much_later = later + Duration::from_secs(3600);
        for _ in 0..3 {
            assert_eq!(
                limiter.check(ip("192.0.2.1"), much_later),
                Decision::Allowed
            );
        }
        assert!(matches!(
            limiter.check(ip("192.0.2.1"), much_later),
            Decision::Limited { .. }
        ));
    }

    #[test]
    fn retry_after_is_whole_seconds_and_at_least_one() {
        let limiter = RateLimiter::new(RateLimit {
            per_minute: 600,
            burst: 1,
        });
        let now = Instant::now();
        limiter.check(ip("192.0.2.1"), now);
        assert_eq!(
            limiter.check(ip("192.0.2.1"), now),
            Decision::Limited {
                retry_after: Duration::from_secs(1)
            }
        );
        let slow = RateLimiter::new(RateLimit {
            per_minute: 1,
            burst: 1,
        });
        slow.check(ip("192.0.2.1"), now);
        assert_eq!(
            slow.check(ip("192.0.2.1"), now + Duration::from_millis(500)),
            Decision::Limited {
                retry_after: Duration::from_secs(60)
            }
        );
    }

    #[test]
    fn clients_have_their_own_buckets() {
        let limiter = RateLimiter::new(LIMIT);
        let now = Instant::now();
        for _ in 0..3 {
            limiter.check(ip("192.0.2.1"), now);
        }
        assert_eq!(limiter.check(ip("192.0.2.2"), now), Decision::Allowed);
        assert_eq!(limiter.check(ip("2001:db8::1"), now), Decision::Allowed);
    }

    #[test]
    fn an_ipv6_slash_64_shares_one_bucket_and_mapped_ipv4_is_ipv4() {
        assert_eq!(
            bucket_key(ip("2001:db8:1:2:aaaa::1")),
            bucket_key(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            bucket_key(ip("2001:db8:1:2::1")),
            bucket_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(bucket_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));

        let limiter = RateLimiter::new(LIMIT);
        let now = Instant::now();
        for n in 0..3 {
            limiter.check(ip(&format!("2001:db8::{n}")), now);
        }
        assert!(matches!(
            limiter.check(ip("2001:db8::99"), now),
            Decision::Limited { .. }
        ));
    }

    #[test]
    fn memory_is_bounded_and_refilled_clients_are_forgotten_first() {
        let limiter = RateLimiter::with_capacity(LIMIT, 100);
        let start = Instant::now();
        // An attacker who used its burst, then many one-off visitors later on.
        for _ in 0..3 {
            limiter.check(ip("198.51.100.1"), start);
        }
        for n in 0..1000u32 {
            let client = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + n));
            limiter.check(client, start + Duration::from_millis(u64::from(n)));
            assert!(limiter.len() <= 100, "{} clients remembered", limiter.len());
        }
        // The one-off visitors above each still have a partly empty bucket; so does the attacker
        // unless it was forgotten as the oldest, which is the price of a bound.
        assert!(limiter.len() <= 100);

        // Clients that have had time to refill are simply dropped to make room.
        let limiter = RateLimiter::with_capacity(LIMIT, 2);
        limiter.check(ip("192.0.2.1"), start);
        limiter.check(ip("192.0.2.2"), start);
        let later = start + Duration::from_secs(60);
        limiter.check(ip("192.0.2.3"), later);
        assert_eq!(limiter.len(), 1);
    }

    #[test]
    fn the_limit_is_never_zero() {
        let limiter = RateLimiter::new(RateLimit {
            per_minute: 0,
            burst: 0,
        });
        assert_eq!(
            limiter.limit(),
            RateLimit {
                per_minute: 1,
                burst: 1
            }
        );
        assert_eq!(
            limiter.check(ip("192.0.2.1"), Instant::now()),
            Decision::Allowed
        );
    }
}
