//! Writes through the real binary while the PostgreSQL connection is cut under load: by the
//! server (`pg_terminate_backend` of one of its connections every 50 ms), and by a proxy of the test's own that drops the
//! connection just before or just after it forwards a commit. No write whose outcome is unknown
//! is reported as failed: every write that exited 0 took effect exactly once, every one that
//! failed took no effect, no ticket is in progress for a claim that failed (an orphan), and no
//! ticket is claimed twice.
//!
//! The server is `$AYO_TEST_POSTGRES_URL`, else `postgres://postgres@127.0.0.1:5432/test`; each
//! test has a schema of its own. Without a server they print a notice and pass (not under
//! `CI=true`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common;

use ayo_test_support::{Schema, available, base_url, client};
use common::Ayo;

/// What one `ayo` run was asked to do, and how it ended.
#[derive(Debug, Clone)]
struct Op {
    action: &'static str,
    /// The ticket it concerns (for a claim, the one it printed; for a create, its title).
    ticket: String,
    ok: bool,
    stderr: String,
}

/// How many tickets, claimers, and which writes each claimer makes on a ticket it got.
struct Load {
    tickets: usize,
    claimers: usize,
}

impl Load {
    /// `tickets` and `claimers`, unless `$AYO_CUT_TICKETS` and `$AYO_CUT_CLAIMERS` say
    /// otherwise (the measurement in the README: 150 tickets, 8 claimers).
    fn from_env(tickets: usize, claimers: usize) -> Load {
        let var = |k: &str, d: usize| {
            std::env::var(k)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(d)
        };
        Load {
            tickets: var("AYO_CUT_TICKETS", tickets),
            claimers: var("AYO_CUT_CLAIMERS", claimers),
        }
    }
}

/// Runs the load against `url`: creates the tickets (`claimers` at a time), then `claimers` threads each run
/// `ayo ticket claim` (an agent name of its own per run) until nothing is left, and on each
/// ticket they get, `note`, `heartbeat`, then `close` or `release`. Returns every op.
fn run_load(ayo: &Ayo, url: &str, load: &Load) -> Vec<Op> {
    let ops = Mutex::new(Vec::new());
    let record = |action: &'static str, ticket: String, r: &common::Run| {
        ops.lock().unwrap().push(Op {
            action,
            ticket,
            ok: r.code == 0,
            stderr: format!("exit {}: {}", r.code, r.stderr),
        });
    };
    let made = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..load.claimers {
            s.spawn(|| {
                loop {
                    let i = made.fetch_add(1, Ordering::Relaxed);
                    if i >= load.tickets {
                        break;
                    }
                    let title = format!("job {i}");
                    let r = ayo.run(&["--store", url, "ticket", "create", &title]);
                    record("create", title, &r);
                }
            });
        }
    });
    let runs = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for w in 0..load.claimers {
            let (runs, record) = (&runs, &record);
            s.spawn(move || {
                let mut idle = 0;
                while idle < 3 && runs.load(Ordering::Relaxed) < load.tickets * 6 {
                    let n = runs.fetch_add(1, Ordering::Relaxed);
                    let agent = format!("@w{w}-{n}");
                    let r = ayo.run(&[
                        "--store", url, "ticket", "claim", "-a", &agent, "--lease", "600",
                    ]);
                    if r.code == 3 {
                        idle += 1;
                        continue;
                    }
                    idle = 0;
                    let id = r.stdout.trim().to_string();
                    record("claim", format!("{agent} {id}"), &r);
                    if r.code != 0 {
                        continue;
                    }
                    let note = ayo.run(&["--store", url, "ticket", "note", &id, "progress"]);
                    record("note", id.clone(), &note);
                    let hb = ayo.run(&["--store", url, "ticket", "heartbeat", &id, "-a", &agent]);
                    record("heartbeat", id.clone(), &hb);
                    let (action, r) = if n % 2 == 0 {
                        let r = ayo.run(&["--store", url, "ticket", "close", &id]);
                        ("close", r)
                    } else {
                        let r = ayo.run(&["--store", url, "ticket", "release", &id, "-a", &agent]);
                        ("release", r)
                    };
                    record(action, id, &r);
                }
            });
        }
    });
    ops.into_inner().unwrap()
}

