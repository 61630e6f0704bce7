//! Nothing lost under concurrency: 16 processes × 200 mixed operations (create with deps, note,
//! start, close, claim with and without leases, release, dep add, edit) on one store, a markdown
//! directory and (with the `postgres` feature) a PostgreSQL schema.
//!
//! Each child process is this test binary run again (`--exact reliability_stress::stress_child`); it prints one
//! JSON line per successful write. Afterwards the parent proves (see `support/replay.rs`) that
//! every created ticket exists, every note is there exactly once, no ticket was held by two
//! agents at once, no cycle exists, `check` finds nothing, and the audit log holds exactly each
//! child's successful writes, by that child.

use crate::support;

#[cfg(feature = "postgres")]
use ayo_test_support as postgres_support;

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ayo_tickets::{ClaimOptions, Error, Filter, NewTicket, Status, Ticket, Tickets, Update};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use support::{Reporter, child_command, say_json};

const STORE: &str = "AYO_REL_STRESS_STORE";
const AGENT: &str = "AYO_REL_STRESS_AGENT";
const SEED: &str = "AYO_REL_STRESS_SEED";
const OPS: &str = "AYO_REL_STRESS_OPS";
const SHARED: &str = "AYO_REL_STRESS_SHARED";

const PROCESSES: usize = 16;
const OPERATIONS: usize = 200;

fn open(store: &str) -> ayo_tickets::Result<Tickets> {
    if store.starts_with("postgres://") {
        Tickets::connect(store)
    } else {
        Tickets::open(store)
    }
}

/// Errors a write may meet under these rules when others act at the same time.
fn expected(op: &str, e: &Error) -> bool {
    matches!(
        (op, e),
        ("note", Error::Conflict { .. })
            | ("start", Error::Blocked { .. })
            | ("start", Error::Conflict { .. })
            | ("start", Error::InvalidTransition { .. })
            | ("close", Error::InvalidTransition { .. })
            | ("close", Error::Conflict { .. })
            | ("release", Error::InvalidTransition { .. })
            | ("release", Error::Conflict { .. })
            | ("dep add", Error::Cycle { .. })
    )
}

