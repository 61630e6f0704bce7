//! `ayo ticket export` / `import` between a directory and PostgreSQL, through the real
//! binary. The server is `$AYO_TEST_POSTGRES_URL`, else
//! `postgres://postgres@127.0.0.1:5432/test`; each test has a schema of its own, dropped at the
//! end. When the server cannot be reached these tests print a notice and pass, except with
//! `CI=true`, where they fail.

use crate::common;

use ayo_test_support::{Schema, available, md_files};
use common::Ayo;

#[test]
fn export_to_postgres_and_back_keeps_every_byte() {
    if !available() {
        return;
    }
    let ayo = Ayo::new();
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("src");
    let dir = src.to_str().unwrap();
    let a = ayo.create(&["--dir", dir, "Extract data", "-a", "@extractor", "-p", "1"]);
    ayo.create(&[
        "--dir",
        dir,
        "Validate",
        "--deps",
        &a,
        "--tags",
        "q1,finance",
    ]);
    ayo.ok(&["--dir", dir, "ticket", "note", &a, "first pass done"]);
    // A hand-written key ayo's model has no field for.
    let path = src.join(format!("{a}.md"));
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("---\n", "---\nreviewer: jane\n", 1)).unwrap();
    let schema = Schema::new("export");

    let out = ayo.json(&["--dir", dir, "ticket", "export", "--to", &schema.url]);
    assert_eq!(out["tickets"], 2);
    assert_eq!(out["log_entries"], 3);
    assert!(out["to"].as_str().unwrap().contains(&schema.name), "{out}");
    let listed = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["ticket", "list"]);
        ayo.json(&all)
    };
    assert_eq!(listed(&["--store", &schema.url]), listed(&["--dir", dir]));
    assert_eq!(
        ayo.json(&["--store", &schema.url, "ticket", "log"]),
        ayo.json(&["--dir", dir, "ticket", "log"])
    );

    // Back out with export from PostgreSQL, and in with import into a directory.
    let back = work.path().join("back");
    let line = ayo.ok(&[
        "--store",
        &schema.url,
        "ticket",
        "export",
        "--to",
        back.to_str().unwrap(),
    ]);
    assert!(
        line.starts_with("exported 2 tickets and 3 log entries"),
        "{line}"
    );
    let imported = work.path().join("imported");
    let r = ayo.json(&[
        "--dir",
        imported.to_str().unwrap(),
        "ticket",
        "import",
        "--from",
        &schema.url,
    ]);
    assert_eq!(
        (r["tickets"].as_u64(), r["log_entries"].as_u64()),
        (Some(2), Some(3))
    );
    assert_eq!(
        md_files(&back),
        md_files(&src),
        "byte for byte, unknown key too"
    );
    assert_eq!(md_files(&imported), md_files(&src));

    // A second export finds the ids taken and writes nothing.
    let e = ayo.json_fails(
        1,
        "EXISTS",
        &["--dir", dir, "ticket", "export", "--to", &schema.url],
    );
    assert!(e["id"].is_string());
    assert_eq!(
        ayo.json(&["--store", &schema.url, "ticket", "log"])
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn import_from_a_schema_that_holds_no_store_fails_and_creates_nothing() {
    if !available() {
        return;
    }
    let ayo = Ayo::new();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("here");
    let dir = dir.to_str().unwrap();
    ayo.create(&["--dir", dir, "Already here"]);
    let typo = Schema::new("import_typo");
    let err = ayo.json_fails(
        1,
        "STORAGE",
        &["--dir", dir, "ticket", "import", "--from", &typo.url],
    );
    assert!(
        err["message"].as_str().unwrap().contains("no ticket store"),
        "{err}"
    );
    let schemas: i64 = ayo_test_support::client()
        .query_one(
            "SELECT count(*) FROM pg_namespace WHERE nspname = $1",
            &[&typo.name],
        )
        .unwrap()
        .get(0);
    assert_eq!(schemas, 0, "the mistyped schema was not created");
    assert_eq!(
        ayo.json(&["--dir", dir, "ticket", "list"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