/// What the tally of a run found wrong, and its counts.
#[derive(Debug, Default)]
struct Tally {
    /// Per action: (reported ok, reported failed).
    counts: BTreeMap<&'static str, (usize, usize)>,
    /// Tickets in progress for an agent whose claim failed.
    orphans: Vec<String>,
    /// Tickets two successful claims printed.
    double_claims: Vec<String>,
    /// Writes whose reported result disagrees with the store.
    untrue: Vec<String>,
    /// What the failed runs said.
    failures: Vec<String>,
}

/// Compares what each op reported with the store: the tickets and the audit log.
fn tally(schema: &str, ops: &[Op]) -> Tally {
    let mut c = client();
    let rows = c
        .query(
            &format!("SELECT id, title, status, coalesce(assignee, '') FROM {schema}.tickets"),
            &[],
        )
        .unwrap();
    let tickets: HashMap<String, (String, String, String)> = rows
        .iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2), r.get(3))))
        .collect();
    let log = c
        .query(
            &format!("SELECT ticket, action, coalesce(actor, '') FROM {schema}.audit_log"),
            &[],
        )
        .unwrap();
    let mut entries: HashMap<(String, String), usize> = HashMap::new();
    let mut claim_entries: HashMap<String, Vec<String>> = HashMap::new();
    for r in &log {
        let (ticket, action, actor): (String, String, String) = (r.get(0), r.get(1), r.get(2));
        if action == "claim" {
            claim_entries.entry(actor).or_default().push(ticket.clone());
        }
        *entries.entry((ticket, action)).or_default() += 1;
    }
    let mut t = Tally::default();
    let mut claimed_by_ok: HashMap<String, String> = HashMap::new();
    let mut failed_agents = HashSet::new();
    for op in ops {
        let e = t.counts.entry(op.action).or_default();
        if op.ok {
            e.0 += 1
        } else {
            e.1 += 1;
            t.failures
                .push(format!("{} {}: {}", op.action, op.ticket, op.stderr.trim()));
        }
        if op.action == "claim" {
            let (agent, id) = op.ticket.split_once(' ').unwrap();
            if op.ok {
                if claimed_by_ok
                    .insert(id.to_string(), agent.to_string())
                    .is_some()
                {
                    t.double_claims.push(id.to_string());
                }
                if claim_entries.get(agent).map(Vec::len) != Some(1) {
                    t.untrue
                        .push(format!("claim by {agent} of {id} is not once in the log"));
                }
            } else {
                failed_agents.insert(agent.to_string());
                if let Some(got) = claim_entries.get(agent) {
                    t.untrue.push(format!(
                        "claim by {agent} failed ({}) but took {got:?}",
                        op.stderr.trim()
                    ));
                }
            }
        }
    }
    for (id, (_, status, assignee)) in &tickets {
        if status == "in_progress" && failed_agents.contains(assignee) {
            t.orphans.push(format!("{id} ({assignee})"));
        }
    }
    // Every other write: one audit entry per success on its ticket, none per failure.
    let mut expected: HashMap<(String, String), (usize, usize)> = HashMap::new();
    for op in ops
        .iter()
        .filter(|o| o.action != "claim" && o.action != "create")
    {
        let e = expected
            .entry((op.ticket.clone(), op.action.to_string()))
            .or_default();
        if op.ok { e.0 += 1 } else { e.1 += 1 }
    }
    for ((id, action), (ok, failed)) in &expected {
        let found = entries
            .get(&(id.clone(), action.clone()))
            .copied()
            .unwrap_or(0);
        if found != *ok {
            t.untrue.push(format!(
                "{action} of {id}: {ok} reported done, {failed} failed, {found} in the log"
            ));
        }
    }
    // Creates: a title exists exactly when its create reported success.
    let titles: HashMap<&str, usize> = tickets.values().fold(HashMap::new(), |mut m, v| {
        *m.entry(v.0.as_str()).or_default() += 1;
        m
    });
    for op in ops.iter().filter(|o| o.action == "create") {
        let found = titles.get(op.ticket.as_str()).copied().unwrap_or(0);
        if found != usize::from(op.ok) {
            t.untrue.push(format!(
                "create of '{}' reported {} and made {found}",
                op.ticket, op.ok
            ));
        }
    }
    t
}

