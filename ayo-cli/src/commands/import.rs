//! `ayo ticket import`.

use ayo_tickets::{StoreChoice, Tickets};
use clap::Args;

use super::export::report;
use crate::context::Ctx;
use crate::error::CliError;

/// Copy every ticket and the audit log from another store into this one, losslessly.
///
/// The other store is a directory, a postgres:// URL or a Claude Code task list
/// (claude:LIST, claude:/path); this one is chosen as for every command
/// (--store, --dir, ...). Every field is kept, and the text each ticket was read from, so
/// unknown frontmatter keys and layout survive. Nothing is written when an id is taken here, a
/// ticket there cannot be read, the directory or database schema named holds no store, or it
/// is this very store.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo --store 'postgres://db.internal/work?schema=team_a' ticket import --from .tickets
  AYO_STORE='postgres://db.internal/work?schema=team_a' ayo ticket import --from ~/old/.tickets")]
pub(crate) struct ImportArgs {
    /// Where to copy from: an existing store directory, a postgres:// URL or claude:LIST.
    #[arg(long, value_name = "URL|PATH")]
    from: String,
}

/// Runs `ayo ticket import`.
pub(crate) fn run(args: ImportArgs, ctx: &Ctx) -> Result<(), CliError> {
    let to = ctx.tickets()?;
    let from = Tickets::open_source(&StoreChoice::from_store_arg(&args.from))?;
    let copied = from.copy_to(&to).map_err(CliError::Copy)?;
    report(ctx, "imported", copied, &from, &to)
}
