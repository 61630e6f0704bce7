//! Every error path: its exit code, its one `error:` line, and its JSON error code.

use crate::common;

use common::Ayo;
use serde_json::json;

/// Asserts a human failure: exit `code`, nothing on stdout, one stderr line starting `error:`
/// that contains each of `words`.
fn human_error(ayo: &Ayo, code: i32, args: &[&str], words: &[&str]) -> String {
    let r = ayo.fails(code, args);
    assert_eq!(r.stdout, "", "{r:?}");
    let line = r.stderr.trim_end();
    assert_eq!(line.lines().count(), 1, "one line: {r:?}");
    assert!(line.starts_with("error: "), "{r:?}");
    for w in words {
        assert!(line.contains(w), "{w:?} in {line:?}");
    }
    line.to_string()
}

#[test]
fn not_found() {
    let ayo = Ayo::new();
    ayo.create(&["Something", "--id", "abc123"]);
    let line = human_error(&ayo, 1, &["ticket", "show", "zzz"], &["zzz"]);
    // The hint names the store, since a wrong scope is the usual cause.
    assert!(
        line.contains(&ayo.session_dir("default").display().to_string()),
        "{line}"
    );
    let e = ayo.json_fails(1, "NOT_FOUND", &["ticket", "show", "zzz"]);
    assert_eq!(e["id"], "zzz");
    ayo.json_fails(1, "NOT_FOUND", &["ticket", "close", "zzz"]);
    ayo.json_fails(1, "NOT_FOUND", &["ticket", "create", "B", "--deps", "nope"]);
}

#[test]
fn removing_a_dep_that_is_not_there_names_both_tickets() {
    let ayo = Ayo::new();
    ayo.create(&["A", "--id", "a"]);
    ayo.create(&["D", "--id", "d"]);
    human_error(
        &ayo,
        1,
        &["ticket", "dep", "remove", "a", "d"],
        &["ticket 'a' does not depend on 'd'"],
    );
    let e = ayo.json_fails(1, "NOT_FOUND", &["ticket", "dep", "remove", "a", "d"]);
    assert_eq!(e["id"], "a");
    assert_eq!(e["dep"], "d");
    assert_eq!(e["message"], "ticket 'a' does not depend on 'd'");
    // A dep that names no ticket is a plain NOT_FOUND of that name.
    let e = ayo.json_fails(1, "NOT_FOUND", &["ticket", "dep", "remove", "a", "zzz"]);
    assert_eq!(e["id"], "zzz");
    assert_eq!(e.get("dep"), None);
}

#[test]
fn ambiguous_prefix_lists_its_candidates() {
    let ayo = Ayo::new();
    ayo.create(&["One", "--id", "ab1"]);
    ayo.create(&["Two", "--id", "ab2"]);
    human_error(&ayo, 1, &["ticket", "show", "ab"], &["ab1", "ab2"]);
    let e = ayo.json_fails(1, "AMBIGUOUS", &["ticket", "start", "ab"]);
    // The core's error object, as Python's exception and Node's error give it for the same
    // call (ayo-py tests/test_errors.py, ayo-node tests/errors.test.mjs).
    assert_eq!(
        e,
        json!({"code": "AMBIGUOUS", "message": "'ab' matches several tickets: ab1, ab2",
               "prefix": "ab", "candidates": ["ab1", "ab2"]})
    );
    // A unique prefix works.
    assert!(ayo.ok(&["ticket", "show", "ab1"]).contains("One"));
}

#[test]
fn exists() {
    let ayo = Ayo::new();
    ayo.create(&["One", "--id", "mine"]);
    human_error(
        &ayo,
        1,
        &["ticket", "create", "Two", "--id", "mine"],
        &["mine"],
    );
    ayo.json_fails(1, "EXISTS", &["ticket", "create", "Two", "--id", "mine"]);
}

