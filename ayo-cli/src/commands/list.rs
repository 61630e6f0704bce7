//! `ayo ticket list` (also bare `ayo ticket`).

use ayo_tickets::{Filter, Status};
use clap::Args;

use super::print_tickets;
use crate::context::Ctx;
use crate::error::CliError;
use crate::input;

/// List tickets, oldest first: id, status, assignee, title, and what a ticket waits for.
///
/// A blocked ticket ends with "(blocked by <ids>)", as in
/// `step2  open  @validator  Validate extracted data  (blocked by step1)`.
/// Every filter given must match.
#[derive(Debug, Default, Args)]
#[command(after_help = "Examples:
  ayo ticket list
  ayo ticket list --status open -a @validator
  ayo ticket list --tag finance --json
  ayo ticket list --archived")]
pub(crate) struct ListArgs {
    /// Only tickets with this status: open, in_progress or closed.
    #[arg(long, value_name = "STATUS", value_parser = input::status)]
    status: Option<Status>,

    /// Only this agent's tickets (with or without the `@`).
    #[arg(short, long, value_name = "AGENT")]
    assignee: Option<String>,

    /// Only tickets with this tag.
    #[arg(long, value_name = "TAG")]
    tag: Option<String>,

    /// Only tickets of this type.
    #[arg(short = 't', long = "type", value_name = "TYPE")]
    kind: Option<String>,

    /// Only tickets that belong to this one: an id or a unique prefix of one.
    #[arg(long, value_name = "ID")]
    parent: Option<String>,

    /// Only archived tickets (`ayo ticket archive`), with the other filters; without it, only
    /// active ones.
    #[arg(long)]
    archived: bool,
}

impl From<ListArgs> for Filter {
    fn from(args: ListArgs) -> Self {
        Filter {
            status: args.status,
            assignee: args.assignee,
            tag: args.tag,
            kind: args.kind,
            parent: args.parent,
            archived: args.archived,
        }
    }
}

/// Runs `ayo ticket list`.
pub(crate) fn run(args: ListArgs, ctx: &Ctx) -> Result<(), CliError> {
    let filter = args.into();
    if ctx.out.is_json() {
        return print_tickets(&ctx.tickets()?.list(&filter)?, ctx);
    }
    ctx.out.lines(&ctx.tickets()?.list_lines(&filter)?)
}
