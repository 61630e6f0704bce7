//! Shared by the reliability tests: child processes (this test binary run again), the lines
//! they report, and snapshots of directory trees.
#![allow(dead_code)]

pub mod mutation;
pub mod replay;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// Every report line a child prints starts with this, so harness output can be told apart.
pub const MARK: &str = "@@ ";

/// Prints one report line and flushes it at once (a child may be killed right after).
pub fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{MARK}{line}");
    let _ = out.flush();
}

/// Prints one JSON report line.
pub fn say_json(value: &serde_json::Value) {
    say(&value.to_string());
}

/// A command that runs the test `entry` of this test binary again, with a clean agent and
/// lease environment (the caller adds its own variables).
pub fn child_command(entry: &str) -> Command {
    let mut c = Command::new(std::env::current_exe().expect("the test binary"));
    c.args(["--exact", entry, "--nocapture", "--test-threads=1"])
        .env_remove("AYO_AGENT")
        .env_remove("AYO_LEASE")
        .env_remove("AYO_TEST_HOOK")
        .env_remove("AYO_STORE")
        .env_remove("AYO_TICKETS_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// A running child and the report lines it prints, read by a thread of their own.
pub struct Reporter {
    /// The process.
    pub child: Child,
    /// Report lines (the mark stripped), in order; closed when the child's stdout closes.
    pub lines: Receiver<String>,
    stderr: std::thread::JoinHandle<String>,
}

impl Reporter {
    /// Spawns `command` and starts reading its reports.
    pub fn spawn(mut command: Command) -> Reporter {
        let mut child = command.spawn().expect("spawn a child");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
                // The harness may print `test name ... ` before the first report.
                if let Some(at) = line.find(MARK)
                    && tx.send(line[at + MARK.len()..].to_string()).is_err()
                {
                    break;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut BufReader::new(stderr), &mut s);
            s
        });
        Reporter {
            child,
            lines,
            stderr,
        }
    }

    /// The next report within `within`, or `None` (timeout, or the child closed stdout).
    pub fn next(&self, within: Duration) -> Option<String> {
        self.lines.recv_timeout(within).ok()
    }

    /// Waits for the child to end and returns its exit status, every report not yet taken and
    /// its stderr.
    pub fn finish(mut self) -> (std::process::ExitStatus, Vec<String>, String) {
        let status = self.child.wait().expect("wait for a child");
        let rest: Vec<String> = self.lines.iter().collect();
        let stderr = self.stderr.join().unwrap_or_default();
        (status, rest, stderr)
    }

    /// Sends SIGKILL and reaps the child; returns the reports not yet taken.
    pub fn kill(mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let rest: Vec<String> = self.lines.iter().collect();
        let _ = self.stderr.join();
        rest
    }
}

/// One entry of a directory snapshot: a file's bytes (hashed), a directory, or a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A regular file: its length and a hash of its bytes.
    File(u64, u64),
    /// A directory.
    Dir,
    /// A symbolic link and where it points.
    Link(PathBuf),
}

/// Every path under `root` (relative), with what is there; `skip` names subtrees left out.
pub fn snapshot(root: &Path, skip: &[&Path]) -> BTreeMap<PathBuf, Node> {
    let mut out = BTreeMap::new();
    walk(root, root, skip, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, skip: &[&Path], out: &mut BTreeMap<PathBuf, Node>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if skip.iter().any(|s| path.starts_with(s)) {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap().to_path_buf();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.file_type().is_symlink() {
            out.insert(rel, Node::Link(std::fs::read_link(&path).unwrap()));
        } else if meta.is_dir() {
            out.insert(rel, Node::Dir);
            walk(root, &path, skip, out);
        } else {
            let bytes = std::fs::read(&path).unwrap_or_default();
            out.insert(rel, Node::File(meta.len(), hash(&bytes)));
        }
    }
}

/// FNV-1a: enough to tell two versions of a file apart.
pub fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The names of the entries of a directory, sorted (empty when it does not exist).
pub fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}
