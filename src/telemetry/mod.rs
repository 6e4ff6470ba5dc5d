//! Logging for `serve`: `tracing` lines on stderr, filtered by `BACKCARE_LOG`. A line is formatted
//! on the request's thread and queued for a background writer (`log_queue`), so a request never
//! waits for stderr; if stderr stops draining, lines are dropped (and counted), not held.

mod log_queue;

use std::io::{self, IsTerminal};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub use log_queue::LogGuard;
use log_queue::LogQueue;
use tracing_subscriber::filter::{FilterExt, dynamic_filter_fn};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// How many lines may wait for stderr before new ones are dropped: a few MB of typical lines.
/// A server that cannot log must still serve.
pub const MAX_QUEUED_LINES: usize = 16_384;

/// Installs the global subscriber: `BACKCARE_LOG` (default `info`), colours only on a terminal.
/// Keep the guard for the life of the process: dropping it (when `main` returns) writes the
/// lines still queued.
pub fn init() -> LogGuard {
    let (writer, guard) = log_queue::start(io::stderr(), MAX_QUEUED_LINES);
    let levels = EnvFilter::try_from_env("BACKCARE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let budget = ConnectionErrorBudget::default();
    // Dynamic, so it is asked for every line: a plain `filter_fn`'s answer is cached per callsite.
    let within_budget = dynamic_filter_fn(move |metadata, _| {
        !metadata.target().starts_with(ACTIX_HTTP) || budget.take(unix_minute())
    });
    let ansi = io::stderr().is_terminal();
    if !ansi {
        let _ = REQUEST_LINES.set(writer.clone());
    }
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(ansi)
                .with_writer(writer)
                .with_filter(levels.and(within_budget)),
        )
        .init();
    guard
}

/// Where `request_line` writes: the background writer, once `init` ran with stderr not a
/// terminal (on a terminal, `tracing` writes the line with its colours).
static REQUEST_LINES: OnceLock<LogQueue> = OnceLock::new();

/// Writes the request log's line for one request, as `tracing`'s formatter writes an
/// `info!(target: "backcare::web", method, path, status, latency_us, "request")`, byte for
/// byte, and returns true; false when the caller should log it through `tracing` instead.
///
/// Why by hand: the formatter's general machinery (a timestamp formatted per line, every field
/// through `Debug` and a visitor) cost about 9,000 instructions a request (callgrind), a fifth
/// of what serving a pre-rendered page costs. Here the timestamp's seconds are formatted once a
/// second per thread. `BACKCARE_LOG` is still obeyed: the caller asks `tracing::enabled!`.
pub fn request_line(method: &str, path: &str, status: u16, latency_us: u64) -> bool {
    let Some(writer) = REQUEST_LINES.get() else {
        return false;
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    LINE.with_borrow_mut(|line| {
        format_request_line(line, now, method, path, status, latency_us);
        // Queued, or dropped and counted if stderr is not keeping up.
        writer.push(line.as_bytes());
    });
    true
}

thread_local! {
    static LINE: std::cell::RefCell<RequestLine> = std::cell::RefCell::new(RequestLine::default());
}

/// One thread's request line, reused, with the formatted second it starts with.
#[derive(Default)]
struct RequestLine {
    text: String,
    second: Option<u64>,
    /// `2026-12-07T15:35:01` for `second`.
    second_text: String,
}

impl RequestLine {
    fn as_bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }
}

fn format_request_line(
    line: &mut RequestLine,
    since_epoch: std::time::Duration,
    method: &str,
    path: &str,
    status: u16,
    latency_us: u64,
) {
    let second = since_epoch.as_secs();
    if line.second != Some(second) {
        line.second_text = time::OffsetDateTime::from_unix_timestamp(second as i64)
            .ok()
            .and_then(|at| {
                at.format(time::macros::format_description!(
                    "[year]-[month]-[day]T[hour]:[minute]:[second]"
                ))
                .ok()
            })
            .unwrap_or_default();
        line.second = Some(second);
    }
    // Numbers through `itoa`: `write!` took two thirds of this function's instructions.
    let mut digits = itoa::Buffer::new();
    let text = &mut line.text;
    text.clear();
    text.push_str(&line.second_text);
    text.push('.');
    let micros = digits.format(since_epoch.subsec_micros());
    text.extend(std::iter::repeat_n(
        '0',
        6usize.saturating_sub(micros.len()),
    ));
    text.push_str(micros);
    text.push_str("Z  INFO backcare::web: request method=");
    push_quoted(text, method);
    text.push_str(" path=");
    push_quoted(text, path);
    text.push_str(" status=");
    text.push_str(digits.format(status));
    text.push_str(" latency_us=");
    text.push_str(digits.format(latency_us));
    text.push('\n');
}

