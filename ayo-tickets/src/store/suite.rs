//! The store test suite: every backend runs it unchanged with one line,
//! `store_suite!(|| make_tickets())`, where the closure returns a fresh, empty
//! [`crate::Tickets`] plus whatever must live as long as it (a temp dir, a schema guard).

use std::time::Duration;

use crate::error::Error;
use crate::options::ClaimOptions;
use crate::request::{Filter, NewTicket, ProblemKind, Update};
use crate::store::{Access, LogEntry};
use crate::ticket::{Status, Ticket};
use crate::{GraphFormat, Tickets};

/// Creates a ticket with a title and deps, panicking on error.
pub(crate) fn mk(t: &Tickets, title: &str, deps: &[&str]) -> Ticket {
    t.create(NewTicket::new(title).deps(deps.iter().copied()))
        .unwrap()
}

/// True for a store that numbers new tickets (a Claude Code task list) instead of drawing
/// random ids.
fn numbers_ids(t: &Tickets) -> bool {
    t.store()
        .location()
        .starts_with(crate::store::claude::PREFIX)
}

fn ids(ts: &[Ticket]) -> Vec<&str> {
    ts.iter().map(|t| t.id.as_str()).collect()
}

pub(crate) fn create_and_get(t: &Tickets) {
    let a = t
        .create(
            NewTicket::new("  Extract data  ")
                .assignee("extractor")
                .priority(1)
                .kind("bug")
                .tags(["finance", "q1"])
                .description("Free text.\n\n## Design\nx"),
        )
        .unwrap();
    assert_eq!(a.title, "Extract data");
    assert_eq!(a.assignee.as_deref(), Some("@extractor"));
    if numbers_ids(t) {
        // A store that numbers its records gives the first one 1.
        assert_eq!(a.id, "1");
    } else {
        assert_eq!(a.id.len(), 6);
        assert!(a.id.as_bytes()[0].is_ascii_lowercase());
    }
    assert!(a.ready && a.created.is_some());
    let got = t.get(&a.id).unwrap();
    assert_eq!(got, a);
    if !numbers_ids(t) {
        assert_eq!(t.get(&a.id[..4]).unwrap().id, a.id);
    }
    assert_eq!(t.get("zzzzzzz").unwrap_err().code(), "NOT_FOUND");
    assert_eq!(t.get("a/b").unwrap_err().code(), "INVALID");
    let b = t.create(NewTicket::new("B").id("abc1")).unwrap();
    t.create(NewTicket::new("C").id("abc2")).unwrap();
    match t.get("abc").unwrap_err() {
        Error::Ambiguous { candidates, .. } => assert_eq!(candidates, ["abc1", "abc2"]),
        e => panic!("{e:?}"),
    }
    assert_eq!(t.get("abc1").unwrap().id, b.id);
    assert_eq!(
        t.create(NewTicket::new("again").id("abc1"))
            .unwrap_err()
            .code(),
        "EXISTS"
    );
    for bad in [
        NewTicket::new(""),
        NewTicket::new("a\nb"),
        NewTicket::new("x").priority(5),
        NewTicket::new("x").kind("story"),
        NewTicket::new("x").id("../etc"),
        NewTicket::new("x").assignee("two words"),
        NewTicket::new("x").tags(["a,b"]),
    ] {
        assert_eq!(t.create(bad).unwrap_err().code(), "INVALID");
    }
    assert_eq!(
        t.create(NewTicket::new("x").dep("nope"))
            .unwrap_err()
            .code(),
        "NOT_FOUND"
    );
    assert_eq!(t.list(&Filter::default()).unwrap().len(), 3);
}

