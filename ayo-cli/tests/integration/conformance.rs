//! The conformance table (`ayo-tickets/tests/conformance/cases.json`) through the real `ayo`
//! binary: each operation becomes its command line with `--json --dir <case dir>`, the open
//! options become `--actor` and `$AYO_LEASE`, an explicit null becomes the clearing flag
//! (`--no-parent`, `assign --clear`), and the result is what `--json` prints (stdout) or the
//! error object (stderr). `interrupt_after` sends SIGINT (Ctrl-C) to the waiting process.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use ayo_test_support::conformance::{Runner, run_table};
use serde_json::Value;

use crate::common::Ayo;

fn text(a: &Value, key: &str) -> Option<String> {
    a.get(key).and_then(Value::as_str).map(str::to_string)
}

/// A number as the command line takes it (`60`, `1.5`, `-1`).
fn number(a: &Value, key: &str) -> Option<String> {
    a.get(key).filter(|v| v.is_number()).map(Value::to_string)
}

fn list(a: &Value, key: &str) -> Option<String> {
    a.get(key).and_then(Value::as_array).map(|l| {
        l.iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(",")
    })
}

/// The `ayo ticket ...` arguments of an operation. Values go as `--flag=value`, so that a
/// negative number or an empty text is a value.
fn command_line(op: &str, a: &Value) -> Vec<String> {
    let mut args: Vec<String> = vec!["ticket".into()];
    let mut push = |s: &str| args.push(s.to_string());
    let positional = |key: &str| text(a, key).unwrap_or_default();
    let flag = |name: &str, v: Option<String>| v.map(|v| format!("--{name}={v}"));
    let sub: &[&str] = match op {
        "create" => &["create"],
        "get" => &["show"],
        "update" => &["edit"],
        "history" => &["log"],
        "add_dep" => &["dep", "add"],
        "remove_dep" => &["dep", "remove"],
        "dep_tree" => &["dep", "tree"],
        "wait_ready" => &["ready", "--wait"],
        other => &[other][..],
    };
    for s in sub {
        push(s);
    }
    let mut rest: Vec<Option<String>> = Vec::new();
    match op {
        "create" => {
            rest.push(Some(positional("title")));
            rest.push(flag("assignee", text(a, "assignee")));
            rest.push(flag("deps", list(a, "deps")));
            rest.push(flag("priority", number(a, "priority")));
            rest.push(flag("type", text(a, "type")));
            rest.push(flag("tags", list(a, "tags")));
            rest.push(flag("description", text(a, "description")));
            rest.push(flag("parent", text(a, "parent")));
            rest.push(flag("id", text(a, "id")));
            rest.push(flag("defer-until", text(a, "defer_until")));
        }
        "list" => {
            for key in ["status", "assignee", "tag", "type", "parent"] {
                rest.push(flag(key, text(a, key)));
            }
            if a.get("archived").and_then(Value::as_bool) == Some(true) {
                rest.push(Some("--archived".into()));
            }
        }
        "search" => {
            rest.push(Some(positional("text")));
            for key in ["status", "assignee", "tag"] {
                rest.push(flag(key, text(a, key)));
            }
        }
        "ready" | "blocked" => rest.push(flag("assignee", text(a, "assignee"))),
        "update" => {
            rest.push(Some(positional("id")));
            rest.push(flag("title", text(a, "title")));
            rest.push(flag("description", text(a, "description")));
            rest.push(flag("priority", number(a, "priority")));
            rest.push(flag("type", text(a, "type")));
            rest.push(flag("tags", list(a, "tags")));
            match a.get("parent") {
                Some(Value::Null) => rest.push(Some("--no-parent".into())),
                _ => rest.push(flag("parent", text(a, "parent"))),
            }
            match a.get("defer_until") {
                Some(Value::Null) => rest.push(Some("--no-defer".into())),
                _ => rest.push(flag("defer-until", text(a, "defer_until"))),
            }
        }
        "start" => {
            rest.push(Some(positional("id")));
            rest.push(flag("assignee", text(a, "agent")));
            rest.push(
                a.get("force")
                    .and_then(Value::as_bool)
                    .filter(|f| *f)
                    .map(|_| "--force".into()),
            );
        }
        "claim" => {
            rest.push(flag("assignee", text(a, "agent")));
            rest.push(
                a.get("wait")
                    .and_then(Value::as_bool)
                    .filter(|w| *w)
                    .map(|_| "--wait".into()),
            );
            rest.push(flag("timeout", number(a, "timeout")));
            rest.push(flag("lease", number(a, "lease")));
        }
        "heartbeat" => {
            rest.push(Some(positional("id")));
            rest.push(flag("assignee", text(a, "agent")));
            rest.push(flag("lease", number(a, "lease")));
        }
        "release" => {
            rest.push(Some(positional("id")));
            rest.push(flag("assignee", text(a, "agent")));
        }
        "close" => {
            rest.push(Some(positional("id")));
            rest.push(flag("reason", text(a, "reason")));
        }
        "note" => {
            rest.push(Some(positional("id")));
            rest.push(Some(positional("text")));
        }
        "assign" => {
            rest.push(Some(positional("id")));
            rest.push(match a.get("agent") {
                Some(Value::Null) | None => Some("--clear".into()),
                _ => Some(positional("agent")),
            });
        }
        "add_dep" | "remove_dep" => {
            rest.push(Some(positional("id")));
            rest.push(Some(positional("dep")));
        }
        "delete" => {
            rest.push(Some(positional("id")));
            rest.push(
                a.get("force")
                    .and_then(Value::as_bool)
                    .filter(|f| *f)
                    .map(|_| "--force".into()),
            );
        }
        "wait_ready" => {
            rest.push(flag("assignee", text(a, "assignee")));
            rest.push(flag("timeout", number(a, "timeout")));
        }
        "graph" => {
            rest.push(flag("format", text(a, "format")));
            rest.push(text(a, "id"));
        }
        "get" | "reopen" | "dep_tree" => rest.push(Some(positional("id"))),
        "history" => rest.push(text(a, "id")),
        "defer" => {
            rest.push(Some(positional("id")));
            rest.push(match a.get("until") {
                Some(Value::Null) | None => Some("--clear".into()),
                _ => Some(positional("until")),
            });
        }
        "why" => {
            rest.push(Some(positional("id")));
            rest.push(flag("agent", text(a, "agent")));
        }
        "link" => {
            rest.push(Some(positional("id")));
            for o in a["others"].as_array().into_iter().flatten() {
                rest.push(o.as_str().map(str::to_string));
            }
        }
        "unlink" => {
            rest.push(Some(positional("id")));
            rest.push(Some(positional("other")));
        }
        "archive" => {
            rest.push(flag("older-than", text(a, "older_than")));
            for id in a["ids"].as_array().into_iter().flatten() {
                rest.push(id.as_str().map(str::to_string));
            }
        }
        "unarchive" => rest.push(Some(positional("id"))),
        "check" | "open" => {}
        other => panic!("the table names an operation the runner does not know: {other}"),
    }
    // Positionals go after `--`, so that a text starting with `-` stays a text.
    let (flags, positionals): (Vec<String>, Vec<String>) = rest
        .into_iter()
        .flatten()
        .partition(|s| s.starts_with("--"));
    args.extend(flags);
    if !positionals.is_empty() {
        args.push("--".into());
        args.extend(positionals);
    }
    args
}

