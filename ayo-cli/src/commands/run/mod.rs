//! `ayo ticket run`: claims a ticket as a job of the core ([`ayo_tickets::Tickets::work`]),
//! which keeps its lease alive, and runs a command on it; closes or gives the ticket back by how
//! the command ended. Only the process handling is here (in `child.rs`).

use std::ffi::OsString;
use std::time::Duration;

use ayo_tickets::{ClaimOptions, Job, StoreChoice, Ticket};
use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::error::{CliError, EXIT_LOST};
use crate::input;
use crate::interrupt::Signals;

mod child;

/// Claim a ticket, run a command on it, then close it or give it back.
///
/// Claims the next ticket for the agent (as `claim`; exit 3 when there is none) with a lease
/// that `ayo` keeps alive while COMMAND runs (default 60 s, or $AYO_LEASE; renewed every third
/// of it). COMMAND gets AYO_TICKET_ID, AYO_TICKET_TITLE, AYO_AGENT and the store (AYO_STORE,
/// and AYO_TICKETS_DIR for a directory) in its environment, so `ayo ticket note
/// "$AYO_TICKET_ID" ...` inside it reaches the same store. Then:
///
/// - COMMAND exits 0: the ticket is closed and the tickets that became ready are printed.
///
/// - COMMAND fails (non-zero, or killed by a signal): the ticket is given back with a note
///   holding the status and the last lines of COMMAND's stderr (at most 4 KB; its stderr still
///   reaches yours), and `ayo` exits with COMMAND's status (128 + the signal for a signal).
///
/// - SIGINT or SIGTERM to `ayo`: passed on to COMMAND; when it ends, the ticket is given back
///   with a note, and `ayo` exits 128 + that signal.
///
/// - The lease is lost (another agent took the ticket over after `ayo` could not renew it in
///   time, or someone closed, released or deleted it): COMMAND gets SIGTERM, then SIGKILL after
///   --grace seconds; a note records it; `ayo` exits 4.
///
/// Signals go to COMMAND's own process: a script that starts others should pass them on (or
/// `exec` the last one).
///
/// With --loop, claims the next ticket after each run that closed one, until nothing has been
/// claimable for --idle seconds, then prints how many it closed and gave back. A run that
/// fails ends the loop (a broken command does not spin on the ticket it gave back) with that
/// run's status. With --json, prints one object per run, {"ticket", "outcome" (closed,
/// released or lost), "exit", "unblocked"}, and COMMAND's stdout goes to stderr.
///
/// Exit statuses: 0 closed (with --loop: ran out of work); COMMAND's own status when it failed;
/// 3 nothing to claim; 4 the lease was lost; 128 + N when ayo got signal N; 1 an error of ayo's
/// own; 2 bad usage.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket run -a @validator --lease 120 -- ./validate.sh
  ayo ticket run -a @worker --loop --idle 30 -- sh -c 'claude -p \"Do ticket $AYO_TICKET_ID: $AYO_TICKET_TITLE\"'
  ayo ticket run -a @worker --wait --timeout 600 --json -- make -C \"work/$AYO_TICKET_ID\"")]
pub(crate) struct RunArgs {
    /// The agent who claims and works.
    #[arg(
        short,
        long,
        value_name = "AGENT",
        env = "AYO_AGENT",
        hide_env_values = true
    )]
    assignee: String,

    /// The lease, in seconds, renewed every third of it while COMMAND runs [env: AYO_LEASE;
    /// default: 60].
    #[arg(long, value_name = "SECS")]
    lease: Option<u64>,

    /// Wait until a ticket can be claimed.
    #[arg(long)]
    wait: bool,

    /// With --wait: give up after this many seconds (exit 3).
    #[arg(long, value_name = "SECS", requires = "wait", value_parser = input::seconds)]
    timeout: Option<Duration>,

    /// Run ticket after ticket, until nothing has been claimable for --idle seconds.
    #[arg(long = "loop")]
    repeat: bool,

    /// With --loop: how long to wait for the next ticket before stopping [default: 0].
    #[arg(long, value_name = "SECS", requires = "repeat", value_parser = input::seconds)]
    idle: Option<Duration>,

    /// How long COMMAND has after SIGTERM (sent when the lease is lost) before SIGKILL.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = input::seconds)]
    grace: Duration,

    /// The command and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    command: Vec<OsString>,
}

/// How one run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Closed,
    Released,
    Lost,
}

