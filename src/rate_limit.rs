//! Per-client rate limits held in this process's memory: symptom checker answers and searches
//! (`web::Protection`), and reader posts, feedback answers and moderator sign-ins
//! (`web::discussion_http::limits`, with SQLite; with PostgreSQL those live in the database,
//! keyed by the same `bucket_key`). No HTTP here: `web` decides who the client is.
//!
//! The counting is `governor`'s keyed limiter (GCRA: one atomic number per client in a sharded
//! map). What this module adds is what governor leaves to its user: an IPv6 client's whole /64
//! is one client, at most `capacity` clients are remembered, and a refusal says how many whole
//! seconds to wait (for `Retry-After`).

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::Quota;
use governor::clock::{Clock, MonotonicClock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::StateStore;
use governor::state::keyed::{DashMapStateStore, ShrinkableKeyedStateStore};

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

    /// A reader searching, refining and paging back: a search every two seconds on average,
    /// twenty at once. Twelve connections of random words (the re-test's load) are refused.
    pub const SEARCH_DEFAULT: RateLimit = RateLimit {
        per_minute: 30,
        burst: 20,
    };

    fn quota(self) -> Quota {
        let per_minute = NonZeroU32::new(self.per_minute).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(self.burst).unwrap_or(NonZeroU32::MIN);
        Quota::per_minute(per_minute).allow_burst(burst)
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

/// How many clients are remembered by default: a few MB at most.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// How often clients whose allowance has refilled are forgotten (they are no different from a
/// client never seen), so memory goes back down after a busy spell.
const TIDY_EVERY: Duration = Duration::from_secs(60);

/// Every client's state. governor owns one handle and counts; this module keeps another, to
/// forget clients when there are too many (governor has no bound of its own).
#[derive(Debug, Default, Clone)]
struct Clients(Arc<DashMapStateStore<IpAddr>>);

impl StateStore for Clients {
    type Key = IpAddr;

    fn measure_and_replace<T, F, E>(&self, key: &IpAddr, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        self.0.measure_and_replace(key, f)
    }
}

impl ShrinkableKeyedStateStore<IpAddr> for Clients {
    fn retain_recent(&self, drop_below: Nanos) {
        self.0.retain_recent(drop_below);
    }

    fn shrink_to_fit(&self) {
        self.0.shrink_to_fit();
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The allowance of every recent client, bounded: at most `capacity` clients are remembered.
/// `C` is the clock: the real one, or governor's fake clock in tests.
pub struct RateLimiter<C: Clock = MonotonicClock> {
    limit: RateLimit,
    capacity: usize,
    clients: Clients,
    governor: governor::RateLimiter<IpAddr, Clients, C, NoOpMiddleware<C::Instant>>,
    clock: C,
    started: C::Instant,
    /// When the next tidy is due, in nanoseconds since `started`.
    next_tidy: AtomicU64,
}

impl<C: Clock> fmt::Debug for RateLimiter<C> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("RateLimiter")
            .field("limit", &self.limit)
            .field("capacity", &self.capacity)
            .field("clients", &self.clients.0.len())
            .finish_non_exhaustive()
    }
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        RateLimiter::with_capacity(limit, DEFAULT_CAPACITY)
    }

    pub fn with_capacity(limit: RateLimit, capacity: usize) -> Self {
        RateLimiter::with_clock(limit, capacity, MonotonicClock)
    }
}

impl<C: Clock + Clone> RateLimiter<C> {
    pub fn with_clock(limit: RateLimit, capacity: usize, clock: C) -> Self {
        let limit = RateLimit {
            per_minute: limit.per_minute.max(1),
            burst: limit.burst.max(1),
        };
        let clients = Clients::default();
        let governor = governor::RateLimiter::new(limit.quota(), clients.clone(), clock.clone());
        RateLimiter {
            limit,
            capacity: capacity.max(1),
            clients,
            governor,
            started: clock.now(),
            clock,
            next_tidy: AtomicU64::new(duration_nanos(TIDY_EVERY)),
        }
    }

    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Takes one request from `client`'s allowance, or says how long until there is one.
    pub fn check(&self, client: IpAddr) -> Decision {
        let key = bucket_key(client);
        self.tidy_when_due();
        if self.clients.0.len() >= self.capacity && !self.clients.0.contains_key(&key) {
            self.make_room();
        }
        match self.governor.check_key(&key) {
            Ok(()) => Decision::Allowed,
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                Decision::Limited {
                    retry_after: Duration::from_secs(wait.as_secs_f64().ceil().max(1.0) as u64),
                }
            }
        }
    }

    /// How many clients are remembered now.
    pub fn len(&self) -> usize {
        self.clients.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clients.0.is_empty()
    }

    /// Once every `TIDY_EVERY`, on whichever request comes first, forgets the clients whose
    /// allowance has refilled and gives their memory back.
    fn tidy_when_due(&self) {
        let now = self.clock.now().duration_since(self.started).as_u64();
        let due = self.next_tidy.load(Ordering::Relaxed);
        if now < due {
            return;
        }
        let next = now.saturating_add(duration_nanos(TIDY_EVERY));
        // Only the request that moves the date on does the work.
        if self
            .next_tidy
            .compare_exchange(due, next, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            self.governor.retain_recent();
            self.governor.shrink_to_fit();
        }
    }

    /// Forgets clients whose allowance has refilled; if that is not enough, forgets a tenth of
    /// the clients, whichever the map holds first (governor keeps no last-seen time to choose
    /// by). A forgotten client starts again with a full burst, the price of a bound. Making room
    /// frees a tenth of the capacity, so its cost per request stays small even under attack.
    fn make_room(&self) {
        self.governor.retain_recent();
        let mut forget = (self.capacity / 10).max(1);
        if self.clients.0.len() >= self.capacity {
            self.clients.0.retain(|_, _| {
                if forget == 0 {
                    return true;
                }
                forget -= 1;
                false
            });
        }
    }
}

