//! `ayo ticket search`.

use ayo_tickets::Filter;
use clap::Args;

use super::list::ListArgs;
use super::print_tickets;
use crate::context::Ctx;
use crate::error::CliError;

/// Find tickets whose title, description, notes or tags hold TEXT, in any case.
///
/// Rows as `list` prints them: the tickets whose title holds TEXT first, then the rest, each
/// oldest first. Every filter given must match as well.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket search invoice
  ayo ticket search \"rate limit\" --status open -a @validator
  ayo ticket search totals --tag finance --type bug --json")]
pub(crate) struct SearchArgs {
    /// The text to look for (a word or a phrase; any case).
    #[arg(value_name = "TEXT")]
    text: String,

    /// Which tickets to look in: the filters of `list`.
    #[command(flatten)]
    filter: ListArgs,
}

/// Runs `ayo ticket search`.
pub(crate) fn run(args: SearchArgs, ctx: &Ctx) -> Result<(), CliError> {
    let filter = Filter::from(args.filter);
    let tickets = ctx.tickets()?.search(&args.text, &filter)?;
    print_tickets(&tickets, ctx)
}
