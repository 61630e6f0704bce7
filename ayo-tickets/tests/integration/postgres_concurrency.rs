//! Several connections on one PostgreSQL store at once: waiters woken by another connection's
//! close, and the cycle check under concurrent edge inserts.

use std::sync::Barrier;
use std::time::{Duration, Instant};

use ayo_test_support::{Schema, available};
use ayo_tickets::{ClaimOptions, Error, NewTicket, Status, Tickets};

/// A handle with a store (and so connections) of its own.
fn connect(schema: &Schema) -> Tickets {
    Tickets::connect(&schema.url).unwrap()
}

#[test]
fn a_waiter_is_woken_by_another_connections_close() {
    if !available() {
        return;
    }
    let schema = Schema::new("wake");
    let closer = connect(&schema);
    let a = closer
        .create(NewTicket::new("extract").assignee("extractor"))
        .unwrap();
    let b = closer
        .create(NewTicket::new("validate").assignee("validator").dep(&a.id))
        .unwrap();
    // The watcher waits on a ticket nobody claims: on b, the claim could take it first.
    let c = closer
        .create(NewTicket::new("report").assignee("reporter").dep(&a.id))
        .unwrap();
    let claimer = connect(&schema);
    let watcher = connect(&schema);
    std::thread::scope(|s| {
        // Waits end at their timeout unless a change signal wakes them: the PostgreSQL store
        // has no polling, so a prompt return is the NOTIFY at work.
        let claim = s.spawn(|| {
            let r = claimer.claim(
                "validator",
                ClaimOptions {
                    wait: true,
                    timeout: Some(Duration::from_secs(30)),
                    lease: None,
                },
            );
            (r, Instant::now())
        });
        let ready = s.spawn(|| {
            let r = watcher.wait_ready(Some("@reporter"), Some(Duration::from_secs(30)));
            (r, Instant::now())
        });
        std::thread::sleep(Duration::from_millis(500));
        if claim.is_finished() {
            panic!("the claim ended early: {:?}", claim.join().unwrap().0);
        }
        if ready.is_finished() {
            panic!("the wait ended early: {:?}", ready.join().unwrap().0);
        }
        let closed_at = Instant::now();
        closer.close(&a.id, Some("done")).unwrap();
        let (got, woke) = claim.join().unwrap();
        let got = got.unwrap().expect("claimed after the close");
        assert_eq!(got.id, b.id);
        assert_eq!(got.assignee.as_deref(), Some("@validator"));
        assert!(
            woke - closed_at < Duration::from_secs(5),
            "{:?}",
            woke - closed_at
        );
        let (seen, woke) = ready.join().unwrap();
        let seen = seen.unwrap().expect("c was ready after the close");
        assert_eq!(seen.id, c.id);
        assert_eq!(seen.status, Status::Open, "wait_ready claims nothing");
        assert!(
            woke - closed_at < Duration::from_secs(5),
            "{:?}",
            woke - closed_at
        );
    });
    assert_eq!(
        closer.get(&b.id).unwrap().assignee.as_deref(),
        Some("@validator")
    );
}

#[test]
fn a_claim_wait_ends_at_its_timeout_without_a_change() {
    if !available() {
        return;
    }
    let schema = Schema::new("timeout");
    let t = connect(&schema);
    let start = Instant::now();
    let got = t
        .claim(
            "w",
            ClaimOptions {
                wait: true,
                timeout: Some(Duration::from_millis(700)),
                lease: None,
            },
        )
        .unwrap();
    assert!(got.is_none());
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(650) && waited < Duration::from_secs(5));
}

