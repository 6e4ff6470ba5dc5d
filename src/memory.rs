//! Keeping the server's resident memory close to what it holds.
//!
//! Building a generation allocates far more than it keeps (every file's text, the search
//! index's writing buffers, segments merged away), and so does compressing its pages (brotli
//! works in buffers of a few MB per page). glibc keeps what was freed inside its heap, and once
//! a large buffer has been freed it serves later large ones from the heap too, leaving holes.
//! At 10,000 articles that kept the server about 90 MB bigger than what it held. Other
//! platforms and allocators do without this.

/// Allocations at least this big get pages of their own, handed back when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const OWN_PAGES_FROM_BYTES: libc::c_int = 256 * 1024;
/// How much free space at the top of the heap glibc keeps rather than handing back at once.
/// Fixing the threshold above would otherwise leave this at 128 KiB, and the heap would shrink
/// and grow again all through start-up (it made start-up 40% slower); `release_freed` hands
/// the space back after the big jobs instead.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const KEEP_FREE_TOP_BYTES: libc::c_int = 256 * 1024 * 1024;

/// Makes large allocations always map their own pages (glibc raises the threshold as large
/// blocks are freed, up to 32 MB; fixing it keeps brotli's and tantivy's buffers out of the
/// heap), and keeps to one arena per core (`arenas`). Call once, before the first generation
/// is built.
pub fn configure() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a tuning parameter of glibc's allocator; it takes no
    // pointers and is safe to call at any time.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, OWN_PAGES_FROM_BYTES);
        libc::mallopt(libc::M_TRIM_THRESHOLD, KEEP_FREE_TOP_BYTES);
        libc::mallopt(libc::M_ARENA_MAX, arenas());
    }
}

/// One malloc arena per core. glibc makes up to eight per core as threads contend, and start-up
/// runs many short-lived threads (reading, indexing, rendering); each arena kept free pages
/// between the pages it still held, and at 10,000 articles the server was 45 MB bigger for the
/// same bytes in use (peak 433 rather than 379 MB). With one per core, start-up is no slower.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn arenas() -> libc::c_int {
    std::thread::available_parallelism().map_or(1, |cores| cores.get().min(64) as libc::c_int)
}

/// Returns the heap's free pages to the system; takes milliseconds, so only call it after large
/// one-off work such as building a generation or compressing its pages.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers and only rearranges glibc's own free lists; it is
    // safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
