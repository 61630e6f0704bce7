//! The corpus of files as tk, ayo's tools, agents and hand edits write them
//! (`tests/fixtures/corpus/`): every form of note, other tools' values, odd files (CRLF, BOM,
//! tabs, no body, no final newline). Over all of them: no ticket is hidden, every body line is
//! shown, a file read and written back is byte-identical, a note and an edit touch only their
//! own lines, `ready` agrees with tk's where the values are tk's own, and the core's reading is
//! the one recorded in `tests/fixtures/corpus-expected.json`, which the CLI, Python and Node
//! tests compare with (`AYO_BLESS=1` rewrites it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ayo_tickets::format::{parse, render};
use ayo_tickets::{Filter, ProblemKind, Status, Ticket, Tickets, Update};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus");
const EXPECTED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/corpus-expected.json"
);

/// The files whose notes are ayo's (`### <time>`): an ayo note, or no note and a mark of ayo's
/// tools (an `@` assignee, a `title:` key, a created time with a fraction of a second).
const AYO_DIALECT: [&str; 7] = [
    "c-ayo",
    "c-constraints",
    "c-go-title",
    "c-tabs",
    "c-wip",
    "c-title-only-fm",
    "c-empty-body",
];

/// Every corpus file: (id, text).
fn corpus() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(CORPUS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            let id = p.file_stem().unwrap().to_string_lossy().into_owned();
            (id, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    assert!(files.len() >= 30, "{} files", files.len());
    files
}

/// A copy of the corpus in a directory of its own, opened as a store.
fn store() -> (tempfile::TempDir, Tickets) {
    let dir = tempfile::tempdir().unwrap();
    for (id, text) in corpus() {
        std::fs::write(dir.path().join(format!("{id}.md")), text).unwrap();
    }
    let t = Tickets::open(dir.path())
        .unwrap()
        .with_actor(Some("@tester"))
        .unwrap();
    (dir, t)
}

fn path_of(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.md"))
}

/// A text's lines without their line ends (`\r\n` or `\n`), and a leading BOM.
fn lines(text: &str) -> Vec<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

/// The lines of the body: those after the frontmatter's closing `---`.
fn body_lines(text: &str) -> Vec<&str> {
    let all = lines(text);
    let close = all
        .iter()
        .skip(1)
        .position(|l| l.trim_end() == "---")
        .unwrap()
        + 1;
    all[close + 1..].to_vec()
}

#[test]
fn no_ticket_is_hidden() {
    let (_dir, t) = store();
    let listed: BTreeSet<String> = t
        .list(&Filter::default())
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    let files: BTreeSet<String> = corpus().into_iter().map(|(id, _)| id).collect();
    assert_eq!(listed, files);
    let problems = t.check().unwrap();
    assert!(
        !problems.iter().any(|p| p.kind == ProblemKind::Unreadable),
        "{problems:#?}"
    );
    // Each value another tool wrote is named, with its line and what it is read as.
    let named: BTreeSet<(String, usize, String, String, String)> = problems
        .iter()
        .filter(|p| p.kind == ProblemKind::NonstandardValue)
        .map(|p| {
            (
                p.ticket.clone().unwrap(),
                p.line.unwrap(),
                p.field.clone().unwrap(),
                p.written.clone().unwrap(),
                p.read_as.clone().unwrap(),
            )
        })
        .collect();
    let want = [
        ("c-done", 3, "status", "done", "closed"),
        ("c-completed", 3, "status", "completed", "closed"),
        ("c-completed", 8, "priority", "P1", "1"),
        ("c-resolved", 3, "status", "Resolved", "closed"),
        ("c-resolved", 8, "priority", "low", "3"),
        ("c-deferred", 3, "status", "deferred", "deferred"),
        ("c-deferred", 8, "priority", "high", "1"),
        ("c-blocked-word", 3, "status", "blocked", "blocked"),
        ("c-wip", 3, "status", "in-progress", "in_progress"),
        ("c-wip", 6, "created", "2026-02-24", "2026-02-24T00:00:00Z"),
        ("c-wip", 8, "priority", "P2", "2"),
        ("c-todo", 3, "status", "todo", "open"),
        (
            "c-todo",
            6,
            "created",
            "2026-02-25 14:30",
            "2026-02-25T14:30:00Z",
        ),
        ("c-todo", 8, "priority", "medium", "2"),
        ("c-crlf", 3, "status", "done", "closed"),
        ("c-crlf", 8, "priority", "P3", "3"),
    ]
    .map(|(a, l, b, c, d)| (a.into(), l, b.into(), c.into(), d.into()));
    assert_eq!(named, BTreeSet::from(want));
    // Another tool's word is kept as the status: listed, not closed, never ready.
    let deferred = t.get("c-deferred").unwrap();
    assert_eq!(deferred.status, Status::Other("deferred".into()));
    assert!(!deferred.ready);
    assert_eq!(t.get("c-blocked-word").unwrap().blocked_by, ["c-deferred"]);
    assert!(t.claim("@anyone", Default::default()).unwrap().is_some());
    let listed = |s: Status| {
        t.list(&Filter {
            status: Some(s),
            ..Filter::default()
        })
        .unwrap()
        .len()
    };
    assert_eq!(listed(Status::Other("deferred".into())), 1);
}

#[test]
fn every_body_line_is_shown() {
    for (id, text) in corpus() {
        let p = parse(text.as_bytes(), Path::new(&format!("{id}.md"))).unwrap();
        let t = &p.ticket;
        let dates: Vec<String> = t
            .notes
            .iter()
            .map(|n| n.at.format("%Y-%m-%d").to_string())
            .collect();
        for line in body_lines(&text) {
            let mut l = line.trim();
            if l.is_empty() || l == "## Notes" || line == format!("# {}", t.title) {
                continue;
            }
            // A note heading: its time is a note's; text on its line after `**` is note text.
            let dated = dates.iter().any(|d| l.contains(d.as_str()));
            if dated && l.starts_with("###") {
                continue;
            }
            if dated && l.starts_with("**") {
                l = l[2..].split_once("**").map_or("", |(_, rest)| rest);
                l = l.trim_start_matches([' ', '-', ':']).trim();
                if l.is_empty() {
                    continue;
                }
            }
            let shown = t.description.contains(l) || t.notes.iter().any(|n| n.text.contains(l));
            assert!(shown, "{id}: the line {line:?} is not shown\n{t:#?}");
        }
    }
}

#[test]
fn read_and_written_back_is_byte_identical() {
    for (id, text) in corpus() {
        let p = parse(text.as_bytes(), Path::new(&format!("{id}.md"))).unwrap();
        assert_eq!(render(&p.ticket, Some(&text)).unwrap(), text, "{id}");
    }
}

/// Where `new` differs from `old`: one run of lines inserted at one place, as (index, lines).
fn insertion<'a>(old: &[&str], new: &[&'a str]) -> (usize, Vec<&'a str>) {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    assert_eq!(
        prefix + suffix,
        old.len(),
        "more than an insertion:\n{old:#?}\n{new:#?}"
    );
    (prefix, new[prefix..new.len() - suffix].to_vec())
}

