//! The ticket file format against the sample files of both dialects (tk and ayo) and small
//! hand-written files: every field as the files show it, byte-identical rewrites, and edits
//! that change only the lines of the edited field.

use std::path::{Path, PathBuf};

use ayo_tickets::format::{Parsed, parse, render};
use ayo_tickets::{Error, Note, Status, Ticket};
use chrono::{DateTime, Utc};

const TK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tk");
const AYO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ayo");

fn ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn load(dir: &str, id: &str) -> (String, Parsed) {
    let path = Path::new(dir).join(format!("{id}.md"));
    let text = std::fs::read_to_string(&path).unwrap();
    let parsed = parse(text.as_bytes(), &path).unwrap();
    (text, parsed)
}

fn parse_text(text: &str, id: &str) -> Parsed {
    parse(text.as_bytes(), Path::new(&format!("{id}.md"))).unwrap()
}

fn all_fixtures() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [TK, AYO] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert_eq!(files.len(), 5, "{files:?}");
    files
}

/// The lines that differ between two texts of the same line count, as (old, new) pairs.
fn changed_lines<'a>(old: &'a str, new: &'a str) -> Vec<(&'a str, &'a str)> {
    let (a, b): (Vec<_>, Vec<_>) = (old.lines().collect(), new.lines().collect());
    assert_eq!(a.len(), b.len(), "line counts differ:\n{old}\n----\n{new}");
    a.into_iter().zip(b).filter(|(x, y)| x != y).collect()
}

/// `new` is `old` with exactly the lines `added` inserted (in one place).
fn assert_inserted(old: &str, new: &str, added: &[&str]) {
    let (a, b): (Vec<_>, Vec<_>) = (old.lines().collect(), new.lines().collect());
    assert_eq!(a.len() + added.len(), b.len(), "{new}");
    let at = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    assert_eq!(&b[at..at + added.len()], added, "{new}");
    assert_eq!(&a[at..], &b[at + added.len()..], "{new}");
}

#[test]
fn tk_web_x7k2() {
    let (_, p) = load(TK, "web-x7k2");
    let t = &p.ticket;
    assert_eq!(t.id, "web-x7k2");
    assert_eq!(p.frontmatter_id.as_deref(), Some("web-x7k2"));
    assert_eq!(t.title, "Add SSE connection management");
    assert_eq!(t.status, Status::InProgress);
    assert_eq!(t.deps, ["web-a1b2", "web-q9z0"]);
    assert_eq!(t.created, Some(ts("2026-01-18T12:05:00Z")));
    assert_eq!(
        (t.started, t.closed, t.lease_until, t.lease_secs),
        (None, None, None, None)
    );
    assert_eq!(t.kind, "feature");
    assert_eq!(t.priority, 2);
    assert_eq!(t.assignee.as_deref(), Some("Jane Doe"));
    assert_eq!(t.parent.as_deref(), Some("web-ep01"));
    assert_eq!(t.tags, ["ui", "backend"]);
    assert!(t.notes.is_empty());
    assert_eq!(
        t.description,
        "Reconnect with backoff.\n\n## Design\n\nOne EventSource per tab.\n\n\
         ## Acceptance Criteria\n\nClients reconnect within 5 s."
    );
    assert!(t.description.contains("## Design"));
    assert!(t.description.contains("## Acceptance Criteria"));
    assert!(t.blocked_by.is_empty() && !t.ready);
}

#[test]
fn tk_web_a1b2() {
    let (_, p) = load(TK, "web-a1b2");
    let t = &p.ticket;
    assert_eq!(t.title, "Set up the HTTP server");
    assert_eq!(t.status, Status::Closed);
    assert!(t.deps.is_empty());
    assert_eq!(t.created, Some(ts("2026-01-18T12:00:00Z")));
    assert_eq!(t.kind, "task");
    assert_eq!(t.priority, 1);
    assert_eq!(t.assignee.as_deref(), Some("Jane Doe"));
    assert!(t.tags.is_empty() && t.parent.is_none());
    assert_eq!(t.description, "Plain net/http for now.");
    assert_eq!(
        t.notes,
        vec![
            Note {
                at: ts("2026-01-18T15:00:00Z"),
                author: None,
                text: "Server runs on :8080.".into(),
            },
            Note {
                at: ts("2026-01-19T09:30:00Z"),
                author: None,
                text: "Added graceful shutdown.".into(),
            },
        ]
    );
}

