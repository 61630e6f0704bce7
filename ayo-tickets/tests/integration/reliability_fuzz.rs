//! A fuzz run of the ticket file parser, as property tests (cargo-fuzz needs a nightly
//! compiler). `fuzz.sh` runs these with a large `PROPTEST_CASES` in release for as long as it is
//! told; a normal `cargo test` runs the default 256 cases of each.
//!
//! Every input must give a ticket or a Parse error naming the file, never a panic or another
//! error; what parses must render back byte-identical when unchanged, and its ticket must survive
//! a new file and an edit. Failing inputs are kept: proptest writes each failure's seed to
//! `reliability_fuzz.proptest-regressions` (replayed first by every run), and a minimal input
//! found by a long run is added to `found_inputs_stay_fixed` below.

use crate::support;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use ayo_tickets::format::{parse, render};
use ayo_tickets::{Error, Note, Status, Ticket};
use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use support::mutation::{junk, mutate};

/// Checks one input; `Err` says what broke.
fn check(bytes: &[u8]) -> Result<(), String> {
    let path = Path::new("/store/fz-1.md");
    let parsed = match catch_unwind(AssertUnwindSafe(|| parse(bytes, path))) {
        Err(_) => return Err("parse panicked".into()),
        Ok(Err(Error::Parse { path: p, line, .. })) => {
            if p != path {
                return Err(format!(
                    "the Parse error names {}, not the file",
                    p.display()
                ));
            }
            if let Some(l) = line {
                let lines = bytes.split(|b| *b == b'\n').count();
                if l == 0 || l > lines {
                    return Err(format!("the Parse error names line {l} of {lines}"));
                }
            }
            return Ok(());
        }
        Ok(Err(e)) => return Err(format!("not a Parse error: {e:?}")),
        Ok(Ok(p)) => p,
    };
    let text = std::str::from_utf8(bytes).map_err(|_| "parsed text that is not UTF-8")?;
    let ticket = parsed.ticket;
    if ticket.id != "fz-1" {
        return Err(format!("the id is {:?}, not the file name", ticket.id));
    }
    // Unchanged: the same bytes back.
    let again = catch_unwind(AssertUnwindSafe(|| render(&ticket, Some(text))))
        .map_err(|_| "render panicked")?
        .map_err(|e| format!("an unchanged ticket did not render: {e}"))?;
    if again != text {
        return Err(format!(
            "an unchanged ticket rendered differently:\n{again}"
        ));
    }
    // A new file holds the same ticket.
    match render(&ticket, None) {
        Ok(new) => {
            let back =
                parse(new.as_bytes(), path).map_err(|e| format!("a new file: {e}\n{new}"))?;
            if back.ticket != ticket {
                return Err(format!("a new file reads back as another ticket:\n{new}"));
            }
        }
        Err(e) if e.code() == "INVALID" => {} // a hand-written value no new file may hold
        Err(e) => return Err(format!("a new file: {e:?}")),
    }
    // An edit reads back exactly, or is refused; the file is never silently damaged.
    let mut edited = ticket.clone();
    edited.title = format!("{} (edited)", edited.title.trim());
    edited.status = Status::Closed;
    edited.notes.push(Note {
        at: Utc.timestamp_opt(1_800_000_000, 0).unwrap(),
        author: Some("@fuzz".into()),
        text: "## Notes\n---\n### 2026-01-01T00:00:00Z x".into(),
    });
    edited.deps.push("fz-2".into());
    match render(&edited, Some(text)) {
        Ok(new) => {
            let back = parse(new.as_bytes(), path).map_err(|e| format!("an edit: {e}\n{new}"))?;
            if back.ticket != edited {
                return Err(format!("an edit reads back as another ticket:\n{new}"));
            }
        }
        Err(e) if matches!(e.code(), "INVALID" | "PARSE") => {}
        Err(e) => return Err(format!("an edit: {e:?}")),
    }
    Ok(())
}

/// Lines built from the pieces that matter to the format.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "---", "--- ", "# Title", "#", "# ", "## Notes", "## Notes ", "\\## Notes", "### ",
            "### 2026-01-01T00:00:00Z", "### 2026-01-01T00:00:00Z @a", "### 2026-13-01T00:00:00Z",
            "**2026-01-01T00:00:00Z**", "**2026-01-01T00:00:00Z** x", "id: fz-1", "id: 007",
            "id:", "status: open", "status: closed", "status: in_progress", "status: [open]",
            "deps: [a, b]", "deps: []", "deps:", "- a", "  - b", "deps: [a,", "priority: 2",
            "priority: 4", "priority: -1", "priority: 2.5", "priority: 99999999999999999999",
            "created: 2026-01-01T00:00:00Z", "created: 2026-01-01", "created: 0000-01-01T00:00:00Z",
            "created: 9999-12-31T23:59:59.999999999Z", "lease_until: 2026-01-01T00:00:00.123Z",
            "lease_secs: 18446744073709551615", "lease_secs: -1", "type: bug", "type: [x]",
            "assignee: '@a'", "assignee: @a", "assignee: ~", "assignee: null", "tags: [x, 'y, z']",
            "tags: {a: b}", "parent: p1", "parent: [p]", "external-ref: X", "links: []",
            "key: &a [1]", "other: *a", "<<: {id: x}", "? complex", ": value", "!!binary aGk=",
            "%YAML 1.2", "...", "\t", " ", "", "\r", "# comment", "x: 'it''s'", "x: \"\\u0000\"",
            "x: |", "  block", "x: >-", "\u{feff}---", "é日本語 🎉", "\u{2028}", "\\", "**bold**",
        ])
        .prop_map(str::to_string),
        1 => "[ -~]{0,20}",
        1 => any::<String>().prop_map(|s| s.chars().take(20).collect()),
    ]
}

