//! The PostgreSQL store at 10k tickets: `ready` and `claim` from one handle, and claims per
//! second with 8 processes claiming from one queue.
//!
//! The server is `$AYO_TEST_POSTGRES_URL`, else `postgres://postgres@127.0.0.1:5432/test`; each
//! run works in schemas of its own and drops them at the end. Without a server it prints a
//! notice and measures nothing.
//!
//! - `postgres/ready/10k`, `postgres/ready_for_agent/10k`: `ready` over 10 000 tickets (30 %
//!   closed, a tenth in progress, a fifth waiting on a dep, some assigned to other agents).
//! - `postgres/claim/10k`: one `claim` (the one-statement `FOR UPDATE SKIP LOCKED` pick, the
//!   audit entry, the commit and its NOTIFY) in that store; the claim is given back untimed, so
//!   every iteration claims from the same 10 000.
//! - `claims_per_second` (printed, not a criterion figure): 8 processes, each with its own
//!   connection, claim 2 000 tickets until none is left (each exactly once, checked), with
//!   `sslmode=disable` and with `sslmode=require` (TLS); beside it the floor for this design,
//!   in the same run, through the same driver and TLS: 8 processes looping over the bare
//!   `BEGIN; SELECT id ... ORDER BY priority, created, id LIMIT 1 FOR UPDATE SKIP LOCKED;
//!   UPDATE ... SET status, assignee, started; COMMIT`, with no audit entry, no lock, no
//!   NOTIFY. Median of 3 rounds each, the store's and the floor's rounds interleaved.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ayo_test_support::{Schema, base_url};
use ayo_tickets::store::Access;
use ayo_tickets::store::postgres::bare_client;
use ayo_tickets::{ClaimOptions, Status, Ticket, Tickets};
use criterion::Criterion;

/// The store a child process claims from; set only in children.
const CHILD_URL: &str = "AYO_BENCH_PG_CHILD_URL";
/// Set in a child that runs the floor's bare SQL on this schema instead of claiming.
const CHILD_FLOOR: &str = "AYO_BENCH_PG_CHILD_FLOOR";
const TICKETS: usize = 10_000;
const RACE_TICKETS: usize = 2_000;
const PROCESSES: usize = 8;

/// The bench server is the test server (`$AYO_TEST_POSTGRES_URL`); a schema of the run's own.
fn server_answers() -> bool {
    let mut config: postgres::Config = match base_url().parse() {
        Ok(c) => c,
        Err(_) => return false,
    };
    config.connect_timeout(Duration::from_secs(3));
    config.connect(postgres::NoTls).is_ok()
}

/// Fills a store with `n` tickets straight through a batch transaction (the store's own
/// writes, without the per-create cycle check).
fn fill(t: &Tickets, n: usize, mixed: bool) {
    let store = t.store().clone();
    let mut txn = store.begin(Access::Batch).unwrap();
    let start = txn.now().unwrap();
    for i in 0..n {
        let mut tk = Ticket::new(format!("b{i:05}"), format!("Job {i}"));
        tk.created = Some(start + Duration::from_micros(i as u64));
        if mixed {
            tk.priority = (i % 4) as u8;
            match i % 10 {
                0..=2 => {
                    tk.status = Status::Closed;
                    tk.closed = tk.created;
                }
                3 => {
                    tk.status = Status::InProgress;
                    tk.assignee = Some("@busy".into());
                    tk.started = tk.created;
                }
                4 => tk.assignee = Some("@other".into()),
                _ => {}
            }
            if i % 5 == 1 {
                tk.deps = vec![format!("b{:05}", i - 1)];
            }
        }
        assert!(txn.create(&tk).unwrap());
    }
    txn.commit().unwrap();
}

fn ready_and_claim(c: &mut Criterion) {
    let schema = Schema::new("10k");
    let t = Tickets::connect(&schema.url)
        .unwrap()
        .with_actor(None)
        .unwrap()
        .with_default_lease(None)
        .unwrap();
    fill(&t, TICKETS, true);
    let mut group = c.benchmark_group("postgres");
    group.sample_size(30);
    group.bench_function("ready/10k", |b| b.iter(|| t.ready(None).unwrap()));
    group.bench_function("ready_for_agent/10k", |b| {
        b.iter(|| t.ready(Some("@other")).unwrap())
    });
    group.bench_function("claim/10k", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let got = t.claim("@w", ClaimOptions::default()).unwrap().unwrap();
                total += start.elapsed();
                // Give it back as it was, untimed: open and unassigned.
                t.release(&got.id, None).unwrap();
                t.assign(&got.id, None).unwrap();
            }
            total
        })
    });
    group.finish();
}