pub(crate) fn list_ready_blocked(t: &Tickets) {
    let a = t
        .create(NewTicket::new("a").assignee("x").priority(3))
        .unwrap();
    let b = t
        .create(NewTicket::new("b").priority(1).tags(["t"]))
        .unwrap();
    let c = t
        .create(NewTicket::new("c").dep(&a.id).assignee("@x").parent(&a.id))
        .unwrap();
    let d = t.create(NewTicket::new("d").kind("epic")).unwrap();
    t.start(&d.id, None, false).unwrap();
    assert_eq!(
        ids(&t.list(&Filter::default()).unwrap()),
        [&a.id, &b.id, &c.id, &d.id]
    );
    assert_eq!(ids(&t.ready(None).unwrap()), [&b.id, &a.id]);
    assert_eq!(ids(&t.ready(Some("x")).unwrap()), [&a.id]);
    assert_eq!(ids(&t.ready(Some("@x")).unwrap()), [&a.id]);
    let blocked = t.blocked(None).unwrap();
    assert_eq!(ids(&blocked), [&c.id]);
    assert_eq!(blocked[0].blocked_by, [a.id.as_str()]);
    let f = |f: Filter| {
        t.list(&f)
            .unwrap()
            .into_iter()
            .map(|t| t.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        f(Filter {
            status: Some(Status::InProgress),
            ..Filter::default()
        }),
        [d.id.as_str()]
    );
    assert_eq!(
        f(Filter {
            assignee: Some("x".into()),
            ..Filter::default()
        }),
        [a.id.as_str(), c.id.as_str()]
    );
    assert_eq!(
        f(Filter {
            tag: Some("t".into()),
            ..Filter::default()
        }),
        [b.id.as_str()]
    );
    assert_eq!(
        f(Filter {
            kind: Some("epic".into()),
            ..Filter::default()
        }),
        [d.id.as_str()]
    );
    assert_eq!(
        f(Filter {
            parent: Some(a.id.clone()),
            ..Filter::default()
        }),
        [c.id.as_str()]
    );
}

/// Sets parents behind the rules' back, as a hand edit of the files would.
fn hand_set_parents(t: &Tickets, parents: &[(&str, Option<&str>)]) {
    let mut txn = t.store().begin(Access::Write).unwrap();
    for (id, parent) in parents {
        let mut x = (*txn.get(id).unwrap().unwrap()).clone();
        x.parent = parent.map(str::to_string);
        txn.put(&x).unwrap();
    }
    txn.commit().unwrap();
}

/// A ticket as another tool wrote it: a status word that is none of the three, links and an
/// external reference. Every backend keeps them; the rules count the status as not closed,
/// never ready or claimable; `check` names it; `reopen` makes it open, `close` closes it.
pub(crate) fn other_tools_values(t: &Tickets) {
    let dep = mk(t, "dep", &[]);
    let child = mk(t, "child", &[&dep.id]);
    let mut txn = t.store().begin(Access::Write).unwrap();
    let mut x = (*txn.get(&dep.id).unwrap().unwrap()).clone();
    x.status = Status::Other("deferred".into());
    x.links = vec![child.id.clone(), "elsewhere".into()];
    x.external_ref = Some("gh-42".into());
    txn.put(&x).unwrap();
    txn.commit().unwrap();
    let got = t.get(&dep.id).unwrap();
    assert_eq!(got.status, Status::Other("deferred".into()));
    assert_eq!(got.links, [child.id.as_str(), "elsewhere"]);
    assert_eq!(got.external_ref.as_deref(), Some("gh-42"));
    assert_eq!(got.to_json()["status"], "deferred");
    assert!(!got.ready);
    assert!(t.ready(None).unwrap().is_empty());
    assert_eq!(ids(&t.blocked(None).unwrap()), [child.id.as_str()]);
    assert_eq!(t.get(&child.id).unwrap().blocked_by, [dep.id.as_str()]);
    assert!(t.claim("@w", ClaimOptions::default()).unwrap().is_none());
    assert_eq!(
        t.start(&dep.id, None, true).unwrap_err().code(),
        "INVALID_TRANSITION"
    );
    let listed = t.list(&Filter::default()).unwrap();
    assert_eq!(listed.len(), 2);
    let problems = t.check().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.kind == ProblemKind::NonstandardValue
                && p.ticket.as_deref() == Some(dep.id.as_str())
                && p.read_as.as_deref() == Some("deferred")),
        "{problems:?}"
    );
    assert_eq!(t.reopen(&dep.id).unwrap().status, Status::Open);
    assert_eq!(t.get(&dep.id).unwrap().links.len(), 2);
    let closed = t.close(&dep.id, None).unwrap();
    assert_eq!(ids(&closed.unblocked), [child.id.as_str()]);
}

