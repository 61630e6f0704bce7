//! `ayo ticket dep add|remove|tree`.

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

mod add;
mod remove;
mod tree;

/// Add, remove and draw the dependencies between tickets.
///
/// A ticket waits for its deps: it is blocked until every one of them is closed.
#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  ayo ticket dep add step2 step1       # step2 waits for step1
  ayo ticket dep tree step3
  ayo ticket dep remove step2 step1")]
pub(crate) enum DepCommand {
    Add(add::AddArgs),
    #[command(alias = "rm")]
    Remove(remove::RemoveArgs),
    Tree(tree::TreeArgs),
}

/// Runs a `dep` command.
pub(crate) fn run(command: DepCommand, ctx: &Ctx) -> Result<(), CliError> {
    match command {
        DepCommand::Add(a) => add::run(a, ctx),
        DepCommand::Remove(a) => remove::run(a, ctx),
        DepCommand::Tree(a) => tree::run(a, ctx),
    }
}
