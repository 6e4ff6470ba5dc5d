//! Logging for `serve`: `tracing` lines on stderr, filtered by `BACKCARE_LOG`. A line is formatted
//! on the request's thread and queued for `tracing-appender`'s background writer, so a request
//! never waits for stderr; if stderr stops draining, lines are dropped (and counted), not held.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::sync::{Arc, OnceLock};

use tracing_appender::non_blocking::{ErrorCounter, NonBlocking, NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

/// How many lines may wait for stderr before new ones are dropped: a few MB of typical lines.
/// A server that cannot log must still serve.
pub const MAX_QUEUED_LINES: usize = 16_384;

/// Installs the global subscriber: `BACKCARE_LOG` (default `info`), colours only on a terminal.
/// Keep the guard for the life of the process: dropping it (when `main` returns) writes the
/// lines still queued.
pub fn init() -> WorkerGuard {
    let (writer, guard) = background_writer(io::stderr(), MAX_QUEUED_LINES);
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("BACKCARE_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_ansi(io::stderr().is_terminal())
        .with_writer(writer)
        .init();
    guard
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
