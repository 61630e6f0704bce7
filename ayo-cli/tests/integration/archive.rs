//! `archive`, `unarchive` and `list --archived` through the real binary, in a directory store
//! and (with the `postgres` feature and a server) in PostgreSQL.

use crate::common::{Ayo, ids_of};

/// The scenario of the README's Archive section, in one store (`store`: the global options
/// that choose it).
fn archive_scenario(ayo: &Ayo, store: &[&str]) {
    let run = |args: &[&str]| -> Vec<String> {
        let mut all: Vec<String> = store.iter().map(|s| s.to_string()).collect();
        all.extend(args.iter().map(|s| s.to_string()));
        all
    };
    let ok = |args: &[&str]| {
        let all = run(args);
        ayo.ok(&all.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let json = |args: &[&str]| {
        let all = run(args);
        ayo.json(&all.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let a = ok(&["ticket", "create", "Extract data"]);
    let b = ok(&["ticket", "create", "Validate data", "--deps", &a]);
    let error = {
        let all = run(&["ticket", "archive", &a]);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        ayo.json_fails(1, "INVALID_TRANSITION", &all)
    };
    assert_eq!(
        error["message"],
        format!("cannot archive ticket '{a}': it is open")
    );
    ok(&["ticket", "close", &a]);
    let archived = json(&["ticket", "archive", &a]);
    assert_eq!(ids_of(&archived), [a.as_str()]);
    assert_eq!(archived[0]["archived"], true);
    assert_eq!(ids_of(&json(&["ticket", "list"])), [b.as_str()]);
    assert_eq!(
        ok(&["ticket", "ready"]).lines().count(),
        1,
        "a dep on an archived ticket counts as closed"
    );
    assert!(ok(&["ticket", "ready"]).starts_with(&b));
    let shown = json(&["ticket", "show", &a]);
    assert_eq!(
        (shown["archived"].clone(), shown["status"].clone()),
        (true.into(), "closed".into())
    );
    assert!(json(&["ticket", "show", &b]).get("archived").is_none());
    let listed = ok(&["ticket", "list", "--archived"]);
    assert!(
        listed.starts_with(&a) && listed.contains("(archived)"),
        "{listed}"
    );
    assert_eq!(
        ids_of(&json(&["ticket", "list", "--archived", "--status", "open"])).len(),
        0
    );
    let log = json(&["ticket", "log", &a]);
    assert_eq!(log.as_array().unwrap().last().unwrap()["action"], "archive");
    let tree = ok(&["ticket", "dep", "tree", &b]);
    assert!(tree.contains(&a) && !tree.contains("missing"), "{tree}");
    let why = json(&["ticket", "why", &b]);
    assert_eq!(why["ready"], true);
    let unarchived = json(&["ticket", "unarchive", &a]);
    assert_eq!(
        (unarchived["id"].clone(), unarchived.get("archived")),
        (a.clone().into(), None)
    );
    assert_eq!(ids_of(&json(&["ticket", "list"])).len(), 2);
    assert_eq!(ids_of(&json(&["ticket", "list", "--archived"])).len(), 0);
    let none = json(&["ticket", "archive", "--older-than", "1h"]);
    assert_eq!(ids_of(&none).len(), 0);
    let old = json(&["ticket", "archive", "--older-than", "0s"]);
    assert_eq!(ids_of(&old), [a.as_str()]);
}

#[test]
fn archive_unarchive_and_list_archived_in_a_directory() {
    let ayo = Ayo::new();
    archive_scenario(&ayo, &[]);
    // The file moved to archive/ and back through the store's commit protocol.
    let dir = ayo.session_dir("default");
    let a = ids_of(&ayo.json(&["ticket", "list", "--archived"]))[0].clone();
    assert!(dir.join("archive").join(format!("{a}.md")).is_file());
    assert!(!dir.join(format!("{a}.md")).exists());
    ayo.ok(&["ticket", "unarchive", &a]);
    assert!(dir.join(format!("{a}.md")).is_file());
    assert!(!dir.join("archive").join(format!("{a}.md")).exists());
}

#[test]
fn archive_errors_and_help() {
    let ayo = Ayo::new();
    let a = ayo.create(&["Open"]);
    let b = ayo.create(&["Closed"]);
    ayo.ok(&["ticket", "close", &b]);
    // All or nothing: b is not archived since a is open.
    let e = ayo.json_fails(1, "INVALID_TRANSITION", &["ticket", "archive", &b, &a]);
    assert!(e["message"].as_str().unwrap().contains(&a), "{e}");
    assert_eq!(ayo.ids(&["ticket", "list", "--archived"]).len(), 0);
    ayo.ok(&["ticket", "archive", &b]);
    let e = ayo.json_fails(1, "INVALID_TRANSITION", &["ticket", "note", &b, "late"]);
    assert_eq!(
        e["message"],
        format!("cannot change ticket '{b}': it is archived")
    );
    let e = ayo.json_fails(1, "INVALID_TRANSITION", &["ticket", "unarchive", &a]);
    assert_eq!(
        e["message"],
        format!("cannot unarchive ticket '{a}': it is open")
    );
    ayo.json_fails(1, "NOT_FOUND", &["ticket", "archive", "zzzzzz"]);
    let e = ayo.json_fails(
        1,
        "INVALID",
        &["ticket", "archive", "--older-than", "a month"],
    );
    assert!(e["message"].as_str().unwrap().contains("30m"), "{e}");
    ayo.fails(2, &["ticket", "archive"]);
    ayo.fails(2, &["ticket", "archive", &a, "--older-than", "1d"]);
    let help = ayo.ok(&["ticket", "archive", "--help"]);
    assert!(
        help.contains("--older-than") && help.contains("unarchive"),
        "{help}"
    );
    assert!(ayo.ok(&["ticket", "list", "--help"]).contains("--archived"));
}

#[cfg(feature = "postgres")]
#[test]
fn archive_unarchive_and_list_archived_in_postgres() {
    if !ayo_test_support::available() {
        return;
    }
    let schema = ayo_test_support::Schema::new("archive");
    let ayo = Ayo::new();
    archive_scenario(&ayo, &["--store", &schema.url]);
}

/// The `archive` tool of `ayo mcp`: ids, `older_than`, `restore`, and `list` with `archived`.
#[test]
fn the_mcp_archive_tool_archives_lists_and_restores() {
    use serde_json::{Value, json};

    use crate::mcp::request;

    let ayo = Ayo::new();
    let a = ayo.create(&["Extract data"]);
    let b = ayo.create(&["Validate data", "--deps", &a]);
    ayo.ok(&["ticket", "close", &a]);
    let (mut child, mut stdin, mut stdout) =
        crate::mcp::session(&ayo, &["mcp", "--actor", "@agent"]);
    let mut n = 1;
    let mut call = |name: &str, arguments: Value| -> Value {
        n += 1;
        let r = request(
            &mut stdin,
            &mut stdout,
            n,
            "tools/call",
            json!({"name": name, "arguments": arguments}),
        );
        r["result"]["structuredContent"].clone()
    };
    let ids = |v: &Value| -> Vec<String> {
        v["tickets"]
            .as_array()
            .unwrap_or_else(|| panic!("tickets: {v}"))
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect()
    };
    let refused = call("archive", json!({"ids": [b]}));
    assert_eq!(refused["error"]["code"], "INVALID_TRANSITION", "{refused}");
    let done = call("archive", json!({"ids": [a]}));
    assert_eq!(ids(&done), [a.as_str()]);
    assert_eq!(done["tickets"][0]["archived"], true);
    assert_eq!(ids(&call("list", json!({}))), [b.as_str()]);
    assert_eq!(ids(&call("list", json!({"archived": true}))), [a.as_str()]);
    assert_eq!(ids(&call("ready", json!({}))), [b.as_str()]);
    assert_eq!(call("show", json!({"id": a}))["archived"], true);
    let back = call("archive", json!({"ids": [a], "restore": true}));
    assert_eq!(ids(&back), [a.as_str()]);
    assert!(back["tickets"][0].get("archived").is_none());
    let old = call("archive", json!({"older_than": "0s"}));
    assert_eq!(ids(&old), [a.as_str()]);
    let both = call("archive", json!({"older_than": "0s", "ids": [b]}));
    assert_eq!(both["error"]["code"], "INVALID", "{both}");
    drop(stdin);
    child.wait().expect("ayo mcp ends");
}
