//! `ayo ticket link` and `ayo ticket unlink`.

use clap::Args;

use super::print_ticket;
use crate::context::Ctx;
use crate::error::CliError;

/// Link related tickets, both ways (tk's `links:`); no rule uses links, `show` lists them.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket link abc123 def456
  ayo ticket link abc123 def456 ghi789
  ayo ticket show def456            # links: abc123")]
pub(crate) struct LinkArgs {
    /// The ticket: an id or a unique prefix of one.
    id: String,

    /// The tickets to link it with.
    #[arg(required = true, value_name = "OTHER")]
    others: Vec<String>,
}

/// Remove the link between two tickets, both ways.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket unlink abc123 def456")]
pub(crate) struct UnlinkArgs {
    /// The ticket: an id or a unique prefix of one.
    id: String,

    /// The linked ticket (a link to a deleted ticket by its exact id).
    other: String,
}

/// Runs `ayo ticket link`.
pub(crate) fn run_link(args: LinkArgs, ctx: &Ctx) -> Result<(), CliError> {
    let others: Vec<&str> = args.others.iter().map(String::as_str).collect();
    let ticket = ctx.tickets()?.link(&args.id, &others)?;
    print_ticket(&ticket, ctx)
}

/// Runs `ayo ticket unlink`.
pub(crate) fn run_unlink(args: UnlinkArgs, ctx: &Ctx) -> Result<(), CliError> {
    let ticket = ctx.tickets()?.unlink(&args.id, &args.other)?;
    print_ticket(&ticket, ctx)
}