pub(crate) fn parents(t: &Tickets) {
    let new = |id: &str, parent: Option<&str>| {
        let n = NewTicket::new(id).id(id);
        t.create(match parent {
            Some(p) => n.parent(p),
            None => n,
        })
    };
    let set = |id: &str, parent: &str| {
        t.update(
            id,
            Update {
                parent: Some(Some(parent.into())),
                ..Update::default()
            },
        )
    };
    let message = |e: Error| (e.code(), e.to_string());
    new("epic1", None).unwrap();
    new("epic2", None).unwrap();
    assert_eq!(
        new("a1", Some("epic1")).unwrap().parent.as_deref(),
        Some("epic1")
    );
    new("b1", Some("a")).unwrap();
    // A ticket is not its own parent, nor its own ancestor; nothing is written.
    for (id, parent) in [("epic1", "epic1"), ("a1", "a")] {
        assert_eq!(
            message(set(id, parent).unwrap_err()),
            ("INVALID", format!("ticket '{id}' cannot be its own parent"))
        );
    }
    assert_eq!(
        message(set("epic1", "b").unwrap_err()),
        (
            "INVALID",
            "parent 'b1' would make a parent cycle: epic1 -> b1 -> a1 -> epic1".into()
        )
    );
    assert_eq!(t.get("epic1").unwrap().parent, None);
    assert_eq!(
        set("epic1", "epic2").unwrap().parent.as_deref(),
        Some("epic2")
    );
    // A new ticket whose chosen id a parent already names (a dangling link) closes a loop too.
    hand_set_parents(t, &[("epic2", Some("new1"))]);
    let e = new("new1", Some("b1")).unwrap_err();
    assert_eq!(
        message(e),
        (
            "INVALID",
            "parent 'b1' would make a parent cycle: new1 -> b1 -> a1 -> epic1 -> epic2 -> new1"
                .into()
        )
    );
    assert_eq!(t.get("new").unwrap_err().code(), "NOT_FOUND");
    assert!(t.check().unwrap().is_empty());
    // Loops made by hand edits are what check reports.
    hand_set_parents(t, &[("epic2", Some("a1")), ("b1", Some("b1"))]);
    let found: Vec<_> = t
        .check()
        .unwrap()
        .into_iter()
        .map(|p| (p.kind, p.ticket, p.cycle.join(" "), p.message))
        .collect();
    let problem = |ticket: &str, cycle: &str, message: &str| {
        let ticket = Some(ticket.to_string());
        (
            ProblemKind::ParentCycle,
            ticket,
            cycle.to_string(),
            message.to_string(),
        )
    };
    assert_eq!(
        found,
        [
            problem(
                "a1",
                "a1 epic1 epic2 a1",
                "parent cycle: a1 -> epic1 -> epic2 -> a1"
            ),
            problem("b1", "b1 b1", "ticket 'b1' is its own parent"),
        ]
    );
}

pub(crate) fn parent_filter_takes_a_prefix(t: &Tickets) {
    for (id, parent) in [("epic1", None), ("epic2", None), ("a1", Some("epic1"))] {
        let n = NewTicket::new(id).id(id);
        t.create(match parent {
            Some(p) => n.parent(p),
            None => n,
        })
        .unwrap();
    }
    t.create(NewTicket::new("b1").id("b1").parent("a1"))
        .unwrap();
    let children = |parent: &str| {
        t.list(&Filter {
            parent: Some(parent.into()),
            ..Filter::default()
        })
    };
    assert_eq!(ids(&children("epic1").unwrap()), ["a1"]);
    // A unique prefix, as every id argument takes; NotFound and Ambiguous as for `get`.
    assert_eq!(ids(&children("a").unwrap()), ["b1"]);
    assert!(children("epic2").unwrap().is_empty());
    assert_eq!(children("zz").unwrap_err().code(), "NOT_FOUND");
    assert_eq!(children("").unwrap_err().code(), "INVALID");
    match children("epic").unwrap_err() {
        Error::Ambiguous { candidates, .. } => assert_eq!(candidates, ["epic1", "epic2"]),
        e => panic!("{e:?}"),
    }
    // A parent that is gone is still found by the id its children name.
    hand_set_parents(t, &[("epic2", Some("gone1"))]);
    assert_eq!(ids(&children("gone1").unwrap()), ["epic2"]);
    assert_eq!(children("gone").unwrap_err().code(), "NOT_FOUND");
}

pub(crate) fn empty_agent_filters_are_invalid(t: &Tickets) {
    mk(t, "a", &[]);
    for agent in ["", "  ", "@", " @ "] {
        let filter = Filter {
            assignee: Some(agent.into()),
            ..Filter::default()
        };
        assert_eq!(t.list(&filter).unwrap_err().code(), "INVALID", "{agent:?}");
        assert_eq!(t.ready(Some(agent)).unwrap_err().code(), "INVALID");
        assert_eq!(t.blocked(Some(agent)).unwrap_err().code(), "INVALID");
        let wait = t.wait_ready(Some(agent), Some(Duration::ZERO));
        assert_eq!(wait.unwrap_err().code(), "INVALID");
    }
    assert_eq!(t.ready(None).unwrap().len(), 1);
}

