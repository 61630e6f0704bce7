//! Unit tests of the project search: nested directories, nothing found, linked git worktrees
//! made by `git worktree add` and by hand, bare repositories, submodules, broken `.git` files.

use std::fs;
use std::path::{Path, PathBuf};

use ayo_test_support::git::git;

use super::project::{ProjectSearch, find_project};
use super::tests::env;
use super::{StoreChoice, StoreFlags};

fn canon(p: &Path) -> PathBuf {
    fs::canonicalize(p).unwrap()
}

fn mkdirs(p: &Path) -> PathBuf {
    fs::create_dir_all(p).unwrap();
    canon(p)
}

/// True when a `.tickets/` exists above the temp directory (then "nothing found" cannot be
/// tested on this machine; the tests say so instead of passing silently).
fn tickets_above(tmp: &Path) -> Option<PathBuf> {
    canon(tmp).parent().and_then(|p| {
        p.ancestors()
            .map(|d| d.join(".tickets"))
            .find(|t| t.is_dir())
    })
}

/// A new repository at `dir` with one committed file.
fn repo_with_one_commit(dir: &Path) -> PathBuf {
    let dir = mkdirs(dir);
    git(&dir, &["init", "-q"]);
    fs::write(dir.join("f"), "x").unwrap();
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "init"]);
    dir
}

#[test]
fn the_nearest_tickets_upward_wins() {
    let tmp = tempfile::tempdir().unwrap();
    let outer = mkdirs(&tmp.path().join(".tickets"));
    let pkg = mkdirs(&tmp.path().join("pkg"));
    let inner = mkdirs(&pkg.join(".tickets"));
    let deep = mkdirs(&pkg.join("src/a/b"));
    assert_eq!(find_project(&deep).unwrap(), inner);
    assert_eq!(find_project(&pkg).unwrap(), inner);
    // From inside a .tickets/ itself, that one.
    assert_eq!(find_project(&inner).unwrap(), inner);
    let other = mkdirs(&tmp.path().join("other/x"));
    assert_eq!(find_project(&other).unwrap(), outer);
    assert_eq!(find_project(tmp.path()).unwrap(), outer);
    // A file called .tickets is not a store.
    let f = mkdirs(&tmp.path().join("f"));
    fs::write(f.join(".tickets"), "not a dir").unwrap();
    assert_eq!(find_project(&f).unwrap(), outer);
}

#[test]
fn nothing_found_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let deep = mkdirs(&tmp.path().join("a/b"));
    if let Some(t) = tickets_above(tmp.path()) {
        eprintln!("not run: {} exists above the temp directory", t.display());
        return;
    }
    let s = ProjectSearch::run(&deep).unwrap();
    assert_eq!(s.found, None);
    assert_eq!(s.main_worktree, None);
    let e = find_project(&deep).unwrap_err();
    assert_eq!(e.code(), "INVALID");
    let msg = e.to_string();
    assert!(
        msg.starts_with(&format!(
            "no .tickets/ found from {} upward",
            deep.display()
        )),
        "{msg}"
    );
    // A directory that is not there.
    let e = find_project(&tmp.path().join("missing")).unwrap_err();
    assert_eq!(e.code(), "INVALID");
    assert!(e.to_string().contains("missing"), "{e}");
}

