//! The PostgreSQL store against a live server, each test in a schema of its own.
//!
//! The server is `$AYO_TEST_POSTGRES_URL`, else `postgres://postgres@127.0.0.1:5432/test`. When it
//! cannot be reached the tests print a notice and pass, except with `CI=true`, where they fail.

use std::time::{Duration, Instant};

use super::PgStore;
use crate::Tickets;
use crate::store::{Access, ClaimRequest, NativeClaim, Store};
use crate::ticket::Ticket;
use ayo_test_support::{Schema, available, base_url};

crate::store::suite::store_suite!(if (available), || {
    let schema = Schema::new("suite");
    let t = Tickets::connect(&schema.url).unwrap();
    (t, schema)
});

crate::store::contract::store_contract!(
    if (available),
    crate::store::contract::Traits {
        versions: false,
        sources: true
    },
    || {
        let schema = Schema::new("contract");
        (PgStore::connect(&schema.url).unwrap(), schema)
    }
);

fn ticket(id: &str) -> Ticket {
    let mut t = Ticket::new(id, id.to_uppercase());
    t.created = Some(crate::ticket::now());
    t
}

#[test]
fn opens_at_once_from_many_threads_and_migrates_once() {
    if !available() {
        return;
    }
    let schema = Schema::new("migrate");
    let stores: Vec<PgStore> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|_| s.spawn(|| PgStore::connect(&schema.url)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap().unwrap())
            .collect()
    });
    assert_eq!(stores[0].schema(), schema.name);
    assert!(
        stores[0]
            .shared
            .location
            .ends_with(&format!("?schema={}", schema.name))
    );
    let mut c = postgres::Client::connect(&base_url(), postgres::NoTls).unwrap();
    let rows = c
        .query(
            &format!("SELECT version FROM \"{}\".ayo_version", schema.name),
            &[],
        )
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<_, i32>(0), super::schema::VERSION);
    // What one handle writes, another sees.
    let mut w = stores[1].begin(Access::Write).unwrap();
    assert!(w.create(&ticket("a1")).unwrap());
    w.commit().unwrap();
    assert!(
        stores[5]
            .begin(Access::Read)
            .unwrap()
            .get("a1")
            .unwrap()
            .is_some()
    );
}

#[test]
fn the_schema_may_come_from_the_search_path() {
    if !available() {
        return;
    }
    let schema = Schema::new("path");
    let base = base_url();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-csearch_path%3D{}", schema.name);
    let t = Tickets::connect(&url).unwrap();
    let a = t.create(crate::NewTicket::new("in the path")).unwrap();
    let again = Tickets::connect(&schema.url).unwrap();
    assert_eq!(again.get(&a.id).unwrap().title, "in the path");
    assert!(t.store().location().contains(&schema.name));
}

#[test]
fn an_unreachable_server_is_a_storage_error() {
    let err = Tickets::connect("postgres://nobody@127.0.0.1:1/none?connect_timeout=2").unwrap_err();
    assert_eq!(err.code(), "STORAGE", "{err}");
    assert!(err.to_string().contains("127.0.0.1:1"), "{err}");
    assert_eq!(
        Tickets::connect("postgres://h/db?schema=")
            .unwrap_err()
            .code(),
        "INVALID"
    );
}

/// A claim wakes watchers (a watch, a board, a job that may have lost its ticket) once it has
/// committed, and so does giving the ticket back.
#[test]
fn a_claim_and_a_release_each_send_a_change_signal() {
    if !available() {
        return;
    }
    let schema = Schema::new("claimfeed");
    let store = PgStore::connect(&schema.url).unwrap();
    let other = Tickets::connect(&schema.url).unwrap();
    let a = other.create(crate::NewTicket::new("A")).unwrap();
    let mut feed = store.changes().unwrap();
    let woken = |feed: &mut Box<dyn crate::store::ChangeFeed>, millis| {
        feed.wait(Instant::now() + Duration::from_millis(millis))
            .unwrap()
    };
    // Drain the create's signal, then nothing until the claim.
    woken(&mut feed, 300);
    assert!(!woken(&mut feed, 300), "no change, no signal");
    assert_eq!(
        other.claim("@w", Default::default()).unwrap().unwrap().id,
        a.id
    );
    assert!(woken(&mut feed, 10_000), "a claim");
    other.release(&a.id, Some("@w")).unwrap();
    assert!(woken(&mut feed, 10_000), "a release");
    // The claim's notification left no transaction open on its connection.
    other.create(crate::NewTicket::new("B")).unwrap();
}

