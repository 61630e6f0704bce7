//! The store's contract as tests: small cases at the level of the [`Store`] and [`Txn`]
//! traits, each named after the method it pins down, that every backend runs unchanged with one
//! line, `store_contract!(Traits { .. }, || (store, guard))`, beside the rule scenarios of
//! [`super::suite`]. The closure returns a fresh, empty store plus whatever must live as long as
//! it (a temp dir, a schema guard); [`Traits`] says what the backend chose where the contract
//! leaves a choice (the defaults it keeps).

use std::time::{Duration, Instant};

use chrono::Utc;

use super::{Access, LogEntry, Store, Txn};
use crate::ticket::Ticket;

/// What a backend chose where the contract allows a choice.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Traits {
    /// [`Txn::version`] numbers committed states (else it keeps the default, `None`).
    pub versions: bool,
    /// [`Txn::source`] keeps the text a ticket was stored as (else the default, `None`).
    pub sources: bool,
}

/// A ticket with an id, a title, a creation time and deps.
fn ticket(id: &str, deps: &[&str]) -> Ticket {
    let mut t = Ticket::new(id, format!("Title of {id}"));
    t.created = Some(crate::ticket::now());
    t.deps = deps.iter().map(|d| d.to_string()).collect();
    t
}

fn entry(ticket: &str, action: &str) -> LogEntry {
    LogEntry {
        at: crate::ticket::now(),
        actor: Some("@tester".into()),
        ticket: ticket.into(),
        action: action.into(),
        detail: format!("{action} {ticket}"),
    }
}

fn write(store: &dyn Store) -> Box<dyn Txn> {
    store.begin(Access::Write).unwrap()
}

fn read(store: &dyn Store) -> Box<dyn Txn> {
    store.begin(Access::Read).unwrap()
}