#[test]
fn a_real_linked_worktree_uses_the_main_worktrees_store() {
    let tmp = tempfile::tempdir().unwrap();
    let main = mkdirs(&tmp.path().join("repo"));
    git(&main, &["init", "-q"]);
    mkdirs(&main.join(".tickets"));
    fs::write(
        main.join(".tickets/a-0001.md"),
        "---\nid: a-0001\n---\n# A\n",
    )
    .unwrap();
    mkdirs(&main.join("pkg/.tickets"));
    fs::write(main.join("pkg/.tickets/.keep"), "").unwrap();
    mkdirs(&main.join("pkg/src"));
    fs::write(main.join("pkg/src/lib.txt"), "x").unwrap();
    git(&main, &["add", "-A"]);
    git(&main, &["commit", "-q", "-m", "init"]);
    git(&main, &["worktree", "add", "-q", "../wt1", "-b", "wt1"]);
    let wt = canon(&tmp.path().join("wt1"));
    assert!(wt.join(".git").is_file());
    assert!(
        wt.join(".tickets").is_dir(),
        "the worktree has its own copy"
    );

    // The worktree root, and a subdirectory: the main worktree's store, at the same place.
    assert_eq!(find_project(&wt).unwrap(), main.join(".tickets"));
    let s = ProjectSearch::run(&wt.join("pkg/src")).unwrap();
    assert_eq!(s.found, Some(main.join("pkg/.tickets")));
    assert_eq!(s.main_worktree, Some(main.clone()));
    // From inside the worktree's own checked-out .tickets/: still the main one.
    assert_eq!(
        find_project(&wt.join("pkg/.tickets")).unwrap(),
        main.join("pkg/.tickets")
    );
    // In the main worktree, its own.
    assert_eq!(
        find_project(&main.join("pkg/src")).unwrap(),
        main.join("pkg/.tickets")
    );

    // A worktree inside the main worktree (e.g. `.worktrees/<name>`), with its own copy.
    git(
        &main,
        &["worktree", "add", "-q", ".worktrees/nested", "-b", "nested"],
    );
    let nested = canon(&main.join(".worktrees/nested"));
    assert!(nested.join("pkg/.tickets").is_dir());
    assert_eq!(
        find_project(&nested.join("pkg/src")).unwrap(),
        main.join("pkg/.tickets")
    );
    assert_eq!(find_project(&nested).unwrap(), main.join(".tickets"));

    // A directory only the worktree has: the search goes up from the same place in main.
    mkdirs(&wt.join("new/dir"));
    assert_eq!(
        find_project(&wt.join("new/dir")).unwrap(),
        main.join(".tickets")
    );

    // When main has no store where the worktree's copy is, the error names main, and the
    // worktree's own copy is not used.
    fs::remove_dir_all(main.join(".tickets")).unwrap();
    if tickets_above(tmp.path()).is_none() {
        let e = find_project(&wt).unwrap_err().to_string();
        assert!(e.contains("linked git worktree"), "{e}");
        assert!(e.contains(&main.display().to_string()), "{e}");
    }
}

#[test]
fn a_real_worktree_of_a_bare_repository_searches_beside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let src = repo_with_one_commit(&tmp.path().join("src"));
    let project = mkdirs(&tmp.path().join("project"));
    git(
        &project,
        &["clone", "-q", "--bare", src.to_str().unwrap(), ".bare"],
    );
    fs::write(project.join(".git"), "gitdir: ./.bare\n").unwrap();
    git(
        &project,
        &["worktree", "add", "-q", "feature", "-b", "feature"],
    );
    let store = mkdirs(&project.join(".tickets"));
    let s = ProjectSearch::run(&project.join("feature")).unwrap();
    assert_eq!(s.found, Some(store));
    assert_eq!(s.main_worktree, Some(project));
}

#[test]
fn a_real_submodule_is_an_ordinary_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = repo_with_one_commit(&tmp.path().join("lib"));
    let sup = mkdirs(&tmp.path().join("super"));
    git(&sup, &["init", "-q"]);
    git(
        &sup,
        &[
            "submodule",
            "add",
            "-q",
            lib.to_str().unwrap(),
            "vendor/lib",
        ],
    );
    assert!(sup.join("vendor/lib/.git").is_file());
    let store = mkdirs(&sup.join(".tickets"));
    assert_eq!(find_project(&sup.join("vendor/lib")).unwrap(), store);
}

/// A linked worktree made by hand: `<root>/repo/.git/worktrees/w` and a `.git` file at
/// `<root>/w` whose `gitdir:` is `gitdir_text`.
fn hand_made(root: &Path, gitdir_text: &str, commondir: &str) -> (PathBuf, PathBuf) {
    let main = mkdirs(&root.join("repo"));
    let gitdir = mkdirs(&main.join(".git/worktrees/w"));
    fs::write(gitdir.join("commondir"), commondir).unwrap();
    let wt = mkdirs(&root.join("w"));
    fs::write(wt.join(".git"), gitdir_text).unwrap();
    (main, wt)
}

