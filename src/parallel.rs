//! Work spread over the machine's cores, for the few jobs big enough to need it: reading every
//! article and rendering every article page when a site generation is built.
//!
//! Scoped threads rather than a thread-pool crate: the callers are a handful, and rayon would
//! change how shared crates' features resolve and rebuild tantivy.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `work` on every item, spread over the cores; the results keep the items' order, so the
/// output is the same on every run and on every machine.
///
/// Items are handed out in small blocks as each thread finishes its last, not as one contiguous
/// share per thread: with shares, a core sat idle whenever its share was the cheaper one or the
/// other core was busy elsewhere (the search index builds on its own thread meanwhile).
pub fn map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads == 1 || items.len() < 2 {
        return items.iter().map(work).collect();
    }
    // Enough blocks that the last ones even out the threads, few enough that taking one is rare.
    let block = (items.len() / (threads * 16)).clamp(1, 64);
    let blocks: Vec<&[T]> = items.chunks(block).collect();
    let next = AtomicUsize::new(0);
    let take_blocks = || {
        let mut done = Vec::new();
        loop {
            let at = next.fetch_add(1, Ordering::Relaxed);
            let Some(part) = blocks.get(at) else {
                return done;
            };
            done.push((at, part.iter().map(&work).collect::<Vec<R>>()));
        }
    };
    let mut done: Vec<(usize, Vec<R>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(blocks.len()))
            .map(|_| scope.spawn(take_blocks))
            .collect();
        let mut done = Vec::with_capacity(blocks.len());
        for worker in workers {
            match worker.join() {
                Ok(part) => done.extend(part),
                // A panic in a worker is a bug: carry it on rather than hide it.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_unstable_by_key(|(at, _)| *at);
    let mut results = Vec::with_capacity(items.len());
    for (_, part) in done {
        results.extend(part);
    }
    results
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<usize> = (0..1001).collect();
        assert_eq!(
            super::map(&items, |n| n * 2),
            items.iter().map(|n| n * 2).collect::<Vec<_>>()
        );
        assert!(super::map(&[] as &[usize], |n| *n).is_empty());
    }
}
