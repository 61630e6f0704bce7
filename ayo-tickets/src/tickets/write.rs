//! The operations that edit tickets: create, update, assign, note, dep add/remove, delete.

use std::collections::HashSet;
use std::sync::Arc;

use rand::{RngCore, TryRngCore};

use super::{Tickets, annotate_one, resolve, resolve_active, resolve_parent};
use crate::error::{Error, Result};
use crate::graph::DepGraph;
use crate::request::{NewTicket, Update};
use crate::store::{Briefs, Scan, Txn};
use crate::ticket::{
    DEFAULT_PRIORITY, Note, Status, Ticket, normalize_agent, validate_description, validate_id,
    validate_note, validate_priority, validate_tag, validate_title, validate_type,
};

/// A fresh id: a lowercase letter, then five of `[a-z0-9]`, from OS randomness (one call to
/// the OS for the whole id, not one per character).
pub(crate) fn generate_id() -> String {
    const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    const REST: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rngs::OsRng.unwrap_err();
    let mut id = String::with_capacity(6);
    let mut bytes = [0u8; 16];
    while id.len() < 6 {
        rng.fill_bytes(&mut bytes);
        for b in bytes {
            let set = if id.is_empty() { FIRST } else { REST };
            // A byte at or past the last whole multiple of the set's size is skipped, so that
            // every character is equally likely.
            if usize::from(b) < 256 - 256 % set.len() {
                id.push(char::from(set[usize::from(b) % set.len()]));
                if id.len() == 6 {
                    break;
                }
            }
        }
    }
    id
}

fn validate_tags(tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim();
        validate_tag(t)?;
        if !out.iter().any(|x| x == t) {
            out.push(t.to_string());
        }
    }
    Ok(out)
}

/// Refuses an edge `from -> to` that would close a cycle, or whose cycle check would pass
/// through an unreadable file.
pub(crate) fn check_edge(scan: &Scan, graph: &DepGraph, from: &str, to: &str) -> Result<()> {
    if let Some(cycle) = graph.cycle_with_edge(from, to) {
        return Err(Error::Cycle { cycle });
    }
    if !scan.unreadable.is_empty() {
        let reach = graph.reachable(to);
        if let Some(u) = scan.unreadable.iter().find(|u| reach.contains(&u.id)) {
            return Err(u.error.clone());
        }
    }
    Ok(())
}

/// False when no new edge from `from` can fail [`check_edge`]: an edge `from -> to` closes a
/// cycle only if `to` reaches `from`, which needs a ticket that names `from` as a dep, and
/// it meets an unreadable file only if there is one. The rule fields tell (no graph, no text).
fn edges_from_may_fail(briefs: &Briefs, from: &str) -> bool {
    !briefs.unreadable.is_empty() || briefs.tickets.iter().any(|b| b.deps().any(|d| d == from))
}

