//! The commands: `ayo ticket <command>`, `ayo completions <shell>`, `ayo mcp` (in `mcp/`) and
//! `ayo board` (in `board/`).

use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::error::CliError;

mod archive;
mod assign;
mod blocked;
mod check;
mod claim;
mod close;
mod completions;
mod create;
mod defer;
mod delete;
mod dep;
mod edit;
mod export;
mod graph;
mod guide;
mod heartbeat;
mod import;
mod link;
mod list;
mod log;
mod note;
mod ready;
mod release;
mod reopen;
mod run;
mod search;
mod show;
mod start;
mod watch;
mod why;

/// What `ayo` does.
// Parsed once per process; boxing the big variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    #[command(alias = "tickets")]
    Ticket(TicketArgs),
    Completions(completions::CompletionsArgs),
    Mcp(crate::mcp::McpArgs),
    Board(crate::board::BoardArgs),
}

/// Create, find, claim and close tickets (bare `ayo ticket` lists them).
///
/// A ticket is a markdown file with YAML frontmatter. It waits for its deps: it is ready when
/// it is open and every dep is closed, and blocked while a dep is not. Agents claim ready
/// tickets atomically, work on them, and close them; closing one makes its dependents ready.
/// Ids may be shortened to any unique prefix. Without a command, lists every ticket.
///
/// Where: the session's tickets by default ($AYO_SESSION_ID, else `default`); --global,
/// --session, --dir and --store choose another store (see the global options below).
///
/// Exit codes: 0 done, 1 error, 2 bad usage, 3 nothing to do (claim found nothing, a wait timed
/// out), 4 `run` lost its lease, 130 interrupted; `run` also exits with its command's status.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  first=$(ayo ticket create \"Extract data from invoices\" -a @extractor)
  second=$(ayo ticket create \"Validate extracted data\" -a @validator --deps \"$first\")
  ayo ticket ready -a @extractor
  ayo ticket close \"$first\"          # prints what became ready: the second ticket
  ayo ticket claim -a @validator --wait --timeout 60")]
pub(crate) struct TicketArgs {
    /// The command; `list` when none.
    #[command(subcommand)]
    command: Option<TicketCommand>,
}

/// The ticket commands.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum TicketCommand {
    Create(create::CreateArgs),
    Show(show::ShowArgs),
    #[command(alias = "ls")]
    List(list::ListArgs),
    Search(search::SearchArgs),
    Ready(ready::ReadyArgs),
    Blocked(blocked::BlockedArgs),
    Edit(edit::EditArgs),
    Start(start::StartArgs),
    Claim(claim::ClaimArgs),
    Run(run::RunArgs),
    Heartbeat(heartbeat::HeartbeatArgs),
    Release(release::ReleaseArgs),
    Close(close::CloseArgs),
    Reopen(reopen::ReopenArgs),
    Note(note::NoteArgs),
    Assign(assign::AssignArgs),
    #[command(subcommand)]
    Dep(dep::DepCommand),
    #[command(alias = "rm")]
    Delete(delete::DeleteArgs),
    Log(log::LogArgs),
    Graph(graph::GraphArgs),
    Check(check::CheckArgs),
    Export(export::ExportArgs),
    Import(import::ImportArgs),
    Watch(watch::WatchArgs),
    Defer(defer::DeferArgs),
    Why(why::WhyArgs),
    Link(link::LinkArgs),
    Unlink(link::UnlinkArgs),
    Archive(archive::ArchiveArgs),
    Unarchive(archive::UnarchiveArgs),
    Guide(guide::GuideArgs),
}

/// Runs a command.
pub(crate) fn run(command: Command, ctx: &Ctx) -> Result<(), CliError> {
    match command {
        Command::Ticket(t) => match t.command {
            None => list::run(list::ListArgs::default(), ctx),
            Some(c) => run_ticket(c, ctx),
        },
        Command::Completions(args) => completions::run(args, ctx),
        Command::Mcp(args) => crate::mcp::run(args, ctx),
        Command::Board(args) => crate::board::run(args, ctx),
    }
}

fn run_ticket(command: TicketCommand, ctx: &Ctx) -> Result<(), CliError> {
    match command {
        TicketCommand::Create(a) => create::run(a, ctx),
        TicketCommand::Show(a) => show::run(a, ctx),
        TicketCommand::List(a) => list::run(a, ctx),
        TicketCommand::Search(a) => search::run(a, ctx),
        TicketCommand::Ready(a) => ready::run(a, ctx),
        TicketCommand::Blocked(a) => blocked::run(a, ctx),
        TicketCommand::Edit(a) => edit::run(a, ctx),
        TicketCommand::Start(a) => start::run(a, ctx),
        TicketCommand::Claim(a) => claim::run(a, ctx),
        TicketCommand::Run(a) => run::run(a, ctx),
        TicketCommand::Heartbeat(a) => heartbeat::run(a, ctx),
        TicketCommand::Release(a) => release::run(a, ctx),
        TicketCommand::Close(a) => close::run(a, ctx),
        TicketCommand::Reopen(a) => reopen::run(a, ctx),
        TicketCommand::Note(a) => note::run(a, ctx),
        TicketCommand::Assign(a) => assign::run(a, ctx),
        TicketCommand::Dep(c) => dep::run(c, ctx),
        TicketCommand::Delete(a) => delete::run(a, ctx),
        TicketCommand::Log(a) => log::run(a, ctx),
        TicketCommand::Graph(a) => graph::run(a, ctx),
        TicketCommand::Check(a) => check::run(a, ctx),
        TicketCommand::Export(a) => export::run(a, ctx),
        TicketCommand::Import(a) => import::run(a, ctx),
        TicketCommand::Watch(a) => watch::run(a, ctx),
        TicketCommand::Defer(a) => defer::run(a, ctx),
        TicketCommand::Why(a) => why::run(a, ctx),
        TicketCommand::Link(a) => link::run_link(a, ctx),
        TicketCommand::Unlink(a) => link::run_unlink(a, ctx),
        TicketCommand::Archive(a) => archive::run_archive(a, ctx),
        TicketCommand::Unarchive(a) => archive::run_unarchive(a, ctx),
        TicketCommand::Guide(a) => guide::run(a, ctx),
    }
}

/// Prints one ticket: its JSON, or its row.
fn print_ticket(ticket: &ayo_tickets::Ticket, ctx: &Ctx) -> Result<(), CliError> {
    if ctx.out.is_json() {
        ctx.out.json(ticket)
    } else {
        ctx.out.tickets(std::slice::from_ref(ticket))
    }
}

/// Prints a list of tickets: a JSON array, or one row each.
fn print_tickets(tickets: &[ayo_tickets::Ticket], ctx: &Ctx) -> Result<(), CliError> {
    if ctx.out.is_json() {
        ctx.out.json(tickets)
    } else {
        ctx.out.tickets(tickets)
    }
}
