//! Running the real `ayo` binary in a temporary `$AYO_HOME`, with every other `AYO_*`
//! variable cleared.

#![allow(dead_code, missing_docs)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

/// The binary under test.
pub const AYO: &str = env!("CARGO_BIN_EXE_ayo");

/// What one run printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Self {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// The JSON error printed on stderr (one line).
    pub fn json_error(&self) -> Value {
        let line = self.stderr.trim();
        assert_eq!(line.lines().count(), 1, "one line on stderr: {line}");
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        v["error"].clone()
    }

    /// The stdout lines.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
}

/// A temporary ayo home and a way to run `ayo` in it.
pub struct Ayo {
    pub home: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl Ayo {
    pub fn new() -> Self {
        Ayo {
            home: tempfile::tempdir().expect("temp dir"),
            env: Vec::new(),
        }
    }

    /// Sets a variable for every later run.
    pub fn with_env(mut self, key: &str, value: impl AsRef<Path>) -> Self {
        self.env
            .push((key.into(), value.as_ref().to_string_lossy().into_owned()));
        self
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The session store's directory.
    pub fn session_dir(&self, session: &str) -> PathBuf {
        self.home().join("sessions").join(session).join(".tickets")
    }

    /// The global store's directory.
    pub fn global_dir(&self) -> PathBuf {
        self.home().join("tickets").join(".tickets")
    }

    /// A command for `ayo` with these arguments: `AYO_HOME` set, other `AYO_*` cleared.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(AYO);
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("AYO_") || k == "NO_COLOR" {
                cmd.env_remove(&k);
            }
        }
        cmd.env("AYO_HOME", self.home());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.args(args);
        cmd
    }

    /// Runs `ayo` with empty stdin.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, |_| {})
    }

    /// Runs `ayo` after adjusting the command (extra variables).
    pub fn run_with(&self, args: &[&str], adjust: impl FnOnce(&mut Command)) -> Run {
        let mut cmd = self.command(args);
        cmd.stdin(Stdio::null());
        adjust(&mut cmd);
        Run::from(cmd.output().expect("ayo runs"))
    }

    /// Runs `ayo` with this text on stdin.
    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ayo runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write stdin");
        Run::from(child.wait_with_output().expect("ayo ends"))
    }

    /// Starts `ayo` in the background, its output piped.
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ayo runs")
    }

    /// Runs `ayo`, asserts exit 0, returns stdout without its final newline.
    pub fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(r.code, 0, "ayo {args:?} failed: {r:?}");
        r.stdout.trim_end_matches('\n').to_string()
    }

    /// Runs `ayo --json ...`, asserts exit 0, returns the parsed stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    }

    /// Runs `ayo`, asserts it exits with `code`, returns the run.
    pub fn fails(&self, code: i32, args: &[&str]) -> Run {
        let r = self.run(args);
        assert_eq!(r.code, code, "ayo {args:?}: {r:?}");
        r
    }

    /// Runs `ayo --json ...`, asserts exit `code`, empty stdout and a JSON error with this
    /// code on stderr; returns the error object.
    pub fn json_fails(&self, code: i32, error_code: &str, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let r = self.fails(code, &all);
        assert_eq!(r.stdout, "", "nothing on stdout: {r:?}");
        let e = r.json_error();
        assert_eq!(e["code"], error_code, "{r:?}");
        assert!(
            e["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{r:?}"
        );
        e
    }

    /// Creates a ticket and returns its id.
    pub fn create(&self, args: &[&str]) -> String {
        let mut all = vec!["ticket", "create"];
        all.extend_from_slice(args);
        let id = self.ok(&all);
        assert!(
            !id.is_empty() && !id.contains(char::is_whitespace),
            "an id alone: {id:?}"
        );
        id
    }

    /// The ids in `ayo --json <args>` (a list of tickets).
    pub fn ids(&self, args: &[&str]) -> Vec<String> {
        ids_of(&self.json(args))
    }
}

/// The `id`s of a JSON array of tickets.
pub fn ids_of(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("a list: {v}"))
        .iter()
        .map(|t| t["id"].as_str().expect("an id").to_string())
        .collect()
}

/// Copies a directory's files (not recursively).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        if entry.file_type().expect("type").is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
}

/// A fixture of the core crate (a directory such as `tk`, or a file).
pub fn fixtures(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("ayo-tickets")
        .join("tests")
        .join("fixtures")
        .join(name)
}

/// Every file below `dir` (`.ayo/` included, but not its lock file), by relative path, with its
/// bytes; empty when there is no `dir`.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                // `.ayo/lock` names the last writer that took the lock (pid, host, since), also
                // one that then refused to write: who locked is not what the store holds.
                if rel != ".ayo/lock" {
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
    }
    out
}

/// Sends `signal` (`INT`, `TERM`, ...) to `child` and returns its exit code; panics when
/// `what` still runs 5 s later (after killing it).
pub fn stop_child(child: &mut Child, signal: &str, what: &str) -> i32 {
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap()
            .success()
    );
    let start = std::time::Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s.code().unwrap_or(-1);
        }
        if start.elapsed() > std::time::Duration::from_secs(5) {
            let _ = child.kill();
            panic!("{what} still running 5 s after SIG{signal}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
