//! A Claude Code task list as a store (`claude:/path`): a fixture list written in Claude Code's
//! format reads as tickets; after every ayo write each file still parses as Claude Code's
//! schema (ids strings, `activeForm` present, `blocks` the exact reverse of `blockedBy`) and
//! keeps the keys ayo does not know; a task Claude Code changed under a transaction is a
//! `CONFLICT`; Claude Code's lock is respected; markdown → Claude list → markdown loses
//! nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use ayo_tickets::store::Access;
use ayo_tickets::{ClaimOptions, NewTicket, Status, Tickets, Update};
use serde_json::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/claude/team");

/// A copy of the fixture list, with its hidden files.
fn fixture_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("team");
    std::fs::create_dir(&dir).unwrap();
    for e in std::fs::read_dir(FIXTURE).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    (tmp, dir)
}

fn open(dir: &Path) -> Tickets {
    Tickets::connect(&format!("claude:{}", dir.display()))
        .unwrap()
        .with_actor(Some("tester"))
        .unwrap()
}

/// Every task file of the list, parsed, by file name id.
fn tasks(dir: &Path) -> BTreeMap<String, serde_json::Map<String, Value>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(id) = name.strip_suffix(".json")
            && !id.starts_with('.')
        {
            let text = std::fs::read_to_string(dir.join(&name)).unwrap();
            let Value::Object(obj) = serde_json::from_str(&text).unwrap() else {
                panic!("{name} is not an object");
            };
            out.insert(id.to_string(), obj);
        }
    }
    out
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| {
            x.as_str()
                .unwrap_or_else(|| panic!("not a string: {x}"))
                .to_string()
        })
        .collect()
}

/// Claude Code's schema holds for every file: `id` a string equal to the file name,
/// `subject`, `description` and `activeForm` strings, a known `status`, `blocks` and
/// `blockedBy` arrays of strings, `metadata` an object where present, and every `blocks` the
/// exact reverse of the `blockedBy`s. No temp file is left.
pub(crate) fn assert_claude_schema(dir: &Path) {
    let all = tasks(dir);
    let mut reverse: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (id, t) in &all {
        assert_eq!(t["id"], Value::String(id.clone()), "{id}: id as a string");
        for key in ["subject", "description", "activeForm", "status"] {
            assert!(t[key].is_string(), "{id}: {key} is a string: {t:?}");
        }
        let status = t["status"].as_str().unwrap();
        assert!(
            ["pending", "in_progress", "completed", "deleted"].contains(&status),
            "{id}: status {status}"
        );
        if let Some(m) = t.get("metadata") {
            assert!(m.is_object(), "{id}: metadata is an object");
        }
        for dep in strings(&t["blockedBy"]) {
            reverse.entry(dep).or_default().insert(id.clone());
        }
    }
    for (id, t) in &all {
        let blocks: BTreeSet<String> = strings(&t["blocks"]).into_iter().collect();
        assert_eq!(
            blocks,
            reverse.remove(id).unwrap_or_default(),
            "{id}: blocks is the reverse of blockedBy"
        );
    }
    let temps: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(temps.is_empty(), "temp files left: {temps:?}");
}

#[test]
fn a_claude_code_list_reads_as_tickets() {
    let (_tmp, dir) = fixture_copy();
    let t = open(&dir);
    let listed = t.list(&Default::default()).unwrap();
    let ids: Vec<&str> = listed.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        ["1", "2", "3", "4"],
        "the deleted task 6 is not listed"
    );
    let one = t.get("1").unwrap();
    assert_eq!(
        (one.title.as_str(), &one.status, one.assignee.as_deref()),
        (
            "Create the user schema",
            &Status::Closed,
            Some("researcher")
        )
    );
    assert_eq!(t.get("2").unwrap().status, Status::InProgress);
    let four = t.get("4").unwrap();
    assert_eq!(four.deps, ["2", "3"]);
    assert_eq!(four.blocked_by, ["2", "3"]);
    assert_eq!(
        (four.priority, four.kind.as_str(), four.tags.clone()),
        (1, "feature", vec!["qa".to_string()])
    );
    assert_eq!(four.description, "Login and signup, end to end.");
    let ready: Vec<String> = t.ready(None).unwrap().into_iter().map(|t| t.id).collect();
    assert_eq!(ready, ["3"]);
    assert!(t.check().unwrap().is_empty(), "{:?}", t.check().unwrap());
    assert_eq!(t.get("6").unwrap_err().code(), "NOT_FOUND");
}

