//! `ayo board` over HTTP, through the real binary, on a directory and on PostgreSQL: the URL
//! as the first line, the `Host` guard (403), 404 for unknown paths, the JSON endpoints, a
//! change made by the CLI pushed as a Server-Sent Event, writes refused without `--write` and
//! done as the named agent with it, and a clean stop on SIGINT with a page still connected.
//! (The tests in a real browser are in `ayo-cli/tests/board/`.)

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Child;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use ayo_test_support::{Schema, available};
use common::Ayo;
use serde_json::{Value, json};

/// A running `ayo board`.
struct Board {
    child: Child,
    /// `127.0.0.1:PORT`.
    addr: String,
}

impl Board {
    /// Starts `ayo STORE board --port 0 EXTRA` and reads its URL.
    fn start(ayo: &Ayo, store: &[&str], extra: &[&str]) -> Self {
        let mut args = store.to_vec();
        args.extend(["board", "--port", "0"]);
        args.extend(extra);
        let mut child = ayo.spawn(&args);
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        let addr = first
            .trim()
            .strip_prefix("http://")
            .and_then(|a| a.strip_suffix('/'))
            .unwrap_or_else(|| panic!("the first line is the URL: {first:?}"))
            .to_string();
        assert!(addr.starts_with("127.0.0.1:"), "{addr}");
        Board { child, addr }
    }

    /// Sends one request with this `Host` and returns the status and body.
    fn request(&self, method: &str, path: &str, host: &str, body: Option<&Value>) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let body = body.map(Value::to_string).unwrap_or_default();
        let kind = if body.is_empty() {
            String::new()
        } else {
            "Content-Type: application/json\r\n".to_string()
        };
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{kind}Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, body.to_string())
    }

    /// `GET path` with the right `Host`.
    fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path, &self.addr, None)
    }

    /// `GET path`, which must answer 200 with JSON.
    fn json(&self, path: &str) -> Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
    }

    /// `POST /api/tickets/{id}/{action}` with a JSON body.
    fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let (status, text) = self.request("POST", path, &self.addr, Some(&body));
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Opens the event stream; its lines are read on a thread of their own.
    fn events(&self) -> Receiver<String> {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        write!(
            stream,
            "GET /api/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            self.addr
        )
        .unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        rx
    }

    /// Sends SIGINT; the exit code, within 5 s.
    fn stop(mut self) -> i32 {
        common::stop_child(&mut self.child, "INT", "ayo board")
    }
}

impl Drop for Board {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads event lines until `data:` of an `event: NAME` that contains `needle`, within 10 s.
fn wait_for_event(events: &Receiver<String>, name: &str, needle: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut current = String::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = events
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no `{name}` event with {needle} within 10 s"));
        if let Some(e) = line.strip_prefix("event: ") {
            current = e.to_string();
        } else if let Some(data) = line.strip_prefix("data: ")
            && current == name
            && data.contains(needle)
        {
            return serde_json::from_str(data).unwrap();
        }
    }
}