#[test]
fn tk_web_q9z0() {
    let (_, p) = load(TK, "web-q9z0");
    let t = &p.ticket;
    assert_eq!(t.title, "Fix: title with a colon: and \"quotes\"");
    assert_eq!(t.status, Status::Open);
    assert_eq!(t.kind, "bug");
    assert_eq!(t.priority, 0);
    assert_eq!(t.assignee, None);
    assert_eq!(t.created, Some(ts("2026-01-18T12:10:00Z")));
    assert_eq!(
        t.description,
        "A line with --- inside it, and a lone rule below.\n\n---\n\nStill the description."
    );
    assert!(t.description.lines().any(|l| l == "---"));
    assert!(t.notes.is_empty());
}

#[test]
fn ayo_proj_a1b2() {
    let (_, p) = load(AYO, "proj-a1b2");
    let t = &p.ticket;
    assert_eq!(t.id, "proj-a1b2");
    assert_eq!(t.title, "Implement auth module");
    assert_eq!(t.status, Status::InProgress);
    assert_eq!(t.deps, ["proj-9f3c"]);
    assert_eq!(t.tags, ["auth"]);
    assert_eq!(t.created, Some(ts("2026-02-12T10:30:00Z")));
    assert_eq!(t.started, Some(ts("2026-02-12T11:00:00Z")));
    assert_eq!(t.closed, None);
    assert_eq!(t.kind, "task");
    assert_eq!(t.priority, 2);
    assert_eq!(t.assignee.as_deref(), Some("@backend"));
    assert_eq!(t.description, "Add JWT auth.");
    assert_eq!(t.notes.len(), 2);
    assert_eq!(t.notes[0].at, ts("2026-02-12T11:05:00Z"));
    assert_eq!(t.notes[0].text, "Completed JWT design");
    assert_eq!(t.notes[0].author, None);
    assert_eq!(t.notes[1].at, ts("2026-02-12T12:40:00Z"));
    assert_eq!(t.notes[1].text, "Token refresh works;\ntests next.");
}

#[test]
fn ayo_proj_9f3c() {
    let (_, p) = load(AYO, "proj-9f3c");
    let t = &p.ticket;
    assert_eq!(t.title, "Choose a JWT library");
    assert_eq!(t.status, Status::Closed);
    assert!(t.deps.is_empty() && t.tags.is_empty());
    assert_eq!(t.created, Some(ts("2026-02-12T09:00:00Z")));
    assert_eq!(t.closed, Some(ts("2026-02-12T10:00:00Z")));
    assert_eq!(t.assignee.as_deref(), Some("@backend"));
    assert_eq!(t.description, "");
    assert_eq!(
        t.notes,
        vec![Note {
            at: ts("2026-02-12T09:45:00Z"),
            author: None,
            text: "Picked the maintained one.".into(),
        }]
    );
}

#[test]
fn unchanged_render_is_byte_identical() {
    for path in all_fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        let p = parse(text.as_bytes(), &path).unwrap();
        assert_eq!(render(&p.ticket, Some(&text)).unwrap(), text, "{path:?}");
        // The derived fields are ignored.
        let mut t = p.ticket.clone();
        t.blocked_by = vec!["x".into()];
        t.ready = true;
        assert_eq!(render(&t, Some(&text)).unwrap(), text, "{path:?}");
        // A fresh rendering reads back as the same ticket.
        let fresh = render(&p.ticket, None).unwrap();
        assert_eq!(
            parse(fresh.as_bytes(), &path).unwrap().ticket,
            p.ticket,
            "{fresh}"
        );
    }
}

#[test]
fn changing_status_changes_only_the_status_line() {
    for path in all_fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut t = parse(text.as_bytes(), &path).unwrap().ticket;
        t.status = if t.status == Status::Closed {
            Status::Open
        } else {
            Status::Closed
        };
        let new = render(&t, Some(&text)).unwrap();
        let want = format!("status: {}", t.status);
        assert_eq!(
            changed_lines(&text, &new),
            vec![(changed_lines_old_status(&text), want.as_str())],
            "{path:?}"
        );
        assert_eq!(parse(new.as_bytes(), &path).unwrap().ticket, t);
    }
}

