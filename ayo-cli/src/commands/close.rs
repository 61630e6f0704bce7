//! `ayo ticket close`.

use clap::Args;

use crate::context::Ctx;
use crate::error::CliError;

/// Close a ticket and print the tickets that became ready with it.
///
/// Prints one row for each open dependent whose last open dep this was (nothing when none).
/// With --json: {"ticket": ..., "unblocked": [...]}.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket close abc123
  ayo ticket close abc123 --reason \"Processed 47 reports, 3 flagged for review\"")]
pub(crate) struct CloseArgs {
    /// The ticket: an id or a unique prefix of one.
    id: String,

    /// Why, or what came of it; kept as a note.
    #[arg(short, long, value_name = "TEXT")]
    reason: Option<String>,
}

/// Runs `ayo ticket close`.
pub(crate) fn run(args: CloseArgs, ctx: &Ctx) -> Result<(), CliError> {
    let closed = ctx.tickets()?.close(&args.id, args.reason.as_deref())?;
    if ctx.out.is_json() {
        ctx.out.json(&closed)
    } else {
        ctx.out.tickets(&closed.unblocked)
    }
}
