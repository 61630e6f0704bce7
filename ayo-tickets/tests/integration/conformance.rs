//! The conformance table (`tests/conformance/cases.json`) run against the core itself: each
//! case's operation called on `Tickets` with the arguments converted as a front end with JSON
//! values would (numbers of seconds through `OpenOptions::from_secs`, `ClaimOptions::from_secs`,
//! `lease_from_secs` and `wait_timeout`), its result compared as the contract's JSON. The CLI,
//! Python and Node run the same table through their own runners; the loop and the matcher are
//! `ayo_test_support::conformance`.

use std::path::Path;
use std::time::Instant;

use ayo_test_support::conformance::{Runner, run_table};
use ayo_tickets::{
    ClaimOptions, Error, Filter, GraphFormat, NewTicket, OpenOptions, Result, Tickets, Update,
    lease_from_secs, wait_timeout,
};
use serde::Serialize;
use serde_json::Value;

fn text(a: &Value, key: &str) -> Option<String> {
    a.get(key).and_then(Value::as_str).map(str::to_string)
}

fn required(a: &Value, key: &str) -> String {
    text(a, key).unwrap_or_else(|| panic!("the case gives no '{key}'"))
}

fn number(a: &Value, key: &str) -> Option<f64> {
    a.get(key).and_then(Value::as_f64)
}

