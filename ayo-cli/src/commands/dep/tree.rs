//! `ayo ticket dep tree`.

use clap::Args;

use crate::context::Ctx;
use crate::error::CliError;

/// Draw the tree of what a ticket waits for, like `tree`.
///
/// A ticket reached twice is drawn once and marked "(see above)" after; a dep on a ticket
/// that does not exist is marked "(missing)". The tree goes 50 levels down: a ticket that deep
/// with deps of its own is marked "(deeper: ayo ticket dep tree ID)" (`"truncated": true` in
/// JSON), and its own tree goes on from there.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket dep tree step3
  ayo ticket dep tree step3 --json")]
pub(crate) struct TreeArgs {
    /// The ticket at the top: an id or a unique prefix of one.
    id: String,
}

/// Runs `ayo ticket dep tree`.
pub(crate) fn run(args: TreeArgs, ctx: &Ctx) -> Result<(), CliError> {
    let tree = ctx.tickets()?.dep_tree(&args.id)?;
    if ctx.out.is_json() {
        ctx.out.json(&tree)
    } else {
        ctx.out.tree(&tree)
    }
}
