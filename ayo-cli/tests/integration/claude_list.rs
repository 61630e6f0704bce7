//! A Claude Code task list as the store of the real binary: `--store claude:LIST` (under
//! `$CLAUDE_CONFIG_DIR/tasks/`) and `$AYO_STORE=claude:/path`, through the seed workflow; every
//! file parses as Claude Code's schema after each command; export and import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::common;

use common::Ayo;

/// Claude Code's schema holds for every task file of `dir`: `id` the file name as a string,
/// `activeForm` present, a known status, and `blocks` the exact reverse of `blockedBy`.
fn assert_claude_schema(dir: &Path) {
    let mut tasks = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(id) = name.strip_suffix(".json") {
            let v: Value = serde_json::from_slice(&std::fs::read(dir.join(&name)).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            tasks.insert(id.to_string(), v);
        }
    }
    let list = |v: &Value| -> BTreeSet<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    };
    let mut reverse: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (id, t) in &tasks {
        assert_eq!(t["id"], id.as_str());
        assert!(
            t["activeForm"].is_string() && t["subject"].is_string(),
            "{t}"
        );
        assert!(
            ["pending", "in_progress", "completed", "deleted"]
                .contains(&t["status"].as_str().unwrap())
        );
        for d in list(&t["blockedBy"]) {
            reverse.entry(d).or_default().insert(id.clone());
        }
    }
    for (id, t) in &tasks {
        assert_eq!(
            list(&t["blocks"]),
            reverse.remove(id).unwrap_or_default(),
            "{id}"
        );
    }
}

#[test]
fn the_seed_workflow_on_a_claude_code_list() {
    let ayo = Ayo::new();
    let config = ayo.home().join("claude-config");
    let ayo = ayo.with_env("CLAUDE_CONFIG_DIR", &config);
    let list = config.join("tasks").join("team");
    let on = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--store", "claude:team"];
        all.extend_from_slice(args);
        all.iter().map(|s| s.to_string()).collect()
    };
    let run = |args: &[&str]| {
        let all = on(args);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = ayo.json(&all);
        assert_claude_schema(&list);
        out
    };
    let extract = run(&["ticket", "create", "Extract data", "-a", "@extractor"]);
    assert_eq!(extract["id"], "1", "Claude Code numbers tasks");
    let validate = run(&["ticket", "create", "Validate data", "--deps", "1"]);
    let import = run(&["ticket", "create", "Import data", "--deps", "2"]);
    assert_eq!(
        (validate["id"].as_str(), import["id"].as_str()),
        (Some("2"), Some("3"))
    );
    assert!(list.join("1.json").is_file());

    let claimed = run(&["ticket", "claim", "-a", "@extractor"]);
    assert_eq!(claimed["id"], "1");
    run(&["ticket", "note", "1", "Half of the invoices read"]);
    let closed = run(&["ticket", "close", "1"]);
    assert_eq!(closed["unblocked"][0]["id"], "2");
    let task: Value = serde_json::from_slice(&std::fs::read(list.join("1.json")).unwrap()).unwrap();
    assert_eq!(task["status"], "completed");
    assert_eq!(task["owner"], "@extractor");
    assert_eq!(
        task["metadata"]["ayo"]["notes"][0]["text"],
        "Half of the invoices read"
    );
    assert_eq!(task["blocks"], serde_json::json!(["2"]));

    // $AYO_STORE with a path reaches the same list.
    let store = format!("claude:{}", list.display());
    let by_path = |args: &[&str]| -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let r = ayo.run_with(&all, |c| {
            c.env("AYO_STORE", &store);
        });
        assert_eq!(r.code, 0, "{r:?}");
        assert_claude_schema(&list);
        serde_json::from_str(&r.stdout).unwrap()
    };
    assert_eq!(common::ids_of(&by_path(&["ticket", "ready"])), ["2"]);
    by_path(&["ticket", "claim", "-a", "@validator"]);
    let closed = by_path(&["ticket", "close", "2"]);
    assert_eq!(closed["unblocked"][0]["id"], "3");
    let log = by_path(&["ticket", "log"]);
    assert!(log.as_array().unwrap().len() >= 8, "{log}");

    // Export to a markdown directory and back into a new list.
    let md = ayo.home().join("md");
    by_path(&["ticket", "export", "--to", md.to_str().unwrap()]);
    let back = ayo.home().join("back");
    ayo.json(&[
        "--store",
        &format!("claude:{}", back.display()),
        "ticket",
        "import",
        "--from",
        md.to_str().unwrap(),
    ]);
    assert_claude_schema(&back);
    let listed = |store: String| {
        let all = ayo.json(&["--store", &store, "ticket", "list"]);
        all.as_array()
            .unwrap()
            .iter()
            .map(|t| (t["id"].clone(), t["status"].clone(), t["title"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        listed(format!("claude:{}", back.display())),
        listed(format!("claude:{}", list.display()))
    );
    // A list that is not there is not an empty store to copy from.
    let e = ayo.json_fails(
        1,
        "STORAGE",
        &["ticket", "import", "--from", "claude:/nowhere/at/all"],
    );
    assert!(
        e["message"].as_str().unwrap().contains("no such task list"),
        "{e}"
    );
}
