//! Inside a batch, the cycle check of new edges answers "does any ticket name this id as a
//! dep" from the batch's own bookkeeping (so that a batch of creates with deps stays linear):
//! it must refuse exactly what a lone write refuses.

use std::fs;
use std::sync::Arc;

use ayo_tickets::store::memory::MemoryStore;
use ayo_tickets::{Error, NewTicket, Tickets};

fn stores() -> Vec<(Tickets, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    vec![
        (
            Tickets::with_store(Arc::new(MemoryStore::new())).unwrap(),
            None,
        ),
        (Tickets::open(dir.path()).unwrap(), Some(dir)),
    ]
}

#[test]
fn a_batch_refuses_the_cycles_a_lone_write_refuses_and_adds_the_rest() {
    for (t, _dir) in stores() {
        let got = t.batch(|t| {
            let a = t.create(NewTicket::new("a"))?;
            let b = t.create(NewTicket::new("b").dep(&a.id))?;
            let c = t.create(NewTicket::new("c").dep(&b.id))?;
            // c -> b -> a: a depending on c closes a cycle, made in this batch.
            let cycle = t.add_dep(&a.id, &c.id).unwrap_err();
            assert!(matches!(cycle, Error::Cycle { .. }), "{cycle:?}");
            // Edges that close none are added.
            let d = t.create(NewTicket::new("d"))?;
            t.add_dep(&d.id, &c.id)?;
            t.add_dep(&a.id, &d.id).unwrap_err();
            Ok((a.id, d.id, c.id))
        });
        let (a, d, c) = got.unwrap();
        assert_eq!(
            t.get(&d).unwrap().deps,
            vec![c],
            "the dep added in the batch is kept"
        );
        assert!(t.get(&a).unwrap().deps.is_empty());
    }
}

#[test]
fn a_batch_sees_deps_named_before_it_and_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tickets::open(dir.path())
        .unwrap()
        .with_warning_handler(Arc::new(|_| {}));
    t.create(NewTicket::new("seed")).unwrap();
    // By hand: a ticket waiting for one that does not exist yet.
    fs::write(
        dir.path().join("hand.md"),
        "---\nstatus: open\ndeps: [future]\n---\n# Waits for future\n",
    )
    .unwrap();
    let cycle = t
        .batch(|t| t.create(NewTicket::new("Future").id("future").dep("hand")))
        .unwrap_err();
    assert!(matches!(cycle, Error::Cycle { .. }), "{cycle:?}");
    assert!(
        !dir.path().join("future.md").exists(),
        "nothing of the batch written"
    );

    // A dep whose deps reach an unreadable file: refused in a batch as outside one.
    fs::write(dir.path().join("broken.md"), "---\nstatus: [\n---\n").unwrap();
    fs::write(
        dir.path().join("near.md"),
        "---\nstatus: open\ndeps: [broken]\n---\n# Near broken\n",
    )
    .unwrap();
    let lone = t.create(NewTicket::new("x").dep("near")).unwrap_err();
    assert_eq!(lone.code(), "PARSE", "{lone:?}");
    let batched = t
        .batch(|t| t.create(NewTicket::new("x").dep("near")))
        .unwrap_err();
    assert_eq!(batched.code(), "PARSE", "{batched:?}");
}