pub(crate) fn transitions(t: &Tickets) {
    let a = mk(t, "a", &[]);
    let b = mk(t, "b", &[&a.id]);
    match t.start(&b.id, None, false).unwrap_err() {
        Error::Blocked { blocked_by, .. } => assert_eq!(blocked_by, [a.id.as_str()]),
        e => panic!("{e:?}"),
    }
    let s = t.start(&a.id, Some("one"), false).unwrap();
    assert_eq!(
        (s.status, s.assignee.as_deref()),
        (Status::InProgress, Some("@one"))
    );
    assert!(s.started.is_some() && !s.ready);
    assert_eq!(
        t.start(&a.id, Some("@one"), false).unwrap().started,
        s.started
    );
    assert_eq!(
        t.start(&a.id, Some("two"), false).unwrap_err().code(),
        "CONFLICT"
    );
    let r = t.release(&a.id, Some("one")).unwrap();
    assert_eq!(
        (r.status, r.assignee.as_deref()),
        (Status::Open, Some("@one"))
    );
    assert_eq!(
        t.release(&a.id, None).unwrap_err().code(),
        "INVALID_TRANSITION"
    );
    let closed = t.close(&a.id, Some("done well")).unwrap();
    assert_eq!(closed.ticket.status, Status::Closed);
    assert_eq!(closed.ticket.notes.last().unwrap().text, "done well");
    assert_eq!(ids(&closed.unblocked), [&b.id]);
    assert!(closed.unblocked[0].ready);
    assert_eq!(
        t.close(&a.id, None).unwrap_err().code(),
        "INVALID_TRANSITION"
    );
    assert!(t.get(&b.id).unwrap().ready);
    let re = t.reopen(&a.id).unwrap();
    assert_eq!((re.status, re.closed), (Status::Open, None));
    assert!(!t.get(&b.id).unwrap().ready);
    assert_eq!(t.reopen(&a.id).unwrap_err().code(), "INVALID_TRANSITION");
    let forced = t.start(&b.id, None, true).unwrap();
    assert_eq!(forced.status, Status::InProgress);
    assert_eq!(forced.blocked_by, [a.id.as_str()]);
}

pub(crate) fn close_unblocks_only_the_last_dep(t: &Tickets) {
    let a = mk(t, "a", &[]);
    let b = mk(t, "b", &[]);
    let c = mk(t, "c", &[&a.id, &b.id]);
    let d = mk(t, "d", &[&a.id]);
    let e = mk(t, "e", &[&a.id]);
    t.start(&e.id, None, true).unwrap();
    assert_eq!(ids(&t.close(&a.id, None).unwrap().unblocked), [&d.id]);
    assert_eq!(ids(&t.close(&b.id, None).unwrap().unblocked), [&c.id]);
}

pub(crate) fn edits_notes_assign(t: &Tickets) {
    let a = mk(t, "a", &[]);
    let p = mk(t, "p", &[]);
    let u = t
        .update(
            &a.id,
            Update {
                title: Some("A2".into()),
                description: Some("desc".into()),
                priority: Some(0),
                kind: Some("chore".into()),
                tags: Some(vec!["x".into(), "x".into(), "y".into()]),
                parent: Some(Some(p.id.clone())),
                defer_until: None,
            },
        )
        .unwrap();
    assert_eq!(
        (
            u.title.as_str(),
            u.description.as_str(),
            u.priority,
            u.kind.as_str()
        ),
        ("A2", "desc", 0, "chore")
    );
    assert_eq!(u.tags, ["x", "y"]);
    assert_eq!(u.parent.as_deref(), Some(p.id.as_str()));
    let u = t
        .update(
            &a.id,
            Update {
                parent: Some(None),
                ..Update::default()
            },
        )
        .unwrap();
    assert_eq!((u.parent, u.title.as_str()), (None, "A2"));
    assert_eq!(
        t.update(
            &a.id,
            Update {
                priority: Some(9),
                ..Update::default()
            }
        )
        .unwrap_err()
        .code(),
        "INVALID"
    );
    let n = t.note(&a.id, "first\nline two").unwrap();
    let n2 = t.note(&a.id, "second").unwrap();
    assert_eq!(n.notes.len(), 1);
    assert_eq!(n2.notes[0].text, "first\nline two");
    assert_eq!(n2.notes[1].text, "second");
    assert!(n2.notes[0].at <= n2.notes[1].at);
    assert_eq!(
        t.assign(&a.id, Some("bob")).unwrap().assignee.as_deref(),
        Some("@bob")
    );
    assert_eq!(t.assign(&a.id, None).unwrap().assignee, None);
    assert_eq!(t.get(&a.id).unwrap().notes.len(), 2);
}

