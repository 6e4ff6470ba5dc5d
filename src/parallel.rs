//! Work spread over the machine's cores, for the few jobs big enough to need it: reading every
//! article and rendering every article page when a site generation is built.
//!
//! Scoped threads rather than a thread-pool crate: the callers are a handful, and rayon would
//! change how shared crates' features resolve and rebuild tantivy.

/// `work` on every item, spread over the cores in contiguous chunks; the results keep the items'
/// order, so the output is the same on every run and on every machine.
pub fn map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads == 1 || items.len() < 2 {
        return items.iter().map(work).collect();
    }
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&work).collect::<Vec<R>>()))
            .collect();
        let mut results = Vec::with_capacity(items.len());
        for worker in workers {
            match worker.join() {
                Ok(part) => results.extend(part),
                // A panic in a worker is a bug: carry it on rather than hide it.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
    })
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