#[test]
fn a_note_adds_only_its_own_lines_in_the_files_dialect() {
    let (dir, t) = store();
    for (id, text) in corpus() {
        let before = t.get(&id).unwrap();
        let after = t.note(&id, "Checked the corpus.\nSecond line.").unwrap();
        let written = std::fs::read_to_string(path_of(dir.path(), &id)).unwrap();
        let (old, new) = (lines(&text), lines(&written));
        let (_, added) = insertion(&old, &new);
        let heading = added
            .iter()
            .find(|l| l.starts_with("###") || l.starts_with("**"))
            .unwrap_or_else(|| panic!("{id}: no heading in {added:?}"));
        if AYO_DIALECT.contains(&id.as_str()) {
            assert!(heading.starts_with("### "), "{id}: {heading}");
        } else {
            // tk's form, to the second: `**2026-12-06T21:36:35Z @tester**`.
            let stamp = heading.trim_start_matches("**").split(' ').next().unwrap();
            assert!(
                heading.starts_with("**") && heading.ends_with("**"),
                "{id}: {heading}"
            );
            assert_eq!(stamp.len(), 20, "{id}: {heading}");
        }
        assert!(added.contains(&"Checked the corpus.") && added.contains(&"Second line."));
        // The file keeps its own line ends.
        assert_eq!(written.contains("\r\n"), text.contains("\r\n"), "{id}");
        let read = t.get(&id).unwrap();
        assert_eq!(read.description, before.description, "{id}");
        assert_eq!(read.notes[..before.notes.len()], before.notes[..], "{id}");
        assert_eq!(read.notes.len(), before.notes.len() + 1, "{id}");
        assert_eq!(
            read.notes.last(),
            after.notes.last(),
            "{id}: what note returned"
        );
    }
    assert!(
        t.check()
            .unwrap()
            .iter()
            .all(|p| p.kind != ProblemKind::Unreadable)
    );
}

