//! `ayo ticket claim`, with `--wait`.

use std::time::Duration;

use ayo_tickets::ClaimOptions;
use clap::Args;

use crate::context::Ctx;
use crate::error::CliError;
use crate::input;
use crate::interrupt::CtrlC;

/// Claim the next ticket for an agent and print its id.
///
/// Atomically picks the first ticket the agent may take (its own ready tickets first, then
/// unassigned ones, each by priority and age; also a ticket whose lease ran out) and starts it
/// for the agent. Two claimers never get the same ticket. Exits 3 when there is none. With
/// --wait, blocks until one can be claimed; Ctrl-C ends the wait (exit 130).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  id=$(ayo ticket claim -a @validator) || echo \"nothing to do\"
  ayo ticket claim -a @validator --wait --timeout 600 --lease 300
  ayo ticket heartbeat \"$id\" -a @validator   # renew the lease while working")]
pub(crate) struct ClaimArgs {
    /// The agent who claims.
    #[arg(
        short,
        long,
        value_name = "AGENT",
        env = "AYO_AGENT",
        hide_env_values = true
    )]
    assignee: String,

    /// Wait until a ticket can be claimed.
    #[arg(long)]
    wait: bool,

    /// With --wait: give up after this many seconds (exit 3).
    #[arg(long, value_name = "SECS", requires = "wait", value_parser = input::seconds)]
    timeout: Option<Duration>,

    /// Hold the claim for this many seconds unless renewed by `heartbeat`; then another agent
    /// may take the ticket over [env: AYO_LEASE; default: no lease].
    #[arg(long, value_name = "SECS", value_parser = input::lease)]
    lease: Option<u64>,
}

/// Runs `ayo ticket claim`.
pub(crate) fn run(args: ClaimArgs, ctx: &Ctx) -> Result<(), CliError> {
    let tickets = ctx.tickets()?;
    let options = ClaimOptions {
        wait: args.wait,
        timeout: args.timeout,
        lease: args.lease,
    };
    // Ctrl-C is watched only while waiting: a single attempt ends at once anyway.
    let ctrl_c = args.wait.then(CtrlC::watch);
    let check = || ctrl_c.as_ref().map_or(Ok(()), CtrlC::check);
    let claimed = tickets
        .claim_with(&args.assignee, &options, Some(&check))
        .map_err(|e| match &ctrl_c {
            Some(c) => c.map(e),
            None => CliError::Core(e),
        })?;
    match claimed {
        Some(ticket) if ctx.out.is_json() => ctx.out.json(&ticket),
        Some(ticket) => ctx.out.line(&ticket.id),
        None => {
            if ctx.out.is_json() {
                ctx.out.json(&serde_json::Value::Null)?;
            }
            let when = if args.wait { " in time" } else { "" };
            Err(CliError::Nothing(format!(
                "no ticket to claim for {}{when}",
                args.assignee
            )))
        }
    }
}
