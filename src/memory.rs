//! Handing memory back to the operating system once a site generation is built.
//!
//! Building a generation allocates far more than it keeps: every file's text, the search
//! index's writing buffers (32 MB) and segments merged away. glibc keeps what was freed inside
//! its heap, so a server that had built 10,000 articles stayed about 90 MB bigger than what it
//! held. `malloc_trim` returns those free pages. Other platforms and allocators do without.

/// Returns the heap's free pages to the system; takes milliseconds, so only call it after large
/// one-off work such as building a generation.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers and only rearranges glibc's own free lists; it is
    // safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
