//! `ayo ticket import` / `export` between directories, through the real binary: a mistyped
//! place is an error that writes nothing, not an empty store; a copy onto itself is refused.

use crate::common;

use std::path::Path;

use common::{Ayo, snapshot};

/// A store in `<home>/<name>` with one ticket, `<id>`; returns its directory as a string.
fn store_with(ayo: &Ayo, name: &str, id: &str) -> String {
    let dir = ayo.home().join(name).to_str().unwrap().to_string();
    ayo.create(&["--dir", &dir, "One", "--id", id]);
    dir
}

#[test]
fn import_from_a_path_that_is_not_a_store_fails_and_writes_nothing() {
    let ayo = Ayo::new();
    let to = store_with(&ayo, "here", "here-1");
    let before = snapshot(Path::new(&to));
    let file = ayo.home().join("a-file");
    std::fs::write(&file, "not a store\n").unwrap();
    let project = ayo.home().join("project");
    store_with(&ayo, "project/.tickets", "p-1");
    let cases = [
        (
            "/nonexistent/path".to_string(),
            "cannot copy from /nonexistent/path: no such directory".to_string(),
        ),
        (
            file.display().to_string(),
            format!("cannot copy from {}: not a directory", file.display()),
        ),
        (
            project.display().to_string(),
            format!("did you mean {}?", project.join(".tickets").display()),
        ),
    ];
    for (from, words) in &cases {
        let args = ["--dir", &to, "ticket", "import", "--from", from];
        let e = ayo.json_fails(1, "STORAGE", &args);
        let message = e["message"].as_str().unwrap();
        assert!(message.contains(words.as_str()), "{words:?} in {message:?}");
        let r = ayo.fails(1, &args);
        assert!(r.stderr.starts_with("error: "), "{r:?}");
        assert_eq!(
            snapshot(Path::new(&to)),
            before,
            "nothing written for {from}"
        );
    }
    // Into a store that does not exist yet: it is not made.
    let fresh = ayo.home().join("fresh");
    let args = ["--dir", fresh.to_str().unwrap(), "ticket", "import"];
    ayo.json_fails(
        1,
        "STORAGE",
        &[&args[..], &["--from", "/nonexistent/path"]].concat(),
    );
    assert!(!fresh.exists());
    // The .tickets directory itself imports.
    let from = project.join(".tickets");
    let out = ayo.json(&[&args[..], &["--from", from.to_str().unwrap()]].concat());
    assert_eq!(out["tickets"], 1);
}

#[test]
fn an_existing_empty_directory_is_an_empty_store() {
    let ayo = Ayo::new();
    let to = store_with(&ayo, "here", "here-1");
    let empty = ayo.home().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = ayo.json(&[
        "--dir",
        &to,
        "ticket",
        "import",
        "--from",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(
        (out["tickets"].as_u64(), out["log_entries"].as_u64()),
        (Some(0), Some(0))
    );
}

#[test]
fn export_to_a_file_fails_clearly_and_a_missing_directory_is_made() {
    let ayo = Ayo::new();
    let from = store_with(&ayo, "here", "here-1");
    let file = ayo.home().join("a-file");
    std::fs::write(&file, "keep me\n").unwrap();
    let inside = file.join("sub");
    let cases = [
        (
            file.display().to_string(),
            format!(
                "cannot copy to {}: it is a file, not a directory",
                file.display()
            ),
        ),
        (
            inside.display().to_string(),
            format!(
                "cannot copy to {}: {} is a file, not a directory",
                inside.display(),
                file.display()
            ),
        ),
    ];
    for (to, words) in &cases {
        let e = ayo.json_fails(
            1,
            "STORAGE",
            &["--dir", &from, "ticket", "export", "--to", to],
        );
        assert_eq!(e["message"], format!("storage: {words}"));
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me\n");

    let made = ayo.home().join("backup").join("deep").join(".tickets");
    let to = made.to_str().unwrap();
    let out = ayo.json(&["--dir", &from, "ticket", "export", "--to", to]);
    assert_eq!(out["tickets"], 1);
    assert_eq!(ayo.ids(&["--dir", to, "ticket", "list"]), ["here-1"]);

    // Exporting from a store that is not there is the same mistake as importing from one.
    let nowhere = ayo.home().join("nowhere");
    let other = ayo.home().join("other");
    ayo.json_fails(
        1,
        "STORAGE",
        &[
            "--dir",
            nowhere.to_str().unwrap(),
            "ticket",
            "export",
            "--to",
            other.to_str().unwrap(),
        ],
    );
    assert!(!other.exists());
}

#[test]
fn a_copy_onto_the_same_store_is_refused_as_such() {
    let ayo = Ayo::new();
    let dir = store_with(&ayo, "here", "here-1");
    let before = snapshot(Path::new(&dir));
    let session = ayo.session_dir("default");
    ayo.create(&["In the session"]);
    let session_before = snapshot(&session);
    let other_spelling = format!("{}/../here/", dir);
    let cases: [(&[&str], &str); 4] = [
        (&["--dir", &dir, "ticket", "import", "--from", &dir], &dir),
        (
            &["--dir", &dir, "ticket", "import", "--from", &other_spelling],
            &other_spelling,
        ),
        (
            &["--dir", &dir, "ticket", "export", "--to", &other_spelling],
            &dir,
        ),
        (
            // The default session store, named by its directory.
            &["ticket", "import", "--from", session.to_str().unwrap()],
            session.to_str().unwrap(),
        ),
    ];
    // The message names the source as it was given.
    for (args, store) in cases {
        let e = ayo.json_fails(1, "INVALID", args);
        assert_eq!(
            e["message"],
            format!(
                "cannot copy {store} onto itself: the source and the destination are the same store"
            ),
            "{args:?}"
        );
        let r = ayo.fails(1, args);
        assert!(r.stderr.contains("the same store"), "{r:?}");
        assert!(!r.stderr.contains("--id"), "no hint about ids: {r:?}");
    }
    assert_eq!(snapshot(Path::new(&dir)), before);
    assert_eq!(snapshot(&session), session_before);
}

#[test]
fn a_copy_onto_a_taken_id_hints_at_an_empty_store_not_at_an_option_it_lacks() {
    let ayo = Ayo::new();
    let from = store_with(&ayo, "from", "same-1");
    let to = store_with(&ayo, "to", "same-1");
    let before = snapshot(Path::new(&to));
    for args in [
        [
            "--dir",
            from.as_str(),
            "ticket",
            "export",
            "--to",
            to.as_str(),
        ],
        [
            "--dir",
            to.as_str(),
            "ticket",
            "import",
            "--from",
            from.as_str(),
        ],
    ] {
        let r = ayo.fails(1, &args);
        assert!(r.stderr.contains("already exists"), "{r:?}");
        assert!(r.stderr.contains("copy into an empty one"), "{r:?}");
        assert!(
            !r.stderr.contains("--id"),
            "export and import have no --id: {r:?}"
        );
    }
    assert_eq!(snapshot(Path::new(&to)), before);
}
