//! `ayo ticket reopen`.

use clap::Args;

use super::print_ticket;
use crate::context::Ctx;
use crate::error::CliError;

/// Reopen a closed ticket: closed → open.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket reopen abc123")]
pub(crate) struct ReopenArgs {
    /// The ticket: an id or a unique prefix of one.
    id: String,
}

/// Runs `ayo ticket reopen`.
pub(crate) fn run(args: ReopenArgs, ctx: &Ctx) -> Result<(), CliError> {
    let ticket = ctx.tickets()?.reopen(&args.id)?;
    print_ticket(&ticket, ctx)
}
