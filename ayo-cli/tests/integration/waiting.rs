//! `claim --wait` and `ready --wait` across processes: woken by another process's write, ended
//! by a timeout (exit 3) or by Ctrl-C (exit 130).

use crate::common;

use std::io::Read;
use std::process::{Child, Command};
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::Ayo;

/// Waits for a child at most `limit`; kills it and fails if it runs longer. Returns its exit
/// code, stdout and stderr.
fn finish(mut child: Child, limit: Duration) -> (i32, String, String) {
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ayo still running after {limit:?}");
        }
        sleep(Duration::from_millis(20));
    };
    let mut out = String::new();
    let mut err = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status.code().unwrap_or(-1), out, err)
}

/// Asserts the child is still waiting after a moment.
fn still_waiting(child: &mut Child) {
    still_waiting_after(child, Duration::from_millis(400));
}

/// Asserts the child is still waiting after `pause`.
fn still_waiting_after(child: &mut Child, pause: Duration) {
    sleep(pause);
    assert!(
        child.try_wait().unwrap().is_none(),
        "ayo should still be waiting"
    );
}

#[test]
fn a_waiting_claim_is_released_by_a_close_in_another_process() {
    let ayo = Ayo::new();
    let first = ayo.create(&["Extract data from invoices", "-a", "@extractor"]);
    let second = ayo.create(&[
        "Validate extracted data",
        "-a",
        "@validator",
        "--deps",
        &first,
    ]);
    let mut waiter = ayo.spawn(&[
        "ticket",
        "claim",
        "-a",
        "@validator",
        "--wait",
        "--timeout",
        "30",
    ]);
    still_waiting(&mut waiter);
    ayo.ok(&["ticket", "close", &first]);
    let (code, out, err) = finish(waiter, Duration::from_secs(20));
    assert_eq!((code, out.trim()), (0, second.as_str()), "stderr: {err}");
    let t = ayo.json(&["ticket", "show", &second]);
    assert_eq!(t["status"], "in_progress");
    assert_eq!(t["assignee"], "@validator");
}

#[test]
fn a_waiting_ready_is_woken_by_a_create_in_another_process() {
    let ayo = Ayo::new();
    // The store directory exists before the wait (see the ignored test below for one that
    // does not exist yet).
    ayo.create(&["Someone else's", "-a", "@other"]);
    let mut waiter = ayo.spawn(&[
        "--json",
        "ticket",
        "ready",
        "-a",
        "@reviewer",
        "--wait",
        "--timeout",
        "30",
    ]);
    still_waiting(&mut waiter);
    ayo.create(&["Not for the reviewer", "-a", "@someone"]);
    let id = ayo.create(&["Review the report", "-a", "@reviewer"]);
    let (code, out, err) = finish(waiter, Duration::from_secs(20));
    assert_eq!(code, 0, "stderr: {err}");
    let t: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(t["id"], id.as_str());
    assert_eq!(t["status"], "open", "ready --wait does not claim");
}

/// A timeout longer than any clock (or `inf`) waits as long as it takes.
#[test]
fn a_timeout_longer_than_any_clock_waits() {
    let ayo = Ayo::new();
    for timeout in ["1e300", "inf"] {
        let mut waiter = ayo.spawn(&[
            "ticket",
            "ready",
            "-a",
            "@late",
            "--wait",
            "--timeout",
            timeout,
        ]);
        still_waiting(&mut waiter);
        let id = ayo.create(&["For the late one", "-a", "@late"]);
        let (code, out, err) = finish(waiter, Duration::from_secs(20));
        assert_eq!(code, 0, "{timeout}: {err}");
        assert!(out.contains(&id), "{timeout}: {out}");
        ayo.ok(&["ticket", "close", &id]);
    }
    ayo.fails(2, &["ticket", "ready", "--wait", "--timeout", "-1"]);
}

#[test]
fn a_wait_that_times_out_exits_3() {
    let ayo = Ayo::new();
    ayo.create(&["Someone else's", "-a", "@other"]);
    let start = Instant::now();
    let r = ayo.fails(
        3,
        &["ticket", "ready", "-a", "@idle", "--wait", "--timeout", "1"],
    );
    let took = start.elapsed();
    assert!(took >= Duration::from_secs(1), "waited {took:?}");
    assert!(took < Duration::from_secs(10), "waited {took:?}");
    assert_eq!(r.stdout, "");
    let r = ayo.fails(
        3,
        &[
            "--json",
            "ticket",
            "claim",
            "-a",
            "@idle",
            "--wait",
            "--timeout",
            "0.2",
        ],
    );
    assert_eq!(r.stdout.trim(), "null");
}

#[test]
fn ctrl_c_ends_a_wait_promptly() {
    let ayo = Ayo::new();
    for args in [
        &["ticket", "ready", "--wait"][..],
        &["ticket", "claim", "-a", "@w", "--wait"],
        &["--json", "ticket", "claim", "-a", "@w", "--wait"],
    ] {
        let mut waiter = ayo.spawn(args);
        // Long enough for the process to reach its wait (and its Ctrl-C handler) under load.
        still_waiting_after(&mut waiter, Duration::from_secs(1));
        let pid = waiter.id().to_string();
        let sent = Instant::now();
        assert!(
            Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success()
        );
        let (code, out, err) = finish(waiter, Duration::from_secs(5));
        assert!(
            sent.elapsed() < Duration::from_secs(2),
            "took {:?}",
            sent.elapsed()
        );
        assert_eq!(code, 130, "{args:?}: {err}");
        assert_eq!(out, "");
        if args[0] == "--json" {
            // The core's error object: the same code and fields as Python's and Node's.
            let e: serde_json::Value = serde_json::from_str(err.trim()).unwrap();
            assert_eq!(
                e,
                serde_json::json!({"error": {"code": "INTERRUPTED", "message": "interrupted"}})
            );
        } else {
            assert_eq!(err.trim(), "error: interrupted");
        }
    }
}

/// A wait that starts before the store directory exists must still be woken when another
/// process creates the directory and a ticket in it (the watcher climbs down from the nearest
/// existing ancestor as the levels below it appear, however fast they appear).
#[test]
fn a_wait_on_a_store_that_does_not_exist_yet_is_woken_by_its_first_ticket() {
    for _ in 0..10 {
        let ayo = Ayo::new();
        let waiter = ayo.spawn(&["ticket", "ready", "--wait", "--timeout", "10"]);
        sleep(Duration::from_millis(300));
        let id = ayo.create(&["First ever"]);
        let (code, out, err) = finish(waiter, Duration::from_secs(5));
        assert_eq!(code, 0, "stderr: {err}");
        assert!(out.starts_with(&format!("{id}  open")), "{out}");
    }
}
