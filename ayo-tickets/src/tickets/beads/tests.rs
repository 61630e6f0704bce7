//! The beads import over the fixture files of `tests/fixtures/beads/`.

use chrono::{DateTime, Utc};

use crate::error::Error;
use crate::request::Filter;
use crate::ticket::Status;
use crate::tickets::Tickets;

const ISSUES: &str = include_str!("../../../tests/fixtures/beads/issues.jsonl");
const CYCLE: &str = include_str!("../../../tests/fixtures/beads/cycle.jsonl");

fn at(s: &str) -> Option<DateTime<Utc>> {
    Some(s.parse().unwrap())
}

fn check_imported(t: &Tickets) {
    let ids: Vec<String> = t
        .list(&Filter::default())
        .unwrap()
        .into_iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(ids.len(), 9, "{ids:?}");
    let epic = t.get("bv-2a4").unwrap();
    assert_eq!((epic.kind.as_str(), epic.priority), ("epic", 1));
    assert_eq!(epic.tags, ["import", "beads"]);
    assert!(
        epic.description
            .contains("Top epic\n\n## Design\n\nRead the file")
    );
    assert!(
        epic.description
            .contains("## Acceptance Criteria\n\nAll lines counted")
    );
    assert!(epic.ready);
    let parse = t.get("bv-2a4.1").unwrap();
    assert_eq!(parse.status, Status::Closed);
    assert_eq!(parse.parent.as_deref(), Some("bv-2a4"));
    assert_eq!(parse.assignee.as_deref(), Some("@parser"));
    assert_eq!(parse.created, at("2025-10-01T17:00:00.123456Z"));
    assert_eq!(parse.notes.last().unwrap().text, "Closed: parsed");
    let map = t.get("bv-2a4.2").unwrap();
    assert_eq!((map.status.clone(), map.priority), (Status::InProgress, 0));
    assert_eq!(map.deps, ["bv-2a4.1"]);
    assert_eq!(map.notes[0].author.as_deref(), Some("alice"));
    let write = t.get("bv-2a4.3").unwrap();
    assert_eq!(write.status, Status::InProgress, "hooked is in progress");
    assert_eq!(
        write.deps,
        ["bv-2a4.2"],
        "dangling and external deps left out"
    );
    let blocked = t.get("bv-7").unwrap();
    assert_eq!(
        blocked.title, "Blocked by hand (edited)",
        "the last line wins"
    );
    assert_eq!(blocked.status, Status::Other("blocked".into()));
    assert!(!blocked.ready);
    assert_eq!(blocked.notes[0].text, "waiting for legal");
    assert_eq!(
        t.get("bv-9").unwrap().status,
        Status::Other("pinned".into())
    );
    let mut links = t.get("bv-9").unwrap().links;
    links.sort();
    assert_eq!(links, ["bv-10", "bv-2a4", "bv-7", "bv-8"]);
    let mut back = blocked.links.clone();
    back.sort();
    assert_eq!(back, ["bv-10", "bv-9"], "links are both ways");
    let custom = t.get("bv-10").unwrap();
    assert_eq!(
        (custom.status.as_str(), custom.kind.as_str()),
        ("review", "task")
    );
    let none = t.get("bv-14").unwrap();
    assert_eq!(
        (none.priority, none.created),
        (0, at("2025-10-01T13:30:00Z"))
    );
    let ready: Vec<String> = t.ready(None).unwrap().into_iter().map(|x| x.id).collect();
    assert_eq!(ready, ["bv-14", "bv-2a4"]);
}

#[test]
fn a_beads_file_maps_statuses_edges_and_times() {
    let t = Tickets::in_memory();
    let done = t.import_beads(ISSUES).unwrap();
    assert_eq!(done.imported, 9);
    let kinds: Vec<&str> = done.not_mapped.iter().map(|n| n.kind).collect();
    for kind in [
        "tombstone",
        "ephemeral",
        "record",
        "replaced",
        "dangling",
        "external",
        "field",
        "type",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    assert_eq!(done.not_mapped.len(), 9, "{:?}", done.not_mapped);
    // beads' defer date is ayo's; its due date has no place.
    let deferred = t.get("bv-8").unwrap();
    assert_eq!(deferred.defer_until, at("2030-01-01T00:00:00Z"));
    assert!(
        done.not_mapped
            .iter()
            .any(|n| n.kind == "field" && n.detail.starts_with("due_at"))
    );
    assert_eq!(
        done.counts()
            .iter()
            .find(|(k, _)| *k == "ephemeral")
            .unwrap()
            .1,
        2
    );
    check_imported(&t);
    assert_eq!(t.history(Some("bv-7")).unwrap()[0].action, "import");
}

#[test]
fn beads_tickets_round_trip_through_markdown() {
    let dir = tempfile::tempdir().unwrap();
    Tickets::open(dir.path())
        .unwrap()
        .import_beads(ISSUES)
        .unwrap();
    check_imported(&Tickets::open(dir.path()).unwrap());
}

#[test]
fn a_cycle_is_named_and_nothing_is_written() {
    for t in [
        Tickets::in_memory(),
        Tickets::open(tempfile::tempdir().unwrap().keep()).unwrap(),
    ] {
        match t.import_beads(CYCLE).unwrap_err() {
            Error::Cycle { cycle } => assert_eq!(cycle, ["cy-1", "cy-3", "cy-2", "cy-1"]),
            e => panic!("{e}"),
        }
        assert!(t.list(&Filter::default()).unwrap().is_empty());
    }
}

#[test]
fn a_taken_id_writes_nothing() {
    let t = Tickets::in_memory();
    t.create(crate::NewTicket::new("Mine").id("bv-14")).unwrap();
    let e = t.import_beads(ISSUES).unwrap_err();
    assert_eq!(e.code(), "EXISTS");
    assert_eq!(t.list(&Filter::default()).unwrap().len(), 1);
}

#[test]
fn beads_times_take_3_to_9_digits_and_offsets() {
    use super::record::time;
    for (text, want) in [
        ("2025-10-01T10:00:00Z", "2025-10-01T10:00:00Z"),
        ("2025-10-01T10:00:00.123+02:00", "2025-10-01T08:00:00.123Z"),
        (
            "2025-10-01T10:00:00.123456789-07:00",
            "2025-10-01T17:00:00.123456Z",
        ),
    ] {
        assert_eq!(time(text).unwrap(), at(want), "{text}");
    }
    assert_eq!(time("0001-01-01T00:00:00Z").unwrap(), None);
    assert!(time("yesterday").is_err());
}