pub(crate) fn deps_and_cycles(t: &Tickets) {
    let a = t.create(NewTicket::new("a").id("a")).unwrap();
    let b = t.create(NewTicket::new("b").id("b")).unwrap();
    let c = t.create(NewTicket::new("c").id("c").dep("b")).unwrap();
    t.add_dep(&a.id, &c.id).unwrap();
    match t.add_dep(&b.id, &a.id).unwrap_err() {
        Error::Cycle { cycle } => assert_eq!(cycle, ["b", "a", "c", "b"]),
        e => panic!("{e:?}"),
    }
    match t.add_dep("a", "a").unwrap_err() {
        Error::Cycle { cycle } => assert_eq!(cycle, ["a", "a"]),
        e => panic!("{e:?}"),
    }
    let x = t.create(NewTicket::new("x").id("x")).unwrap();
    t.remove_dep("c", "b").unwrap();
    assert!(t.get("c").unwrap().deps.is_empty());
    // b exists but is no longer a dep of c: the error names both, and says so.
    let e = t.remove_dep("c", "b").unwrap_err();
    assert_eq!(e.code(), "NOT_FOUND");
    assert_eq!(
        e,
        Error::NotADep {
            id: "c".into(),
            dep: "b".into()
        }
    );
    assert_eq!(e.to_string(), "ticket 'c' does not depend on 'b'");
    // A dep that names no ticket at all is a plain NotFound of that name.
    assert_eq!(
        t.remove_dep("c", "nope").unwrap_err(),
        Error::NotFound { id: "nope".into() }
    );
    t.add_dep("c", &x.id).unwrap();
    t.add_dep("c", &x.id).unwrap(); // twice is once
    assert_eq!(t.get("c").unwrap().deps, ["x"]);
    let tree = t.dep_tree("a").unwrap();
    assert_eq!(tree.deps[0].id, "c");
    assert_eq!(tree.deps[0].deps[0].id, "x");
    let dot = t.graph(GraphFormat::Dot, None).unwrap();
    assert!(dot.contains("\"a\" -> \"c\";") && dot.contains("\"c\" -> \"x\";"));
    let mm = t.graph(GraphFormat::Mermaid, Some("c")).unwrap();
    assert!(mm.contains("t_c --> t_x") && !mm.contains("t_a "));
}

pub(crate) fn delete_rules(t: &Tickets) {
    let a = mk(t, "a", &[]);
    let b = mk(t, "b", &[&a.id]);
    assert_eq!(t.delete(&a.id, false).unwrap_err().code(), "CONFLICT");
    assert_eq!(t.delete(&a.id, true).unwrap().id, a.id);
    assert_eq!(t.get(&a.id).unwrap_err().code(), "NOT_FOUND");
    assert!(t.get(&b.id).unwrap().deps.is_empty());
    assert!(t.get(&b.id).unwrap().ready);
    t.delete(&b.id, false).unwrap();
    assert!(t.list(&Filter::default()).unwrap().is_empty());
    let actions: Vec<String> = t
        .history(Some(&a.id))
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["create", "delete"]);
}

