//! `ayo ticket search` and `ayo ticket import --from-beads`, through the real binary.

use crate::common;

use common::{Ayo, fixtures};

#[test]
fn search_prints_list_rows_title_matches_first() {
    let ayo = Ayo::new();
    let body = ayo.create(&[
        "Validate totals",
        "-a",
        "@validator",
        "--description",
        "Check the INVOICE sums",
    ]);
    let title = ayo.create(&["Extract invoice data", "--tags", "finance"]);
    ayo.create(&["Unrelated"]);
    assert_eq!(
        ayo.ids(&["ticket", "search", "Invoice"]),
        [title.clone(), body.clone()]
    );
    let rows = ayo.ok(&["ticket", "search", "invoice"]);
    let lines: Vec<&str> = rows.lines().collect();
    assert_eq!(lines.len(), 2, "{rows}");
    assert!(lines[0].starts_with(&title) && lines[0].contains("Extract invoice data"));
    assert!(lines[1].contains("@validator"), "{rows}");
    assert_eq!(
        ayo.ids(&["ticket", "search", "invoice", "-a", "validator"]),
        [body.as_str()]
    );
    assert_eq!(
        ayo.ids(&["ticket", "search", "invoice", "--tag", "finance"]),
        [title.as_str()]
    );
    assert!(
        ayo.ids(&["ticket", "search", "invoice", "--status", "closed"])
            .is_empty()
    );
    ayo.json_fails(1, "INVALID", &["ticket", "search", " "]);
    let help = ayo.ok(&["ticket", "search", "--help"]);
    assert!(help.contains("title, description, notes or tags"), "{help}");
}

#[test]
fn beads_import_counts_what_it_could_not_map() {
    let ayo = Ayo::new();
    let file = fixtures("beads/issues.jsonl");
    let r = ayo.run(&["ticket", "import", "--from-beads", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with("imported 9 tickets from "), "{r:?}");
    assert!(
        r.stdout.contains("not mapped: 9 (") && r.stdout.contains("ephemeral 2"),
        "{r:?}"
    );
    assert!(r.stderr.contains("bv-9zz: no such issue"), "{r:?}");
    let blocked = ayo.json(&["ticket", "show", "bv-7"]);
    assert_eq!(blocked["status"], "blocked");
    assert_eq!(blocked["title"], "Blocked by hand (edited)");
    assert_eq!(ayo.ids(&["ticket", "ready"]), ["bv-14", "bv-2a4"]);
    let child = ayo.json(&["ticket", "show", "bv-2a4.2"]);
    assert_eq!(child["parent"], "bv-2a4");
    assert_eq!(child["deps"], serde_json::json!(["bv-2a4.1"]));
    let again = ayo.json_fails(
        1,
        "EXISTS",
        &["ticket", "import", "--from-beads", file.to_str().unwrap()],
    );
    assert!(
        again["message"].as_str().unwrap().contains("bv-"),
        "{again}"
    );
}

#[test]
fn beads_import_refuses_a_cycle_by_name_and_writes_nothing() {
    let ayo = Ayo::new();
    let file = fixtures("beads/cycle.jsonl");
    let e = ayo.json_fails(
        1,
        "CYCLE",
        &["ticket", "import", "--from-beads", file.to_str().unwrap()],
    );
    assert_eq!(
        e["cycle"],
        serde_json::json!(["cy-1", "cy-3", "cy-2", "cy-1"]),
        "{e}"
    );
    assert!(ayo.ids(&["ticket", "list"]).is_empty());
    let done = ayo.json(&[
        "ticket",
        "import",
        "--from-beads",
        fixtures("beads/issues.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(done["imported"], 9);
    assert_eq!(done["not_mapped"].as_array().unwrap().len(), 9);
    assert_eq!(done["not_mapped"][0]["kind"], "dangling");
    assert_eq!(done["not_mapped"][0]["line"], 5);
}
