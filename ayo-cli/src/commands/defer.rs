//! `ayo ticket defer`.

use clap::Args;

use super::print_ticket;
use crate::context::Ctx;
use crate::error::CliError;

/// Defer a ticket: not ready nor claimable until WHEN; --clear ends the deferral.
///
/// WHEN is an RFC 3339 time or a duration from now: 90s, 30m, 2h, 3d. A `ready --wait` or
/// `claim --wait` wakes by itself when a deferral ends. `list` shows "(deferred until …)".
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket defer abc123 2h
  ayo ticket defer abc123 2026-12-24T09:00:00Z
  ayo ticket defer abc123 --clear
  ayo ticket create \"Renew the certificate\" --defer-until 30d")]
pub(crate) struct DeferArgs {
    /// The ticket: an id or a unique prefix of one.
    id: String,

    /// Until when: an RFC 3339 time, or a duration from now (90s, 30m, 2h, 3d).
    #[arg(required_unless_present = "clear", conflicts_with = "clear")]
    when: Option<String>,

    /// End the deferral: the ticket is ready again when nothing else holds it back.
    #[arg(long)]
    clear: bool,
}

/// Runs `ayo ticket defer`.
pub(crate) fn run(args: DeferArgs, ctx: &Ctx) -> Result<(), CliError> {
    let until = args
        .when
        .as_deref()
        .map(ayo_tickets::when_from_text)
        .transpose()?;
    let ticket = ctx.tickets()?.defer(&args.id, until)?;
    print_ticket(&ticket, ctx)
}
