//! `ayo ticket release`.

use clap::Args;

use super::print_ticket;
use crate::context::Ctx;
use crate::error::CliError;

/// Give a claimed ticket back: in_progress → open, keeping its assignee.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket release abc123
  ayo ticket release abc123 -a @validator    # refused unless @validator holds it")]
pub(crate) struct ReleaseArgs {
    /// The ticket: an id or a unique prefix of one.
    id: String,

    /// The agent who gives it back (refused if another agent holds it).
    #[arg(short, long, value_name = "AGENT")]
    assignee: Option<String>,
}

/// Runs `ayo ticket release`.
pub(crate) fn run(args: ReleaseArgs, ctx: &Ctx) -> Result<(), CliError> {
    let ticket = ctx.tickets()?.release(&args.id, args.assignee.as_deref())?;
    print_ticket(&ticket, ctx)
}
