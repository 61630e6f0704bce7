//! `ayo ticket search`.

use ayo_tickets::{Filter, Status};
use clap::Args;

use super::print_tickets;
use crate::context::Ctx;
use crate::error::CliError;
use crate::input;

/// Find tickets whose title, description, notes or tags hold TEXT, in any case.
///
/// Rows as `list` prints them: the tickets whose title holds TEXT first, then the rest, each
/// oldest first. Every filter given must match as well.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket search invoice
  ayo ticket search \"rate limit\" --status open -a @validator
  ayo ticket search totals --tag finance --json")]
pub(crate) struct SearchArgs {
    /// The text to look for (a word or a phrase; any case).
    #[arg(value_name = "TEXT")]
    text: String,

    /// Only tickets with this status: open, in_progress or closed.
    #[arg(long, value_name = "STATUS", value_parser = input::status)]
    status: Option<Status>,

    /// Only this agent's tickets (with or without the `@`).
    #[arg(short, long, value_name = "AGENT")]
    assignee: Option<String>,

    /// Only tickets with this tag.
    #[arg(long, value_name = "TAG")]
    tag: Option<String>,
}

/// Runs `ayo ticket search`.
pub(crate) fn run(args: SearchArgs, ctx: &Ctx) -> Result<(), CliError> {
    let filter = Filter {
        status: args.status,
        assignee: args.assignee,
        tag: args.tag,
        ..Filter::default()
    };
    let tickets = ctx.tickets()?.search(&args.text, &filter)?;
    print_tickets(&tickets, ctx)
}
