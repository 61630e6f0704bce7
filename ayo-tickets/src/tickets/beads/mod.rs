//! `import --from-beads`: tickets from beads' `issues.jsonl`, with beads' ids, all or nothing.
//!
//! How a beads issue becomes a ticket (see the README's "Import from beads" for the whole
//! table): `blocks`, `conditional-blocks` and `waits-for` dependencies (the ones `bd ready`
//! waits for) become deps, `parent-child` the parent, every other type a link; `hooked` is in
//! progress, `blocked`, `deferred`, `pinned` and custom statuses are kept as written (never
//! ready); tombstones and ephemeral wisps are left out; a repeated id takes its last line.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;

use super::Tickets;
use crate::error::{Error, Result};
use crate::graph::{DepGraph, parent_cycles};
use crate::store::{Access, LogEntry};
use crate::ticket::Ticket;

mod record;

/// The dependency types that hold a ticket back, as `bd ready` counts them (besides
/// `parent-child`, which becomes the parent).
const BLOCKING: [&str; 3] = ["blocks", "conditional-blocks", "waits-for"];

/// Something of a beads file that the import left out or could not map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotMapped {
    /// The line of the file, from 1.
    pub line: usize,
    /// The issue's id, where the line has one.
    pub id: Option<String>,
    /// What: `tombstone`, `ephemeral`, `record` (not an issue), `replaced` (a later line has
    /// the id), `id`, `title`, `priority`, `type`, `assignee`, `label`, `time`, `field`,
    /// `dependency`, `dangling`, `external`, `parent`.
    pub kind: &'static str,
    /// Why, in words.
    pub detail: String,
}

/// What [`Tickets::import_beads`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BeadsImport {
    /// Tickets written.
    pub imported: usize,
    /// What was left out or not mapped, in the order of the file.
    pub not_mapped: Vec<NotMapped>,
}

impl BeadsImport {
    /// How many of each kind were not mapped, by kind.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        let mut out: Vec<(&'static str, usize)> = Vec::new();
        for n in &self.not_mapped {
            match out.iter_mut().find(|(k, _)| *k == n.kind) {
                Some((_, c)) => *c += 1,
                None => out.push((n.kind, 1)),
            }
        }
        out
    }
}

impl Tickets {
    /// Imports beads' `issues.jsonl`: every issue becomes a ticket with its beads
    /// id, in one transaction. Nothing is written when an id is taken here
    /// ([`Error::AlreadyExists`]) or the deps or parents would make a cycle ([`Error::Cycle`],
    /// naming it). Lines that are no issue, tombstones, ephemeral wisps, and fields or
    /// dependencies that ayo has no place for are counted in [`BeadsImport::not_mapped`].
    ///
    /// ```
    /// use ayo_tickets::Tickets;
    /// let t = Tickets::in_memory();
    /// let jsonl = r#"{"id":"bd-1","title":"Parse","status":"closed","priority":1}
    /// {"id":"bd-2","title":"Load","dependencies":[{"issue_id":"bd-2","depends_on_id":"bd-1","type":"blocks"}]}
    /// {"id":"bd-3","title":"Old","status":"tombstone"}"#;
    /// let file = tempfile::NamedTempFile::new().unwrap();
    /// std::fs::write(file.path(), jsonl).unwrap();
    /// let done = t.import_beads_file(file.path())?;
    /// assert_eq!((done.imported, done.not_mapped.len()), (2, 1));
    /// assert!(t.get("bd-2")?.ready);
    /// # Ok::<(), ayo_tickets::Error>(())
    /// ```
    pub fn import_beads_file(&self, path: &std::path::Path) -> Result<BeadsImport> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::storage(format!("cannot read {}: {e}", path.display())))?;
        self.import_beads(&text)
    }

    /// [`Tickets::import_beads_file`] on the file's text.
    pub fn import_beads(&self, jsonl: &str) -> Result<BeadsImport> {
        let mut not_mapped = Vec::new();
        let mut lines: Vec<record::Line> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        for (i, text) in jsonl.lines().enumerate() {
            match record::read(i + 1, text, &mut not_mapped) {
                record::Read::Issue(line) => match at.get(&line.ticket.id) {
                    Some(&k) => {
                        not_mapped.push(NotMapped {
                            line: lines[k].number,
                            id: Some(line.ticket.id.clone()),
                            kind: "replaced",
                            detail: format!("line {} has the same id", line.number),
                        });
                        lines[k] = *line;
                    }
                    None => {
                        at.insert(line.ticket.id.clone(), lines.len());
                        lines.push(*line);
                    }
                },
                record::Read::Skip(n) => not_mapped.push(n),
                record::Read::Nothing => {}
            }
        }
        let actor = self.actor.clone();
        let imported = self.txn(Access::Batch, |txn| {
            let here: HashSet<String> = txn.ids()?.into_iter().collect();
            if let Some(l) = lines.iter().find(|l| here.contains(&l.ticket.id)) {
                return Err(Error::AlreadyExists {
                    id: l.ticket.id.clone(),
                });
            }
            let tickets = connect(&lines, &here, &mut not_mapped);
            refuse_cycles(txn, &tickets, &here)?;
            let now = txn.now()?;
            for t in &tickets {
                txn.put(t)?;
                txn.log(LogEntry {
                    at: now,
                    actor: actor.clone(),
                    ticket: t.id.clone(),
                    action: "import".into(),
                    detail: "from beads".into(),
                })?;
            }
            Ok(tickets.len())
        })?;
        not_mapped.sort_by_key(|n| n.line);
        Ok(BeadsImport {
            imported,
            not_mapped,
        })
    }
}