pub(crate) fn claims_and_leases(t: &Tickets) {
    let mine = t
        .create(NewTicket::new("mine").assignee("w").priority(3))
        .unwrap();
    let free = t.create(NewTicket::new("free").priority(0)).unwrap();
    let other = t
        .create(NewTicket::new("other").assignee("z").priority(0))
        .unwrap();
    let got = t.claim("w", ClaimOptions::default()).unwrap().unwrap();
    assert_eq!(got.id, mine.id, "its own first");
    assert_eq!(
        (got.status, got.assignee.as_deref()),
        (Status::InProgress, Some("@w"))
    );
    let got = t
        .claim(
            "@w",
            ClaimOptions {
                lease: Some(1),
                ..ClaimOptions::default()
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(got.id, free.id);
    let until = got.lease_until.unwrap();
    assert!(until > got.started.unwrap());
    assert_eq!(
        until.timestamp_subsec_nanos() % 1_000_000,
        0,
        "milliseconds"
    );
    assert!(
        t.claim("w", ClaimOptions::default()).unwrap().is_none(),
        "other's is not claimable"
    );
    // Heartbeat by the holder renews by the claim's length; others get Conflict.
    let hb = t.heartbeat(&free.id, "w", None).unwrap();
    assert!(hb.lease_until.unwrap() >= until);
    assert_eq!(
        t.heartbeat(&free.id, "v", None).unwrap_err().code(),
        "CONFLICT"
    );
    assert_eq!(
        t.heartbeat(&other.id, "z", None).unwrap_err().code(),
        "INVALID_TRANSITION"
    );
    std::thread::sleep(Duration::from_millis(1100));
    // The lease ran out: another agent takes it over, with a note naming the holder.
    let taken = t.claim("v", ClaimOptions::default()).unwrap().unwrap();
    assert_eq!(taken.id, free.id);
    assert_eq!(taken.assignee.as_deref(), Some("@v"));
    assert!(taken.notes.last().unwrap().text.contains("@w"));
    let v_lease = t.heartbeat(&free.id, "v", Some(60)).unwrap();
    assert!(v_lease.lease_until.is_some());
    // The displaced holder gets Conflict when it acts under its own name.
    let displaced = clone_as(t, "w");
    assert_eq!(
        displaced.close(&free.id, None).unwrap_err().code(),
        "CONFLICT"
    );
    assert_eq!(
        displaced.note(&free.id, "still mine?").unwrap_err().code(),
        "CONFLICT"
    );
    assert_eq!(
        displaced.heartbeat(&free.id, "w", None).unwrap_err().code(),
        "CONFLICT"
    );
    assert_eq!(
        displaced.release(&free.id, Some("w")).unwrap_err().code(),
        "CONFLICT"
    );
    assert_eq!(
        t.heartbeat(&mine.id, "w", None).unwrap_err().code(),
        "INVALID"
    );
    let closed = clone_as(t, "v").close(&free.id, None).unwrap();
    assert_eq!(closed.ticket.lease_until, None);
    assert!(
        t.claim("nobody", ClaimOptions::default())
            .unwrap()
            .is_none()
    );
    let blocked = mk(t, "blocked", &[&mine.id]);
    assert!(
        t.claim("w", ClaimOptions::default()).unwrap().is_none(),
        "{}",
        blocked.id
    );
    t.close(&mine.id, None).unwrap();
    assert_eq!(
        t.claim("w", ClaimOptions::default()).unwrap().unwrap().id,
        blocked.id
    );
}

/// A second handle on the same store, acting as `actor`.
fn clone_as(t: &Tickets, actor: &str) -> Tickets {
    Tickets::with_store(t.store().clone())
        .unwrap()
        .with_actor(Some(actor))
        .unwrap()
}

/// A holder displaced by a takeover gets Conflict even when the claim that took over has no
/// lease; an agent that never held the ticket may still note it.
pub(crate) fn a_takeover_without_a_lease_displaces(t: &Tickets) {
    let a = mk(t, "a", &[]);
    let lease = ClaimOptions {
        lease: Some(1),
        ..ClaimOptions::default()
    };
    assert_eq!(t.claim("w1", lease).unwrap().unwrap().id, a.id);
    std::thread::sleep(Duration::from_millis(1100));
    let taken = t.claim("w2", ClaimOptions::default()).unwrap().unwrap();
    assert_eq!(
        (taken.id.as_str(), taken.lease_until),
        (a.id.as_str(), None)
    );
    let displaced = clone_as(t, "w1");
    let err = displaced.note(&a.id, "still me").unwrap_err();
    assert_eq!(err.code(), "CONFLICT", "{err}");
    assert!(err.to_string().contains("taken over from @w1"), "{err}");
    assert_eq!(displaced.close(&a.id, None).unwrap_err().code(), "CONFLICT");
    assert_eq!(
        displaced.release(&a.id, Some("w1")).unwrap_err().code(),
        "CONFLICT"
    );
    clone_as(t, "reviewer").note(&a.id, "looks fine").unwrap();
    let now = t.get(&a.id).unwrap();
    assert_eq!(
        (now.status, now.assignee.as_deref()),
        (Status::InProgress, Some("@w2"))
    );
    assert_eq!(now.notes.last().unwrap().text, "looks fine");
    // Once the new holder gives it back to the first one, it is theirs again.
    clone_as(t, "w2").release(&a.id, Some("w2")).unwrap();
    t.assign(&a.id, Some("w1")).unwrap();
    assert_eq!(
        t.claim("w1", ClaimOptions::default()).unwrap().unwrap().id,
        a.id
    );
    displaced.note(&a.id, "mine again").unwrap();
    displaced.close(&a.id, None).unwrap();
}

/// No write makes a ticket too large to read back: create, edit, note and close refuse text
/// that would take a file past 16 MiB less 64 KiB, and change nothing; an empty note is refused.
pub(crate) fn sizes_stay_readable(t: &Tickets) {
    let limit = crate::ticket::MAX_TICKET_BYTES - 64 * 1024;
    let huge = "a".repeat(limit);
    let err = t
        .create(NewTicket::new("big").description(huge.as_str()))
        .unwrap_err();
    assert_eq!(err.code(), "INVALID", "{err}");
    assert!(
        t.list(&Filter::default()).unwrap().is_empty(),
        "nothing created"
    );
    let near = "b".repeat(limit - 8 * 1024);
    let a = t
        .create(NewTicket::new("near the limit").description(near.as_str()))
        .unwrap();
    let five = "c".repeat(5 * 1024);
    let a = t.note(&a.id, &five).unwrap();
    let err = t.note(&a.id, &five).unwrap_err();
    assert_eq!(err.code(), "INVALID", "{err}");
    assert!(err.to_string().contains("16 MiB"), "{err}");
    assert_eq!(t.close(&a.id, Some(&five)).unwrap_err().code(), "INVALID");
    let edit = Update {
        description: Some(huge.clone()),
        ..Update::default()
    };
    assert_eq!(t.update(&a.id, edit).unwrap_err().code(), "INVALID");
    assert_eq!(t.note(&a.id, " \n").unwrap_err().code(), "INVALID");
    let now = t.get(&a.id).unwrap();
    assert_eq!((now.status, now.notes.len()), (Status::Open, 1));
    assert_eq!(now.description, near);
    // What was written reads back (a new handle reads it from the store).
    let again = Tickets::with_store(t.store().clone()).unwrap();
    assert_eq!(again.get(&a.id).unwrap().notes[0].text, five);
    again.close(&a.id, Some("done")).unwrap();
}

pub(crate) fn history_and_actor(t: &Tickets) {
    let t = clone_as(t, "boss");
    let a = mk(&t, "a", &[]);
    t.note(&a.id, "hi").unwrap();
    t.close(&a.id, None).unwrap();
    let h: Vec<LogEntry> = t.history(Some(&a.id)).unwrap();
    let actions: Vec<&str> = h.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "note", "close"]);
    assert!(
        h.iter()
            .all(|e| e.actor.as_deref() == Some("@boss") && e.ticket == a.id)
    );
    assert!(h.windows(2).all(|w| w[0].at <= w[1].at));
    assert_eq!(
        t.get(&a.id).unwrap().notes[0].author.as_deref(),
        Some("@boss")
    );
    mk(&t, "b", &[]);
    assert_eq!(t.history(None).unwrap().len(), 4);
}

