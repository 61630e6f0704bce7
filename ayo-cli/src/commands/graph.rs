//! `ayo ticket graph`.

use ayo_tickets::GraphFormat;
use clap::Args;

use crate::context::Ctx;
use crate::error::CliError;
use crate::input;

/// Print the dependency graph as Mermaid or Graphviz dot text.
///
/// Edges point from a ticket to what it waits for. With --json, the text as a JSON string.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo ticket graph > tickets.mmd
  ayo ticket graph --format dot step3 | dot -Tsvg > step3.svg")]
pub(crate) struct GraphArgs {
    /// mermaid or dot.
    #[arg(long, value_name = "FORMAT", default_value = "mermaid", value_parser = input::graph_format)]
    format: GraphFormat,

    /// Only the part below this ticket: an id or a unique prefix of one.
    id: Option<String>,
}

/// Runs `ayo ticket graph`.
pub(crate) fn run(args: GraphArgs, ctx: &Ctx) -> Result<(), CliError> {
    let text = ctx.tickets()?.graph(args.format, args.id.as_deref())?;
    if ctx.out.is_json() {
        ctx.out.json(&text)
    } else {
        ctx.out.text(&text)
    }
}
