//! `ayo ticket dep add`.

use clap::Args;

use crate::commands::print_ticket;
use crate::context::Ctx;
use crate::error::CliError;

/// Make a ticket wait for another.
///
/// Refused when the edge would close a cycle; the error names it, e.g. `a -> b -> a`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket dep add step2 step1       # step2 waits for step1")]
pub(crate) struct AddArgs {
    /// The ticket that waits: an id or a unique prefix of one.
    id: String,

    /// The ticket it waits for.
    dep: String,
}

/// Runs `ayo ticket dep add`.
pub(crate) fn run(args: AddArgs, ctx: &Ctx) -> Result<(), CliError> {
    let ticket = ctx.tickets()?.add_dep(&args.id, &args.dep)?;
    print_ticket(&ticket, ctx)
}
