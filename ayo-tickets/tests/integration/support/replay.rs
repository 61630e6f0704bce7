//! Replays an audit log against the rules, with what each child process recorded of its own
//! successful writes, and compares the outcome with the store's final state.
//!
//! What it proves, for a run of many writers on one store:
//! - each writer's log entries are exactly its own successful writes, in its order (nothing
//!   lost, nothing invented, nothing counted twice);
//! - no ticket was ever held by two agents at once: a claim or start of a ticket held by
//!   another agent appears only as the takeover of a lease that had run out (checked against
//!   the exact lease end the holder's claim returned and the taker's claim time);
//! - no claim or start took a ticket whose deps were not all closed, no closed ticket was
//!   claimed, closed or started again, no displaced or foreign agent released, noted or closed
//!   a ticket under somebody's running lease;
//! - no edge closed a cycle;
//! - the final tickets are what the log says: status, assignee, title, deps, and every note,
//!   each exactly once and in order.

use std::collections::{BTreeMap, HashMap};

use ayo_tickets::{LogEntry, Status, Ticket};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// A ticket as the replay sees it.
#[derive(Debug, Clone)]
struct State {
    status: Status,
    assignee: Option<String>,
    lease_until: Option<DateTime<Utc>>,
    deps: Vec<String>,
    title: String,
    notes: Vec<String>,
}

fn time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str().and_then(|s| s.parse().ok())
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

/// True when `to` reaches `from` along dep edges (so `from -> to` would close a cycle).
fn reaches(tickets: &HashMap<String, State>, to: &str, from: &str) -> bool {
    let mut stack = vec![to.to_string()];
    let mut seen = std::collections::HashSet::new();
    while let Some(id) = stack.pop() {
        if id == from {
            return true;
        }
        if !seen.insert(id.clone()) {
            continue;
        }
        if let Some(s) = tickets.get(&id) {
            stack.extend(s.deps.iter().cloned());
        }
    }
    false
}

/// What a replay found: the violations, and counts for the report.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Every rule broken or fact that disagrees; empty when all is well.
    pub violations: Vec<String>,
    /// Log entries replayed.
    pub entries: usize,
    /// Claims that took over a run-out lease.
    pub takeovers: usize,
    /// Notes checked (note, close reason and takeover notes).
    pub notes: usize,
}