#[test]
fn an_edit_changes_only_its_own_lines() {
    let (dir, t) = store();
    for (id, text) in corpus() {
        let changed = t
            .update(
                &id,
                Update {
                    title: Some("A new title".into()),
                    ..Update::default()
                },
            )
            .unwrap();
        assert_eq!(changed.title, "A new title");
        let written = std::fs::read_to_string(path_of(dir.path(), &id)).unwrap();
        let (old, new) = (lines(&text), lines(&written));
        assert_eq!(old.len(), new.len(), "{id}");
        let differ: Vec<(&str, &str)> = old
            .iter()
            .zip(&new)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| (*a, *b))
            .collect();
        let has_heading =
            old.iter().any(|l| l.starts_with("# ")) && !id.starts_with("c-title-only-fm");
        let has_key = old.iter().any(|l| l.starts_with("title:"));
        let mut want = Vec::new();
        if has_key {
            want.push("title: A new title");
        }
        if has_heading {
            want.push("# A new title");
        }
        assert_eq!(
            differ.iter().map(|d| d.1).collect::<Vec<_>>(),
            want,
            "{id}: {differ:?}"
        );
        let before = parse(text.as_bytes(), Path::new(&format!("{id}.md"))).unwrap();
        let read = t.get(&id).unwrap();
        assert_eq!(read.description, before.ticket.description, "{id}");
        assert_eq!(read.notes, before.ticket.notes, "{id}");
        // A priority written as a word keeps its line until the priority changes.
        let p = t
            .update(
                &id,
                Update {
                    priority: Some(0),
                    ..Update::default()
                },
            )
            .unwrap();
        assert_eq!(p.priority, 0);
        let again = std::fs::read_to_string(path_of(dir.path(), &id)).unwrap();
        let (mid, last) = (lines(&written), lines(&again));
        if before.ticket.priority == 0 {
            assert_eq!(mid, last, "{id}");
        } else {
            let differ: Vec<_> = mid.iter().zip(&last).filter(|(a, b)| a != b).collect();
            assert_eq!(differ.len(), 1, "{id}: {differ:?}");
            assert_eq!(*differ[0].1, "priority: 0", "{id}");
        }
    }
}

/// tk's `ready`, read from the files as tk's awk script reads them: a ticket whose `status:`
/// line says `open` or `in_progress` and every one of whose `deps:` has a `status:` line that
/// says `closed` (a dep with no file is not closed).
fn tk_ready(files: &[(String, String)]) -> BTreeSet<String> {
    let field = |text: &str, key: &str| -> Option<String> {
        lines(text)
            .iter()
            .skip(1)
            .take_while(|l| *l != &"---")
            .find_map(|l| l.strip_prefix(&format!("{key}: ")).map(str::to_string))
    };
    let status: BTreeMap<String, String> = files
        .iter()
        .filter_map(|(_, text)| Some((field(text, "id")?, field(text, "status")?)))
        .collect();
    files
        .iter()
        .filter_map(|(_, text)| {
            let id = field(text, "id")?;
            let s = status.get(&id)?;
            if s != "open" && s != "in_progress" {
                return None;
            }
            let deps = field(text, "deps").unwrap_or_default();
            let deps = deps.trim_matches(['[', ']']);
            deps.split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .all(|d| status.get(d).is_some_and(|s| s == "closed"))
                .then_some(id)
        })
        .collect()
}

#[test]
fn ready_agrees_with_tk_where_the_values_are_tks() {
    // Files tk reads the same way: tk's own statuses and priorities, and deps on such files
    // (or on none).
    let standard = |text: &str| {
        let p = parse(text.as_bytes(), Path::new("x.md")).unwrap();
        p.remarks.is_empty()
    };
    let all = corpus();
    let kept: BTreeSet<String> = all
        .iter()
        .filter(|(_, text)| standard(text))
        .map(|(id, _)| id.clone())
        .collect();
    let files: Vec<(String, String)> = all
        .iter()
        .filter(|(id, text)| {
            kept.contains(id) && {
                let p = parse(text.as_bytes(), Path::new("x.md")).unwrap();
                p.ticket
                    .deps
                    .iter()
                    .all(|d| kept.contains(d) || !all.iter().any(|(i, _)| i == d))
            }
        })
        .cloned()
        .collect();
    assert!(files.len() >= 15, "{}", files.len());
    let tk = tk_ready(&files);
    let (_dir, t) = store();
    let ours: BTreeSet<String> = t.ready(None).unwrap().into_iter().map(|t| t.id).collect();
    for (id, _) in &files {
        let ticket = t.get(id).unwrap();
        // tk's ready lists open and in-progress tickets; ayo's `ready` the open ones, and an
        // in-progress ticket tk lists is one ayo shows unblocked.
        let tk_says = tk.contains(id);
        match ticket.status {
            Status::Open => assert_eq!(ours.contains(id), tk_says, "{id}"),
            Status::InProgress => assert_eq!(ticket.blocked_by.is_empty(), tk_says, "{id}"),
            _ => assert!(!tk_says && !ours.contains(id), "{id}"),
        }
    }
    assert!(tk.contains("c-tk-basic") && !tk.contains("c-tk-blocked"));
    assert!(tk.contains("c-tk-started") && !tk.contains("c-tk-started-blocked"));
}