pub(crate) fn batches_and_txns(t: &Tickets) {
    let n = t
        .batch(|t| {
            let a = mk(t, "a", &[]);
            mk(t, "b", &[&a.id]);
            // Reads inside the batch see its writes.
            Ok(t.list(&Filter::default())?.len())
        })
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(t.list(&Filter::default()).unwrap().len(), 2);
    let err = t
        .batch(|t| {
            mk(t, "c", &[]);
            Err::<(), _>(Error::invalid("changed my mind"))
        })
        .unwrap_err();
    assert_eq!(err.code(), "INVALID");
    assert_eq!(
        t.list(&Filter::default()).unwrap().len(),
        2,
        "a failed batch writes nothing"
    );
    // A transaction dropped without commit writes nothing; create is only-if-absent.
    let store = t.store().clone();
    {
        let mut txn = store.begin(Access::Write).unwrap();
        assert!(txn.create(&Ticket::new("zz", "Z")).unwrap());
        assert!(!txn.create(&Ticket::new("zz", "Z")).unwrap());
        assert!(txn.get("zz").unwrap().is_some());
    }
    assert_eq!(t.get("zz").unwrap_err().code(), "NOT_FOUND");
    let mut txn = store.begin(Access::Read).unwrap();
    assert!(
        txn.create(&Ticket::new("zz", "Z")).is_err(),
        "reads cannot write"
    );
}

/// `ready` asked again follows every change: another handle's writes, a batch's own writes,
/// a failed batch (which changes nothing), and a direct transaction on the store.
pub(crate) fn ready_follows_changes(t: &Tickets) {
    let other = clone_as(t, "w");
    let a = mk(t, "a", &[]);
    let b = mk(t, "b", &[&a.id]);
    assert_eq!(ids(&t.ready(None).unwrap()), [a.id.as_str()]);
    assert_eq!(ids(&t.ready(None).unwrap()), [a.id.as_str()], "asked twice");
    other.close(&a.id, None).unwrap();
    assert_eq!(ids(&t.ready(None).unwrap()), [b.id.as_str()]);
    assert!(t.ready(Some("w")).unwrap().is_empty());
    other.claim("w", ClaimOptions::default()).unwrap().unwrap();
    assert!(t.ready(None).unwrap().is_empty());
    other.release(&b.id, None).unwrap();
    assert_eq!(ids(&t.ready(None).unwrap()), [b.id.as_str()]);
    t.batch(|t| {
        assert_eq!(
            ids(&t.ready(None)?),
            [b.id.as_str()],
            "before the batch writes"
        );
        let c = mk(t, "c", &[]);
        let ready = t.ready(None)?;
        assert_eq!(ready.len(), 2, "the batch's own ticket is ready in it");
        assert!(ready.iter().any(|x| x.id == c.id));
        Err::<(), _>(Error::invalid("roll back"))
    })
    .unwrap_err();
    assert_eq!(ids(&t.ready(None).unwrap()), [b.id.as_str()]);
    let mut txn = t.store().begin(Access::Write).unwrap();
    let mut z = Ticket::new("zz", "Z");
    z.created = b.created;
    assert!(txn.create(&z).unwrap());
    txn.commit().unwrap();
    assert_eq!(t.ready(None).unwrap().len(), 2);
}

