//! `ayo ticket dep remove`.

use clap::Args;

use crate::commands::print_ticket;
use crate::context::Ctx;
use crate::error::CliError;

/// Stop a ticket waiting for another.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket dep remove step2 step1")]
pub(crate) struct RemoveArgs {
    /// The ticket that waits: an id or a unique prefix of one.
    id: String,

    /// The dep to remove (its id, even if that ticket no longer exists).
    dep: String,
}

/// Runs `ayo ticket dep remove`.
pub(crate) fn run(args: RemoveArgs, ctx: &Ctx) -> Result<(), CliError> {
    let ticket = ctx.tickets()?.remove_dep(&args.id, &args.dep)?;
    print_ticket(&ticket, ctx)
}