#[test]
fn ayo_writes_keep_claude_codes_schema_and_keys() {
    let (_tmp, dir) = fixture_copy();
    let deleted_before = std::fs::read(dir.join("6.json")).unwrap();
    let t = open(&dir);
    // The next free number is past the high-water mark Claude Code keeps (7), not only the files.
    let docs = t
        .create(NewTicket::new("Document the API").dep("3").priority(1))
        .unwrap();
    assert_eq!(docs.id, "8");
    assert_eq!(
        std::fs::read_to_string(dir.join(".highwatermark")).unwrap(),
        "8"
    );
    assert_claude_schema(&dir);
    let made = &tasks(&dir)["8"];
    assert_eq!(made["activeForm"], "Working on Document the API");
    assert_eq!(made["status"], "pending");
    assert_eq!(strings(&tasks(&dir)["3"]["blocks"]), ["4", "8"]);

    let claimed = t.claim("@agent", ClaimOptions::default()).unwrap().unwrap();
    assert_eq!(claimed.id, "3");
    assert_claude_schema(&dir);
    assert_eq!(tasks(&dir)["3"]["status"], "in_progress");
    assert_eq!(tasks(&dir)["3"]["owner"], "@agent");

    t.note("3", "Half way").unwrap();
    assert_claude_schema(&dir);
    let closed = t.close("3", Some("done")).unwrap();
    let unblocked: Vec<&str> = closed.unblocked.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(unblocked, ["8"], "4 still waits for 2");
    assert_claude_schema(&dir);
    let three = &tasks(&dir)["3"];
    assert_eq!(three["status"], "completed");
    assert_eq!(three["activeForm"], "Adding the signup endpoint", "kept");
    let notes = three["metadata"]["ayo"]["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 2, "the note and the close reason: {notes:?}");

    // Dep edits change `blocks` on the other side; keys ayo does not know stay.
    t.add_dep("8", "2").unwrap();
    t.remove_dep("4", "3").unwrap();
    assert_claude_schema(&dir);
    assert_eq!(strings(&tasks(&dir)["2"]["blocks"]), ["4", "8"]);
    assert_eq!(strings(&tasks(&dir)["3"]["blocks"]), ["8"]);
    t.update(
        "1",
        Update {
            title: Some("Create the user and session schema".into()),
            ..Update::default()
        },
    )
    .unwrap();
    let one = &tasks(&dir)["1"];
    assert_eq!(one["metadata"]["phase"], "1");
    assert_eq!(one["metadata"]["feature"], "auth");
    assert_eq!(one["subject"], "Create the user and session schema");
    assert_eq!(tasks(&dir)["4"]["metadata"]["_internal"], false);
    assert_eq!(std::fs::read(dir.join("6.json")).unwrap(), deleted_before);
    assert_claude_schema(&dir);
    // The audit log is ayo's own file, which Claude Code does not read.
    let actions: Vec<String> = t
        .history(Some("3"))
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions.first().map(String::as_str), Some("claim"));
    assert!(dir.join(".ayo-log.jsonl").is_file());
}

#[test]
fn a_task_claude_code_changed_meanwhile_is_a_conflict() {
    let (_tmp, dir) = fixture_copy();
    let t = open(&dir);
    let mut txn = t.store().begin(Access::Write).unwrap();
    let mut three = (*txn.get("3").unwrap().unwrap()).clone();
    three.status = Status::InProgress;
    three.assignee = Some("@ayo".into());
    txn.put(&three).unwrap();
    // Claude Code's TaskUpdate rewrites the file while ayo holds its claim.
    let theirs = std::fs::read_to_string(dir.join("3.json"))
        .unwrap()
        .replace(
            "\"status\": \"pending\"",
            "\"status\": \"in_progress\",\n  \"owner\": \"claude\"",
        );
    std::fs::write(dir.join("3.json"), &theirs).unwrap();
    let err = txn.commit().unwrap_err();
    assert_eq!(err.code(), "CONFLICT", "{err}");
    assert!(err.to_string().contains("changed on disk"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("3.json")).unwrap(), theirs);
    assert_eq!(t.get("3").unwrap().assignee.as_deref(), Some("claude"));
    // A claim read afresh sees Claude Code's owner and takes nothing of theirs.
    assert!(t.claim("@ayo", ClaimOptions::default()).unwrap().is_none());
}

