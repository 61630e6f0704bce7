//! The core's operations at 1k, 10k and 100k tickets, on the memory store and on the markdown
//! store, warm and cold.
//!
//! The dataset is the bench project graph (`ayo_benches::project`: chains with cross edges, a
//! third closed), built once per size: in memory, and as a markdown directory in a temp dir
//! (written in one batch, then scanned once its files are old enough for the index to trust).
//!
//! Variants:
//! - `memory`: one `Tickets` over a `MemoryStore`. `ready` on it is kept until the store
//!   changes; `memory_after_write` (ready only) changes the store (a title, untimed) before each
//!   call.
//! - `markdown_warm`: one long-lived `Tickets` over the directory (its scan index in memory,
//!   as in a Python or Node process).
//! - `markdown_cold`: a new `Tickets` for each call (as a new `ayo` process): the index is read
//!   from `.ayo/index.bin`.
//! - `markdown_noindex` (ready only): a new handle and no index file: every file parsed.
//!
//! Operations: `create` (one dep, its cycle check), `get` (exact id), `list` (open tickets of
//! one agent), `ready`, `blocked`, `claim` (then released, untimed), `close` (a ticket whose close
//! unblocks others, with that unblocked set; then reopened, untimed), `dep_add` (its cycle
//! check; then removed, untimed). Writes on the markdown store are durable (fsync).
//!
//! `AYO_BENCH_SIZES=1000,10000` picks the sizes (default `1000,10000,100000`). The 100k
//! markdown directory takes some 12 s to build and 450 MB of disk.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ayo_benches::{AGENTS, agent, markdown_project, memory_project, ticket_id};
use ayo_tickets::store::markdown::MarkdownStore;
use ayo_tickets::{ClaimOptions, Filter, NewTicket, Status, Tickets, Update};
use criterion::{BenchmarkId, Criterion};

mod common;
use common::{group, timed};