/// A file made of format-shaped lines: usually a frontmatter, a title, a body and notes.
fn shaped() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        prop::collection::vec(piece(), 0..12),
        prop::collection::vec(piece(), 0..12),
        prop::sample::select(vec!["\n", "\r\n"]),
    )
        .prop_map(|(framed, front, body, nl)| {
            let mut lines = Vec::new();
            if framed {
                lines.push("---".to_string());
            }
            lines.extend(front);
            if framed {
                lines.push("---".to_string());
                lines.push("# A title".to_string());
            }
            lines.extend(body);
            (lines.join(nl) + nl).into_bytes()
        })
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(piece(), 0..6).prop_map(|v| v.join("\n")),
        any::<String>().prop_map(|s| s.replace('\0', "")),
    ]
}

prop_compose! {
    fn ticket()(
        title in "[^\\p{Cc}]{1,30}".prop_filter("not blank", |t| !t.trim().is_empty()),
        status in prop::sample::select(vec![Status::Open, Status::InProgress, Status::Closed]),
        assignee in prop::option::of(prop_oneof!["@[a-z]{1,8}", "[^\\p{Cc}]{1,12}"]
            .prop_filter("not blank", |a: &String| !a.trim().is_empty())),
        deps in prop::collection::vec("[a-z0-9][a-z0-9._-]{0,8}", 0..4),
        priority in 0u8..=4,
        kind in prop_oneof!["task|bug|feature|epic|chore", "[^\\p{Cc}]{0,10}"],
        tags in prop::collection::vec("[^,\\p{Cc}]{1,10}", 0..4),
        description in text(),
        notes in prop::collection::vec(
            (0i64..253_402_300_799, prop::option::of("@[a-z]{1,6}"), text()), 0..4),
        created in prop::option::of(0i64..4_102_444_800),
    ) -> Ticket {
        let mut t = Ticket::new("fz-1", title);
        t.status = status;
        t.assignee = assignee;
        t.deps = deps;
        t.priority = priority;
        t.kind = kind;
        t.tags = tags;
        t.description = description;
        t.notes = notes
            .into_iter()
            .map(|(s, author, text)| Note { at: Utc.timestamp_opt(s, 0).unwrap(), author, text })
            .collect();
        t.created = created.map(|s| Utc.timestamp_opt(s, 0).unwrap());
        t
    }
}

proptest! {
    #[test]
    fn any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        check(&bytes).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn format_shaped_files(bytes in shaped()) {
        check(&bytes).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn mutated_tickets(
        t in ticket(),
        edits in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>(), junk()), 1..6),
    ) {
        let mut bytes = render(&t, None).unwrap().into_bytes();
        mutate(&mut bytes, &edits);
        check(&bytes).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn tickets_round_trip(t in ticket(), other in ticket()) {
        let text = render(&t, None).unwrap();
        let path = Path::new("/store/fz-1.md");
        prop_assert_eq!(&parse(text.as_bytes(), path).unwrap().ticket, &t, "{}", text);
        check(text.as_bytes()).map_err(TestCaseError::fail)?;
        let mut changed = other.clone();
        changed.id = t.id.clone();
        let new = render(&changed, Some(&text)).unwrap();
        prop_assert_eq!(&parse(new.as_bytes(), path).unwrap().ticket, &changed, "old:\n{}\nnew:\n{}", text, new);
    }
}

/// Inputs that once broke a property, kept for good (minimal inputs of long fuzz runs).
#[test]
fn found_inputs_stay_fixed() {
    let deep = format!(
        "---\nid: fz-1\ndeps: {}{}\n---\n# T\n",
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    let start = std::time::Instant::now();
    check(deep.as_bytes()).unwrap();
    assert!(
        start.elapsed() < std::time::Duration::from_secs(10),
        "deep nesting is refused at once"
    );
    for input in FOUND {
        check(input).unwrap_or_else(|e| panic!("{}: {e}", String::from_utf8_lossy(input)));
    }
}

/// Minimal failing inputs found by `fuzz.sh`, oldest first.
const FOUND: &[&[u8]] = &[b"---\n---\n# T\n"];
