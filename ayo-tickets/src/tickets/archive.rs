//! Archiving closed tickets: out of every scan (`ready`, `list`, `blocked` do not read them),
//! still found by id (`show`, `log`, `dep tree`), listed by `list` with `archived`, and a dep
//! on one counts as closed.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use super::{Tickets, annotate_one, resolve};
use crate::error::{Error, Result};
use crate::store::{Briefs, Scan, Txn};
use crate::ticket::{Status, Ticket};
use rustc_hash::FxHashSet as FastSet;

/// The error for a ticket the operation `action` cannot take in its state.
fn refuse(t: &Ticket, action: &str) -> Error {
    Error::InvalidTransition {
        id: t.id.clone(),
        action: action.to_string(),
        status: if t.archived {
            "archived".to_string()
        } else {
            t.status.to_string()
        },
    }
}

/// Refuses a write to an archived ticket (InvalidTransition: "cannot change ticket 'x': it is
/// archived"): it is unarchived first.
pub(super) fn check_active(t: &Ticket) -> Result<()> {
    if t.archived {
        Err(refuse(t, "change"))
    } else {
        Ok(())
    }
}

/// The archived tickets that the briefs' tickets name as deps and that no brief is (a dep on
/// one counts as closed): asked of the store only for such deps, and only when it may hold
/// archived tickets.
pub(super) fn fill_archived_deps(txn: &mut dyn Txn, briefs: &mut Briefs) -> Result<()> {
    if !txn.has_archived()? {
        return Ok(());
    }
    let missing: Vec<String> = {
        let active: FastSet<&str> = briefs.tickets.iter().map(|b| b.id()).collect();
        let mut missing: FastSet<&str> = FastSet::default();
        for b in &briefs.tickets {
            for d in b.deps() {
                if !active.contains(d) {
                    missing.insert(d);
                }
            }
        }
        missing.into_iter().map(str::to_string).collect()
    };
    if !missing.is_empty() {
        briefs.archived_deps = txn.archived_among(&missing)?;
    }
    Ok(())
}

/// A whole scan with the archived tickets its tickets name as deps, and theirs, added (for the
/// dependency tree and graph, which show them).
pub(super) fn add_archived_deps(txn: &mut dyn Txn, scan: &mut Scan) -> Result<()> {
    if !txn.has_archived()? {
        return Ok(());
    }
    let mut known: HashSet<String> = scan.tickets.iter().map(|t| t.id.clone()).collect();
    let mut next: Vec<String> = scan
        .tickets
        .iter()
        .flat_map(|t| t.deps.iter())
        .filter(|d| !known.contains(*d))
        .cloned()
        .collect();
    while let Some(id) = next.pop() {
        if !known.insert(id.clone()) {
            continue;
        }
        if let Ok(Some(t)) = txn.get(&id)
            && t.archived
        {
            next.extend(t.deps.iter().filter(|d| !known.contains(*d)).cloned());
            scan.tickets.push(t);
        }
    }
    Ok(())
}

/// The cycle an edge `from -> to` would close, in a store that holds archived tickets (which
/// no scan has): a walk from `to` along deps, over the briefs of the active tickets and the
/// archived tickets it meets (looked up by id), that finds `from`. `[from, to, ..., from]`.
pub(super) fn cycle_through_archive(
    txn: &mut dyn Txn,
    briefs: &Briefs,
    from: &str,
    to: &str,
) -> Result<Option<Vec<String>>> {
    let by_id: rustc_hash::FxHashMap<&str, usize> = briefs
        .tickets
        .iter()
        .enumerate()
        .map(|(i, b)| (b.id(), i))
        .collect();
    let mut came_from: rustc_hash::FxHashMap<String, String> = Default::default();
    let mut todo = vec![to.to_string()];
    came_from.insert(to.to_string(), String::new());
    while let Some(id) = todo.pop() {
        if id == from {
            let mut path = vec![from.to_string()];
            let mut at = from.to_string();
            while at != to {
                at = came_from[&at].clone();
                path.push(at.clone());
            }
            path.push(from.to_string());
            path.reverse();
            return Ok(Some(path));
        }
        let deps: Vec<String> = match by_id.get(id.as_str()) {
            Some(&i) => briefs.tickets[i].deps().map(str::to_string).collect(),
            None => match txn.get(&id) {
                Ok(Some(t)) if t.archived => t.deps.clone(),
                _ => Vec::new(),
            },
        };
        for d in deps {
            if !came_from.contains_key(&d) {
                came_from.insert(d.clone(), id.clone());
                todo.push(d);
            }
        }
    }
    Ok(None)
}