#[test]
fn hand_made_git_files_absolute_and_relative() {
    let tmp = tempfile::tempdir().unwrap();
    let root = canon(tmp.path());
    let abs = format!("gitdir: {}\n", root.join("repo/.git/worktrees/w").display());
    let (main, wt) = hand_made(&root, &abs, "../..\n");
    let store = mkdirs(&main.join(".tickets"));
    mkdirs(&wt.join(".tickets"));
    assert_eq!(find_project(&wt).unwrap(), store);

    // Relative gitdir (git's worktree.useRelativePaths), CRLF, and an absolute commondir.
    let common = format!("{}\r\n", main.join(".git").display());
    fs::write(main.join(".git/worktrees/w/commondir"), common).unwrap();
    fs::write(wt.join(".git"), "gitdir: ../repo/.git/worktrees/w\r\n").unwrap();
    assert_eq!(find_project(&wt).unwrap(), store);

    // core.worktree in the common config names the main worktree.
    let elsewhere = mkdirs(&root.join("elsewhere"));
    let moved = mkdirs(&elsewhere.join(".tickets"));
    fs::write(
        main.join(".git/config"),
        format!(
            "[core]\n\tbare = false\n\tworktree = {}\n",
            elsewhere.display()
        ),
    )
    .unwrap();
    assert_eq!(find_project(&wt).unwrap(), moved);
}

#[test]
fn broken_git_files_are_ordinary_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let root = canon(tmp.path());
    let store = mkdirs(&root.join(".tickets"));
    let wt = mkdirs(&root.join("w"));
    let own = mkdirs(&wt.join(".tickets"));
    for text in [
        "",
        "garbage\n",
        "gitdir:\n",
        "gitdir: /nowhere/at/all\n",
        "gitdir: ../no-such\n",
        "\u{0}\u{1}binary",
    ] {
        fs::write(wt.join(".git"), text).unwrap();
        assert_eq!(find_project(&wt).unwrap(), own, "{text:?}");
    }
    // A submodule-like gitdir (no commondir): an ordinary directory too.
    let modules = mkdirs(&root.join("super/.git/modules/w"));
    fs::write(wt.join(".git"), format!("gitdir: {}\n", modules.display())).unwrap();
    assert_eq!(find_project(&wt).unwrap(), own);
    // An empty commondir, and one naming nothing.
    fs::write(modules.join("commondir"), "\n").unwrap();
    assert_eq!(find_project(&wt).unwrap(), own);
    fs::write(modules.join("commondir"), "../../nothing-here").unwrap();
    assert_eq!(find_project(&wt).unwrap(), own);
    let _ = store;
}

#[test]
fn a_cycle_of_hand_made_worktrees_ends() {
    let tmp = tempfile::tempdir().unwrap();
    let root = canon(tmp.path());
    let abs = format!("gitdir: {}\n", root.join("repo/.git/worktrees/w").display());
    let (main, wt) = hand_made(&root, &abs, "../..");
    // core.worktree points back at the linked worktree itself.
    fs::write(
        main.join(".git/config"),
        format!("[core]\nworktree = \"{}\"\n", wt.display()),
    )
    .unwrap();
    let own = mkdirs(&wt.join(".tickets"));
    assert_eq!(find_project(&wt).unwrap(), own);
}

