//! Prometheus metrics on their own address (`--metrics-bind`), off by default so they are never
//! public by accident. Counts and latencies only: never an answer, a query, a name or an address.
//!
//! The `metrics` crate's macros record into one process-wide recorder; until `install` runs (no
//! `--metrics-bind`) they cost next to nothing. `metrics-exporter-prometheus` renders the text
//! format, so no exposition format is written by hand here.

use std::net::{SocketAddr, TcpListener};
use std::sync::OnceLock;

use actix_web::dev::Server;
use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, HttpServer, web};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::discussion::Storage;
use crate::discussion::feedback::Answer;

pub const PATH: &str = "/metrics";

/// Request latency buckets in seconds: pages take microseconds, a sign-in's argon2 a fraction
/// of a second, a stalled form up to the 10 s body limit.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Installs the recorder once per process and returns its handle; later calls (another server
/// in the same test process) share it.
pub fn install() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let installed = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("seconds".to_owned()), LATENCY_BUCKETS)
                .and_then(PrometheusBuilder::install_recorder);
            match installed {
                Ok(handle) => {
                    REQUEST_METRICS.get_or_init(RequestMetrics::register);
                    Some(handle)
                }
                Err(error) => {
                    tracing::error!(%error, "could not start the metrics recorder");
                    None
                }
            }
        })
        .clone()
}

/// What a request was for: the `kind` label, a handful of values (never the path itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RouteKind {
    Health,
    Static,
    Checker,
    Moderate,
    Discussion,
    Page,
}

impl RouteKind {
    const ALL: [RouteKind; 6] = [
        RouteKind::Health,
        RouteKind::Static,
        RouteKind::Checker,
        RouteKind::Moderate,
        RouteKind::Discussion,
        RouteKind::Page,
    ];

    fn of(path: &str) -> RouteKind {
        if path == super::paths::HEALTH_PATH {
            RouteKind::Health
        } else if path.starts_with("/static/") {
            RouteKind::Static
        } else if path.starts_with(super::paths::CHECKER_PATH) {
            RouteKind::Checker
        } else if path.starts_with("/moderate") {
            RouteKind::Moderate
        } else if path.contains("/discussion") {
            RouteKind::Discussion
        } else {
            RouteKind::Page
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            RouteKind::Health => "health",
            RouteKind::Static => "static",
            RouteKind::Checker => "checker",
            RouteKind::Moderate => "moderate",
            RouteKind::Discussion => "discussion",
            RouteKind::Page => "page",
        }
    }
}

/// "1xx" to "5xx": the `status` label.
const STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

fn status_class(status: StatusCode) -> usize {
    match status.as_u16() {
        100..=199 => 0,
        200..=299 => 1,
        300..=399 => 2,
        400..=499 => 3,
        _ => 4,
    }
}

/// The request counters and latency histograms, one per label set, registered once when the
/// recorder is installed.
///
/// Why not `counter!(…, "kind" => kind)` per request: the macro builds and hashes the labels
/// each time, even with no recorder (about 1.3% of the server's CPU on a page, `perf`); a
/// handle records with one atomic add.
struct RequestMetrics {
    counts: [[metrics::Counter; STATUS_CLASSES.len()]; RouteKind::ALL.len()],
    durations: [metrics::Histogram; RouteKind::ALL.len()],
}

static REQUEST_METRICS: OnceLock<RequestMetrics> = OnceLock::new();

impl RequestMetrics {
    fn register() -> RequestMetrics {
        RequestMetrics {
            counts: RouteKind::ALL.map(|kind| {
                STATUS_CLASSES.map(|status| {
                    metrics::counter!("backcare_http_requests_total", "kind" => kind.as_str(), "status" => status)
                })
            }),
            durations: RouteKind::ALL.map(|kind| {
                metrics::histogram!("backcare_http_request_duration_seconds", "kind" => kind.as_str())
            }),
        }
    }
}

/// One request answered. Nothing to do without `--metrics-bind`.
pub fn record_request(path: &str, status: StatusCode, seconds: f64) {
    let Some(metrics) = REQUEST_METRICS.get() else {
        return;
    };
    let kind = RouteKind::of(path) as usize;
    metrics.counts[kind][status_class(status)].increment(1);
    metrics.durations[kind].record(seconds);
}

/// Which per-client limit refused a request: the `limit` label of `backcare_rate_limited_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimited {
    Checker,
    Search,
    Post,
    Feedback,
    /// Too many sign-in attempts from one client, in all or for one name.
    SignIn,
    /// A name paused for browsers it was never signed in from.
    SignInAccount,
}

impl RateLimited {
    pub fn as_str(self) -> &'static str {
        match self {
            RateLimited::Checker => "checker",
            RateLimited::Search => "search",
            RateLimited::Post => "post",
            RateLimited::Feedback => "feedback",
            RateLimited::SignIn => "sign_in",
            RateLimited::SignInAccount => "sign_in_account",
        }
    }
}

