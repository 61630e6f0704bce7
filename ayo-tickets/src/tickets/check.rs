//! `check`: everything wrong in a store, each problem on its own (every problem of a file,
//! each with its line), and the values other tools wrote that are read as something else.

use std::collections::HashSet;
use std::path::PathBuf;

use super::Tickets;
use crate::error::{Error, Result};
use crate::format::{self, Remark};
use crate::graph::{DepGraph, parent_cycles};
use crate::request::{Problem, ProblemKind};
use crate::scope::StoreChoice;
use crate::store::{Txn, Unreadable};
use crate::ticket::{Status, Ticket};

impl Tickets {
    /// Everything wrong in the store: unreadable files (every problem of each, with its line),
    /// values read as something else than they say (`status: done`, `priority: P1`, a date
    /// alone, another tool's status word), deps on missing tickets, cycles made by hand edits
    /// (of deps, and of parents), ids that disagree with file names.
    pub fn check(&self) -> Result<Vec<Problem>> {
        let dir = match self.store.place() {
            Some(StoreChoice::Dir(d)) => Some(d),
            _ => None,
        };
        self.read(|txn| {
            let mut scan = txn.scan()?;
            // Archived tickets are in no scan: those reached through deps count as there.
            let active = scan.tickets.len();
            super::archive::add_archived_deps(txn, &mut scan)?;
            let archived: Vec<_> = scan.tickets.split_off(active);
            let mut out = Vec::new();
            for u in &scan.unreadable {
                out.extend(unreadable(txn, u)?);
            }
            let known: HashSet<&str> = scan
                .tickets
                .iter()
                .map(|t| t.id.as_str())
                .chain(scan.unreadable.iter().map(|u| u.id.as_str()))
                .chain(archived.iter().map(|t| t.id.as_str()))
                .collect();
            let mut tickets: Vec<_> = scan.tickets.iter().collect();
            tickets.sort_by(|a, b| a.id.cmp(&b.id));
            for t in &tickets {
                let path = dir.as_ref().map(|d| d.join(format!("{}.md", t.id)));
                out.extend(nonstandard(txn, t, path)?);
            }
            for (file_id, stated) in &scan.mismatched {
                let also = if known.contains(stated.as_str()) {
                    ", which is also the id of another ticket"
                } else {
                    ""
                };
                out.push(Problem::new(
                    ProblemKind::IdMismatch,
                    Some(file_id.clone()),
                    format!(
                        "ticket '{file_id}' states the id '{stated}'{also}; the file name wins"
                    ),
                ));
            }
            for t in &tickets {
                for d in t.deps.iter().filter(|d| !known.contains(d.as_str())) {
                    out.push(Problem::new(
                        ProblemKind::MissingDep,
                        Some(t.id.clone()),
                        format!("ticket '{}' depends on '{d}', which does not exist", t.id),
                    ));
                }
            }
            let all: Vec<_> = scan.tickets.iter().chain(&archived).cloned().collect();
            for cycle in DepGraph::new(&all).cycles() {
                out.push(Problem {
                    cycle: cycle.clone(),
                    ..Problem::new(
                        ProblemKind::Cycle,
                        cycle.first().cloned(),
                        format!("dependency cycle: {}", cycle.join(" -> ")),
                    )
                });
            }
            for cycle in parent_cycles(&scan.tickets) {
                let message = match cycle.as_slice() {
                    [one, _] => format!("ticket '{one}' is its own parent"),
                    _ => format!("parent cycle: {}", cycle.join(" -> ")),
                };
                out.push(Problem {
                    cycle: cycle.clone(),
                    ..Problem::new(ProblemKind::ParentCycle, cycle.first().cloned(), message)
                });
            }
            Ok(out)
        })
    }
}

/// The problems of an unreadable file: every one its text has, each with its line, when the
/// store keeps the text; else the one error the read gave.
fn unreadable(txn: &mut dyn Txn, u: &Unreadable) -> Result<Vec<Problem>> {
    let one = |line: Option<usize>, message: String| Problem {
        path: u.path.clone(),
        line,
        ..Problem::new(ProblemKind::Unreadable, Some(u.id.clone()), message)
    };
    let Error::Parse { path, line, .. } = &u.error else {
        return Ok(vec![one(None, u.error.to_string())]);
    };
    let all = match txn.source(&u.id) {
        Ok(Some(text)) => format::problems(text.as_bytes()),
        _ => Vec::new(),
    };
    if all.len() < 2 {
        return Ok(vec![one(*line, u.error.to_string())]);
    }
    Ok(all
        .into_iter()
        .map(|(line, message)| one(line, Error::parse(path.clone(), line, message).to_string()))
        .collect())
}

/// The values of a ticket's stored text that are read as something else than they say; for a
/// store that keeps no text (memory), another tool's status word alone, without a line. A
/// remark about a field the ticket no longer has as the text says (a database row changed
/// since its import) is left out.
fn nonstandard(txn: &mut dyn Txn, t: &Ticket, path: Option<PathBuf>) -> Result<Vec<Problem>> {
    let remarks: Vec<Remark> = match txn.source(&t.id)? {
        Some(text) => match format::parse(text.as_bytes(), std::path::Path::new("x.md")) {
            Ok(p) => p
                .remarks
                .into_iter()
                .filter(|r| agrees(&r.field, &p.ticket, t))
                .collect(),
            Err(_) => Vec::new(),
        },
        None => Vec::new(),
    };
    let mut out: Vec<Problem> = remarks
        .into_iter()
        .map(|r| Problem {
            path: path.clone(),
            line: Some(r.line),
            field: Some(r.field),
            written: Some(r.written),
            read_as: Some(r.read_as),
            ..Problem::new(
                ProblemKind::NonstandardValue,
                Some(t.id.clone()),
                match &path {
                    Some(p) => format!("{}:{}: {}", p.display(), r.line, r.message),
                    None => format!("ticket '{}', line {}: {}", t.id, r.line, r.message),
                },
            )
        })
        .collect();
    if let Status::Other(word) = &t.status
        && !out.iter().any(|p| p.field.as_deref() == Some("status"))
    {
        out.push(Problem {
            path,
            field: Some("status".into()),
            written: Some(word.clone()),
            read_as: Some(word.clone()),
            ..Problem::new(
                ProblemKind::NonstandardValue,
                Some(t.id.clone()),
                format!(
                    "ticket '{}': status '{word}' is none of open, in_progress, closed: counted \
                     as not closed, never ready or claimable",
                    t.id
                ),
            )
        });
    }
    Ok(out)
}

/// True when field `key` of the ticket read from the stored text is the stored ticket's.
fn agrees(key: &str, read: &Ticket, stored: &Ticket) -> bool {
    match key {
        "status" => read.status == stored.status,
        "priority" => read.priority == stored.priority,
        "created" => read.created == stored.created,
        "started" => read.started == stored.started,
        "closed" => read.closed == stored.closed,
        "lease_until" => read.lease_until == stored.lease_until,
        _ => true,
    }
}
