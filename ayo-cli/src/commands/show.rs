//! `ayo ticket show`.

use clap::Args;

use crate::context::Ctx;
use crate::error::CliError;

/// Show one ticket in full: fields, description and notes.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket show abc123
  ayo ticket show ab            # any unique prefix of the id
  ayo ticket show abc123 --json | jq -r .status")]
pub(crate) struct ShowArgs {
    /// The ticket: an id or a unique prefix of one.
    id: String,
}

/// Runs `ayo ticket show`.
pub(crate) fn run(args: ShowArgs, ctx: &Ctx) -> Result<(), CliError> {
    let ticket = ctx.tickets()?.get(&args.id)?;
    if ctx.out.is_json() {
        ctx.out.json(&ticket)
    } else {
        ctx.out.ticket(&ticket)
    }
}