#[test]
fn the_feed_wakes_on_another_connections_commit_only() {
    if !available() {
        return;
    }
    let schema = Schema::new("feed");
    let store = PgStore::connect(&schema.url).unwrap();
    let other = PgStore::connect(&schema.url).unwrap();
    let mut feed = store.changes().unwrap();
    let start = Instant::now();
    assert!(
        !feed.wait(start + Duration::from_millis(500)).unwrap(),
        "no change, no wake"
    );
    assert!(start.elapsed() >= Duration::from_millis(450));
    // A read-only transaction and an empty write change nothing.
    other.begin(Access::Read).unwrap().ids().unwrap();
    other.begin(Access::Write).unwrap().commit().unwrap();
    assert!(
        !feed
            .wait(Instant::now() + Duration::from_millis(300))
            .unwrap()
    );
    std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(200));
            let mut w = other.begin(Access::Write).unwrap();
            w.create(&ticket("x1")).unwrap();
            w.commit().unwrap();
        });
        let start = Instant::now();
        assert!(feed.wait(start + Duration::from_secs(10)).unwrap());
        assert!(start.elapsed() < Duration::from_secs(5));
    });
    // A rolled-back write sends nothing.
    {
        let mut w = other.begin(Access::Write).unwrap();
        w.create(&ticket("x2")).unwrap();
    }
    assert!(
        !feed
            .wait(Instant::now() + Duration::from_millis(300))
            .unwrap()
    );
}

#[test]
fn a_claim_transaction_writes_only_its_ticket() {
    if !available() {
        return;
    }
    let schema = Schema::new("claimtx");
    let store = PgStore::connect(&schema.url).unwrap();
    let mut w = store.begin(Access::Write).unwrap();
    w.create(&ticket("a")).unwrap();
    w.create(&ticket("b")).unwrap();
    w.commit().unwrap();
    let mut txn = store.begin(Access::Write).unwrap();
    let now = txn.now().unwrap();
    let req = ClaimRequest {
        agent: "@w",
        now,
        lease_secs: Some(30),
        lease_until: Some(now + chrono::Duration::seconds(30)),
    };
    let NativeClaim::Claimed(before) = txn.claim_native(&req).unwrap() else {
        panic!("nothing claimed");
    };
    assert_eq!(before.id, "a");
    assert_eq!(before.status, crate::Status::Open);
    let after = txn.get("a").unwrap().unwrap();
    assert_eq!(after.status, crate::Status::InProgress);
    assert_eq!(after.assignee.as_deref(), Some("@w"));
    assert_eq!(after.lease_secs, Some(30));
    assert_eq!(
        (after.started, after.lease_until),
        (Some(now), req.lease_until)
    );
    assert!(txn.put(&ticket("b")).is_err());
    assert!(txn.create(&ticket("c")).is_err());
    assert!(txn.delete("b").is_err());
    assert!(txn.claim_native(&req).is_err());
    txn.put(&after).unwrap();
    txn.commit().unwrap();
    let mut read = store.begin(Access::Read).unwrap();
    assert!(read.claim_native(&req).is_err(), "reads cannot claim");
    assert_eq!(
        read.get("a").unwrap().unwrap().assignee.as_deref(),
        Some("@w")
    );
}