fn changed_lines_old_status(text: &str) -> &str {
    text.lines().find(|l| l.starts_with("status:")).unwrap()
}

#[test]
fn adding_a_note_appends() {
    for path in all_fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        let old = parse(text.as_bytes(), &path).unwrap().ticket;
        let mut t = old.clone();
        let note = Note {
            at: ts("2026-03-01T08:00:00.250Z"),
            author: Some("@tester".into()),
            text: "First line\n\n### 2026-01-01T00:00:00Z not a heading".into(),
        };
        t.notes.push(note.clone());
        let new = render(&t, Some(&text)).unwrap();
        assert!(new.starts_with(&text), "old bytes are a prefix: {new}");
        let tail = &new[text.len()..];
        // tk's files (the fixtures under tk/ have tk's notes or no mark of ayo) get tk's style.
        let tk = path.parent().is_some_and(|d| d.ends_with("tk"));
        let expected_note = if tk {
            "**2026-03-01T08:00:00.250Z @tester**\n\nFirst line\n\n\
             \\### 2026-01-01T00:00:00Z not a heading\n"
        } else {
            "### 2026-03-01T08:00:00.250Z @tester\nFirst line\n\n\
             \\### 2026-01-01T00:00:00Z not a heading\n"
        };
        if old.notes.is_empty() {
            assert_eq!(tail, format!("\n## Notes\n\n{expected_note}"), "{path:?}");
        } else {
            assert_eq!(tail, format!("\n{expected_note}"), "{path:?}");
        }
        let back = parse(new.as_bytes(), &path).unwrap().ticket;
        assert_eq!(back, t, "{new}");
        assert_eq!(back.notes.last(), Some(&note));
        // And a second one after it.
        let mut t2 = t.clone();
        t2.notes.push(Note {
            at: ts("2026-03-02T08:00:00Z"),
            author: Some("Jane Doe".into()),
            text: "again".into(),
        });
        let newer = render(&t2, Some(&new)).unwrap();
        let again = if tk {
            "**2026-03-02T08:00:00Z Jane Doe**\n\nagain"
        } else {
            "### 2026-03-02T08:00:00Z Jane Doe\nagain"
        };
        assert_eq!(newer, format!("{new}\n{again}\n"));
        assert_eq!(parse(newer.as_bytes(), &path).unwrap().ticket, t2);
    }
}

#[test]
fn a_note_without_author_in_a_tk_file_is_written_in_tk_style() {
    let (text, p) = load(TK, "web-a1b2");
    let mut t = p.ticket;
    t.notes.push(Note {
        at: ts("2026-01-20T10:00:00Z"),
        author: None,
        text: "Deployed.".into(),
    });
    let new = render(&t, Some(&text)).unwrap();
    assert_eq!(
        new,
        format!("{text}\n**2026-01-20T10:00:00Z**\n\nDeployed.\n")
    );
    assert_eq!(parse_text(&new, "web-a1b2").ticket, t);
}

#[test]
fn changing_tags_of_a_block_list_keeps_a_block_list() {
    let (text, p) = load(AYO, "proj-a1b2");
    let mut t = p.ticket;
    t.tags = vec!["auth".into(), "security".into(), "@odd one".into()];
    let new = render(&t, Some(&text)).unwrap();
    assert_inserted(&text, &new, &["    - security", "    - '@odd one'"]);
    assert!(
        new.contains("tags:\n    - auth\n    - security\n    - '@odd one'\nsession: project\n")
    );
    assert_eq!(parse_text(&new, "proj-a1b2").ticket, t);
    // Deps too, and the block list becomes `[]` when emptied.
    let mut t2 = t.clone();
    t2.deps = vec!["x1".into(), "123".into()];
    let newer = render(&t2, Some(&new)).unwrap();
    assert!(
        newer.contains("deps:\n    - x1\n    - '123'\nlinks: []\n"),
        "{newer}"
    );
    t2.deps.clear();
    let emptied = render(&t2, Some(&newer)).unwrap();
    assert!(emptied.contains("\ndeps: []\nlinks: []\n"), "{emptied}");
    assert_eq!(parse_text(&emptied, "proj-a1b2").ticket, t2);
}