impl Outcome {
    fn name(self) -> &'static str {
        match self {
            Outcome::Closed => "closed",
            Outcome::Released => "released",
            Outcome::Lost => "lost",
        }
    }
}

/// One run's result: how it ended, the ticket as it was left, the exit status `ayo` takes
/// from it, and the tickets that became ready.
struct Ran {
    outcome: Outcome,
    ticket: Ticket,
    exit: u8,
    command_exit: Option<u8>,
    unblocked: Vec<Ticket>,
}

/// Runs `ayo ticket run`.
pub(crate) fn run(args: RunArgs, ctx: &Ctx) -> Result<(), CliError> {
    let tickets = ctx.tickets()?;
    let env = store_env(&ctx.store_choice()?)?;
    let signals = Signals::watch();
    let (mut closed, mut released) = (0usize, 0usize);
    let mut first = true;
    let status = loop {
        let options = claim_options(&args, first);
        first = false;
        let job = tickets
            .work_with(&args.assignee, &options, &|| signals.check())
            .map_err(|e| match signals.take() {
                Some(sig) => interrupted(sig),
                None => CliError::Core(e),
            })?;
        let Some(job) = job else {
            if !args.repeat {
                let when = if args.wait { " in time" } else { "" };
                if ctx.out.is_json() {
                    ctx.out.json(&serde_json::Value::Null)?;
                }
                return Err(CliError::Nothing(format!(
                    "no ticket to claim for {}{when}",
                    args.assignee
                )));
            }
            break 0;
        };
        let ran = run_one(&job, &args, &env, &signals, ctx)?;
        report(&ran, &job, ctx)?;
        match ran.outcome {
            Outcome::Closed => closed += 1,
            _ => released += 1,
        }
        if !args.repeat || ran.outcome != Outcome::Closed {
            break ran.exit;
        }
    };
    if args.repeat && !ctx.out.is_json() {
        ctx.out
            .line(&format!("closed {closed}, gave back {released}"))?;
    }
    match status {
        0 => Ok(()),
        code => Err(CliError::Status(code)),
    }
}

/// The claim of one turn: the first follows --wait and --timeout; with --loop, each later one
/// (and a first without --wait) waits up to --idle.
fn claim_options(args: &RunArgs, first: bool) -> ClaimOptions {
    let idle = args.idle.filter(|d| !d.is_zero());
    let (wait, timeout) = match (first && args.wait, idle) {
        (true, _) => (true, args.timeout),
        (false, Some(idle)) if args.repeat => (true, Some(idle)),
        _ => (false, None),
    };
    ClaimOptions {
        wait,
        timeout,
        lease: args.lease,
    }
}

fn interrupted(sig: i32) -> CliError {
    if sig == 2 {
        CliError::Core(ayo_tickets::Error::Interrupted)
    } else {
        CliError::Status(u8::try_from(128 + sig).unwrap_or(255))
    }
}

/// The store, for COMMAND's environment: `AYO_STORE` (a URL, `claude:` and a task list
/// directory made absolute, or a directory made absolute, then also `AYO_TICKETS_DIR`).
fn store_env(choice: &StoreChoice) -> Result<Vec<(String, OsString)>, CliError> {
    if let StoreChoice::Url(url) = choice {
        return Ok(vec![("AYO_STORE".into(), url.into())]);
    }
    if let StoreChoice::Claude(dir) = choice {
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.clone());
        let mut value = OsString::from(ayo_tickets::store::claude::PREFIX);
        value.push(dir.as_os_str());
        return Ok(vec![("AYO_STORE".into(), value)]);
    }
    let home = ayo_tickets::home()?;
    let dir = choice.dir_under(&home).unwrap_or_default();
    let dir = std::path::absolute(&dir).unwrap_or(dir);
    Ok(vec![
        ("AYO_STORE".into(), dir.clone().into_os_string()),
        ("AYO_TICKETS_DIR".into(), dir.into_os_string()),
    ])
}