fn sizes() -> Vec<usize> {
    std::env::var("AYO_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000])
}

fn label(n: usize) -> String {
    if n >= 1000 && n.is_multiple_of(1000) {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}

/// How a variant gets its handle for one call.
enum Variant<'a> {
    Memory(&'a Tickets),
    Warm(&'a Tickets),
    Cold(&'a Path),
}

impl Variant<'_> {
    fn name(&self) -> &'static str {
        match self {
            Variant::Memory(_) => "memory",
            Variant::Warm(_) => "markdown_warm",
            Variant::Cold(_) => "markdown_cold",
        }
    }

    /// Runs `f` on the variant's handle; a cold handle is made inside the timing, as a new
    /// process would.
    fn with<R>(&self, f: impl FnOnce(&Tickets) -> R) -> R {
        match self {
            Variant::Memory(t) | Variant::Warm(t) => f(t),
            Variant::Cold(dir) => {
                f(&Tickets::with_store(Arc::new(MarkdownStore::new(*dir))).expect("a handle"))
            }
        }
    }
}

/// Facts about the dataset the operations need, found once.
struct Targets {
    /// An id to get.
    some_id: String,
    /// An open ticket whose close unblocks at least one other.
    to_close: String,
    /// The newest ticket and an older one it does not depend on.
    dep_from: String,
    dep_to: String,
}

fn targets(t: &Tickets, n: usize) -> Targets {
    let ready: std::collections::HashSet<String> = t
        .ready(None)
        .expect("ready")
        .into_iter()
        .map(|r| r.id)
        .collect();
    let all = t.list(&Filter::default()).expect("list");
    // A ready ticket that is the only dep of an open one: closing it unblocks that one.
    let to_close = all
        .iter()
        .filter(|d| d.status == Status::Open && d.deps.len() == 1)
        .map(|d| &d.deps[0])
        .find(|dep| ready.contains(*dep))
        .or(ready.iter().next())
        .expect("a ready ticket")
        .clone();
    let dep_from = ticket_id(n - 1);
    let from = t.get(&dep_from).expect("newest");
    let dep_to = (1..n)
        .map(|k| ticket_id(n / 2 - k % (n / 2)))
        .find(|id| !from.deps.contains(id))
        .expect("an older ticket");
    Targets {
        some_id: ticket_id(n / 2),
        to_close,
        dep_from,
        dep_to,
    }
}

fn bench_size(c: &mut Criterion, n: usize) {
    let size = label(n);
    eprintln!("building the {size} datasets ...");
    let memory = memory_project(n).expect("memory dataset");
    let dir = tempfile::tempdir().expect("temp dir");
    let warm = markdown_project(dir.path(), n).expect("markdown dataset");
    let target = targets(&memory, n);
    let variants = [
        Variant::Memory(&memory),
        Variant::Warm(&warm),
        Variant::Cold(dir.path()),
    ];
    let filter = Filter {
        status: Some(Status::Open),
        assignee: Some(agent(3)),
        ..Filter::default()
    };

    let mut g = group(c, "ready");
    for v in &variants {
        g.bench_function(BenchmarkId::new(v.name(), &size), |b| {
            b.iter(|| v.with(|t| t.ready(None).expect("ready")))
        });
    }
    // The memory store's `ready` is kept until the store changes: here it changes (a title,
    // untimed) before every call.
    g.bench_function(BenchmarkId::new("memory_after_write", &size), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for i in 0..iters {
                let retitle = Update {
                    title: Some(format!("Renamed {}", i % 2)),
                    ..Update::default()
                };
                memory.update(&target.some_id, retitle).expect("update");
                let start = Instant::now();
                memory.ready(None).expect("ready");
                total += start.elapsed();
            }
            total
        })
    });
    let index = dir.path().join(".ayo").join("index.bin");
    g.bench_function(BenchmarkId::new("markdown_noindex", &size), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let _ = std::fs::remove_file(&index);
                let start = Instant::now();
                Variant::Cold(dir.path()).with(|t| t.ready(None).expect("ready"));
                total += start.elapsed();
            }
            total
        })
    });
    g.finish();

    let mut g = group(c, "get");
    for v in &variants {
        g.bench_function(BenchmarkId::new(v.name(), &size), |b| {
            b.iter(|| v.with(|t| t.get(&target.some_id).expect("get")))
        });
    }
    g.finish();

    let mut g = group(c, "list_open_of_agent");
    for v in &variants {
        g.bench_function(BenchmarkId::new(v.name(), &size), |b| {
            b.iter(|| v.with(|t| t.list(&filter).expect("list")))
        });
    }
    g.finish();

    // Every open or in-progress ticket that waits (some 60% of the store): the read that
    // decodes the most tickets whole.
    let mut g = group(c, "blocked");
    for v in &variants {
        g.bench_function(BenchmarkId::new(v.name(), &size), |b| {
            b.iter(|| v.with(|t| t.blocked(None).expect("blocked")))
        });
    }
    g.finish();

    let mut g = group(c, "claim");
    for v in &variants {
        g.bench_function(BenchmarkId::new(v.name(), &size), |b| {
            let mut k = 0;
            b.iter_custom(|iters| {
                timed(
                    iters,
                    || {
                        k += 1;
                        let who = agent(k % AGENTS);
                        v.with(|t| t.claim(&who, ClaimOptions::default()).expect("claim"))
                    },
                    |claimed| {
                        if let Some(c) = claimed {
                            v.with(|t| t.release(&c.id, None).expect("release"));
                        }
                    },
                )
            })
        });
    }
    g.finish();

    let mut g = group(c, "close_with_unblocked");
    for v in &variants {
        g.bench_function(BenchmarkId::new(v.name(), &size), |b| {
            b.iter_custom(|iters| {
                timed(
                    iters,
                    || {
                        let closed = v.with(|t| t.close(&target.to_close, None).expect("close"));
                        assert!(!closed.unblocked.is_empty(), "the close unblocks some");
                    },
                    |()| {
                        v.with(|t| t.reopen(&target.to_close).expect("reopen"));
                    },
                )
            })
        });
    }
    g.finish();

    let mut g = group(c, "dep_add");
    for v in &variants {
        g.bench_function(BenchmarkId::new(v.name(), &size), |b| {
            b.iter_custom(|iters| {
                timed(
                    iters,
                    || {
                        v.with(|t| {
                            t.add_dep(&target.dep_from, &target.dep_to)
                                .expect("dep add")
                        });
                    },
                    |()| {
                        v.with(|t| {
                            t.remove_dep(&target.dep_from, &target.dep_to)
                                .expect("dep remove")
                        });
                    },
                )
            })
        });
    }
    g.finish();

    let mut g = group(c, "create_with_dep");
    for v in &variants {
        g.bench_function(BenchmarkId::new(v.name(), &size), |b| {
            b.iter(|| {
                v.with(|t| {
                    t.create(NewTicket::new("Follow-up work").dep(&target.some_id))
                        .expect("create")
                })
            })
        });
    }
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    for n in sizes() {
        bench_size(&mut c, n);
    }
    c.final_summary();
}