/// The core's reading of the corpus, as the front ends compare with it: every ticket's JSON by
/// id, and the ids `list` and `ready` give, in order.
fn reading(t: &Tickets) -> serde_json::Value {
    let ids = |v: Vec<Ticket>| v.into_iter().map(|t| t.id).collect::<Vec<_>>();
    let tickets: BTreeMap<String, serde_json::Value> = t
        .list(&Filter::default())
        .unwrap()
        .into_iter()
        .map(|x| (x.id.clone(), t.get(&x.id).unwrap().to_json()))
        .collect();
    serde_json::json!({
        "list": ids(t.list(&Filter::default()).unwrap()),
        "ready": ids(t.ready(None).unwrap()),
        "tickets": tickets,
    })
}

#[test]
fn the_reading_is_the_recorded_one() {
    let (_dir, t) = store();
    let got = reading(&t);
    if std::env::var_os("AYO_BLESS").is_some() {
        let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
        std::fs::write(EXPECTED, text).unwrap();
    }
    let want: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(EXPECTED).unwrap()).unwrap();
    assert_eq!(got, want, "run with AYO_BLESS=1 to record a new reading");
    // A few readings spelled out, so that the record cannot drift unseen.
    let ticket = |id: &str| &want["tickets"][id];
    assert_eq!(ticket("c-done")["status"], "closed");
    assert_eq!(ticket("c-deferred")["status"], "deferred");
    assert_eq!(ticket("c-completed")["priority"], 1);
    assert_eq!(ticket("c-wip")["created"], "2026-02-24T00:00:00Z");
    assert_eq!(
        ticket("c-tk-basic")["links"],
        serde_json::json!(["c-tk-open", "c-done"])
    );
    assert_eq!(ticket("c-tk-basic")["external_ref"], "gh-42");
    assert_eq!(ticket("c-go-title")["external_ref"], "JIRA-7");
    assert_eq!(
        ticket("c-title-only-fm")["title"],
        "Write the onboarding guide"
    );
    assert_eq!(ticket("c-empty-body")["description"], "");
    assert_eq!(
        ticket("c-bullets")["description"],
        "Form, validation, error states.\n\n- **Completed**: 2026-02-06\n- **Reviewer**: Ana\n- Follow-up: rate limiting"
    );
    assert_eq!(
        ticket("c-oneline-notes")["notes"][1]["text"],
        "Benchmarked: 4k jobs/s, enough.\nIt needs an index on (state, run_at)."
    );
    assert_eq!(
        ticket("c-dateonly-notes")["notes"][0]["at"],
        "2026-04-01T00:00:00Z"
    );
    assert_eq!(ticket("c-authored-tk")["notes"][0]["author"], "@tuner");
    assert_eq!(ticket("c-preamble")["notes"].as_array().unwrap().len(), 2);
    let description = |id: &str| ticket(id)["description"].as_str().unwrap().to_string();
    assert!(description("c-preamble").contains("## References"));
    assert!(description("c-fence").contains("not a real note"));
    assert_eq!(ticket("c-fence")["notes"].as_array().unwrap().len(), 1);
    assert_eq!(
        ticket("c-crlf")["notes"][0]["text"],
        "Checked out with autocrlf."
    );
    assert_eq!(
        ticket("c-out-of-order")["notes"][2]["at"],
        "2026-02-20T12:00:00Z"
    );
}

#[test]
fn a_close_reason_follows_the_dialect_too() {
    let (dir, t) = store();
    for (id, ayo) in [("c-tk-open", false), ("c-ayo", true)] {
        let before = std::fs::read_to_string(path_of(dir.path(), id)).unwrap();
        let closed = t.close(id, Some("Fixed.")).unwrap().ticket;
        let after = std::fs::read_to_string(path_of(dir.path(), id)).unwrap();
        // The status line changes and a closed time comes; the note is the rest.
        let old = lines(&before);
        let added: Vec<&str> = lines(&after)
            .into_iter()
            .filter(|l| !old.contains(l))
            .collect();
        let note = closed.notes.last().unwrap();
        assert_eq!(note.text, "Fixed.");
        if ayo {
            assert!(added.iter().any(|l| l.starts_with("### ")), "{added:?}");
        } else {
            // To the second, as tk writes, and the ticket says so too.
            assert_eq!(note.at.timestamp_subsec_nanos(), 0);
            assert!(
                added
                    .iter()
                    .any(|l| l.starts_with("**") && l.ends_with(" @tester**"))
            );
        }
        assert_eq!(t.get(id).unwrap().notes.last(), Some(note));
    }
}
