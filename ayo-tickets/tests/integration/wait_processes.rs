//! Waiting across real processes: claim with `wait` and `wait_ready` in child processes, woken
//! by file-system notification when another process writes.
//!
//! The children are this test binary run again (`--exact wait_processes::child_entry`): `child_entry` does
//! what `AYO_WAIT_TEST_ROLE` says and reports on stdout in lines starting with `@@ `; without
//! that variable it returns at once. The children's fallback poll is set to 60 s
//! (`AYO_POLL_MS`), so a wake within 2 s is the notification's work.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ayo_tickets::{ClaimOptions, NewTicket, Status, Tickets};

const ROLE: &str = "AYO_WAIT_TEST_ROLE";
const DIR: &str = "AYO_WAIT_TEST_DIR";
const AGENT: &str = "AYO_WAIT_TEST_AGENT";
const TIMEOUT_MS: &str = "AYO_WAIT_TEST_TIMEOUT_MS";
/// The children's fallback poll: far longer than any wake this file expects.
const SLOW_POLL_MS: &str = "60000";
/// The most a wake may take (the bound).
const WAKE_BOUND: Duration = Duration::from_secs(2);

/// Microseconds since the epoch: a clock both processes share.
fn wall_us() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros()
}

fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(out, "@@ {line}").unwrap();
    out.flush().unwrap();
}

/// The child side: runs only when the parent set `AYO_WAIT_TEST_ROLE`.
#[test]
fn child_entry() {
    let Ok(role) = std::env::var(ROLE) else {
        return;
    };
    let dir = std::env::var(DIR).unwrap();
    let agent = std::env::var(AGENT).unwrap_or_default();
    let timeout = std::env::var(TIMEOUT_MS)
        .ok()
        .map(|ms| Duration::from_millis(ms.parse().unwrap()));
    let t = Tickets::open(&dir).unwrap();
    let said = AtomicBool::new(false);
    // Called first once the feed is subscribed and the store read: the child is waiting.
    let waiting = || {
        if !said.swap(true, Ordering::SeqCst) {
            say("waiting");
        }
        Ok(())
    };
    let options = ClaimOptions {
        wait: true,
        timeout,
        lease: None,
    };
    let result = match role.as_str() {
        "claim" => t.claim_wait(&agent, &options, &waiting),
        // No interrupt check: the plain blocking call, which wakes for nothing but a change.
        "claim_quiet" => {
            say("started");
            t.claim(&agent, options)
        }
        "ready" => t.wait_ready_with(Some(&agent), timeout, &waiting),
        other => panic!("unknown role {other}"),
    };
    match result {
        Ok(Some(ticket)) => say(&format!("got {} {}", ticket.id, wall_us())),
        Ok(None) => say(&format!("none {}", wall_us())),
        Err(e) => say(&format!("error {e}")),
    }
}

/// A child process and the `@@ ` lines it reports.
struct Child {
    process: std::process::Child,
    lines: Receiver<String>,
}

impl Child {
    fn spawn(role: &str, dir: &Path, agent: &str, timeout_ms: u64, env: &[(&str, &str)]) -> Self {
        let mut process = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "wait_processes::child_entry",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(ROLE, role)
            .env(DIR, dir)
            .env(AGENT, agent)
            .env(TIMEOUT_MS, timeout_ms.to_string())
            .env("AYO_POLL_MS", SLOW_POLL_MS)
            .env_remove("AYO_WATCH")
            .env_remove("AYO_AGENT")
            .env_remove("AYO_LEASE")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = process.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
                // The harness may print `test child_entry ... ` before a report.
                if let Some(at) = line.find("@@ ") {
                    let _ = tx.send(line[at + 3..].to_string());
                }
            }
        });
        Child { process, lines }
    }

    /// The next report, within `within`.
    fn next(&self, within: Duration) -> Option<String> {
        match self.lines.recv_timeout(within) {
            Ok(line) => Some(line),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => Some("exited".into()),
        }
    }

    /// Waits for a report that must come.
    fn expect(&self, within: Duration) -> String {
        self.next(within)
            .unwrap_or_else(|| panic!("no report from child {} in {within:?}", self.pid()))
    }

    fn expect_waiting(&self) {
        assert_eq!(self.expect(Duration::from_secs(20)), "waiting");
    }

    /// Waits for the result: `(Some(id), at)` for a ticket, `(None, at)` for a timeout.
    fn result(&self, within: Duration) -> (Option<String>, u128) {
        let line = self.expect(within);
        let parts: Vec<&str> = line.split(' ').collect();
        match parts.as_slice() {
            ["got", id, at] => (Some(id.to_string()), at.parse().unwrap()),
            ["none", at] => (None, at.parse().unwrap()),
            _ => panic!("child {} reported {line:?}", self.pid()),
        }
    }

    fn pid(&self) -> u32 {
        self.process.id()
    }

    fn running(&mut self) -> bool {
        self.process.try_wait().unwrap().is_none()
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// CPU time (user + system, in clock ticks) a process has used, from `/proc/<pid>/stat`.
#[cfg(target_os = "linux")]
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which may hold spaces) start at field 3, `state`.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields[14 - 3].parse().unwrap();
    let stime: u64 = fields[15 - 3].parse().unwrap();
    utime + stime
}

