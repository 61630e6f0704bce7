//! `ayo ticket log`.

use clap::Args;

use crate::context::Ctx;
use crate::error::CliError;

/// Show the audit log, oldest first: who did what to which ticket, and when.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket log
  ayo ticket log abc123      # one ticket's, also after it was deleted")]
pub(crate) struct LogArgs {
    /// Only this ticket's entries: an id or a unique prefix of one.
    id: Option<String>,
}

/// Runs `ayo ticket log`.
pub(crate) fn run(args: LogArgs, ctx: &Ctx) -> Result<(), CliError> {
    let entries = ctx.tickets()?.history(args.id.as_deref())?;
    if ctx.out.is_json() {
        ctx.out.json(&entries)
    } else {
        ctx.out.log(&entries)
    }
}