#[test]
fn changing_tags_of_a_flow_list_keeps_a_flow_list() {
    let (text, p) = load(TK, "web-x7k2");
    let mut t = p.ticket;
    t.tags = vec!["ui".into(), "sse".into()];
    let new = render(&t, Some(&text)).unwrap();
    assert_eq!(
        changed_lines(&text, &new),
        vec![("tags: [ui, backend]", "tags: [ui, sse]")]
    );
    // Emptied tags are removed; the other keys stay.
    t.tags.clear();
    let new = render(&t, Some(&text)).unwrap();
    assert_eq!(new, text.replace("tags: [ui, backend]\n", ""));
    assert!(new.contains("external-ref: gh-42\n"));
    assert_eq!(parse_text(&new, "web-x7k2").ticket, t);
}

#[test]
fn setting_an_assignee_on_a_file_without_one() {
    let (text, p) = load(TK, "web-q9z0");
    let mut t = p.ticket;
    t.assignee = Some("@validator".into());
    let new = render(&t, Some(&text)).unwrap();
    assert_inserted(&text, &new, &["assignee: '@validator'"]);
    assert!(new.contains("priority: 0\nassignee: '@validator'\n---\n"));
    assert_eq!(parse_text(&new, "web-q9z0").ticket, t);
    // Tags go after the assignee, parent after the tags, in ayo's order.
    let mut t2 = t.clone();
    t2.parent = Some("web-ep01".into());
    t2.tags = vec!["a b".into()];
    t2.started = Some(ts("2026-01-19T00:00:00Z"));
    let newer = render(&t2, Some(&new)).unwrap();
    assert!(
        newer.contains(
            "created: 2026-01-18T12:10:00Z\nstarted: 2026-01-19T00:00:00Z\ntype: bug\npriority: 0\n\
             assignee: '@validator'\ntags: [a b]\nparent: web-ep01\n---\n"
        ),
        "{newer}"
    );
    assert_eq!(parse_text(&newer, "web-q9z0").ticket, t2);
}

#[test]
fn clearing_an_assignee_removes_its_line() {
    for (dir, id, line) in [
        (TK, "web-a1b2", "assignee: Jane Doe\n"),
        (AYO, "proj-9f3c", "assignee: '@backend'\n"),
    ] {
        let (text, p) = load(dir, id);
        let mut t = p.ticket;
        t.assignee = None;
        let new = render(&t, Some(&text)).unwrap();
        assert_eq!(new, text.replacen(line, "", 1));
        assert_eq!(parse_text(&new, id).ticket, t);
    }
}

#[test]
fn changing_the_assignee_rewrites_one_line() {
    let (text, p) = load(TK, "web-x7k2");
    let mut t = p.ticket;
    t.assignee = Some("@frontend".into());
    let new = render(&t, Some(&text)).unwrap();
    assert_eq!(
        changed_lines(&text, &new),
        vec![("assignee: Jane Doe", "assignee: '@frontend'")]
    );
}

#[test]
fn unknown_keys_and_both_external_refs_are_kept() {
    let (text, p) = load(TK, "web-x7k2");
    let mut t = p.ticket;
    t.priority = 0;
    t.lease_until = Some(ts("2026-01-18T13:00:00.500Z"));
    t.lease_secs = Some(900);
    let new = render(&t, Some(&text)).unwrap();
    assert!(new.contains("links: [web-m3n4]\n"));
    assert!(new.contains("external-ref: gh-42\n"));
    assert!(
        new.contains("parent: web-ep01\nlease_until: 2026-01-18T13:00:00.500Z\nlease_secs: 900\n")
    );
    assert_eq!(parse_text(&new, "web-x7k2").ticket, t);

    let (text, p) = load(AYO, "proj-a1b2");
    let mut t = p.ticket;
    t.status = Status::Closed;
    t.closed = Some(ts("2026-02-13T09:00:00Z"));
    let new = render(&t, Some(&text)).unwrap();
    assert!(new.contains("session: project\nexternal_ref: JIRA-7\n---\n"));
    assert_inserted(
        &text.replace("status: in_progress", "status: closed"),
        &new,
        &["closed: 2026-02-13T09:00:00Z"],
    );
    assert!(
        new.contains("started: 2026-02-12T11:00:00Z\nclosed: 2026-02-13T09:00:00Z\ntype: task\n")
    );
}

