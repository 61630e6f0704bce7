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
    let tickets = ctx.tickets()?;
    let assignee = args.assignee.as_deref();
    if ctx.out.is_json() {
        let blocked = tickets.blocked(assignee)?;
        print_tickets(&blocked, ctx)?;
        // The process ends next: freeing thousands of tickets one by one would only cost time.
        std::mem::forget(blocked);
        return Ok(());
    }
    let lines = tickets.blocked_lines(assignee)?;
    ctx.out.lines(&lines)?;
    // As above: the process ends next.
    std::mem::forget(lines);
    Ok(())
}
