//! What commands print: ids, rows, trees, notes from stdin, JSON shapes, colour, help with
//! examples on every command, and shell completions.

use crate::common;

use common::{Ayo, ids_of};
use serde_json::json;

#[test]
fn create_prints_the_id_alone_and_json_prints_the_ticket() {
    let ayo = Ayo::new();
    let r = ayo.run(&[
        "ticket",
        "create",
        "Process Q1 expense reports",
        "-a",
        "finance",
    ]);
    assert_eq!(r.code, 0);
    let id = r.stdout.strip_suffix('\n').unwrap();
    assert_eq!(id.len(), 6, "{r:?}");
    assert!(id.chars().next().unwrap().is_ascii_lowercase());
    assert!(
        id.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    );
    let t = ayo.json(&[
        "ticket",
        "create",
        "Review",
        "-a",
        "@reviewer",
        "-p",
        "1",
        "-t",
        "bug",
        "--tags",
        "a,b",
        "--tags",
        "c",
        "-d",
        "Some *markdown*.",
        "--parent",
        id,
        "--id",
        "rev-1",
    ]);
    assert_eq!(t["id"], "rev-1");
    assert_eq!(t["assignee"], "@reviewer");
    assert_eq!(t["priority"], 1);
    assert_eq!(t["type"], "bug");
    assert_eq!(t["tags"], json!(["a", "b", "c"]));
    assert_eq!(t["description"], "Some *markdown*.");
    assert_eq!(t["parent"], id);
    assert_eq!(t["ready"], true);
    assert_eq!(ayo.json(&["ticket", "show", id])["assignee"], "@finance");
}

#[test]
fn notes_and_descriptions_read_stdin_with_a_dash() {
    let ayo = Ayo::new();
    let id = ayo.create(&["Noted"]);
    let r = ayo.run_stdin(
        &["ticket", "note", &id, "-"],
        "Processed 47 reports,\n3 flagged for review\n",
    );
    assert_eq!(r.code, 0, "{r:?}");
    let r = ayo.run_stdin(
        &["--json", "ticket", "edit", &id, "-d", "-"],
        "From stdin.\n",
    );
    assert_eq!(r.code, 0, "{r:?}");
    let t = ayo.json(&["ticket", "show", &id]);
    assert_eq!(
        t["notes"][0]["text"],
        "Processed 47 reports,\n3 flagged for review"
    );
    assert_eq!(t["description"], "From stdin.");
    let shown = ayo.ok(&["ticket", "show", &id]);
    assert!(
        shown.contains("    Processed 47 reports,\n    3 flagged for review"),
        "{shown}"
    );
    assert!(shown.contains("From stdin."), "{shown}");
}

#[test]
fn dep_tree_is_drawn_with_box_lines() {
    let ayo = Ayo::new();
    ayo.create(&["Base", "--id", "base"]);
    ayo.create(&["Left", "--id", "left", "--deps", "base"]);
    ayo.create(&["Right", "--id", "right", "--deps", "base"]);
    ayo.create(&["Top", "--id", "top", "--deps", "left,right"]);
    ayo.ok(&["ticket", "close", "base"]);
    let tree = ayo.ok(&["ticket", "dep", "tree", "top"]);
    assert_eq!(
        tree.lines().collect::<Vec<_>>(),
        [
            "top  open  Top",
            "├── left  open  Left",
            "│   └── base  closed  Base",
            "└── right  open  Right",
            "    └── base  closed  Base  (see above)",
        ]
    );
    let t = ayo.json(&["ticket", "dep", "tree", "top"]);
    assert_eq!(t["id"], "top");
    assert_eq!(t["deps"][1]["deps"][0]["repeated"], true);
    // Removing a dep changes the tree.
    ayo.ok(&["ticket", "dep", "remove", "top", "right"]);
    assert_eq!(ayo.ok(&["ticket", "dep", "tree", "top"]).lines().count(), 3);
}