#[test]
fn body_edits_touch_only_their_lines() {
    let (text, p) = load(TK, "web-x7k2");
    let mut t = p.ticket.clone();
    t.title = "Add SSE: reconnects # and more".into();
    let new = render(&t, Some(&text)).unwrap();
    assert_eq!(
        changed_lines(&text, &new),
        vec![(
            "# Add SSE connection management",
            "# Add SSE: reconnects # and more"
        )]
    );
    let mut t = p.ticket.clone();
    t.description = "Short now.\n## Notes\nstill description".into();
    let new = render(&t, Some(&text)).unwrap();
    let (head, _) = text.split_once("# Add SSE").unwrap();
    assert!(new.starts_with(head));
    assert!(new.ends_with(
        "# Add SSE connection management\n\nShort now.\n\\## Notes\nstill description\n"
    ));
    assert_eq!(parse_text(&new, "web-x7k2").ticket, t);

    // In a file with notes, a description change keeps the notes' bytes.
    let (text, p) = load(AYO, "proj-a1b2");
    let mut t = p.ticket;
    t.description = String::new();
    let new = render(&t, Some(&text)).unwrap();
    let notes = &text[text.find("## Notes").unwrap()..];
    assert!(
        new.ends_with(&format!("# Implement auth module\n\n{notes}")),
        "{new}"
    );
    assert_eq!(parse_text(&new, "proj-a1b2").ticket, t);
}

#[test]
fn removing_and_editing_notes() {
    let (text, p) = load(TK, "web-a1b2");
    let mut t = p.ticket.clone();
    t.notes.pop();
    let new = render(&t, Some(&text)).unwrap();
    assert!(
        new.ends_with("## Notes\n\n**2026-01-18T15:00:00Z**\n\nServer runs on :8080.\n"),
        "{new}"
    );
    assert_eq!(parse_text(&new, "web-a1b2").ticket, t);
    t.notes.clear();
    let new = render(&t, Some(&text)).unwrap();
    assert!(
        new.ends_with("Plain net/http for now.\n\n## Notes\n\n"),
        "{new}"
    );
    assert_eq!(parse_text(&new, "web-a1b2").ticket, t);
    let mut t = p.ticket;
    t.notes[1].text = "Added graceful shutdown, tested.".into();
    let new = render(&t, Some(&text)).unwrap();
    assert_eq!(
        changed_lines(&text, &new),
        vec![(
            "Added graceful shutdown.",
            "Added graceful shutdown, tested."
        )]
    );
}

#[test]
fn values_yaml_reads_as_numbers_keep_their_text() {
    let text = "---\nid: 123\nstatus: open\ndeps: [007, 1e3, 'x y']\nlinks: []\ntype: 1.0\npriority: 3\ntags: [yes, no, ~x]\nassignee: 0x10\n---\n# Numbers\n";
    let p = parse_text(text, "123");
    assert_eq!(p.frontmatter_id.as_deref(), Some("123"));
    assert_eq!(p.ticket.deps, ["007", "1e3", "x y"]);
    assert_eq!(p.ticket.kind, "1.0");
    assert_eq!(p.ticket.priority, 3);
    assert_eq!(p.ticket.tags, ["yes", "no", "~x"]);
    assert_eq!(p.ticket.assignee.as_deref(), Some("0x10"));
    assert_eq!(render(&p.ticket, Some(text)).unwrap(), text);
    let mut t = p.ticket.clone();
    t.status = Status::InProgress;
    let new = render(&t, Some(text)).unwrap();
    assert_eq!(
        changed_lines(text, &new),
        vec![("status: open", "status: in_progress")]
    );
    t.deps.push("1e3x".into());
    t.deps.push("42".into());
    let new = render(&t, Some(text)).unwrap();
    assert!(
        new.contains("deps: ['007', '1e3', x y, '1e3x', '42']\n"),
        "{new}"
    );
    assert_eq!(parse_text(&new, "123").ticket, t);
    // A new file quotes such ids.
    let fresh = render(&Ticket::new("123", "T"), None).unwrap();
    assert!(fresh.starts_with("---\nid: '123'\n"), "{fresh}");
}

