//! `ayo ticket delete`.

use clap::Args;

use crate::context::Ctx;
use crate::error::CliError;

/// Delete a ticket.
///
/// Refused while other tickets wait for it, unless --force, which also removes those deps.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket delete abc123
  ayo ticket delete abc123 --force     # and drop it from its dependents' deps")]
pub(crate) struct DeleteArgs {
    /// The ticket: an id or a unique prefix of one.
    id: String,

    /// Delete it even though others wait for it, removing it from their deps.
    #[arg(long)]
    force: bool,
}

/// Runs `ayo ticket delete`.
pub(crate) fn run(args: DeleteArgs, ctx: &Ctx) -> Result<(), CliError> {
    let ticket = ctx.tickets()?.delete(&args.id, args.force)?;
    if ctx.out.is_json() {
        ctx.out.json(&ticket)
    } else {
        ctx.out
            .line(&format!("deleted {}  {}", ticket.id, ticket.title))
    }
}
