//! `ayo ticket guide`.

use clap::Args;

use crate::context::Ctx;
use crate::error::CliError;

/// Print a short how-to for agents: the few commands, ids, --json, exit codes, leases.
///
/// The same text as the `ayo://guide` resource of `ayo mcp`. With --json: a JSON string.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket guide
  ayo ticket guide > AGENTS-tickets.md")]
pub(crate) struct GuideArgs {}

/// Runs `ayo ticket guide`: needs no store.
pub(crate) fn run(_args: GuideArgs, ctx: &Ctx) -> Result<(), CliError> {
    if ctx.out.is_json() {
        ctx.out.json(ayo_tickets::GUIDE)
    } else {
        ctx.out.text(ayo_tickets::GUIDE)
    }
}
