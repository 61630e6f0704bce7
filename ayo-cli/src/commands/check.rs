//! `ayo ticket check`.

use clap::Args;

use crate::context::Ctx;
use crate::error::CliError;

/// Check the store: unreadable files (every problem of each, with its line), values another
/// tool wrote that are read as something else (`status: done` as closed, `priority: P1` as 1, a
/// date alone as midnight UTC, a status word kept as it is: nonstandard_value, with the line and
/// what it is read as), deps on missing tickets, cycles of deps or of parents made by hand edits
/// (a ticket that is its own parent, too), ids that disagree with file names.
///
/// Prints one line per problem and exits 1 when there is any, saying how many on stderr. With
/// --json it prints the list (`[]` when all is well), and nothing on stderr: the list is the
/// answer, exit 1 says it is not empty.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket check
  ayo --dir .tickets ticket check --json")]
pub(crate) struct CheckArgs {}

/// Runs `ayo ticket check`.
pub(crate) fn run(_args: CheckArgs, ctx: &Ctx) -> Result<(), CliError> {
    let problems = ctx.tickets()?.check()?;
    if ctx.out.is_json() {
        ctx.out.json(&problems)?;
    } else {
        ctx.out.problems(&problems)?;
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::Problems(problems.len()))
    }
}
