//! `ayo ticket run` with real processes, on a markdown directory and on PostgreSQL (a schema of
//! each test's own; without a server the PostgreSQL cases print a notice and pass, except with
//! `CI=true`): closing on exit 0, giving back on failure with the stderr's tail, a short lease
//! kept alive through a long command, a killed runner's lease running out, a stopped runner
//! whose ticket was taken over, and four `--loop` runners draining a graph.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{self, AYO, Ayo, Run};
use ayo_test_support::{Schema, available};
use serde_json::Value;

/// A store to run against: the `ayo` arguments that choose it.
struct Store {
    ayo: Ayo,
    flags: Vec<String>,
    _dir: tempfile::TempDir,
    _schema: Option<Schema>,
}

impl Store {
    fn markdown() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tickets").to_string_lossy().into_owned();
        Store {
            ayo: Ayo::new(),
            flags: vec!["--dir".into(), path],
            _dir: dir,
            _schema: None,
        }
    }

    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    fn postgres(tag: &str) -> Option<Self> {
        if !available() {
            return None;
        }
        let schema = Schema::new(tag);
        Some(Store {
            ayo: Ayo::new(),
            flags: vec!["--store".into(), schema.url.clone()],
            _dir: tempfile::tempdir().unwrap(),
            _schema: Some(schema),
        })
    }

    fn args<'a>(&'a self, args: &[&'a str]) -> Vec<&'a str> {
        let mut all: Vec<&str> = self.flags.iter().map(String::as_str).collect();
        all.extend_from_slice(args);
        all
    }

    fn create(&self, args: &[&str]) -> String {
        let mut all = vec!["ticket", "create"];
        all.extend_from_slice(args);
        self.ayo.ok(&self.args(&all))
    }

    fn show(&self, id: &str) -> Value {
        self.ayo.json(&self.args(&["ticket", "show", id]))
    }

    fn run(&self, args: &[&str]) -> Run {
        self.ayo.run_with(&self.args(args), |c| {
            c.env("AYO_BIN", AYO);
        })
    }

    fn spawn(&self, args: &[&str], quiet: bool) -> Child {
        let mut cmd = self.ayo.command(&self.args(args));
        cmd.env("AYO_BIN", AYO).stdin(Stdio::null());
        if quiet {
            cmd.stdout(Stdio::null()).stderr(Stdio::null());
        } else {
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        }
        cmd.spawn().expect("ayo runs")
    }

    /// Waits until the ticket is in progress for `agent`.
    fn wait_held(&self, id: &str, agent: &str) {
        let start = Instant::now();
        loop {
            let t = self.show(id);
            if t["status"] == "in_progress" && t["assignee"] == agent {
                return;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "never held: {t}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Runs a scenario on both stores, as two tests.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn markdown() {
                super::$name(&super::Store::markdown());
            }
            #[cfg(feature = "postgres")]
            #[test]
            fn postgres() {
                if let Some(s) = super::Store::postgres("run") {
                    super::$name(&s);
                }
            }
        }
    )*};
}

on_both!(
    exit_0_closes_and_the_dependent_becomes_ready,
    a_failure_gives_back_with_the_stderr_tail_and_its_status,
    a_short_lease_is_held_through_a_long_command,
    a_killed_runner_lets_its_lease_run_out,
    a_stopped_runner_whose_ticket_was_taken_gets_term_and_exits_lost,
    four_loops_drain_a_graph_once_each_in_dep_order,
    a_signal_to_ayo_reaches_the_command_and_gives_back,
    a_command_that_ignores_sigterm_after_a_loss_gets_sigkill,
);

