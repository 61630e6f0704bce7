//! `ayo mcp` over stdio at 10k tickets, beside the same calls through the Rust API in the same
//! run (the floor of any front end): the MCP overhead should be the transport's (JSON-RPC,
//! encoding the answer, a pipe each way), never a re-read of the store per call.
//!
//! The dataset is the bench project graph (`ayo_benches::project`) in a markdown directory.
//! `rust_api` is one long-lived `Tickets` over it; `mcp_stdio` is one `ayo mcp --dir DIR`
//! process (the release binary: `$AYO_BIN`, else `target/release/ayo`; build it first with
//! `cargo build --release -p ayo-cli`), driven by a minimal JSON-RPC client over its stdin and
//! stdout. Calls:
//! - `ready_all`: every ready ticket (some thousand; the MCP answer is their JSON);
//!   `rust_api_json` adds encoding that list as JSON, which any front end that answers JSON pays.
//! - `ready_of_agent`: one agent's ready tickets (a few): the per-call overhead.
//! - `claim_close`: claim the next ticket for an agent and close it (then reopened, untimed, so
//!   the same ticket comes back); durable writes (fsync).
//!
//! `cargo build --release -p ayo-cli && cargo bench -p ayo-benches --bench mcp`

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use ayo_benches::{agent, markdown_project};
use ayo_tickets::{ClaimOptions, Tickets};
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, measurement::WallTime};

mod common;
use common::timed;
use serde_json::{Value, json};

/// The tickets in the store.
const TICKETS: usize = 10_000;
/// The agent who claims and closes.
const CLAIMER: &str = "@bench";

/// `ayo mcp` as a child process, and a JSON-RPC client for it.
struct Mcp {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl Mcp {
    /// Starts `ayo mcp --dir DIR` and does the MCP handshake.
    fn start(ayo: &Path, dir: &Path) -> Self {
        let mut child = Command::new(ayo)
            .args(["mcp", "--dir"])
            .arg(dir)
            .env_remove("AYO_STORE")
            .env_remove("AYO_AGENT")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", ayo.display()));
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut mcp = Mcp {
            child,
            stdin,
            stdout,
            next_id: 0,
        };
        let hello = json!({"protocolVersion": "2025-06-18", "capabilities": {},
                           "clientInfo": {"name": "bench", "version": "1"}});
        mcp.request("initialize", hello);
        mcp.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        mcp
    }

    fn send(&mut self, message: &Value) {
        let mut line = message.to_string();
        line.push('\n');
        self.stdin.write_all(line.as_bytes()).expect("write");
        self.stdin.flush().expect("flush");
    }

    /// Sends a request and reads lines until its response; its result.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let mut line = String::new();
        loop {
            line.clear();
            let read = self.stdout.read_line(&mut line).expect("read");
            assert!(read > 0, "ayo mcp closed stdout");
            let message: Value = serde_json::from_str(&line).expect("JSON");
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{message}");
                return message["result"].clone();
            }
        }
    }

    /// Calls a tool; its structured content.
    fn call(&mut self, tool: &str, arguments: Value) -> Value {
        let result = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        assert_ne!(result["isError"], true, "{result}");
        result["structuredContent"].clone()
    }
}

impl Drop for Mcp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The release `ayo`: `$AYO_BIN`, else `target/release/ayo` (of `$CARGO_TARGET_DIR`).
fn ayo_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("AYO_BIN") {
        return bin.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let bin = target.join("release").join("ayo");
    assert!(
        bin.exists(),
        "{} is missing: cargo build --release -p ayo-cli",
        bin.display()
    );
    bin
}

/// A group of 20 samples over 3 s: the round trips are short and vary more than the core's.
fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut g = common::group(c, name);
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(3));
    g
}

/// Claims the next ticket for [`CLAIMER`] and closes it; its id.
fn claim_close_api(t: &Tickets) -> String {
    let claimed = t
        .claim(CLAIMER, ClaimOptions::default())
        .expect("claim")
        .expect("a ticket to claim");
    t.close(&claimed.id, None).expect("close");
    claimed.id
}

fn claim_close_mcp(mcp: &mut Mcp) -> String {
    let claimed = mcp.call("claim", json!({ "agent": CLAIMER }));
    let id = claimed["id"]
        .as_str()
        .expect("a ticket to claim")
        .to_string();
    mcp.call("close", json!({ "id": id }));
    id
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let ayo = ayo_binary();
    eprintln!("building the 10k dataset ...");
    let dir = tempfile::tempdir().expect("temp dir");
    let api = markdown_project(dir.path(), TICKETS).expect("dataset");
    let mut mcp = Mcp::start(&ayo, dir.path());
    let size = "10k";
    let some_agent = agent(3);

    // Both answer the same before anything is timed.
    let via_mcp = mcp.call("ready", json!({}));
    let ready = api.ready(None).expect("ready");
    assert_eq!(
        via_mcp["tickets"].as_array().map(Vec::len),
        Some(ready.len())
    );
    eprintln!("{} ready tickets of {TICKETS}", ready.len());

    let mut g = group(&mut c, "mcp_ready_all");
    g.bench_function(BenchmarkId::new("rust_api", size), |b| {
        b.iter(|| api.ready(None).expect("ready"))
    });
    g.bench_function(BenchmarkId::new("rust_api_json", size), |b| {
        b.iter(|| serde_json::to_string(&api.ready(None).expect("ready")).expect("JSON"))
    });
    g.bench_function(BenchmarkId::new("mcp_stdio", size), |b| {
        b.iter(|| mcp.call("ready", json!({})))
    });
    g.finish();

    let mut g = group(&mut c, "mcp_ready_of_agent");
    g.bench_function(BenchmarkId::new("rust_api", size), |b| {
        b.iter(|| api.ready(Some(&some_agent)).expect("ready"))
    });
    g.bench_function(BenchmarkId::new("mcp_stdio", size), |b| {
        b.iter(|| mcp.call("ready", json!({ "assignee": some_agent })))
    });
    g.finish();

    let mut g = group(&mut c, "mcp_claim_close");
    g.bench_function(BenchmarkId::new("rust_api", size), |b| {
        b.iter_custom(|iters| {
            timed(
                iters,
                || claim_close_api(&api),
                |id| {
                    api.reopen(&id).expect("reopen");
                },
            )
        })
    });
    g.bench_function(BenchmarkId::new("mcp_stdio", size), |b| {
        b.iter_custom(|iters| {
            timed(
                iters,
                || claim_close_mcp(&mut mcp),
                |id| {
                    api.reopen(&id).expect("reopen");
                },
            )
        })
    });
    g.finish();
    c.final_summary();
}