impl Tickets {
    /// Creates a ticket. Every dep must exist; a chosen id must be free; a dep that would close
    /// a cycle (through a ticket that already names the new id as a dep) is refused.
    pub fn create(&self, new: NewTicket) -> Result<Ticket> {
        let title = new.title.trim().to_string();
        validate_title(&title)?;
        let priority = match new.priority {
            Some(p) => validate_priority(p)?,
            None => DEFAULT_PRIORITY,
        };
        let kind = new.kind.unwrap_or_else(|| "task".into());
        validate_type(&kind)?;
        let tags = validate_tags(&new.tags)?;
        let description = new.description.unwrap_or_default();
        validate_description(&description)?;
        let assignee = new.assignee.as_deref().map(normalize_agent).transpose()?;
        if let Some(id) = &new.id {
            validate_id(id)?;
        }
        super::defer::check_year(new.defer_until)?;
        let actor = self.actor.clone();
        self.write(|txn| {
            let mut deps: Vec<String> = Vec::new();
            for d in &new.deps {
                let dep = resolve(txn, d)?;
                if !deps.contains(&dep.id) {
                    deps.push(dep.id.clone());
                }
            }
            let parent = new
                .parent
                .as_deref()
                .map(|p| resolve_parent(txn, new.id.as_deref(), p))
                .transpose()?;
            let mut ticket = Ticket::new(String::new(), title.clone());
            ticket.assignee = assignee.clone();
            ticket.priority = priority;
            ticket.kind = kind.clone();
            ticket.tags = tags.clone();
            ticket.description = description.clone();
            ticket.parent = parent;
            ticket.created = Some(txn.now()?);
            ticket.defer_until = new.defer_until.map(super::defer::to_millis);
            crate::format::check_size(&ticket)?;
            match &new.id {
                Some(id) => {
                    ticket.id = id.clone();
                    if deps.contains(id) {
                        return Err(Error::Cycle {
                            cycle: vec![id.clone(), id.clone()],
                        });
                    }
                    self.check_new_edges(txn, &ticket.id, &deps)?;
                    ticket.deps = deps;
                    if !txn.create(&ticket)? {
                        return Err(Error::AlreadyExists { id: id.clone() });
                    }
                }
                None if let Some(id) = txn.next_id()? => {
                    ticket.id = id;
                    ticket.deps = deps;
                    self.check_new_edges(txn, &ticket.id, &ticket.deps)?;
                    if !txn.create(&ticket)? {
                        return Err(Error::storage(format!(
                            "the store's next id '{}' is taken",
                            ticket.id
                        )));
                    }
                }
                None => {
                    ticket.deps = deps;
                    let mut tries = 0;
                    loop {
                        ticket.id = generate_id();
                        // A generated id that collides (even with a dangling dep) is drawn again.
                        if !ticket.deps.is_empty() {
                            match self.check_new_edges(txn, &ticket.id, &ticket.deps) {
                                Err(Error::Cycle { .. }) => continue,
                                other => other?,
                            }
                        }
                        if txn.create(&ticket)? {
                            break;
                        }
                        tries += 1;
                        if tries > 100 {
                            return Err(Error::storage("could not draw a free id"));
                        }
                    }
                }
            }
            self.log(
                txn,
                actor.as_deref(),
                &ticket.id,
                "create",
                ticket.title.clone(),
            )?;
            annotate_one(txn, &ticket)
        })
    }

    /// Refuses deps of a new ticket that would close a cycle. Only possible when an existing
    /// ticket already names the new id as a (dangling) dep.
    fn check_new_edges(&self, txn: &mut dyn Txn, id: &str, deps: &[String]) -> Result<()> {
        let archived = txn.has_archived()?;
        if deps.is_empty() || (!archived && txn.names_as_dep(id)? == Some(false)) {
            return Ok(());
        }
        let briefs = txn.scan_briefs()?;
        if archived {
            // Archived tickets are in no scan: a walk from each dep that meets them.
            for d in deps {
                if let Some(cycle) = super::archive::cycle_through_archive(txn, &briefs, id, d)? {
                    return Err(Error::Cycle { cycle });
                }
            }
        }
        if !edges_from_may_fail(&briefs, id) {
            return Ok(());
        }
        let scan = briefs.into_scan()?;
        let graph = DepGraph::new(&scan.tickets);
        for d in deps {
            check_edge(&scan, &graph, id, d)?;
        }
        Ok(())
    }

