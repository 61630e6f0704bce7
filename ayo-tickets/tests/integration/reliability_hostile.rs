//! Hostile input: ids, session names and agent handles with `/`, `..`, NUL, control
//! characters, 10 000 characters and odd unicode get a clear Invalid error, and nothing is
//! written outside the store (the tree around it is compared byte for byte before and after).
//! Titles, descriptions, notes and tags with odd unicode are accepted and round-trip exactly,
//! through every store and through the index.

use crate::support;

#[cfg(feature = "postgres")]
use ayo_test_support as postgres_support;

use std::time::{Duration, Instant};

use ayo_tickets::{
    ClaimOptions, Error, Filter, GraphFormat, NewTicket, StoreChoice, StoreFlags, Ticket, Tickets,
    Update, normalize_agent, validate_session,
};

/// Strings no id or session name may be, even trimmed.
fn bad_ids() -> Vec<String> {
    let mut v: Vec<String> = [
        "/",
        "a/b",
        "../x",
        "..",
        ".",
        ".hidden",
        "a..b",
        "x/../../etc/passwd",
        "/etc/passwd",
        "a\\b",
        "C:\\x",
        "~/x",
        "$HOME",
        "a b",
        "a\0b",
        "\0",
        "a\nb",
        "a\rb",
        "a\tb",
        "\u{1b}[31mred",
        "a\u{7f}",
        "-rf",
        "_x",
        "\u{202e}cba",
        "ab\u{200f}c",
        "e\u{301}",
        "\u{301}a",
        "🎉",
        "a🎉",
        "a\u{200b}b",
        "\u{feff}a",
        "ＡＢＣ",
        "İ",
        "straße",
        "a%2fb",
        "a:b",
        "a*",
        "a?",
        "a|b",
        "<a>",
        "'a'",
        "\"a\"",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("x".repeat(65));
    v.push("x".repeat(10_000));
    v.push(format!("a{}", "/..".repeat(3000)));
    v.push("\u{202e}".repeat(10_000));
    v
}

/// Agent handles that must be refused: control and invisible characters, too long, empty.
fn bad_agents() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        "@",
        "@@x",
        "a b",
        "a\0b",
        "a\nb",
        "a\tb",
        "\u{1b}[2J",
        "a\u{7f}",
        "ad\u{200b}min",
        "\u{202e}nimda",
        "a\u{200f}",
        "\u{feff}a",
        "a\u{2066}b",
        "a\u{2028}b",
        "a\u{a0}b",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("x".repeat(201));
    v.push("x".repeat(10_000));
    v
}

/// Text a person may well write: every kind of odd unicode, and lines that look like structure.
fn odd_texts() -> Vec<String> {
    vec![
        "RTL: \u{202e}txet desrever\u{202c} and \u{200f}mark\u{200e}".into(),
        "Combining: e\u{301} a\u{308} Z\u{335}\u{321}\u{34c}a\u{337}l\u{338}g\u{334}o".into(),
        "Emoji: 👩‍👩‍👧‍👦 🏳️‍🌈 🇩🇪 🧑🏽‍💻 1️⃣".into(),
        "Zero-width: a\u{200b}b\u{200c}c\u{200d}d\u{2060}e\u{feff}f".into(),
        "Scripts: 日本語 עברית العربية ελληνικά हिन्दी ქართული".into(),
        "Odd spaces:\u{a0}\u{2003}\u{3000}| a line\u{2028}separator\u{2029}paragraph".into(),
        "Surrogate-free astral: 𝕏 𝔸 𐍈 \u{10ffff}".into(),
        "Long: ".to_string() + &"ü🎉".repeat(5000),
    ]
}

fn odd_multiline() -> Vec<String> {
    let mut v = odd_texts();
    v.push(
        "---\n# Not a title\n## Notes\n### 2026-01-01T00:00:00Z @x\n**2026-01-01T00:00:00Z**\n\\## Notes\n"
            .into(),
    );
    v.push("crlf\r\nlines\r\n\r\nand a trailing CR\r".into());
    v.push("tabs\tand\u{1b}[31m escapes\u{1b}[0m and \u{7f}".into());
    v.push(odd_texts().join("\n\n"));
    v
}

/// At most 80 characters of a label, for messages.
fn short(s: &str) -> String {
    s.chars().take(80).collect()
}