/// `text` in quotes, escaped exactly as `{:?}` escapes it, so a path cannot forge a line.
/// Why not always `{:?}`: it looks at every character in turn for escapes, and a request's
/// path almost never has one (it arrives percent-encoded).
fn push_quoted(out: &mut String, text: &str) {
    let needs_no_escape = text
        .bytes()
        .all(|byte| (b' '..=b'~').contains(&byte) && byte != b'"' && byte != b'\\');
    if needs_no_escape {
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else {
        use std::fmt::Write as _;
        let _ = write!(out, "{text:?}");
    }
}

/// actix-http logs a malformed request's parse error at error level ("stream error: ..."), one
/// line per bad request, so any client could fill the log. Its lines are let through at most
/// this many a minute, and the rest dropped: the first ones show the problem, and the request
/// log and metrics count the requests.
pub const CONNECTION_ERRORS_PER_MINUTE: u32 = 10;

const ACTIX_HTTP: &str = "actix_http";

/// How many of actix-http's lines this minute has let through.
#[derive(Default)]
struct ConnectionErrorBudget {
    minute: AtomicU64,
    used: AtomicU32,
}

impl ConnectionErrorBudget {
    /// Whether one more line fits in `minute`'s budget (and takes it).
    fn take(&self, minute: u64) -> bool {
        if self.minute.swap(minute, Ordering::Relaxed) != minute {
            self.used.store(0, Ordering::Relaxed);
        }
        self.used.fetch_add(1, Ordering::Relaxed) < CONNECTION_ERRORS_PER_MINUTE
    }
}

fn unix_minute() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() / 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_request_line_reads_as_tracing_writes_it() {
        let mut line = RequestLine::default();
        let at = Duration::from_micros(1_796_052_901_004_861);
        format_request_line(&mut line, at, "POST", "/symptom-checker", 200, 1424);
        assert_eq!(
            String::from_utf8_lossy(line.as_bytes()),
            "2026-11-30T15:35:01.004861Z  INFO backcare::web: request method=\"POST\" path=\"/symptom-checker\" status=200 latency_us=1424\n"
        );
        format_request_line(
            &mut line,
            Duration::from_secs(1_796_052_901),
            "GET",
            "/",
            304,
            0,
        );
        assert!(
            String::from_utf8_lossy(line.as_bytes()).starts_with("2026-11-30T15:35:01.000000Z "),
            "{}",
            String::from_utf8_lossy(line.as_bytes())
        );
        // A path cannot forge a line: quotes and line breaks are escaped, as `Debug` does.
        format_request_line(&mut line, at, "GET", "/a\"\nb", 404, 7);
        assert!(
            String::from_utf8_lossy(line.as_bytes())
                .ends_with("path=\"/a\\\"\\nb\" status=404 latency_us=7\n"),
            "{}",
            String::from_utf8_lossy(line.as_bytes())
        );
    }

    proptest::proptest! {
        #[test]
        fn a_quoted_text_is_what_debug_writes(text in "\\PC*|[ -~]*|.*") {
            let mut quoted = String::new();
            push_quoted(&mut quoted, &text);
            proptest::prop_assert_eq!(quoted, format!("{text:?}"));
        }
    }

    #[test]
    fn connection_errors_are_let_through_a_few_a_minute() {
        let budget = ConnectionErrorBudget::default();
        let allowed = (0..100).filter(|_| budget.take(7)).count();
        assert_eq!(allowed, CONNECTION_ERRORS_PER_MINUTE as usize);
        assert!(budget.take(8), "a new minute, a new budget");
    }
}
