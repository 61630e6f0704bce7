//! `defer`, `why`, `link`/`unlink` and `guide` through the real binary, and the guide served
//! by `ayo mcp` as `ayo://guide`.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::Ayo;
use crate::mcp::request;

#[test]
fn defer_keeps_a_ticket_out_of_ready_and_claim_and_list_shows_it() {
    let ayo = Ayo::new();
    let a = ayo.ok(&[
        "ticket",
        "create",
        "Publish the report",
        "--defer-until",
        "2h",
    ]);
    let b = ayo.ok(&["ticket", "create", "Other"]);
    let list = ayo.ok(&["ticket", "list"]);
    let row = list.lines().find(|l| l.starts_with(&a)).expect("a row");
    assert!(row.contains("(deferred until 20"), "{list}");
    assert!(
        !list
            .lines()
            .find(|l| l.starts_with(&b))
            .unwrap()
            .contains("deferred")
    );
    assert_eq!(ayo.ok(&["ticket", "ready"]).lines().count(), 1);
    assert_eq!(ayo.ok(&["ticket", "blocked"]), "");
    let shown = ayo.json(&["ticket", "show", &a]);
    assert_eq!(shown["ready"], false);
    assert!(shown["defer_until"].as_str().unwrap().ends_with('Z'));
    assert!(ayo.ok(&["ticket", "show", &a]).contains("deferred  until "));
    assert_eq!(ayo.ok(&["ticket", "claim", "-a", "@w"]), b);
    ayo.fails(3, &["ticket", "claim", "-a", "@w"]);
    let at = ayo.json(&["ticket", "defer", &a, "2030-01-02T03:04:05+01:00"]);
    assert_eq!(at["defer_until"], "2030-01-02T02:04:05.000Z");
    let text = std::fs::read_to_string(ayo.session_dir("default").join(format!("{a}.md"))).unwrap();
    assert!(
        text.contains("\ndefer_until: 2030-01-02T02:04:05Z\n"),
        "{text}"
    );
    let cleared = ayo.json(&["ticket", "defer", &a, "--clear"]);
    assert_eq!(
        (cleared["defer_until"].clone(), cleared["ready"].clone()),
        (json!(null), json!(true))
    );
    let error = ayo.json_fails(1, "INVALID", &["ticket", "defer", &a, "tomorrow"]);
    assert!(
        error["message"].as_str().unwrap().contains("90s"),
        "{error}"
    );
    ayo.fails(2, &["ticket", "defer", &a]);
}

#[test]
fn edit_defers_with_other_fields_and_no_defer_ends_it() {
    let ayo = Ayo::new();
    let a = ayo.ok(&["ticket", "create", "Renew the certificate"]);
    let u = ayo.json(&[
        "ticket",
        "edit",
        &a,
        "-p",
        "1",
        "--defer-until",
        "2030-01-02T03:04:05+01:00",
    ]);
    assert_eq!(
        (
            u["defer_until"].clone(),
            u["priority"].clone(),
            u["ready"].clone()
        ),
        (json!("2030-01-02T02:04:05.000Z"), json!(1), json!(false))
    );
    let kept = ayo.json(&["ticket", "edit", &a, "--title", "Renew it"]);
    assert_eq!(kept["defer_until"], "2030-01-02T02:04:05.000Z");
    let error = ayo.json_fails(
        1,
        "INVALID",
        &[
            "ticket",
            "edit",
            &a,
            "--title",
            "X",
            "--defer-until",
            "tomorrow",
        ],
    );
    assert!(
        error["message"].as_str().unwrap().contains("90s"),
        "{error}"
    );
    assert_eq!(ayo.json(&["ticket", "show", &a])["title"], "Renew it");
    ayo.fails(
        2,
        &["ticket", "edit", &a, "--defer-until", "2h", "--no-defer"],
    );
    let cleared = ayo.json(&["ticket", "edit", &a, "--no-defer"]);
    assert_eq!(
        (cleared["defer_until"].clone(), cleared["ready"].clone()),
        (json!(null), json!(true))
    );
    ayo.ok(&["ticket", "edit", &a, "--defer-until", "3d"]);
    let alias = ayo.json(&["ticket", "edit", &a, "--clear-defer"]);
    assert_eq!(alias["defer_until"], json!(null));
    let help = ayo.ok(&["ticket", "edit", "--help"]);
    assert!(
        help.contains("--defer-until <WHEN>") && help.contains("--no-defer"),
        "{help}"
    );
}

#[test]
fn a_waiting_claim_wakes_when_a_deferral_ends() {
    let ayo = Ayo::new();
    let a = ayo.ok(&["ticket", "create", "Soon", "--defer-until", "1s"]);
    let started = Instant::now();
    let claimed = ayo.ok(&["ticket", "claim", "-a", "@w", "--wait", "--timeout", "30"]);
    assert_eq!(claimed, a);
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "woke by the timeout"
    );
}

