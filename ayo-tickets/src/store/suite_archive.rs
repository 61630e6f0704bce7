//! The store suite's cases for archiving: every backend runs them (see
//! [`crate::store::suite::store_suite`]). A store with no archive (a Claude Code task list)
//! refuses, and the cases check that it does.

use std::time::Duration;

use crate::Tickets;
use crate::options::ClaimOptions;
use crate::request::{Filter, NewTicket};
use crate::store::suite::mk;
use crate::ticket::Ticket;

/// True (after checking the refusal) for a store that keeps no archive.
fn refuses(t: &Tickets) -> bool {
    if !t
        .store()
        .location()
        .starts_with(crate::store::claude::PREFIX)
    {
        return false;
    }
    let a = mk(t, "A", &[]);
    t.close(&a.id, None).unwrap();
    let e = t.archive(&[&a.id]).unwrap_err();
    assert_eq!(e.code(), "INVALID", "{e}");
    assert!(e.to_string().contains("keeps no archive"), "{e}");
    assert_eq!(
        t.archive_older_than(Duration::ZERO).unwrap_err().code(),
        "INVALID"
    );
    assert!(!t.get(&a.id).unwrap().archived);
    true
}

fn ids(ts: &[Ticket]) -> Vec<&str> {
    ts.iter().map(|t| t.id.as_str()).collect()
}

fn archived() -> Filter {
    Filter {
        archived: true,
        ..Filter::default()
    }
}

/// Archive refuses what is not closed (all or nothing); an archived ticket leaves `list`,
/// `ready`, `blocked` and `claim`, is still found by id, by `dep tree` and `why`, counts as a
/// closed dep, cannot be changed, keeps its id taken; unarchive brings it back.
pub(crate) fn archive_and_unarchive(t: &Tickets) {
    if refuses(t) {
        return;
    }
    let a = mk(t, "Extract", &[]);
    let b = mk(t, "Validate", &[&a.id]);
    let c = mk(t, "Open one", &[]);
    let e = t.archive(&[&c.id]).unwrap_err();
    assert_eq!(e.code(), "INVALID_TRANSITION");
    assert_eq!(
        e.to_string(),
        format!("cannot archive ticket '{}': it is open", c.id)
    );
    t.close(&a.id, None).unwrap();
    // All or nothing: a is closed, c is not, so neither is archived.
    let e = t.archive(&[&a.id, &c.id]).unwrap_err();
    assert!(e.to_string().contains(&c.id), "{e}");
    assert!(!t.get(&a.id).unwrap().archived);
    let done = t.archive(&[&a.id]).unwrap();
    assert_eq!(ids(&done), [a.id.as_str()]);
    assert!(done[0].archived);
    assert_eq!(done[0].to_json()["archived"], true);
    assert!(t.get(&b.id).unwrap().to_json().get("archived").is_none());

    let again = Tickets::with_store(t.store().clone()).unwrap();
    for t in [t, &again] {
        let listed = t.list(&Filter::default()).unwrap();
        assert_eq!(ids(&listed), [b.id.as_str(), c.id.as_str()]);
        let ready = t.ready(None).unwrap();
        assert_eq!(
            ids(&ready),
            [b.id.as_str(), c.id.as_str()],
            "a dep on an archived ticket counts as closed"
        );
        assert!(t.blocked(None).unwrap().is_empty());
        let got = t.get(&a.id).unwrap();
        assert!(got.archived && got.status.is_closed() && got.title == "Extract");
        assert!(t.get(&b.id).unwrap().ready);
        assert_eq!(ids(&t.list(&archived()).unwrap()), [a.id.as_str()]);
        let open_archived = Filter {
            status: Some(crate::Status::Open),
            ..archived()
        };
        assert!(t.list(&open_archived).unwrap().is_empty());
        let tree = t.dep_tree(&b.id).unwrap();
        assert_eq!(tree.deps[0].id, a.id);
        assert!(!tree.deps[0].missing);
        assert_eq!(t.dep_tree(&a.id).unwrap().id, a.id);
        assert!(t.why(&b.id, None).unwrap().ready);
        let actions: Vec<String> = t
            .history(Some(&a.id))
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions.last().map(String::as_str), Some("archive"));
    }
    let e = t.note(&a.id, "late").unwrap_err();
    assert_eq!(e.code(), "INVALID_TRANSITION");
    assert_eq!(
        e.to_string(),
        format!("cannot change ticket '{}': it is archived", a.id)
    );
    assert_eq!(t.reopen(&a.id).unwrap_err().code(), "INVALID_TRANSITION");
    assert_eq!(
        t.delete(&a.id, true).unwrap_err().code(),
        "INVALID_TRANSITION"
    );
    let e = t.archive(&[&a.id]).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("cannot archive ticket '{}': it is archived", a.id)
    );
    assert_eq!(
        t.create(NewTicket::new("Same id").id(a.id.clone()))
            .unwrap_err()
            .code(),
        "EXISTS"
    );
    assert!(
        t.check().unwrap().is_empty(),
        "a dep on an archived ticket is not missing"
    );
    // A new dep on an archived ticket is allowed, and counts as closed.
    let d = mk(t, "Later", &[&a.id]);
    assert!(d.ready);
    let claimed = t.claim("@w", ClaimOptions::default()).unwrap().unwrap();
    assert_eq!(claimed.id, b.id);

    let back = t.unarchive(&a.id).unwrap();
    assert!(!back.archived && back.status.is_closed());
    let e = t.unarchive(&a.id).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("cannot unarchive ticket '{}': it is closed", a.id)
    );
    assert!(t.list(&archived()).unwrap().is_empty());
    assert!(ids(&t.list(&Filter::default()).unwrap()).contains(&a.id.as_str()));
    t.note(&a.id, "back").unwrap();
    let actions: Vec<String> = t
        .history(Some(&a.id))
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        &actions[actions.len() - 3..],
        ["archive", "unarchive", "note"]
    );
}

