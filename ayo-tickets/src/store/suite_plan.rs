//! The store suite's cases for deferrals, links and `why`: every backend runs them (see
//! [`crate::store::suite::store_suite`]).

use std::time::{Duration, Instant};

use chrono::{SubsecRound, Utc};

use crate::Tickets;
use crate::error::Error;
use crate::options::ClaimOptions;
use crate::request::{Filter, NewTicket, Update};
use crate::store::suite::mk;

/// A deferral round-trips through the store, keeps the ticket out of `ready`, `claim` and
/// `blocked`, and ends with `None` or a time past.
pub(crate) fn deferrals(t: &Tickets) {
    let later = (Utc::now() + chrono::Duration::hours(2)).trunc_subsecs(3);
    let a = t
        .create(NewTicket::new("Publish").defer_until(later).priority(0))
        .unwrap();
    let b = mk(t, "Other", &[]);
    assert_eq!(a.defer_until, Some(later));
    assert!(!a.ready && a.blocked_by.is_empty());
    let again = Tickets::with_store(t.store().clone()).unwrap();
    assert_eq!(again.get(&a.id).unwrap().defer_until, Some(later));
    let listed = t.list(&Filter::default()).unwrap();
    assert_eq!(
        listed.iter().find(|x| x.id == a.id).unwrap().defer_until,
        Some(later)
    );
    let ready: Vec<String> = t.ready(None).unwrap().into_iter().map(|x| x.id).collect();
    assert_eq!(ready, vec![b.id.clone()]);
    assert!(t.blocked(None).unwrap().is_empty());
    let claimed = t.claim("@w", ClaimOptions::default()).unwrap().unwrap();
    assert_eq!(
        claimed.id, b.id,
        "the deferred ticket of priority 0 is skipped"
    );
    assert!(t.claim("@w", ClaimOptions::default()).unwrap().is_none());
    let cleared = t.defer(&a.id, None).unwrap();
    assert_eq!((cleared.defer_until, cleared.ready), (None, true));
    assert_eq!(again.get(&a.id).unwrap().defer_until, None);
    let past = t
        .defer(&a.id, Some(Utc::now() - chrono::Duration::seconds(5)))
        .unwrap();
    assert!(past.ready && past.defer_until.is_some());
    assert_eq!(t.ready(None).unwrap().len(), 1);
    let log = t.history(Some(&a.id)).unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "defer").count(), 2);
}

/// `update` sets a deferral (to the millisecond, as `defer` does) with other fields, keeps it
/// when it is not given, and ends it with `Some(None)`; a year past 9999 is refused whole.
pub(crate) fn update_defers(t: &Tickets) {
    let a = mk(t, "Renew", &[]);
    let later = Utc::now() + chrono::Duration::hours(3);
    let set = Update {
        priority: Some(1),
        defer_until: Some(Some(later)),
        ..Update::default()
    };
    let u = t.update(&a.id, set).unwrap();
    assert_eq!(
        (u.defer_until, u.priority),
        (Some(later.trunc_subsecs(3)), 1)
    );
    assert!(!u.ready && t.ready(None).unwrap().is_empty());
    let again = Tickets::with_store(t.store().clone()).unwrap();
    assert_eq!(again.get(&a.id).unwrap().defer_until, u.defer_until);
    let retitle = Update {
        title: Some("Renew it".into()),
        ..Update::default()
    };
    assert_eq!(t.update(&a.id, retitle).unwrap().defer_until, u.defer_until);
    let far = chrono::DateTime::parse_from_rfc3339("9999-12-31T23:00:00Z").unwrap();
    let too_far = Update {
        title: Some("Never".into()),
        defer_until: Some(Some(far.to_utc() + chrono::Duration::days(2))),
        ..Update::default()
    };
    assert_eq!(t.update(&a.id, too_far).unwrap_err().code(), "INVALID");
    assert_eq!(t.get(&a.id).unwrap().title, "Renew it");
    let clear = Update {
        defer_until: Some(None),
        ..Update::default()
    };
    let cleared = t.update(&a.id, clear).unwrap();
    assert_eq!((cleared.defer_until, cleared.ready), (None, true));
    assert_eq!(again.get(&a.id).unwrap().defer_until, None);
    let log = t.history(Some(&a.id)).unwrap();
    let updates: Vec<&str> = log
        .iter()
        .filter(|e| e.action == "update")
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(updates, ["priority, defer_until", "title", "defer_until"]);
}

