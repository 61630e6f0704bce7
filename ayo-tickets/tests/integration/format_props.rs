//! Property tests of the ticket file format: any valid ticket round-trips through a new file
//! and through a patch of an older file (the fixtures of tk and ayo and every file of the
//! corpus: tk's note forms, sections after the notes, code blocks, other tools' values, a
//! frontmatter title); an unchanged ticket leaves its file byte-identical; no input makes
//! `parse` panic.
//!
//! Case counts follow `PROPTEST_CASES` (default 256).

use crate::support;

use std::path::{Path, PathBuf};

use ayo_tickets::format::{parse, render};
use ayo_tickets::{Error, Note, Status, Ticket};
use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use proptest::test_runner::Config;
use support::mutation::{junk, mutate};

const TK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tk");
const AYO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ayo");
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus");

fn config() -> Config {
    Config {
        failure_persistence: None,
        ..Config::default()
    }
}

/// Lines that look like structure, in the description and notes.
const TRICKY_LINES: &[&str] = &[
    "",
    " ",
    "\t",
    "\r",
    "a\r",
    "---",
    "--- ",
    "# Not the title",
    "## Notes",
    "## Notes ",
    "## Notes\r",
    "\\## Notes",
    "\\\\## Notes",
    "\\",
    "\\\\",
    "## Design",
    "### 2026-01-01T00:00:00Z x",
    "### 2026-01-01T00:00:00Z",
    "### 2026-01-01T00:00:00.123+02:00 Jane Doe",
    "###\t2026-01-01T00:00:00Z",
    "\\### 2026-01-01T00:00:00Z x",
    "\\\\### 2026-01-01T00:00:00Z",
    "**2026-01-01T00:00:00Z**",
    "**2026-01-01T00:00:00Z** ",
    "\\**2026-01-01T00:00:00Z**",
    "**2026-01-01**",
    "**2026-01-01** - one line",
    "**2026-01-01T00:00:00Z**: one line",
    "**2026-01-01T00:00:00Z @bob**",
    "\\**2026-01-01** - x",
    "### 2026-01-01 12:00 @bob",
    "## References",
    "\\## References",
    "```",
    "```rust",
    "~~~",
    "````",
    "# Title-like",
    "### Heading",
    "**bold**",
    "- item",
    "    - indented: item",
    "key: value",
    "é日本語 🎉",
    "\u{2028}\u{85}\u{feff}",
];

/// Values that YAML would not read back as the same string if written plain.
const TRICKY_VALUES: &[&str] = &[
    "yes",
    "no",
    "on",
    "off",
    "true",
    "null",
    "~",
    "007",
    "123",
    "1e3",
    "0x1F",
    "1.5",
    "-1",
    "@backend",
    "Jane Doe",
    " lead",
    "trail ",
    "it's",
    "\"q\"",
    "#hash",
    "a #b",
    "a: b",
    "[x]",
    "{y}",
    "*star",
    "&amp",
    "!bang",
    "%pct",
    "|pipe",
    ">gt",
    "`tick`",
    "a\\b",
    "é",
    "- x",
    "?q",
    "2026-01-01",
    "2026-01-01T00:00:00Z",
];

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(TRICKY_LINES).prop_map(str::to_string),
        2 => "[a-z #*\\\\-]{0,12}",
        1 => any::<String>().prop_map(|s| s.replace('\0', "")),
    ]
}

/// Text without NUL: lines joined with `\n`, with leading and trailing newlines at times.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(String::new()),
        1 => "[a-zA-Z .]{1,30}",
        4 => prop::collection::vec(line(), 0..7).prop_map(|v| v.join("\n")),
        1 => any::<String>().prop_map(|s| s.replace('\0', "")),
        1 => "[a-z]{0,5}".prop_map(|s| format!("\n\n{s}\n\n")),
    ]
}

fn no_controls(s: String) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