fn ms(us: u128) -> f64 {
    us as f64 / 1000.0
}

#[test]
fn claim_wait_gets_the_ticket_when_another_process_closes_its_last_dep() {
    let tmp = tempfile::tempdir().unwrap();
    let t = Tickets::open(tmp.path()).unwrap();
    let extract = t
        .create(NewTicket::new("Extract").assignee("extractor"))
        .unwrap();
    let fetch = t
        .create(NewTicket::new("Fetch").assignee("fetcher"))
        .unwrap();
    let review = t
        .create(
            NewTicket::new("Review")
                .assignee("reviewer")
                .deps([extract.id.clone(), fetch.id.clone()]),
        )
        .unwrap();
    let waiter = Child::spawn("claim", tmp.path(), "@reviewer", 30_000, &[]);
    waiter.expect_waiting();

    // Closing one dep of two leaves the ticket blocked: the waiter keeps waiting.
    t.close(&fetch.id, None).unwrap();
    assert_eq!(waiter.next(Duration::from_millis(500)), None);

    let before = wall_us();
    t.close(&extract.id, Some("47 reports")).unwrap();
    let (got, at) = waiter.result(Duration::from_secs(20));
    assert_eq!(got.as_deref(), Some(review.id.as_str()));
    let latency = at.saturating_sub(before);
    println!(
        "claim --wait woke {:.1} ms after the close began (fallback poll 60 s)",
        ms(latency)
    );
    assert!(latency < WAKE_BOUND.as_micros(), "woke after {latency} us");

    let claimed = t.get(&review.id).unwrap();
    assert_eq!(claimed.status, Status::InProgress);
    assert_eq!(claimed.assignee.as_deref(), Some("@reviewer"));
}

#[test]
#[cfg(target_os = "linux")]
fn a_waiting_process_uses_no_cpu() {
    let tmp = tempfile::tempdir().unwrap();
    let t = Tickets::open(tmp.path()).unwrap();
    let dep = t
        .create(NewTicket::new("Extract").assignee("extractor"))
        .unwrap();
    let blocked = t
        .create(NewTicket::new("Review").assignee("idle").dep(&dep.id))
        .unwrap();
    let mut waiter = Child::spawn("claim_quiet", tmp.path(), "@idle", 60_000, &[]);
    assert_eq!(waiter.expect(Duration::from_secs(20)), "started");
    // Let it subscribe, read the store and go to sleep.
    std::thread::sleep(Duration::from_millis(700));
    let before = cpu_ticks(waiter.pid());
    std::thread::sleep(Duration::from_secs(2));
    let after = cpu_ticks(waiter.pid());
    println!(
        "a waiting process used {} clock ticks in 2 s",
        after - before
    );
    assert!(after - before <= 3, "used {} ticks idle", after - before);
    assert!(waiter.running(), "still waiting");

    // It was waiting, not gone: the ticket it waits for reaches it.
    t.close(&dep.id, None).unwrap();
    let (got, _) = waiter.result(Duration::from_secs(20));
    assert_eq!(got, Some(blocked.id));
}

