//! The crash-state explorer (after ALICE and CrashMonkey): every state a power cut could leave a
//! markdown store in during a write, each opened and checked.
//!
//! Each write path runs once on a copy of a small store with the markdown store's file-system
//! layer recording (`ayo_tickets::fs_record`): every call it makes under the directory, in
//! order. From that log [`crash_model`] builds the states POSIX allows after a crash at each
//! point: the calls a sync has made durable are there; each call after its last sync may be
//! there or lost (all subsets when there are few, else all, none, each one alone, each one
//! missing, and seeded random subsets). Each distinct state is written to a directory and
//! opened; it must open and read with no warning, hold exactly the state before the write or
//! the state after it (every ticket, and the audit log), and `check` must find nothing.
//!
//! The write paths: create, create with deps, a batch of 50 creates with deps, claim, note,
//! close that unblocks a ticket, `delete --force` of a ticket others depend on, archive (the
//! first, which makes `archive/`), an archive and an unarchive in one batch, and import
//! (`copy_to` from another directory). The issue names this test `tests/crash_states.rs`; here
//! it is a module of the crate's one integration binary.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ayo_tickets::fs_record::record;
use ayo_tickets::{ClaimOptions, Filter, LogEntry, NewTicket, Status, Ticket, Tickets};

use crate::crash_model::{self, Model};

/// What a reader sees of a store: every ticket (by id), the audit log.
#[derive(Debug, PartialEq)]
struct Seen {
    tickets: BTreeMap<String, Ticket>,
    log: Vec<LogEntry>,
}

/// Opens `dir` and reads everything: an error when a warning is raised, a read fails or `check`
/// finds a problem.
fn read_store(dir: &Path) -> Result<Seen, String> {
    let warnings = Arc::new(AtomicUsize::new(0));
    let w = warnings.clone();
    let t = Tickets::open(dir)
        .map_err(|e| format!("open: {e}"))?
        .with_warning_handler(Arc::new(move |_| {
            w.fetch_add(1, Ordering::Relaxed);
        }));
    let list = t
        .list(&Filter::default())
        .map_err(|e| format!("list: {e}"))?;
    let archived = t
        .list(&Filter {
            archived: true,
            ..Filter::default()
        })
        .map_err(|e| format!("list --archived: {e}"))?;
    let tickets: BTreeMap<String, Ticket> = list
        .into_iter()
        .chain(archived)
        .map(|x| (x.id.clone(), x))
        .collect();
    let log = t.history(None).map_err(|e| format!("history: {e}"))?;
    let problems = t.check().map_err(|e| format!("check: {e}"))?;
    if !problems.is_empty() {
        return Err(format!("check found {problems:?}"));
    }
    let n = warnings.load(Ordering::Relaxed);
    if n > 0 {
        return Err(format!("{n} warnings"));
    }
    Ok(Seen { tickets, log })
}

/// A directory for a store: in memory where there is a tmpfs (`/dev/shm`), as the stores a
/// crash state is opened on finish its commit, with real fsyncs.
fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .tempdir_in("/dev/shm")
        .or_else(|_| tempfile::tempdir())
        .unwrap()
}

/// The ids a write path works on.
struct Ids {
    a: String,
    b: String,
    c: String,
    /// Another store, for the import.
    source: Option<tempfile::TempDir>,
}

/// The small store every write path starts from: `a` open, `b` depending on `a`, `c` open with
/// a note; one ticket closed.
fn setup(dir: &Path) -> Ids {
    let t = Tickets::open(dir)
        .unwrap()
        .with_actor(Some("@setup"))
        .unwrap();
    let a = t.create(NewTicket::new("A").assignee("@agent")).unwrap();
    let b = t.create(NewTicket::new("B").dep(&a.id)).unwrap();
    let c = t.create(NewTicket::new("C")).unwrap();
    t.note(&c.id, "a note").unwrap();
    let d = t.create(NewTicket::new("D")).unwrap();
    t.close(&d.id, Some("done")).unwrap();
    Ids {
        a: a.id,
        b: b.id,
        c: c.id,
        source: None,
    }
}

/// A store holding nothing yet but its `.ayo/` (an import's target), and the source to import.
fn setup_import(dir: &Path) -> Ids {
    let t = Tickets::open(dir).unwrap();
    let probe = t.create(NewTicket::new("probe")).unwrap();
    t.delete(&probe.id, true).unwrap();
    let source = scratch();
    let ids = setup(source.path());
    Ids {
        source: Some(source),
        ..ids
    }
}

/// [`setup`], with `d` (closed) archived and `e` closed.
fn setup_archived(dir: &Path) -> Ids {
    let ids = setup(dir);
    let t = Tickets::open(dir).unwrap();
    let d = t
        .list(&Filter {
            status: Some(Status::Closed),
            ..Filter::default()
        })
        .unwrap();
    t.archive(&[&d[0].id]).unwrap();
    let e = t.create(NewTicket::new("E").id("eeeeee")).unwrap();
    t.close(&e.id, None).unwrap();
    ids
}