/// Commits the given tickets in one write transaction.
fn seed(store: &dyn Store, tickets: &[Ticket]) {
    let mut tx = write(store);
    for t in tickets {
        assert!(tx.create(t).unwrap(), "{} was free", t.id);
    }
    tx.commit().unwrap();
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

/// `create` stores a ticket only if its id is free, within a transaction and across commits.
pub(crate) fn create_only_if_absent(store: &dyn Store, _: Traits) {
    let mut tx = write(store);
    assert!(tx.create(&ticket("aa1", &[])).unwrap());
    let mut other = ticket("aa1", &[]);
    other.title = "Second".into();
    assert!(!tx.create(&other).unwrap(), "taken in the same transaction");
    tx.commit().unwrap();
    let mut tx = write(store);
    assert!(!tx.create(&other).unwrap(), "taken by a committed ticket");
    tx.commit().unwrap();
    assert_eq!(
        read(store).get("aa1").unwrap().unwrap().title,
        "Title of aa1"
    );
}

/// `get` answers `None` for an unknown id and sees the transaction's own writes.
pub(crate) fn get_sees_own_writes(store: &dyn Store, _: Traits) {
    let mut tx = write(store);
    assert_eq!(tx.get("nope1").unwrap(), None);
    tx.put(&ticket("own1", &[])).unwrap();
    assert_eq!(tx.get("own1").unwrap().unwrap().id, "own1");
    assert_eq!(tx.ids().unwrap(), ["own1"]);
    tx.commit().unwrap();
}

/// A transaction dropped without `commit` writes nothing: no ticket, no delete, no log entry.
pub(crate) fn drop_without_commit_writes_nothing(store: &dyn Store, _: Traits) {
    seed(store, &[ticket("kept1", &[])]);
    {
        let mut tx = write(store);
        tx.create(&ticket("gone1", &[])).unwrap();
        tx.put(&ticket("gone2", &[])).unwrap();
        assert!(tx.delete("kept1").unwrap());
        tx.log(entry("gone1", "create")).unwrap();
    }
    let mut tx = read(store);
    assert_eq!(tx.ids().unwrap(), ["kept1"]);
    assert!(tx.get("gone1").unwrap().is_none());
    assert!(tx.get("kept1").unwrap().is_some());
    assert!(tx.history(None).unwrap().is_empty());
    // The writer's lock went with the dropped transaction: a new writer gets in.
    let mut tx = write(store);
    tx.put(&ticket("after1", &[])).unwrap();
    tx.commit().unwrap();
}

/// A read transaction refuses every write, and the refused writes leave nothing behind.
pub(crate) fn read_refuses_writes(store: &dyn Store, _: Traits) {
    seed(store, &[ticket("ro1", &[])]);
    let mut tx = read(store);
    assert!(tx.create(&ticket("ro2", &[])).is_err(), "create");
    assert!(tx.put(&ticket("ro3", &[])).is_err(), "put");
    assert!(
        tx.put_source(&ticket("ro4", &[]), Some("x")).is_err(),
        "put_source"
    );
    assert!(tx.delete("ro1").is_err(), "delete");
    assert!(tx.log(entry("ro1", "note")).is_err(), "log");
    let _ = tx.commit();
    let mut tx = read(store);
    assert_eq!(tx.ids().unwrap(), ["ro1"]);
    assert!(tx.history(None).unwrap().is_empty());
}

/// `put` replaces; `scan`, `scan_briefs` and `ids` see committed puts, and agree.
pub(crate) fn scan_sees_puts_after_commit(store: &dyn Store, _: Traits) {
    seed(store, &[ticket("sc1", &[]), ticket("sc2", &["sc1"])]);
    let mut changed = ticket("sc1", &[]);
    changed.title = "Changed".into();
    let mut tx = write(store);
    tx.put(&changed).unwrap();
    tx.put(&ticket("sc3", &[])).unwrap();
    tx.commit().unwrap();
    let mut tx = read(store);
    let scan = tx.scan().unwrap();
    let mut seen: Vec<(String, String)> = scan
        .tickets
        .iter()
        .map(|t| (t.id.clone(), t.title.clone()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("sc1".to_string(), "Changed".to_string()),
            ("sc2".into(), "Title of sc2".into()),
            ("sc3".into(), "Title of sc3".into())
        ]
    );
    assert!(scan.unreadable.is_empty() && scan.mismatched.is_empty());
    assert_eq!(
        tx.get("sc2").unwrap().unwrap().deps,
        ["sc1"],
        "deps round-trip"
    );
    let briefs = tx.scan_briefs().unwrap();
    let brief_ids: Vec<String> = briefs.tickets.iter().map(|b| b.id().to_string()).collect();
    assert_eq!(sorted(brief_ids), ["sc1", "sc2", "sc3"]);
    assert_eq!(sorted(tx.ids().unwrap()), ["sc1", "sc2", "sc3"]);
}

/// `delete` answers whether there was a ticket; a deleted ticket is gone from every read.
pub(crate) fn delete_removes(store: &dyn Store, _: Traits) {
    seed(store, &[ticket("de1", &[]), ticket("de2", &[])]);
    let mut tx = write(store);
    assert!(tx.delete("de1").unwrap());
    assert!(
        !tx.delete("de1").unwrap(),
        "already deleted in this transaction"
    );
    assert!(!tx.delete("nope9").unwrap());
    assert!(tx.get("de1").unwrap().is_none());
    tx.commit().unwrap();
    let mut tx = read(store);
    assert!(tx.get("de1").unwrap().is_none());
    assert_eq!(tx.ids().unwrap(), ["de2"]);
    let scan = tx.scan().unwrap();
    assert_eq!(scan.tickets.len(), 1);
    // A deleted id is free again.
    let mut tx = write(store);
    assert!(tx.create(&ticket("de1", &[])).unwrap());
    tx.commit().unwrap();
}

/// `log` appends at commit; `history` gives every entry oldest first, or one ticket's.
pub(crate) fn log_then_history(store: &dyn Store, _: Traits) {
    let (a, b, c) = (
        entry("lg1", "create"),
        entry("lg2", "create"),
        entry("lg1", "close"),
    );
    let mut tx = write(store);
    tx.log(a.clone()).unwrap();
    tx.log(b.clone()).unwrap();
    assert_eq!(
        tx.history(None).unwrap(),
        [a.clone(), b.clone()],
        "own entries"
    );
    tx.commit().unwrap();
    let mut tx = write(store);
    tx.log(c.clone()).unwrap();
    tx.commit().unwrap();
    let mut tx = read(store);
    let all = tx.history(None).unwrap();
    assert_eq!(
        all.iter()
            .map(|e| (&*e.ticket, &*e.action))
            .collect::<Vec<_>>(),
        [("lg1", "create"), ("lg2", "create"), ("lg1", "close")]
    );
    assert_eq!(all[0].actor.as_deref(), Some("@tester"));
    assert_eq!(all[0].detail, "create lg1");
    assert_eq!(tx.history(Some("lg1")).unwrap().len(), 2);
    assert_eq!(tx.history(Some("lg9")).unwrap(), []);
}

/// `version`: where a backend numbers versions, readers between two commits see one number, a
/// commit changes it, and a transaction holding writes answers `None`.
pub(crate) fn version_changes_at_each_commit(store: &dyn Store, traits: Traits) {
    let v0 = read(store).version();
    assert_eq!(v0.is_some(), traits.versions, "numbers versions: {v0:?}");
    let mut seen = vec![v0];
    for i in 0..3 {
        assert_eq!(
            read(store).version(),
            seen[seen.len() - 1],
            "no commit between"
        );
        let mut tx = write(store);
        tx.put(&ticket(&format!("vv{i}"), &[])).unwrap();
        assert_eq!(tx.version(), None, "a transaction with writes of its own");
        tx.commit().unwrap();
        let v = read(store).version();
        assert_eq!(v.is_some(), traits.versions);
        if traits.versions {
            assert!(
                !seen.contains(&v),
                "commit {i} gave a new version: {v:?} after {seen:?}"
            );
        }
        seen.push(v);
    }
}

/// `names_as_dep` may answer `None`, but never `Some(false)` for an id some ticket names as a
/// dep: committed, written in this transaction, in every kind of transaction.
pub(crate) fn names_as_dep_never_wrongly_says_no(store: &dyn Store, _: Traits) {
    seed(store, &[ticket("nd1", &[]), ticket("nd2", &["nd1"])]);
    for access in [Access::Read, Access::Write, Access::Batch] {
        let mut tx = store.begin(access).unwrap();
        assert_ne!(
            tx.names_as_dep("nd1").unwrap(),
            Some(false),
            "{access:?} committed"
        );
        if access != Access::Read {
            tx.put(&ticket("nd3", &["nd4"])).unwrap();
            assert_ne!(
                tx.names_as_dep("nd4").unwrap(),
                Some(false),
                "{access:?} own write"
            );
            tx.put(&ticket("nd5", &["nd2"])).unwrap();
            assert_ne!(
                tx.names_as_dep("nd2").unwrap(),
                Some(false),
                "{access:?} after put"
            );
            // A dep dropped in this transaction: a "yes" is allowed, a "no" must be true.
            tx.put(&ticket("nd2", &[])).unwrap();
            if tx.names_as_dep("nd1").unwrap() == Some(false) {
                assert!(
                    tx.scan()
                        .unwrap()
                        .tickets
                        .iter()
                        .all(|t| t.deps.is_empty() || !t.deps.contains(&"nd1".to_string()))
                );
            }
        }
        // An id nobody names: any answer is allowed, but it must be an answer.
        tx.names_as_dep("nd9").unwrap();
    }
}

/// `put_source` then `source`: a store that keeps sources gives the text back after commit, with
/// its unknown keys, and it parses to the ticket; one that keeps none answers `None`.
pub(crate) fn source_round_trips(store: &dyn Store, traits: Traits) {
    let t = ticket("so1", &[]);
    let text = crate::format::render(&t, None).unwrap();
    let text = text.replacen("---\n", "---\nx-unknown: kept\n", 1);
    let mut tx = write(store);
    tx.put_source(&t, Some(&text)).unwrap();
    assert_eq!(tx.get("so1").unwrap().unwrap().title, t.title);
    tx.commit().unwrap();
    let got = read(store).source("so1").unwrap();
    if traits.sources {
        let got = got.expect("a source");
        assert!(got.contains("x-unknown: kept"), "{got}");
        let parsed = crate::format::parse(got.as_bytes(), std::path::Path::new("so1.md")).unwrap();
        assert_eq!((parsed.ticket.id, parsed.ticket.title), (t.id, t.title));
    } else {
        assert_eq!(got, None);
    }
    assert_eq!(read(store).source("none1").unwrap(), None);
}

/// `now` is the store's clock: close to this host's and never far behind a commit's time.
pub(crate) fn now_is_the_stores_clock(store: &dyn Store, _: Traits) {
    let before = Utc::now();
    let now = read(store).now().unwrap();
    let skew = (now - before).num_seconds().abs();
    assert!(skew < 60, "store clock {now} vs host {before}");
}

/// `changes`: a feed made before a commit reports it before its deadline.
pub(crate) fn changes_report_a_commit(store: &dyn Store, _: Traits) {
    let mut feed = store.changes().unwrap();
    seed(store, &[ticket("ch1", &[])]);
    assert!(feed.wait(Instant::now() + Duration::from_secs(10)).unwrap());
}

/// `location` names the store; `place`, where there is one, reaches the same store.
pub(crate) fn location_and_place(store: &dyn Store, _: Traits) {
    assert!(!store.location().is_empty());
    if let Some(place) = store.place() {
        let again = crate::Tickets::open_choice(&place).unwrap();
        seed(store, &[ticket("pl1", &[])]);
        assert_eq!(again.get("pl1").unwrap().id, "pl1");
    }
}

/// Runs every case of the contract against a backend:
/// `store_contract!(Traits { .. }, || (store, guard))`, or with `if (|| available), ...` first
/// to run each case only when the backend is reachable.
macro_rules! store_contract {
    (if ($available:expr), $traits:expr, $make:expr) => {
        mod contract_tests {
            #[allow(unused_imports)]
            use super::*;
            use $crate::store::contract as c;

            $crate::store::suite::backend_cases!(
                $available,
                $make,
                c,
                [$traits],
                create_only_if_absent,
                get_sees_own_writes,
                drop_without_commit_writes_nothing,
                read_refuses_writes,
                scan_sees_puts_after_commit,
                delete_removes,
                log_then_history,
                version_changes_at_each_commit,
                names_as_dep_never_wrongly_says_no,
                source_round_trips,
                now_is_the_stores_clock,
                changes_report_a_commit,
                location_and_place,
            );
        }
    };
    ($traits:expr, $make:expr) => {
        $crate::store::contract::store_contract!(if (|| true), $traits, $make);
    };
}
pub(crate) use store_contract;
