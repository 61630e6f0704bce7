//! `ayo ticket import`.

use std::path::PathBuf;

use ayo_tickets::{StoreChoice, Tickets};
use clap::Args;
use serde_json::json;

use super::export::report;
use crate::context::Ctx;
use crate::error::CliError;

/// Copy every ticket and the audit log from another store into this one, losslessly; or
/// import beads' issues.jsonl.
///
/// The other store is a directory, a postgres:// URL or a Claude Code task list
/// (claude:LIST, claude:/path); this one is chosen as for every command
/// (--store, --dir, ...). Every field is kept, and the text each ticket was read from, so
/// unknown frontmatter keys and layout survive. Nothing is written when an id is taken here, a
/// ticket there cannot be read, the directory or database schema named holds no store, or it
/// is this very store.
///
/// With --from-beads, each beads issue becomes a ticket with its beads id: blocks,
/// conditional-blocks and waits-for dependencies become deps, parent-child the parent, other
/// types links; tombstones and ephemeral wisps are left out; a repeated id takes its last
/// line. Nothing is written when an id is taken here or the deps would make a cycle (named).
/// It prints how many tickets it imported and what it could not map.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo --store 'postgres://db.internal/work?schema=team_a' ticket import --from .tickets
  AYO_STORE='postgres://db.internal/work?schema=team_a' ayo ticket import --from ~/old/.tickets
  ayo --dir .tickets ticket import --from-beads .beads/issues.jsonl")]
pub(crate) struct ImportArgs {
    /// Where to copy from: an existing store directory, a postgres:// URL or claude:LIST.
    #[arg(long, value_name = "URL|PATH", required_unless_present = "from_beads")]
    from: Option<String>,

    /// A beads issues.jsonl file to import.
    #[arg(long, value_name = "FILE", conflicts_with = "from")]
    from_beads: Option<PathBuf>,
}

/// Runs `ayo ticket import`.
pub(crate) fn run(args: ImportArgs, ctx: &Ctx) -> Result<(), CliError> {
    let to = ctx.tickets()?;
    if let Some(file) = args.from_beads {
        return beads(&file, &to, ctx);
    }
    let from_arg = args.from.unwrap_or_default();
    let from = Tickets::open_source(&StoreChoice::from_store_arg(&from_arg))?;
    let copied = from.copy_to(&to).map_err(CliError::Copy)?;
    report(ctx, "imported", copied, &from, &to)
}

/// Imports a beads file and prints the counts (with --json: `{imported, not_mapped: [...]}`).
fn beads(file: &std::path::Path, to: &Tickets, ctx: &Ctx) -> Result<(), CliError> {
    let done = to.import_beads_file(file)?;
    if ctx.out.is_json() {
        return ctx.out.json(&json!({
            "imported": done.imported,
            "not_mapped": done.not_mapped,
            "to": to.store().location(),
        }));
    }
    let counts: Vec<String> = done
        .counts()
        .iter()
        .map(|(kind, n)| format!("{kind} {n}"))
        .collect();
    let mut text = format!(
        "imported {} tickets from {} to {}; not mapped: {}",
        done.imported,
        file.display(),
        to.store().location(),
        done.not_mapped.len()
    );
    if !counts.is_empty() {
        text.push_str(&format!(" ({})", counts.join(", ")));
    }
    ctx.out.line(&text)?;
    for n in &done.not_mapped {
        let id = n.id.as_deref().unwrap_or("-");
        eprintln!("  line {} {id}: {}: {}", n.line, n.kind, n.detail);
    }
    Ok(())
}
