//! The planner's statistics of `tickets`: taken by the store itself, since the server may run
//! without autovacuum (as the test server does), after a commit of many rows and on open when
//! they are stale. Without them a claim reads every row instead of walking the ready index.

use std::time::{Duration, Instant};

use super::schema::{ANALYZE_AFTER, Q};
use crate::{NewTicket, Tickets};
use ayo_test_support::{Schema, available, base_url};

/// The rows the planner believes `schema`'s `tickets` holds: -1 before any statistics.
fn planned_rows(schema: &str) -> f32 {
    let mut c = postgres::Client::connect(&base_url(), postgres::NoTls).unwrap();
    c.query_one(
        "SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)",
        &[&format!("\"{schema}\".tickets")],
    )
    .unwrap()
    .get(0)
}

/// The plan of the store's own claim statement on `schema`, for an agent with nothing of its
/// own (one line a node).
fn claim_plan(schema: &str) -> String {
    let mut c = postgres::Client::connect(&base_url(), postgres::NoTls).unwrap();
    let claim = &super::schema::statements(schema)[Q::Claim as usize];
    let now = chrono::Utc::now();
    let (key, agent, lease): (&str, &str, Option<i64>) = ("@w", "@w", None);
    let until: Option<chrono::DateTime<chrono::Utc>> = None;
    c.query(
        &format!("EXPLAIN {claim}"),
        &[&key, &now, &agent, &lease, &until],
    )
    .unwrap()
    .iter()
    .map(|r| r.get::<_, String>(0) + "\n")
    .collect()
}

/// Whether the claim's pick of an unassigned ticket walks the ready index, rather than
/// reading every row and sorting them.
fn claim_walks_the_index(schema: &str) -> bool {
    claim_plan(schema).contains("Index Scan using tickets_ready")
}

#[test]
fn a_commit_of_many_rows_takes_the_statistics_and_claims_walk_the_index() {
    if !available() {
        return;
    }
    let schema = Schema::new("stats_batch");
    let t = Tickets::connect(&schema.url).unwrap();
    let few = ANALYZE_AFTER - 1;
    t.batch(|t| {
        for i in 0..few {
            t.create(NewTicket::new(format!("T{i}")))?;
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(planned_rows(&schema.name), -1.0, "{few} rows take none yet");
    assert!(!claim_walks_the_index(&schema.name));
    t.batch(|t| {
        for i in 0..ANALYZE_AFTER {
            t.create(NewTicket::new(format!("U{i}")))?;
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(planned_rows(&schema.name), (few + ANALYZE_AFTER) as f32);
    assert!(claim_walks_the_index(&schema.name));
    assert!(t.claim("@w", Default::default()).unwrap().is_some());
}

#[test]
fn a_store_changed_by_small_commits_takes_them_when_opened() {
    if !available() {
        return;
    }
    let schema = Schema::new("stats_open");
    let written = 120;
    {
        let t = Tickets::connect(&schema.url).unwrap();
        for i in 0..written {
            t.create(NewTicket::new(format!("T{i}"))).unwrap();
        }
        assert_eq!(planned_rows(&schema.name), -1.0);
    }
    // The server counts the changes when each session reports them (at the latest when it
    // ends), so a new handle may need to come again.
    let deadline = Instant::now() + Duration::from_secs(20);
    while planned_rows(&schema.name) < 0.0 {
        assert!(
            Instant::now() < deadline,
            "no handle took the statistics of {written} changed rows"
        );
        std::thread::sleep(Duration::from_millis(100));
        drop(Tickets::connect(&schema.url).unwrap());
    }
    assert_eq!(planned_rows(&schema.name), written as f32);
}
