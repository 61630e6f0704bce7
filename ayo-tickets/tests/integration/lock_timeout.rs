//! A stopped writer blocks nobody forever: a child process holds the writers' lock (a batch)
//! and is stopped with SIGSTOP; another writer waits its lock timeout (1 s here) and fails
//! with BUSY naming the lock file and the holder's pid. Once the holder is gone, writes go on.

use std::time::{Duration, Instant};

use crate::support::{Reporter, child_command, say};
use ayo_tickets::{Error, NewTicket, Tickets};

const CHILD_DIR: &str = "AYO_TEST_LOCK_DIR";

/// The child's side: takes the lock in a batch, says so, and sleeps in it.
#[test]
fn child_lock_holder() {
    let Ok(dir) = std::env::var(CHILD_DIR) else {
        return; // run as a normal test: nothing to do
    };
    let t = Tickets::open(&dir).unwrap();
    t.begin_batch().unwrap();
    t.create(NewTicket::new("held")).unwrap();
    say("LOCKED");
    std::thread::sleep(Duration::from_secs(120));
}

fn signal(pid: u32, sig: &str) {
    let ok = std::process::Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

#[test]
fn a_stopped_holder_makes_other_writers_busy_after_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tickets::open(dir.path())
        .unwrap()
        .with_lock_timeout(1.0)
        .unwrap();
    t.create(NewTicket::new("before").id("before")).unwrap();
    let mut command = child_command("lock_timeout::child_lock_holder");
    command.env(CHILD_DIR, dir.path());
    let holder = Reporter::spawn(command);
    assert_eq!(
        holder.next(Duration::from_secs(30)).as_deref(),
        Some("LOCKED")
    );
    let pid = holder.child.id();
    signal(pid, "-STOP");

    let start = Instant::now();
    let err = t.create(NewTicket::new("after")).unwrap_err();
    let waited = start.elapsed();
    signal(pid, "-CONT");
    let _ = holder.kill();

    assert_eq!(err.code(), "BUSY", "{err}");
    let Error::Busy { lock, holder } = &err else {
        unreachable!()
    };
    assert!(lock.ends_with(".ayo/lock"), "{lock}");
    let holder = holder.as_ref().expect("the holder is named");
    assert_eq!(holder.pid, pid, "{err}");
    assert!(holder.since.is_some(), "{err}");
    assert!(err.to_string().contains(&format!("pid {pid}")), "{err}");
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(10),
        "waited {waited:?}"
    );
    // Readers never wait for the lock; a later write takes it once the holder is gone.
    assert_eq!(t.get("before").unwrap().title, "before");
    t.create(NewTicket::new("later")).unwrap();
    let titles: Vec<String> = t
        .list(&Default::default())
        .unwrap()
        .into_iter()
        .map(|t| t.title)
        .collect();
    assert_eq!(
        titles.len(),
        2,
        "the stopped batch wrote nothing: {titles:?}"
    );
}

/// `$AYO_LOCK_TIMEOUT` that is not a number of seconds is a clear error at open.
#[test]
fn a_bad_lock_timeout_is_invalid() {
    let t = Tickets::in_memory();
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        let err = t.store().clone();
        let again = Tickets::with_store(err).unwrap().with_lock_timeout(bad);
        assert_eq!(again.unwrap_err().code(), "INVALID", "{bad}");
    }
}

/// A claim that waits inside a batch would wait on the batch's own lock: refused.
#[test]
fn a_waiting_claim_inside_a_batch_is_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tickets::open(dir.path()).unwrap();
    let err = t
        .batch(|t| {
            let wait = ayo_tickets::ClaimOptions {
                wait: true,
                timeout: Some(Duration::from_secs(60)),
                ..Default::default()
            };
            t.claim("@w", wait)
        })
        .unwrap_err();
    assert_eq!(err.code(), "INVALID", "{err}");
}