fn duration_nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// Whose allowance a request uses. An IPv6 client usually controls a whole /64, so the /64
/// shares one allowance; otherwise anyone could get a fresh one per request.
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
    use governor::clock::FakeRelativeClock;

    const LIMIT: RateLimit = RateLimit {
        per_minute: 30,
        burst: 3,
    };

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn with_fake_clock(
        limit: RateLimit,
        capacity: usize,
    ) -> (RateLimiter<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        (
            RateLimiter::with_clock(limit, capacity, clock.clone()),
            clock,
        )
    }

    #[test]
    fn a_burst_is_allowed_then_the_client_must_wait() {
        let (limiter, _) = with_fake_clock(LIMIT, DEFAULT_CAPACITY);
        for _ in 0..3 {
            assert_eq!(limiter.check(ip("192.0.2.1")), Decision::Allowed);
        }
        // 30 a minute is one every 2 seconds.
        assert_eq!(
            limiter.check(ip("192.0.2.1")),
            Decision::Limited {
                retry_after: Duration::from_secs(2)
            }
        );
    }

    #[test]
    fn allowance_comes_back_at_the_rate_and_never_beyond_the_burst() {
        let (limiter, clock) = with_fake_clock(LIMIT, DEFAULT_CAPACITY);
        for _ in 0..3 {
            limiter.check(ip("192.0.2.1"));
        }
        clock.advance(Duration::from_secs(2));
        assert_eq!(limiter.check(ip("192.0.2.1")), Decision::Allowed);
        assert!(matches!(
            limiter.check(ip("192.0.2.1")),
            Decision::Limited { .. }
        ));
        // A long pause refills the allowance to the burst, not more.
        clock.advance(Duration::from_secs(3600));
        for _ in 0..3 {
            assert_eq!(limiter.check(ip("192.0.2.1")), Decision::Allowed);
        }
        assert!(matches!(
            limiter.check(ip("192.0.2.1")),
            Decision::Limited { .. }
        ));
    }

    #[test]
    fn retry_after_is_whole_seconds_and_at_least_one() {
        let (fast, _) = with_fake_clock(
            RateLimit {
                per_minute: 600,
                burst: 1,
            },
            DEFAULT_CAPACITY,
        );
        fast.check(ip("192.0.2.1"));
        assert_eq!(
            fast.check(ip("192.0.2.1")),
            Decision::Limited {
                retry_after: Duration::from_secs(1)
            }
        );
        let (slow, clock) = with_fake_clock(
            RateLimit {
                per_minute: 1,
                burst: 1,
            },
            DEFAULT_CAPACITY,
        );
        slow.check(ip("192.0.2.1"));
        clock.advance(Duration::from_millis(500));
        assert_eq!(
            slow.check(ip("192.0.2.1")),
            Decision::Limited {
                retry_after: Duration::from_secs(60)
            }
        );
    }

    #[test]
    fn clients_have_their_own_allowance() {
        let (limiter, _) = with_fake_clock(LIMIT, DEFAULT_CAPACITY);
        for _ in 0..3 {
            limiter.check(ip("192.0.2.1"));
        }
        assert_eq!(limiter.check(ip("192.0.2.2")), Decision::Allowed);
        assert_eq!(limiter.check(ip("2001:db8::1")), Decision::Allowed);
    }

    #[test]
    fn an_ipv6_slash_64_shares_one_allowance_and_mapped_ipv4_is_ipv4() {
        assert_eq!(
            bucket_key(ip("2001:db8:1:2:aaaa::1")),
            bucket_key(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            bucket_key(ip("2001:db8:1:2::1")),
            bucket_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(bucket_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));

        let (limiter, _) = with_fake_clock(LIMIT, DEFAULT_CAPACITY);
        for n in 0..3 {
            limiter.check(ip(&format!("2001:db8::{n}")));
        }
        assert!(matches!(
            limiter.check(ip("2001:db8::99")),
            Decision::Limited { .. }
        ));
        assert_eq!(limiter.check(ip("2001:db8:0:1::1")), Decision::Allowed);
        assert_eq!(limiter.len(), 2, "one entry per /64");
        // An IPv4 client written as IPv6 is the same client, not a fresh allowance.
        for _ in 0..3 {
            limiter.check(ip("192.0.2.7"));
        }
        assert!(matches!(
            limiter.check(ip("::ffff:192.0.2.7")),
            Decision::Limited { .. }
        ));
    }

    #[test]
    fn memory_is_bounded_under_a_flood_of_new_clients() {
        let (limiter, clock) = with_fake_clock(LIMIT, 100);
        for n in 0..10_000u32 {
            let client = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + n));
            assert_eq!(limiter.check(client), Decision::Allowed, "a new client");
            assert!(limiter.len() <= 100, "{} clients remembered", limiter.len());
            clock.advance(Duration::from_millis(1));
        }
        // A limited client that keeps coming is still limited while there is room.
        let (limiter, _) = with_fake_clock(LIMIT, 100);
        for _ in 0..3 {
            limiter.check(ip("198.51.100.1"));
        }
        for n in 0..50u32 {
            limiter.check(IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + n)));
        }
        assert!(matches!(
            limiter.check(ip("198.51.100.1")),
            Decision::Limited { .. }
        ));
    }

    #[test]
    fn refilled_clients_are_forgotten_first_and_tidied_away() {
        // Clients that have had time to refill are simply dropped to make room...
        let (limiter, clock) = with_fake_clock(LIMIT, 2);
        limiter.check(ip("192.0.2.1"));
        limiter.check(ip("192.0.2.2"));
        clock.advance(Duration::from_secs(10));
        limiter.check(ip("192.0.2.3"));
        assert_eq!(limiter.len(), 1);

        // ...and, far below the bound, once a minute, while one still limited is kept.
        let (limiter, clock) = with_fake_clock(LIMIT, DEFAULT_CAPACITY);
        for n in 0..1000u32 {
            limiter.check(IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + n)));
        }
        clock.advance(Duration::from_secs(59));
        for _ in 0..4 {
            limiter.check(ip("198.51.100.1"));
        }
        assert_eq!(limiter.len(), 1001);
        clock.advance(Duration::from_secs(1));
        assert!(matches!(
            limiter.check(ip("198.51.100.1")),
            Decision::Limited { .. }
        ));
        assert_eq!(limiter.len(), 1, "only the limited client is remembered");
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
        assert_eq!(limiter.check(ip("192.0.2.1")), Decision::Allowed);
    }

    #[test]
    fn the_highest_limit_the_command_line_takes_works() {
        let limiter = RateLimiter::new(RateLimit {
            per_minute: u32::MAX,
            burst: u32::MAX,
        });
        for _ in 0..1000 {
            assert_eq!(limiter.check(ip("192.0.2.1")), Decision::Allowed);
        }
    }
}