#[test]
fn two_connections_adding_opposite_edges_never_both_succeed() {
    if !available() {
        return;
    }
    let schema = Schema::new("cycle");
    let one = connect(&schema);
    let two = connect(&schema);
    const ROUNDS: usize = 40;
    let pairs: Vec<(String, String)> = (0..ROUNDS)
        .map(|i| {
            let a = one.create(NewTicket::new("a").id(format!("a{i}"))).unwrap();
            let b = one.create(NewTicket::new("b").id(format!("b{i}"))).unwrap();
            (a.id, b.id)
        })
        .collect();
    let barrier = Barrier::new(2);
    let (r1, r2): (Vec<_>, Vec<_>) = std::thread::scope(|s| {
        let h1 = s.spawn(|| {
            pairs
                .iter()
                .map(|(a, b)| {
                    barrier.wait();
                    one.add_dep(a, b)
                })
                .collect::<Vec<_>>()
        });
        let h2 = s.spawn(|| {
            pairs
                .iter()
                .map(|(a, b)| {
                    barrier.wait();
                    two.add_dep(b, a)
                })
                .collect::<Vec<_>>()
        });
        (h1.join().unwrap(), h2.join().unwrap())
    });
    for (i, (x, y)) in r1.into_iter().zip(r2).enumerate() {
        let (a, b) = &pairs[i];
        match (x, y) {
            (Ok(_), Err(Error::Cycle { cycle })) => assert_eq!(cycle, [b.as_str(), a, b]),
            (Err(Error::Cycle { cycle }), Ok(_)) => assert_eq!(cycle, [a.as_str(), b, a]),
            other => panic!("round {i}: exactly one edge must win: {other:?}"),
        }
    }
    assert!(one.check().unwrap().is_empty(), "no cycle in the store");
}

/// A writer that waits its lock timeout for the schema's write lock, held by another
/// connection's open batch, fails with BUSY naming the lock and the holding backend.
#[test]
fn a_held_write_lock_is_busy_after_the_lock_timeout() {
    if !available() {
        return;
    }
    let schema = Schema::new("busy");
    let holder = connect(&schema);
    holder.create(NewTicket::new("first")).unwrap();
    let waiter = connect(&schema).with_lock_timeout(0.5).unwrap();
    holder.begin_batch().unwrap();
    holder.create(NewTicket::new("held")).unwrap();
    let start = Instant::now();
    let err = waiter.create(NewTicket::new("second")).unwrap_err();
    let waited = start.elapsed();
    holder.end_batch(true).unwrap();
    let Error::Busy { lock, holder: who } = &err else {
        panic!("not BUSY: {err}");
    };
    assert!(lock.contains("write lock"), "{lock}");
    let who = who.as_ref().expect("the holding backend is named");
    assert!(who.pid > 0 && who.since.is_some(), "{err}");
    assert!(waited >= Duration::from_millis(400), "{waited:?}");
    assert!(waited < Duration::from_secs(10), "{waited:?}");
    // The lock is free again: the waiter writes, and nothing of its failed write is there.
    waiter.create(NewTicket::new("third")).unwrap();
    let titles = waiter.list(&Default::default()).unwrap().len();
    assert_eq!(titles, 3);
}

/// The connections of the test server that listen on `schema`'s channel.
fn listening(schema: &Schema) -> i64 {
    let mut c = ayo_test_support::client();
    let row = c
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN %' \
             AND datname = current_database() AND pid <> pg_backend_pid() \
             AND application_name = $1",
            &[&schema.name],
        )
        .unwrap();
    row.get(0)
}

#[test]
fn forty_jobs_of_one_handle_share_one_listening_connection_and_each_sees_its_loss() {
    if !available() {
        return;
    }
    let schema = Schema::new("listen");
    // Tag the store's connections, so that other tests' listeners are not counted.
    let url = format!("{}&application_name={}", schema.url, schema.name);
    let agent = Tickets::connect(&url).unwrap();
    let ids: Vec<String> = (0..40)
        .map(|i| agent.create(NewTicket::new(format!("job {i}"))).unwrap().id)
        .collect();
    let lease = ClaimOptions {
        lease: Some(60),
        ..ClaimOptions::default()
    };
    let jobs: Vec<_> = ids
        .iter()
        .map(|_| {
            agent
                .work("@worker", lease.clone())
                .unwrap()
                .expect("a ticket")
        })
        .collect();
    assert_eq!(listening(&schema), 1, "one LISTEN connection for 40 jobs");
    // Another handle takes every ticket: each job sees its loss through the shared listener.
    let other = connect(&schema);
    for id in &ids {
        other.release(id, None).unwrap();
    }
    for job in &jobs {
        let why = job.wait_lost(Some(Duration::from_secs(20)));
        assert!(why.is_some(), "job on {} saw its loss", job.ticket().id);
    }
    drop(jobs);
    // With no feed left, the listener closes its connection.
    let deadline = Instant::now() + Duration::from_secs(10);
    while listening(&schema) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        listening(&schema),
        0,
        "the listener ended with its last feed"
    );
}
