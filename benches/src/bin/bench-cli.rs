//! `bench-cli AYO DIR TICKETS [RUNS]`: times the `ayo` CLI on a tickets directory against the
//! floor of any tool that must notice a hand-edited file, and against tk, and prints markdown
//! table rows: what, tickets, median, ratio to its floor (or peer).
//!
//! - floor: `find DIR -name '*.md' -printf '%i %s %T@\n'` (a stat of every file);
//!   `ayo ticket ready`, `list --status open -a agent-3` and `blocked` (index kept, as every
//!   call after the first);
//! - tk's own `ready` (when `$TK` names tk's `ticket` script), and `ayo ticket ready` beside it
//!   as a fraction of tk's time;
//! - read floor: `find DIR -name '*.md' -exec cat {} +` (reading every file);
//!   `ayo ticket ready` with no index (the first call ever: every file parsed, the index
//!   written).
//!
//! DIR is expected to be a directory ayo never wrote (no `.ayo/`), whose index is kept in
//! `$AYO_CACHE_DIR`: the "no index" row removes that folder's `index/` (and `DIR/.ayo/index.bin`
//! should DIR have one) before each run.
//!
//! The commands run interleaved, round after round (after two rounds of warm-up), so that a
//! busy machine slows each of them alike; each figure is the median of RUNS rounds (default
//! 15). Output goes to /dev/null.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// One command to time.
struct Row {
    what: String,
    program: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    /// The row this one is compared with (`None`: it is a floor).
    floor: Option<usize>,
    /// Remove the index before each run.
    no_index: bool,
    times: Vec<Duration>,
}

fn row(what: &str, program: &Path, args: &[&str], floor: Option<usize>) -> Row {
    Row {
        what: what.to_string(),
        program: program.to_path_buf(),
        args: args.iter().map(|a| a.to_string()).collect(),
        env: Vec::new(),
        floor,
        no_index: false,
        times: Vec::new(),
    }
}

fn median(times: &[Duration]) -> Duration {
    let mut t = times.to_vec();
    t.sort();
    match t.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => t[n / 2],
        n => (t[n / 2 - 1] + t[n / 2]) / 2,
    }
}

fn show(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1e3)
    } else {
        format!("{ms:.1} ms")
    }
}

/// Removes a file or folder; one that is not there is fine.
fn remove(path: &Path) -> Result<(), String> {
    let gone = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    match gone {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("{}: {e}", path.display()))
        }
        _ => Ok(()),
    }
}

fn run_once(r: &Row, indexes: &[PathBuf]) -> Result<Duration, String> {
    if r.no_index {
        for index in indexes {
            remove(index)?;
        }
    }
    let start = Instant::now();
    let status = Command::new(&r.program)
        .args(&r.args)
        .envs(r.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("{}: {e}", r.program.display()))?;
    let took = start.elapsed();
    if !status.success() {
        return Err(format!("{} {:?} failed: {status}", r.what, r.args));
    }
    Ok(took)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(ayo), Some(dir), Some(Ok(tickets))) = (
        args.first(),
        args.get(1),
        args.get(2).map(|s| s.parse::<usize>()),
    ) else {
        eprintln!("usage: bench-cli AYO DIR TICKETS [RUNS]   (tk timed too when $TK is set)");
        return ExitCode::from(2);
    };
    let runs: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(15);
    let ayo = Path::new(ayo);
    let find = Path::new("find");
    let d = dir.as_str();
    let ready = ["--dir", d, "ticket", "ready"];
    let mut rows = vec![
        row(
            "floor: `find -printf '%i %s %T@'`",
            find,
            &[d, "-name", "*.md", "-printf", "%i %s %T@\\n"],
            None,
        ),
        row("`ayo ticket ready`", ayo, &ready, Some(0)),
        row(
            "`ayo ticket list --status open -a agent-3`",
            ayo,
            &[
                "--dir", d, "ticket", "list", "--status", "open", "-a", "agent-3",
            ],
            Some(0),
        ),
        row(
            "`ayo ticket blocked`",
            ayo,
            &["--dir", d, "ticket", "blocked"],
            Some(0),
        ),
        row(
            "read floor: `find -exec cat {} +`",
            find,
            &[d, "-name", "*.md", "-exec", "cat", "{}", "+"],
            None,
        ),
        Row {
            no_index: true,
            ..row(
                "`ayo ticket ready`, first call (no index)",
                ayo,
                &ready,
                Some(4),
            )
        },
    ];
    if let Some(tk) = std::env::var_os("TK").filter(|t| !t.is_empty()) {
        let tk = tk.to_string_lossy().into_owned();
        let at = rows.len();
        rows.push(Row {
            env: vec![("TICKETS_DIR".into(), d.into())],
            ..row("peer: tk `ready`", Path::new("bash"), &[&tk, "ready"], None)
        });
        rows.push(row("`ayo ticket ready`, beside tk", ayo, &ready, Some(at)));
    }
    let mut indexes = vec![Path::new(d).join(".ayo").join("index.bin")];
    match std::env::var_os("AYO_CACHE_DIR") {
        Some(c) if !c.is_empty() => indexes.push(Path::new(&c).join("index")),
        _ => {
            eprintln!("set AYO_CACHE_DIR (the first-call row removes its index/ folder)");
            return ExitCode::from(2);
        }
    }
    for round in 0..runs + 2 {
        for r in rows.iter_mut() {
            match run_once(r, &indexes) {
                Ok(t) if round >= 2 => r.times.push(t),
                Ok(_) => {}
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(1);
                }
            }
        }
    }
    let medians: Vec<Duration> = rows.iter().map(|r| median(&r.times)).collect();
    for (r, m) in rows.iter().zip(&medians) {
        let ratio = match r.floor {
            None if r.what.starts_with("peer") => "1 (peer)".to_string(),
            None => "1 (floor)".to_string(),
            Some(f) => format!("{:.2}", m.as_secs_f64() / medians[f].as_secs_f64()),
        };
        println!("| {} | {tickets} | {} | {ratio} |", r.what, show(*m));
    }
    ExitCode::SUCCESS
}
