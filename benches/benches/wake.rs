//! Wake latency: how long after a change a blocked waiter is running again.
//!
//! - `feed_after_rename/markdown`: a thread blocked in the markdown store's change feed, woken
//!   by a ticket file renamed into the directory (as every write arrives). This is the cost of
//!   the notification itself: inotify, the watcher's thread, the condvar.
//! - `claim_after_close/{markdown,memory}`: a thread blocked in `claim` with `wait`, from the
//!   start of the `close` of the ticket's last dep (in another thread) to the claim returning.
//!   This includes the close's and the claim's own writes (fsyncs on the markdown store).
//!
//! Each iteration sets up a fresh store and a waiter that is already asleep; only the time from
//! the change to the waiter's return is measured.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::channel;
use std::thread;
use std::time::{Duration, Instant};

use ayo_tickets::store::ChangeFeed;
use ayo_tickets::store::markdown::MarkdownStore;
use ayo_tickets::store::memory::MemoryStore;
use ayo_tickets::{ClaimOptions, NewTicket, Store, Tickets};
use criterion::{Criterion, criterion_group, criterion_main};

/// Time for a woken-up thread to be really asleep before the change is made.
const SETTLE: Duration = Duration::from_millis(2);
/// No waiter waits longer than this (a lost wake fails the bench instead of hanging it).
const GIVE_UP: Duration = Duration::from_secs(10);

/// One wake of a thread blocked in the markdown store's change feed by a rename.
fn feed_after_rename() -> Duration {
    let dir = tempfile::tempdir().unwrap();
    let store = MarkdownStore::new(dir.path());
    let meta = dir.path().join(".ayo");
    std::fs::create_dir_all(&meta).unwrap();
    let temp = meta.join("tmp-bench.md");
    std::fs::write(&temp, "---\nid: bench\n---\n").unwrap();

    let mut feed: Box<dyn ChangeFeed> = store.changes().unwrap();
    let (tx, rx) = channel();
    let waiter = thread::spawn(move || {
        tx.send(()).unwrap();
        let woke = feed.wait(Instant::now() + GIVE_UP).unwrap();
        (woke, Instant::now())
    });
    rx.recv().unwrap();
    thread::sleep(SETTLE);
    let start = Instant::now();
    std::fs::rename(&temp, dir.path().join("bench.md")).unwrap();
    let (woke, at) = waiter.join().unwrap();
    assert!(woke, "the rename did not wake the feed");
    at - start
}

/// One wake of a thread blocked in `claim` with `wait` by the close of the ticket's last dep.
fn claim_after_close(store: Arc<dyn Store>) -> Duration {
    let t = Arc::new(Tickets::with_store(store).unwrap());
    let dep = t
        .create(NewTicket::new("Extract").assignee("extractor"))
        .unwrap();
    let job = t
        .create(NewTicket::new("Review").assignee("reviewer").dep(&dep.id))
        .unwrap();
    let waiting = Arc::new(AtomicBool::new(false));
    let waiter = {
        let (t, waiting) = (t.clone(), waiting.clone());
        thread::spawn(move || {
            let options = ClaimOptions {
                wait: true,
                timeout: Some(GIVE_UP),
                lease: None,
            };
            // The interrupt check runs first once the waiter has read the store.
            let got = t.claim_wait("@reviewer", &options, &|| {
                waiting.store(true, Ordering::SeqCst);
                Ok(())
            });
            (got.unwrap(), Instant::now())
        })
    };
    while !waiting.load(Ordering::SeqCst) {
        thread::sleep(Duration::from_micros(200));
    }
    thread::sleep(SETTLE);
    let start = Instant::now();
    t.close(&dep.id, None).unwrap();
    let (got, at) = waiter.join().unwrap();
    assert_eq!(got.map(|g| g.id), Some(job.id), "the waiter got the ticket");
    at - start
}

fn wake(c: &mut Criterion) {
    let mut group = c.benchmark_group("wake");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("feed_after_rename/markdown", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| feed_after_rename()).sum())
    });
    group.bench_function("claim_after_close/markdown", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let dir = tempfile::tempdir().unwrap();
                    claim_after_close(Arc::new(MarkdownStore::new(dir.path())))
                })
                .sum()
        })
    });
    group.bench_function("claim_after_close/memory", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| claim_after_close(Arc::new(MemoryStore::new())))
                .sum()
        })
    });
    group.finish();
}

criterion_group!(benches, wake);
criterion_main!(benches);
