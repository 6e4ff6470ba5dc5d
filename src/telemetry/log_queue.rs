//! The log's way to stderr: any thread appends a line to one shared buffer under a short lock,
//! and one writer thread writes what has gathered a moment later, many lines in one write.
//!
//! Why not `tracing-appender`'s `NonBlocking`, used before: it sends each line as a message of
//! its own (an allocation and a channel send per request), and its writer thread spins and
//! yields in the channel's receive while lines keep coming. Serving the article page with wrk,
//! that thread took 3.2% of the CPU the server's workers took (0.46 µs a line) and the send
//! another 1% (`perf`); this writer took 1.2% (0.16 µs a line), writing the same lines. It
//! wakes once per batch (`GATHER_FOR` or `WRITE_AT_LINES`, whichever comes first), as nginx's
//! `access_log buffer= flush=` does, and not at all when no line comes: no sleep loop.
//!
//! Lossy and bounded, as before: at most `max_queued` lines wait; while stderr does not take
//! them, new lines are dropped and counted, and the count is reported once it does.

use std::io::{self, Write};
use std::mem;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// How long the writer waits after the first line of a batch for others to join it: a line
/// reaches the log within about 20 ms. Under load a batch ends sooner, at `WRITE_AT_LINES`.
pub const GATHER_FOR: Duration = Duration::from_millis(20);

/// A batch this long is written at once, without waiting out `GATHER_FOR`.
const WRITE_AT_LINES: usize = 512;

/// Where lines are appended: cheap to clone, one per thread or per `tracing` event.
#[derive(Clone)]
pub struct LogQueue {
    shared: Arc<Shared>,
}

/// Ends the writer thread when dropped, after it has written every line still waiting.
pub struct LogGuard {
    shared: Arc<Shared>,
    writer: Option<JoinHandle<()>>,
}

struct Shared {
    waiting: Mutex<Waiting>,
    /// Wakes the writer: at a batch's first line, at `WRITE_AT_LINES`, and at the end.
    wake: Condvar,
    max_queued: usize,
}

