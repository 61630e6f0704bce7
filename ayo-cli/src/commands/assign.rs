//! `ayo ticket assign`.

use clap::Args;

use super::print_ticket;
use crate::context::Ctx;
use crate::error::CliError;

/// Assign a ticket to an agent, or to nobody with --clear.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket assign abc123 @reviewer
  ayo ticket assign abc123 --clear")]
pub(crate) struct AssignArgs {
    /// The ticket: an id or a unique prefix of one.
    id: String,

    /// The agent (`reviewer` and `@reviewer` are the same).
    #[arg(required_unless_present = "clear", conflicts_with = "clear")]
    agent: Option<String>,

    /// Assign it to nobody.
    #[arg(long)]
    clear: bool,
}

/// Runs `ayo ticket assign`.
pub(crate) fn run(args: AssignArgs, ctx: &Ctx) -> Result<(), CliError> {
    let ticket = ctx.tickets()?.assign(&args.id, args.agent.as_deref())?;
    print_ticket(&ticket, ctx)
}