fn title() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z][A-Za-z0-9 ]{0,30}",
        prop::sample::select(vec![
            "Fix: title with a colon: and \"quotes\"",
            "# hash",
            "## Notes",
            "### 2026-01-01T00:00:00Z x",
            "**2026-01-01T00:00:00Z**",
            "---",
            " leading and trailing ",
            "\\",
            "x",
            "carriage\rreturn",
            "tab\there",
        ])
        .prop_map(str::to_string),
        any::<String>().prop_map(no_controls),
    ]
    .prop_map(|t| {
        if t.trim().is_empty() {
            format!("t{t}")
        } else {
            t
        }
    })
}

fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z][a-z0-9]{5}",
        1 => "[A-Za-z0-9][A-Za-z0-9_-]{0,20}",
        1 => prop::sample::select(vec!["123", "007", "1e3", "1.5", "0x1F", "yes", "null", "a.b"])
            .prop_map(str::to_string),
    ]
}

fn tag() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(TRICKY_VALUES).prop_map(str::to_string),
        "[a-z][a-z0-9-]{0,10}",
        any::<String>().prop_map(no_controls),
    ]
    .prop_map(|t| {
        let t: String = t.replace(',', "").chars().take(200).collect();
        if t.trim().is_empty() {
            format!("t{t}")
        } else {
            t
        }
    })
}

/// Anything at all: the frontmatter scalar writer must cope with every string.
fn free_value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(TRICKY_VALUES).prop_map(str::to_string),
        "@[a-z]{1,10}",
        "[A-Z][a-z]{1,6} [A-Z][a-z]{1,6}",
        any::<String>(),
        Just(String::new()),
    ]
}

fn author() -> impl Strategy<Value = Option<String>> {
    prop::option::of(
        prop_oneof![
            "@[a-z]{1,10}",
            "[A-Z][a-z]{1,6} [A-Z][a-z]{1,6}",
            any::<String>().prop_map(no_controls),
        ]
        .prop_map(|a| {
            let a = a.trim().to_string();
            if a.is_empty() { "@x".to_string() } else { a }
        }),
    )
}

fn time() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..4_102_444_800, 0u32..4, 0u32..1_000_000_000).prop_map(|(secs, kind, nanos)| {
        let nanos = match kind {
            0 => 0,
            1 => nanos / 1_000_000 * 1_000_000,
            2 => nanos / 1000 * 1000,
            _ => nanos,
        };
        Utc.timestamp_opt(secs, nanos).unwrap()
    })
}

fn note() -> impl Strategy<Value = Note> {
    (time(), author(), text()).prop_map(|(at, author, text)| Note { at, author, text })
}

fn status() -> impl Strategy<Value = Status> {
    let other = |w: &str| Status::Other(w.to_string());
    prop::sample::select(vec![
        Status::Open,
        Status::InProgress,
        Status::Closed,
        other("deferred"),
        other("on hold"),
        other("wont-fix"),
        other("yes"),
        other("a: b"),
    ])
}

fn kind() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec!["task", "bug", "feature", "epic", "chore"]).prop_map(str::to_string),
        1 => free_value(),
    ]
}

prop_compose! {
    fn ticket()(
        id in id(),
        title in title(),
        status in status(),
        assignee in prop::option::of(free_value()),
        deps in prop::collection::vec(id(), 0..4),
        priority in 0u8..=4,
        kind in kind(),
        tags in prop::collection::vec(tag(), 0..4),
        parent in prop::option::of(id()),
        description in text(),
        notes in prop::collection::vec(note(), 0..5),
        times in prop::array::uniform4(prop::option::of(time())),
        lease_secs in prop::option::of(any::<u64>()),
        links in prop::collection::vec(id(), 0..3),
        external_ref in prop::option::of(free_value()),
        defer_until in prop::option::of(time()),
    ) -> Ticket {
        let mut t = Ticket::new(id, title);
        t.status = status;
        t.assignee = assignee;
        t.deps = deps;
        t.priority = priority;
        t.kind = kind;
        t.tags = tags;
        t.parent = parent;
        t.description = description;
        t.notes = notes;
        [t.created, t.started, t.closed, t.lease_until] = times;
        t.lease_secs = lease_secs;
        t.links = links;
        t.external_ref = external_ref;
        t.defer_until = defer_until;
        t
    }
}

