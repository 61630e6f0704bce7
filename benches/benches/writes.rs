//! Writes: a batch pays for durability once; a single write pays for it every time.
//!
//! - `batch_create/{memory,markdown}/10k`: 10 000 `Tickets::create` calls in one
//!   `Tickets::batch` (`ayo_benches::batch_create`), into an empty store (markdown: a new temp
//!   dir each time; the batch skips the per-file fsync and syncs with `syncfs`).
//!   `independent`: no deps; `chained`: in chains of ten, each ticket depending on the one
//!   created before it (so each create checks its dep exists and its edge for a cycle, against
//!   the batch's uncommitted tickets too).
//!   The directories of the markdown runs are removed only when the group ends: ext4 without
//!   a journal (as on the VMs these figures come from) skips inodes freed in the last minutes
//!   when it allocates one, and creating 10k files right after removing 10k takes seconds.
//! - `batch_create/floor/10k`: the floor of any durable batch of files on this disk
//!   (`ayo_benches::batch_floor`), run in this process, in the same kind of temp dir (the same
//!   file system), before the markdown runs: write 10 000 temp files of a ticket's size, rename
//!   each into place, `syncfs` once. At the end the bench prints the ratio of each markdown
//!   batch's median to the floor's (the bar: at most 1.3). Its samples all come before the
//!   batches' samples, so a file system that slows down or speeds up meanwhile skews the
//!   ratio: `bench-batch` (`benches/src/bin/bench-batch.rs`) interleaves them, round by round,
//!   and is the one to trust for the bar.
//! - `durable/markdown/*`: one write in a markdown store of 1 000 tickets, each durable when
//!   it returns (temp file, fsync, rename, directory fsync; audit log append, fsync):
//!   `create`, `note`, and `close` + `reopen` (two writes).

use std::sync::Arc;
use std::time::{Duration, Instant};

use ayo_benches::{batch_create, batch_floor, markdown_project, ticket_id};
use ayo_tickets::store::markdown::MarkdownStore;
use ayo_tickets::store::memory::MemoryStore;
use ayo_tickets::{NewTicket, Store, Tickets};
use criterion::{BenchmarkId, Criterion, SamplingMode};

const BATCH: usize = 10_000;

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn batches(c: &mut Criterion) {
    let mut g = c.benchmark_group("batch_create");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(5));
    g.sampling_mode(SamplingMode::Flat);
    // The markdown runs' directories are removed only at the end: see the header.
    let mut kept = Vec::new();
    let mut floors = Vec::new();
    let mut batch_times: Vec<(&str, Vec<Duration>)> = Vec::new();
    g.bench_function(BenchmarkId::new("floor", "10k"), |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let dir = tempfile::tempdir().unwrap();
                    let start = Instant::now();
                    batch_floor(dir.path(), BATCH).unwrap();
                    let took = start.elapsed();
                    floors.push(took);
                    kept.push(dir);
                    took
                })
                .sum()
        })
    });
    for (shape, chained) in [("independent", false), ("chained", true)] {
        let mut times = Vec::new();
        g.bench_function(BenchmarkId::new(format!("memory/{shape}"), "10k"), |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        let t = Tickets::with_store(Arc::new(MemoryStore::new())).unwrap();
                        let start = Instant::now();
                        batch_create(&t, BATCH, chained).unwrap();
                        start.elapsed()
                    })
                    .sum()
            })
        });
        g.bench_function(BenchmarkId::new(format!("markdown/{shape}"), "10k"), |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        let dir = tempfile::tempdir().unwrap();
                        let store: Arc<dyn Store> = Arc::new(MarkdownStore::new(dir.path()));
                        let t = Tickets::with_store(store).unwrap();
                        let start = Instant::now();
                        batch_create(&t, BATCH, chained).unwrap();
                        let took = start.elapsed();
                        times.push(took);
                        kept.push(dir);
                        took
                    })
                    .sum()
            })
        });
        batch_times.push((shape, times));
    }
    g.finish();
    let base = median(&mut floors);
    println!("floor (write 10k temp files, rename each, syncfs once): {base:.2?}");
    for (shape, mut times) in batch_times {
        let m = median(&mut times);
        let ratio = m.as_secs_f64() / base.as_secs_f64();
        println!("markdown/{shape}: {m:.2?}, {ratio:.2}x the floor (bar: 1.3x)");
    }
}

fn durable(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let t = markdown_project(dir.path(), 1_000).unwrap();
    let open = ticket_id(900);
    let mut g = c.benchmark_group("durable");
    g.sample_size(20);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(3));
    g.bench_function(BenchmarkId::new("markdown/create", "1k"), |b| {
        b.iter(|| t.create(NewTicket::new("One more")).unwrap())
    });
    g.bench_function(BenchmarkId::new("markdown/note", "1k"), |b| {
        b.iter(|| t.note(&open, "Checked the totals").unwrap())
    });
    g.bench_function(BenchmarkId::new("markdown/close_and_reopen", "1k"), |b| {
        b.iter(|| {
            t.close(&open, None).unwrap();
            t.reopen(&open).unwrap()
        })
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    batches(&mut c);
    durable(&mut c);
    c.final_summary();
}