#[test]
fn both_list_styles_read_and_patch() {
    let text = "---\nid: t1\ndeps:\n- a\n- b   # trailing comment\ntags:\n  - x\n  - 'y, z'\nlinks: [p, q]\n---\n# Lists\n";
    let p = parse_text(text, "t1");
    assert_eq!(p.ticket.deps, ["a", "b"]);
    assert_eq!(p.ticket.tags, ["x", "y, z"]);
    assert_eq!(render(&p.ticket, Some(text)).unwrap(), text);
    let mut t = p.ticket;
    t.deps = vec!["c".into()];
    t.tags.push("w".into());
    let new = render(&t, Some(text)).unwrap();
    assert_eq!(
        new,
        "---\nid: t1\ndeps:\n- c\ntags:\n  - x\n  - 'y, z'\n  - w\nlinks: [p, q]\n---\n# Lists\n"
    );
    assert_eq!(parse_text(&new, "t1").ticket, t);
    // A new list in a file whose lists are block lists is a block list too.
    t.deps.clear();
    t.links.clear();
    let text2 = "---\nid: t1\ntags:\n    - x\n---\n# Lists\n";
    t.tags = vec!["x".into()];
    t.deps = vec!["d".into()];
    let new = render(&t, Some(text2)).unwrap();
    assert_eq!(
        new,
        "---\nid: t1\ndeps:\n    - d\ntags:\n    - x\n---\n# Lists\n"
    );
}

#[test]
fn comments_in_the_frontmatter_are_kept() {
    let text = "---\n# written by hand\nid: c1\nstatus: open # will change\n\n# deps below\ndeps: [a] # the first\npriority: 1\n---\n# Commented\n";
    let p = parse_text(text, "c1");
    assert_eq!(p.ticket.status, Status::Open);
    assert_eq!(p.ticket.deps, ["a"]);
    let mut t = p.ticket;
    t.status = Status::Closed;
    t.priority = 4;
    let new = render(&t, Some(text)).unwrap();
    assert_eq!(
        changed_lines(text, &new),
        vec![
            ("status: open # will change", "status: closed # will change"),
            ("priority: 1", "priority: 4"),
        ]
    );
    t.deps.push("b".into());
    t.kind = "bug".into();
    let newer = render(&t, Some(&new)).unwrap();
    assert!(newer.starts_with("---\n# written by hand\nid: c1\n"));
    assert!(
        newer.contains("\n\n# deps below\ndeps: [a, b] # the first\ntype: bug\npriority: 4\n"),
        "{newer}"
    );
    assert_eq!(parse_text(&newer, "c1").ticket, t);
}

#[test]
fn files_without_final_newline_or_with_crlf() {
    let text = "---\nid: n1\nstatus: open\n---\n# No newline\n\nbody";
    let p = parse_text(text, "n1");
    assert_eq!(p.ticket.description, "body");
    assert_eq!(render(&p.ticket, Some(text)).unwrap(), text);
    let mut t = p.ticket.clone();
    t.status = Status::Closed;
    assert_eq!(
        render(&t, Some(text)).unwrap(),
        text.replace("open", "closed")
    );
    t.notes.push(Note {
        at: ts("2026-01-01T00:00:00Z"),
        author: None,
        text: "n".into(),
    });
    let new = render(&t, Some(text)).unwrap();
    assert!(
        new.ends_with("body\n\n## Notes\n\n**2026-01-01T00:00:00Z**\n\nn\n"),
        "{new}"
    );

    let crlf = "---\r\nid: w1\r\nstatus: open\r\npriority: 1\r\n---\r\n# Windows\r\n\r\nText.\r\n";
    let p = parse_text(crlf, "w1");
    assert_eq!(p.ticket.title, "Windows");
    assert_eq!(p.ticket.priority, 1);
    assert_eq!(render(&p.ticket, Some(crlf)).unwrap(), crlf);
    let mut t = p.ticket;
    t.priority = 3;
    t.title = "Windows too".into();
    t.assignee = Some("@me".into());
    let new = render(&t, Some(crlf)).unwrap();
    assert_eq!(
        new,
        "---\r\nid: w1\r\nstatus: open\r\npriority: 3\r\nassignee: '@me'\r\n---\r\n# Windows too\r\n\r\nText.\r\n"
    );
    assert_eq!(parse_text(&new, "w1").ticket, t);
}

