//! The PostgreSQL claim restates the claimable rule in one SQL statement. This property test
//! runs random sequences of operations on a PostgreSQL store and on the memory store (the
//! reference) and compares every result, the ready queue and the list after each step, and the
//! audit logs at the end.

use std::cell::RefCell;

use ayo_test_support::{Schema, available, client};
use ayo_tickets::store::Access;
use ayo_tickets::{ClaimOptions, Error, Filter, NewTicket, Status, Ticket, Tickets};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const IDS: [&str; 7] = ["t0", "t1", "t2", "t3", "t4", "t5", "t6"];
const AGENTS: [&str; 3] = ["w0", "@w1", "w2"];
/// Assignees as other tools write them, set straight in the store.
const RAW: [&str; 5] = ["Jane Doe", " @w0 ", "@@w1", "w2", "@W0"];

#[derive(Debug, Clone)]
enum Op {
    Create {
        id: usize,
        assignee: Option<usize>,
        priority: i64,
        deps: Vec<usize>,
    },
    Claim {
        agent: usize,
        lease: bool,
    },
    Start {
        id: usize,
        agent: Option<usize>,
    },
    Close(usize),
    Reopen(usize),
    Release(usize),
    Assign {
        id: usize,
        agent: Option<usize>,
    },
    RawAssignee {
        id: usize,
        raw: usize,
    },
    AddDep(usize, usize),
    RemoveDep(usize, usize),
    /// The lease of an in-progress ticket runs out (one is given if it had none).
    Expire(usize),
    Delete(usize, bool),
}

fn op() -> impl Strategy<Value = Op> {
    let id = 0..IDS.len();
    let agent = 0..AGENTS.len();
    prop_oneof![
        4 => (id.clone(), proptest::option::of(agent.clone()), 0..3i64,
              proptest::collection::vec(0..IDS.len(), 0..3))
            .prop_map(|(id, assignee, priority, deps)| Op::Create { id, assignee, priority, deps }),
        5 => (agent.clone(), any::<bool>()).prop_map(|(agent, lease)| Op::Claim { agent, lease }),
        1 => (id.clone(), proptest::option::of(agent.clone()))
            .prop_map(|(id, agent)| Op::Start { id, agent }),
        3 => id.clone().prop_map(Op::Close),
        1 => id.clone().prop_map(Op::Reopen),
        1 => id.clone().prop_map(Op::Release),
        1 => (id.clone(), proptest::option::of(agent)).prop_map(|(id, agent)| Op::Assign { id, agent }),
        1 => (id.clone(), 0..RAW.len()).prop_map(|(id, raw)| Op::RawAssignee { id, raw }),
        2 => (id.clone(), id.clone()).prop_map(|(a, b)| Op::AddDep(a, b)),
        1 => (id.clone(), id.clone()).prop_map(|(a, b)| Op::RemoveDep(a, b)),
        2 => id.clone().prop_map(Op::Expire),
        1 => (id, any::<bool>()).prop_map(|(id, force)| Op::Delete(id, force)),
    ]
}

/// A ticket without what differs between stores by nature (times; note text naming times).
#[derive(Debug, PartialEq)]
struct Seen {
    id: String,
    status: Status,
    assignee: Option<String>,
    deps: Vec<String>,
    blocked_by: Vec<String>,
    ready: bool,
    priority: u8,
    notes: Vec<(Option<String>, String)>,
    has_lease: bool,
    lease_secs: Option<u64>,
    started: bool,
    closed: bool,
}

fn seen(t: &Ticket) -> Seen {
    Seen {
        id: t.id.clone(),
        status: t.status.clone(),
        assignee: t.assignee.clone(),
        deps: t.deps.clone(),
        blocked_by: t.blocked_by.clone(),
        ready: t.ready,
        priority: t.priority,
        notes: t
            .notes
            .iter()
            .map(|n| {
                let text = match n.text.split_once(" ran out at ") {
                    Some((head, tail)) => {
                        format!(
                            "{head} ran out at …{}",
                            tail.split_once(';').map_or("", |x| x.1)
                        )
                    }
                    None => n.text.clone(),
                };
                (n.author.clone(), text)
            })
            .collect(),
        has_lease: t.lease_until.is_some(),
        lease_secs: t.lease_secs,
        started: t.started.is_some(),
        closed: t.closed.is_some(),
    }
}

type Outcome = Result<Vec<Seen>, String>;

fn err(e: Error) -> String {
    match &e {
        Error::Cycle { cycle } => format!("CYCLE {cycle:?}"),
        Error::Blocked { blocked_by, .. } => format!("BLOCKED {blocked_by:?}"),
        _ => e.code().to_string(),
    }
}