#[test]
fn claim_heartbeat_release_edit_assign_delete_log_and_graph() {
    let ayo = Ayo::new();
    let a = ayo.create(&["First", "--id", "first"]);
    let b = ayo.create(&["Second", "--id", "second", "--deps", &a, "-a", "@w"]);
    assert_eq!(ayo.ok(&["ticket", "claim", "-a", "@w", "--lease", "60"]), a);
    let t = ayo.json(&["ticket", "show", &a]);
    assert!(t["lease_until"].as_str().unwrap().ends_with('Z'));
    let hb = ayo.ok(&["ticket", "heartbeat", &a, "-a", "w", "--lease", "120"]);
    assert!(hb.starts_with("first  lease until "), "{hb}");
    let released = ayo.json(&["ticket", "release", &a]);
    assert_eq!(
        (released["status"].clone(), released["assignee"].clone()),
        (json!("open"), json!("@w"))
    );
    let row = ayo.ok(&["ticket", "start", &a]);
    assert_eq!(row, "first  in_progress  @w  First");
    let edited = ayo.json(&[
        "ticket",
        "edit",
        &b,
        "--title",
        "Second, renamed",
        "-p",
        "0",
        "--tags",
        "x,y",
    ]);
    assert_eq!(
        (edited["title"].clone(), edited["priority"].clone()),
        (json!("Second, renamed"), json!(0))
    );
    assert_eq!(
        ayo.json(&["ticket", "edit", &b, "--tags", ""])["tags"],
        json!([])
    );
    assert_eq!(
        ayo.json(&["ticket", "assign", &b, "reviewer"])["assignee"],
        "@reviewer"
    );
    assert_eq!(
        ayo.json(&["ticket", "assign", &b, "--clear"])["assignee"],
        json!(null)
    );
    assert!(ayo.ok(&["ticket", "graph"]).starts_with("graph TD"));
    let dot = ayo.json(&["ticket", "graph", "--format", "dot", &b]);
    assert!(
        dot.as_str().unwrap().contains("\"second\" -> \"first\""),
        "{dot}"
    );
    assert_eq!(
        ayo.ok(&["ticket", "delete", &b]),
        "deleted second  Second, renamed"
    );
    let log = ayo.json(&["ticket", "log", &b]);
    let actions: Vec<_> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.first(), Some(&"create"));
    assert_eq!(actions.last(), Some(&"delete"));
    let human = ayo.ok(&["ticket", "log"]);
    assert!(
        human
            .lines()
            .any(|l| l.contains("first") && l.contains("claim")),
        "{human}"
    );
    assert_eq!(ids_of(&ayo.json(&["ticket", "list"])), [a]);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal_and_never_with_no_color() {
    let ayo = Ayo::new();
    let a = ayo.create(&["A"]);
    ayo.create(&["B", "--deps", &a]);
    let plain = ayo.ok(&["ticket", "list"]);
    assert!(!plain.contains('\x1b'));
    let coloured = ayo.ok(&["--color", "always", "ticket", "list"]);
    assert!(coloured.contains("\x1b["), "{coloured:?}");
    // Colour does not change the alignment: strip it and compare.
    let stripped = strip_ansi(&coloured);
    assert_eq!(stripped, plain);
    let r = ayo.run_with(&["--color", "always", "ticket", "list"], |c| {
        c.env("NO_COLOR", "1");
    });
    assert_eq!(r.stdout.trim_end(), plain);
    // Errors are coloured the same way, on stderr.
    let r = ayo.run(&["--color", "always", "ticket", "show", "nope"]);
    assert!(r.stderr.starts_with("\x1b["), "{r:?}");
}

