//! The `ayo` command line: `ayo ticket ...` over the `ayo-tickets` core.
//!
//! The binary's `main` only calls [`run`]. Each command lives in its own file under
//! `commands/` as a documented `clap::Args` struct (its doc comment is its `--help`) and a
//! `run` function; `error.rs` maps every core error to a message, a JSON error and an exit
//! code once; `output.rs` prints tables, trees and JSON. No ticket rule lives here: every rule,
//! including which store the flags and variables choose, is the core's.
//!
//! Exit codes: 0 done, 1 error, 2 bad usage, 3 nothing to do (a claim found nothing, a wait
//! timed out), 4 `ayo ticket run` lost its lease, 130 interrupted by Ctrl-C; `ayo ticket run`
//! also exits with its command's own status.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

mod args;
mod board;
mod commands;
mod context;
mod error;
mod input;
mod interrupt;
mod mcp;
mod output;
mod style;

use args::Cli;
use context::Ctx;

/// Runs `ayo` with the process's arguments and returns its exit code.
pub fn run() -> ExitCode {
    run_with(std::env::args_os())
}

/// Runs `ayo` with these arguments (the first is the program name) and returns its exit code.
pub fn run_with<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return error::usage_exit(&e, args::wants_json(&args)),
    };
    let ctx = Ctx::new(&cli.global);
    match commands::run(cli.command, &ctx) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => error::report(&e, &ctx),
    }
}

/// The clap command of `ayo`, for completions and documentation generators.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}