/// Moves in one batch keep their order with the other writes: archived, unarchived and
/// noted, the ticket ends active with its note; archived in a batch, it ends archived.
pub(crate) fn archive_in_a_batch(t: &Tickets) {
    if refuses(t) {
        return;
    }
    let a = mk(t, "A", &[]);
    let b = mk(t, "B", &[]);
    t.close(&a.id, None).unwrap();
    t.close(&b.id, None).unwrap();
    t.batch(|t| {
        t.archive(&[&a.id])?;
        t.unarchive(&a.id)?;
        t.note(&a.id, "kept")?;
        t.note(&b.id, "before")?;
        t.archive(&[&b.id])
    })
    .unwrap();
    let a2 = t.get(&a.id).unwrap();
    assert!(!a2.archived && a2.notes.len() == 1);
    let b2 = t.get(&b.id).unwrap();
    assert!(b2.archived && b2.notes[0].text == "before");
    assert_eq!(ids(&t.list(&Filter::default()).unwrap()), [a.id.as_str()]);
    // A batch that fails archives nothing.
    let r = t.batch(|t| {
        t.archive(&[&a.id])?;
        Err::<(), _>(crate::Error::invalid("stop"))
    });
    assert!(r.is_err());
    assert!(!t.get(&a.id).unwrap().archived);
}

/// `archive_older_than` takes the closed tickets closed before now minus the age, and no
/// other.
pub(crate) fn archive_older_than(t: &Tickets) {
    if refuses(t) {
        return;
    }
    let a = mk(t, "Closed", &[]);
    let b = mk(t, "Open", &[]);
    t.close(&a.id, None).unwrap();
    assert!(
        t.archive_older_than(Duration::from_secs(3600))
            .unwrap()
            .is_empty()
    );
    let done = t.archive_older_than(Duration::ZERO).unwrap();
    assert_eq!(ids(&done), [a.id.as_str()]);
    assert!(t.get(&a.id).unwrap().archived && !t.get(&b.id).unwrap().archived);
    assert!(t.archive_older_than(Duration::ZERO).unwrap().is_empty());
    let log = t.history(Some(&a.id)).unwrap();
    assert_eq!(log.last().unwrap().detail, "older than 0s");
}

/// A copy (`export`, `import`) keeps archived tickets archived, with the rest.
pub(crate) fn archive_survives_a_copy(t: &Tickets) {
    if refuses(t) {
        return;
    }
    let a = mk(t, "Archived", &[]);
    let b = mk(t, "Active", &[&a.id]);
    t.close(&a.id, None).unwrap();
    t.archive(&[&a.id]).unwrap();
    let to = Tickets::in_memory();
    assert_eq!(t.copy_to(&to).unwrap().tickets, 2);
    assert_eq!(ids(&to.list(&Filter::default()).unwrap()), [b.id.as_str()]);
    assert_eq!(ids(&to.list(&archived()).unwrap()), [a.id.as_str()]);
    assert!(to.get(&b.id).unwrap().ready);
    let dir = tempfile::tempdir().unwrap();
    let back = Tickets::open(dir.path()).unwrap();
    to.copy_to(&back).unwrap();
    assert!(back.get(&a.id).unwrap().archived);
    assert!(
        dir.path()
            .join("archive")
            .join(format!("{}.md", a.id))
            .is_file()
    );
}

/// A dep that would close a cycle through an archived ticket is refused, as any cycle.
pub(crate) fn a_cycle_through_an_archived_ticket_is_refused(t: &Tickets) {
    if refuses(t) {
        return;
    }
    let x = mk(t, "X", &[]);
    let a = mk(t, "A", &[&x.id]);
    let y = mk(t, "Y", &[&a.id]);
    t.close(&x.id, None).unwrap();
    t.close(&a.id, None).unwrap();
    t.archive(&[&a.id]).unwrap();
    let cycle = |e: crate::Error| match e {
        crate::Error::Cycle { cycle } => cycle,
        other => panic!("a cycle: {other}"),
    };
    let e = t.add_dep(&x.id, &a.id).unwrap_err();
    assert_eq!(cycle(e), [x.id.as_str(), &a.id, &x.id]);
    let e = t.add_dep(&x.id, &y.id).unwrap_err();
    assert_eq!(cycle(e), [x.id.as_str(), &y.id, &a.id, &x.id]);
    // The same in a long batch, which a store may answer from what it read once.
    let e = t
        .batch(|t| {
            for i in 0..150 {
                t.create(NewTicket::new(format!("filler {i}")))?;
            }
            t.add_dep(&x.id, &y.id)
        })
        .unwrap_err();
    assert_eq!(cycle(e), [x.id.as_str(), &y.id, &a.id, &x.id]);
    t.add_dep(&y.id, &x.id).unwrap();
}
