//! `ayo ticket heartbeat`.

use clap::Args;

use crate::context::Ctx;
use crate::error::CliError;

/// Renew the lease on a ticket the agent holds.
///
/// The lease is extended by --lease seconds, else by the length given at claim. An agent
/// whose lease ran out and was taken over gets an error (CONFLICT).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket heartbeat abc123 -a @validator
  ayo ticket heartbeat abc123 -a @validator --lease 600")]
pub(crate) struct HeartbeatArgs {
    /// The ticket: an id or a unique prefix of one.
    id: String,

    /// The agent who holds it.
    #[arg(
        short,
        long,
        value_name = "AGENT",
        env = "AYO_AGENT",
        hide_env_values = true
    )]
    assignee: String,

    /// Renew by this many seconds.
    #[arg(long, value_name = "SECS", value_parser = crate::input::lease)]
    lease: Option<u64>,
}

/// Runs `ayo ticket heartbeat`.
pub(crate) fn run(args: HeartbeatArgs, ctx: &Ctx) -> Result<(), CliError> {
    let ticket = ctx
        .tickets()?
        .heartbeat(&args.id, &args.assignee, args.lease)?;
    if ctx.out.is_json() {
        return ctx.out.json(&ticket);
    }
    let until = ticket
        .lease_until
        .map(|l| l.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default();
    ctx.out.line(&format!("{}  lease until {until}", ticket.id))
}