/// The store arguments, then these.
fn with<'a>(store: &[&'a str], args: &[&'a str]) -> Vec<&'a str> {
    [store, args].concat()
}

/// The ids of a board column.
fn column(board: &Value, name: &str) -> Vec<String> {
    common::ids_of(&board["columns"][name])
}

/// The seed workflow: extract, validate (waits on extract), import (waits on validate), with a
/// note on the first; then the board, the graph, a ticket, the guard and the live push.
fn serves_the_board(ayo: &Ayo, store: &[&str]) {
    let a = ayo.create(&with(
        store,
        &["Extract data", "-a", "@extractor", "--tags", "q1"],
    ));
    let b = ayo.create(&with(
        store,
        &["Validate", "-a", "@validator", "--deps", &a],
    ));
    let c = ayo.create(&with(store, &["Import", "-a", "@importer", "--deps", &b]));
    ayo.ok(&with(
        store,
        &["ticket", "note", &a, "Processed 47 reports"],
    ));
    let board = Board::start(ayo, store, &[]);

    let (status, page) = board.get("/");
    assert_eq!(status, 200);
    assert!(page.contains("data-column=\"in_progress\""), "{page}");
    for asset in ["/board.js", "/board.css"] {
        assert_eq!(board.get(asset).0, 200, "{asset}");
    }

    let columns = board.json("/api/board");
    assert_eq!(column(&columns, "ready"), [a.as_str()]);
    assert_eq!(column(&columns, "blocked"), [b.as_str(), c.as_str()]);
    assert!(column(&columns, "in_progress").is_empty());
    assert_eq!(columns["columns"]["blocked"][0]["blocked_by"], json!([a]));
    assert_eq!(columns["tags"], json!(["q1"]));
    let mine = board.json("/api/board?assignee=validator");
    assert_eq!(column(&mine, "blocked"), [b.as_str()]);
    assert!(column(&mine, "ready").is_empty());
    let tagged = board.json("/api/board?tag=q1");
    assert_eq!(column(&tagged, "ready"), [a.as_str()]);
    assert!(column(&tagged, "blocked").is_empty());

    let graph = board.json("/api/graph");
    assert_eq!(graph["nodes"].as_array().unwrap().len(), 3);
    let y = |id: &str| {
        graph["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == id)
            .unwrap()["y"]
            .as_u64()
            .unwrap()
    };
    assert!(
        y(&a) < y(&b) && y(&b) < y(&c),
        "deps above dependents: {graph}"
    );
    assert!(
        graph["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["blocked"] == true)
    );

    let shown = board.json(&format!("/api/tickets/{}", &a[..4]));
    assert_eq!(shown["ticket"]["id"], a.as_str());
    assert_eq!(shown["ticket"]["notes"][0]["text"], "Processed 47 reports");
    assert_eq!(shown["dependents"], json!([b]));
    let actions: Vec<&str> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "note"]);
    let (status, body) = board.get("/api/tickets/nope");
    assert_eq!(status, 404);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["error"]["code"],
        "NOT_FOUND"
    );

    // The guard: a foreign Host is refused, even on a path that does not exist.
    let port = board.addr.rsplit_once(':').unwrap().1;
    for host in [format!("evil.example:{port}"), "127.0.0.1:1".to_string()] {
        for path in ["/", "/api/board", "/nowhere"] {
            let (status, _) = board.request("GET", path, &host, None);
            assert_eq!(status, 403, "Host {host} {path}");
        }
    }
    assert_eq!(
        board
            .request("GET", "/", &format!("localhost:{port}"), None)
            .0,
        200
    );
    assert_eq!(board.get("/nowhere").0, 404);
    assert_eq!(board.get("/api/nowhere").0, 404);

    // Read-only: a write is refused, and nothing changes.
    let (status, answer) = board.post(&format!("/api/tickets/{a}/close"), json!({"actor": "@web"}));
    assert_eq!(status, 403, "{answer}");
    assert_eq!(answer["error"]["code"], "READ_ONLY");

    // Live: a close by the CLI is pushed, and the board shows its dependent ready.
    let events = board.events();
    wait_for_event(&events, "hello", "");
    ayo.ok(&with(store, &["ticket", "close", &a]));
    let change = wait_for_event(&events, "change", &a);
    assert_eq!(change["action"], "close");
    let columns = board.json("/api/board");
    assert_eq!(column(&columns, "ready"), [b.as_str()]);
    assert_eq!(column(&columns, "closed"), [a.as_str()]);

    // Ctrl-C ends it cleanly, with the event stream still open.
    assert_eq!(board.stop(), 0);
}

#[test]
fn board_on_a_directory() {
    let ayo = Ayo::new();
    let dir = ayo.home().join("work");
    serves_the_board(&ayo, &["--dir", dir.to_str().unwrap()]);
}

#[test]
fn board_on_postgres() {
    if !available() {
        return;
    }
    let ayo = Ayo::new();
    let schema = Schema::new("board");
    serves_the_board(&ayo, &["--store", &schema.url]);
}

/// With `--write`: each write names its agent, who is the actor of the audit log; a write
/// without one, of another type than JSON, or of an unknown action is refused.
#[test]
fn board_writes_only_with_write_and_an_agent() {
    let ayo = Ayo::new();
    let dir = ayo.home().join("work");
    let store = ["--dir", dir.to_str().unwrap()];
    let a = ayo.create(&[&store[..], &["Extract data"]].concat());
    let b = ayo.create(&[&store[..], &["Validate", "--deps", &a]].concat());
    let board = Board::start(&ayo, &store, &["--write"]);
    assert_eq!(board.json("/api/info")["write"], true);

    let (status, answer) = board.post(&format!("/api/tickets/{a}/note"), json!({"text": "hi"}));
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (400, Some("INVALID"))
    );
    let (status, _) = board.request(
        "POST",
        &format!("/api/tickets/{a}/bogus"),
        &board.addr,
        Some(&json!({})),
    );
    assert_eq!(status, 404);
    let (status, answer) = board.post(&format!("/api/tickets/{b}/start"), json!({"actor": "@web"}));
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("BLOCKED"))
    );

    let (status, answer) = board.post(
        &format!("/api/tickets/{a}/note"),
        json!({"actor": "web", "text": "looked at it"}),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["notes"][0]["author"], "@web");
    let (status, answer) = board.post(
        &format!("/api/tickets/{a}/close"),
        json!({"actor": "@web", "reason": "done"}),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(common::ids_of(&answer["unblocked"]), [b.as_str()]);
    let log = ayo.json(&[&store[..], &["ticket", "log", &a]].concat());
    let last = log.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["actor"].as_str()),
        (Some("close"), Some("@web"))
    );
    assert_eq!(board.stop(), 0);
}