#[test]
fn cycle_prints_its_path() {
    let ayo = Ayo::new();
    ayo.create(&["B", "--id", "b"]);
    ayo.create(&["C", "--id", "c", "--deps", "b"]);
    ayo.create(&["A", "--id", "a", "--deps", "c"]);
    // b -> a closes the cycle b -> a -> c -> b.
    human_error(
        &ayo,
        1,
        &["ticket", "dep", "add", "b", "a"],
        &["b -> a -> c -> b"],
    );
    let e = ayo.json_fails(1, "CYCLE", &["ticket", "dep", "add", "b", "a"]);
    assert_eq!(e["cycle"], json!(["b", "a", "c", "b"]));
    let e = ayo.json_fails(1, "CYCLE", &["ticket", "dep", "add", "a", "a"]);
    assert_eq!(e["cycle"], json!(["a", "a"]));
}

#[test]
fn invalid_transition() {
    let ayo = Ayo::new();
    let id = ayo.create(&["Done soon"]);
    ayo.ok(&["ticket", "close", &id]);
    let line = human_error(&ayo, 1, &["ticket", "close", &id], &[&id, "closed"]);
    assert!(line.contains("reopen"), "hint: {line}");
    let e = ayo.json_fails(1, "INVALID_TRANSITION", &["ticket", "close", &id]);
    assert_eq!(e["status"], "closed");
    ayo.json_fails(1, "INVALID_TRANSITION", &["ticket", "start", &id]);
    ayo.ok(&["ticket", "reopen", &id]);
    ayo.json_fails(1, "INVALID_TRANSITION", &["ticket", "reopen", &id]);
    ayo.json_fails(1, "INVALID_TRANSITION", &["ticket", "release", &id]);
}

#[test]
fn blocked_start_and_force() {
    let ayo = Ayo::new();
    let a = ayo.create(&["First"]);
    let b = ayo.create(&["Second", "--deps", &a]);
    human_error(&ayo, 1, &["ticket", "start", &b], &[&b, &a, "--force"]);
    let e = ayo.json_fails(1, "BLOCKED", &["ticket", "start", &b]);
    assert_eq!(e["blocked_by"], json!([a]));
    let started = ayo.json(&["ticket", "start", &b, "--force"]);
    assert_eq!(started["status"], "in_progress");
}

#[test]
fn conflicts() {
    let ayo = Ayo::new();
    let a = ayo.create(&["Held"]);
    let b = ayo.create(&["Waits", "--deps", &a]);
    ayo.ok(&["ticket", "start", &a, "-a", "@one"]);
    ayo.json_fails(1, "CONFLICT", &["ticket", "start", &a, "-a", "@two"]);
    ayo.json_fails(1, "CONFLICT", &["ticket", "release", &a, "-a", "@two"]);
    ayo.json_fails(
        1,
        "CONFLICT",
        &["ticket", "heartbeat", &a, "-a", "@two", "--lease", "5"],
    );
    // Deleting a ticket others wait for: one depends on it, two depend on it.
    human_error(
        &ayo,
        1,
        &["ticket", "delete", &a],
        &[&format!("{b} depends on it")],
    );
    let c = ayo.create(&["Waits too", "--deps", &a]);
    let two = human_error(
        &ayo,
        1,
        &["ticket", "delete", &a],
        &[&b, &c, " depend on it"],
    );
    assert!(!two.contains("depends"), "{two}");
    ayo.ok(&["ticket", "delete", &c, "--force"]);
    ayo.json_fails(1, "CONFLICT", &["ticket", "delete", &a]);
    ayo.ok(&["ticket", "delete", &a, "--force"]);
    assert_eq!(ayo.json(&["ticket", "show", &b])["deps"], json!([]));
}

#[test]
fn invalid_input() {
    let ayo = Ayo::new();
    for args in [
        &["ticket", "create", " "][..],
        &["ticket", "create", "T", "-p", "9"],
        &["ticket", "create", "T", "-p", "-1"],
        &["ticket", "create", "T", "-t", "story"],
        &["ticket", "create", "T", "--id", "a/b"],
        &["ticket", "create", "T", "-a", "two words"],
        &["ticket", "show", "../x"],
        &["--actor", "@", "ticket", "list"],
    ] {
        let r = ayo.fails(1, args);
        assert!(r.stderr.starts_with("error: "), "{args:?}: {r:?}");
        ayo.json_fails(1, "INVALID", args);
    }
    let r = ayo.run_with(&["ticket", "list"], |c| {
        c.env("AYO_AGENT", "two words");
    });
    assert_eq!(r.code, 1, "{r:?}");
}

