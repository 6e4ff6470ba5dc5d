//! Logging for `serve`: `tracing` lines on stderr, filtered by `BACKCARE_LOG`. A line is formatted
//! on the request's thread and queued for `tracing-appender`'s background writer, so a request
//! never waits for stderr; if stderr stops draining, lines are dropped (and counted), not held.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use tracing_appender::non_blocking::{ErrorCounter, NonBlocking, NonBlockingBuilder, WorkerGuard};
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
pub fn init() -> WorkerGuard {
    let (writer, guard) = background_writer(io::stderr(), MAX_QUEUED_LINES);
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
static REQUEST_LINES: OnceLock<NonBlocking> = OnceLock::new();

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
        let _ = writer.clone().write_all(line.as_bytes());
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
    use std::fmt::Write as _;
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
    let text = &mut line.text;
    text.clear();
    let _ = writeln!(
        text,
        "{}.{:06}Z  INFO backcare::web: request method={method:?} path={path:?} status={status} latency_us={latency_us}",
        line.second_text,
        since_epoch.subsec_micros(),
    );
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

/// A lossy, bounded background writer to `out`: at most `max_queued` lines wait, the rest are
/// dropped and reported in one line once `out` takes lines again.
pub fn background_writer<W: Write + Send + 'static>(
    out: W,
    max_queued: usize,
) -> (NonBlocking, WorkerGuard) {
    let dropped = Arc::new(OnceLock::new());
    let output = ReportDrops {
        // The writer thread flushes whenever the queue is empty: under load a batch of lines
        // becomes one write, and when quiet a line is written at once.
        out: BufWriter::with_capacity(64 * 1024, out),
        dropped: Arc::clone(&dropped),
        reported: 0,
    };
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(true)
        .buffered_lines_limit(max_queued.max(1))
        .thread_name("backcare-log")
        .finish(output);
    // Set before any line is written, so nothing goes unreported.
    let _ = dropped.set(writer.error_counter());
    (writer, guard)
}

/// The writer thread's end: writes lines to `out` and, at each flush, says how many lines were
/// dropped since the last time it said so.
struct ReportDrops<W: Write> {
    out: BufWriter<W>,
    dropped: Arc<OnceLock<ErrorCounter>>,
    reported: usize,
}

impl<W: Write> Write for ReportDrops<W> {
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        self.out.write(line)
    }

    fn flush(&mut self) -> io::Result<()> {
        let dropped = self.dropped.get().map_or(0, ErrorCounter::dropped_lines);
        if dropped > self.reported {
            writeln!(
                self.out,
                "backcare: {} log lines were dropped because stderr was not keeping up",
                dropped - self.reported
            )?;
            self.reported = dropped;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::sync::mpsc::{Receiver, Sender, channel};
    use std::time::{Duration, Instant};

    /// An output whose first write, if `stuck`, blocks until the test lets it go: a stuck pipe.
    struct Pipe {
        written: Arc<Mutex<Vec<u8>>>,
        stuck: Option<(Sender<()>, Receiver<()>)>,
    }

    impl Write for Pipe {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            if let Some((entered, release)) = self.stuck.take() {
                entered.send(()).unwrap();
                release.recv().unwrap();
            }
            self.written.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn text(written: &Mutex<Vec<u8>>) -> String {
        String::from_utf8(written.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn a_request_line_reads_as_tracing_writes_it() {
        let mut line = RequestLine::default();
        let at = Duration::from_micros(1_796_052_901_004_861);
        format_request_line(&mut line, at, "POST", "/symptom-checker", 200, 1424);
        assert_eq!(
            String::from_utf8_lossy(line.as_bytes()),
            "2026-11-30T15:35:01.004861Z  INFO backcare::web: request method=\"POST\" path=\"/symptom-checker\" status=200 latency_us=1424\n"
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

    #[test]
    fn connection_errors_are_let_through_a_few_a_minute() {
        let budget = ConnectionErrorBudget::default();
        let allowed = (0..100).filter(|_| budget.take(7)).count();
        assert_eq!(allowed, CONNECTION_ERRORS_PER_MINUTE as usize);
        assert!(budget.take(8), "a new minute, a new budget");
    }

    #[test]
    fn lines_are_written_in_order_and_the_guard_flushes_them() {
        let written = Arc::new(Mutex::new(Vec::new()));
        let pipe = Pipe {
            written: Arc::clone(&written),
            stuck: None,
        };
        let (mut writer, guard) = background_writer(pipe, 100);
        writer.write_all(b"one\n").unwrap();
        writer.write_all(b"two\n").unwrap();
        drop(guard);
        assert_eq!(text(&written), "one\ntwo\n");
    }

    #[test]
    fn a_stuck_stderr_drops_lines_without_blocking_and_says_how_many() {
        let written = Arc::new(Mutex::new(Vec::new()));
        let (entered, writer_is_stuck) = channel();
        let (release, released) = channel();
        let pipe = Pipe {
            written: Arc::clone(&written),
            stuck: Some((entered, released)),
        };
        let (mut writer, guard) = background_writer(pipe, 4);
        writer.write_all(b"line 0\n").unwrap();
        writer_is_stuck
            .recv_timeout(Duration::from_secs(10))
            .expect("the writer thread writes the first line");

        let started = Instant::now();
        for n in 1..1000 {
            writer.write_all(format!("line {n}\n").as_bytes()).unwrap();
        }
        let took = started.elapsed();
        assert!(took < Duration::from_secs(1), "999 lines took {took:?}");
        // Four wait in the queue; the rest are dropped.
        assert_eq!(writer.error_counter().dropped_lines(), 995);

        release.send(()).unwrap();
        drop(guard);
        assert_eq!(
            text(&written),
            "line 0\nline 1\nline 2\nline 3\nline 4\n\
             backcare: 995 log lines were dropped because stderr was not keeping up\n"
        );
    }
}