    /// Edits the given fields and keeps the rest.
    pub fn update(&self, id: &str, changes: Update) -> Result<Ticket> {
        let title = changes.title.map(|t| t.trim().to_string());
        if let Some(t) = &title {
            validate_title(t)?;
        }
        let priority = changes.priority.map(validate_priority).transpose()?;
        if let Some(k) = &changes.kind {
            validate_type(k)?;
        }
        let tags = changes.tags.as_deref().map(validate_tags).transpose()?;
        if let Some(d) = &changes.description {
            validate_description(d)?;
        }
        let defer_until = changes.defer_until.map(|d| d.map(super::defer::to_millis));
        super::defer::check_year(defer_until.flatten())?;
        self.write(|txn| {
            let mut t = (*resolve_active(txn, id)?).clone();
            let mut what = Vec::new();
            if let Some(v) = title.clone() {
                t.title = v;
                what.push("title");
            }
            if let Some(v) = changes.description.clone() {
                t.description = v;
                what.push("description");
            }
            if let Some(v) = priority {
                t.priority = v;
                what.push("priority");
            }
            if let Some(v) = changes.kind.clone() {
                t.kind = v;
                what.push("type");
            }
            if let Some(v) = tags.clone() {
                t.tags = v;
                what.push("tags");
            }
            if let Some(p) = &changes.parent {
                t.parent = match p {
                    Some(p) => Some(resolve_parent(txn, Some(&t.id), p)?),
                    None => None,
                };
                what.push("parent");
            }
            if let Some(d) = defer_until {
                t.defer_until = d;
                what.push("defer_until");
            }
            crate::format::check_size(&t)?;
            txn.put(&t)?;
            self.log(txn, self.actor.as_deref(), &t.id, "update", what.join(", "))?;
            annotate_one(txn, &t)
        })
    }

    /// Sets the assignee (`@` added), or clears it with `None`.
    pub fn assign(&self, id: &str, agent: Option<&str>) -> Result<Ticket> {
        let agent = agent.map(normalize_agent).transpose()?;
        self.write(|txn| {
            let mut t = (*resolve_active(txn, id)?).clone();
            t.assignee = agent.clone();
            txn.put(&t)?;
            let detail = agent.clone().unwrap_or_else(|| "nobody".into());
            self.log(txn, self.actor.as_deref(), &t.id, "assign", detail)?;
            annotate_one(txn, &t)
        })
    }

    /// Appends a timestamped note by the actor; an empty one is refused. A holder displaced by
    /// a lease takeover gets Conflict.
    pub fn note(&self, id: &str, text: &str) -> Result<Ticket> {
        validate_note(text, self.actor.as_deref())?;
        if text.trim().is_empty() {
            return Err(Error::invalid("the note is empty"));
        }
        self.write(|txn| {
            let mut t = (*resolve_active(txn, id)?).clone();
            self.check_not_displaced(&t, self.actor.as_deref())?;
            let now = txn.now()?;
            let at = super::note_time(txn, &t.id, now)?;
            t.notes.push(Note {
                at,
                author: self.actor.clone(),
                text: text.to_string(),
            });
            crate::format::check_size(&t)?;
            txn.put(&t)?;
            self.log(txn, self.actor.as_deref(), &t.id, "note", text.to_string())?;
            annotate_one(txn, &t)
        })
    }

    /// Makes `id` depend on `dep`; refuses a self-dep and any cycle, naming it.
    pub fn add_dep(&self, id: &str, dep: &str) -> Result<Ticket> {
        self.write(|txn| {
            let mut t = (*resolve_active(txn, id)?).clone();
            let d = resolve(txn, dep)?;
            if t.id == d.id {
                return Err(Error::Cycle {
                    cycle: vec![t.id.clone(), t.id.clone()],
                });
            }
            if !t.deps.contains(&d.id) {
                // Archived tickets are in no scan: where there are some, the check takes those
                // reached through deps, and cannot stop early.
                let archived = txn.has_archived()?;
                if archived || txn.names_as_dep(&t.id)? != Some(false) {
                    let briefs = txn.scan_briefs()?;
                    if archived
                        && let Some(cycle) =
                            super::archive::cycle_through_archive(txn, &briefs, &t.id, &d.id)?
                    {
                        return Err(Error::Cycle { cycle });
                    }
                    if edges_from_may_fail(&briefs, &t.id) {
                        let scan = briefs.into_scan()?;
                        check_edge(&scan, &DepGraph::new(&scan.tickets), &t.id, &d.id)?;
                    }
                }
                t.deps.push(d.id.clone());
                txn.put(&t)?;
                self.log(txn, self.actor.as_deref(), &t.id, "dep add", d.id.clone())?;
            }
            annotate_one(txn, &t)
        })
    }

