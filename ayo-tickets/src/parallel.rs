//! Work spread over the machine's cores: a scan's stats and file reads, the lines of a long
//! listing.

use std::sync::OnceLock;

use crate::error::{Error, Result};

/// The threads worth using: the available cores, at most two (beyond that the directory
/// lock in the kernel, not the cores, sets the pace of a scan). Asked once per process: the
/// answer takes reading the cgroup's files.
pub(crate) fn threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(2)
    })
}

/// `f` of each item, in order: on up to [`threads`] threads when each gets at least `min`
/// items (starting a thread costs some tens of microseconds), else on this one. A thread that
/// panicked fails the whole run (its part is never dropped silently).
pub(crate) fn map<'a, T: Sync, R: Send>(
    items: &'a [T],
    min: usize,
    f: impl Fn(&'a T) -> R + Sync,
) -> Result<Vec<R>> {
    let threads = threads();
    if threads < 2 || items.len() < 2 * min.max(1) {
        return Ok(items.iter().map(&f).collect());
    }
    let parts = in_parts(items, threads, |part| {
        part.iter().map(&f).collect::<Vec<R>>()
    })
    .map_err(|panic| {
        Error::storage(format!(
            "a worker thread panicked: {}",
            panic_message(&*panic)
        ))
    })?;
    // The first part grows to hold the others: no second buffer of the whole size.
    let mut parts = parts.into_iter();
    let mut out = parts.next().unwrap_or_default();
    for part in parts {
        out.extend(part);
    }
    Ok(out)
}

/// `f` of each of `workers` parts of `items` (the last may be shorter), the first on this
/// thread and each other on a thread of its own (one thread fewer to start, and this thread's
/// allocations reuse its warm memory), the results in order; `Err` with the panic of a part
/// that panicked (every thread is joined first).
pub(crate) fn in_parts<'a, T: Sync, R: Send>(
    items: &'a [T],
    workers: usize,
    f: impl Fn(&'a [T]) -> R + Sync,
) -> std::thread::Result<Vec<R>> {
    let f = &f;
    let mut parts = items.chunks(items.len().div_ceil(workers.max(1)).max(1));
    let Some(first) = parts.next() else {
        return Ok(Vec::new());
    };
    std::thread::scope(|s| {
        let handles: Vec<_> = parts.map(|part| s.spawn(move || f(part))).collect();
        let mine = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(first)));
        // Every thread is joined, a panicked one too (the scope would panic on one left).
        let joined: Vec<std::thread::Result<R>> = handles.into_iter().map(|h| h.join()).collect();
        std::iter::once(mine).chain(joined).collect()
    })
}

/// What a panic said, when it said it with a string.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or(panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
}

#[cfg(test)]
mod tests {
    /// A worker thread that panics fails the run: its part of the items is not dropped (with
    /// one core the panic reaches the caller itself, which is not silent either).
    #[test]
    fn a_panicking_worker_thread_fails_the_run() {
        let items: Vec<u32> = (0..200).collect();
        // In the part this thread runs, and in one another thread runs.
        for broken in [10, 150] {
            let run = std::panic::catch_unwind(|| {
                super::map(&items, 32, |&i| {
                    assert!(i != broken, "worker {i} broke");
                    i
                })
            });
            match run {
                Ok(Ok(got)) => panic!("{} results, no error", got.len()),
                Ok(Err(e)) => assert!(e.to_string().contains(&format!("worker {broken} broke"))),
                Err(_) => assert!(super::threads() < 2),
            }
        }
        let all = super::map(&items, 32, |&i| i).unwrap();
        assert_eq!(all, items);
        // Too few items for two threads: all on this one, in order all the same.
        let few = super::map(&items[..10], 32, |&i| i * 2).unwrap();
        assert_eq!(few, (0..10).map(|i| i * 2).collect::<Vec<_>>());
    }
}
