//! `ayo ticket why`.

use ayo_tickets::{Reason, Why};
use clap::Args;

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::time;

/// Say why a ticket is not ready, or not claimable by an agent.
///
/// Lists its status, its open deps and the root blockers behind them, its deferral, who holds
/// it and with which lease, and an assignee other than AGENT. With --json:
/// `{id, ready, claimable, reasons: [{kind, ...}]}`, kinds `status`, `blocked` (deps, roots),
/// `deferred` (until), `claimed` (by, lease_until, lease_expired), `assigned` (to).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket why abc123
  ayo ticket why abc123 -a @validator
  ayo ticket why abc123 --json | jq '.reasons[].kind'")]
pub(crate) struct WhyArgs {
    /// The ticket: an id or a unique prefix of one.
    id: String,

    /// Whether this agent may claim it (without: its assignee, or anyone).
    #[arg(short, long, value_name = "AGENT")]
    agent: Option<String>,
}

/// Runs `ayo ticket why`.
pub(crate) fn run(args: WhyArgs, ctx: &Ctx) -> Result<(), CliError> {
    let why = ctx.tickets()?.why(&args.id, args.agent.as_deref())?;
    if ctx.out.is_json() {
        return ctx.out.json(&why);
    }
    ctx.out.text(&words(&why))
}

/// The answer for people: a first line, then one line a reason.
fn words(why: &Why) -> String {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let mut text = format!(
        "{}  ready: {}  claimable: {}\n",
        why.id,
        yes_no(why.ready),
        yes_no(why.claimable)
    );
    for r in &why.reasons {
        let line = match r {
            Reason::Status { status } => format!("status is {status}"),
            Reason::Blocked { deps, roots } => {
                format!(
                    "blocked by {} (root: {})",
                    deps.join(", "),
                    roots.join(", ")
                )
            }
            Reason::Deferred { until } => format!("deferred until {}", time(until)),
            Reason::Claimed {
                by,
                lease_until,
                lease_expired,
            } => {
                let by = by.as_deref().unwrap_or("nobody");
                match (lease_until, lease_expired) {
                    (Some(l), true) => format!("claimed by {by}, lease ran out at {}", time(l)),
                    (Some(l), false) => format!("claimed by {by}, lease until {}", time(l)),
                    (None, _) => format!("claimed by {by}, no lease"),
                }
            }
            Reason::Assigned { to } => format!("assigned to {to}"),
        };
        text.push_str(&format!("  {line}\n"));
    }
    text
}