fn flag(a: &Value, key: &str) -> bool {
    a.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn strings(a: &Value, key: &str) -> Option<Vec<String>> {
    a.get(key).and_then(Value::as_array).map(|l| {
        l.iter()
            .map(|v| v.as_str().expect("a list of strings").to_string())
            .collect()
    })
}

/// A key left out keeps (`None`), a key given as null clears (`Some(None)`).
fn clearable(a: &Value, key: &str) -> Option<Option<String>> {
    a.get(key).map(|v| v.as_str().map(str::to_string))
}

fn json(v: impl Serialize) -> Value {
    serde_json::to_value(v).expect("a serializable result")
}

/// Opens the case's directory with its open options, as the front ends do.
fn open(dir: &Path, options: &Value) -> Result<Tickets> {
    let options = OpenOptions::from_secs(text(options, "actor"), number(options, "lease"))?;
    Tickets::open(dir)?.with_options(&options)
}

/// Runs one operation and gives its result in the contract's JSON shape.
fn run(t: &Tickets, op: &str, a: &Value, interrupt_after: Option<f64>) -> Result<Value> {
    let id = || required(a, "id");
    Ok(match op {
        "create" => json(
            t.create(NewTicket {
                title: required(a, "title"),
                assignee: text(a, "assignee"),
                deps: strings(a, "deps").unwrap_or_default(),
                priority: a.get("priority").and_then(Value::as_i64),
                kind: text(a, "type"),
                tags: strings(a, "tags").unwrap_or_default(),
                description: text(a, "description"),
                parent: text(a, "parent"),
                id: text(a, "id"),
                defer_until: text(a, "defer_until")
                    .map(|w| ayo_tickets::when_from_text(&w))
                    .transpose()?,
            })?,
        ),
        "get" => json(t.get(&id())?),
        "list" => json(t.list(&Filter {
            status: text(a, "status").map(|s| s.parse()).transpose()?,
            assignee: text(a, "assignee"),
            tag: text(a, "tag"),
            kind: text(a, "type"),
            parent: text(a, "parent"),
            archived: a.get("archived").and_then(|v| v.as_bool()).unwrap_or(false),
        })?),
        "search" => json(t.search(
            &required(a, "text"),
            &Filter {
                status: text(a, "status").map(|s| s.parse()).transpose()?,
                assignee: text(a, "assignee"),
                tag: text(a, "tag"),
                ..Filter::default()
            },
        )?),
        "ready" => json(t.ready(text(a, "assignee").as_deref())?),
        "blocked" => json(t.blocked(text(a, "assignee").as_deref())?),
        "update" => {
            let defer_until = clearable(a, "defer_until")
                .map(|w| w.as_deref().map(ayo_tickets::when_from_text).transpose())
                .transpose()?;
            json(t.update(
                &id(),
                Update {
                    title: text(a, "title"),
                    description: text(a, "description"),
                    priority: a.get("priority").and_then(Value::as_i64),
                    kind: text(a, "type"),
                    tags: strings(a, "tags"),
                    parent: clearable(a, "parent"),
                    defer_until,
                },
            )?)
        }
        "start" => json(t.start(&id(), text(a, "agent").as_deref(), flag(a, "force"))?),
        "claim" => {
            let options =
                ClaimOptions::from_secs(flag(a, "wait"), number(a, "timeout"), number(a, "lease"))?;
            let start = Instant::now();
            let interrupt = || match interrupt_after {
                Some(s) if start.elapsed().as_secs_f64() >= s => Err(Error::Interrupted),
                _ => Ok(()),
            };
            json(t.claim_with(&required(a, "agent"), &options, Some(&interrupt))?)
        }
        "heartbeat" => {
            let lease = number(a, "lease").map(lease_from_secs).transpose()?;
            json(t.heartbeat(&id(), &required(a, "agent"), lease)?)
        }
        "release" => json(t.release(&id(), text(a, "agent").as_deref())?),
        "close" => json(t.close(&id(), text(a, "reason").as_deref())?),
        "reopen" => json(t.reopen(&id())?),
        "note" => json(t.note(&id(), &required(a, "text"))?),
        "assign" => json(t.assign(&id(), text(a, "agent").as_deref())?),
        "add_dep" => json(t.add_dep(&id(), &required(a, "dep"))?),
        "remove_dep" => json(t.remove_dep(&id(), &required(a, "dep"))?),
        "dep_tree" => json(t.dep_tree(&id())?),
        "delete" => json(t.delete(&id(), flag(a, "force"))?),
        "wait_ready" => json(t.wait_ready(
            text(a, "assignee").as_deref(),
            wait_timeout(number(a, "timeout"))?,
        )?),
        "history" => json(t.history(text(a, "id").as_deref())?),
        "graph" => {
            let format: GraphFormat = text(a, "format").as_deref().unwrap_or("mermaid").parse()?;
            json(t.graph(format, text(a, "id").as_deref())?)
        }
        "check" => json(t.check()?),
        "defer" => {
            let until = text(a, "until").map(|w| ayo_tickets::when_from_text(&w));
            json(t.defer(&id(), until.transpose()?)?)
        }
        "why" => json(t.why(&id(), text(a, "agent").as_deref())?),
        "link" => {
            let others = strings(a, "others").unwrap_or_default();
            let others: Vec<&str> = others.iter().map(String::as_str).collect();
            json(t.link(&id(), &others)?)
        }
        "unlink" => json(t.unlink(&id(), &required(a, "other"))?),
        "archive" => match text(a, "older_than") {
            Some(age) => json(t.archive_older_than(ayo_tickets::duration_from_text(&age)?)?),
            None => {
                let ids = strings(a, "ids").unwrap_or_default();
                let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                json(t.archive(&ids)?)
            }
        },
        "unarchive" => json(t.unarchive(&id())?),
        other => panic!("the table names an operation the runner does not know: {other}"),
    })
}

/// The core as a runner: a handle opened afresh on the directory for each operation.
struct Core;

impl Runner for Core {
    fn run(
        &mut self,
        dir: &Path,
        options: &Value,
        op: &str,
        args: &Value,
        interrupt_after: Option<f64>,
    ) -> std::result::Result<Value, Value> {
        let t = open(dir, options).map_err(|e| e.to_json())?;
        if op == "open" {
            return Ok(Value::Null);
        }
        run(&t, op, args, interrupt_after).map_err(|e| e.to_json())
    }
}

/// Every case of the table, in the core: the reference the front ends' runners agree with.
#[test]
fn every_case_of_the_table_holds_in_the_core() {
    // The table assumes no actor or default lease from the environment.
    if std::env::var_os("AYO_AGENT").is_some() || std::env::var_os("AYO_LEASE").is_some() {
        eprintln!("conformance: AYO_AGENT or AYO_LEASE is set: the table did not run");
        return;
    }
    let (run, failures) = run_table("rust", &mut Core);
    assert!(
        failures.is_empty(),
        "{} of {run} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
