//! `ayo ticket start`.

use clap::Args;

use super::print_ticket;
use crate::context::Ctx;
use crate::error::CliError;

/// Start a ticket: open → in_progress.
///
/// Refused while the ticket waits for deps that are not closed (unless --force), and when it
/// is in progress for another agent; starting it again for the same agent does nothing.
/// To take the next ready ticket atomically, use `claim`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket start abc123
  ayo ticket start abc123 -a @validator")]
pub(crate) struct StartArgs {
    /// The ticket: an id or a unique prefix of one.
    id: String,

    /// Assign it to this agent as it starts.
    #[arg(short, long, value_name = "AGENT")]
    assignee: Option<String>,

    /// Start it even though it waits for deps that are not closed.
    #[arg(long)]
    force: bool,
}

/// Runs `ayo ticket start`.
pub(crate) fn run(args: StartArgs, ctx: &Ctx) -> Result<(), CliError> {
    let ticket = ctx
        .tickets()?
        .start(&args.id, args.assignee.as_deref(), args.force)?;
    print_ticket(&ticket, ctx)
}
