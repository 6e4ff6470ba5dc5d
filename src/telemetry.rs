//! Logging for `serve`: `tracing` lines on stderr, filtered by `BACKCARE_LOG`. Lines are formatted
//! on the request's thread but written by one background thread in batches, so a busy server makes
//! a few writes a second instead of one system call per request.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// How long a line may wait before it is written.
const FLUSH_EVERY: Duration = Duration::from_millis(50);

/// If stderr stops draining (a stuck pipe), lines beyond this are counted and dropped rather than
/// held: a server that cannot log must still serve.
const MAX_PENDING_BYTES: usize = 4 << 20;

/// The lines waiting to be written.
#[derive(Debug, Default)]
pub struct Pending {
    lines: Mutex<Vec<u8>>,
    dropped: AtomicU64,
}

impl Pending {
    fn push(&self, line: &[u8]) {
        let mut lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        if lines.len() + line.len() > MAX_PENDING_BYTES {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        } else {
            lines.extend_from_slice(line);
        }
    }

    /// Writes whatever is waiting to `out`, swapping buffers so writers never wait for the write.
    fn write_to(&self, spare: &mut Vec<u8>, out: &mut impl Write) -> io::Result<()> {
        {
            let mut lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
            std::mem::swap(&mut *lines, spare);
        }
        let dropped = self.dropped.swap(0, Ordering::Relaxed);
        if !spare.is_empty() {
            out.write_all(spare)?;
            spare.clear();
        }
        if dropped > 0 {
            writeln!(
                out,
                "backcare: {dropped} log lines were dropped because stderr was not keeping up"
            )?;
        }
        out.flush()
    }
}

/// The `MakeWriter` handed to `tracing_subscriber`: each event's line goes into `Pending`.
#[derive(Debug, Clone)]
pub struct BatchedStderr(Arc<Pending>);

pub struct LineWriter<'a>(&'a Pending);

impl Write for LineWriter<'_> {
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        self.0.push(line);
        Ok(line.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for BatchedStderr {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter(&self.0)
    }
}

/// Keeps logging alive; dropping it (when `main` returns) writes the last lines.
pub struct LogGuard(Arc<Pending>);

impl Drop for LogGuard {
    fn drop(&mut self) {
        let _ = self.0.write_to(&mut Vec::new(), &mut io::stderr().lock());
    }
}

/// Installs the global subscriber: `BACKCARE_LOG` (default `info`), colours only on a terminal.
pub fn init() -> LogGuard {
    let pending = Arc::new(Pending::default());
    let writer = BatchedStderr(Arc::clone(&pending));
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("BACKCARE_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_ansi(io::stderr().is_terminal())
        .with_writer(writer)
        .init();
    let background = Arc::clone(&pending);
    let spawned = std::thread::Builder::new()
        .name("backcare-log".to_owned())
        .spawn(move || {
            let mut spare = Vec::new();
            loop {
                std::thread::sleep(FLUSH_EVERY);
                // Nowhere to report a failure to write the log; the next batch tries again.
                let _ = background.write_to(&mut spare, &mut io::stderr().lock());
            }
        });
    if let Err(error) = spawned {
        eprintln!("backcare: cannot start the log writer ({error}); log lines appear at exit");
    }
    LogGuard(pending)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_written_in_order_in_one_batch() {
        let pending = Pending::default();
        pending.push(b"one\n");
        pending.push(b"two\n");
        let (mut spare, mut out) = (Vec::new(), Vec::new());
        pending.write_to(&mut spare, &mut out).unwrap();
        assert_eq!(out, b"one\ntwo\n");
        pending.write_to(&mut spare, &mut out).unwrap();
        assert_eq!(out, b"one\ntwo\n", "nothing is written twice");
    }

    #[test]
    fn a_stuck_stderr_drops_lines_and_says_how_many() {
        let pending = Pending::default();
        let line = vec![b'x'; 1024];
        for _ in 0..(MAX_PENDING_BYTES / 1024 + 3) {
            pending.push(&line);
        }
        let (mut spare, mut out) = (Vec::new(), Vec::new());
        pending.write_to(&mut spare, &mut out).unwrap();
        let kept = out.iter().filter(|&&byte| byte == b'x').count();
        assert_eq!(kept, MAX_PENDING_BYTES, "lines up to the bound are kept");
        let notice = String::from_utf8_lossy(&out[kept..]);
        assert_eq!(
            notice,
            "backcare: 3 log lines were dropped because stderr was not keeping up\n"
        );
    }
}