#[derive(Default)]
struct Waiting {
    bytes: Vec<u8>,
    lines: usize,
    dropped: usize,
    closed: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Waiting> {
        // A thread that panicked while appending left at worst a partial line: keep logging.
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Starts the writer thread for `out`; at most `max_queued` lines wait for it.
pub fn start<W: Write + Send + 'static>(out: W, max_queued: usize) -> (LogQueue, LogGuard) {
    let shared = Arc::new(Shared {
        waiting: Mutex::new(Waiting::default()),
        wake: Condvar::new(),
        max_queued: max_queued.max(1),
    });
    let writer = {
        let shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("backcare-log".to_owned())
            .spawn(move || write_batches(&shared, out))
            .ok()
    };
    let queue = LogQueue {
        shared: Arc::clone(&shared),
    };
    (queue, LogGuard { shared, writer })
}

impl LogQueue {
    /// Queues one line (or one event of several lines, written whole), or drops and counts it
    /// when `max_queued` lines already wait. Never blocks on stderr.
    pub fn push(&self, line: &[u8]) {
        let mut waiting = self.shared.lock();
        if waiting.closed || waiting.lines >= self.shared.max_queued {
            waiting.dropped += 1;
            return;
        }
        let first = waiting.lines == 0;
        waiting.bytes.extend_from_slice(line);
        waiting.lines += 1;
        let wake = first || waiting.lines == WRITE_AT_LINES;
        drop(waiting);
        if wake {
            self.shared.wake.notify_one();
        }
    }
}

/// The writer thread: waits for a first line, gives others `GATHER_FOR` to join it, writes the
/// batch in one go (outside the lock), then reports lines dropped meanwhile, if any.
fn write_batches<W: Write>(shared: &Shared, mut out: W) {
    let mut batch = Vec::new();
    let mut waiting = shared.lock();
    loop {
        while waiting.lines == 0 && waiting.dropped == 0 && !waiting.closed {
            waiting = shared
                .wake
                .wait(waiting)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if !waiting.closed && waiting.lines < WRITE_AT_LINES {
            waiting = shared
                .wake
                .wait_timeout(waiting, GATHER_FOR)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        mem::swap(&mut batch, &mut waiting.bytes);
        waiting.lines = 0;
        let dropped = mem::take(&mut waiting.dropped);
        let closed = waiting.closed;
        drop(waiting);
        let _ = write_batch(&mut out, &batch, dropped);
        batch.clear();
        if closed {
            return;
        }
        waiting = shared.lock();
    }
}

fn write_batch<W: Write>(out: &mut W, batch: &[u8], dropped: usize) -> io::Result<()> {
    out.write_all(batch)?;
    if dropped > 0 {
        writeln!(
            out,
            "backcare: {dropped} log lines were dropped because stderr was not keeping up"
        )?;
    }
    out.flush()
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.wake.notify_one();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// `tracing`'s formatter writes each event with one `write_all` of the whole formatted text,
/// so one `write` here is one event, queued whole.
impl Write for LogQueue {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.push(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogQueue {
    type Writer = LogQueue;

    fn make_writer(&'a self) -> LogQueue {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::{Receiver, Sender, channel};
    use std::time::Instant;

    /// What reached the output, and in how many writes.
    #[derive(Default)]
    struct Written {
        bytes: Vec<u8>,
        writes: usize,
    }

    /// An output whose first write, if `stuck`, blocks until the test lets it go: a stuck pipe.
    struct Pipe {
        written: Arc<Mutex<Written>>,
        stuck: Option<(Sender<()>, Receiver<()>)>,
    }

    impl Pipe {
        fn new() -> (Pipe, Arc<Mutex<Written>>) {
            let written = Arc::new(Mutex::new(Written::default()));
            let pipe = Pipe {
                written: Arc::clone(&written),
                stuck: None,
            };
            (pipe, written)
        }
    }

    impl Write for Pipe {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            if let Some((entered, release)) = self.stuck.take() {
                entered.send(()).unwrap();
                release.recv().unwrap();
            }
            let mut written = self.written.lock().unwrap();
            written.writes += 1;
            written.bytes.extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn text(written: &Mutex<Written>) -> String {
        String::from_utf8(written.lock().unwrap().bytes.clone()).unwrap()
    }

    #[test]
    fn lines_are_written_in_order_and_the_guard_writes_those_still_waiting() {
        let (pipe, written) = Pipe::new();
        let (queue, guard) = start(pipe, 100);
        queue.push(b"one\n");
        queue.push(b"two\n");
        drop(guard);
        assert_eq!(text(&written), "one\ntwo\n");
    }

    #[test]
    fn a_line_reaches_the_output_soon_without_more_lines_or_the_guard() {
        let (pipe, written) = Pipe::new();
        let (queue, _guard) = start(pipe, 100);
        let started = Instant::now();
        queue.push(b"alone\n");
        while text(&written).is_empty() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "not written after 10 s"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(text(&written), "alone\n");
    }

    #[test]
    fn lines_from_many_threads_become_a_few_writes() {
        let (pipe, written) = Pipe::new();
        let (queue, guard) = start(pipe, 100_000);
        std::thread::scope(|threads| {
            for thread in 0..4 {
                let queue = queue.clone();
                threads.spawn(move || {
                    for n in 0..1000 {
                        queue.push(format!("{thread} {n}\n").as_bytes());
                    }
                });
            }
        });
        drop(guard);
        let text = text(&written);
        assert_eq!(text.lines().count(), 4000);
        for thread in 0..4 {
            let own: Vec<usize> = text
                .lines()
                .filter_map(|line| line.strip_prefix(&format!("{thread} ")))
                .map(|n| n.parse().unwrap())
                .collect();
            assert_eq!(
                own,
                (0..1000).collect::<Vec<_>>(),
                "each thread's lines in order"
            );
        }
        let writes = written.lock().unwrap().writes;
        assert!(writes <= 4000 / WRITE_AT_LINES + 8, "{writes} writes");
    }

    #[test]
    fn a_stuck_stderr_drops_lines_without_blocking_and_says_how_many() {
        let (entered, writer_is_stuck) = channel();
        let (release, released) = channel();
        let (mut pipe, written) = Pipe::new();
        pipe.stuck = Some((entered, released));
        let (queue, guard) = start(pipe, 4);
        queue.push(b"line 0\n");
        writer_is_stuck
            .recv_timeout(Duration::from_secs(10))
            .expect("the writer thread writes the first line");

        let started = Instant::now();
        for n in 1..1000 {
            queue.push(format!("line {n}\n").as_bytes());
        }
        let took = started.elapsed();
        assert!(took < Duration::from_secs(1), "999 lines took {took:?}");

        release.send(()).unwrap();
        drop(guard);
        // Four wait in the queue; the rest are dropped.
        assert_eq!(
            text(&written),
            "line 0\nline 1\nline 2\nline 3\nline 4\n\
             backcare: 995 log lines were dropped because stderr was not keeping up\n"
        );
    }
}
