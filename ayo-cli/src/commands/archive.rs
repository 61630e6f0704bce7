//! `ayo ticket archive` and `ayo ticket unarchive`.

use clap::Args;

use super::{print_ticket, print_tickets};
use crate::context::Ctx;
use crate::error::CliError;

/// Archive closed tickets: out of `list`, `ready`, `blocked` and `claim`, still shown by id.
///
/// Give ids (all or nothing: if one is not closed, none is archived and the error names it),
/// or --older-than DURATION to archive every closed ticket closed longer ago than that (90s,
/// 30m, 2h, 3d). An archived ticket is still found by `show`, `log`, `dep tree` and `why`;
/// `list --archived` lists them; a dep on one counts as closed; it cannot be changed until
/// `unarchive`. A directory store moves its file to `.tickets/archive/`. Prints the archived
/// tickets (with --json an array; `archived: true` on each).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket archive abc123 def456
  ayo ticket archive --older-than 30d
  ayo ticket list --archived
  ayo ticket unarchive abc123")]
pub(crate) struct ArchiveArgs {
    /// The tickets: ids or unique prefixes of ids, each closed.
    #[arg(
        value_name = "ID",
        required_unless_present = "older_than",
        conflicts_with = "older_than"
    )]
    ids: Vec<String>,

    /// Archive every closed ticket closed longer ago than this: 90s, 30m, 2h, 3d.
    #[arg(long, value_name = "DURATION")]
    older_than: Option<String>,
}

/// Bring an archived ticket back: listed and changeable again, still closed.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket unarchive abc123
  ayo ticket reopen abc123         # then, to work on it again")]
pub(crate) struct UnarchiveArgs {
    /// The archived ticket's id.
    id: String,
}

/// Runs `ayo ticket archive`.
pub(crate) fn run_archive(args: ArchiveArgs, ctx: &Ctx) -> Result<(), CliError> {
    let tickets = match &args.older_than {
        Some(age) => ctx
            .tickets()?
            .archive_older_than(ayo_tickets::duration_from_text(age)?)?,
        None => {
            let ids: Vec<&str> = args.ids.iter().map(String::as_str).collect();
            ctx.tickets()?.archive(&ids)?
        }
    };
    print_tickets(&tickets, ctx)
}

/// Runs `ayo ticket unarchive`.
pub(crate) fn run_unarchive(args: UnarchiveArgs, ctx: &Ctx) -> Result<(), CliError> {
    let ticket = ctx.tickets()?.unarchive(&args.id)?;
    print_ticket(&ticket, ctx)
}