/// Runs COMMAND on the job's ticket, then closes or gives back the ticket by how it ended.
fn run_one(
    job: &Job,
    args: &RunArgs,
    store: &[(String, OsString)],
    signals: &Signals,
    ctx: &Ctx,
) -> Result<Ran, CliError> {
    let t = job.ticket();
    let mut env = store.to_vec();
    env.push(("AYO_TICKET_ID".into(), t.id.clone().into()));
    env.push(("AYO_TICKET_TITLE".into(), t.title.clone().into()));
    env.push(("AYO_AGENT".into(), job.agent().into()));
    let shown = shown(&args.command);
    let ended = match child::run(
        &args.command,
        &env,
        job,
        signals,
        args.grace,
        ctx.out.is_json(),
    ) {
        Ok(ended) => ended,
        Err(e) => {
            // As a shell: 127 for a command that cannot be found, 126 for one that cannot run.
            let exit = if e.kind() == std::io::ErrorKind::NotFound {
                127
            } else {
                126
            };
            let note = format!("Given back: `{shown}` could not be started: {e}");
            eprintln!("ayo: cannot run `{shown}`: {e}");
            return finish_failed(job, &note, exit, None);
        }
    };
    let code = ended.code();
    if let Some(sig) = ended.stopped {
        let how = match sig {
            9 => format!(
                "`{shown}` was sent SIGTERM, then SIGKILL after {:?}",
                args.grace
            ),
            _ => format!("`{shown}` was sent SIGTERM"),
        };
        let _ = job.note_lost(&format!("{how}; it {}.", child::describe(&ended.status)));
        return Ok(lost(job, code));
    }
    let tail = match ended.tail.is_empty() {
        true => String::new(),
        false => format!("\n\nLast lines of its stderr:\n```\n{}\n```", ended.tail),
    };
    if let Some(sig) = ended.interrupted {
        let note = format!(
            "Given back: `ayo ticket run` got {} and passed it on; `{shown}` {}.{tail}",
            child::signal_name(sig),
            child::describe(&ended.status)
        );
        return finish_failed(
            job,
            &note,
            u8::try_from(128 + sig).unwrap_or(255),
            Some(code),
        );
    }
    if ended.status.success() {
        return match job.close(None) {
            Ok(c) => Ok(Ran {
                outcome: Outcome::Closed,
                ticket: c.ticket,
                exit: 0,
                command_exit: Some(0),
                unblocked: c.unblocked,
            }),
            Err(_) if job.lost().is_some() => Ok(lost(job, EXIT_LOST)),
            Err(e) => Err(e.into()),
        };
    }
    let note = format!(
        "Given back: `{shown}` {}.{tail}",
        child::describe(&ended.status)
    );
    finish_failed(job, &note, code, Some(code))
}

/// Gives the ticket back with `note`; `ayo` takes `exit`.
fn finish_failed(
    job: &Job,
    note: &str,
    exit: u8,
    command_exit: Option<u8>,
) -> Result<Ran, CliError> {
    match job.release(Some(note)) {
        Ok(ticket) => Ok(Ran {
            outcome: Outcome::Released,
            ticket,
            exit,
            command_exit,
            unblocked: Vec::new(),
        }),
        Err(_) if job.lost().is_some() => Ok(lost(job, command_exit.unwrap_or(EXIT_LOST))),
        Err(e) => Err(e.into()),
    }
}

/// A run whose job was lost.
fn lost(job: &Job, command_exit: u8) -> Ran {
    Ran {
        outcome: Outcome::Lost,
        ticket: job.ticket().clone(),
        exit: EXIT_LOST,
        command_exit: Some(command_exit),
        unblocked: Vec::new(),
    }
}

/// Prints one run: a JSON object, or a line on stderr and the tickets that became ready.
fn report(ran: &Ran, job: &Job, ctx: &Ctx) -> Result<(), CliError> {
    if ctx.out.is_json() {
        return ctx.out.json(&json!({
            "ticket": ran.ticket,
            "outcome": ran.outcome.name(),
            "exit": ran.command_exit,
            "unblocked": ran.unblocked,
        }));
    }
    let exit = ran
        .command_exit
        .map(|c| format!(" (exit {c})"))
        .unwrap_or_default();
    let line = match ran.outcome {
        Outcome::Closed => format!("ayo: {} closed{exit}", ran.ticket.id),
        Outcome::Released => format!("ayo: {} given back{exit}", ran.ticket.id),
        Outcome::Lost => format!(
            "ayo: {} lost: {}{exit}",
            ran.ticket.id,
            job.lost().unwrap_or_default()
        ),
    };
    eprintln!("{line}");
    ctx.out.tickets(&ran.unblocked)
}

/// The command as a person reads it, for notes.
fn shown(argv: &[OsString]) -> String {
    argv.iter()
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ")
}
