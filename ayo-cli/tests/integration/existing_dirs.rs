//! Existing `.tickets/` directories of tk and ayo, read through `--dir` unchanged.
//!
//! These read the markdown fixtures, so they need the core's real file format.

use crate::common;

use common::{Ayo, copy_dir, fixtures, ids_of, snapshot};
use serde_json::json;

#[test]
fn a_tk_directory_reads_as_it_is_and_stays_byte_identical() {
    let ayo = Ayo::new();
    let dir = ayo.home().join("web").join(".tickets");
    copy_dir(&fixtures("tk"), &dir);
    let before = snapshot(&dir);
    let d = dir.to_str().unwrap();

    let all = ayo.json(&["--dir", d, "ticket", "list"]);
    assert_eq!(
        ids_of(&all),
        ["web-a1b2", "web-x7k2", "web-q9z0"],
        "oldest first"
    );
    assert_eq!(ayo.ids(&["--dir", d, "ticket", "ready"]), ["web-q9z0"]);
    let blocked = ayo.json(&["--dir", d, "ticket", "blocked"]);
    assert_eq!(ids_of(&blocked), ["web-x7k2"]);
    assert_eq!(blocked[0]["blocked_by"], json!(["web-q9z0"]));
    // tk's plain assignee names stay as written, and filter as written.
    assert_eq!(
        ayo.ids(&["--dir", d, "ticket", "list", "-a", "Jane Doe"]),
        ["web-a1b2", "web-x7k2"]
    );

    let shown = ayo.json(&["--dir", d, "ticket", "show", "web-a1b2"]);
    assert_eq!(shown["assignee"], "Jane Doe");
    let notes: Vec<_> = shown["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].clone())
        .collect();
    assert_eq!(
        notes,
        [
            json!("Server runs on :8080."),
            json!("Added graceful shutdown.")
        ]
    );
    let human = ayo.ok(&["--dir", d, "ticket", "show", "web-x7k2"]);
    assert!(human.contains("Add SSE connection management"), "{human}");
    assert!(human.contains("blocked by web-q9z0"), "{human}");

    let listed = ayo.ok(&["--dir", d, "ticket", "list"]);
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("web-x7k2  in_progress  Jane Doe  ")),
        "{listed}"
    );
    assert_eq!(ayo.json(&["--dir", d, "ticket", "check"]), json!([]));
    ayo.ok(&["--dir", d, "ticket", "ready"]);
    ayo.ok(&["--dir", d, "ticket", "dep", "tree", "web-x7k2"]);

    assert_eq!(snapshot(&dir), before, "reads change no file and add none");
}

#[test]
fn an_ayo_directory_reads_as_it_is() {
    let ayo = Ayo::new();
    let dir = ayo.home().join("proj").join(".tickets");
    copy_dir(&fixtures("ayo"), &dir);
    let before = snapshot(&dir);
    let d = dir.to_str().unwrap();
    assert!(ayo.ids(&["--dir", d, "ticket", "ready"]).is_empty());
    assert!(ayo.ids(&["--dir", d, "ticket", "blocked"]).is_empty());
    let t = ayo.json(&["--dir", d, "ticket", "show", "proj-a1"]);
    assert_eq!(t["id"], "proj-a1b2");
    assert_eq!(t["status"], "in_progress");
    assert_eq!(t["notes"][1]["text"], "Token refresh works;\ntests next.");
    assert_eq!(
        ayo.ids(&["--dir", d, "ticket", "list", "-a", "backend"])
            .len(),
        2
    );
    ayo.ok(&["--dir", d, "ticket", "check"]);
    assert_eq!(snapshot(&dir), before);
    // A write through ayo changes only what it must, and tk-style readers still see it.
    ayo.ok(&["--dir", d, "ticket", "close", "proj-a1b2"]);
    assert_eq!(
        ayo.json(&["--dir", d, "ticket", "show", "proj-a1b2"])["status"],
        "closed"
    );
}

/// An entry as [`entries`] sees it: relative path, mode, size, times, inode, bytes.
type Entry = (String, u32, u64, [i64; 4], u64, Vec<u8>);

/// Every entry below `dir`, folders included, with its mode, size, mtime, ctime, inode and
/// bytes: "entry-identical", not only byte-identical.
fn entries(dir: &std::path::Path) -> Vec<Entry> {
    use std::os::unix::fs::MetadataExt;
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        let m = std::fs::symlink_metadata(&p).unwrap();
        let mut bytes = Vec::new();
        if m.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else {
            bytes = std::fs::read(&p).unwrap();
        }
        let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        let times = [m.mtime(), m.mtime_nsec(), m.ctime(), m.ctime_nsec()];
        out.push((rel, m.mode(), m.size(), times, m.ino(), bytes));
    }
    out.sort();
    out
}

