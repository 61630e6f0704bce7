//! beads' `issues.jsonl` imported into PostgreSQL: the tickets read back (through a second
//! connection) are the ones the memory and markdown stores give for the same file, with the
//! fields beads adds to ayo's usual ones (other statuses, dotted ids, links, parents, a
//! deferral), and a file with a cycle writes nothing there either.

use std::path::Path;

use ayo_test_support::{Schema, available};
use ayo_tickets::{Filter, Status, Ticket, Tickets};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/beads")
        .join(name)
}

fn all(t: &Tickets) -> Vec<Ticket> {
    t.list(&Filter::default()).unwrap()
}

fn ids(list: Vec<Ticket>) -> Vec<String> {
    list.into_iter().map(|t| t.id).collect()
}

#[test]
fn beads_tickets_round_trip_through_postgres() {
    if !available() {
        return;
    }
    let file = fixture("issues.jsonl");
    let memory = Tickets::in_memory();
    let counted = memory.import_beads_file(&file).unwrap();
    let dir = tempfile::tempdir().unwrap();
    Tickets::open(dir.path())
        .unwrap()
        .import_beads_file(&file)
        .unwrap();
    let markdown = Tickets::open(dir.path()).unwrap();
    let schema = Schema::new("beads");
    let done = Tickets::connect(&schema.url)
        .unwrap()
        .import_beads_file(&file)
        .unwrap();
    assert_eq!(
        done, counted,
        "the same counts and the same lines not mapped"
    );
    let pg = Tickets::connect(&schema.url).unwrap();

    let expected = all(&memory);
    assert_eq!(expected.len(), 9);
    assert_eq!(
        all(&markdown),
        expected,
        "markdown reads back what memory holds"
    );
    assert_eq!(
        all(&pg),
        expected,
        "PostgreSQL reads back what memory holds"
    );
    assert_eq!(ids(pg.ready(None).unwrap()), ["bv-14", "bv-2a4"]);
    assert_eq!(
        ids(pg.blocked(None).unwrap()),
        ids(memory.blocked(None).unwrap())
    );
    for id in ["bv-2a4.1", "bv-2a4.3", "bv-7", "bv-8", "bv-9"] {
        assert_eq!(
            pg.why(id, None).unwrap(),
            memory.why(id, None).unwrap(),
            "{id}"
        );
    }
    // What beads has beyond ayo's usual fields, spelled out.
    let parse = pg.get("bv-2a4.1").unwrap();
    assert_eq!(
        (parse.status, parse.parent.as_deref()),
        (Status::Closed, Some("bv-2a4"))
    );
    assert_eq!(
        pg.get("bv-7").unwrap().status,
        Status::Other("blocked".into())
    );
    assert_eq!(pg.get("bv-10").unwrap().status.as_str(), "review");
    let deferred = pg.get("bv-8").unwrap();
    assert_eq!(
        deferred.defer_until,
        Some("2030-01-01T00:00:00Z".parse().unwrap())
    );
    let mut links = pg.get("bv-9").unwrap().links;
    links.sort();
    assert_eq!(links, ["bv-10", "bv-2a4", "bv-7", "bv-8"]);
    assert_eq!(pg.history(Some("bv-7")).unwrap()[0].action, "import");

    // A second import and a file with a cycle are refused, and write nothing.
    assert_eq!(pg.import_beads_file(&file).unwrap_err().code(), "EXISTS");
    assert_eq!(
        pg.import_beads_file(&fixture("cycle.jsonl"))
            .unwrap_err()
            .code(),
        "CYCLE"
    );
    assert_eq!(all(&pg), expected);
}
