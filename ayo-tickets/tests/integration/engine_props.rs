//! Property tests of the engine: random operation sequences run on the memory store and on the
//! markdown store, archives and unarchives among them. No cycle is ever accepted (through
//! archived tickets neither); `ready`, `blocked_by` and the claim pick equal a brute-force
//! definition; both stores give identical results.

use std::collections::HashMap;

use ayo_tickets::{ClaimOptions, Error, Filter, NewTicket, Status, Ticket, Tickets, agent_matches};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Create {
        deps: Vec<usize>,
        assignee: Option<u8>,
        priority: u8,
    },
    AddDep(usize, usize),
    RemoveDep(usize, usize),
    Start(usize, Option<u8>),
    Close(usize),
    Reopen(usize),
    Release(usize),
    Claim(u8),
    Delete(usize, bool),
    Assign(usize, Option<u8>),
    Archive(usize),
    Unarchive(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let idx = 0usize..64;
    let agent = proptest::option::of(0u8..3);
    prop_oneof![
        3 => (proptest::collection::vec(idx.clone(), 0..3), agent.clone(), 0u8..5)
            .prop_map(|(deps, assignee, priority)| Op::Create { deps, assignee, priority }),
        3 => (idx.clone(), idx.clone()).prop_map(|(a, b)| Op::AddDep(a, b)),
        1 => (idx.clone(), idx.clone()).prop_map(|(a, b)| Op::RemoveDep(a, b)),
        2 => (idx.clone(), agent.clone()).prop_map(|(a, g)| Op::Start(a, g)),
        3 => idx.clone().prop_map(Op::Close),
        1 => idx.clone().prop_map(Op::Reopen),
        1 => idx.clone().prop_map(Op::Release),
        2 => (0u8..3).prop_map(Op::Claim),
        1 => (idx.clone(), any::<bool>()).prop_map(|(a, f)| Op::Delete(a, f)),
        1 => (idx.clone(), agent).prop_map(|(a, g)| Op::Assign(a, g)),
        2 => idx.clone().prop_map(Op::Archive),
        1 => idx.prop_map(Op::Unarchive),
    ]
}

/// Operations name tickets by a number taken modulo how many were created so far, so that
/// most of them hit a ticket that exists (or existed: deleted ones give NOT_FOUND).
fn id(i: usize) -> String {
    CREATED.with(|n| format!("t{}", i % n.get().max(1)))
}