/// Asserts a tally is clean, printing its counts.
fn assert_clean(what: &str, t: &Tally, cuts: usize) {
    eprintln!(
        "{what}: {cuts} connections cut; per action (done, failed): {:?}; orphans {}, double \
         claims {}, untrue results {}",
        t.counts,
        t.orphans.len(),
        t.double_claims.len(),
        t.untrue.len()
    );
    let mut why: Vec<&str> = t.failures.iter().map(String::as_str).collect();
    why.sort();
    why.dedup();
    for w in why.iter().take(8) {
        eprintln!("  a failure: {w}");
    }
    assert!(
        cuts > 0,
        "{what}: no connection was cut: the test tested nothing"
    );
    for (action, (done, _)) in &t.counts {
        assert!(
            *done > 0,
            "{what}: no {action} was done: the test tested nothing"
        );
    }
    assert_eq!(t.orphans, Vec::<String>::new(), "{what}: orphans");
    assert_eq!(
        t.double_claims,
        Vec::<String>::new(),
        "{what}: double claims"
    );
    assert_eq!(t.untrue, Vec::<String>::new(), "{what}: untrue results");
}

/// A name for the connections of one test, so that the terminator cuts only those.
fn app_name(tag: &str) -> String {
    format!("ayo_cut_{tag}_{}", std::process::id())
}

#[test]
fn server_terminated_connections_leave_no_orphan_and_no_untrue_result() {
    if !available() {
        return;
    }
    let schema = Schema::new("cut_term");
    let app = app_name("term");
    let url = format!("{}&application_name={app}", schema.url);
    let ayo = Ayo::new();
    let stop = AtomicBool::new(false);
    let cuts = AtomicUsize::new(0);
    let ops = std::thread::scope(|s| {
        s.spawn(|| {
            let mut c = client();
            let sql = format!(
                "SELECT count(pg_terminate_backend(pid))::int FROM (SELECT pid \
                 FROM pg_stat_activity WHERE application_name = '{app}' \
                 AND pid <> pg_backend_pid() ORDER BY random() LIMIT 1) AS one"
            );
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
                let n: i32 = c.query_one(&sql, &[]).unwrap().get(0);
                cuts.fetch_add(n as usize, Ordering::Relaxed);
            }
        });
        let ops = run_load(&ayo, &url, &Load::from_env(40, 8));
        stop.store(true, Ordering::Relaxed);
        ops
    });
    let t = tally(&schema.name, &ops);
    assert_clean(
        "pg_terminate_backend of one connection every 50 ms",
        &t,
        cuts.into_inner(),
    );
}

/// Where a proxy cuts a connection that carries a commit.
#[derive(Debug, Clone, Copy)]
enum Cut {
    /// Before it forwards the commit: the server never sees it.
    Before,
    /// Just after it forwards the commit, before any answer: the server commits, the client
    /// never hears.
    After,
}