#[test]
fn tk_add_note_layout() {
    // tk's add-note after a description that ends with a blank line leaves two blank lines
    // before `## Notes`: one is layout, the other stays part of the description.
    let text = "---\nid: tc-7456\nstatus: open\ndeps: [tc-3cff, tc-00c9]\nlinks: []\ncreated: 2026-01-09T17:06:30Z\ntype: task\npriority: 2\nassignee: Ray Myers\n---\n# Add full BDD suite\n\nIntegrate all BDD tests.\n\n**Note**: not a note heading.\n\n\n## Notes\n\n**2026-01-09T17:55:00Z**\n\nIntegrated the suite.\n";
    let p = parse_text(text, "tc-7456");
    assert_eq!(
        p.ticket.description,
        "Integrate all BDD tests.\n\n**Note**: not a note heading.\n"
    );
    assert_eq!(p.ticket.notes.len(), 1);
    assert_eq!(p.ticket.notes[0].text, "Integrated the suite.");
    assert_eq!(p.ticket.assignee.as_deref(), Some("Ray Myers"));
    assert_eq!(render(&p.ticket, Some(text)).unwrap(), text);
    let mut t = p.ticket;
    t.deps.push("tc-35f6".into());
    let new = render(&t, Some(text)).unwrap();
    assert_eq!(
        changed_lines(text, &new),
        vec![(
            "deps: [tc-3cff, tc-00c9]",
            "deps: [tc-3cff, tc-00c9, tc-35f6]"
        )]
    );
}

#[test]
fn parse_errors_name_the_file_and_line() {
    let (text, _) = load(TK, "web-x7k2");
    let path = Path::new("/somewhere/web-x7k2.md");
    let broken = text.replace("deps: [web-a1b2, web-q9z0]", "deps: [web-a1b2, web-q9z0");
    match parse(broken.as_bytes(), path) {
        Err(Error::Parse { path: p, line, .. }) => {
            assert_eq!(p, path);
            assert!(matches!(line, Some(4..=5)), "{line:?}");
        }
        other => panic!("{other:?}"),
    }
    let no_title = text.replace("# Add SSE", "Add SSE");
    let err = parse(no_title.as_bytes(), path).unwrap_err();
    assert_eq!(err.code(), "PARSE");
    assert!(
        err.to_string().starts_with("/somewhere/web-x7k2.md:"),
        "{err}"
    );
    // Another tool's status word is kept, and remarked on with its line.
    let unknown_status = text.replace("status: in_progress", "status: blocked");
    let p = parse(unknown_status.as_bytes(), path).unwrap();
    assert_eq!(p.ticket.status, Status::Other("blocked".into()));
    assert_eq!(p.remarks.len(), 1);
    assert_eq!(
        (p.remarks[0].line, p.remarks[0].read_as.as_str()),
        (3, "blocked")
    );
    // A previous file that does not parse is refused, not overwritten.
    let t = Ticket::new("web-x7k2", "T");
    assert_eq!(render(&t, Some(&broken)).unwrap_err().code(), "PARSE");
}

