//! Tests of [`super::Job`] on the memory store: the lease kept alive, the give-back of a dropped
//! job, and the ways a job is lost. (The process tests, on markdown and PostgreSQL, are the
//! CLI's `ayo ticket run` tests.)

use std::sync::mpsc;
use std::time::Duration;

use crate::options::ClaimOptions;
use crate::request::NewTicket;
use crate::ticket::Status;
use crate::{Error, Tickets};

fn lease(secs: u64) -> ClaimOptions {
    ClaimOptions {
        lease: Some(secs),
        ..ClaimOptions::default()
    }
}

/// Two handles on one memory store: the worker's and another agent's.
fn pair() -> (Tickets, Tickets) {
    let t = Tickets::in_memory();
    let other = Tickets::with_store(t.store().clone()).unwrap();
    (t, other)
}

#[test]
fn a_job_keeps_its_lease_alive_past_its_length() {
    let (t, other) = pair();
    let a = t.create(NewTicket::new("long")).unwrap();
    let job = t.work("w", lease(1)).unwrap().unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    assert!(
        other
            .claim("@thief", ClaimOptions::default())
            .unwrap()
            .is_none()
    );
    assert!(job.lost().is_none());
    let got = other.get(&a.id).unwrap();
    assert!(got.lease_until.unwrap() > chrono::Utc::now());
    job.close(None).unwrap();
    assert_eq!(other.get(&a.id).unwrap().status, Status::Closed);
}

#[test]
fn the_lease_defaults_to_the_handles_then_sixty_seconds() {
    let (t, _) = pair();
    t.create(NewTicket::new("a")).unwrap();
    t.create(NewTicket::new("b")).unwrap();
    let job = t.work("w", ClaimOptions::default()).unwrap().unwrap();
    assert_eq!(job.lease(), super::DEFAULT_WORK_LEASE);
    assert_eq!(job.ticket().lease_secs, Some(60));
    let t = Tickets::with_store(t.store().clone())
        .unwrap()
        .with_default_lease(Some(5))
        .unwrap();
    assert_eq!(
        t.work("v", ClaimOptions::default())
            .unwrap()
            .unwrap()
            .lease(),
        5
    );
    assert_eq!(t.work("v", lease(0)).unwrap_err().code(), "INVALID");
}

#[test]
fn nothing_claimable_is_none() {
    let (t, _) = pair();
    assert!(t.work("w", lease(5)).unwrap().is_none());
    let wait = ClaimOptions {
        wait: true,
        timeout: Some(Duration::from_millis(200)),
        lease: Some(5),
    };
    assert!(t.work("w", wait).unwrap().is_none());
}

#[test]
fn a_dropped_job_gives_the_ticket_back_with_a_note() {
    let (t, other) = pair();
    let a = t.create(NewTicket::new("a")).unwrap();
    drop(t.work("@w", lease(30)).unwrap().unwrap());
    let got = other.get(&a.id).unwrap();
    assert_eq!(got.status, Status::Open);
    assert_eq!(got.lease_until, None);
    let note = got.notes.last().unwrap();
    assert!(
        note.text.contains("ended without close or release"),
        "{note:?}"
    );
    assert_eq!(note.author.as_deref(), Some("@w"));
}

#[test]
fn release_adds_the_note_and_ends_the_job() {
    let (t, other) = pair();
    let a = t.create(NewTicket::new("a")).unwrap();
    let job = t.work("w", lease(30)).unwrap().unwrap();
    job.release(Some("exit 7: boom")).unwrap();
    let got = other.get(&a.id).unwrap();
    assert_eq!(got.status, Status::Open);
    assert_eq!(got.notes.last().unwrap().text, "exit 7: boom");
    assert!(job.ended());
    assert_eq!(job.close(None).unwrap_err().code(), "INVALID");
    assert_eq!(job.wait_lost(None), None);
}

#[test]
fn a_ticket_released_by_someone_else_loses_the_job_and_runs_its_handler() {
    let (t, other) = pair();
    let a = t.create(NewTicket::new("a")).unwrap();
    let job = t.work("w", lease(30)).unwrap().unwrap();
    let (tx, rx) = mpsc::channel();
    job.on_lost(Box::new(move |why| tx.send(why.to_string()).unwrap()));
    other.release(&a.id, None).unwrap();
    let why = job.wait_lost(Some(Duration::from_secs(10))).expect("lost");
    assert!(why.contains("released by someone else"), "{why}");
    assert_eq!(rx.recv_timeout(Duration::from_secs(1)).unwrap(), why);
    assert_eq!(job.lost(), Some(why));
    // A lost job writes nothing more: no note, no close, and dropping it gives nothing back.
    let e = job.close(None).unwrap_err();
    assert!(matches!(e, Error::Conflict { .. }), "{e:?}");
    assert_eq!(job.note("x").unwrap_err().code(), "CONFLICT");
    other.start(&a.id, Some("@b"), false).unwrap();
    drop(job);
    let got = other.get(&a.id).unwrap();
    assert_eq!(
        (got.status, got.assignee.as_deref()),
        (Status::InProgress, Some("@b"))
    );
}

