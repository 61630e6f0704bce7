//! `ayo ticket export`.

use ayo_tickets::{Copied, StoreChoice, Tickets};
use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::error::CliError;

/// Copy every ticket and the audit log to another store, losslessly.
///
/// The other store is a directory (made if missing), a postgres:// URL or a Claude Code
/// task list (claude:LIST, claude:/path). Every field is kept,
/// and the text each ticket was read from, so unknown frontmatter keys, comments and layout
/// survive markdown → PostgreSQL → markdown. Nothing is written when an id is taken there, a
/// ticket here cannot be read, a file is where the directory should be, or it is this very
/// store.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo --dir .tickets ticket export --to 'postgres://db.internal/work?schema=team_a'
  ayo --store 'postgres://db.internal/work?schema=team_a' ticket export --to ./backup/.tickets")]
pub(crate) struct ExportArgs {
    /// Where to copy to: a directory, a postgres:// URL or claude:LIST.
    #[arg(long, value_name = "URL|PATH")]
    to: String,
}

/// Runs `ayo ticket export`.
pub(crate) fn run(args: ExportArgs, ctx: &Ctx) -> Result<(), CliError> {
    let from = ctx.tickets()?;
    let to = open_other(&args.to)?;
    let copied = from.copy_to(&to).map_err(CliError::Copy)?;
    report(ctx, "exported", copied, &from, &to)
}

/// Opens the store a command names as its argument: a directory or a URL.
pub(super) fn open_other(arg: &str) -> Result<Tickets, CliError> {
    Ok(Tickets::open_choice(&StoreChoice::from_store_arg(arg))?)
}

/// Prints what a copy did: `{"tickets", "log_entries", "from", "to"}`, or a line.
pub(super) fn report(
    ctx: &Ctx,
    verb: &str,
    copied: Copied,
    from: &Tickets,
    to: &Tickets,
) -> Result<(), CliError> {
    let (from, to) = (from.store().location(), to.store().location());
    if ctx.out.is_json() {
        ctx.out.json(&json!({
            "tickets": copied.tickets,
            "log_entries": copied.log_entries,
            "from": from,
            "to": to,
        }))
    } else {
        ctx.out.line(&format!(
            "{verb} {} tickets and {} log entries from {from} to {to}",
            copied.tickets, copied.log_entries
        ))
    }
}