impl Tickets {
    /// Archives closed tickets, all or none: each id (exact or a unique prefix) must name an
    /// active, closed ticket, else nothing is archived and the error names the first that is
    /// not ([`Error::InvalidTransition`]: "cannot archive ticket 'x': it is open", or "... it
    /// is archived"). An archived ticket leaves every scan (`ready`, `list`, `blocked`, `claim`
    /// do not read it) but is still found by id; a dep on it counts as closed; it cannot be
    /// changed until [`Tickets::unarchive`]. Each gets an `archive` audit entry. Returns the
    /// archived tickets (with `archived` set), in the order given.
    ///
    /// ```
    /// use ayo_tickets::{Filter, NewTicket, Tickets};
    /// let t = Tickets::in_memory();
    /// let a = t.create(NewTicket::new("Extract data"))?;
    /// let b = t.create(NewTicket::new("Validate data").dep(&a.id))?;
    /// assert_eq!(t.archive(&[&a.id]).unwrap_err().code(), "INVALID_TRANSITION");
    /// t.close(&a.id, None)?;
    /// assert!(t.archive(&[&a.id])?[0].archived);
    /// assert_eq!(t.list(&Filter::default())?.len(), 1);
    /// assert_eq!(t.ready(None)?[0].id, b.id);
    /// assert!(t.get(&a.id)?.archived);
    /// let archived = Filter { archived: true, ..Filter::default() };
    /// assert_eq!(t.list(&archived)?[0].id, a.id);
    /// assert!(!t.unarchive(&a.id)?.archived);
    /// # Ok::<(), ayo_tickets::Error>(())
    /// ```
    pub fn archive(&self, ids: &[&str]) -> Result<Vec<Ticket>> {
        if ids.is_empty() {
            return Err(Error::invalid("archive needs at least one id"));
        }
        self.write(|txn| {
            let mut picked: Vec<Arc<Ticket>> = Vec::with_capacity(ids.len());
            for id in ids {
                let t = resolve(txn, id)?;
                if t.archived || t.status != Status::Closed {
                    return Err(refuse(&t, "archive"));
                }
                if !picked.iter().any(|p| p.id == t.id) {
                    picked.push(t);
                }
            }
            self.archive_all(txn, &picked, "")
        })
    }

    /// Archives every active closed ticket whose `closed` time is older than `age` before the
    /// store's clock (a ticket closed without a time is left). Returns them, oldest closed
    /// first; none is not an error. Each gets an `archive` audit entry.
    ///
    /// ```
    /// use std::time::Duration;
    /// use ayo_tickets::{NewTicket, Tickets};
    /// let t = Tickets::in_memory();
    /// let a = t.create(NewTicket::new("Done long ago"))?;
    /// t.close(&a.id, None)?;
    /// assert!(t.archive_older_than(Duration::from_secs(3600))?.is_empty());
    /// assert_eq!(t.archive_older_than(Duration::ZERO)?[0].id, a.id);
    /// # Ok::<(), ayo_tickets::Error>(())
    /// ```
    pub fn archive_older_than(&self, age: Duration) -> Result<Vec<Ticket>> {
        let age = chrono::Duration::from_std(age)
            .map_err(|_| Error::invalid("an age of archive is too long"))?;
        self.write(|txn| {
            let now = txn.now()?;
            let cutoff = now.checked_sub_signed(age);
            let scan = self.scan(txn)?;
            let mut picked: Vec<Arc<Ticket>> = scan
                .tickets
                .into_iter()
                .filter(|t| {
                    t.status == Status::Closed
                        && t.closed
                            .is_some_and(|c| cutoff.is_none_or(|cut| c <= cut) && c <= now)
                })
                .collect();
            picked.sort_by(|a, b| a.closed.cmp(&b.closed).then_with(|| a.id.cmp(&b.id)));
            let detail = format!("older than {}s", age.num_seconds());
            self.archive_all(txn, &picked, &detail)
        })
    }

    fn archive_all(
        &self,
        txn: &mut dyn Txn,
        picked: &[Arc<Ticket>],
        detail: &str,
    ) -> Result<Vec<Ticket>> {
        let mut out = Vec::with_capacity(picked.len());
        for t in picked {
            if !txn.archive(&t.id)? {
                return Err(Error::NotFound { id: t.id.clone() });
            }
            self.log(txn, self.actor.as_deref(), &t.id, "archive", detail)?;
            let mut done = annotate_one(txn, t)?;
            done.archived = true;
            out.push(done);
        }
        Ok(out)
    }

    /// Brings an archived ticket (exact id or a unique prefix of an active one) back among the
    /// active ones, closed as it was; [`Error::InvalidTransition`] ("cannot unarchive ticket
    /// 'x': it is closed") when it is not archived. Writes an `unarchive` audit entry.
    pub fn unarchive(&self, id: &str) -> Result<Ticket> {
        self.write(|txn| {
            let t = resolve(txn, id)?;
            if !t.archived {
                return Err(refuse(&t, "unarchive"));
            }
            if !txn.unarchive(&t.id)? {
                return Err(Error::NotFound { id: t.id.clone() });
            }
            self.log(txn, self.actor.as_deref(), &t.id, "unarchive", "")?;
            let mut back = (*t).clone();
            back.archived = false;
            annotate_one(txn, &back)
        })
    }

    /// The archived tickets that pass the filter (its other fields; a parent as the children
    /// name it), oldest first.
    pub(super) fn list_archived(&self, filter: &crate::Filter) -> Result<Vec<Ticket>> {
        self.read(|txn| {
            let scan = txn.scan_archived()?;
            for u in &scan.unreadable {
                (self.warn)(u);
            }
            let kept: Vec<&Arc<Ticket>> =
                scan.tickets.iter().filter(|t| filter.matches(t)).collect();
            // Deps among the archived are closed; any other is looked up.
            let mut closed: HashSet<&str> = scan.tickets.iter().map(|t| t.id.as_str()).collect();
            let mut others: Vec<&str> = kept
                .iter()
                .flat_map(|t| t.deps.iter().map(String::as_str))
                .filter(|d| !closed.contains(d))
                .collect();
            others.sort_unstable();
            others.dedup();
            for d in others {
                if let Ok(Some(t)) = txn.get(d)
                    && t.status == Status::Closed
                {
                    closed.insert(d);
                }
            }
            let mut out: Vec<Ticket> = kept
                .into_iter()
                .map(|t| {
                    let mut t = (**t).clone();
                    t.archived = true;
                    crate::graph::annotate(&t, |d| closed.contains(d))
                })
                .collect();
            out.sort_by(super::read::age_order);
            Ok(out)
        })
    }
}