/// Replays `log` (oldest first). `seeded` are the tickets the parent made before the writers
/// started (their creates carry another actor); `records` holds each writer's successful writes
/// in its own order, as JSON objects with `op` (the log action) and `ticket`, plus `deps`,
/// `assignee`, `title` (create, update), `text` (note), `reason` (close), `started`,
/// `lease_until` and `takeover` (claim) and `dep` (dep add).
pub fn replay(
    seeded: &[Ticket],
    log: &[LogEntry],
    records: &BTreeMap<String, Vec<Value>>,
    finals: &[Ticket],
) -> Outcome {
    let mut out = Outcome {
        entries: log.len(),
        ..Outcome::default()
    };
    let v = &mut out.violations;

    // 1. Each writer's entries are exactly its records.
    for (actor, recs) in records {
        let mine: Vec<(&str, &str)> = log
            .iter()
            .filter(|e| e.actor.as_deref() == Some(actor.as_str()))
            .map(|e| (e.action.as_str(), e.ticket.as_str()))
            .collect();
        let want: Vec<(&str, &str)> = recs
            .iter()
            .map(|r| {
                (
                    r["op"].as_str().unwrap_or("?"),
                    r["ticket"].as_str().unwrap_or("?"),
                )
            })
            .collect();
        if mine != want {
            let first = mine.iter().zip(&want).position(|(a, b)| a != b);
            v.push(format!(
                "{actor}: {} log entries for {} successful writes; first difference at {first:?}",
                mine.len(),
                want.len()
            ));
        }
    }
    let seeded_by_id: HashMap<&str, &Ticket> = seeded.iter().map(|t| (t.id.as_str(), t)).collect();
    for e in log {
        let known = e.actor.as_deref().is_some_and(|a| records.contains_key(a));
        let seeding = e.action == "create" && seeded_by_id.contains_key(e.ticket.as_str());
        if !(known || seeding) {
            v.push(format!("an entry nobody made: {e:?}"));
        }
    }
    if !v.is_empty() {
        return out; // the records cannot be attached to the entries
    }

    // 2. Replay, each entry with its writer's record.
    let mut cursor: HashMap<&str, usize> = HashMap::new();
    let mut tickets: HashMap<String, State> = HashMap::new();
    for e in log {
        let actor = e.actor.clone().unwrap_or_default();
        let rec = match records.get(&actor) {
            Some(recs) => {
                let i = cursor.entry(recs_key(&actor, records)).or_insert(0);
                *i += 1;
                recs[*i - 1].clone()
            }
            None => Value::Null,
        };
        let id = e.ticket.clone();
        if e.action == "create" {
            let state = match seeded_by_id.get(id.as_str()) {
                Some(t) if rec.is_null() => State {
                    status: Status::Open,
                    assignee: t.assignee.clone(),
                    lease_until: None,
                    deps: t.deps.clone(),
                    title: t.title.clone(),
                    notes: Vec::new(),
                },
                _ => State {
                    status: Status::Open,
                    assignee: rec["assignee"].as_str().map(str::to_string),
                    lease_until: None,
                    deps: rec["deps"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|d| d.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default(),
                    title: text(&rec, "title"),
                    notes: Vec::new(),
                },
            };
            if tickets.insert(id.clone(), state).is_some() {
                v.push(format!("{id} created twice"));
            }
            continue;
        }
        let Some(before) = tickets.get(&id) else {
            v.push(format!("{} on {id}, which was never created", e.action));
            continue;
        };
        let unblocked = before
            .deps
            .iter()
            .all(|d| tickets.get(d).is_some_and(|x| x.status == Status::Closed));
        let closes_cycle = e.action == "dep add" && reaches(&tickets, &e.detail, &id);
        let s = tickets.get_mut(&id).expect("looked up above");
        // A running lease of somebody else: what refuses foreign closes, notes and releases.
        let foreign_lease = s.status == Status::InProgress
            && s.assignee.as_deref() != Some(actor.as_str())
            && s.lease_until.is_some_and(|l| l > e.at);
        match e.action.as_str() {
            "claim" => {
                let started = time(&rec["started"]);
                let open_for_me = s.status == Status::Open
                    && (s.assignee.is_none() || s.assignee.as_deref() == Some(actor.as_str()));
                let takeover = s.status == Status::InProgress
                    && matches!((s.lease_until, started), (Some(l), Some(now)) if l <= now);
                if !unblocked {
                    v.push(format!("{actor} claimed {id} while it was blocked"));
                }
                if !open_for_me && !takeover {
                    v.push(format!(
                        "{actor} claimed {id} while it was {} for {:?} (lease {:?}, claim at {:?})",
                        s.status, s.assignee, s.lease_until, started
                    ));
                }
                if takeover {
                    out.takeovers += 1;
                    match rec["takeover"].as_str() {
                        Some(n) => s.notes.push(n.to_string()),
                        None => v.push(format!("{actor}'s takeover of {id} left no note")),
                    }
                } else if !rec["takeover"].is_null() {
                    v.push(format!(
                        "{actor}'s claim of {id} noted a takeover of an open ticket"
                    ));
                }
                s.status = Status::InProgress;
                s.assignee = Some(actor.clone());
                s.lease_until = time(&rec["lease_until"]);
            }
            "start" => {
                if s.status != Status::Open {
                    v.push(format!("{actor} started {id} while it was {}", s.status));
                }
                if !unblocked {
                    v.push(format!("{actor} started {id} while it was blocked"));
                }
                s.status = Status::InProgress;
                s.assignee = Some(actor.clone());
                s.lease_until = None;
            }
            "release" => {
                if s.status != Status::InProgress || s.assignee.as_deref() != Some(actor.as_str()) {
                    v.push(format!(
                        "{actor} released {id}, {} for {:?}",
                        s.status, s.assignee
                    ));
                }
                s.status = Status::Open;
                s.lease_until = None;
            }
            "close" => {
                if s.status == Status::Closed {
                    v.push(format!("{actor} closed {id} twice"));
                }
                if foreign_lease {
                    v.push(format!(
                        "{actor} closed {id} under {:?}'s lease",
                        s.assignee
                    ));
                }
                s.status = Status::Closed;
                s.lease_until = None;
                if !e.detail.is_empty() {
                    s.notes.push(e.detail.clone());
                }
            }
            "note" => {
                if foreign_lease {
                    v.push(format!("{actor} noted {id} under {:?}'s lease", s.assignee));
                }
                s.notes.push(e.detail.clone());
            }
            "dep add" => {
                let dep = e.detail.clone();
                if closes_cycle {
                    v.push(format!("{actor} added {id} -> {dep}, which closes a cycle"));
                }
                if s.deps.contains(&dep) {
                    v.push(format!("{actor} added {id} -> {dep} twice"));
                }
                s.deps.push(dep);
            }
            "update" => s.title = text(&rec, "title"),
            other => v.push(format!("unexpected action {other} on {id}")),
        }
    }

    // 3. The final state is the replayed one.
    let finals: HashMap<&str, &Ticket> = finals.iter().map(|t| (t.id.as_str(), t)).collect();
    for (id, s) in &tickets {
        let Some(t) = finals.get(id.as_str()) else {
            v.push(format!("{id} was created and is gone"));
            continue;
        };
        let notes: Vec<String> = t.notes.iter().map(|n| n.text.clone()).collect();
        out.notes += notes.len();
        let got = (t.status.clone(), &t.assignee, &t.deps, &t.title, &notes);
        let want = (s.status.clone(), &s.assignee, &s.deps, &s.title, &s.notes);
        if got != want {
            v.push(format!(
                "{id}: the store has {got:?}, the log says {want:?}"
            ));
        }
        if t.status != Status::InProgress && t.lease_until.is_some() {
            v.push(format!("{id} is {} with a lease", t.status));
        }
    }
    for id in finals.keys() {
        if !tickets.contains_key(*id) {
            v.push(format!(
                "{id} is in the store but its create is not in the log"
            ));
        }
    }
    out
}

/// The map key of an actor's cursor (the actor's own string, borrowed from `records`).
fn recs_key<'a>(actor: &str, records: &'a BTreeMap<String, Vec<Value>>) -> &'a str {
    records
        .get_key_value(actor)
        .map(|(k, _)| k.as_str())
        .unwrap_or_default()
}
