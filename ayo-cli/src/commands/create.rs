//! `ayo ticket create`.

use ayo_tickets::NewTicket;
use clap::Args;

use crate::context::Ctx;
use crate::error::CliError;
use crate::input;

/// Create a ticket and print its id.
///
/// Only the new id goes to stdout, so `id=$(ayo ticket create ...)` works (with --json, the
/// whole ticket). Every dep must exist: an id, or a unique prefix of one.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket create \"Process Q1 expense reports\" -a @finance
  first=$(ayo ticket create \"Extract data from invoices\" -a @extractor)
  ayo ticket create \"Validate extracted data\" -a @validator --deps \"$first\" -p 1
  git log -1 --format=%B | ayo ticket create \"Follow up\" -d -
  ayo ticket create \"Check the nightly run\" --defer-until 8h")]
pub(crate) struct CreateArgs {
    /// The title: one line.
    title: String,

    /// Assign it to this agent (`finance` and `@finance` are the same).
    #[arg(short, long, value_name = "AGENT")]
    assignee: Option<String>,

    /// The tickets it waits for, comma-separated (ids or unique prefixes).
    #[arg(long, value_name = "IDS", alias = "dep")]
    deps: Vec<String>,

    /// Priority, 0 (most urgent) to 4 [default: 2].
    #[arg(short, long, value_name = "N", allow_negative_numbers = true)]
    priority: Option<i64>,

    /// Type: task, bug, feature, epic or chore [default: task].
    #[arg(short = 't', long = "type", value_name = "TYPE")]
    kind: Option<String>,

    /// Tags, comma-separated.
    #[arg(long, value_name = "TAGS")]
    tags: Vec<String>,

    /// The description (markdown); `-` reads it from stdin.
    #[arg(short, long, value_name = "TEXT")]
    description: Option<String>,

    /// The ticket this one belongs to, such as an epic (not a dependency).
    #[arg(long, value_name = "ID")]
    parent: Option<String>,

    /// Use this id instead of a generated one.
    #[arg(long, value_name = "ID")]
    id: Option<String>,

    /// Defer it: not ready nor claimable until WHEN (RFC 3339, or 90s, 30m, 2h, 3d from now).
    #[arg(long, value_name = "WHEN")]
    defer_until: Option<String>,
}

/// Runs `ayo ticket create`.
pub(crate) fn run(args: CreateArgs, ctx: &Ctx) -> Result<(), CliError> {
    let new = NewTicket {
        title: args.title,
        assignee: args.assignee,
        deps: input::list(&args.deps),
        priority: args.priority,
        kind: args.kind,
        tags: input::list(&args.tags),
        description: args
            .description
            .as_deref()
            .map(input::text_or_stdin)
            .transpose()?,
        parent: args.parent,
        id: args.id,
        defer_until: args
            .defer_until
            .as_deref()
            .map(ayo_tickets::when_from_text)
            .transpose()?,
    };
    let ticket = ctx.tickets()?.create(new)?;
    if ctx.out.is_json() {
        ctx.out.json(&ticket)
    } else {
        ctx.out.line(&ticket.id)
    }
}
