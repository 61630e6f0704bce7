//! `ayo ticket check` and reads on a directory of broken ticket files mixed into good ones (the
//! CLI side of the core's `reliability_corpus` test): every problem is listed, reads name each
//! unreadable file on stderr and serve the rest, a write that needs a bad file fails with a
//! PARSE error naming it, and no bad file is modified.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use common::Ayo;

fn ticket(id: &str, extra: &str) -> String {
    format!("---\nid: {id}\nstatus: open\n{extra}---\n# Ticket {id}\n\nBody.\n")
}

/// A bad file: its name, its bytes, and the problem `check` must list (kind and ticket), if any.
type Bad = (&'static str, Vec<u8>, Option<(&'static str, &'static str)>);

fn corpus() -> Vec<Bad> {
    let mut huge = ticket("huge", "").into_bytes();
    huge.extend(std::iter::repeat_n(b'x', 17 * 1024 * 1024));
    let junk: Vec<u8> = (0..2048u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    vec![
        (
            "bad-yaml.md",
            ticket("bad-yaml", "deps: [open\n").into(),
            Some(("unreadable", "bad-yaml")),
        ),
        (
            "no-front.md",
            b"# Just a title\n".to_vec(),
            Some(("unreadable", "no-front")),
        ),
        ("binary.md", junk, Some(("unreadable", "binary"))),
        ("huge.md", huge, Some(("unreadable", "huge"))),
        (
            "wrong-type.md",
            ticket("wrong-type", "priority: urgent\n").into(),
            Some(("unreadable", "wrong-type")),
        ),
        (
            "latin1.md",
            b"---\nid: latin1\n---\n# caf\xe9\n".to_vec(),
            Some(("unreadable", "latin1")),
        ),
        (
            "deep.md",
            format!(
                "---\nid: deep\ndeps: {}{}\n---\n# D\n",
                "[".repeat(100_000),
                "]".repeat(100_000)
            )
            .into(),
            Some(("unreadable", "deep")),
        ),
        (
            "dup-a.md",
            ticket("dup-b", "").into(),
            Some(("id_mismatch", "dup-a")),
        ),
        ("dup-b.md", ticket("dup-b", "").into(), None),
        (
            "orphan.md",
            ticket("orphan", "deps: [missing-1]\n").into(),
            Some(("missing_dep", "orphan")),
        ),
        (
            "cyc-a.md",
            ticket("cyc-a", "deps: [cyc-b]\n").into(),
            Some(("cycle", "cyc")),
        ),
        ("cyc-b.md", ticket("cyc-b", "deps: [cyc-a]\n").into(), None),
    ]
}

fn bytes_of(dir: &Path, names: &[&str]) -> Vec<Vec<u8>> {
    names
        .iter()
        .map(|n| std::fs::read(dir.join(n)).unwrap())
        .collect()
}

#[test]
fn check_lists_every_problem_and_reads_serve_the_rest() {
    let ayo = Ayo::new();
    let dir = ayo.home().join("proj").join(".tickets");
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.to_str().unwrap();
    for i in 0..300 {
        std::fs::write(
            dir.join(format!("g{i:03}.md")),
            ticket(&format!("g{i:03}"), ""),
        )
        .unwrap();
    }
    let corpus = corpus();
    for (name, bytes, _) in &corpus {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    std::fs::create_dir(dir.join("folder.md")).unwrap();
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("dangling.md")).unwrap();
    let names: Vec<&str> = corpus.iter().map(|c| c.0).collect();
    let before = bytes_of(&dir, &names);

    // check: exit 1, every problem once, in JSON and in words.
    let r = ayo.fails(1, &["--dir", d, "--json", "ticket", "check"]);
    let problems: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let got: BTreeSet<(String, String)> = problems
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let id = p["ticket"].as_str().unwrap_or_default();
            let id = if id.starts_with("cyc-") { "cyc" } else { id };
            (p["kind"].as_str().unwrap().to_string(), id.to_string())
        })
        .collect();
    let mut want: BTreeSet<(String, String)> = corpus
        .iter()
        .filter_map(|c| c.2)
        .map(|(k, id)| (k.to_string(), id.to_string()))
        .collect();
    want.insert(("unreadable".into(), "folder".into()));
    want.insert(("unreadable".into(), "dangling".into()));
    assert_eq!(got, want, "{}", r.stdout);
    assert_eq!(problems.as_array().unwrap().len(), want.len());
    let human = ayo.fails(1, &["--dir", d, "ticket", "check"]);
    assert_eq!(human.stdout.lines().count(), want.len(), "{}", human.stdout);
    for (name, _, problem) in &corpus {
        if problem.is_some_and(|p| p.0 == "unreadable") {
            assert!(
                human.stdout.contains(name),
                "check names {name}: {}",
                human.stdout
            );
        }
    }

    // Reads serve the good tickets and name each unreadable file on stderr.
    let r = ayo.run(&["--dir", d, "--json", "ticket", "list"]);
    assert_eq!(r.code, 0, "{r:?}");
    let listed = common::ids_of(&serde_json::from_str(&r.stdout).unwrap());
    assert_eq!(listed.iter().filter(|id| id.starts_with('g')).count(), 300);
    for (name, _, problem) in &corpus {
        if problem.is_some_and(|p| p.0 == "unreadable") {
            assert!(r.stderr.contains(name), "a read names {name}: {}", r.stderr);
            assert!(!listed.contains(&name.trim_end_matches(".md").to_string()));
        }
    }

    // A write that needs a bad file fails with PARSE, naming it; others go on.
    let e = ayo.json_fails(
        1,
        "PARSE",
        &["--dir", d, "ticket", "note", "bad-yaml", "hi"],
    );
    assert!(
        e["message"].as_str().unwrap().contains("bad-yaml.md"),
        "{e}"
    );
    let e = ayo.json_fails(
        1,
        "PARSE",
        &["--dir", d, "ticket", "dep", "add", "g001", "binary"],
    );
    assert!(e["message"].as_str().unwrap().contains("binary.md"), "{e}");
    let e = ayo.json_fails(
        1,
        "PARSE",
        &["--dir", d, "ticket", "create", "x", "--deps", "deep"],
    );
    assert!(e["message"].as_str().unwrap().contains("deep.md"), "{e}");
    ayo.ok(&["--dir", d, "ticket", "note", "g002", "fine"]);
    ayo.ok(&["--dir", d, "ticket", "close", "g003"]);

    assert_eq!(bytes_of(&dir, &names), before, "a bad file was modified");
}