fn a_command_that_ignores_sigterm_after_a_loss_gets_sigkill(s: &Store) {
    let a = s.create(&["Stubborn"]);
    let script = r#"trap '' TERM; while :; do sleep 0.1; done"#;
    let runner = s.spawn(
        &[
            "ticket", "run", "-a", "w", "--lease", "30", "--grace", "1", "--", "sh", "-c", script,
        ],
        false,
    );
    s.wait_held(&a, "@w");
    // Someone else gives the ticket back: the job is lost.
    s.ayo.ok(&s.args(&["ticket", "release", &a]));
    let started = Instant::now();
    let out = wait_output(runner, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "after the grace period"
    );
    let t = s.show(&a);
    assert_eq!(t["status"], "open");
    let note = t["notes"].as_array().unwrap().last().unwrap()["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(note.contains("released by someone else"), "{note}");
    assert!(note.contains("SIGTERM, then SIGKILL"), "{note}");
}

fn a_signal_to_ayo_reaches_the_command_and_gives_back(s: &Store) {
    let a = s.create(&["Interrupted"]);
    let script =
        r#"trap 'echo "command got SIGTERM" >&2; kill $p; exit 3' TERM; sleep 30 & p=$!; wait $p"#;
    let runner = s.spawn(
        &["ticket", "run", "-a", "w", "--", "sh", "-c", script],
        false,
    );
    s.wait_held(&a, "@w");
    std::thread::sleep(Duration::from_millis(200));
    let pid = runner.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = wait_output(runner, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(143), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("command got SIGTERM"));
    let t = s.show(&a);
    assert_eq!(t["status"], "open");
    let note = t["notes"][0]["text"].as_str().unwrap();
    assert!(note.contains("got SIGTERM and passed it on"), "{note}");
    assert!(note.contains("exited with status 3"), "{note}");
}

fn exit_0_closes_and_the_dependent_becomes_ready(s: &Store) {
    let a = s.create(&["Extract", "-a", "@w"]);
    let b = s.create(&["Validate", "--deps", &a]);
    // The command reaches the same store through its environment.
    let script = r#"test "$AYO_AGENT" = @w && "$AYO_BIN" ticket note "$AYO_TICKET_ID" "did $AYO_TICKET_TITLE""#;
    let r = s.run(&[
        "--json", "ticket", "run", "-a", "w", "--lease", "5", "--", "sh", "-c", script,
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let out: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(out["outcome"], "closed");
    assert_eq!(out["exit"], 0);
    assert_eq!(out["ticket"]["id"], a.as_str());
    assert_eq!(common::ids_of(&out["unblocked"]), vec![b.clone()]);
    let t = s.show(&a);
    assert_eq!(t["status"], "closed");
    assert_eq!(t["notes"][0]["text"], "did Extract");
    assert_eq!(t["notes"][0]["author"], "@w");
    assert_eq!(s.show(&b)["ready"], true);
    // Nothing left for @w: exit 3, as `claim`.
    let r = s.run(&["ticket", "run", "-a", "x", "--", "true"]);
    assert_eq!(r.code, 0, "b is claimable by anyone: {r:?}");
    let r = s.run(&["ticket", "run", "-a", "x", "--", "true"]);
    assert_eq!(r.code, 3, "{r:?}");
}

fn a_failure_gives_back_with_the_stderr_tail_and_its_status(s: &Store) {
    let a = s.create(&["Flaky"]);
    // 300 lines (about 9 KB) on stderr: the note keeps the last ones, at most 4 KB of them.
    let script = r#"i=0; while [ $i -lt 300 ]; do echo "noise line number $i of the run" >&2; i=$((i+1)); done; echo "the real cause" >&2; exit 7"#;
    let r = s.run(&["ticket", "run", "-a", "w", "--", "sh", "-c", script]);
    assert_eq!(r.code, 7, "{r:?}");
    assert!(
        r.stderr.contains("noise line number 0 "),
        "stderr reaches ayo's stderr"
    );
    assert!(r.stderr.contains("the real cause"));
    let t = s.show(&a);
    assert_eq!(t["status"], "open");
    assert_eq!(t["lease_until"], Value::Null);
    let note = t["notes"][0]["text"].as_str().unwrap();
    assert!(note.contains("exited with status 7"), "{note}");
    assert!(note.contains("the real cause"), "{note}");
    assert!(!note.contains("noise line number 0 "), "{note}");
    let tail = note
        .split("```\n")
        .nth(1)
        .unwrap()
        .trim_end_matches("\n```");
    assert!(tail.len() <= 4096 && tail.len() > 3000, "{}", tail.len());
    assert!(
        tail.starts_with("noise line number "),
        "starts at a line: {tail}"
    );
    // Killed by a signal: 128 + the signal.
    let r = s.run(&["ticket", "run", "-a", "w", "--", "sh", "-c", "kill -9 $$"]);
    assert_eq!(r.code, 137, "{r:?}");
    let t = s.show(&a);
    assert!(
        t["notes"][1]["text"].as_str().unwrap().contains("SIGKILL"),
        "{t}"
    );
}

fn a_short_lease_is_held_through_a_long_command(s: &Store) {
    let a = s.create(&["Long"]);
    let mut runner = s.spawn(
        &[
            "ticket", "run", "-a", "w", "--lease", "2", "--", "sleep", "10",
        ],
        false,
    );
    s.wait_held(&a, "@w");
    for _ in 0..3 {
        std::thread::sleep(Duration::from_secs(3));
        let r = s.run(&["ticket", "claim", "-a", "other"]);
        assert_eq!(r.code, 3, "the lease was kept alive: {r:?}");
    }
    let status = runner.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(s.show(&a)["status"], "closed");
}

fn a_killed_runner_lets_its_lease_run_out(s: &Store) {
    let a = s.create(&["Orphaned"]);
    let pidfile = s._dir.path().join("pid");
    let script = format!("echo $$ > {}; exec sleep 30", pidfile.display());
    let mut runner = s.spawn(
        &[
            "ticket", "run", "-a", "w", "--lease", "2", "--", "sh", "-c", &script,
        ],
        true,
    );
    s.wait_held(&a, "@w");
    runner.kill().unwrap(); // SIGKILL
    runner.wait().unwrap();
    let start = Instant::now();
    let r = s.run(&[
        "ticket",
        "claim",
        "-a",
        "other",
        "--wait",
        "--timeout",
        "15",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout.trim(), a);
    assert!(start.elapsed() < Duration::from_secs(10));
    let t = s.show(&a);
    assert_eq!(t["assignee"], "@other");
    if let Ok(pid) = std::fs::read_to_string(&pidfile) {
        let _ = Command::new("kill").arg(pid.trim()).status();
    }
}

fn a_stopped_runner_whose_ticket_was_taken_gets_term_and_exits_lost(s: &Store) {
    let a = s.create(&["Stalled"]);
    let script = r#"trap 'echo "command got SIGTERM" >&2; kill $p; exit 143' TERM; sleep 30 & p=$!; wait $p"#;
    let runner = s.spawn(
        &[
            "ticket", "run", "-a", "w", "--lease", "2", "--grace", "5", "--", "sh", "-c", script,
        ],
        false,
    );
    s.wait_held(&a, "@w");
    let pid = runner.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-STOP", &pid])
            .status()
            .unwrap()
            .success()
    );
    let r = s.run(&[
        "ticket",
        "claim",
        "-a",
        "other",
        "--lease",
        "60",
        "--wait",
        "--timeout",
        "15",
    ]);
    assert_eq!(r.stdout.trim(), a, "{r:?}");
    assert!(
        Command::new("kill")
            .args(["-CONT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = wait_output(runner, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("command got SIGTERM"), "{stderr}");
    let t = s.show(&a);
    assert_eq!(t["status"], "in_progress");
    assert_eq!(t["assignee"], "@other");
    let note = t["notes"].as_array().unwrap().last().unwrap()["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(note.starts_with("@w lost this ticket"), "{note}");
    assert!(note.contains("SIGTERM"), "{note}");
}

fn four_loops_drain_a_graph_once_each_in_dep_order(s: &Store) {
    let mut ids: Vec<String> = Vec::new();
    let mut deps: HashMap<String, Vec<String>> = HashMap::new();
    for i in 0..40usize {
        let mut d: Vec<String> = Vec::new();
        for j in [i / 2, i.saturating_sub(3)] {
            if j < i && !d.contains(&ids[j]) {
                d.push(ids[j].clone());
            }
        }
        let title = format!("t{i}");
        let id = match d.is_empty() {
            true => s.create(&[&title]),
            false => s.create(&[&title, "--deps", &d.join(",")]),
        };
        deps.insert(id.clone(), d);
        ids.push(id);
    }
    let log = s._dir.path().join("log");
    let script = format!(
        r#"echo "start $AYO_TICKET_ID" >> {0}; sleep 0.05; echo "end $AYO_TICKET_ID" >> {0}"#,
        log.display()
    );
    let runners: Vec<Child> = (0..4)
        .map(|i| {
            let agent = format!("w{i}");
            s.spawn(
                &[
                    "ticket", "run", "-a", &agent, "--lease", "10", "--loop", "--idle", "3", "--",
                    "sh", "-c", &script,
                ],
                false,
            )
        })
        .collect();
    let mut closed = 0;
    for r in runners {
        let out = wait_output(r, Duration::from_secs(120));
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout.lines().last().unwrap();
        let n: usize = line
            .strip_prefix("closed ")
            .and_then(|l| l.strip_suffix(", gave back 0"))
            .unwrap_or_else(|| panic!("{line}"))
            .parse()
            .unwrap();
        closed += n;
    }
    assert_eq!(closed, 40);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let at = |what: &str, id: &str| -> Vec<usize> {
        let want = format!("{what} {id}");
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| **l == want)
            .map(|(i, _)| i)
            .collect()
    };
    for id in &ids {
        let starts = at("start", id);
        assert_eq!(starts.len(), 1, "{id} ran once: {starts:?}");
        for d in &deps[id] {
            let ends = at("end", d);
            assert!(
                ends.len() == 1 && ends[0] < starts[0],
                "{id} ran before its dep {d} ended"
            );
        }
        assert_eq!(s.show(id)["status"], "closed");
    }
}

/// Waits for a child to end (killing it past `limit`) and returns its output.
fn wait_output(mut child: Child, limit: Duration) -> std::process::Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}
