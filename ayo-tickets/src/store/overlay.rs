//! Writes buffered inside a transaction until commit, and the view of the store they give.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Brief, Briefs, LogEntry, Scan};
use crate::error::Result;
use crate::ticket::Ticket;
use rustc_hash::FxHashSet as FastSet;

/// One buffered write, in the order the transaction made it.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    /// Store this ticket under its id.
    Put(Arc<Ticket>),
    /// Remove the ticket with this id.
    Delete(String),
    /// Move this ticket (as archived) to the archive.
    Archive(Arc<Ticket>),
    /// Move this ticket (as active) back from the archive.
    Unarchive(Arc<Ticket>),
}

impl Op {
    /// The id it writes.
    pub(crate) fn id(&self) -> &str {
        match self {
            Op::Put(t) | Op::Archive(t) | Op::Unarchive(t) => &t.id,
            Op::Delete(id) => id,
        }
    }
}

/// The writes of an uncommitted transaction.
#[derive(Debug, Default)]
pub(crate) struct Overlay {
    changed: HashMap<String, Option<Arc<Ticket>>>,
    /// The archive as this transaction changed it: `Some` archived here, `None` unarchived.
    archived: HashMap<String, Option<Arc<Ticket>>>,
    pub(crate) ops: Vec<Op>,
    pub(crate) log: Vec<LogEntry>,
    /// Every id a ticket written here names as a dep (never shrinks).
    dep_names: FastSet<String>,
}

/// Which ids the tickets of a transaction's committed state name as deps, found once per
/// transaction (for [`super::Txn::names_as_dep`]); `None` inside when some record is
/// unreadable. It never shrinks: a superset only sends a cycle check the long way.
#[derive(Debug, Default)]
pub(crate) struct CommittedDeps(Option<Option<FastSet<String>>>);

impl CommittedDeps {
    /// Whether `id` is named as a dep by the committed state (found with `briefs` at the
    /// first call) or by the overlay.
    pub(crate) fn names(
        &mut self,
        id: &str,
        overlay: &Overlay,
        briefs: impl FnOnce() -> Result<Briefs>,
    ) -> Result<Option<bool>> {
        if self.0.is_none() {
            let b = briefs()?;
            self.0 = Some(b.unreadable.is_empty().then(|| {
                b.tickets
                    .iter()
                    .flat_map(|t| t.deps().map(str::to_string).collect::<Vec<_>>())
                    .collect()
            }));
        }
        Ok(match &self.0 {
            Some(Some(committed)) => Some(committed.contains(id) || overlay.dep_names.contains(id)),
            _ => None,
        })
    }
}

impl Overlay {
    /// What the transaction wrote for `id`: `None` if untouched, `Some(None)` if deleted.
    pub(crate) fn get(&self, id: &str) -> Option<Option<Arc<Ticket>>> {
        self.changed.get(id).cloned()
    }

    pub(crate) fn put(&mut self, ticket: &Ticket) {
        for d in &ticket.deps {
            if !self.dep_names.contains(d) {
                self.dep_names.insert(d.clone());
            }
        }
        let t = Arc::new(ticket.clone());
        self.changed.insert(ticket.id.clone(), Some(t.clone()));
        self.ops.push(Op::Put(t));
    }

    /// Moves `ticket` (an active one) to the archive.
    pub(crate) fn archive(&mut self, ticket: &Ticket) {
        let t = Arc::new(Ticket {
            archived: true,
            ..ticket.clone()
        });
        self.changed.insert(t.id.clone(), None);
        self.archived.insert(t.id.clone(), Some(t.clone()));
        self.ops.push(Op::Archive(t));
    }

    /// Moves `ticket` (an archived one) back among the active ones.
    pub(crate) fn unarchive(&mut self, ticket: &Ticket) {
        for d in &ticket.deps {
            self.dep_names.insert(d.clone());
        }
        let t = Arc::new(Ticket {
            archived: false,
            ..ticket.clone()
        });
        self.changed.insert(t.id.clone(), Some(t.clone()));
        self.archived.insert(t.id.clone(), None);
        self.ops.push(Op::Unarchive(t));
    }

    /// What the transaction did to `id` in the archive: `None` if nothing, `Some(None)` if it
    /// left the archive.
    pub(crate) fn get_archived(&self, id: &str) -> Option<Option<Arc<Ticket>>> {
        self.archived.get(id).cloned()
    }

    /// True when this transaction archived some ticket.
    pub(crate) fn archives(&self) -> bool {
        self.archived.values().any(Option::is_some)
    }

    /// Applies the buffered moves to a scan of the committed archive.
    pub(crate) fn apply_archived(&self, scan: &mut Scan) {
        if self.archived.is_empty() {
            return;
        }
        scan.tickets.retain(|t| !self.archived.contains_key(&t.id));
        scan.unreadable
            .retain(|u| !self.archived.contains_key(&u.id));
        scan.tickets
            .extend(self.archived.values().flatten().cloned());
    }

    pub(crate) fn delete(&mut self, id: &str) {
        self.changed.insert(id.to_string(), None);
        self.ops.push(Op::Delete(id.to_string()));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ops.is_empty() && self.log.is_empty()
    }

    /// Applies the buffered writes to a scan of the committed state.
    pub(crate) fn apply_scan(&self, scan: &mut Scan) {
        if self.changed.is_empty() {
            return;
        }
        scan.tickets.retain(|t| !self.changed.contains_key(&t.id));
        scan.unreadable
            .retain(|u| !self.changed.contains_key(&u.id));
        scan.mismatched
            .retain(|(id, _)| !self.changed.contains_key(id));
        scan.tickets
            .extend(self.changed.values().flatten().cloned());
    }

    /// Applies the buffered writes to briefs of the committed state.
    pub(crate) fn apply_briefs(&self, briefs: &mut Briefs) {
        if self.changed.is_empty() {
            return;
        }
        briefs
            .tickets
            .retain(|t| !self.changed.contains_key(t.id()));
        briefs
            .unreadable
            .retain(|u| !self.changed.contains_key(&u.id));
        briefs
            .mismatched
            .retain(|(id, _)| !self.changed.contains_key(id));
        briefs
            .tickets
            .extend(self.changed.values().flatten().cloned().map(Brief::new));
    }

    /// Applies the buffered writes to a list of the committed ids.
    pub(crate) fn apply_ids(&self, ids: &mut Vec<String>) {
        if self.changed.is_empty() {
            return;
        }
        ids.retain(|id| !self.changed.contains_key(id));
        ids.extend(
            self.changed
                .iter()
                .filter(|(_, t)| t.is_some())
                .map(|(id, _)| id.clone()),
        );
    }
}