pub(crate) fn threads_claim_each_once(t: &Tickets) {
    t.batch(|t| {
        for i in 0..40 {
            mk(t, &format!("t{i}"), &[]);
        }
        Ok(())
    })
    .unwrap();
    let claimed = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for w in 0..4 {
            let claimed = &claimed;
            s.spawn(move || {
                // A handle per thread, as agents would have.
                let mine = Tickets::with_store(t.store().clone()).unwrap();
                while let Some(c) = mine
                    .claim(&format!("w{w}"), ClaimOptions::default())
                    .unwrap()
                {
                    claimed.lock().unwrap().push(c.id);
                }
            });
        }
    });
    let mut claimed = claimed.into_inner().unwrap();
    assert_eq!(claimed.len(), 40);
    claimed.sort();
    claimed.dedup();
    assert_eq!(claimed.len(), 40, "no ticket claimed twice");
}

pub(crate) fn waits(t: &Tickets) {
    assert!(
        t.wait_ready(None, Some(Duration::from_millis(50)))
            .unwrap()
            .is_none()
    );
    let a = t.create(NewTicket::new("a").assignee("z")).unwrap();
    let b = t
        .create(NewTicket::new("b").dep(&a.id).assignee("r"))
        .unwrap();
    // A ticket nobody claims, so that the plain wait has something to see.
    let c = t
        .create(NewTicket::new("c").dep(&a.id).assignee("q"))
        .unwrap();
    let other = Tickets::with_store(t.store().clone()).unwrap();
    std::thread::scope(|s| {
        let waiter = s.spawn(|| {
            t.claim(
                "r",
                ClaimOptions {
                    wait: true,
                    timeout: Some(Duration::from_secs(20)),
                    lease: None,
                },
            )
        });
        let ready = s.spawn(|| t.wait_ready(Some("q"), Some(Duration::from_secs(20))));
        std::thread::sleep(Duration::from_millis(150));
        other.close(&a.id, None).unwrap();
        let got = waiter.join().unwrap().unwrap().unwrap();
        assert_eq!(got.id, b.id);
        // wait_ready returns the ticket without claiming it.
        let seen = ready.join().unwrap().unwrap().unwrap();
        assert_eq!(seen.id, c.id);
        assert!(seen.ready);
        assert_eq!(t.get(&c.id).unwrap().status, Status::Open);
    });
}

/// One test per case of a backend's suite (this one, and the contract's): each makes a fresh
/// backend with `$make` (skipping when `$available` says it is not there) and calls
/// `$module::<case>(&backend, extra args...)`.
macro_rules! backend_cases {
    ($available:expr, $make:expr, $module:ident, $extra:tt, $($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            let (available, make) = ($available, $make);
            if !available() {
                return;
            }
            let (made, _guard) = make();
            $crate::store::suite::backend_call!($module, $name, made, $extra);
        }
    )*};
}
pub(crate) use backend_cases;

/// `$module::$name(&$made, extra args...)`, for [`backend_cases`].
macro_rules! backend_call {
    ($module:ident, $name:ident, $made:ident, [$($extra:expr),*]) => {
        $module::$name(&$made $(, $extra)*)
    };
}
pub(crate) use backend_call;

/// Runs the whole suite against a backend: `store_suite!(|| (tickets, guard))`.
/// `store_suite!(if (|| available), || (tickets, guard))` runs each case only when the first
/// closure says the backend is there (a database server), and passes it otherwise.
macro_rules! store_suite {
    (if ($available:expr), $make:expr) => {
        mod suite_tests {
            #[allow(unused_imports)]
            use super::*;
            use $crate::store::suite as s;

            $crate::store::suite::backend_cases!(
                $available,
                $make,
                s,
                [],
                create_and_get,
                list_ready_blocked,
                parents,
                other_tools_values,
                parent_filter_takes_a_prefix,
                empty_agent_filters_are_invalid,
                transitions,
                close_unblocks_only_the_last_dep,
                edits_notes_assign,
                deps_and_cycles,
                delete_rules,
                claims_and_leases,
                a_takeover_without_a_lease_displaces,
                sizes_stay_readable,
                history_and_actor,
                batches_and_txns,
                ready_follows_changes,
                threads_claim_each_once,
                waits,
            );
            use $crate::store::suite_plan as p;
            $crate::store::suite::backend_cases!(
                $available,
                $make,
                p,
                [],
                deferrals,
                update_defers,
                waits_wake_when_a_deferral_ends,
                links,
                why,
            );
            use $crate::store::suite_archive as a;
            $crate::store::suite::backend_cases!(
                $available,
                $make,
                a,
                [],
                archive_and_unarchive,
                archive_in_a_batch,
                archive_older_than,
                archive_survives_a_copy,
                a_cycle_through_an_archived_ticket_is_refused,
            );
            use $crate::store::suite_lines as l;
            $crate::store::suite::backend_cases!($available, $make, l, [], lines_equal_whole_tickets,);
        }
    };
    ($make:expr) => {
        $crate::store::suite::store_suite!(if (|| true), $make);
    };
}
pub(crate) use store_suite;