thread_local! {
    static CREATED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn agent(a: u8) -> String {
    format!("@a{a}")
}

/// What an operation returned, without timestamps (they differ between runs).
fn outcome(r: Result<Option<Ticket>, Error>) -> String {
    match r {
        Ok(Some(t)) => format!("ok {}", strip(&t)),
        Ok(None) => "ok none".into(),
        Err(e) => format!("err {}", e.code()),
    }
}

fn strip(t: &Ticket) -> String {
    let mut t = t.clone();
    t.created = None;
    t.started = None;
    t.closed = None;
    t.lease_until = None;
    for n in &mut t.notes {
        n.at = chrono::DateTime::UNIX_EPOCH;
    }
    serde_json::to_string(&t).unwrap()
}

fn apply(t: &Tickets, next: &mut usize, op: &Op) -> String {
    let r = match op {
        Op::Create {
            deps,
            assignee,
            priority,
        } => {
            let mut n = NewTicket::new(format!("T {next}"))
                .id(format!("t{next}"))
                .priority(*priority as i64);
            if *next > 0 {
                n = n.deps(deps.iter().map(|d| id(*d)));
            }
            if let Some(a) = assignee {
                n = n.assignee(agent(*a));
            }
            let r = t.create(n).map(Some);
            *next += 1;
            r
        }
        Op::AddDep(a, b) => t.add_dep(&id(*a), &id(*b)).map(Some),
        Op::RemoveDep(a, b) => t.remove_dep(&id(*a), &id(*b)).map(Some),
        Op::Start(a, g) => t.start(&id(*a), g.map(agent).as_deref(), false).map(Some),
        Op::Close(a) => t.close(&id(*a), None).map(|c| Some(c.ticket)),
        Op::Reopen(a) => t.reopen(&id(*a)).map(Some),
        Op::Release(a) => t.release(&id(*a), None).map(Some),
        Op::Claim(g) => t.claim(&agent(*g), ClaimOptions::default()),
        Op::Delete(a, f) => t.delete(&id(*a), *f).map(Some),
        Op::Assign(a, g) => t.assign(&id(*a), g.map(agent).as_deref()).map(Some),
        Op::Archive(a) => t.archive(&[&id(*a)]).map(|v| v.into_iter().next()),
        Op::Unarchive(a) => t.unarchive(&id(*a)).map(Some),
    };
    outcome(r)
}

/// Every ticket: the active ones, then the archived ones.
fn everything(t: &Tickets) -> Vec<Ticket> {
    let archived = Filter {
        archived: true,
        ..Filter::default()
    };
    let mut all = t.list(&Filter::default()).unwrap();
    all.extend(t.list(&archived).unwrap());
    all
}

/// The brute-force definitions, checked against the engine after every operation (an archived
/// ticket is closed, and counts as closed as a dep).
fn check_invariants(t: &Tickets) -> Result<(), TestCaseError> {
    let all = everything(t);
    for x in all.iter().filter(|x| x.archived) {
        prop_assert_eq!(&x.status, &Status::Closed);
    }
    let by_id: HashMap<&str, &Ticket> = all.iter().map(|t| (t.id.as_str(), t)).collect();
    let closed = |d: &str| by_id.get(d).is_some_and(|t| t.status == Status::Closed);
    for x in &all {
        let want: Vec<String> = x.deps.iter().filter(|d| !closed(d)).cloned().collect();
        prop_assert_eq!(&x.blocked_by, &want);
        prop_assert_eq!(x.ready, x.status == Status::Open && want.is_empty());
    }
    prop_assert!(!has_cycle(&by_id), "a cycle was accepted");
    let mut ready: Vec<&Ticket> = all.iter().filter(|t| t.ready).collect();
    ready.sort_by(|a, b| (a.priority, a.created, &a.id).cmp(&(b.priority, b.created, &b.id)));
    let want: Vec<&str> = ready.iter().map(|t| t.id.as_str()).collect();
    let got: Vec<String> = t.ready(None).unwrap().into_iter().map(|t| t.id).collect();
    prop_assert_eq!(got, want);
    Ok(())
}

/// A plain depth-first search for a cycle, independent of the engine's graph code.
fn has_cycle(by_id: &HashMap<&str, &Ticket>) -> bool {
    fn visit<'a>(
        id: &'a str,
        by_id: &HashMap<&str, &'a Ticket>,
        state: &mut HashMap<&'a str, u8>,
    ) -> bool {
        match state.get(id) {
            Some(1) => return true,
            Some(_) => return false,
            None => {}
        }
        state.insert(id, 1);
        if let Some(t) = by_id.get(id) {
            for d in &t.deps {
                if visit(d, by_id, state) {
                    return true;
                }
            }
        }
        state.insert(id, 2);
        false
    }
    let mut state = HashMap::new();
    by_id.keys().any(|id| visit(id, by_id, &mut state))
}

/// The ticket a claim by `a` should pick, by the contract's rule (no leases in these runs).
fn expected_claim(t: &Tickets, a: &str) -> Option<String> {
    let mut c: Vec<Ticket> = t
        .ready(None)
        .unwrap()
        .into_iter()
        .filter(|x| x.assignee.is_none() || agent_matches(x.assignee.as_deref(), a))
        .collect();
    c.sort_by_key(|x| (x.assignee.is_none(), x.priority, x.created, x.id.clone()));
    c.first().map(|x| x.id.clone())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48),
        .. ProptestConfig::default()
    })]

    #[test]
    fn random_operations_keep_every_rule(ops in proptest::collection::vec(op(), 1..60)) {
        let dir = tempfile::tempdir().unwrap();
        let mem = Tickets::in_memory();
        let md = Tickets::open(dir.path()).unwrap();
        let (mut n1, mut n2) = (0, 0);
        let mut stats = HashMap::<bool, usize>::new();
        for op in &ops {
            CREATED.with(|c| c.set(n1));
            if let Op::Claim(g) = op {
                let want = expected_claim(&mem, &agent(*g));
                let got = mem.claim(&agent(*g), ClaimOptions::default()).unwrap().map(|t| t.id);
                prop_assert_eq!(&got, &want);
                let got_md = md.claim(&agent(*g), ClaimOptions::default()).unwrap().map(|t| t.id);
                prop_assert_eq!(got_md, want);
            } else {
                let a = apply(&mem, &mut n1, op);
                let b = apply(&md, &mut n2, op);
                *stats.entry(a.starts_with("ok")).or_default() += 1;
                prop_assert_eq!(&a, &b, "memory and markdown differ on {:?}", op);
            }
            check_invariants(&mem)?;
        }
        if std::env::var("AYO_PROP_STATS").is_ok() {
            eprintln!("ok/err: {stats:?}");
        }
        let strip_all = |t: &Tickets| -> Vec<String> { everything(t).iter().map(strip).collect() };
        prop_assert_eq!(strip_all(&mem), strip_all(&md));
    }
}