#[test]
fn why_explains_in_words_and_in_json() {
    let ayo = Ayo::new();
    let root = ayo.ok(&["ticket", "create", "Root"]);
    let mid = ayo.ok(&["ticket", "create", "Middle", "--deps", &root]);
    let top = ayo.ok(&["ticket", "create", "Top", "--deps", &mid, "-a", "@v"]);
    let why = ayo.json(&["ticket", "why", &top, "-a", "@x"]);
    assert_eq!(
        why,
        json!({"id": top, "ready": false, "claimable": false, "reasons": [
            {"kind": "blocked", "deps": [mid], "roots": [root]},
            {"kind": "assigned", "to": "@v"},
        ]})
    );
    let words = ayo.ok(&["ticket", "why", &top, "-a", "@x"]);
    assert!(
        words.starts_with(&format!("{top}  ready: no  claimable: no")),
        "{words}"
    );
    assert!(
        words.contains(&format!("blocked by {mid} (root: {root})")),
        "{words}"
    );
    assert!(words.contains("assigned to @v"), "{words}");
    ayo.ok(&["ticket", "claim", "-a", "@w", "--lease", "600"]);
    let held = ayo.ok(&["ticket", "why", &root]);
    assert!(held.contains("claimed by @w, lease until "), "{held}");
    ayo.json_fails(1, "NOT_FOUND", &["ticket", "why", "nope"]);
}

#[test]
fn link_and_unlink_write_both_tickets() {
    let ayo = Ayo::new();
    let a = ayo.ok(&["ticket", "create", "A"]);
    let b = ayo.ok(&["ticket", "create", "B"]);
    let c = ayo.ok(&["ticket", "create", "C"]);
    let linked = ayo.json(&["ticket", "link", &a, &b, &c]);
    assert_eq!(linked["links"], json!([b, c]));
    assert!(
        ayo.ok(&["ticket", "show", &b])
            .contains(&format!("links     {a}"))
    );
    let file = std::fs::read_to_string(ayo.session_dir("default").join(format!("{c}.md"))).unwrap();
    assert!(file.contains(&format!("\nlinks: [{a}]\n")), "{file}");
    assert_eq!(ayo.json(&["ticket", "unlink", &c, &a])["links"], json!([]));
    assert_eq!(ayo.json(&["ticket", "show", &a])["links"], json!([b]));
    ayo.json_fails(1, "INVALID", &["ticket", "link", &a, &a]);
    ayo.json_fails(1, "INVALID", &["ticket", "unlink", &a, &c]);
    ayo.fails(2, &["ticket", "link", &a]);
}

#[test]
fn the_guide_of_the_cli_and_of_mcp_is_the_core_text() {
    let ayo = Ayo::new();
    let printed = ayo.run(&["ticket", "guide"]);
    assert_eq!(printed.code, 0);
    assert_eq!(printed.stdout, ayo_tickets::GUIDE);
    assert_eq!(ayo.json(&["ticket", "guide"]), json!(ayo_tickets::GUIDE));
    let (mut child, mut stdin, mut stdout) = crate::mcp::session(&ayo, &["mcp"]);
    let read = request(
        &mut stdin,
        &mut stdout,
        2,
        "resources/read",
        json!({"uri": "ayo://guide"}),
    );
    assert_eq!(
        read["result"]["contents"][0]["text"],
        printed.stdout.as_str()
    );
    let made = request(
        &mut stdin,
        &mut stdout,
        3,
        "tools/call",
        json!({"name": "create", "arguments": {"title": "Later", "defer_until": "3d"}}),
    );
    let id = made["result"]["structuredContent"]["id"]
        .as_str()
        .expect("an id")
        .to_string();
    let why = request(
        &mut stdin,
        &mut stdout,
        4,
        "tools/call",
        json!({"name": "why", "arguments": {"id": id}}),
    );
    assert_eq!(
        why["result"]["structuredContent"]["reasons"][0]["kind"], "deferred",
        "{why}"
    );
    let other = request(
        &mut stdin,
        &mut stdout,
        5,
        "tools/call",
        json!({"name": "create", "arguments": {"title": "Other"}}),
    );
    let other = other["result"]["structuredContent"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let linked = request(
        &mut stdin,
        &mut stdout,
        6,
        "tools/call",
        json!({"name": "link", "arguments": {"id": id, "others": [other]}}),
    );
    assert_eq!(
        linked["result"]["structuredContent"]["links"],
        json!([other])
    );
    let cleared = request(
        &mut stdin,
        &mut stdout,
        7,
        "tools/call",
        json!({"name": "defer", "arguments": {"id": id, "until": null}}),
    );
    assert_eq!(
        cleared["result"]["structuredContent"]["ready"], true,
        "{cleared}"
    );
    drop(stdin);
    assert!(child.wait().expect("ayo mcp ends").success());
}