#[test]
fn the_project_flag_and_variable_in_the_store_choice() {
    let tmp = tempfile::tempdir().unwrap();
    let store = mkdirs(&tmp.path().join(".tickets"));
    let cwd = mkdirs(&tmp.path().join("sub"));
    let project = StoreFlags {
        project: true,
        ..StoreFlags::default()
    };
    let none = StoreFlags::default();
    let dir = StoreChoice::Dir(store.clone());
    assert_eq!(
        StoreChoice::resolve_in(&project, env(&[]), &cwd).unwrap(),
        dir
    );
    // The flag beats every variable.
    assert_eq!(
        StoreChoice::resolve_in(&project, env(&[("AYO_STORE", "/x")]), &cwd).unwrap(),
        dir
    );
    // $AYO_PROJECT ranks below $AYO_STORE and $AYO_TICKETS_DIR, above $AYO_SESSION_ID.
    for on in ["1", "true", "YES", "on"] {
        let pairs = [("AYO_PROJECT", on)];
        assert_eq!(
            StoreChoice::resolve_in(&none, env(&pairs), &cwd).unwrap(),
            dir
        );
    }
    assert_eq!(
        StoreChoice::resolve_in(
            &none,
            env(&[("AYO_PROJECT", "1"), ("AYO_SESSION_ID", "s")]),
            &cwd
        )
        .unwrap(),
        dir
    );
    assert_eq!(
        StoreChoice::resolve_in(
            &none,
            env(&[("AYO_PROJECT", "1"), ("AYO_TICKETS_DIR", "/t")]),
            &cwd
        )
        .unwrap(),
        StoreChoice::Dir("/t".into())
    );
    assert_eq!(
        StoreChoice::resolve_in(&none, env(&[("AYO_PROJECT", "0")]), &cwd).unwrap(),
        StoreChoice::Session("default".into())
    );
    let e = StoreChoice::resolve_in(&none, env(&[("AYO_PROJECT", "maybe")]), &cwd).unwrap_err();
    assert!(e.to_string().contains("AYO_PROJECT"), "{e}");
    // Two flags, --project among them.
    let two = StoreFlags {
        project: true,
        global: true,
        ..StoreFlags::default()
    };
    let e = StoreChoice::resolve_in(&two, env(&[]), &cwd).unwrap_err();
    assert!(e.to_string().contains("--project"), "{e}");
}

#[test]
fn the_hint_only_when_nothing_names_a_store() {
    let tmp = tempfile::tempdir().unwrap();
    let store = mkdirs(&tmp.path().join(".tickets"));
    let cwd = mkdirs(&tmp.path().join("sub"));
    let none = StoreFlags::default();
    let no_env = |_: &str| None;
    assert_eq!(
        StoreChoice::project_hint_in(&none, no_env, &cwd),
        Some(store.clone())
    );
    // $AYO_SESSION_ID does not silence it.
    let session = |k: &str| (k == "AYO_SESSION_ID").then(|| "s".to_string());
    assert_eq!(
        StoreChoice::project_hint_in(&none, session, &cwd),
        Some(store)
    );
    for var in ["AYO_STORE", "AYO_TICKETS_DIR", "AYO_PROJECT"] {
        let named = move |k: &str| (k == var).then(|| "0".to_string());
        assert_eq!(
            StoreChoice::project_hint_in(&none, named, &cwd),
            None,
            "{var}"
        );
    }
    let global = StoreFlags {
        global: true,
        ..StoreFlags::default()
    };
    assert_eq!(StoreChoice::project_hint_in(&global, no_env, &cwd), None);
    // Not when the session store used is the one found (a command run inside it).
    let home = tmp.path().join("home");
    let session = mkdirs(&home.join("sessions/default/.tickets"));
    let home_env = |k: &str| (k == "AYO_HOME").then(|| home.display().to_string());
    assert_eq!(
        StoreChoice::project_hint_in(&none, home_env, &session),
        None
    );
    let other_home = |k: &str| (k == "AYO_HOME").then(|| "/elsewhere".to_string());
    assert_eq!(
        StoreChoice::project_hint_in(&none, other_home, &session),
        Some(session.clone())
    );
    if tickets_above(tmp.path()).is_none() {
        let bare = mkdirs(&tmp.path().join("elsewhere"));
        fs::remove_dir_all(tmp.path().join(".tickets")).unwrap();
        assert_eq!(StoreChoice::project_hint_in(&none, no_env, &bare), None);
    }
}
