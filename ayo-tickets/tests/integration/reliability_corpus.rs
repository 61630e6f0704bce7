//! Bad files at scale: a corpus of broken tickets (invalid YAML, no frontmatter, binary junk, a
//! 50 MB file, wrong types, two files with one id, a file name that disagrees with its id, deps
//! on missing tickets, cycles made by hand, YAML bombs, a directory and a dangling link named
//! like tickets) mixed into 10 000 good ones.
//!
//! Nothing panics; reads name each bad file (through the warning handler) and serve the rest; a
//! write that needs a bad file refuses with a Parse error naming its path; writes that do not
//! need one go on; no bad file is ever modified; `check` lists every problem, exactly.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ayo_tickets::format::render;
use ayo_tickets::{ClaimOptions, Error, Filter, NewTicket, ProblemKind, Tickets, Unreadable};

const GOOD: usize = 10_000;

/// A bad file: its name, its bytes, and what `check` must say of it.
struct Bad {
    name: &'static str,
    bytes: Vec<u8>,
    /// Problems `check` must report for it: (kind, ticket).
    problems: Vec<(ProblemKind, &'static str)>,
}

fn unreadable(name: &'static str, bytes: impl Into<Vec<u8>>) -> Bad {
    Bad {
        name,
        bytes: bytes.into(),
        problems: vec![(ProblemKind::Unreadable, stem(name))],
    }
}

fn stem(name: &'static str) -> &'static str {
    name.strip_suffix(".md").unwrap()
}

fn ticket_text(id: &str, extra: &str) -> String {
    format!("---\nid: {id}\nstatus: open\n{extra}---\n# Ticket {id}\n\nBody.\n")
}

/// Every kind of broken file.
fn corpus() -> Vec<Bad> {
    let mut junk = vec![0u8; 4096];
    let mut x: u32 = 0x9e37_79b9;
    for b in &mut junk {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    let mut huge = ticket_text("huge", "").into_bytes();
    huge.extend(std::iter::repeat_n(b'x', 50 * 1024 * 1024));
    let mut big_front = b"---\nid: bigfront\n".to_vec();
    for i in 0..40_000 {
        big_front.extend(format!("k{i}: {}\n", "v".repeat(20)).bytes());
    }
    big_front.extend(b"---\n# Big\n");
    let laughs = "---\nid: bomb\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n\
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n\
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n\
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n\
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n---\n# Bomb\n";
    let deep = format!(
        "---\nid: deep\ndeps: {}{}\n---\n# Deep\n",
        "[".repeat(400_000),
        "]".repeat(400_000)
    );
    let mut not_utf8 = ticket_text("latin1", "").into_bytes();
    not_utf8.extend(b"caf\xe9\n");
    vec![
        unreadable("bad-yaml.md", ticket_text("bad-yaml", "deps: [open\n")),
        unreadable("no-front.md", "# Just a title\n\nNo frontmatter here.\n"),
        unreadable("unclosed.md", "---\nid: unclosed\nstatus: open\n# Title\n"),
        unreadable("binary.md", junk),
        unreadable("nul.md", ticket_text("nul", "").replace("Body", "Bo\0dy")),
        unreadable("latin1.md", not_utf8),
        unreadable("empty.md", ""),
        unreadable("huge.md", huge),
        unreadable("bigfront.md", big_front),
        unreadable("bomb.md", laughs),
        unreadable("deep.md", deep),
        unreadable("list-front.md", "---\n- a\n- b\n---\n# List\n"),
        unreadable(
            "no-title.md",
            "---\nid: no-title\nstatus: open\n---\nJust text.\n",
        ),
        unreadable("dup-key.md", ticket_text("dup-key", "status: closed\n")),
        unreadable(
            "bad-status.md",
            // Another tool's word (`done`, `deferred`) is read; a list is no status.
            ticket_text("bad-status", "").replace("status: open", "status: [done]"),
        ),
        unreadable(
            "bad-priority.md",
            // `high` and `P1` are read; `urgent` is no priority.
            ticket_text("bad-priority", "priority: urgent\n"),
        ),
        unreadable(
            "big-priority.md",
            ticket_text("big-priority", "priority: 9\n"),
        ),
        unreadable("deps-map.md", ticket_text("deps-map", "deps: {a: b}\n")),
        unreadable("tags-num.md", ticket_text("tags-num", "tags: 5\n")),
        unreadable(
            "bad-date.md",
            ticket_text("bad-date", "created: yesterday\n"),
        ),
        // A dep that is no valid id is never used as a path: a missing dep.
        Bad {
            name: "bad-dep-id.md",
            bytes: ticket_text("bad-dep-id", "deps: [../../etc]\n").into_bytes(),
            problems: vec![(ProblemKind::MissingDep, "bad-dep-id")],
        },
        unreadable("bad name.md", ticket_text("bad name", "")),
        unreadable("-dash.md", ticket_text("-dash", "")),
        // Read fine, but wrong: the file name wins, and check says so.
        Bad {
            name: "dup-a.md",
            bytes: ticket_text("dup-b", "").into_bytes(),
            problems: vec![(ProblemKind::IdMismatch, "dup-a")],
        },
        Bad {
            name: "dup-b.md",
            bytes: ticket_text("dup-b", "").into_bytes(),
            problems: vec![],
        },
        Bad {
            name: "named-x.md",
            bytes: ticket_text("other-y", "").into_bytes(),
            problems: vec![(ProblemKind::IdMismatch, "named-x")],
        },
        Bad {
            name: "orphan.md",
            bytes: ticket_text("orphan", "deps: [missing-1, g00001]\n").into_bytes(),
            problems: vec![(ProblemKind::MissingDep, "orphan")],
        },
        Bad {
            name: "cyc-a.md",
            bytes: ticket_text("cyc-a", "deps: [cyc-b]\n").into_bytes(),
            problems: vec![(ProblemKind::Cycle, "cyc-a")],
        },
        Bad {
            name: "cyc-b.md",
            bytes: ticket_text("cyc-b", "deps: [cyc-c]\n").into_bytes(),
            problems: vec![],
        },
        Bad {
            name: "cyc-c.md",
            bytes: ticket_text("cyc-c", "deps: [cyc-a]\n").into_bytes(),
            problems: vec![],
        },
        Bad {
            name: "self-dep.md",
            bytes: ticket_text("self-dep", "deps: [self-dep]\n").into_bytes(),
            problems: vec![(ProblemKind::Cycle, "self-dep")],
        },
        // A good ticket that waits on a bad file: writes that need the bad file refuse.
        Bad {
            name: "needs-bad.md",
            bytes: ticket_text("needs-bad", "deps: [bad-yaml]\n").into_bytes(),
            problems: vec![],
        },
    ]
}

/// A good ticket file, in ayo's style (written by hand: rendering 10 000 is slow in debug).
fn good(i: usize) -> String {
    let deps = if i % 7 == 3 {
        format!("g{:05}", i - 1)
    } else {
        String::new()
    };
    let status = if i.is_multiple_of(5) {
        "closed"
    } else {
        "open"
    };
    format!(
        "---\nid: g{i:05}\nstatus: {status}\ndeps: [{deps}]\nlinks: []\ncreated: {}\ntype: task\n\
         priority: {}\n---\n# Good ticket {i} ✓\n\nMade for the corpus.\n\n## Design\n\nStep {i}.\n",
        chrono::DateTime::from_timestamp(1_700_000_000 + i as i64, 0)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        i % 5
    )
}

/// Writes a file with an mtime an hour ago, as a store that was not just written has.
fn write_old(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
}

/// Snapshot of the bad files' bytes (hashed) and kinds.
fn fingerprint(dir: &Path, bad: &[Bad]) -> BTreeMap<&'static str, Option<support::Node>> {
    let snap = support::snapshot(dir, &[]);
    bad.iter()
        .map(|b| b.name)
        .chain(["dir.md", "dangling.md"])
        .map(|name| (name, snap.get(&PathBuf::from(name)).cloned()))
        .collect()
}

fn collecting(dir: &Path) -> (Tickets, Arc<Mutex<Vec<Unreadable>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let t = Tickets::open(dir)
        .unwrap()
        .with_actor(Some("@corpus"))
        .unwrap()
        .with_warning_handler(Arc::new(move |u: &Unreadable| {
            sink.lock().unwrap().push(u.clone())
        }));
    (t, seen)
}

fn assert_parse_error(r: ayo_tickets::Result<impl std::fmt::Debug>, file: &str, what: &str) {
    match r {
        Err(Error::Parse { path, .. }) => assert!(
            path.ends_with(file),
            "{what}: the Parse error names {}, not {file}",
            path.display()
        ),
        other => panic!("{what}: expected a Parse error naming {file}, got {other:?}"),
    }
}

#[test]
fn ten_thousand_good_tickets_and_every_kind_of_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path();
    for i in 0..GOOD {
        write_old(&store.join(format!("g{i:05}.md")), good(i).as_bytes());
    }
    // The hand-made files are good files: they parse, and render unchanged.
    for i in [0, 3, 5] {
        let path = store.join(format!("g{i:05}.md"));
        let text = good(i);
        let parsed = ayo_tickets::format::parse(text.as_bytes(), &path).unwrap();
        assert_eq!(render(&parsed.ticket, Some(&text)).unwrap(), text);
    }
    let bad = corpus();
    for b in &bad {
        write_old(&store.join(b.name), &b.bytes);
    }
    // Not files at all, named like tickets.
    std::fs::create_dir(store.join("dir.md")).unwrap();
    std::os::unix::fs::symlink(store.join("nowhere.txt"), store.join("dangling.md")).unwrap();
    let before = fingerprint(store, &bad);

    let (t, seen) = collecting(store);
    let all = t.list(&Filter::default()).unwrap();

    // Reads serve every readable ticket and name every unreadable file.
    let want_unreadable: BTreeSet<&str> = bad
        .iter()
        .filter(|b| b.problems.iter().any(|p| p.0 == ProblemKind::Unreadable))
        .map(|b| stem(b.name))
        .chain(["dir", "dangling"])
        .collect();
    let readable = GOOD + bad.len() + 2 - want_unreadable.len();
    let served: BTreeSet<&str> = all.iter().map(|t| t.id.as_str()).collect();
    let wrongly: Vec<&str> = want_unreadable
        .iter()
        .copied()
        .filter(|b| served.contains(b))
        .collect();
    assert!(
        wrongly.is_empty(),
        "bad files served as tickets: {wrongly:?}"
    );
    assert_eq!(all.len(), readable, "every readable ticket is served");
    let named: BTreeSet<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|u| {
            let path = u.path.clone().expect("a file store names the file");
            assert!(
                u.error.to_string().contains(&*path.to_string_lossy()),
                "{:?}",
                u.error
            );
            assert_eq!(u.error.code(), "PARSE", "{:?}", u.error);
            u.id.clone()
        })
        .collect();
    let want_named: BTreeSet<String> = want_unreadable.iter().map(|s| s.to_string()).collect();
    assert_eq!(named, want_named, "the warnings name each bad file");