/// `base` with the fields picked by `mask` taken from `other`, and `extra` notes appended.
fn edit(base: &Ticket, other: &Ticket, mask: u32, extra: Vec<Note>) -> Ticket {
    let mut t = base.clone();
    let pick = |bit: u32| mask & (1 << bit) != 0;
    if pick(0) {
        t.title = other.title.clone();
    }
    if pick(1) {
        t.status = other.status.clone();
    }
    if pick(2) {
        t.assignee = other.assignee.clone();
    }
    if pick(3) {
        t.deps = other.deps.clone();
    }
    if pick(4) {
        t.priority = other.priority;
    }
    if pick(5) {
        t.kind = other.kind.clone();
    }
    if pick(6) {
        t.tags = other.tags.clone();
    }
    if pick(7) {
        t.parent = other.parent.clone();
    }
    if pick(8) {
        t.description = other.description.clone();
    }
    if pick(9) {
        t.notes = other.notes.clone();
    }
    if pick(10) {
        t.created = other.created;
        t.started = other.started;
    }
    if pick(11) {
        t.closed = other.closed;
        t.lease_until = other.lease_until;
        t.lease_secs = other.lease_secs;
        t.defer_until = other.defer_until;
    }
    if pick(12) {
        t.links = other.links.clone();
        t.external_ref = other.external_ref.clone();
    }
    t.notes.extend(extra);
    t
}

/// A render, or `None` when it is refused because the description leaves a code block open
/// before notes (the one ticket a file cannot hold that the generators make on purpose).
fn rendered(t: &Ticket, previous: Option<&str>) -> Option<String> {
    match render(t, previous) {
        Ok(text) => Some(text),
        Err(e) if e.code() == "INVALID" && e.to_string().contains("code block") => None,
        Err(e) => panic!("{e:?}"),
    }
}

fn path_of(t: &Ticket) -> PathBuf {
    PathBuf::from(format!("{}.md", t.id))
}

fn read_back(text: &str, t: &Ticket) -> Ticket {
    match parse(text.as_bytes(), &path_of(t)) {
        Ok(p) => p.ticket,
        Err(e) => panic!("{e}\n--- file:\n{text}"),
    }
}