/// The tickets with their edges: deps, parent and links whose targets are in the file or
/// already here; the rest counted as not mapped.
fn connect(
    lines: &[record::Line],
    here: &HashSet<String>,
    not_mapped: &mut Vec<NotMapped>,
) -> Vec<Ticket> {
    let ids: HashMap<&str, usize> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (l.ticket.id.as_str(), i))
        .collect();
    let mut tickets: Vec<Ticket> = lines.iter().map(|l| l.ticket.clone()).collect();
    let mut links: Vec<(usize, String)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let miss = |kind, detail| NotMapped {
            line: l.number,
            id: Some(l.ticket.id.clone()),
            kind,
            detail,
        };
        for (kind, target) in &l.edges {
            if target.starts_with("external:") {
                not_mapped.push(miss("external", format!("{kind} {target}: not a ticket")));
                continue;
            }
            if target == &l.ticket.id {
                not_mapped.push(miss("dependency", format!("{kind} on itself")));
                continue;
            }
            if !ids.contains_key(target.as_str()) && !here.contains(target) {
                not_mapped.push(miss("dangling", format!("{kind} {target}: no such issue")));
                continue;
            }
            let t = &mut tickets[i];
            if BLOCKING.contains(&kind.as_str()) {
                if !t.deps.contains(target) {
                    t.deps.push(target.clone());
                }
            } else if kind == "parent-child" {
                match &t.parent {
                    None => t.parent = Some(target.clone()),
                    Some(p) if p == target => {}
                    Some(p) => not_mapped.push(miss(
                        "parent",
                        format!("parent {target}: the ticket's parent is {p}"),
                    )),
                }
            } else {
                links.push((i, target.clone()));
            }
        }
    }
    for (i, target) in links {
        let id = tickets[i].id.clone();
        add_link(&mut tickets[i], &target);
        if let Some(&k) = ids.get(target.as_str()) {
            add_link(&mut tickets[k], &id);
        }
    }
    tickets
}

/// Adds `other` to a ticket's links, once.
fn add_link(t: &mut Ticket, other: &str) {
    if !t.links.iter().any(|x| x == other) {
        t.links.push(other.to_string());
    }
}

/// Refuses tickets whose deps, or parents, make a cycle (with the tickets here they name).
fn refuse_cycles(
    txn: &mut dyn crate::store::Txn,
    tickets: &[Ticket],
    here: &HashSet<String>,
) -> Result<()> {
    let mut all: Vec<Arc<Ticket>> = tickets.iter().cloned().map(Arc::new).collect();
    let new: HashSet<&str> = tickets.iter().map(|t| t.id.as_str()).collect();
    let names_here = tickets
        .iter()
        .any(|t| t.deps.iter().chain(&t.parent).any(|d| here.contains(d)));
    if names_here {
        all.extend(txn.scan()?.tickets);
    }
    let touches = |c: &Vec<String>| c.iter().any(|id| new.contains(id.as_str()));
    if let Some(cycle) = DepGraph::new(&all).cycles().into_iter().find(touches) {
        return Err(Error::Cycle { cycle });
    }
    if let Some(chain) = parent_cycles(&all).into_iter().find(touches) {
        return Err(Error::invalid(format!(
            "the parents make a loop: {}",
            chain.join(" -> ")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