    // `check` lists every problem, and nothing else.
    let problems = t.check().unwrap();
    let got: BTreeSet<(String, String)> = problems
        .iter()
        .map(|p| {
            (
                format!("{:?}", p.kind),
                p.ticket.clone().unwrap_or_default(),
            )
        })
        .collect();
    let mut want: BTreeSet<(String, String)> = bad
        .iter()
        .flat_map(|b| b.problems.iter())
        .map(|(k, id)| (format!("{k:?}"), id.to_string()))
        .collect();
    want.insert(("Unreadable".into(), "dir".into()));
    want.insert(("Unreadable".into(), "dangling".into()));
    // A cycle is named by one of its members.
    let cycle_of = |id: &str| {
        problems
            .iter()
            .find(|p| p.kind == ProblemKind::Cycle && p.cycle.iter().any(|c| c == id))
            .map(|p| p.ticket.clone().unwrap_or_default())
    };
    let normalise = |set: BTreeSet<(String, String)>| -> BTreeSet<(String, String)> {
        set.into_iter()
            .map(|(k, id)| match (k.as_str(), cycle_of(&id)) {
                ("Cycle", Some(first)) => (k, first),
                _ => (k, id),
            })
            .collect()
    };
    assert_eq!(normalise(got), normalise(want), "check: {problems:#?}");
    let count = bad.iter().map(|b| b.problems.len()).sum::<usize>() + 2;
    assert_eq!(problems.len(), count, "one problem each: {problems:#?}");
    for p in problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Unreadable)
    {
        assert!(p.path.is_some(), "an unreadable file is named: {p:?}");
    }

    // A write that needs a bad file refuses, naming it.
    assert_parse_error(
        t.note("bad-yaml", "hello"),
        "bad-yaml.md",
        "note on a bad file",
    );
    assert_parse_error(t.close("binary", None), "binary.md", "close of a bad file");
    assert_parse_error(t.get("dir"), "dir.md", "get of a directory");
    assert_parse_error(
        t.note("dangling", "x"),
        "dangling.md",
        "note on a dangling link",
    );
    match t.create(NewTicket::new("over the link").id("dangling")) {
        Err(Error::AlreadyExists { .. }) => {}
        other => panic!("a create over a dangling link: {other:?}"),
    }
    assert_parse_error(
        t.start("huge", None, false),
        "huge.md",
        "start of a 50 MB file",
    );
    assert_parse_error(t.get("bomb"), "bomb.md", "get of a YAML bomb");
    assert_parse_error(
        t.create(NewTicket::new("waits on junk").dep("bad-yaml")),
        "bad-yaml.md",
        "create with a dep on a bad file",
    );
    assert_parse_error(
        t.add_dep("g00002", "latin1"),
        "latin1.md",
        "dep on a bad file",
    );
    assert_parse_error(
        t.start("needs-bad", Some("@w"), false),
        "bad-yaml.md",
        "start of a ticket whose dep is a bad file",
    );
    assert_parse_error(
        t.add_dep("g00004", "needs-bad"),
        "bad-yaml.md",
        "a cycle check through a bad file",
    );
    assert_parse_error(
        t.update("deep", Default::default()),
        "deep.md",
        "edit of a bad file",
    );
    assert_parse_error(
        t.delete("bad-date", true),
        "bad-date.md",
        "delete of a bad file",
    );
    // Writes that need no bad file go on.
    let n = t.create(NewTicket::new("fine").dep("g00001")).unwrap();
    t.note(&n.id, "still fine").unwrap();
    t.add_dep("g00009", "orphan").unwrap();
    let claimed = t
        .claim("@w", ClaimOptions::default())
        .unwrap()
        .expect("a ready good ticket");
    assert!(claimed.id.starts_with('g') || claimed.id == n.id || claimed.id.len() > 4);
    t.close(&claimed.id, Some("done")).unwrap();
    t.note("dup-a", "the file name wins").unwrap();
    t.delete("orphan", true).unwrap();
    assert!(t.ready(None).unwrap().len() > 1000);
    assert!(!t.blocked(None).unwrap().is_empty());

    // Nothing panicked, and no bad file changed by a byte.
    let after = fingerprint(store, &bad);
    for (name, node) in &before {
        if matches!(*name, "orphan.md" | "dup-a.md") {
            continue; // readable, and deleted or noted above on purpose
        }
        assert_eq!(after.get(name), Some(node), "{name} was modified");
    }
    // A fresh handle (through the index written above) sees the same.
    let (again, seen_again) = collecting(store);
    // One ticket created, one deleted.
    assert_eq!(again.list(&Filter::default()).unwrap().len(), readable);
    assert_eq!(seen_again.lock().unwrap().len(), want_unreadable.len());
    println!(
        "corpus: {} good tickets, {} bad files ({} unreadable), {} problems found by check; \
         every bad file named, none modified",
        GOOD,
        bad.len() + 2,
        want_unreadable.len(),
        problems.len()
    );
}