/// `claim` and `wait_ready` that wait wake by themselves when a deferral ends (no change is
/// made to wake them), well before their timeout.
pub(crate) fn waits_wake_when_a_deferral_ends(t: &Tickets) {
    let soon = Utc::now() + chrono::Duration::milliseconds(700);
    let a = t.create(NewTicket::new("Soon").defer_until(soon)).unwrap();
    let started = Instant::now();
    let seen = t.wait_ready(None, Some(Duration::from_secs(30))).unwrap();
    assert_eq!(seen.map(|x| x.id), Some(a.id.clone()));
    assert!(Utc::now() >= soon.trunc_subsecs(3));
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "woke by the timeout"
    );
    t.defer(
        &a.id,
        Some(Utc::now() + chrono::Duration::milliseconds(700)),
    )
    .unwrap();
    let options = ClaimOptions {
        wait: true,
        timeout: Some(Duration::from_secs(30)),
        lease: None,
    };
    let started = Instant::now();
    let got = t.claim_wait("@w", &options, &|| Ok(())).unwrap();
    assert_eq!(got.map(|x| x.id), Some(a.id));
    assert!(started.elapsed() >= Duration::from_millis(500));
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "woke by the timeout"
    );
}

/// Links are written on both tickets and removed from both; a self-link and an unlink of
/// tickets not linked are Invalid; a link to a deleted ticket is removed by its exact id.
pub(crate) fn links(t: &Tickets) {
    let a = mk(t, "A", &[]);
    let b = mk(t, "B", &[]);
    let c = mk(t, "C", &[]);
    let linked = t.link(&a.id, &[b.id.as_str(), c.id.as_str()]).unwrap();
    assert_eq!(linked.links, vec![b.id.clone(), c.id.clone()]);
    assert_eq!(t.link(&a.id, &[b.id.as_str()]).unwrap().links.len(), 2);
    assert_eq!(t.get(&b.id).unwrap().links, vec![a.id.clone()]);
    assert_eq!(t.get(&c.id).unwrap().links, vec![a.id.clone()]);
    assert!(t.unlink(&b.id, &a.id).unwrap().links.is_empty());
    assert_eq!(t.get(&a.id).unwrap().links, vec![c.id.clone()]);
    let invalid = |r: crate::Result<crate::Ticket>| matches!(r, Err(Error::Invalid { .. }));
    assert!(invalid(t.link(&a.id, &[a.id.as_str()])));
    assert!(invalid(t.unlink(&a.id, &b.id)));
    assert!(invalid(t.link(&a.id, &[])));
    t.delete(&c.id, false).unwrap();
    assert_eq!(t.get(&a.id).unwrap().links, vec![c.id.clone()]);
    assert!(t.unlink(&a.id, &c.id).unwrap().links.is_empty());
}

/// `why` names the open deps and the root blockers behind them, the deferral, the holder and
/// its lease, and another assignee; a ready ticket has no reason.
pub(crate) fn why(t: &Tickets) {
    use crate::Reason;
    let root = mk(t, "Root", &[]);
    let other_root = mk(t, "Other root", &[]);
    let mid = mk(t, "Middle", &[&root.id, &other_root.id]);
    let later = (Utc::now() + chrono::Duration::hours(1)).trunc_subsecs(3);
    let top = t
        .create(
            NewTicket::new("Top")
                .dep(&mid.id)
                .assignee("@v")
                .defer_until(later),
        )
        .unwrap();
    let why = t.why(&top.id, Some("x")).unwrap();
    assert!(!why.ready && !why.claimable);
    assert_eq!(
        why.reasons,
        vec![
            Reason::Blocked {
                deps: vec![mid.id.clone()],
                roots: vec![root.id.clone(), other_root.id.clone()],
            },
            Reason::Deferred { until: later },
            Reason::Assigned { to: "@v".into() },
        ]
    );
    let free = t.why(&root.id, None).unwrap();
    assert!(free.ready && free.claimable && free.reasons.is_empty());
    let held = t
        .claim(
            "@w",
            ClaimOptions {
                lease: Some(600),
                ..ClaimOptions::default()
            },
        )
        .unwrap()
        .unwrap();
    let why = t.why(&held.id, Some("@w")).unwrap();
    assert!(!why.ready && !why.claimable);
    assert_eq!(
        why.reasons,
        vec![Reason::Claimed {
            by: Some("@w".into()),
            lease_until: held.lease_until,
            lease_expired: false,
        }]
    );
    t.close(&held.id, None).unwrap();
    let closed = t.why(&held.id, None).unwrap();
    assert_eq!(
        closed.reasons,
        vec![Reason::Status {
            status: crate::Status::Closed
        }]
    );
    assert!(matches!(t.why("nope", None), Err(Error::NotFound { .. })));
}
