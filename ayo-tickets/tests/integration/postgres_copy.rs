//! `Tickets::copy_to` between a markdown directory and PostgreSQL: markdown → PostgreSQL →
//! markdown keeps every field, the audit log, and every byte of the files (unknown keys too).

use std::path::Path;

use ayo_test_support::{Schema, available, md_files};
use ayo_tickets::{ClaimOptions, Filter, NewTicket, Ticket, Tickets};

fn all(t: &Tickets) -> Vec<Ticket> {
    t.list(&Filter::default()).unwrap()
}

/// A directory with both fixture dialects, plus tickets made through ayo-tickets that use
/// every field.
fn sample(dir: &Path) -> Tickets {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for dialect in ["tk", "ayo"] {
        for (name, bytes) in md_files(&fixtures.join(dialect)) {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
    }
    let t = Tickets::open(dir)
        .unwrap()
        .with_actor(Some("tester"))
        .unwrap();
    let epic = t
        .create(NewTicket::new("Epic").kind("epic").tags(["q1", "finance"]))
        .unwrap();
    let a = t
        .create(
            NewTicket::new("Extract")
                .assignee("extractor")
                .priority(0)
                .parent(&epic.id)
                .description("Free text.\n\n## Design\nKeep it small."),
        )
        .unwrap();
    t.create(NewTicket::new("Validate").dep(&a.id).kind("bug"))
        .unwrap();
    let claimed = t
        .claim(
            "extractor",
            ClaimOptions {
                lease: Some(600),
                ..ClaimOptions::default()
            },
        )
        .unwrap()
        .unwrap();
    Tickets::open(dir)
        .unwrap()
        .with_actor(Some("extractor"))
        .unwrap()
        .note(&claimed.id, "halfway\nthere")
        .unwrap();
    t
}

#[test]
fn markdown_to_postgres_to_markdown_loses_nothing() {
    if !available() {
        return;
    }
    let src = tempfile::tempdir().unwrap();
    let md = sample(src.path());
    let original = md_files(src.path());
    let schema = Schema::new("copy");
    let pg = Tickets::connect(&schema.url).unwrap();

    let copied = md.copy_to(&pg).unwrap();
    assert_eq!(copied.tickets, original.len());
    assert_eq!(copied.log_entries, md.history(None).unwrap().len());
    assert_eq!(all(&pg), all(&md), "every field, in PostgreSQL");
    assert_eq!(pg.history(None).unwrap(), md.history(None).unwrap());
    assert_eq!(pg.ready(None).unwrap(), md.ready(None).unwrap());

    // A second import refuses, and writes nothing.
    assert_eq!(md.copy_to(&pg).unwrap_err().code(), "EXISTS");
    assert_eq!(pg.history(None).unwrap().len(), copied.log_entries);

    let out = tempfile::tempdir().unwrap();
    let back = Tickets::open(out.path()).unwrap();
    let exported = pg.copy_to(&back).unwrap();
    assert_eq!(exported, copied);
    assert_eq!(all(&back), all(&md), "every field, back in markdown");
    assert_eq!(back.history(None).unwrap(), md.history(None).unwrap());
    assert_eq!(md_files(out.path()), original, "byte for byte");
}

#[test]
fn an_export_carries_changes_made_in_postgres_and_keeps_unknown_keys() {
    if !available() {
        return;
    }
    let src = tempfile::tempdir().unwrap();
    let md = sample(src.path());
    let schema = Schema::new("copy_edit");
    let pg = Tickets::connect(&schema.url)
        .unwrap()
        .with_actor(Some("pg"))
        .unwrap();
    md.copy_to(&pg).unwrap();
    pg.note("web-x7k2", "noted in PostgreSQL").unwrap();
    pg.assign("web-x7k2", Some("dba")).unwrap();

    let out = tempfile::tempdir().unwrap();
    let back = Tickets::open(out.path()).unwrap();
    pg.copy_to(&back).unwrap();
    assert_eq!(all(&back), all(&pg));
    let before = String::from_utf8(md_files(src.path())["web-x7k2.md"].clone()).unwrap();
    let after = String::from_utf8(md_files(out.path())["web-x7k2.md"].clone()).unwrap();
    assert!(after.contains("noted in PostgreSQL") && after.contains("@dba"));
    // tk's keys that ayo's model has no field for are still there, as they were.
    for line in before
        .lines()
        .filter(|l| l.starts_with("external-ref") || l.starts_with("links"))
    {
        assert!(
            after.lines().any(|a| a == line),
            "{line:?} kept in:\n{after}"
        );
    }
}

#[test]
fn a_copy_refuses_an_unreadable_ticket_and_writes_nothing() {
    if !available() {
        return;
    }
    let src = tempfile::tempdir().unwrap();
    let md = Tickets::open(src.path()).unwrap();
    md.create(NewTicket::new("fine")).unwrap();
    std::fs::write(src.path().join("broken.md"), "---\nstatus: [\n---\n").unwrap();
    let schema = Schema::new("copy_bad");
    let pg = Tickets::connect(&schema.url).unwrap();
    let err = md.copy_to(&pg).unwrap_err();
    assert_eq!(err.code(), "PARSE", "{err}");
    assert!(err.to_string().contains("broken.md"));
    assert!(all(&pg).is_empty());
    assert!(pg.history(None).unwrap().is_empty());
}

#[test]
fn a_copy_of_a_schema_onto_itself_is_refused() {
    if !available() {
        return;
    }
    let schema = Schema::new("copy_self");
    let a = Tickets::connect(&schema.url).unwrap();
    a.create(NewTicket::new("one")).unwrap();
    // Two connections to the same schema are one store.
    let b = Tickets::connect(&schema.url).unwrap();
    let err = a.copy_to(&b).unwrap_err();
    assert_eq!(err.code(), "INVALID", "{err}");
    assert!(err.to_string().contains("the same store"), "{err}");
    assert_eq!(b.history(None).unwrap().len(), 1, "nothing appended");
}

#[test]
fn a_schema_to_copy_from_must_hold_a_store_and_is_not_created() {
    if !available() {
        return;
    }
    let missing = Schema::new("copy_typo");
    let url = ayo_tickets::StoreChoice::Url(missing.url.clone());
    let err = Tickets::open_source(&url).map(|_| ()).unwrap_err();
    assert_eq!(err.code(), "STORAGE", "{err}");
    assert!(err.to_string().contains("no ticket store"), "{err}");
    let found: i64 = ayo_test_support::client()
        .query_one(
            "SELECT count(*) FROM pg_namespace WHERE nspname = $1",
            &[&missing.name],
        )
        .unwrap()
        .get(0);
    assert_eq!(found, 0, "the schema was not created");
    // A store that is there opens, empty or not.
    Tickets::connect(&missing.url).unwrap();
    let opened = Tickets::open_source(&url).unwrap();
    assert!(all(&opened).is_empty());
}
