//! `bench-cli AYO DIR TICKETS [RUNS]`: times the `ayo` CLI on a tickets directory against the
//! floor of any tool that must notice a hand-edited file, and prints markdown table rows:
//! what, tickets, median, ratio to its floor.
//!
//! - floor: `find DIR -name '*.md' -printf '%i %s %T@\n'` (a stat of every file);
//!   `ayo ticket ready` and `ayo ticket list` (index on disk, as every call after the first).
//! - read floor: `find DIR -name '*.md' -exec cat {} +` (reading every file);
//!   `ayo ticket ready` with no index (the first call ever: every file parsed).
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
    /// The row this one is compared with (`None`: it is a floor).
    floor: Option<usize>,
    /// Remove the index before each run.
    no_index: bool,
    times: Vec<Duration>,
}

fn row(what: &str, program: &Path, args: &[&str], floor: Option<usize>, no_index: bool) -> Row {
    Row {
        what: what.to_string(),
        program: program.to_path_buf(),
        args: args.iter().map(|a| a.to_string()).collect(),
        floor,
        no_index,
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

fn run_once(r: &Row, index: &Path) -> Result<Duration, String> {
    if r.no_index {
        match std::fs::remove_file(index) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{}: {e}", index.display())),
        }
    }
    let start = Instant::now();
    let status = Command::new(&r.program)
        .args(&r.args)
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
        eprintln!("usage: bench-cli AYO DIR TICKETS [RUNS]");
        return ExitCode::from(2);
    };
    let runs: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(15);
    let ayo = Path::new(ayo);
    let find = Path::new("find");
    let d = dir.as_str();
    let mut rows = [
        row(
            "floor: `find -printf '%i %s %T@'`",
            find,
            &[d, "-name", "*.md", "-printf", "%i %s %T@\\n"],
            None,
            false,
        ),
        row(
            "`ayo ticket ready`",
            ayo,
            &["--dir", d, "ticket", "ready"],
            Some(0),
            false,
        ),
        row(
            "`ayo ticket ready --json`",
            ayo,
            &["--dir", d, "--json", "ticket", "ready"],
            Some(0),
            false,
        ),
        row(
            "`ayo ticket list --status open -a @agent-3`",
            ayo,
            &[
                "--dir", d, "ticket", "list", "--status", "open", "-a", "@agent-3",
            ],
            Some(0),
            false,
        ),
        row(
            "read floor: `find -exec cat {} +`",
            find,
            &[d, "-name", "*.md", "-exec", "cat", "{}", "+"],
            None,
            false,
        ),
        row(
            "`ayo ticket ready`, no index (first call)",
            ayo,
            &["--dir", d, "ticket", "ready"],
            Some(4),
            true,
        ),
    ];
    let index = Path::new(d).join(".ayo").join("index.bin");
    for round in 0..runs + 2 {
        for r in rows.iter_mut() {
            match run_once(r, &index) {
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
            None => "1 (floor)".to_string(),
            Some(f) => format!("{:.2}", m.as_secs_f64() / medians[f].as_secs_f64()),
        };
        println!("| {} | {tickets} | {} | {ratio} |", r.what, show(*m));
    }
    ExitCode::SUCCESS
}
