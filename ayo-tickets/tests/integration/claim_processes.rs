//! Claims are atomic across processes: 8 real processes claim from 200 ready tickets in one
//! directory (and 100 tasks of one Claude Code task list), with a pause injected between picking a ticket and writing the claim (the
//! `claim_pick` test hook), so a claim that was not atomic would hand one ticket out twice.

use std::collections::HashSet;
use std::process::{Command, Stdio};

use ayo_tickets::{ClaimOptions, NewTicket, StoreChoice, Tickets};

const CHILD_DIR: &str = "AYO_TEST_CHILD_DIR";
const CHILD_AGENT: &str = "AYO_TEST_CHILD_AGENT";

/// The child's side: claims until nothing is left, printing each claimed id on a line.
#[test]
fn child_claimer() {
    let (Ok(dir), Ok(agent)) = (std::env::var(CHILD_DIR), std::env::var(CHILD_AGENT)) else {
        return; // run as a normal test: nothing to do
    };
    let t = Tickets::open_choice(&StoreChoice::from_store_arg(&dir)).unwrap();
    while let Some(c) = t.claim(&agent, ClaimOptions::default()).unwrap() {
        println!("CLAIMED {}", c.id);
    }
}

fn spawn_claimer(dir: &str, agent: &str, pause_ms: u64) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "claim_processes::child_claimer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, dir)
        .env(CHILD_AGENT, agent)
        .env("AYO_TEST_HOOK", format!("claim_pick={pause_ms}"))
        .env_remove("AYO_AGENT")
        .env_remove("AYO_LEASE")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn eight_processes_claim_each_ticket_once() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tickets::open(dir.path()).unwrap();
    eight_claim(&t, &dir.path().display().to_string(), 200);
}

#[test]
fn eight_processes_claim_each_task_of_a_claude_list_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("claude:{}", dir.path().join("list").display());
    let t = Tickets::connect(&store).unwrap();
    eight_claim(&t, &store, 100);
    super::claude_list::assert_claude_schema(&dir.path().join("list"));
}

/// Creates `n` tickets in `t`, then 8 processes that open `store` claim until none is left:
/// each ticket is claimed once, and the log agrees.
fn eight_claim(t: &Tickets, store: &str, n: usize) {
    let mut created = HashSet::new();
    t.batch(|t| {
        for i in 0..n {
            created.insert(t.create(NewTicket::new(format!("ticket {i}")))?.id);
        }
        Ok(())
    })
    .unwrap();
    let children: Vec<_> = (0..8)
        .map(|w| spawn_claimer(store, &format!("@w{w}"), 2))
        .collect();
    let mut claimed = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "a claimer failed: {out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        claimed.extend(
            text.lines()
                // The harness may print "test child_claimer ... " before the first line.
                .filter_map(|l| {
                    l.split_once("CLAIMED ")
                        .map(|(_, id)| id.trim().to_string())
                }),
        );
    }
    let unique: HashSet<String> = claimed.iter().cloned().collect();
    assert_eq!(claimed.len(), n, "every ticket claimed once, none twice");
    assert_eq!(unique, created);
    // The files agree: every ticket is in progress, held by the agent that printed it.
    assert!(t.ready(None).unwrap().is_empty());
    let claims = t
        .history(None)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "claim")
        .count();
    assert_eq!(claims, n, "the audit log has one claim per ticket");
}