/// The CLI as a runner.
struct Cli {
    ayo: Ayo,
}

impl Cli {
    fn command(&self, dir: &Path, open: &Value, op: &str, args: &Value) -> Command {
        let mut all = vec!["--json".to_string(), format!("--dir={}", dir.display())];
        if let Some(actor) = text(open, "actor") {
            all.push(format!("--actor={actor}"));
        }
        let line = if op == "open" {
            vec!["ticket".into(), "list".into()]
        } else {
            command_line(op, args)
        };
        all.extend(line);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let mut cmd = self.ayo.command(&refs);
        if let Some(lease) = number(open, "lease") {
            cmd.env("AYO_LEASE", lease);
        }
        cmd
    }
}

impl Runner for Cli {
    fn run(
        &mut self,
        dir: &Path,
        open: &Value,
        op: &str,
        args: &Value,
        interrupt_after: Option<f64>,
    ) -> Result<Value, Value> {
        let mut cmd = self.command(dir, open, op, args);
        cmd.stdin(std::process::Stdio::null());
        let out = match interrupt_after {
            None => cmd.output().expect("ayo runs"),
            Some(secs) => {
                let child = cmd
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("ayo runs");
                std::thread::sleep(Duration::from_secs_f64(secs));
                let status = Command::new("kill")
                    .args(["-INT", &child.id().to_string()])
                    .status()
                    .expect("kill runs");
                assert!(status.success());
                child.wait_with_output().expect("ayo ends")
            }
        };
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Exit 0, and exit 3 (nothing to do: `null`), and `check` finding problems (exit 1)
        // print their result on stdout; every other failure prints the error on stderr.
        if op == "open" && out.status.success() {
            return Ok(Value::Null);
        }
        if !stdout.trim().is_empty() {
            return serde_json::from_str(&stdout)
                .map_err(|e| Value::String(format!("stdout is not JSON ({e}): {stdout}")));
        }
        let line = stderr.lines().last().unwrap_or_default();
        match serde_json::from_str::<Value>(line) {
            Ok(v) if v.get("error").is_some() => Err(v["error"].clone()),
            _ => Err(Value::String(format!(
                "exit {:?} without a JSON error: {stderr}",
                out.status.code()
            ))),
        }
    }
}

/// Every case of the table, through the real binary: the CLI means what the core means.
#[test]
fn every_case_of_the_table_holds_in_the_cli() {
    let mut cli = Cli { ayo: Ayo::new() };
    let (run, failures) = run_table("cli", &mut cli);
    assert!(
        failures.is_empty(),
        "{} of {run} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