#[test]
fn a_ticket_closed_or_deleted_by_someone_else_loses_the_job() {
    let (t, other) = pair();
    let a = t.create(NewTicket::new("a")).unwrap();
    let b = t.create(NewTicket::new("b")).unwrap();
    let first = t.work("w", lease(30)).unwrap().unwrap();
    let second = t.work("w", lease(30)).unwrap().unwrap();
    let (closed, deleted) = match first.ticket().id == a.id {
        true => (&first, &second),
        false => (&second, &first),
    };
    other.close(&a.id, None).unwrap();
    other.delete(&b.id, false).unwrap();
    let why = closed.wait_lost(Some(Duration::from_secs(10))).unwrap();
    assert!(why.contains("closed by someone else"), "{why}");
    let why = deleted.wait_lost(Some(Duration::from_secs(10))).unwrap();
    assert!(why.contains("deleted"), "{why}");
}

#[test]
fn a_wait_for_loss_ends_with_the_job_or_its_timeout() {
    let (t, _) = pair();
    t.create(NewTicket::new("a")).unwrap();
    let job = std::sync::Arc::new(t.work("w", lease(30)).unwrap().unwrap());
    assert_eq!(job.wait_lost(Some(Duration::from_millis(100))), None);
    let waiter = {
        let job = job.clone();
        std::thread::spawn(move || job.wait_lost(None))
    };
    std::thread::sleep(Duration::from_millis(100));
    job.close(Some("done")).unwrap();
    assert_eq!(waiter.join().unwrap(), None);
}

#[test]
fn a_lost_job_notes_what_became_of_its_work_as_nobody() {
    let (t, other) = pair();
    let a = t.create(NewTicket::new("a")).unwrap();
    let job = t.work("w", lease(30)).unwrap().unwrap();
    assert!(
        !job.note_lost("stopped").unwrap(),
        "a held job writes no loss note"
    );
    // Released by someone else, then claimed again by an agent of the same name.
    other.release(&a.id, None).unwrap();
    other.claim("@w", lease(30)).unwrap().unwrap();
    let why = job.wait_lost(Some(Duration::from_secs(10))).unwrap();
    assert!(
        why.contains("released by someone else") || why.contains("claimed again"),
        "{why}"
    );
    assert!(job.note_lost("the command was stopped").unwrap());
    let note = other.get(&a.id).unwrap().notes.last().unwrap().clone();
    assert_eq!(note.author, None);
    assert!(
        note.text.starts_with("@w lost this ticket ("),
        "{}",
        note.text
    );
    assert!(
        note.text.ends_with("; the command was stopped"),
        "{}",
        note.text
    );
}

#[test]
fn a_watch_wakes_when_its_job_is_dropped() {
    let (t, _) = pair();
    t.create(NewTicket::new("a")).unwrap();
    let job = t.work("w", lease(30)).unwrap().unwrap();
    let watch = job.watch();
    let waiter = std::thread::spawn(move || watch.wait_lost(None));
    std::thread::sleep(Duration::from_millis(100));
    drop(job);
    assert_eq!(waiter.join().unwrap(), None);
}

/// A memory store whose writes fail while `failing` is set (reads still work).
struct Flaky {
    inner: crate::store::memory::MemoryStore,
    failing: std::sync::atomic::AtomicBool,
}

impl crate::store::Store for Flaky {
    fn begin(&self, access: crate::store::Access) -> crate::Result<Box<dyn crate::store::Txn>> {
        if access != crate::store::Access::Read
            && self.failing.load(std::sync::atomic::Ordering::SeqCst)
        {
            return Err(Error::storage("the disk is gone"));
        }
        self.inner.begin(access)
    }
    fn changes(&self) -> crate::Result<Box<dyn crate::store::ChangeFeed>> {
        self.inner.changes()
    }
    fn location(&self) -> String {
        "flaky".into()
    }
}

#[test]
fn heartbeats_that_fail_until_the_lease_runs_out_lose_the_job() {
    let store = std::sync::Arc::new(Flaky {
        inner: crate::store::memory::MemoryStore::new(),
        failing: std::sync::atomic::AtomicBool::new(false),
    });
    let t = Tickets::with_store(store.clone()).unwrap();
    t.create(NewTicket::new("a")).unwrap();
    let job = t.work("w", lease(1)).unwrap().unwrap();
    store
        .failing
        .store(true, std::sync::atomic::Ordering::SeqCst);
    // Heartbeats that fail before the lease has run out are retried, not taken as a loss.
    assert_eq!(job.wait_lost(Some(Duration::from_millis(600))), None);
    let why = job.wait_lost(Some(Duration::from_secs(5))).expect("lost");
    assert!(
        why.contains("heartbeats failed until the lease ran out"),
        "{why}"
    );
    assert!(why.contains("the disk is gone"), "{why}");
}

/// `finish` is how every front end ends a block of work: a clean end closes (and, once the
/// work ended the job itself, does nothing); a failure gives back with a note naming it.
#[test]
fn finish_closes_a_clean_end_and_gives_back_a_failure() {
    let (t, other) = pair();
    let a = t.create(NewTicket::new("good")).unwrap();
    let job = t.work("w", lease(30)).unwrap().unwrap();
    let closed = job.finish(None).unwrap().unwrap();
    assert_eq!(closed.ticket.id, a.id);
    assert_eq!(other.get(&a.id).unwrap().status, Status::Closed);
    assert!(job.finish(None).unwrap().is_none(), "already ended");

    let b = t.create(NewTicket::new("bad")).unwrap();
    let job = t.work("w", lease(30)).unwrap().unwrap();
    assert!(job.finish(Some("it broke")).unwrap().is_none());
    let got = other.get(&b.id).unwrap();
    assert_eq!(got.status, Status::Open);
    assert_eq!(got.notes.last().unwrap().text, "Given back: it broke");
    assert!(job.ended());
}
