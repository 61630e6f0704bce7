//! The store suite's case for listing lines ([`crate::TicketLine`]): every backend runs it
//! (see [`crate::store::suite::store_suite`]).

use chrono::{Duration, Utc};

use crate::request::{Filter, NewTicket};
use crate::store::suite::mk;
use crate::ticket::{Status, Ticket};
use crate::{TicketLine, Tickets};

fn lines(ts: &[Ticket]) -> Vec<TicketLine> {
    ts.iter().map(TicketLine::from).collect()
}

/// `list_lines`, `blocked_lines` and `ready_lines` give the lines of the tickets `list`,
/// `blocked` and `ready` give, in their order: blocked (by an open and by an in-progress dep,
/// not by a closed one), deferred (in the future and past), assigned, closed, archived;
/// `ready_lines` also from the `ready` list kept for the store's version.
pub(crate) fn lines_equal_whole_tickets(t: &Tickets) {
    let a = mk(t, "Extract the data", &[]);
    let b = mk(t, "Validate", &[&a.id]);
    let w = mk(t, "In progress", &[]);
    t.start(&w.id, Some("@worker"), false).unwrap();
    let c = t
        .create(
            NewTicket::new("Report  with  spaces")
                .deps([a.id.as_str(), b.id.as_str(), w.id.as_str()])
                .assignee("@validator"),
        )
        .unwrap();
    let d = t
        .create(NewTicket::new("Later").assignee("@validator"))
        .unwrap();
    t.defer(&d.id, Some(Utc::now() + Duration::days(3)))
        .unwrap();
    let e = mk(t, "Was deferred", &[]);
    t.defer(&e.id, Some(Utc::now() - Duration::days(3)))
        .unwrap();
    let f = mk(t, "Done", &[]);
    t.close(&f.id, None).unwrap();
    let g = mk(t, "Waits for done", &[&f.id]);
    let h = mk(t, "Archived", &[]);
    t.close(&h.id, None).unwrap();
    let archives = t.archive(&[&h.id]).is_ok();
    let i = mk(t, "After the archive", &[&h.id]);

    let filters = [
        Filter::default(),
        Filter {
            status: Some(Status::Open),
            assignee: Some("validator".into()),
            ..Filter::default()
        },
        Filter {
            status: Some(Status::Closed),
            ..Filter::default()
        },
        Filter {
            archived: true,
            ..Filter::default()
        },
    ];
    for filter in &filters {
        assert_eq!(
            t.list_lines(filter).unwrap(),
            lines(&t.list(filter).unwrap()),
            "{filter:?}"
        );
    }
    let all = t.list_lines(&Filter::default()).unwrap();
    let line = |id: &str| all.iter().find(|l| l.id() == id).unwrap().clone();
    assert_eq!(
        line(&c.id).blocked_by(),
        [a.id.clone(), b.id.clone(), w.id.clone()]
    );
    assert_eq!(line(&c.id).assignee(), Some("@validator"));
    assert!(line(&d.id).is_deferred(Utc::now()));
    assert!(line(&g.id).blocked_by().is_empty());
    // An archived dep counts as closed.
    assert!(line(&i.id).blocked_by().is_empty());
    if archives {
        let old = t.list_lines(&filters[3]).unwrap();
        assert_eq!(old.len(), 1);
        assert!(old[0].archived());
    }
    for agent in [None, Some("validator"), Some("@worker")] {
        assert_eq!(
            t.blocked_lines(agent).unwrap(),
            lines(&t.blocked(agent).unwrap())
        );
        // Before `ready` keeps its list for this version, then from the kept list.
        let fresh = t.ready_lines(agent).unwrap();
        assert_eq!(fresh, lines(&t.ready(agent).unwrap()));
        assert_eq!(t.ready_lines(agent).unwrap(), fresh);
    }
    assert!(t.blocked_lines(Some(" ")).is_err());
    assert!(t.ready_lines(Some("@")).is_err());
    assert!(
        t.list_lines(&Filter {
            assignee: Some(String::new()),
            ..Filter::default()
        })
        .is_err()
    );
    let ready = t.ready_lines(None).unwrap();
    assert!(ready.iter().any(|l| l.id() == e.id));
    assert!(
        ready
            .iter()
            .all(|l| l.id() != d.id && l.blocked_by().is_empty())
    );
}
