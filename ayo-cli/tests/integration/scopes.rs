//! Which store a command uses: the session store by default, `--session`, `--global`,
//! `--dir`, `--store`, and their variables; scopes never see each other's tickets.

use crate::common;

use common::Ayo;

fn file_in(dir: &std::path::Path, id: &str) -> bool {
    dir.join(format!("{id}.md")).is_file()
}

#[test]
fn session_and_global_are_kept_apart() {
    let ayo = Ayo::new();
    let in_default = ayo.create(&["Default session"]);
    let in_global = ayo.create(&["--global", "Shared"]);
    let in_s1 = ayo.create(&["--session", "s1", "Session one"]);

    assert!(file_in(&ayo.session_dir("default"), &in_default));
    assert!(file_in(&ayo.global_dir(), &in_global));
    assert!(file_in(&ayo.session_dir("s1"), &in_s1));

    assert_eq!(ayo.ids(&["ticket", "list"]), [in_default.as_str()]);
    assert_eq!(
        ayo.ids(&["--global", "ticket", "list"]),
        [in_global.as_str()]
    );
    assert_eq!(
        ayo.ids(&["--session", "s1", "ticket", "list"]),
        [in_s1.as_str()]
    );
    // A ticket of another scope is not found.
    ayo.json_fails(1, "NOT_FOUND", &["ticket", "show", &in_global]);
    ayo.json_fails(1, "NOT_FOUND", &["--global", "ticket", "show", &in_s1]);
    // The global flag may follow the subcommand too.
    assert_eq!(ayo.ids(&["ticket", "list", "--global"]), [in_global]);
}

#[test]
fn session_from_the_environment_and_flag_precedence() {
    let ayo = Ayo::new();
    let in_s2 = ayo.create(&["--session", "s2", "Session two"]);
    let env_s2 = |c: &mut std::process::Command| {
        c.env("AYO_SESSION_ID", "s2");
    };
    let r = ayo.run_with(&["--json", "ticket", "list"], env_s2);
    assert_eq!(
        common::ids_of(&serde_json::from_str(&r.stdout).unwrap()),
        [in_s2.as_str()]
    );
    // A flag beats the variable.
    let r = ayo.run_with(&["--json", "--session", "other", "ticket", "list"], env_s2);
    assert_eq!(r.stdout.trim(), "[]");
    let r = ayo.run_with(&["--json", "--global", "ticket", "list"], env_s2);
    assert_eq!(r.stdout.trim(), "[]");
    // A ticket created under $AYO_SESSION_ID lands in that session.
    let r = ayo.run_with(&["ticket", "create", "Also two"], env_s2);
    assert!(file_in(&ayo.session_dir("s2"), r.stdout.trim()), "{r:?}");
}

#[test]
fn any_directory_by_flag_or_variable() {
    let ayo = Ayo::new();
    let project = ayo.home().join("project").join(".tickets");
    let p = project.to_str().unwrap();
    let by_flag = ayo.create(&["--dir", p, "Project work"]);
    assert!(file_in(&project, &by_flag));
    assert!(
        ayo.ids(&["ticket", "list"]).is_empty(),
        "not in the session store"
    );

    let env_dir = |c: &mut std::process::Command| {
        c.env("AYO_TICKETS_DIR", &project);
    };
    let r = ayo.run_with(&["--json", "ticket", "list"], env_dir);
    assert_eq!(
        common::ids_of(&serde_json::from_str(&r.stdout).unwrap()),
        [by_flag.as_str()]
    );
    let r = ayo.run_with(&["ticket", "create", "Via the variable"], env_dir);
    assert!(file_in(&project, r.stdout.trim()), "{r:?}");
    // --session beats $AYO_TICKETS_DIR.
    let r = ayo.run_with(
        &["--json", "--session", "default", "ticket", "list"],
        env_dir,
    );
    assert_eq!(r.stdout.trim(), "[]");
    // --store with a path, and $AYO_STORE, name a directory too.
    assert_eq!(ayo.ids(&["--store", p, "ticket", "list"]).len(), 2);
    let r = ayo.run_with(&["--json", "ticket", "list"], |c| {
        c.env("AYO_STORE", &project);
    });
    assert_eq!(
        common::ids_of(&serde_json::from_str(&r.stdout).unwrap()).len(),
        2
    );
}

#[test]
fn the_actor_comes_from_the_flag_or_ayo_agent() {
    let ayo = Ayo::new();
    let id = ayo.create(&["Noted"]);
    ayo.ok(&["--actor", "processor", "ticket", "note", &id, "by flag"]);
    let r = ayo.run_with(&["ticket", "note", &id, "by variable"], |c| {
        c.env("AYO_AGENT", "@agent7");
    });
    assert_eq!(r.code, 0, "{r:?}");
    ayo.ok(&["ticket", "note", &id, "by nobody"]);
    let t = ayo.json(&["ticket", "show", &id]);
    let authors: Vec<_> = t["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["author"].clone())
        .collect();
    assert_eq!(
        authors,
        [
            serde_json::json!("@processor"),
            serde_json::json!("@agent7"),
            serde_json::Value::Null
        ]
    );
    let log = ayo.json(&["ticket", "log", &id]);
    assert_eq!(log[1]["actor"], "@processor");
    assert_eq!(log[1]["action"], "note");
}
