//! The project scope through the real binary: `--project` and `$AYO_PROJECT` find the nearest
//! `.tickets/` upward; agents in two linked git worktrees share the main worktree's store and
//! its claims; the one-line note on stderr when a project store exists and none was named.

use crate::common;

use std::path::{Path, PathBuf};

use ayo_test_support::git::git;

use common::{Ayo, Run};

/// Runs `ayo` in `cwd` with these extra variables.
fn run_in(ayo: &Ayo, cwd: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    ayo.run_with(args, |c| {
        c.current_dir(cwd);
        for (k, v) in env {
            c.env(k, v);
        }
    })
}

/// Arguments and extra variables of one run.
type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);

fn canon(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap()
}

/// A repository at `<home>/repo` with a committed `.tickets/` holding one open ticket, and two
/// linked worktrees `<home>/wt1` and `<home>/wt2`. Returns (main, wt1, wt2, ticket id).
fn repo_with_two_worktrees(ayo: &Ayo) -> (PathBuf, PathBuf, PathBuf, String) {
    let main = ayo.home().join("repo");
    std::fs::create_dir_all(main.join("src")).unwrap();
    let main = canon(&main);
    git(&main, &["init", "-q"]);
    let store = main.join(".tickets");
    let id = ayo.create(&["--dir", store.to_str().unwrap(), "Port the parser"]);
    std::fs::write(main.join("src/lib.txt"), "code").unwrap();
    git(&main, &["add", "-A"]);
    git(&main, &["commit", "-q", "-m", "tickets"]);
    git(&main, &["worktree", "add", "-q", "../wt1", "-b", "wt1"]);
    git(&main, &["worktree", "add", "-q", "../wt2", "-b", "wt2"]);
    let (wt1, wt2) = (
        canon(&ayo.home().join("wt1")),
        canon(&ayo.home().join("wt2")),
    );
    assert!(wt1.join(".tickets").join(format!("{id}.md")).is_file());
    (main, wt1, wt2, id)
}

#[test]
fn two_worktrees_share_the_main_worktrees_claims() {
    let ayo = Ayo::new();
    let (main, wt1, wt2, id) = repo_with_two_worktrees(&ayo);
    let copy_in_wt2 = std::fs::read(wt2.join(".tickets").join(format!("{id}.md"))).unwrap();

    // Two agents claim at once, one in each worktree (one by flag, one by variable).
    let spawn = |cwd: &Path, agent: &str, env: Option<(&str, &str)>, flag: bool| {
        let mut args = vec![];
        if flag {
            args.push("--project");
        }
        args.extend(["ticket", "claim", "-a", agent]);
        let mut c = ayo.command(&args);
        c.current_dir(cwd)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        if let Some((k, v)) = env {
            c.env(k, v);
        }
        c.spawn().expect("ayo runs")
    };
    let a = spawn(&wt1.join("src"), "agent1", None, true);
    let b = spawn(&wt2, "agent2", Some(("AYO_PROJECT", "1")), false);
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let mut codes = [a.status.code().unwrap(), b.status.code().unwrap()];
    codes.sort();
    assert_eq!(codes, [0, 3], "exactly one claim wins: {a:?} {b:?}");
    let (winner, agent) = if a.status.success() {
        (&a, "@agent1")
    } else {
        (&b, "@agent2")
    };
    assert_eq!(String::from_utf8_lossy(&winner.stdout).trim(), id);

    // Both worktrees, and the main one, see the claim; the other agent gets nothing.
    for cwd in [&wt1, &wt2, &main] {
        let r = run_in(
            &ayo,
            cwd,
            &[],
            &["--json", "--project", "ticket", "show", &id],
        );
        assert_eq!(r.code, 0, "{r:?}");
        let t: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(t["status"], "in_progress", "{cwd:?}");
        assert_eq!(t["assignee"], agent, "{cwd:?}");
    }
    let other = if agent == "@agent1" { &wt2 } else { &wt1 };
    let r = run_in(
        &ayo,
        other,
        &[],
        &["--project", "ticket", "claim", "-a", "late"],
    );
    assert_eq!(r.code, 3, "{r:?}");
    // The main worktree's file was written; wt2's checked-out copy is untouched (stale).
    let main_file = std::fs::read_to_string(main.join(".tickets").join(format!("{id}.md")));
    assert!(main_file.unwrap().contains("in_progress"));
    assert_eq!(
        std::fs::read(wt2.join(".tickets").join(format!("{id}.md"))).unwrap(),
        copy_in_wt2
    );
    // --dir still reaches a worktree's own copy, where the ticket is still open.
    let own = wt2.join(".tickets");
    let r = run_in(
        &ayo,
        &wt2,
        &[],
        &[
            "--json",
            "--dir",
            own.to_str().unwrap(),
            "ticket",
            "show",
            &id,
        ],
    );
    let t: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(t["status"], "open");
}