    /// Removes the dep `dep` (an exact dep id, or a unique prefix of a ticket's id) from `id`.
    /// Fails with [`Error::NotFound`] when either names no ticket (a dep on a ticket that is
    /// gone can still be removed by its exact id), and with [`Error::NotADep`] when `id` does
    /// not depend on `dep`.
    pub fn remove_dep(&self, id: &str, dep: &str) -> Result<Ticket> {
        self.write(|txn| {
            let mut t = (*resolve_active(txn, id)?).clone();
            let dep_id = if t.deps.iter().any(|d| d == dep) {
                dep.to_string()
            } else {
                let d = resolve(txn, dep)?;
                if !t.deps.contains(&d.id) {
                    return Err(Error::NotADep {
                        id: t.id.clone(),
                        dep: d.id.clone(),
                    });
                }
                d.id.clone()
            };
            t.deps.retain(|d| *d != dep_id);
            txn.put(&t)?;
            self.log(txn, self.actor.as_deref(), &t.id, "dep remove", dep_id)?;
            annotate_one(txn, &t)
        })
    }

    /// Deletes a ticket. Refused (Conflict) while others depend on it, unless `force`, which
    /// also removes those edges. Returns the deleted ticket.
    pub fn delete(&self, id: &str, force: bool) -> Result<Ticket> {
        self.write(|txn| {
            let t = resolve_active(txn, id)?;
            let scan = txn.scan()?;
            let graph = DepGraph::new(&scan.tickets);
            let dependents: Vec<Arc<Ticket>> =
                graph.dependents(&t.id).into_iter().cloned().collect();
            if !dependents.is_empty() && !force {
                let ids: Vec<&str> = dependents.iter().map(|d| d.id.as_str()).collect();
                let verb = if ids.len() == 1 { "depends" } else { "depend" };
                return Err(Error::Conflict {
                    id: t.id.clone(),
                    message: format!(
                        "cannot delete '{}': {} {verb} on it (force removes those edges)",
                        t.id,
                        ids.join(", ")
                    ),
                });
            }
            // Edges first, then the ticket: every prefix of these writes is a valid state.
            for d in &dependents {
                let mut d = (**d).clone();
                d.deps.retain(|x| *x != t.id);
                txn.put(&d)?;
                self.log(
                    txn,
                    self.actor.as_deref(),
                    &d.id,
                    "dep remove",
                    t.id.clone(),
                )?;
            }
            txn.delete(&t.id)?;
            self.log(txn, self.actor.as_deref(), &t.id, "delete", t.title.clone())?;
            let closed: HashSet<&str> = scan
                .tickets
                .iter()
                .filter(|x| x.status == Status::Closed)
                .map(|x| x.id.as_str())
                .collect();
            Ok(crate::graph::annotate(&t, |d| closed.contains(d)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::generate_id;

    #[test]
    fn ids_are_well_formed_and_use_every_character() {
        let ids: Vec<String> = (0..4000).map(|_| generate_id()).collect();
        for id in &ids {
            let b = id.as_bytes();
            assert_eq!(b.len(), 6, "{id}");
            assert!(b[0].is_ascii_lowercase(), "{id}");
            assert!(
                b[1..]
                    .iter()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
                "{id}"
            );
        }
        let first: std::collections::HashSet<u8> = ids.iter().map(|i| i.as_bytes()[0]).collect();
        let rest: std::collections::HashSet<u8> = ids
            .iter()
            .flat_map(|i| i.as_bytes()[1..].to_vec())
            .collect();
        assert_eq!(first.len(), 26);
        assert_eq!(rest.len(), 36);
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        assert!(distinct.len() > 3990, "{} distinct of 4000", distinct.len());
    }
}