#[test]
fn junk_and_huge_files_are_rejected() {
    let path = Path::new("junk.md");
    // The time is printed, not asserted (speed is the benches' business): a parse that went
    // quadratic on these inputs would stand out here and hang the run.
    let timed = |what: &str, bytes: &[u8]| {
        let start = std::time::Instant::now();
        let result = parse(bytes, path);
        eprintln!("{what}: {:?}", start.elapsed());
        result
    };
    let junk = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xd8".repeat(3 << 20);
    match timed("binary", &junk) {
        Err(Error::Parse { line, .. }) => assert_eq!(line, Some(3)),
        other => panic!("{other:?}"),
    }
    let mut latin1 = b"---\nid: caf".to_vec();
    latin1.extend_from_slice(&[0xe9u8; 1024].repeat(50 << 10));
    match timed("not UTF-8", &latin1) {
        Err(Error::Parse { line, .. }) => assert_eq!(line, Some(2)),
        other => panic!("{other:?}"),
    }
    let text = vec![b'a'; 50 << 20];
    assert_eq!(timed("no frontmatter", &text).unwrap_err().code(), "PARSE");
    let mut open = b"---\n".to_vec();
    open.extend_from_slice(&b"key: value\n".repeat(5 << 20));
    match timed("unterminated", &open) {
        Err(Error::Parse { line, .. }) => assert_eq!(line, Some(1)),
        other => panic!("{other:?}"),
    }
    open.extend(b"\n---\n# T\n");
    match timed("huge frontmatter", &open) {
        Err(Error::Parse { line, message, .. }) => {
            assert_eq!(line, Some(1));
            assert!(message.contains("1 MiB"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // A huge body is read (linearly).
    let mut big = b"---\nid: big\n---\n# Big\n\n".to_vec();
    big.extend_from_slice(&b"lorem ipsum dolor\n".repeat(3 << 20));
    let p = timed("huge body", &big).unwrap();
    assert!(p.ticket.description.len() > 50_000_000);
}

#[test]
fn tk_layout_with_a_blank_line_at_the_end() {
    // tk's create ends the description with a blank line; its add-note appends
    // "\n## Notes\n" and "\n**<time>**\n\n<text>\n".
    let text = "---\nid: t-1c99\nstatus: open\ndeps: []\nlinks: []\ncreated: 2026-01-24T23:58:09Z\ntype: task\npriority: 2\nassignee: Steve Macbeth\n---\n# Add status propagation\n\nAuto-bubble up the parent chain\n\n## Design\n\nFiles: ticket\n\n";
    let p = parse_text(text, "t-1c99");
    assert_eq!(
        p.ticket.description,
        "Auto-bubble up the parent chain\n\n## Design\n\nFiles: ticket"
    );
    assert_eq!(render(&p.ticket, Some(text)).unwrap(), text);
    let mut t = p.ticket;
    t.notes.push(Note {
        at: ts("2026-01-25T10:00:00Z"),
        author: Some("@agent".into()),
        text: "Started.".into(),
    });
    let new = render(&t, Some(text)).unwrap();
    assert_eq!(
        new,
        format!("{text}## Notes\n\n**2026-01-25T10:00:00Z @agent**\n\nStarted.\n")
    );
    assert_eq!(parse_text(&new, "t-1c99").ticket, t);
    // A description that ends with a blank line is written with the layout line after it.
    let mut t = Ticket::new("d1", "D");
    t.description = "ends blank\n".into();
    let fresh = render(&t, None).unwrap();
    assert!(fresh.ends_with("# D\n\nends blank\n\n\n"), "{fresh:?}");
    assert_eq!(parse_text(&fresh, "d1").ticket, t);
}

#[test]
fn the_frontmatter_id_is_reported_and_never_rewritten() {
    let text = "---\nid: old-name\nstatus: open\n---\n# Renamed file\n";
    let p = parse_text(text, "new-name");
    assert_eq!(p.ticket.id, "new-name");
    assert_eq!(p.frontmatter_id.as_deref(), Some("old-name"));
    assert_eq!(render(&p.ticket, Some(text)).unwrap(), text);
    let mut t = p.ticket;
    t.status = Status::Closed;
    let new = render(&t, Some(text)).unwrap();
    assert_eq!(new, text.replace("open", "closed"));
}

#[test]
fn an_edit_that_unusual_yaml_would_break_is_refused() {
    // `links` reuses the deps list through an anchor: rewriting deps would break the alias.
    let text = "---\nid: y1\ndeps: &d [a]\nlinks: *d\n---\n# Anchors\n";
    let p = parse_text(text, "y1");
    assert_eq!(p.ticket.deps, ["a"]);
    let mut t = p.ticket;
    t.status = Status::Closed;
    assert!(render(&t, Some(text)).unwrap().contains("status: closed\n"));
    t.deps = vec!["b".into()];
    assert_eq!(render(&t, Some(text)).unwrap_err().code(), "PARSE");
}
