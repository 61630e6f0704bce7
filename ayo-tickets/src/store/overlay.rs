//! Writes buffered inside a transaction until commit, and the view of the store they give.

use std::collections::HashMap;
use std::sync::Arc;

use super::{LogEntry, Scan};
use crate::ticket::Ticket;

/// One buffered write, in the order the transaction made it.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    /// Store this ticket under its id.
    Put(Arc<Ticket>),
    /// Remove the ticket with this id.
    Delete(String),
}

/// The writes of an uncommitted transaction.
#[derive(Debug, Default)]
pub(crate) struct Overlay {
    changed: HashMap<String, Option<Arc<Ticket>>>,
    pub(crate) ops: Vec<Op>,
    pub(crate) log: Vec<LogEntry>,
}

impl Overlay {
    /// What the transaction wrote for `id`: `None` if untouched, `Some(None)` if deleted.
    pub(crate) fn get(&self, id: &str) -> Option<Option<Arc<Ticket>>> {
        self.changed.get(id).cloned()
    }

    pub(crate) fn put(&mut self, ticket: &Ticket) {
        let t = Arc::new(ticket.clone());
        self.changed.insert(ticket.id.clone(), Some(t.clone()));
        self.ops.push(Op::Put(t));
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
