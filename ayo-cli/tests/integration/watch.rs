//! `ayo ticket watch` across processes: a watcher sees another process's create, claim and
//! close as they happen, in order, on a directory and on PostgreSQL; `--since` replays the log
//! first; SIGTERM and SIGINT end it with exit 0.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::Child;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use common::Ayo;
use serde_json::Value;

/// A running `ayo ticket watch --json`, its lines read on a thread of their own.
struct Watcher {
    child: Child,
    lines: Receiver<String>,
}

impl Watcher {
    fn start(ayo: &Ayo, store: &[&str], extra: &[&str]) -> Self {
        let mut args = store.to_vec();
        args.extend(["--json", "ticket", "watch"]);
        args.extend(extra);
        let mut child = ayo.spawn(&args);
        let out = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watcher { child, lines }
    }

    /// The next entry printed, within 10 s.
    fn next(&self) -> Value {
        let line = self
            .lines
            .recv_timeout(Duration::from_secs(10))
            .expect("the watcher printed a line in time");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    }

    /// Nothing more printed within `pause`.
    fn quiet(&self, pause: Duration) {
        if let Ok(line) = self.lines.recv_timeout(pause) {
            panic!("unexpected line {line}");
        }
    }

    /// Sends `signal` and returns the exit code (within 5 s).
    fn stop(mut self, signal: &str) -> i32 {
        common::stop_child(&mut self.child, signal, "watch")
    }
}

/// The (ticket, action) of an entry, and checks it has the audit log's five keys.
fn what(e: &Value) -> (String, String) {
    let keys: Vec<&String> = e.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["action", "actor", "at", "detail", "ticket"], "{e}");
    (
        e["ticket"].as_str().unwrap().to_string(),
        e["action"].as_str().unwrap().to_string(),
    )
}

/// A watcher started after a first ticket sees, live and in order, the changes other
/// processes make; with `--since` before the first ticket, it first replays its creation.
fn sees_other_processes_changes(ayo: &Ayo, store: &[&str]) {
    let ok = |args: &[&str]| ayo.ok(&[store, args].concat());
    let create = |title: &str| ok(&["ticket", "create", title]);
    let since = chrono::Utc::now().to_rfc3339();
    let first = create("First");
    let w = Watcher::start(ayo, store, &["--since", &since]);
    // The replay: the watcher has subscribed before it read the log.
    assert_eq!(what(&w.next()), (first.clone(), "create".into()));
    let second = create("Second");
    let claimed = ok(&["ticket", "claim", "-a", "@worker"]);
    assert_eq!(claimed, first);
    ok(&["ticket", "close", &first]);
    assert_eq!(what(&w.next()), (second.clone(), "create".into()));
    let claim = w.next();
    assert_eq!(what(&claim), (first.clone(), "claim".into()));
    assert_eq!(claim["actor"], "@worker");
    assert_eq!(what(&w.next()), (first.clone(), "close".into()));
    w.quiet(Duration::from_millis(300));
    assert_eq!(w.stop("TERM"), 0, "SIGTERM ends watch with exit 0");

    // Without --since, nothing old is shown: only what happens next.
    let w = Watcher::start(ayo, store, &[]);
    w.quiet(Duration::from_millis(500));
    ok(&["ticket", "note", &second, "a note"]);
    assert_eq!(what(&w.next()), (second, "note".into()));
    assert_eq!(w.stop("INT"), 0, "SIGINT ends watch with exit 0");
}

#[test]
fn a_watcher_sees_another_process_changes_in_order_on_a_directory() {
    let ayo = Ayo::new();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("t");
    sees_other_processes_changes(&ayo, &["--dir", d.to_str().unwrap()]);
}

#[cfg(feature = "postgres")]
#[test]
fn a_watcher_sees_another_process_changes_in_order_on_postgres() {
    if !ayo_test_support::available() {
        return;
    }
    let ayo = Ayo::new();
    let schema = ayo_test_support::Schema::new("watch");
    sees_other_processes_changes(&ayo, &["--store", &schema.url]);
}

#[test]
fn watch_filters_by_agent_and_prints_text_rows() {
    let ayo = Ayo::new();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("t");
    let d = d.to_str().unwrap();
    let since = chrono::Utc::now().to_rfc3339();
    let mine = ayo.create(&["--dir", d, "Mine", "-a", "@me"]);
    let other = ayo.create(&["--dir", d, "Other"]);
    ayo.ok(&["--dir", d, "ticket", "note", &other, "by someone"]);
    let mut child = ayo.spawn(&["--dir", d, "ticket", "watch", "--since", &since, "-a", "me"]);
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    let row = lines.next().unwrap().unwrap();
    assert!(row.contains(&mine) && row.contains("create"), "{row}");
    // The note on the other ticket is not shown; the next change to mine is.
    ayo.ok(&["--dir", d, "ticket", "start", &mine]);
    let row = lines.next().unwrap().unwrap();
    assert!(row.contains(&mine) && row.contains("start"), "{row}");
    assert!(!row.contains(&other), "{row}");
    let _ = child.kill();
    let _ = child.wait();

    let bad = ayo.fails(2, &["--dir", d, "ticket", "watch", "--since", "yesterday"]);
    assert!(bad.stderr.contains("--since"), "{}", bad.stderr);
}

/// The `changes` tool of `ayo mcp`: the log since a time at once; else it blocks until another
/// process's change (and gives `{entries: []}` when the timeout passes first).
#[test]
fn the_mcp_changes_tool_replays_then_waits_for_the_next_change() {
    use crate::mcp::request;
    use serde_json::json;

    let ayo = Ayo::new();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("t");
    let d = d.to_str().unwrap().to_string();
    let since = chrono::Utc::now().to_rfc3339();
    let first = ayo.create(&["--dir", &d, "First"]);
    let (mut child, mut stdin, mut stdout) = crate::mcp::session(&ayo, &["--dir", &d, "mcp"]);
    let mut call = |id: u64, arguments: Value| {
        let r = request(
            &mut stdin,
            &mut stdout,
            id,
            "tools/call",
            json!({"name": "changes", "arguments": arguments}),
        );
        r["result"]["structuredContent"]["entries"]
            .as_array()
            .unwrap_or_else(|| panic!("{r}"))
            .iter()
            .map(what)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        call(2, json!({"since": since})),
        [(first.clone(), "create".to_string())]
    );
    assert!(call(3, json!({"timeout_secs": 0.2})).is_empty());
    let writer = {
        let ayo = Ayo::new().with_env("AYO_HOME", ayo.home());
        let d = d.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(400));
            ayo.ok(&["--dir", &d, "ticket", "close", &first]);
            first
        })
    };
    let got = call(4, json!({"timeout_secs": 20}));
    let first = writer.join().unwrap();
    assert_eq!(got, [(first, "close".to_string())]);
    drop(stdin);
    let _ = child.wait();
}
