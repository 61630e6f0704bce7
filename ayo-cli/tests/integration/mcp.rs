//! `ayo mcp` over stdio, spoken to line by line: the size of the whole `tools/list` answer, bad
//! input answered while the server goes on, one store with the CLI, and a clean exit when stdin
//! closes. (The tests with real MCP client SDKs are in `ayo-cli/tests/mcp/`.)

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};

use serde_json::{Value, json};

use crate::common::Ayo;

/// Sends one JSON-RPC message as a line.
pub(crate) fn send(stdin: &mut ChildStdin, message: &str) {
    writeln!(stdin, "{message}").expect("write");
    stdin.flush().expect("flush");
}

/// Sends a request and reads lines until its response.
pub(crate) fn request(
    stdin: &mut ChildStdin,
    stdout: &mut BufReader<ChildStdout>,
    id: u64,
    method: &str,
    params: Value,
) -> Value {
    send(
        stdin,
        &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string(),
    );
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            stdout.read_line(&mut line).expect("read") > 0,
            "ayo mcp ended"
        );
        let message: Value = serde_json::from_str(&line).expect("a JSON line");
        if message["id"] == id {
            return message;
        }
    }
}

/// `ayo mcp` started with `args` (stderr dropped) and initialized: the process and its pipes.
pub(crate) fn session(ayo: &Ayo, args: &[&str]) -> (Child, ChildStdin, BufReader<ChildStdout>) {
    let mut child = ayo
        .command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ayo mcp runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let hello = json!({"protocolVersion": "2025-06-18", "capabilities": {},
                       "clientInfo": {"name": "test", "version": "1"}});
    request(&mut stdin, &mut stdout, 1, "initialize", hello);
    send(
        &mut stdin,
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
    );
    (child, stdin, stdout)
}

#[test]
fn mcp_over_stdio_answers_bad_input_and_keeps_serving() {
    let ayo = Ayo::new();
    let mut child = ayo
        .command(&["mcp", "--actor", "@agent"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ayo mcp runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let hello = json!({"protocolVersion": "2025-06-18", "capabilities": {},
                       "clientInfo": {"name": "test", "version": "1"}});
    let init = request(&mut stdin, &mut stdout, 1, "initialize", hello);
    assert_eq!(init["result"]["serverInfo"]["name"], "ayo");
    send(
        &mut stdin,
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
    );

    let tools = request(&mut stdin, &mut stdout, 2, "tools/list", json!({}));
    let size = tools["result"].to_string().len();
    eprintln!("tools/list: {size} bytes");
    assert!(size <= 8 * 1024, "tools/list is {size} bytes");
    let names: Vec<&str> = tools["result"]["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .map(|t| t["name"].as_str().expect("a name"))
        .collect();
    for name in [
        "create", "show", "list", "ready", "claim", "note", "close", "wait",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }

    send(&mut stdin, "this is not JSON");
    let unknown = request(
        &mut stdin,
        &mut stdout,
        3,
        "tools/call",
        json!({"name": "nope"}),
    );
    assert!(
        unknown["error"]["code"].is_i64(),
        "a protocol error: {unknown}"
    );
    let missing = request(
        &mut stdin,
        &mut stdout,
        4,
        "tools/call",
        json!({"name": "show", "arguments": {}}),
    );
    assert_eq!(missing["result"]["isError"], true);
    assert_eq!(
        missing["result"]["structuredContent"]["error"]["code"],
        "INVALID"
    );
    let created = request(
        &mut stdin,
        &mut stdout,
        5,
        "tools/call",
        json!({"name": "create", "arguments": {"title": "after the bad calls"}}),
    );
    let ticket = &created["result"]["structuredContent"];
    assert_eq!(ticket["title"], "after the bad calls", "{created}");
    let text: Value = serde_json::from_str(
        created["result"]["content"][0]["text"]
            .as_str()
            .expect("text"),
    )
    .expect("the text is the JSON");
    assert_eq!(&text, ticket);
    let claimed = request(
        &mut stdin,
        &mut stdout,
        6,
        "tools/call",
        json!({"name": "claim", "arguments": {}}),
    );
    assert_eq!(claimed["result"]["structuredContent"]["assignee"], "@agent");

    drop(stdin);
    let out = child.wait_with_output().expect("ayo mcp ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The CLI sees what the server did: the claim, given back as the session ended open.
    let listed = ayo.json(&["ticket", "list"]);
    assert_eq!(listed[0]["id"], ticket["id"]);
    assert_eq!(listed[0]["status"], "open");
    assert_eq!(listed[0]["assignee"], "@agent");
    let shown = ayo.json(&["ticket", "show", ticket["id"].as_str().expect("id")]);
    assert_eq!(
        shown["notes"][0]["text"],
        "Given back: the MCP session that claimed it ended"
    );
    let log = ayo.json(&["ticket", "log", ticket["id"].as_str().expect("id")]);
    let actions: Vec<&str> = log
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default())
        .collect();
    assert!(actions.contains(&"release"), "{actions:?}");
}