#[test]
fn mermaid_gives_look_alike_ids_their_own_nodes() {
    let ayo = Ayo::new();
    let ids = ["a-b", "a__b", "a.b", "a_o_b"];
    for id in ids {
        ayo.create(&["x", "--id", id]);
    }
    ayo.ok(&["ticket", "dep", "add", "a-b", "a.b"]);
    let mm = ayo.ok(&["ticket", "graph"]);
    let lines: Vec<&str> = mm.lines().collect();
    assert_eq!(lines[0], "graph TD", "{mm}");
    let nodes: Vec<&str> = lines[1..=ids.len()]
        .iter()
        .map(|l| l.trim().split('[').next().unwrap())
        .collect();
    let distinct: std::collections::HashSet<&str> = nodes.iter().copied().collect();
    assert_eq!(distinct.len(), ids.len(), "one node per ticket: {mm}");
    for id in ids {
        assert!(
            mm.contains(&format!("[\"{id}: x (open)\"]")),
            "{id} in {mm}"
        );
    }
    // The edge joins the nodes of a-b and a.b, and no other.
    let node = |id: &str| {
        let label = format!("[\"{id}: x (open)\"]");
        let line = lines.iter().find(|l| l.contains(&label)).unwrap();
        line.trim().split('[').next().unwrap().to_string()
    };
    assert_eq!(
        lines[ids.len() + 1..],
        [format!("  {} --> {}", node("a-b"), node("a.b"))],
        "{mm}"
    );
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The subcommands a `--help` lists (without `help`).
fn subcommands(help: &str) -> Vec<String> {
    help.split_once("Commands:\n")
        .map(|(_, rest)| rest)
        .unwrap_or_default()
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_command_has_help_with_an_example() {
    let ayo = Ayo::new();
    // Walk the command tree from the top, so that every command is covered.
    let mut todo: Vec<Vec<String>> = vec![Vec::new()];
    let mut seen = Vec::new();
    while let Some(path) = todo.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = ayo.ok(&args);
        assert!(help.contains("Usage: ayo"), "{path:?}: {help}");
        let examples = help
            .split_once("Examples:\n")
            .map(|(_, e)| e)
            .unwrap_or_default();
        assert!(examples.contains("ayo "), "{path:?} has no example: {help}");
        for sub in subcommands(&help) {
            let mut next = path.clone();
            next.push(sub);
            todo.push(next);
        }
        seen.push(path.join(" "));
    }
    for c in [
        "ticket",
        "ticket create",
        "ticket show",
        "ticket list",
        "ticket ready",
        "ticket blocked",
        "ticket edit",
        "ticket start",
        "ticket claim",
        "ticket heartbeat",
        "ticket release",
        "ticket close",
        "ticket reopen",
        "ticket note",
        "ticket assign",
        "ticket dep add",
        "ticket dep remove",
        "ticket dep tree",
        "ticket delete",
        "ticket log",
        "ticket graph",
        "ticket check",
        "completions",
    ] {
        assert!(seen.iter().any(|s| s == c), "{c} not reached: {seen:?}");
    }
    let ticket_help = ayo.ok(&["ticket", "--help"]);
    for word in [
        "--session",
        "--global",
        "--dir",
        "--json",
        "Exit codes",
        "ready",
    ] {
        assert!(ticket_help.contains(word), "{word}");
    }
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    let ayo = Ayo::new();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef ayo"),
        ("fish", "complete -c ayo"),
    ] {
        let script = ayo.ok(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: {script}");
        for word in ["ticket", "claim", "heartbeat", "session"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
}

#[test]
fn dep_tree_of_a_5_000_long_chain_stops_50_levels_down() {
    // Before the cap, this chain drew 5 000 lines of up to 20 000 characters (quadratic); the
    // core's deep_chains test walks 100 000 in memory, where reading files costs nothing.
    let ayo = Ayo::new();
    let dir = ayo.home().join("chain");
    std::fs::create_dir_all(&dir).unwrap();
    const LEN: usize = 5_000;
    for i in 0..LEN {
        let deps = match i + 1 < LEN {
            true => format!("[c{:06}]", i + 1),
            false => "[]".to_string(),
        };
        let text = format!("---\nid: c{i:06}\nstatus: open\ndeps: {deps}\n---\n# step {i}\n");
        std::fs::write(dir.join(format!("c{i:06}.md")), text).unwrap();
    }
    let d = dir.to_str().unwrap();
    let tree = ayo.ok(&["--dir", d, "ticket", "dep", "tree", "c000000"]);
    let lines: Vec<&str> = tree.lines().collect();
    assert_eq!(lines.len(), 51, "{tree}");
    assert_eq!(
        lines[50].trim_start_matches([' ', '└', '─']),
        "c000050  open  step 50  (deeper: ayo ticket dep tree c000050)"
    );
    // Indentation grows 4 characters a level, for 50 levels at most: linear output.
    assert!(
        lines.iter().all(|l| l.chars().count() <= 4 * 50 + 64),
        "{tree}"
    );
    let json = ayo.json(&["--dir", d, "ticket", "dep", "tree", "c000000"]);
    let mut node = &json;
    for _ in 0..50 {
        node = &node["deps"][0];
    }
    assert_eq!(node["id"], "c000050");
    assert_eq!(node["truncated"], true);
    assert_eq!(node["deps"], json!([]));
    // `check`, `ready` and the rest of the graph code on such a chain: the core's
    // deep_chains test.
}