/// The read commands on a tk repository, run again and again as a new user would: the index
/// goes to `$AYO_CACHE_DIR` (one entry, written once), the repository stays entry-identical
/// (no `.ayo/`, no temp file, no mtime or inode changed); with the cache deleted, or unable
/// to be written, every answer is the same and nothing is printed on stderr.
#[test]
fn a_tk_repository_read_again_and_again_stays_as_it_was() {
    let ayo = Ayo::new();
    let repo = ayo.home().join("web");
    let dir = repo.join(".tickets");
    copy_dir(&fixtures("tk"), &dir);
    // Files older than the index's racy margin, as in any repository checked out a while ago.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for e in std::fs::read_dir(&dir).unwrap() {
        let f = std::fs::File::options()
            .write(true)
            .open(e.unwrap().path())
            .unwrap();
        f.set_modified(old).unwrap();
    }
    let before = entries(&repo);
    let d = dir.to_str().unwrap();
    let reads: [&[&str]; 5] = [
        &["--json", "--dir", d, "ticket", "ready"],
        &[
            "--json", "--dir", d, "ticket", "list", "--status", "open", "-a", "Jane Doe",
        ],
        &["--json", "--dir", d, "ticket", "blocked"],
        &["--json", "--dir", d, "ticket", "show", "web-x7k2"],
        &["--json", "--dir", d, "ticket", "check"],
    ];
    let answers = |ayo: &Ayo| -> Vec<String> {
        reads
            .iter()
            .map(|args| {
                let r = ayo.run(args);
                assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{args:?}");
                r.stdout
            })
            .collect()
    };
    let cache = ayo.home().join("cache");
    let cached = Ayo::new().with_env("AYO_CACHE_DIR", &cache);
    let first = answers(&cached);
    let index = cache.join("index");
    let listed = || -> Vec<_> {
        std::fs::read_dir(&index)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect()
    };
    let names = listed();
    assert_eq!(names.len(), 1, "one entry, no temp file: {names:?}");
    assert!(names[0].ends_with(".bin"), "{names:?}");
    let written = std::fs::metadata(index.join(&names[0]))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(answers(&cached), first);
    assert_eq!(answers(&cached), first);
    assert_eq!(listed(), names);
    let again = std::fs::metadata(index.join(&names[0]))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(again, written, "read from the cache, not rewritten");
    assert_eq!(entries(&repo), before);

    std::fs::remove_dir_all(&cache).unwrap();
    assert_eq!(answers(&cached), first, "the cache deleted");
    let blocker = ayo.home().join("a-file");
    std::fs::write(&blocker, "").unwrap();
    let unwritable = Ayo::new().with_env("AYO_CACHE_DIR", blocker.join("cache"));
    assert_eq!(
        answers(&unwritable),
        first,
        "a cache that cannot be written"
    );
    assert_eq!(answers(&unwritable), first);
    assert_eq!(entries(&repo), before, "reads change no entry and add none");
    assert_eq!(
        ids_of(&serde_json::from_str(&first[0]).unwrap()),
        ["web-q9z0"]
    );
}

/// The corpus of files as tk, ayo's tools and hand edits write them: the CLI lists every one,
/// shows each as the core reads it (`corpus-expected.json`, recorded by the core's corpus
/// test), adds a note in the file's dialect and names each value read as something else.
#[test]
fn the_corpus_reads_as_the_core_reads_it() {
    let ayo = Ayo::new();
    let dir = ayo.home().join("corpus");
    copy_dir(&fixtures("corpus"), &dir);
    let d = dir.to_str().unwrap();
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures("corpus-expected.json")).unwrap())
            .unwrap();
    let files = std::fs::read_dir(&dir).unwrap().count();
    let listed = ayo.json(&["--dir", d, "ticket", "list"]);
    assert_eq!(listed.as_array().unwrap().len(), files);
    assert_eq!(json!(ids_of(&listed)), expected["list"]);
    assert_eq!(
        json!(ayo.ids(&["--dir", d, "ticket", "ready"])),
        expected["ready"]
    );
    for (id, want) in expected["tickets"].as_object().unwrap() {
        assert_eq!(&ayo.json(&["--dir", d, "ticket", "show", id]), want, "{id}");
    }
    let human = ayo.ok(&["--dir", d, "ticket", "show", "c-tk-basic"]);
    assert!(human.contains("links         c-tk-open, c-done"), "{human}");
    assert!(human.contains("external ref  gh-42"), "{human}");
    let human = ayo.ok(&["--dir", d, "ticket", "show", "c-preamble"]);
    assert!(human.contains("## References"), "{human}");
    // check names each value with its line and what it is read as; nothing is unreadable.
    let problems = ayo.run(&["--json", "--dir", d, "ticket", "check"]);
    assert_eq!(problems.code, 1);
    let problems: serde_json::Value = serde_json::from_str(&problems.stdout).unwrap();
    let done = problems
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["ticket"] == "c-done")
        .unwrap();
    assert_eq!(done["kind"], "nonstandard_value");
    assert_eq!(
        (
            &done["line"],
            &done["field"],
            &done["written"],
            &done["read_as"]
        ),
        (
            &json!(3),
            &json!("status"),
            &json!("done"),
            &json!("closed")
        )
    );
    assert!(
        problems
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["kind"] != "unreadable")
    );
    // A note in a tk file is written as tk writes it, to the second.
    ayo.ok(&[
        "--dir",
        d,
        "--actor",
        "@cli",
        "ticket",
        "note",
        "c-tk-open",
        "From the CLI.",
    ]);
    let text = std::fs::read_to_string(dir.join("c-tk-open.md")).unwrap();
    let tail: Vec<&str> = text.lines().rev().take(3).collect();
    assert_eq!(tail[0], "From the CLI.");
    assert!(
        tail[2].starts_with("**") && tail[2].ends_with(" @cli**"),
        "{text}"
    );
    assert_eq!(
        tail[2].len(),
        "**2026-01-01T00:00:00Z @cli**".len(),
        "{text}"
    );
}
