//! `ayo ticket blocked`.

use clap::Args;

use super::print_tickets;
use crate::context::Ctx;
use crate::error::CliError;

/// List open or in-progress tickets that wait for deps that are not closed, oldest first.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket blocked
  ayo ticket blocked -a @validator")]
pub(crate) struct BlockedArgs {
    /// Only this agent's tickets (with or without the `@`).
    #[arg(short, long, value_name = "AGENT")]
    assignee: Option<String>,
}

/// Runs `ayo ticket blocked`.
pub(crate) fn run(args: BlockedArgs, ctx: &Ctx) -> Result<(), CliError> {
    let tickets = ctx.tickets()?.blocked(args.assignee.as_deref())?;
    print_tickets(&tickets, ctx)?;
    // The process ends next: freeing thousands of tickets one by one would only cost time.
    std::mem::forget(tickets);
    Ok(())
}