/// Sets a path's modification time `ago` in the past.
fn age(path: &Path, ago: Duration) {
    let f = std::fs::File::open(path).unwrap();
    f.set_modified(SystemTime::now() - ago).unwrap();
}

#[test]
fn claude_codes_lock_is_respected_and_a_stale_one_taken_over() {
    let (_tmp, dir) = fixture_copy();
    let t = open(&dir).with_lock_timeout(0.3).unwrap();
    let held = dir.join(".lock.lock");
    std::fs::create_dir(&held).unwrap();
    let err = t
        .create(NewTicket::new("Waits for Claude Code"))
        .unwrap_err();
    assert_eq!(err.code(), "BUSY", "{err}");
    assert!(!dir.join("8.json").exists(), "nothing written");
    // proper-lockfile takes over a lock whose time is older than 10 s; so does ayo.
    age(&held, Duration::from_secs(60));
    t.create(NewTicket::new("After a stale lock")).unwrap();
    assert!(dir.join("8.json").is_file());
    assert!(!held.exists(), "the lock is given back");
    assert!(
        dir.join(".lock").is_file(),
        "Claude Code's lock target stays"
    );
}

/// Every ticket file of a markdown store, by name.
fn md_files(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn markdown_to_a_claude_list_and_back_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let md = Tickets::open(tmp.path().join("a"))
        .unwrap()
        .with_actor(Some("tester"))
        .unwrap();
    let epic = md
        .create(NewTicket::new("Epic").kind("epic").tags(["q1"]))
        .unwrap();
    let a = md
        .create(
            NewTicket::new("Extract")
                .priority(0)
                .kind("bug")
                .tags(["finance", "q1"])
                .parent(&epic.id)
                .description("Free text.\n\n## Design\nx"),
        )
        .unwrap();
    let b = md.create(NewTicket::new("Load").dep(&a.id)).unwrap();
    md.claim(
        "@tester",
        ClaimOptions {
            lease: Some(600),
            ..ClaimOptions::default()
        },
    )
    .unwrap();
    md.note(&a.id, "Started\nover two lines").unwrap();
    md.close(&epic.id, Some("split")).unwrap();
    // Another tool's values and keys ayo does not know.
    let path = tmp.path().join("a").join(format!("{}.md", b.id));
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replacen("status: open", "status: deferred", 1)
        .replacen("links: []", "links: [elsewhere]", 1)
        .replacen("---\n", "---\nx-team: blue\nexternal-ref: gh-42\n", 1);
    std::fs::write(&path, text).unwrap();
    let before: Vec<_> = md.list(&Default::default()).unwrap();
    let other = md.get(&b.id).unwrap();
    assert_eq!(other.status, Status::Other("deferred".into()));
    assert_eq!(
        (other.links, other.external_ref),
        (vec!["elsewhere".to_string()], Some("gh-42".into()))
    );

    let claude =
        Tickets::connect(&format!("claude:{}", tmp.path().join("list").display())).unwrap();
    md.copy_to(&claude).unwrap();
    assert_claude_schema(&tmp.path().join("list"));
    assert_eq!(claude.list(&Default::default()).unwrap(), before);
    let back = Tickets::open(tmp.path().join("b")).unwrap();
    claude.copy_to(&back).unwrap();
    assert_eq!(back.list(&Default::default()).unwrap(), before);
    assert_eq!(
        md_files(&tmp.path().join("b")),
        md_files(&tmp.path().join("a"))
    );
    assert_eq!(back.history(None).unwrap(), md.history(None).unwrap());
    let lease = back.get(&a.id).unwrap();
    assert!(lease.lease_until.is_some());
    assert_eq!(lease.lease_secs, md.get(&a.id).unwrap().lease_secs);
}
