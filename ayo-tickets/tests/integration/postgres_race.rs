//! Eight processes, each with connections of its own, claim 500 tickets on one PostgreSQL
//! store: every ticket is claimed exactly once. The processes are this test binary run again
//! (`--exact postgres_race::claim_child`), told what to do by environment variables.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Instant;

use ayo_test_support::{Schema, available};
use ayo_tickets::{ClaimOptions, Filter, NewTicket, Status, Tickets};

/// The store a child claims from; a child without it does nothing.
const URL_VAR: &str = "AYO_PG_RACE_URL";
/// The agent a child claims as.
const AGENT_VAR: &str = "AYO_PG_RACE_AGENT";
const WORKERS: usize = 8;
const TICKETS: usize = 500;

#[test]
fn eight_processes_claim_500_tickets_each_exactly_once() {
    if !available() {
        return;
    }
    let schema = Schema::new("race");
    let t = Tickets::connect(&schema.url).unwrap();
    t.batch(|t| {
        for i in 0..TICKETS {
            // A few priorities, so the claimers contend for the same head of the queue.
            t.create(NewTicket::new(format!("job {i}")).priority((i % 3) as i64))?;
        }
        Ok(())
    })
    .unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut children: Vec<_> = (0..WORKERS)
        .map(|w| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "postgres_race::claim_child",
                    "--ignored",
                    "--nocapture",
                ])
                .args(["--test-threads", "1"])
                .env(URL_VAR, &schema.url)
                .env(AGENT_VAR, format!("w{w}"))
                .env_remove("AYO_AGENT")
                .env_remove("AYO_LEASE")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // Each child connects, then waits for its stdin to close: all start at once.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let start = Instant::now();
    for c in &mut children {
        drop(c.stdin.take());
    }
    let mut claimed: Vec<(String, String)> = Vec::new();
    for (w, mut c) in children.into_iter().enumerate() {
        let stdout = c.stdout.take().unwrap();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            // libtest may print "test claim_child ... " on the same line first.
            if let Some(rest) = line.split_once("CLAIMED ").map(|(_, r)| r) {
                let (agent, id) = rest.split_once(' ').unwrap();
                claimed.push((id.to_string(), agent.to_string()));
            }
        }
        let mut err = String::new();
        c.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        let status = c.wait().unwrap();
        assert!(status.success(), "child {w} failed: {err}");
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{TICKETS} claims by {WORKERS} processes in {secs:.2}s ({:.0} claims/s, debug build)",
        TICKETS as f64 / secs
    );
    assert_eq!(claimed.len(), TICKETS, "every ticket claimed");
    let unique: HashSet<&str> = claimed.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(unique.len(), TICKETS, "no ticket claimed twice");
    // The store agrees: each ticket is in progress for the agent that said it claimed it, and
    // the audit log has one claim per ticket.
    let by_id: BTreeMap<&str, &str> = claimed
        .iter()
        .map(|(id, agent)| (id.as_str(), agent.as_str()))
        .collect();
    let all = t.list(&Filter::default()).unwrap();
    assert_eq!(all.len(), TICKETS);
    for ticket in &all {
        assert_eq!(ticket.status, Status::InProgress, "{}", ticket.id);
        let agent = format!("@{}", by_id[ticket.id.as_str()]);
        assert_eq!(ticket.assignee.as_deref(), Some(agent.as_str()));
    }
    let claims = t
        .history(None)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "claim")
        .count();
    assert_eq!(claims, TICKETS);
}

/// Not a test of its own: the claimer that `eight_processes_claim_500_tickets_each_exactly_once`
/// runs in each child process.
#[test]
#[ignore = "run as a child process by eight_processes_claim_500_tickets_each_exactly_once"]
fn claim_child() {
    let Ok(url) = std::env::var(URL_VAR) else {
        return;
    };
    let agent = std::env::var(AGENT_VAR).unwrap();
    let t = Tickets::connect(&url).unwrap();
    // Wait for the start signal: stdin closed.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    let mut out = String::new();
    while let Some(c) = t.claim(&agent, ClaimOptions::default()).unwrap() {
        out.push_str(&format!("CLAIMED {agent} {}\n", c.id));
    }
    print!("{out}");
}
