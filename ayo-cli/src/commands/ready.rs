//! `ayo ticket ready`, with `--wait`.

use std::time::Duration;

use clap::Args;

use super::{print_ticket, print_tickets};
use crate::context::Ctx;
use crate::error::CliError;
use crate::input;
use crate::interrupt::CtrlC;

/// List ready tickets: open, every dep closed, not deferred; by priority, then age.
///
/// With --wait, blocks until a ticket is ready and prints that one ticket, without claiming it
/// (use `claim --wait` to take it). A wait that times out exits 3; Ctrl-C ends it (exit 130).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket ready
  ayo ticket ready -a @reviewer
  ayo ticket ready -a @reviewer --wait --timeout 300")]
pub(crate) struct ReadyArgs {
    /// Only this agent's tickets (with or without the `@`).
    #[arg(short, long, value_name = "AGENT")]
    assignee: Option<String>,

    /// Wait until a ticket is ready, then print it.
    #[arg(long)]
    wait: bool,

    /// With --wait: give up after this many seconds (exit 3).
    #[arg(long, value_name = "SECS", requires = "wait", value_parser = input::seconds)]
    timeout: Option<Duration>,
}

/// Runs `ayo ticket ready`.
pub(crate) fn run(args: ReadyArgs, ctx: &Ctx) -> Result<(), CliError> {
    let tickets = ctx.tickets()?;
    if !args.wait {
        if !ctx.out.is_json() {
            return ctx
                .out
                .lines(&tickets.ready_lines(args.assignee.as_deref())?);
        }
        let ready = tickets.ready(args.assignee.as_deref())?;
        return print_tickets(&ready, ctx);
    }
    let ctrl_c = CtrlC::watch();
    let found = tickets
        .wait_ready_with(args.assignee.as_deref(), args.timeout, &|| ctrl_c.check())
        .map_err(|e| ctrl_c.map(e))?;
    match found {
        Some(ticket) => print_ticket(&ticket, ctx),
        None => {
            if ctx.out.is_json() {
                ctx.out.json(&serde_json::Value::Null)?;
            }
            let whose = args
                .assignee
                .map(|a| format!(" for {a}"))
                .unwrap_or_default();
            Err(CliError::Nothing(format!(
                "no ticket became ready{whose} in time"
            )))
        }
    }
}