#[test]
fn unreadable_files_are_named_skipped_and_reported() {
    let ayo = Ayo::new();
    let dir = ayo.home().join("project").join(".tickets");
    let d = dir.to_str().unwrap();
    let good = ayo.create(&["--dir", d, "Fine"]);
    std::fs::write(dir.join("broken.md"), "not a ticket at all\n").unwrap();
    // Reads go on without it and name it on stderr.
    let r = ayo.run(&["--dir", d, "ticket", "list"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains(&good), "{r:?}");
    assert!(!r.stdout.contains("broken"), "{r:?}");
    assert!(r.stderr.starts_with("warning: "), "{r:?}");
    assert!(r.stderr.contains("broken.md"), "{r:?}");
    // Asking for it is a PARSE error; check lists it and exits 1.
    let e = ayo.json_fails(1, "PARSE", &["--dir", d, "ticket", "show", "broken"]);
    assert!(e["path"].as_str().unwrap().ends_with("broken.md"), "{e}");
    let r = ayo.fails(1, &["--dir", d, "ticket", "check"]);
    assert!(r.stdout.contains("broken"), "{r:?}");
    assert!(
        r.stderr.starts_with("error: check found 1 problem"),
        "{r:?}"
    );
    // With --json the list on stdout is the answer, and exit 1 says it is not empty: no JSON
    // error follows it (the contract's codes have none for "check found problems").
    let r = ayo.fails(1, &["--json", "--dir", d, "ticket", "check"]);
    let problems: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(problems[0]["kind"], "unreadable");
    assert_eq!(r.stderr, "", "{r:?}");
    std::fs::remove_file(dir.join("broken.md")).unwrap();
    assert_eq!(ayo.json(&["--dir", d, "ticket", "check"]), json!([]));
}

#[test]
fn check_finds_missing_deps_and_exits_1() {
    let ayo = Ayo::new();
    let a = ayo.create(&["A"]);
    let b = ayo.create(&["B", "--deps", &a]);
    ayo.ok(&["ticket", "check"]);
    // Remove A's file by hand: B now depends on a missing ticket.
    std::fs::remove_file(ayo.session_dir("default").join(format!("{a}.md"))).unwrap();
    let r = ayo.fails(1, &["ticket", "check"]);
    assert!(
        r.stdout.contains("missing_dep") && r.stdout.contains(&b),
        "{r:?}"
    );
}

#[test]
fn parent_ids_are_checked_and_resolved() {
    let ayo = Ayo::new();
    ayo.create(&["Epic", "--id", "epic1"]);
    ayo.create(&["Child", "--id", "child1", "--parent", "epi"]);
    let e = ayo.json_fails(
        1,
        "INVALID",
        &["ticket", "edit", "epic1", "--parent", "epic1"],
    );
    assert_eq!(e["message"], "ticket 'epic1' cannot be its own parent");
    human_error(
        &ayo,
        1,
        &["ticket", "edit", "epic1", "--parent", "chi"],
        &["parent cycle: epic1 -> child1 -> epic1"],
    );
    assert_eq!(
        ayo.json(&["ticket", "show", "epic1"])["parent"],
        json!(null)
    );
    // `list --parent` takes a unique prefix, as `create` and `edit` do.
    assert_eq!(ayo.ids(&["ticket", "list", "--parent", "epi"]), ["child1"]);
    ayo.json_fails(1, "NOT_FOUND", &["ticket", "list", "--parent", "zzz"]);
    ayo.create(&["Other", "--id", "epic2"]);
    let e = ayo.json_fails(1, "AMBIGUOUS", &["ticket", "list", "--parent", "epic"]);
    assert_eq!(e["candidates"], json!(["epic1", "epic2"]));
    // A loop made by hand is what check reports.
    let file = ayo.session_dir("default").join("child1.md");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("parent: epic1\n"), "{text}");
    std::fs::write(&file, text.replace("parent: epic1\n", "parent: child1\n")).unwrap();
    let r = ayo.fails(1, &["ticket", "check"]);
    assert!(
        r.stdout.contains("parent_cycle") && r.stdout.contains("ticket 'child1' is its own parent"),
        "{r:?}"
    );
}