#[test]
fn sources_and_times_round_trip() {
    if !available() {
        return;
    }
    let schema = Schema::new("source");
    let store = PgStore::connect(&schema.url).unwrap();
    let mut t = ticket("s1");
    t.lease_until = Some("2030-01-02T03:04:05.678Z".parse().unwrap());
    t.lease_secs = Some(90);
    t.status = crate::Status::InProgress;
    t.assignee = Some("Jane Doe".into());
    t.deps = vec!["missing".into()];
    t.tags = vec!["a".into(), "b c".into()];
    t.description = "Body\n\n## Design\nx".into();
    t.notes = vec![crate::Note {
        at: "2026-11-23T10:05:00.123456Z".parse().unwrap(),
        author: None,
        text: "line one\nline two".into(),
    }];
    let mut w = store.begin(Access::Write).unwrap();
    w.put_source(&t, Some("---\nid: s1\nextra: kept\n---\n# S1\n"))
        .unwrap();
    let mut changed = t.clone();
    changed.title = "Changed".into();
    w.put(&changed).unwrap(); // a later put keeps the source
    w.commit().unwrap();
    let mut r = store.begin(Access::Read).unwrap();
    assert_eq!(*r.get("s1").unwrap().unwrap(), changed);
    assert_eq!(
        r.source("s1").unwrap().as_deref(),
        Some("---\nid: s1\nextra: kept\n---\n# S1\n")
    );
    assert_eq!(r.source("nope").unwrap(), None);
    let mut times = Vec::new();
    for _ in 0..50 {
        times.push(store.begin(Access::Read).unwrap().now().unwrap());
    }
    assert!(times.windows(2).all(|w| w[0] < w[1]), "strictly increasing");
    let drift = (times[0] - chrono::Utc::now()).num_seconds().abs();
    assert!(drift < 60, "the server's clock is near ours: {drift}s");
}

#[test]
fn a_pooled_connection_the_server_closed_is_replaced() {
    if !available() {
        return;
    }
    let schema = Schema::new("reconnect");
    let app = format!("ayo_reconnect_{}", std::process::id());
    let store = PgStore::connect(&format!("{}&application_name={app}", schema.url)).unwrap();
    let t = Tickets::with_store(std::sync::Arc::new(store.clone())).unwrap();
    let kill = || {
        let mut c = postgres::Client::connect(&base_url(), postgres::NoTls).unwrap();
        let killed: i64 = c
            .query_one(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
                 WHERE application_name = $1",
                &[&app],
            )
            .unwrap()
            .get(0);
        assert!(killed >= 1, "a pooled connection to end");
        // Let the client side see nothing yet: it learns at its next statement.
        std::thread::sleep(Duration::from_millis(100));
    };
    kill();
    let a = t.create(crate::NewTicket::new("after a restart")).unwrap();
    kill();
    assert_eq!(t.claim("w", Default::default()).unwrap().unwrap().id, a.id);
    kill();
    assert_eq!(t.get(&a.id).unwrap().assignee.as_deref(), Some("@w"));
}

/// Audit entries sent as literals with the commit, and many of them with parameters before
/// it, read back exactly as written, in order: quotes, backslashes, an `E'` prefix, newlines,
/// odd Unicode, no actor.
#[test]
fn audit_entries_round_trip_as_literals_and_as_parameters() {
    if !available() {
        return;
    }
    let schema = Schema::new("auditlit");
    let store = PgStore::connect(&schema.url).unwrap();
    let odd = [
        "it's",
        "back\\slash",
        "\\'",
        "E'x'",
        "''",
        "line\nbreak",
        "émoji 🎫",
        "$$",
        "",
    ];
    for count in [odd.len(), super::txn::INLINE_LOG + 5] {
        let mut txn = store.begin(Access::Write).unwrap();
        let at = txn.now().unwrap();
        let written: Vec<crate::store::LogEntry> = (0..count)
            .map(|i| crate::store::LogEntry {
                at,
                actor: (i % 3 != 0).then(|| odd[i % odd.len()].to_string()),
                ticket: format!("t{i}"),
                action: odd[(i + 1) % odd.len()].to_string(),
                detail: odd[(i + 2) % odd.len()].repeat(i % 4),
            })
            .collect();
        for e in &written {
            txn.log(e.clone()).unwrap();
        }
        txn.commit().unwrap();
        let mut read = store.begin(Access::Read).unwrap();
        let history = read.history(None).unwrap();
        assert_eq!(history[history.len() - count..], written[..], "{count}");
    }
}
