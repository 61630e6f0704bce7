//! `ayo ticket edit`.

use ayo_tickets::Update;
use clap::{ArgGroup, Args};

use super::print_ticket;
use crate::context::Ctx;
use crate::error::CliError;
use crate::input;

/// Edit a ticket's fields; the fields not given stay as they are.
///
/// Status, assignee, deps and notes have their own commands (start, close, assign, dep,
/// note).
#[derive(Debug, Args)]
#[command(
    group(ArgGroup::new("change").required(true).multiple(true)
        .args(["title", "description", "priority", "kind", "tags", "parent", "no_parent",
            "defer_until", "no_defer"])),
    after_help = "Examples:
  ayo ticket edit abc123 --title \"Validate all extracted data\"
  ayo ticket edit abc123 -p 0 --tags finance,urgent
  ayo ticket edit abc123 --tags ''          # no tags
  ayo ticket edit abc123 -p 1 --defer-until 2h
  ayo ticket edit abc123 --no-defer          # as `defer abc123 --clear`
  ayo ticket edit abc123 -d - < notes.md"
)]
pub(crate) struct EditArgs {
    /// The ticket: an id or a unique prefix of one.
    id: String,

    /// A new title.
    #[arg(long, value_name = "TITLE")]
    title: Option<String>,

    /// A new description (markdown); `-` reads it from stdin.
    #[arg(short, long, value_name = "TEXT")]
    description: Option<String>,

    /// A new priority, 0 (most urgent) to 4.
    #[arg(short, long, value_name = "N", allow_negative_numbers = true)]
    priority: Option<i64>,

    /// A new type: task, bug, feature, epic or chore.
    #[arg(short = 't', long = "type", value_name = "TYPE")]
    kind: Option<String>,

    /// New tags, comma-separated, replacing the old ones (`''` removes them all).
    #[arg(long, value_name = "TAGS")]
    tags: Option<String>,

    /// A new parent ticket: an id or a unique prefix of one; not the ticket itself, nor one of
    /// its descendants.
    #[arg(long, value_name = "ID", conflicts_with = "no_parent")]
    parent: Option<String>,

    /// Remove the parent.
    #[arg(long)]
    no_parent: bool,

    /// Defer the ticket until WHEN, as `defer ID WHEN` does: an RFC 3339 time, or a duration
    /// from now (90s, 30m, 2h, 3d).
    #[arg(long, value_name = "WHEN", conflicts_with = "no_defer")]
    defer_until: Option<String>,

    /// End the deferral, as `defer ID --clear` does.
    #[arg(long, visible_alias = "clear-defer")]
    no_defer: bool,
}

/// Runs `ayo ticket edit`.
pub(crate) fn run(args: EditArgs, ctx: &Ctx) -> Result<(), CliError> {
    let parent = match (args.parent, args.no_parent) {
        (Some(p), _) => Some(Some(p)),
        (None, true) => Some(None),
        (None, false) => None,
    };
    let defer_until = match (args.defer_until, args.no_defer) {
        (Some(w), _) => Some(Some(ayo_tickets::when_from_text(&w)?)),
        (None, true) => Some(None),
        (None, false) => None,
    };
    let update = Update {
        title: args.title,
        description: args
            .description
            .as_deref()
            .map(input::text_or_stdin)
            .transpose()?,
        priority: args.priority,
        kind: args.kind,
        tags: args.tags.map(|t| input::list(&[t])),
        parent,
        defer_until,
    };
    let ticket = ctx.tickets()?.update(&args.id, update)?;
    print_ticket(&ticket, ctx)
}