fn one(r: ayo_tickets::Result<Ticket>) -> Outcome {
    r.map(|t| vec![seen(&t)]).map_err(err)
}

/// Edits a ticket straight in the store, as another tool or the passing of time would.
fn edit(
    t: &Tickets,
    id: &str,
    f: impl FnOnce(&mut Ticket, chrono::DateTime<chrono::Utc>) -> bool,
) -> Outcome {
    let store = t.store().clone();
    let mut txn = store.begin(Access::Write).map_err(err)?;
    let now = txn.now().map_err(err)?;
    let Some(ticket) = txn.get(id).map_err(err)? else {
        return Err("NOT_FOUND".into());
    };
    let mut ticket = (*ticket).clone();
    if f(&mut ticket, now) {
        txn.put(&ticket).map_err(err)?;
        txn.commit().map_err(err)?;
    }
    Ok(Vec::new())
}

fn apply(t: &Tickets, op: &Op) -> Outcome {
    match op {
        Op::Create {
            id,
            assignee,
            priority,
            deps,
        } => {
            let mut new = NewTicket::new(format!("ticket {id}"))
                .id(IDS[*id])
                .priority(*priority);
            if let Some(a) = assignee {
                new = new.assignee(AGENTS[*a]);
            }
            one(t.create(new.deps(deps.iter().map(|d| IDS[*d]))))
        }
        Op::Claim { agent, lease } => {
            let options = ClaimOptions {
                lease: lease.then_some(60),
                ..ClaimOptions::default()
            };
            t.claim(AGENTS[*agent], options)
                .map(|c| c.iter().map(seen).collect())
                .map_err(err)
        }
        Op::Start { id, agent } => one(t.start(IDS[*id], agent.map(|a| AGENTS[a]), false)),
        Op::Close(id) => t
            .close(IDS[*id], Some("done"))
            .map(|c| {
                std::iter::once(&c.ticket)
                    .chain(&c.unblocked)
                    .map(seen)
                    .collect()
            })
            .map_err(err),
        Op::Reopen(id) => one(t.reopen(IDS[*id])),
        Op::Release(id) => one(t.release(IDS[*id], None)),
        Op::Assign { id, agent } => one(t.assign(IDS[*id], agent.map(|a| AGENTS[a]))),
        Op::RawAssignee { id, raw } => edit(t, IDS[*id], |tk, _| {
            tk.assignee = Some(RAW[*raw].to_string());
            true
        }),
        Op::AddDep(a, b) => one(t.add_dep(IDS[*a], IDS[*b])),
        Op::RemoveDep(a, b) => one(t.remove_dep(IDS[*a], IDS[*b])),
        Op::Expire(id) => edit(t, IDS[*id], |tk, now| {
            if tk.status != Status::InProgress {
                return false;
            }
            tk.lease_until = Some(now - chrono::Duration::seconds(1));
            tk.lease_secs = Some(tk.lease_secs.unwrap_or(1));
            true
        }),
        Op::Delete(id, force) => one(t.delete(IDS[*id], *force)),
    }
}

/// The ready queue and the list, as a reader sees them.
fn state(t: &Tickets) -> (Vec<String>, Vec<Seen>) {
    let ready = t.ready(None).unwrap().into_iter().map(|t| t.id).collect();
    let list = t
        .list(&Filter::default())
        .unwrap()
        .iter()
        .map(seen)
        .collect();
    (ready, list)
}

fn history(t: &Tickets) -> Vec<(Option<String>, String, String, String)> {
    t.history(None)
        .unwrap()
        .into_iter()
        .map(|e| (e.actor, e.ticket, e.action, e.detail))
        .collect()
}

#[test]
fn the_sql_claim_agrees_with_the_memory_store() {
    if !available() {
        return;
    }
    let schema = Schema::new("prop");
    let pg = Tickets::connect(&schema.url)
        .unwrap()
        .with_actor(None)
        .unwrap()
        .with_default_lease(None)
        .unwrap();
    let admin = RefCell::new(client());
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(64);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let ops = proptest::collection::vec(op(), 1..40);
    let result = runner.run(&ops, |ops| {
        admin
            .borrow_mut()
            .batch_execute(&format!(
                "TRUNCATE \"{0}\".tickets, \"{0}\".audit_log",
                schema.name
            ))
            .unwrap();
        let mem = Tickets::in_memory()
            .with_actor(None)
            .unwrap()
            .with_default_lease(None)
            .unwrap();
        for (i, op) in ops.iter().enumerate() {
            let want = apply(&mem, op);
            let got = apply(&pg, op);
            prop_assert_eq!(&got, &want, "step {} ({:?})", i, op);
            prop_assert_eq!(state(&pg), state(&mem), "after step {} ({:?})", i, op);
        }
        prop_assert_eq!(history(&pg), history(&mem));
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
