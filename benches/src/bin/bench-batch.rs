//! `bench-batch [N] [ROUNDS] [PARENT]`: N creates (default 10 000) in one `Tickets::batch` of
//! a markdown store, against the floor of any durable batch of N files, in this one process and
//! on one file system, and prints markdown table rows: what, tickets, median, ratio to the
//! floor (the bar: a markdown batch at most 1.3× the floor).
//!
//! Each of ROUNDS rounds (default 5) runs, one after the other:
//! - the floor (`ayo_benches::batch_floor`): N temp files of a ticket's size written, each
//!   renamed into place, one `syncfs`;
//! - the same files written all before the first rename, as an all-or-nothing batch must
//!   (`ayo_benches::batch_floor_all_first`; shown beside the floor, not the bar);
//! - a markdown batch of N independent creates, and one of N chained creates (in chains of
//!   ten, each depending on the one before it: `ayo_benches::batch_create`);
//! - the same two batches in the memory store (the ticket logic alone, with no file).
//!
//! Each run gets a new directory under PARENT (default: the system temp dir), so the floor and
//! the batches share its file system; all are removed only at the end: ext4 without a journal
//! skips the inodes freed in the last minutes when it allocates one, so creating N files just
//! after removing N can take many times longer. Interleaving the rounds means that a file
//! system (or a machine) that slows down meanwhile slows each row alike. Each run's time goes
//! to stderr as it is taken.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ayo_benches::{batch_create, batch_floor, batch_floor_all_first};
use ayo_tickets::Tickets;
use ayo_tickets::store::markdown::MarkdownStore;
use ayo_tickets::store::memory::MemoryStore;

/// What a row runs, in a new directory when it needs one.
#[derive(Clone, Copy)]
enum Run {
    Floor,
    FloorAllFirst,
    Markdown { chained: bool },
    Memory { chained: bool },
}

impl Run {
    fn what(self, n: usize) -> String {
        let shape = |chained| if chained { "chained" } else { "independent" };
        match self {
            Run::Floor => format!("floor: write {n} temp files, rename each, `syncfs` once"),
            Run::FloorAllFirst => format!(
                "the floor with all {n} temp files written before the first rename (as in a batch)"
            ),
            Run::Markdown { chained } => {
                format!(
                    "{n} `create` in one `batch`, markdown store, {}",
                    shape(chained)
                )
            }
            Run::Memory { chained } => {
                format!(
                    "{n} `create` in one `batch`, memory store, {}",
                    shape(chained)
                )
            }
        }
    }

    /// Runs once; the directory, if it made one, is left for the caller to remove.
    fn time(
        self,
        n: usize,
        dir: impl FnOnce() -> std::io::Result<PathBuf>,
    ) -> Result<Duration, String> {
        let start;
        match self {
            Run::Floor => {
                let dir = dir().map_err(|e| e.to_string())?;
                start = Instant::now();
                batch_floor(&dir, n).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            Run::FloorAllFirst => {
                let dir = dir().map_err(|e| e.to_string())?;
                start = Instant::now();
                batch_floor_all_first(&dir, n).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            Run::Markdown { chained } => {
                let dir = dir().map_err(|e| e.to_string())?;
                let t = Tickets::with_store(Arc::new(MarkdownStore::new(&dir)))
                    .map_err(|e| e.to_string())?;
                start = Instant::now();
                batch_create(&t, n, chained).map_err(|e| e.to_string())?;
            }
            Run::Memory { chained } => {
                let t =
                    Tickets::with_store(Arc::new(MemoryStore::new())).map_err(|e| e.to_string())?;
                start = Instant::now();
                batch_create(&t, n, chained).map_err(|e| e.to_string())?;
            }
        }
        Ok(start.elapsed())
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
        format!("{ms:.0} ms")
    }
}

/// Makes a new directory under `parent` for one run.
fn new_dir(parent: &Path, made: &mut Vec<PathBuf>) -> std::io::Result<PathBuf> {
    let dir = parent.join(format!(
        "ayo-bench-batch-{}-{}",
        std::process::id(),
        made.len()
    ));
    std::fs::create_dir(&dir)?;
    made.push(dir.clone());
    Ok(dir)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize, default: usize| args.get(i).map_or(Ok(default), |s| s.parse());
    let (Ok(n), Ok(rounds), true) = (number(0, 10_000), number(1, 5), args.len() <= 3) else {
        eprintln!("usage: bench-batch [N] [ROUNDS] [PARENT]");
        return ExitCode::from(2);
    };
    let parent = args.get(2).map_or_else(std::env::temp_dir, PathBuf::from);
    let runs = [
        Run::Floor,
        Run::FloorAllFirst,
        Run::Markdown { chained: false },
        Run::Markdown { chained: true },
        Run::Memory { chained: false },
        Run::Memory { chained: true },
    ];
    let mut times = vec![Vec::new(); runs.len()];
    let mut made = Vec::new();
    let mut failed = None;
    'rounds: for round in 1..=rounds.max(1) {
        for (run, times) in runs.iter().zip(&mut times) {
            match run.time(n, || new_dir(&parent, &mut made)) {
                Ok(took) => {
                    eprintln!("round {round}: {}: {}", run.what(n), show(took));
                    times.push(took);
                }
                Err(e) => {
                    failed = Some(e);
                    break 'rounds;
                }
            }
        }
    }
    for dir in &made {
        if let Err(e) = std::fs::remove_dir_all(dir) {
            eprintln!("bench-batch: {}: {e}", dir.display());
        }
    }
    if let Some(e) = failed {
        eprintln!("bench-batch: {e}");
        return ExitCode::FAILURE;
    }
    let floor = median(&times[0]);
    println!("| what | tickets | median | ratio to floor |");
    println!("|---|---|---|---|");
    for (run, times) in runs.iter().zip(&times) {
        let m = median(times);
        let ratio = match run {
            Run::Floor => "1 (floor)".to_string(),
            _ => format!("{:.2}", m.as_secs_f64() / floor.as_secs_f64()),
        };
        println!("| Rust {} | {n} | {} | {ratio} |", run.what(n), show(m));
    }
    ExitCode::SUCCESS
}