#[test]
fn of_several_waiters_exactly_one_gets_a_ticket_and_the_others_keep_waiting() {
    let tmp = tempfile::tempdir().unwrap();
    let t = Tickets::open(tmp.path()).unwrap();
    let dep = t
        .create(NewTicket::new("Extract").assignee("extractor"))
        .unwrap();
    // Unassigned: every waiter may claim it.
    let first = t.create(NewTicket::new("Review").dep(&dep.id)).unwrap();
    let mut waiters: Vec<Child> = (0..3)
        .map(|_| Child::spawn("claim", tmp.path(), "@worker", 6_000, &[]))
        .collect();
    for w in &waiters {
        w.expect_waiting();
    }

    t.close(&dep.id, None).unwrap();
    let mut results: Vec<(usize, Option<String>)> = Vec::new();
    let start = Instant::now();
    while results.is_empty() && start.elapsed() < Duration::from_secs(10) {
        for (i, w) in waiters.iter().enumerate() {
            if let Some(line) = w.next(Duration::from_millis(20)) {
                results.push((i, Some(line)));
            }
        }
    }
    // Any other winner would report within this time too.
    std::thread::sleep(Duration::from_millis(500));
    for (i, w) in waiters.iter().enumerate() {
        if results.iter().any(|(r, _)| *r == i) {
            continue; // the winner, which has exited since
        }
        if let Some(line) = w.next(Duration::ZERO) {
            results.push((i, Some(line)));
        }
    }
    assert_eq!(results.len(), 1, "exactly one waiter returns: {results:?}");
    let winner = results[0].0;
    assert_eq!(
        results[0].1.as_deref().and_then(|l| l.split(' ').nth(1)),
        Some(first.id.as_str())
    );
    for (i, w) in waiters.iter_mut().enumerate() {
        if i != winner {
            assert!(w.running(), "waiter {i} keeps waiting after losing");
        }
    }

    // A second ticket goes to exactly one of the two still waiting; the last times out.
    let second = t.create(NewTicket::new("Import")).unwrap();
    let mut outcomes = Vec::new();
    for (i, w) in waiters.iter().enumerate() {
        if i != winner {
            outcomes.push(w.result(Duration::from_secs(20)).0);
        }
    }
    outcomes.sort();
    assert_eq!(outcomes, vec![None, Some(second.id.clone())]);
    assert_eq!(
        t.get(&first.id).unwrap().assignee.as_deref(),
        Some("@worker")
    );
    assert_eq!(t.get(&second.id).unwrap().status, Status::InProgress);
}

#[test]
fn a_lease_that_runs_out_wakes_a_waiting_claimer() {
    let tmp = tempfile::tempdir().unwrap();
    let t = Tickets::open(tmp.path()).unwrap();
    let job = t.create(NewTicket::new("Long job")).unwrap();
    let held = t
        .claim(
            "@first",
            ClaimOptions {
                lease: Some(3),
                ..ClaimOptions::default()
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(held.id, job.id);
    let lease_until = held.lease_until.unwrap().timestamp_micros() as u128;

    let waiter = Child::spawn("claim", tmp.path(), "@second", 30_000, &[]);
    waiter.expect_waiting();
    assert!(
        wall_us() < lease_until,
        "the child waited before the lease ran out"
    );
    // No file changes when a lease runs out: the waiter's timer must wake it.
    let (got, at) = waiter.result(Duration::from_secs(20));
    assert_eq!(got.as_deref(), Some(job.id.as_str()));
    assert!(at >= lease_until, "not taken before the lease ran out");
    let late = at - lease_until;
    println!("taken over {:.1} ms after the lease ran out", ms(late));
    assert!(late < WAKE_BOUND.as_micros());

    let taken = t.get(&job.id).unwrap();
    assert_eq!(taken.assignee.as_deref(), Some("@second"));
    assert!(taken.notes.iter().any(|n| n.text.contains("ran out")));
}

#[test]
fn wait_ready_in_a_directory_made_after_the_wait_began() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("project").join(".tickets");
    let waiter = Child::spawn("ready", &dir, "@validator", 30_000, &[]);
    waiter.expect_waiting();
    assert!(!dir.exists(), "waiting creates nothing");

    let t = Tickets::open(&dir).unwrap();
    let before = wall_us();
    let ticket = t
        .create(NewTicket::new("Validate").assignee("validator"))
        .unwrap();
    let (got, at) = waiter.result(Duration::from_secs(20));
    assert_eq!(got, Some(ticket.id.clone()));
    let latency = at.saturating_sub(before);
    println!(
        "wait_ready on a new directory woke {:.1} ms after the create began",
        ms(latency)
    );
    assert!(latency < WAKE_BOUND.as_micros());
    // wait_ready does not claim.
    assert_eq!(t.get(&ticket.id).unwrap().status, Status::Open);
}

#[test]
fn without_notification_the_fallback_poll_wakes_waiters() {
    let tmp = tempfile::tempdir().unwrap();
    let t = Tickets::open(tmp.path()).unwrap();
    let waiter = Child::spawn(
        "claim",
        tmp.path(),
        "@poller",
        30_000,
        &[("AYO_WATCH", "0"), ("AYO_POLL_MS", "300")],
    );
    waiter.expect_waiting();
    let ticket = t
        .create(NewTicket::new("Poll me").assignee("poller"))
        .unwrap();
    let (got, _) = waiter.result(Duration::from_secs(20));
    assert_eq!(got, Some(ticket.id));
}
