//! `ayo ticket note`.

use clap::Args;

use super::print_ticket;
use crate::context::Ctx;
use crate::error::CliError;
use crate::input;

/// Add a timestamped note to a ticket, by the actor (--actor, else $AYO_AGENT).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket note abc123 \"Processed 47 reports, 3 flagged for review\"
  ayo --actor @processor ticket note abc123 \"Done with batch 1\"
  make test 2>&1 | tail -5 | ayo ticket note abc123 -")]
pub(crate) struct NoteArgs {
    /// The ticket: an id or a unique prefix of one.
    id: String,

    /// The note; `-` reads it from stdin.
    text: String,
}

/// Runs `ayo ticket note`.
pub(crate) fn run(args: NoteArgs, ctx: &Ctx) -> Result<(), CliError> {
    let text = input::text_or_stdin(&args.text)?;
    let ticket = ctx.tickets()?.note(&args.id, &text)?;
    print_ticket(&ticket, ctx)
}