type Op = fn(&Tickets, &Ids);
type Setup = fn(&Path) -> Ids;

/// The write paths, each with its setup.
fn paths() -> Vec<(&'static str, Setup, Op)> {
    vec![
        ("create", setup, |t, _| {
            t.create(NewTicket::new("New")).unwrap();
        }),
        ("create with deps", setup, |t, ids| {
            t.create(NewTicket::new("New").dep(&ids.a).dep(&ids.c))
                .unwrap();
        }),
        ("batch of 50 creates with deps", setup, |t, ids| {
            t.batch(|t| {
                let mut last = ids.a.clone();
                for i in 0..50 {
                    last = t.create(NewTicket::new(format!("N{i}")).dep(&last))?.id;
                }
                Ok(())
            })
            .unwrap();
        }),
        ("claim", setup, |t, _| {
            let got = t.claim("@agent", ClaimOptions::default()).unwrap();
            assert_eq!(got.unwrap().status, Status::InProgress);
        }),
        ("note", setup, |t, ids| {
            t.note(&ids.c, "another note").unwrap();
        }),
        ("close with unblocking", setup, |t, ids| {
            let closed = t.close(&ids.a, Some("done")).unwrap();
            assert_eq!(closed.unblocked[0].id, ids.b);
        }),
        ("delete --force", setup, |t, ids| {
            t.delete(&ids.a, true).unwrap();
        }),
        ("archive (archive/ made)", setup, |t, _| {
            assert_eq!(t.archive_older_than(Default::default()).unwrap().len(), 1);
        }),
        ("archive and unarchive", setup_archived, |t, _| {
            let archived = t
                .list(&Filter {
                    archived: true,
                    ..Filter::default()
                })
                .unwrap();
            t.batch(|t| {
                t.archive(&["eeeeee"])?;
                t.unarchive(&archived[0].id)
            })
            .unwrap();
        }),
        ("import", setup_import, |t, ids| {
            let source = Tickets::open(ids.source.as_ref().unwrap().path()).unwrap();
            source.copy_to(t).unwrap();
        }),
    ]
}

/// At most this many distinct states are opened per write path (spread evenly over them).
const MAX_STATES_PER_PATH: usize = 1500;

#[test]
fn every_crash_state_of_every_write_path_is_before_or_after() {
    let mut explored = 0;
    let mut violations = Vec::new();
    for (name, setup, op) in paths() {
        let base = scratch();
        let ids = setup(base.path());
        // The scan index is a cache (a damaged or stale one is rebuilt): left out.
        let _ = std::fs::remove_file(base.path().join(".ayo/index.bin"));
        let initial = Model::snapshot(base.path());

        let before_dir = scratch();
        initial.write_to(before_dir.path());
        let before = read_store(before_dir.path()).unwrap();

        let work = scratch();
        initial.write_to(work.path());
        let calls = {
            let recorder = record(work.path(), None);
            let t = Tickets::open(work.path())
                .unwrap()
                .with_actor(Some("@writer"))
                .unwrap();
            op(&t, &ids);
            recorder.take()
        };
        let after = read_store(work.path()).unwrap();
        assert_ne!(before, after, "{name}: the write changed nothing");
        assert!(!calls.is_empty(), "{name}: no call recorded");

        let states = crash_model::states(&initial, work.path(), &calls);
        let step = states.len().div_ceil(MAX_STATES_PER_PATH).max(1);
        let mut opened = 0;
        for (i, state) in states.iter().enumerate().filter(|(i, _)| i % step == 0) {
            let dir = scratch();
            state.model.write_to(dir.path());
            opened += 1;
            match read_store(dir.path()) {
                Ok(seen) if seen == before || seen == after => {}
                Ok(seen) => violations.push(format!(
                    "{name}: state {i} ({}) is neither before nor after: {} tickets, {} log \
                     entries (before {}/{}, after {}/{})",
                    state.how,
                    seen.tickets.len(),
                    seen.log.len(),
                    before.tickets.len(),
                    before.log.len(),
                    after.tickets.len(),
                    after.log.len()
                )),
                Err(e) => violations.push(format!("{name}: state {i} ({}): {e}", state.how)),
            }
        }
        eprintln!(
            "{name}: {} calls, {} distinct crash states, {opened} opened",
            calls.len(),
            states.len()
        );
        explored += opened;
    }
    println!(
        "crash states explored: {explored}, violations: {}",
        violations.len()
    );
    eprintln!(
        "crash states explored: {explored}, violations: {}",
        violations.len()
    );
    for v in violations.iter().take(20) {
        eprintln!("{v}");
    }
    assert!(violations.is_empty());
    assert!(explored >= 1000, "only {explored} crash states");
}
