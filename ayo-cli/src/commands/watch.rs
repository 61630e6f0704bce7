//! `ayo ticket watch`: the audit log as it grows, until interrupted.

use ayo_tickets::{Error, WatchOptions};
use chrono::{DateTime, Utc};
use clap::Args;

use crate::context::Ctx;
use crate::error::CliError;
use crate::interrupt::Signals;

/// Print each change to the tickets as it happens, one line each, until interrupted.
///
/// Each line is an entry of the audit log (`ayo ticket log`): when, who, which ticket, what,
/// details. With --json, one JSON object per line, `{at, actor, ticket, action, detail}`,
/// written as it happens. Woken by the store's change signal (file notification, PostgreSQL
/// LISTEN/NOTIFY), not by polling. SIGINT or SIGTERM ends it (exit 0).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket watch
  ayo ticket watch --since 2026-01-01T00:00:00Z   # replay the log from then, then keep going
  ayo ticket watch -a @validator --json | jq -r .ticket")]
pub(crate) struct WatchArgs {
    /// First replay the log's entries from this moment on (RFC 3339, e.g. 2026-01-01T09:00:00Z).
    #[arg(long, value_name = "TIME")]
    since: Option<DateTime<Utc>>,

    /// Only changes made by this agent or to tickets assigned to it.
    #[arg(short, long, value_name = "AGENT")]
    assignee: Option<String>,
}

/// Runs `ayo ticket watch`.
pub(crate) fn run(args: WatchArgs, ctx: &Ctx) -> Result<(), CliError> {
    let signals = Signals::watch();
    let tickets = ctx.tickets()?;
    let mut watch = tickets.watch(WatchOptions {
        since: args.since,
        agent: args.assignee,
    })?;
    let check = || signals.check();
    loop {
        let entry = match watch.next_entry(None, Some(&check)) {
            Ok(Some(e)) => e,
            Ok(None) => continue,
            Err(Error::Interrupted) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        if ctx.out.is_json() {
            let line = serde_json::to_string(&entry)
                .map_err(|e| CliError::Output(std::io::Error::other(e)))?;
            ctx.out.line(&line)?;
        } else {
            ctx.out.log(std::slice::from_ref(&entry))?;
        }
    }
}