/// 8 processes claim `RACE_TICKETS` tickets from a new schema, through the store or (`floor`)
/// the bare SQL; returns claims per second.
fn race_once(sslmode: &str, floor: bool, round: usize) -> f64 {
    let schema = Schema::new(&format!("race{round}"));
    let url = format!("{}&sslmode={sslmode}", schema.url);
    let t = Tickets::connect(&url).unwrap();
    fill(&t, RACE_TICKETS, false);
    let exe = std::env::current_exe().unwrap();
    let mut children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            let mut c = Command::new(&exe);
            c.env(CHILD_URL, &url)
                .env_remove(CHILD_FLOOR)
                .env_remove("AYO_AGENT")
                .env_remove("AYO_LEASE")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped());
            if floor {
                c.env(CHILD_FLOOR, &schema.name);
            }
            c.spawn().unwrap()
        })
        .collect();
    // Children connect, then wait for their stdin to close.
    std::thread::sleep(Duration::from_millis(500));
    let start = Instant::now();
    for c in &mut children {
        drop(c.stdin.take());
    }
    let mut ids = Vec::new();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success());
        ids.extend(
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .map(str::to_string),
        );
    }
    let secs = start.elapsed().as_secs_f64();
    let claimed = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(
        (claimed, ids.len()),
        (RACE_TICKETS, RACE_TICKETS),
        "each ticket claimed exactly once"
    );
    RACE_TICKETS as f64 / secs
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn claims_per_second() {
    for sslmode in ["disable", "require"] {
        let (mut store, mut floor) = (Vec::new(), Vec::new());
        for round in 0..3 {
            store.push(race_once(sslmode, false, round));
            floor.push(race_once(sslmode, true, round));
        }
        let (s, f) = (median(store), median(floor));
        println!(
            "claims_per_second/8_processes/sslmode={sslmode}: {s:.0} claims/s; floor (bare \
             SELECT ... FOR UPDATE SKIP LOCKED + UPDATE): {f:.0} claims/s; ratio {:.2} \
             ({RACE_TICKETS} tickets, median of 3)",
            s / f
        );
    }
}

/// A child: claims until nothing is left, prints the ids it got.
fn child(url: &str) {
    let t = Tickets::connect(url).unwrap();
    let agent = format!("@p{}", std::process::id());
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    let mut out = String::new();
    while let Some(got) = t.claim(&agent, ClaimOptions::default()).unwrap() {
        out += &got.id;
        out.push('\n');
    }
    print!("{out}");
}

/// A floor child: the bare claim loop on `schema`'s table, through the same driver and TLS
/// as the store; prints the ids it got.
fn floor_child(url: &str, schema: &str) {
    let mut c = bare_client(url).unwrap();
    let table = format!("\"{schema}\".tickets");
    let pick = c
        .prepare(&format!(
            "SELECT id FROM {table} WHERE status = 'open' AND assignee IS NULL \
             ORDER BY priority, created NULLS FIRST, id COLLATE \"C\" \
             LIMIT 1 FOR UPDATE SKIP LOCKED"
        ))
        .unwrap();
    let take = c
        .prepare(&format!(
            "UPDATE {table} SET status = 'in_progress', assignee = $2, assignee_key = $2, \
             started = now() WHERE id = $1"
        ))
        .unwrap();
    let agent = format!("p{}", std::process::id());
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    let mut out = String::new();
    loop {
        let mut tx = c.transaction().unwrap();
        let Some(row) = tx.query_opt(&pick, &[]).unwrap() else {
            break;
        };
        let id: String = row.get(0);
        tx.execute(&take, &[&id, &agent]).unwrap();
        tx.commit().unwrap();
        out += &id;
        out.push('\n');
    }
    print!("{out}");
}

fn main() {
    if let Ok(url) = std::env::var(CHILD_URL) {
        match std::env::var(CHILD_FLOOR) {
            Ok(schema) => floor_child(&url, &schema),
            Err(_) => child(&url),
        }
        return;
    }
    if !server_answers() {
        eprintln!(
            "NOTICE: PostgreSQL at {} is unreachable; the PostgreSQL benches did not run",
            base_url()
        );
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    ready_and_claim(&mut c);
    c.final_summary();
    claims_per_second();
}