/// A request refused by one of the per-client limits.
pub fn record_rate_limited(limit: RateLimited) {
    metrics::counter!("backcare_rate_limited_total", "limit" => limit.as_str()).increment(1);
}

/// What happened to a post sent with the discussion form: the `outcome` label of
/// `backcare_posts_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostOutcome {
    /// A bot filled the hidden field.
    Honeypot,
    RefusedCrossSite,
    Invalid,
    Stored,
    /// The same post again: nothing stored.
    Resent,
    RateLimited,
    /// The moderation queue is full.
    Busy,
    /// The database failed.
    Failed,
}

impl PostOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            PostOutcome::Honeypot => "honeypot",
            PostOutcome::RefusedCrossSite => "refused_cross_site",
            PostOutcome::Invalid => "invalid",
            PostOutcome::Stored => "stored",
            PostOutcome::Resent => "resent",
            PostOutcome::RateLimited => "rate_limited",
            PostOutcome::Busy => "busy",
            PostOutcome::Failed => "failed",
        }
    }
}

pub fn record_post(outcome: PostOutcome) {
    metrics::counter!("backcare_posts_total", "outcome" => outcome.as_str()).increment(1);
}

/// What happened to an answer to "Is this page helpful?": the `outcome` label of
/// `backcare_feedback_total`. Never which article: the report has that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackOutcome {
    /// Counted, with its answer.
    Answer(Answer),
    Comment,
    /// A bot filled the hidden field.
    Honeypot,
    RefusedCrossSite,
    RateLimited,
}

impl FeedbackOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackOutcome::Answer(answer) => answer.as_str(),
            FeedbackOutcome::Comment => "comment",
            FeedbackOutcome::Honeypot => "honeypot",
            FeedbackOutcome::RefusedCrossSite => "refused_cross_site",
            FeedbackOutcome::RateLimited => "rate_limited",
        }
    }
}

pub fn record_feedback(outcome: FeedbackOutcome) {
    metrics::counter!("backcare_feedback_total", "outcome" => outcome.as_str()).increment(1);
}

/// How long loading, checking and rendering the site took: at start-up and on every `--watch`
/// reload, so a slow reload shows up as well as a slow start.
pub fn record_site_build(elapsed: std::time::Duration) {
    metrics::histogram!("backcare_site_build_seconds").record(elapsed.as_secs_f64());
}

/// Starts the metrics server on `listener` with one worker; it answers `GET /metrics` only.
/// The database pool's use is read at each scrape.
pub fn serve(
    listener: TcpListener,
    handle: PrometheusHandle,
    storage: Option<Storage>,
) -> std::io::Result<(Server, SocketAddr)> {
    let address = listener.local_addr()?;
    let server = HttpServer::new(move || {
        let handle = handle.clone();
        let storage = storage.clone();
        App::new().route(
            PATH,
            web::get().to(move || {
                let handle = handle.clone();
                let storage = storage.clone();
                async move {
                    if let Some(storage) = &storage {
                        let (size, idle) = storage.pool_use();
                        metrics::gauge!("backcare_db_pool_connections", "state" => "idle")
                            .set(idle as f64);
                        metrics::gauge!("backcare_db_pool_connections", "state" => "in_use")
                            .set((size as usize).saturating_sub(idle) as f64);
                    }
                    HttpResponse::Ok()
                        .content_type("text/plain; version=0.0.4; charset=utf-8")
                        .insert_header(("cache-control", "no-store"))
                        .body(handle.render())
                }
            }),
        )
    })
    .workers(1)
    // The main server handles SIGTERM; this one simply ends with the process.
    .disable_signals()
    .listen(listener)?
    .run();
    Ok((server, address))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_come_from_a_small_closed_set() {
        let kind = |path| RouteKind::of(path).as_str();
        assert_eq!(kind("/articles/heat-therapy"), "page");
        assert_eq!(kind("/articles/heat-therapy/discussion"), "discussion");
        assert_eq!(kind("/symptom-checker/change"), "checker");
        assert_eq!(kind("/moderate/login"), "moderate");
        assert_eq!(kind("/static/site.css"), "static");
        assert_eq!(kind("/healthz"), "health");
        for kind in RouteKind::ALL {
            assert_eq!(RouteKind::ALL[kind as usize], kind, "indexes the handles");
        }
        let class = |status| STATUS_CLASSES[status_class(status)];
        assert_eq!(class(StatusCode::CONTINUE), "1xx");
        assert_eq!(class(StatusCode::NOT_MODIFIED), "3xx");
        assert_eq!(class(StatusCode::TOO_MANY_REQUESTS), "4xx");
        assert_eq!(class(StatusCode::BAD_GATEWAY), "5xx");
    }
}
