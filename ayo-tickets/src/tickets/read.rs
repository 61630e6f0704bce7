//! The operations that only read: get, list, ready, blocked, dep tree, graph, history, check.

use std::cmp::Ordering;
use std::collections::HashSet;

use super::{Tickets, annotate_one, resolve};
use crate::error::{Error, Result};
use crate::graph::{DepGraph, DepTree, GraphFormat};
use crate::request::{Filter, Problem, ProblemKind};
use crate::store::{LogEntry, Scan};
use crate::ticket::{Status, Ticket, agent_matches, validate_id};

/// The `ready` order: priority, then created (none first), then id.
pub(crate) fn ready_order(a: &Ticket, b: &Ticket) -> Ordering {
    a.priority
        .cmp(&b.priority)
        .then(a.created.cmp(&b.created))
        .then_with(|| a.id.cmp(&b.id))
}

/// The `list` order: oldest first, then id.
fn age_order(a: &Ticket, b: &Ticket) -> Ordering {
    a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id))
}

/// Every ticket of a scan with its derived fields, filtered.
fn annotated(scan: &Scan, keep: impl Fn(&Ticket) -> bool) -> Vec<Ticket> {
    let closed: HashSet<&str> = scan
        .tickets
        .iter()
        .filter(|t| t.status == Status::Closed)
        .map(|t| t.id.as_str())
        .collect();
    scan.tickets
        .iter()
        .map(|t| crate::graph::annotate(t, |d| closed.contains(d)))
        .filter(|t| keep(t))
        .collect()
}

fn assigned(t: &Ticket, agent: Option<&str>) -> bool {
    agent.is_none_or(|a| agent_matches(t.assignee.as_deref(), a))
}

impl Tickets {
    /// One ticket, by exact id or a unique prefix of one.
    pub fn get(&self, id: &str) -> Result<Ticket> {
        self.read(|txn| {
            let t = resolve(txn, id)?;
            annotate_one(txn, &t)
        })
    }

    /// Every ticket that matches the filter, oldest first.
    pub fn list(&self, filter: &Filter) -> Result<Vec<Ticket>> {
        self.read(|txn| {
            let scan = self.scan(txn)?;
            let mut out = annotated(&scan, |t| filter.matches(t));
            out.sort_by(age_order);
            Ok(out)
        })
    }

    /// Open tickets with no `blocked_by`, by priority, then created, then id; only `assignee`'s
    /// when given.
    pub fn ready(&self, assignee: Option<&str>) -> Result<Vec<Ticket>> {
        self.read(|txn| {
            let scan = self.scan(txn)?;
            let mut out = annotated(&scan, |t| t.ready && assigned(t, assignee));
            out.sort_by(ready_order);
            Ok(out)
        })
    }

    /// Open or in-progress tickets with a non-empty `blocked_by`, oldest first.
    pub fn blocked(&self, assignee: Option<&str>) -> Result<Vec<Ticket>> {
        self.read(|txn| {
            let scan = self.scan(txn)?;
            let mut out = annotated(&scan, |t| {
                t.status != Status::Closed && !t.blocked_by.is_empty() && assigned(t, assignee)
            });
            out.sort_by(age_order);
            Ok(out)
        })
    }

    /// The dependency tree below a ticket.
    pub fn dep_tree(&self, id: &str) -> Result<DepTree> {
        self.read(|txn| {
            let t = resolve(txn, id)?;
            let scan = self.scan(txn)?;
            Ok(DepGraph::new(&scan.tickets).tree(&t.id))
        })
    }

    /// The dependency graph, all of it or the part below one ticket, as mermaid or dot text.
    pub fn graph(&self, format: GraphFormat, id: Option<&str>) -> Result<String> {
        self.read(|txn| {
            let root = id.map(|i| resolve(txn, i)).transpose()?;
            let scan = self.scan(txn)?;
            Ok(DepGraph::new(&scan.tickets).draw(format, root.as_ref().map(|t| t.id.as_str())))
        })
    }

    /// The audit log, oldest first: one ticket's (also after it was deleted) or all.
    pub fn history(&self, id: Option<&str>) -> Result<Vec<LogEntry>> {
        self.read(|txn| {
            let id = match id {
                Some(i) => Some(match resolve(txn, i) {
                    Ok(t) => t.id.clone(),
                    Err(Error::NotFound { .. }) => {
                        validate_id(i)?;
                        i.to_string()
                    }
                    Err(e) => return Err(e),
                }),
                None => None,
            };
            txn.history(id.as_deref())
        })
    }

    /// Everything wrong in the store: unreadable files, deps on missing tickets, cycles made by
    /// hand edits, ids that disagree with file names.
    pub fn check(&self) -> Result<Vec<Problem>> {
        self.read(|txn| {
            let scan = txn.scan()?;
            let mut out = Vec::new();
            for u in &scan.unreadable {
                let line = match &u.error {
                    Error::Parse { line, .. } => *line,
                    _ => None,
                };
                out.push(Problem {
                    kind: ProblemKind::Unreadable,
                    ticket: Some(u.id.clone()),
                    path: u.path.clone(),
                    line,
                    cycle: Vec::new(),
                    message: u.error.to_string(),
                });
            }
            let known: HashSet<&str> = scan
                .tickets
                .iter()
                .map(|t| t.id.as_str())
                .chain(scan.unreadable.iter().map(|u| u.id.as_str()))
                .collect();
            for (file_id, stated) in &scan.mismatched {
                let also = if known.contains(stated.as_str()) {
                    ", which is also the id of another ticket"
                } else {
                    ""
                };
                out.push(Problem {
                    kind: ProblemKind::IdMismatch,
                    ticket: Some(file_id.clone()),
                    path: None,
                    line: None,
                    cycle: Vec::new(),
                    message: format!(
                        "ticket '{file_id}' states the id '{stated}'{also}; the file name wins"
                    ),
                });
            }
            let mut tickets: Vec<_> = scan.tickets.iter().collect();
            tickets.sort_by(|a, b| a.id.cmp(&b.id));
            for t in tickets {
                for d in t.deps.iter().filter(|d| !known.contains(d.as_str())) {
                    out.push(Problem {
                        kind: ProblemKind::MissingDep,
                        ticket: Some(t.id.clone()),
                        path: None,
                        line: None,
                        cycle: Vec::new(),
                        message: format!(
                            "ticket '{}' depends on '{d}', which does not exist",
                            t.id
                        ),
                    });
                }
            }
            for cycle in DepGraph::new(&scan.tickets).cycles() {
                out.push(Problem {
                    kind: ProblemKind::Cycle,
                    ticket: cycle.first().cloned(),
                    path: None,
                    line: None,
                    message: format!("dependency cycle: {}", cycle.join(" -> ")),
                    cycle,
                });
            }
            Ok(out)
        })
    }
}