#[test]
fn empty_agent_filters_are_invalid() {
    let ayo = Ayo::new();
    ayo.create(&["Mine", "-a", "@me"]);
    for args in [
        &["ticket", "list", "-a", ""][..],
        &["ticket", "list", "--assignee", "@"],
        &["ticket", "ready", "-a", ""],
        &["ticket", "ready", "-a", " ", "--wait", "--timeout", "0"],
        &["ticket", "blocked", "-a", ""],
    ] {
        ayo.json_fails(1, "INVALID", args);
        human_error(&ayo, 1, args, &["agent filter"]);
    }
    assert_eq!(
        ayo.json(&["ticket", "ready", "-a", "me"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn storage_failure() {
    let ayo = Ayo::new();
    let file = ayo.home().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let d = file.to_str().unwrap();
    let r = ayo.fails(1, &["--dir", d, "ticket", "create", "T"]);
    assert!(r.stderr.starts_with("error: "), "{r:?}");
    ayo.json_fails(1, "STORAGE", &["--dir", d, "ticket", "create", "T"]);
}

#[test]
fn bad_usage_exits_2() {
    let ayo = Ayo::new();
    for args in [
        &["ticket", "frobnicate"][..],
        &["ticket", "create"],
        &["ticket", "list", "--status", "blocked"],
        &["ticket", "list", "--bogus"],
        &["ticket", "ready", "--timeout", "1"],
        &["ticket", "edit", "abc"],
        &["ticket", "claim"],
        &["ticket", "graph", "--format", "svg"],
        &["completions", "tcsh"],
    ] {
        let r = ayo.fails(2, args);
        assert!(r.stderr.starts_with("error:"), "{args:?}: {r:?}");
        let e = ayo.json_fails(2, "INVALID", args);
        let message = e["message"].as_str().unwrap();
        assert!(!message.ends_with(':'), "{args:?}: a whole message: {e}");
    }
    // The JSON message names what is missing or wrong, as the text does.
    for (args, words) in [
        (&["ticket", "create"][..], &["not provided: <TITLE>"][..]),
        (&["ticket", "claim"], &["not provided: --assignee <AGENT>"]),
        (&["ticket", "note"], &["not provided: <ID>, <TEXT>"]),
        (
            &["completions", "tcsh"],
            &[
                "'tcsh'",
                "[possible values: bash,",
                "tip: a similar value exists: 'zsh'",
            ],
        ),
    ] {
        let e = ayo.json_fails(2, "INVALID", args);
        let message = e["message"].as_str().unwrap();
        for w in words {
            assert!(message.contains(w), "{w:?} in {message:?}");
        }
        assert!(
            !message.contains("Usage:") && !message.contains("--help"),
            "{message:?}"
        );
    }
    // The core refuses two store flags, or a bad session name: also bad usage.
    let two = ["--global", "--session", "s1", "ticket", "list"];
    human_error(&ayo, 2, &two, &["--global", "--session"]);
    ayo.json_fails(2, "INVALID", &two);
    ayo.json_fails(2, "INVALID", &["--session", "../up", "ticket", "list"]);
    let r = ayo.run_with(&["ticket", "list"], |c| {
        c.env("AYO_SESSION_ID", "no/slashes");
    });
    assert_eq!(r.code, 2, "{r:?}");
    // Bare `ayo` shows the help and is a usage error too; help itself is not.
    assert_eq!(ayo.run(&[]).code, 2);
    assert_eq!(ayo.run(&["--help"]).code, 0);
}

#[test]
fn nothing_to_do_exits_3() {
    let ayo = Ayo::new();
    let r = ayo.fails(3, &["ticket", "claim", "-a", "@idle"]);
    assert_eq!(r.stdout, "");
    assert!(!r.stderr.starts_with("error"), "not an error: {r:?}");
    let r = ayo.fails(3, &["--json", "ticket", "claim", "-a", "@idle"]);
    assert_eq!(r.stdout.trim(), "null");
    assert_eq!(r.stderr, "");
    // Someone else's ticket is not claimable either.
    ayo.create(&["Theirs", "-a", "@busy"]);
    ayo.fails(3, &["ticket", "claim", "-a", "@idle"]);
}
