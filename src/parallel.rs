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
    map_with(items, || (), |(), item| work(item))
}

/// `map`, where each thread first makes a `state` of its own that `work` may change: for what
/// would otherwise be set up again for every item.
pub fn map_with<T: Sync, S, R: Send>(
    items: &[T],
    state: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads == 1 || items.len() < 2 {
        let mut state = state();
        return items.iter().map(|item| work(&mut state, item)).collect();
    }
    // Enough blocks that the last ones even out the threads, few enough that taking one is rare.
    let block = (items.len() / (threads * 16)).clamp(1, 64);
    let blocks: Vec<&[T]> = items.chunks(block).collect();
    let next = AtomicUsize::new(0);
    let take_blocks = || {
        let mut state = state();
        let mut done = Vec::new();
        loop {
            let at = next.fetch_add(1, Ordering::Relaxed);
            let Some(part) = blocks.get(at) else {
                return done;
            };
            let results: Vec<R> = part.iter().map(|item| work(&mut state, item)).collect();
            done.push((at, results));
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

    #[test]
    fn each_thread_keeps_its_own_state_and_the_results_keep_their_order() {
        let items: Vec<usize> = (0..1001).collect();
        // Each thread counts the items it has seen: the counts are per thread, never shared.
        let results = super::map_with(
            &items,
            || 0usize,
            |seen, n| {
                *seen += 1;
                (*n, *seen)
            },
        );
        assert_eq!(results.iter().map(|(n, _)| *n).collect::<Vec<_>>(), items);
        assert!(
            results
                .iter()
                .all(|(_, seen)| *seen >= 1 && *seen <= items.len())
        );
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let firsts = results.iter().filter(|(_, seen)| *seen == 1).count();
        assert!(firsts >= 1 && firsts <= threads, "{firsts} threads started");
    }
}