/// One writer: runs only when the parent set `AYO_REL_STRESS_STORE`.
#[test]
fn stress_child() {
    let Ok(store) = std::env::var(STORE) else {
        return;
    };
    let agent = std::env::var(AGENT).unwrap();
    let seed: u64 = std::env::var(SEED).unwrap().parse().unwrap();
    let ops: usize = std::env::var(OPS).unwrap().parse().unwrap();
    let mut known: Vec<String> = std::env::var(SHARED)
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let sink = warnings.clone();
    let t = open(&store)
        .unwrap()
        .with_actor(Some(&agent))
        .unwrap()
        .with_warning_handler(Arc::new(move |u| {
            sink.lock().unwrap().push(u.error.to_string())
        }));
    say_json(&json!({"op": "ready"}));
    // All children start together: the parent closes stdin.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());

    let mut rng = StdRng::seed_from_u64(seed);
    // My own tickets and their deps (only I add deps to them), and what I hold.
    let mut own: Vec<(String, Vec<String>)> = Vec::new();
    let mut held: Vec<String> = Vec::new();
    let mut writes = 0usize;
    let report = |op: &str, r: &ayo_tickets::Result<Value>, writes: &mut usize| match r {
        Ok(v) if v.is_null() => {}
        Ok(v) => {
            *writes += 1;
            say_json(v);
        }
        Err(e) if expected(op, e) => {}
        Err(e) => say_json(&json!({"op": "unexpected", "what": op, "error": format!("{e:?}")})),
    };
    for k in 0..ops {
        let pick = |rng: &mut StdRng, v: &[String]| v[rng.random_range(0..v.len())].clone();
        match rng.random_range(0..100) {
            // create, with 0 to 2 deps on tickets anyone made
            0..=17 => {
                let mut new = NewTicket::new(format!("t {agent} {k}"))
                    .priority(rng.random_range(0..5))
                    .description(format!("Made by {agent}, step {k}.\n\n## Design\n\n- ✓ ok"));
                for _ in 0..rng.random_range(0..3) {
                    new = new.dep(pick(&mut rng, &known));
                }
                if rng.random_bool(0.3) {
                    new = new.assignee(agent.clone());
                }
                let r = t.create(new).map(|c| {
                    known.push(c.id.clone());
                    own.push((c.id.clone(), c.deps.clone()));
                    json!({"op": "create", "ticket": c.id, "deps": c.deps,
                           "assignee": c.assignee, "title": c.title})
                });
                report("create", &r, &mut writes);
            }
            // note, with text that says who and when
            18..=35 => {
                let id = pick(&mut rng, &known);
                let text = format!("n {agent} {k}: naïve ☃ עברית\u{200f} 👩‍💻\n- second line");
                let r = t
                    .note(&id, &text)
                    .map(|_| json!({"op": "note", "ticket": id, "text": text}));
                report("note", &r, &mut writes);
            }
            // claim, without a lease, with a long one, or with one that runs out
            36..=53 => {
                let lease = match rng.random_range(0..3) {
                    0 => None,
                    1 => Some(600),
                    _ => Some(1),
                };
                let options = ClaimOptions {
                    lease,
                    ..ClaimOptions::default()
                };
                let r = t.claim(&agent, options).map(|c| match c {
                    None => Value::Null,
                    Some(c) => {
                        held.push(c.id.clone());
                        let takeover = c
                            .notes
                            .iter()
                            .find(|n| Some(n.at) == c.started && n.text.starts_with("Lease of "))
                            .map(|n| n.text.clone());
                        json!({"op": "claim", "ticket": c.id, "started": c.started,
                               "lease_until": c.lease_until, "takeover": takeover})
                    }
                });
                report("claim", &r, &mut writes);
            }
            // start a ticket I do not hold (starting my own would be a no-op)
            54..=60 => {
                let id = pick(&mut rng, &known);
                if held.contains(&id) {
                    continue;
                }
                let r = t.start(&id, Some(&agent), false).map(|s| {
                    held.push(s.id.clone());
                    json!({"op": "start", "ticket": s.id})
                });
                report("start", &r, &mut writes);
            }
            // close: mostly what I hold, sometimes anything
            61..=72 => {
                let id = if !held.is_empty() && rng.random_bool(0.7) {
                    held.swap_remove(rng.random_range(0..held.len()))
                } else {
                    pick(&mut rng, &known)
                };
                held.retain(|h| *h != id);
                let reason = format!("r {agent} {k} ✔");
                let r = t
                    .close(&id, Some(&reason))
                    .map(|_| json!({"op": "close", "ticket": id, "reason": reason}));
                report("close", &r, &mut writes);
            }
            // release what I hold
            73..=80 => {
                if held.is_empty() {
                    continue;
                }
                let id = held.swap_remove(rng.random_range(0..held.len()));
                let r = t
                    .release(&id, Some(&agent))
                    .map(|_| json!({"op": "release", "ticket": id}));
                report("release", &r, &mut writes);
            }
            // dep add on one of mine (a new edge only: an existing one writes nothing)
            81..=89 => {
                if own.is_empty() {
                    continue;
                }
                let i = rng.random_range(0..own.len());
                let dep = pick(&mut rng, &known);
                if own[i].1.contains(&dep) || own[i].0 == dep {
                    continue;
                }
                let id = own[i].0.clone();
                let r = t.add_dep(&id, &dep).map(|_| {
                    own[i].1.push(dep.clone());
                    json!({"op": "dep add", "ticket": id, "dep": dep})
                });
                report("dep add", &r, &mut writes);
            }
            // edit
            90..=96 => {
                let id = pick(&mut rng, &known);
                let title = format!("edited {agent} {k} ✓");
                let update = Update {
                    title: Some(title.clone()),
                    priority: Some(rng.random_range(0..5)),
                    ..Update::default()
                };
                let r = t
                    .update(&id, update)
                    .map(|_| json!({"op": "update", "ticket": id, "title": title}));
                report("update", &r, &mut writes);
            }
            // reads, which also learn the others' tickets
            _ => match t.ready(None) {
                Ok(ready) => {
                    for r in ready {
                        if !known.contains(&r.id) {
                            known.push(r.id);
                        }
                    }
                }
                Err(e) => say_json(&json!({"op": "unexpected", "what": "ready",
                                           "error": format!("{e:?}")})),
            },
        }
    }
    for w in warnings.lock().unwrap().iter() {
        say_json(&json!({"op": "warning", "message": w}));
    }
    say_json(&json!({"op": "done", "writes": writes}));
}

/// What the parent learned from one run.
struct Run {
    writes: usize,
    outcome: support::replay::Outcome,
    tickets: usize,
    elapsed: Duration,
}

