//! `bench-dataset [--tk] DIR N`: writes the bench project graph of N tickets into the markdown
//! store DIR (which must hold no tickets yet) in one batch, and builds its scan index; with
//! `--tk`, writes them in tk's own format, file by file, as tk would: a directory ayo never
//! wrote (no `.ayo/`).
//!
//! `benches/cli.sh` uses `--tk` to make the 10k and 100k directories the CLI is timed on.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let tk = args.first().is_some_and(|a| a == "--tk");
    if tk {
        args.remove(0);
    }
    let (Some(dir), Some(Ok(n)), None) = (
        args.first(),
        args.get(1).map(|s| s.parse::<usize>()),
        args.get(2),
    ) else {
        eprintln!("usage: bench-dataset [--tk] DIR N");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let has_tickets = std::fs::read_dir(&dir).is_ok_and(|mut d| {
        d.any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".md")))
    });
    if has_tickets {
        eprintln!("{} already holds tickets", dir.display());
        return ExitCode::from(1);
    }
    let started = Instant::now();
    let made = if tk {
        ayo_benches::tk_project(&dir, n).map_err(|e| e.to_string())
    } else {
        ayo_benches::markdown_project(&dir, n)
            .map(drop)
            .map_err(|e| e.to_string())
    };
    match made {
        Ok(()) => {
            eprintln!(
                "{n} tickets in {} ({:.2} s)",
                dir.display(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