fn fixtures() -> Vec<(String, Ticket)> {
    let mut out = Vec::new();
    for dir in [TK, AYO, CORPUS] {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let ticket = parse(text.as_bytes(), &path).unwrap().ticket;
            out.push((text, ticket));
        }
    }
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn new_files_round_trip(t in ticket()) {
        let Some(text) = rendered(&t, None) else { return Ok(()) };
        prop_assert!(text.ends_with('\n') && text.starts_with("---\n"));
        let p = parse(text.as_bytes(), &path_of(&t)).unwrap();
        prop_assert_eq!(&p.ticket, &t, "file:\n{}", text);
        prop_assert_eq!(p.frontmatter_id.as_deref(), Some(t.id.as_str()));
        // Unchanged: the same bytes back.
        prop_assert_eq!(render(&p.ticket, Some(&text)).unwrap(), text);
    }

    #[test]
    fn patches_round_trip(
        t1 in ticket(),
        other in ticket(),
        mask in any::<u32>(),
        extra in prop::collection::vec(note(), 0..3),
    ) {
        let Some(old) = rendered(&t1, None) else { return Ok(()) };
        let t2 = edit(&t1, &other, mask, extra);
        let Some(new) = rendered(&t2, Some(&old)) else { return Ok(()) };
        prop_assert_eq!(&read_back(&new, &t2), &t2, "old:\n{}\nnew:\n{}", old, new);
        prop_assert_eq!(render(&t2, Some(&new)).unwrap(), new.clone());
        // Appending notes only adds bytes (plus possibly a separator line).
        if mask & (1 << 9) == 0 && t2.notes.len() > t1.notes.len() {
            let tmp = Ticket { notes: t1.notes.clone(), ..t2.clone() };
            let front = render(&tmp, Some(&old)).unwrap();
            prop_assert!(new.starts_with(&front), "front:\n{}\nnew:\n{}", front, new);
        }
        // And back again.
        let back = render(&t1, Some(&new)).unwrap();
        prop_assert_eq!(&read_back(&back, &t1), &t1);
    }

    #[test]
    fn random_pairs_patch(t1 in ticket(), t2 in ticket()) {
        let Some(old) = rendered(&t1, None) else { return Ok(()) };
        let t2 = Ticket { id: t1.id.clone(), ..t2 };
        let Some(new) = rendered(&t2, Some(&old)) else { return Ok(()) };
        prop_assert_eq!(&read_back(&new, &t2), &t2, "old:\n{}\nnew:\n{}", old, new);
    }

    #[test]
    fn fixtures_patch(
        which in any::<prop::sample::Index>(),
        crlf in any::<bool>(),
        other in ticket(),
        mask in any::<u32>(),
        extra in prop::collection::vec(note(), 0..3),
    ) {
        let mut all = fixtures();
        let (mut text, mut base) = all.swap_remove(which.index(all.len()));
        if crlf && !text.contains('\r') {
            text = text.replace('\n', "\r\n");
            base = parse(text.as_bytes(), &path_of(&base)).unwrap().ticket;
        }
        let t2 = edit(&base, &other, mask, extra);
        let Some(new) = rendered(&t2, Some(&text)) else { return Ok(()) };
        prop_assert_eq!(&read_back(&new, &t2), &t2, "new:\n{}", new);
        if mask & 0x1fff == 0 && t2.notes.len() == base.notes.len() {
            prop_assert_eq!(new, text);
        }
    }

    #[test]
    fn windows_line_endings_read_as_unix_ones_and_are_kept(
        t1 in ticket(),
        other in ticket(),
        mask in any::<u32>(),
        extra in prop::collection::vec(note(), 0..3),
    ) {
        let Some(lf) = rendered(&t1, None) else { return Ok(()) };
        let crlf = lf.replace('\n', "\r\n");
        let read = parse(crlf.as_bytes(), &path_of(&t1)).unwrap().ticket;
        prop_assert_eq!(&read, &t1, "file:\n{:?}", crlf);
        let t2 = edit(&t1, &other, mask, extra);
        let Some(patched) = rendered(&t2, Some(&crlf)) else { return Ok(()) };
        let patched_lf = render(&t2, Some(&lf)).unwrap();
        prop_assert_eq!(&patched, &patched_lf.replace('\n', "\r\n"));
        prop_assert_eq!(&read_back(&patched, &t2), &t2);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        match parse(&bytes, Path::new("x.md")) {
            Ok(_) | Err(Error::Parse { .. }) => {}
            Err(e) => prop_assert!(false, "unexpected error {e:?}"),
        }
        let mut framed = b"---\n".to_vec();
        framed.extend_from_slice(&bytes);
        framed.extend_from_slice(b"\n---\n# T\n");
        match parse(&framed, Path::new("x.md")) {
            Ok(_) | Err(Error::Parse { .. }) => {}
            Err(e) => prop_assert!(false, "unexpected error {e:?}"),
        }
    }

    #[test]
    fn mutated_files_never_panic(
        t in ticket(),
        which in 0usize..6,
        edits in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>(), junk()), 1..5),
        change in ticket(),
        mask in any::<u32>(),
    ) {
        let text = match fixtures().into_iter().nth(which) {
            Some((text, _)) => text,
            None => match rendered(&t, None) {
                Some(text) => text,
                None => return Ok(()),
            },
        };
        let mut bytes = text.as_bytes().to_vec();
        mutate(&mut bytes, &edits);
        let parsed = match parse(&bytes, Path::new("m.md")) {
            Ok(p) => p,
            Err(Error::Parse { .. }) => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(format!("unexpected error {e:?}"))),
        };
        let text = String::from_utf8(bytes).unwrap();
        // What parses is rewritten unchanged.
        prop_assert_eq!(&render(&parsed.ticket, Some(&text)).unwrap(), &text);
        // An edit either reads back exactly or is refused; never a silent loss.
        let edited = edit(&parsed.ticket, &change, mask, Vec::new());
        match render(&edited, Some(&text)) {
            Ok(new) => {
                let back = parse(new.as_bytes(), Path::new("m.md")).unwrap().ticket;
                prop_assert_eq!(back, edited);
            }
            Err(e) => prop_assert!(matches!(e.code(), "INVALID" | "PARSE"), "{e:?}"),
        }
    }
}