/// Seeds a store, runs the writers on it, and checks everything.
fn run(store: &str, label: &str) -> Run {
    let t = open(store).unwrap().with_actor(Some("@parent")).unwrap();
    // Shared tickets: free ones, a chain, and some assigned to writers.
    let mut seeded: Vec<Ticket> = Vec::new();
    t.batch(|t| {
        for i in 0..24 {
            let mut new = NewTicket::new(format!("seed {i}")).priority(i % 5);
            if i % 3 == 2 {
                new = new.dep(&seeded[i as usize - 1].id);
            }
            if i % 4 == 1 {
                new = new.assignee(format!("w{}", i as usize % PROCESSES));
            }
            seeded.push(t.create(new)?);
        }
        Ok(())
    })
    .unwrap();
    let shared: Vec<&str> = seeded.iter().map(|s| s.id.as_str()).collect();
    let children: Vec<Reporter> = (0..PROCESSES)
        .map(|w| {
            let mut c = child_command("reliability_stress::stress_child");
            c.env(STORE, store)
                .env(AGENT, format!("@w{w}"))
                .env(SEED, (w as u64 * 7919 + 17).to_string())
                .env(OPS, OPERATIONS.to_string())
                .env(SHARED, shared.join(","))
                .stdin(Stdio::piped());
            Reporter::spawn(c)
        })
        .collect();
    for c in &children {
        let line = c
            .next(Duration::from_secs(60))
            .expect("a child opened the store");
        assert!(line.contains("ready"), "{line}");
    }
    let start = Instant::now();
    let mut children = children;
    for c in &mut children {
        drop(c.child.stdin.take());
    }
    let mut records: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut writes = 0;
    for (w, c) in children.into_iter().enumerate() {
        let (status, lines, stderr) = c.finish();
        assert!(status.success(), "writer {w} failed: {status}\n{stderr}");
        let mut mine = Vec::new();
        let mut done = None;
        for l in lines {
            let v: Value = serde_json::from_str(&l).unwrap();
            match v["op"].as_str().unwrap() {
                "done" => done = v["writes"].as_u64(),
                "unexpected" | "warning" => panic!("writer {w}: {v}"),
                _ => mine.push(v),
            }
        }
        assert_eq!(done, Some(mine.len() as u64), "writer {w} finished");
        writes += mine.len();
        records.insert(format!("@w{w}"), mine);
    }
    let elapsed = start.elapsed();

    // Read back through a fresh handle, with a warning handler that must stay silent.
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let sink = warnings.clone();
    let fresh = open(store)
        .unwrap()
        .with_warning_handler(Arc::new(move |u| {
            sink.lock().unwrap().push(u.error.clone())
        }));
    let finals = fresh.list(&Filter::default()).unwrap();
    let log = fresh.history(None).unwrap();
    let outcome = support::replay::replay(&seeded, &log, &records, &finals);
    assert!(
        outcome.violations.is_empty(),
        "{label}: {} violations:\n{}",
        outcome.violations.len(),
        outcome.violations.join("\n")
    );
    // Every created ticket exists, by id too.
    let ids: HashSet<&str> = finals.iter().map(|t| t.id.as_str()).collect();
    for r in records.values().flatten() {
        let id = r["ticket"].as_str().unwrap();
        assert!(ids.contains(id), "{label}: {id} is missing");
        if r["op"] == "create" {
            assert_eq!(fresh.get(id).unwrap().id, id, "{label}: get finds {id}");
        }
    }
    let problems = fresh.check().unwrap();
    assert!(problems.is_empty(), "{label}: check found {problems:#?}");
    assert!(warnings.lock().unwrap().is_empty(), "{label}: {warnings:?}");
    assert!(
        finals
            .iter()
            .all(|t| t.status != Status::InProgress || t.assignee.is_some()),
        "{label}: a ticket in progress for nobody"
    );
    let run = Run {
        writes,
        tickets: finals.len(),
        outcome,
        elapsed,
    };
    println!(
        "{label}: {PROCESSES} processes x {OPERATIONS} operations: {} successful writes, {} log \
         entries replayed, {} lease takeovers, {} notes checked, {} tickets, in {:.1?}; nothing lost",
        run.writes,
        run.outcome.entries,
        run.outcome.takeovers,
        run.outcome.notes,
        run.tickets,
        run.elapsed
    );
    run
}

#[test]
fn sixteen_processes_on_one_markdown_directory_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join(".tickets");
    let run = run(store.to_str().unwrap(), "markdown");
    assert!(
        run.writes > PROCESSES * OPERATIONS / 2,
        "most operations wrote"
    );
    assert!(
        run.outcome.takeovers > 0,
        "some short leases were taken over"
    );
    // No temp file is left where tickets live, and every ticket file parses.
    for name in support::names(&store) {
        assert!(
            name == ".ayo" || name.ends_with(".md") && !name.starts_with("tmp-"),
            "stray file {name}"
        );
    }
}

#[cfg(feature = "postgres")]
#[test]
fn sixteen_processes_on_one_postgres_schema_lose_nothing() {
    if !postgres_support::available() {
        return;
    }
    let schema = postgres_support::Schema::new("stress");
    let run = run(&schema.url, "postgres");
    assert!(
        run.writes > PROCESSES * OPERATIONS / 2,
        "most operations wrote"
    );
}

#[cfg(not(feature = "postgres"))]
#[test]
fn sixteen_processes_on_one_postgres_schema_lose_nothing() {
    eprintln!(
        "NOTICE: built without the `postgres` feature; the PostgreSQL stress test did not run \
         (cargo test -p ayo-tickets --features postgres)"
    );
}