/// A proxy in front of the test server that cuts every `every`th connection on which it sees a
/// write's commit (a simple query naming the audit log and ending in `COMMIT`), where `cut`
/// says. Returns its port and the count of cuts.
fn commit_cutting_proxy(upstream: String, cut: Cut, every: usize) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let cuts = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(AtomicUsize::new(0));
    let count = cuts.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { continue };
            let Ok(server) = TcpStream::connect(&upstream) else {
                continue;
            };
            let (cuts, seen) = (count.clone(), seen.clone());
            let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut &s2, &mut &c2);
                let _ = c2.shutdown(Shutdown::Both);
            });
            std::thread::spawn(move || forward_frontend(client, server, cut, every, &seen, &cuts));
        }
    });
    (port, cuts)
}

/// Forwards the client's messages to the server one by one, cutting both sides at a commit
/// as [`commit_cutting_proxy`] says.
fn forward_frontend(
    mut client: TcpStream,
    mut server: TcpStream,
    cut: Cut,
    every: usize,
    seen: &AtomicUsize,
    cuts: &AtomicUsize,
) {
    let end = |a: &TcpStream, b: &TcpStream| {
        let _ = a.shutdown(Shutdown::Both);
        let _ = b.shutdown(Shutdown::Both);
    };
    // The startup message has no type byte: its length, then its body.
    let mut len = [0u8; 4];
    if client.read_exact(&mut len).is_err() {
        return end(&client, &server);
    }
    let mut body = vec![0u8; (u32::from_be_bytes(len) as usize).saturating_sub(4)];
    if client.read_exact(&mut body).is_err()
        || server.write_all(&len).is_err()
        || server.write_all(&body).is_err()
    {
        return end(&client, &server);
    }
    loop {
        let mut head = [0u8; 5];
        if client.read_exact(&mut head).is_err() {
            return end(&client, &server);
        }
        let n = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
        let mut body = vec![0u8; n.saturating_sub(4)];
        if client.read_exact(&mut body).is_err() {
            return end(&client, &server);
        }
        let text = String::from_utf8_lossy(&body);
        let commit = head[0] == b'Q'
            && text.contains("audit_log (")
            && text.trim_end_matches('\0').ends_with("COMMIT");
        let cutting = commit && seen.fetch_add(1, Ordering::Relaxed) % every == every - 1;
        if cutting && matches!(cut, Cut::Before) {
            cuts.fetch_add(1, Ordering::Relaxed);
            return end(&client, &server);
        }
        if server.write_all(&head).is_err() || server.write_all(&body).is_err() {
            return end(&client, &server);
        }
        if cutting {
            cuts.fetch_add(1, Ordering::Relaxed);
            return end(&client, &server);
        }
    }
}

/// The test server's address, when it is reached over TCP.
fn upstream() -> Option<String> {
    let url = base_url();
    let rest = url.split_once("://")?.1;
    let authority = rest.split('/').next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.is_empty() || host.starts_with('%') {
        return None;
    }
    Some(if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:5432")
    })
}

fn through_a_cutting_proxy(cut: Cut) {
    if !available() {
        return;
    }
    let Some(upstream) = upstream() else {
        eprintln!("NOTICE: the test server is not reached over TCP: the proxy case did not run");
        return;
    };
    let schema = Schema::new("cut_proxy");
    let (port, cuts) = commit_cutting_proxy(upstream, cut, 5);
    let url = format!(
        "{}&sslmode=disable",
        ayo_test_support::via_port(&schema.url, port)
    );
    let ayo = Ayo::new();
    let ops = run_load(&ayo, &url, &Load::from_env(40, 4));
    let t = tally(&schema.name, &ops);
    assert_clean(
        &format!("a proxy that cuts every 5th commit {cut:?} it is forwarded"),
        &t,
        cuts.load(Ordering::Relaxed),
    );
}

#[test]
fn a_connection_cut_before_its_commit_is_forwarded_is_retried() {
    through_a_cutting_proxy(Cut::Before);
}

#[test]
fn a_connection_cut_after_its_commit_is_forwarded_is_found_committed() {
    through_a_cutting_proxy(Cut::After);
}