fn is_invalid<T: std::fmt::Debug>(r: ayo_tickets::Result<T>, what: &str) {
    let what = short(what);
    match r {
        Err(Error::Invalid { message }) => {
            // Clear: short, and the input shown escaped, not raw.
            assert!(!message.is_empty(), "{what}");
            assert!(message.len() < 1000, "{what}: a long message: {message}");
            assert!(!message.contains('\0'), "{what}: {message:?}");
            assert!(!message.contains('\u{1b}'), "{what}: {message:?}");
            assert!(!message.contains('\u{202e}'), "{what}: {message:?}");
        }
        other => {
            let other: String = format!("{other:?}").chars().take(300).collect();
            panic!("{what}: expected Invalid, got {other}")
        }
    }
}

/// Every operation that takes an id, given `id` (or `id` as the second id).
fn every_id_operation(t: &Tickets, good: &str, id: &str) {
    let what = |op: &str| format!("{op}({id:?})");
    is_invalid(t.get(id), &what("get"));
    is_invalid(t.start(id, None, false), &what("start"));
    is_invalid(t.close(id, None), &what("close"));
    is_invalid(t.reopen(id), &what("reopen"));
    is_invalid(t.note(id, "x"), &what("note"));
    is_invalid(t.assign(id, Some("@a")), &what("assign"));
    is_invalid(t.release(id, None), &what("release"));
    is_invalid(t.heartbeat(id, "@a", Some(5)), &what("heartbeat"));
    is_invalid(t.update(id, Update::default()), &what("update"));
    is_invalid(t.delete(id, true), &what("delete"));
    is_invalid(t.add_dep(id, good), &what("add_dep from"));
    is_invalid(t.add_dep(good, id), &what("add_dep to"));
    is_invalid(t.remove_dep(id, good), &what("remove_dep from"));
    is_invalid(t.dep_tree(id), &what("dep_tree"));
    is_invalid(t.graph(GraphFormat::Mermaid, Some(id)), &what("graph"));
    is_invalid(t.history(Some(id)), &what("history"));
    is_invalid(t.create(NewTicket::new("x").id(id)), &what("create id"));
    is_invalid(t.create(NewTicket::new("x").dep(id)), &what("create dep"));
    is_invalid(
        t.create(NewTicket::new("x").parent(id)),
        &what("create parent"),
    );
    let parent = Update {
        parent: Some(Some(id.to_string())),
        ..Update::default()
    };
    is_invalid(t.update(good, parent), &what("update parent"));
}