#[test]
fn a_note_on_stderr_when_a_project_store_is_upward_and_none_is_named() {
    let ayo = Ayo::new();
    let project = ayo.home().join("proj");
    let store = project.join(".tickets");
    let deep = project.join("a/b");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::create_dir_all(&store).unwrap();
    let store = canon(&store);
    let in_project = ayo.create(&["--dir", store.to_str().unwrap(), "Project work"]);
    let in_session = ayo.create(&["Session work"]);

    let r = run_in(&ayo, &deep, &[], &["ticket", "list"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains(&in_session) && !r.stdout.contains(&in_project));
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {r:?}");
    let note = lines[0];
    assert!(
        note.starts_with("note: using the session store 'default' ("),
        "{note}"
    );
    assert!(
        note.contains(&ayo.session_dir("default").display().to_string()),
        "{note}"
    );
    assert!(
        note.contains(&format!("a project store exists at {}", store.display())),
        "{note}"
    );
    assert!(note.contains("--project"), "{note}");
    // $AYO_SESSION_ID names only which session: the note stays, naming it.
    let r = run_in(
        &ayo,
        &deep,
        &[("AYO_SESSION_ID", "s7")],
        &["ticket", "list"],
    );
    assert!(
        r.stderr.starts_with("note: using the session store 's7'"),
        "{r:?}"
    );

    // No note with --json (stdout and stderr stay clean for scripts), nor when a store is named.
    let quiet: [Case<'_>; 8] = [
        (&["--json", "ticket", "list"], &[]),
        (&["--session", "default", "ticket", "list"], &[]),
        (&["--global", "ticket", "list"], &[]),
        (&["--dir", "elsewhere", "ticket", "list"], &[]),
        (&["--project", "ticket", "list"], &[]),
        (&["ticket", "list"], &[("AYO_PROJECT", "0")]),
        (&["ticket", "list"], &[("AYO_PROJECT", "1")]),
        (&["ticket", "list"], &[("AYO_TICKETS_DIR", "elsewhere")]),
    ];
    for (args, env) in quiet {
        let r = run_in(&ayo, &deep, env, args);
        assert_eq!(r.code, 0, "{args:?} {env:?}: {r:?}");
        assert_eq!(r.stderr, "", "{args:?} {env:?}");
    }
    // The project store by flag and by variable: its ticket.
    let r = run_in(&ayo, &deep, &[], &["--project", "ticket", "list"]);
    assert!(
        r.stdout.contains(&in_project) && !r.stdout.contains(&in_session),
        "{r:?}"
    );
    let r = run_in(&ayo, &deep, &[("AYO_PROJECT", "yes")], &["ticket", "list"]);
    assert!(r.stdout.contains(&in_project), "{r:?}");
    // Outside the project: no note.
    let r = run_in(&ayo, ayo.home(), &[], &["ticket", "list"]);
    assert_eq!(r.stderr, "", "{r:?}");
}

#[test]
fn project_errors_are_usage_errors() {
    let ayo = Ayo::new();
    let nowhere = canon(ayo.home());
    let tickets_above = nowhere.ancestors().any(|d| d.join(".tickets").is_dir());
    if !tickets_above {
        let r = run_in(
            &ayo,
            &nowhere,
            &[],
            &["--json", "--project", "ticket", "list"],
        );
        assert_eq!(r.code, 2, "{r:?}");
        assert_eq!(r.stdout, "");
        let e = r.json_error();
        assert_eq!(e["code"], "INVALID");
        let want = format!("no .tickets/ found from {} upward", nowhere.display());
        assert!(e["message"].as_str().unwrap().starts_with(&want), "{e}");
    } else {
        eprintln!("not run: a .tickets/ exists above {}", nowhere.display());
    }
    let r = run_in(
        &ayo,
        &nowhere,
        &[],
        &["--project", "--global", "ticket", "list"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--project"), "{r:?}");
    let r = run_in(
        &ayo,
        &nowhere,
        &[("AYO_PROJECT", "maybe")],
        &["ticket", "list"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("AYO_PROJECT"), "{r:?}");
}