#[test]
fn hostile_ids_sessions_and_agents_are_invalid_and_write_nothing_outside() {
    let root = tempfile::tempdir().unwrap();
    let store = root.path().join("project").join(".tickets");
    let outside = root.path().join("outside");
    std::fs::create_dir_all(outside.join("etc")).unwrap();
    std::fs::write(outside.join("etc").join("passwd"), "root:x:0:0\n").unwrap();
    let victim = "---\nid: victim\nstatus: open\npriority: 4\n---\n# A ticket outside the store\n";
    std::fs::write(outside.join("victim.md"), victim).unwrap();
    let t = Tickets::open(&store).unwrap();
    let good = t.create(NewTicket::new("good")).unwrap();
    let other = t.create(NewTicket::new("other")).unwrap();
    t.add_dep(&other.id, &good.id).unwrap();
    // A link inside the store to a ticket file outside it: writes replace the link, never the
    // file it points to.
    std::os::unix::fs::symlink(outside.join("victim.md"), store.join("link.md")).unwrap();
    let before = support::snapshot(root.path(), &[&store]);

    let mut tried = 0;
    for id in bad_ids() {
        assert!(
            ayo_tickets::validate_id(id.trim()).is_err(),
            "{id:?} is no hostile id"
        );
        every_id_operation(&t, &good.id, &id);
        is_invalid(validate_session(&id), "validate_session");
        is_invalid(Tickets::open_session(Some(&id)), "open_session");
        let flags = StoreFlags {
            session: Some(id.clone()),
            ..StoreFlags::default()
        };
        is_invalid(StoreChoice::resolve(&flags), "--session");
        tried += 25;
    }
    for agent in bad_agents() {
        let what = format!("agent {agent:?}");
        is_invalid(normalize_agent(&agent), &what);
        is_invalid(t.claim(&agent, ClaimOptions::default()), &what);
        is_invalid(t.start(&good.id, Some(&agent), false), &what);
        is_invalid(t.assign(&good.id, Some(&agent)), &what);
        is_invalid(t.release(&good.id, Some(&agent)), &what);
        is_invalid(t.heartbeat(&good.id, &agent, Some(5)), &what);
        is_invalid(t.create(NewTicket::new("x").assignee(agent.clone())), &what);
        is_invalid(
            Tickets::open(&store).unwrap().with_actor(Some(&agent)),
            &what,
        );
        tried += 8;
    }
    // Bad values of other arguments.
    for (r, what) in [
        (t.create(NewTicket::new("a\0b")).map(|_| ()), "NUL title"),
        (
            t.create(NewTicket::new("a\nb")).map(|_| ()),
            "two-line title",
        ),
        (
            t.create(NewTicket::new("\u{1b}[2J")).map(|_| ()),
            "escape title",
        ),
        (t.create(NewTicket::new(" \t ")).map(|_| ()), "blank title"),
        (
            t.create(NewTicket::new("x").kind("../bug")).map(|_| ()),
            "type",
        ),
        (
            t.create(NewTicket::new("x").priority(99)).map(|_| ()),
            "priority",
        ),
        (
            t.create(NewTicket::new("x").priority(i64::MIN)).map(|_| ()),
            "priority",
        ),
        (
            t.create(NewTicket::new("x").tags(["a,b"])).map(|_| ()),
            "tag comma",
        ),
        (
            t.create(NewTicket::new("x").tags(["a\nb"])).map(|_| ()),
            "tag newline",
        ),
        (
            t.create(NewTicket::new("x").tags(["x".repeat(10_000)]))
                .map(|_| ()),
            "long tag",
        ),
        (
            t.create(NewTicket::new("x").description("a\0b"))
                .map(|_| ()),
            "NUL description",
        ),
        (t.note(&good.id, "a\0b").map(|_| ()), "NUL note"),
        (t.close(&good.id, Some("a\0b")).map(|_| ()), "NUL reason"),
        (
            t.claim(
                "@w",
                ClaimOptions {
                    lease: Some(u64::MAX),
                    ..Default::default()
                },
            )
            .map(|_| ()),
            "endless lease",
        ),
        (
            t.claim(
                "@w",
                ClaimOptions {
                    lease: Some(0),
                    ..Default::default()
                },
            )
            .map(|_| ()),
            "zero lease",
        ),
    ] {
        is_invalid(r, what);
        tried += 1;
    }
    // A wait with a timeout too long to count is a wait without one, not a panic.
    let start = Instant::now();
    let ready = t.wait_ready(None, Some(Duration::MAX)).unwrap();
    assert_eq!(ready.unwrap().id, good.id);
    assert!(start.elapsed() < Duration::from_secs(5));
    let claimed = t
        .claim(
            "@w",
            ClaimOptions {
                wait: true,
                timeout: Some(Duration::MAX),
                lease: None,
            },
        )
        .unwrap();
    assert_eq!(claimed.unwrap().id, good.id);
    tried += 2;

    // Writes through the link replace the link; the file outside stays as it was.
    t.note("link", "written in the store").unwrap();
    assert!(
        !std::fs::symlink_metadata(store.join("link.md"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(outside.join("victim.md")).unwrap(),
        victim
    );

    // Nothing outside the store changed; inside it, only ticket files and `.ayo/`.
    let after = support::snapshot(root.path(), &[&store]);
    assert_eq!(before, after, "something was written outside the store");
    for name in support::names(&store) {
        let ok = name == ".ayo"
            || name
                .strip_suffix(".md")
                .is_some_and(|id| ayo_tickets::validate_id(id).is_ok());
        assert!(ok, "a stray entry in the store: {name:?}");
    }
    let ids: Vec<String> = t
        .list(&Filter::default())
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(ids.len(), 3, "no hostile call created a ticket: {ids:?}");
    println!(
        "hostile: {tried} hostile calls, every one Invalid; nothing written outside the store"
    );
}

/// Tickets of odd text, with the notes each was given.
type Made = Vec<(Ticket, Vec<String>)>;

/// Creates tickets of odd text, notes and edits them, and checks what the writes returned.
fn write_odd(t: &Tickets, label: &str) -> Made {
    let texts = odd_multiline();
    let mut made: Made = Vec::new();
    for (i, title) in odd_texts().into_iter().enumerate() {
        let description = texts[i % texts.len()].clone();
        let head: String = title.chars().take(3).collect();
        let tags = vec![format!("tag-{head}"), "🎉".into(), "ü\u{301}".into()];
        let c = t
            .create(
                NewTicket::new(title.clone())
                    .description(description.clone())
                    .tags(tags.clone())
                    .assignee("@team/bé-🤖"),
            )
            .unwrap_or_else(|e| panic!("{label}: create {title:?}: {e}"));
        assert_eq!(
            (&c.title, &c.description, &c.tags),
            (&title, &description, &tags)
        );
        let mut notes = Vec::new();
        for n in texts.iter().skip(i % 3).take(4) {
            let noted = t.note(&c.id, n).unwrap();
            assert_eq!(&noted.notes.last().unwrap().text, n, "{label}: note");
            notes.push(n.clone());
        }
        made.push((c, notes));
    }
    let edited = "Edited: \u{202e}ti desrever\u{202c} 👩‍💻 e\u{301}".to_string();
    let description = texts.last().unwrap().clone();
    let update = Update {
        title: Some(edited.clone()),
        description: Some(description.clone()),
        ..Update::default()
    };
    t.update(&made[0].0.id, update).unwrap();
    made[0].0.title = edited;
    made[0].0.description = description;
    made
}

/// Reads every ticket of `made` back through `reader`: exactly what was written.
fn read_odd(reader: &Tickets, made: &Made, label: &str) -> usize {
    let listed = reader.list(&Filter::default()).unwrap();
    for (c, notes) in made {
        let got = reader.get(&c.id).unwrap();
        assert_eq!(got.title, c.title, "{label}: title");
        assert_eq!(got.description, c.description, "{label}: description");
        assert_eq!(got.tags, c.tags, "{label}: tags");
        assert_eq!(got.assignee.as_deref(), Some("@team/bé-🤖"), "{label}");
        let texts: Vec<&String> = got.notes.iter().map(|n| &n.text).collect();
        assert_eq!(texts, notes.iter().collect::<Vec<_>>(), "{label}: notes");
        let l = listed.iter().find(|x| x.id == c.id).unwrap();
        assert_eq!(
            (&l.title, &l.description, &l.notes),
            (&got.title, &got.description, &got.notes),
            "{label}: list"
        );
    }
    made.len()
}

#[test]
fn odd_unicode_in_text_is_accepted_and_round_trips() {
    let mem = Tickets::in_memory();
    let made = write_odd(&mem, "memory");
    let mut checked = read_odd(&mem, &made, "memory");

    let dir = tempfile::tempdir().unwrap();
    let store = dir.path();
    let t = Tickets::open(store).unwrap();
    let made = write_odd(&t, "markdown");
    checked += read_odd(&t, &made, "markdown, the writing handle");
    checked += read_odd(
        &Tickets::open(store).unwrap(),
        &made,
        "markdown, through the index",
    );
    std::fs::remove_file(store.join(".ayo").join("index.bin")).unwrap();
    checked += read_odd(&Tickets::open(store).unwrap(), &made, "markdown, no index");
    // Every file renders unchanged when nothing changed.
    for e in std::fs::read_dir(store).unwrap().flatten() {
        let path = e.path();
        if path.extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(&path).unwrap();
            let parsed = ayo_tickets::format::parse(text.as_bytes(), &path).unwrap();
            assert_eq!(
                ayo_tickets::format::render(&parsed.ticket, Some(&text)).unwrap(),
                text
            );
        }
    }
    checked += postgres_round_trip();
    println!("unicode: {checked} tickets of odd text read back exactly");
}

#[cfg(feature = "postgres")]
fn postgres_round_trip() -> usize {
    if !postgres_support::available() {
        return 0;
    }
    let schema = postgres_support::Schema::new("unicode");
    let t = Tickets::connect(&schema.url).unwrap();
    let made = write_odd(&t, "postgres");
    read_odd(&t, &made, "postgres")
        + read_odd(
            &Tickets::connect(&schema.url).unwrap(),
            &made,
            "postgres, again",
        )
}

#[cfg(not(feature = "postgres"))]
fn postgres_round_trip() -> usize {
    eprintln!(
        "NOTICE: built without the `postgres` feature; the PostgreSQL round trip did not run"
    );
    0
}

#[test]
fn a_deeply_nested_frontmatter_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let n = 400_000;
    let text = format!(
        "---\nid: deep\ndeps: {}{}\n---\n# Deep\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    std::fs::write(dir.path().join("deep.md"), text).unwrap();
    let start = Instant::now();
    let t = Tickets::open(dir.path())
        .unwrap()
        .with_warning_handler(std::sync::Arc::new(|_| {}));
    assert!(t.list(&Filter::default()).unwrap().is_empty());
    match t.get("deep") {
        Err(Error::Parse { path, line, .. }) => {
            assert!(path.ends_with("deep.md"));
            assert_eq!(line, Some(3));
        }
        other => panic!("{other:?}"),
    }
    let took = start.elapsed();
    assert!(
        took < Duration::from_secs(10),
        "{took:?}: YAML's quadratic nesting reached"
    );
}
