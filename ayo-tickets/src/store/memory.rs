//! The in-memory store: the reference backend, strict about misuse.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

use super::overlay::{CommittedDeps, Op, Overlay};
use super::{Access, Brief, Briefs, ChangeFeed, LogEntry, Scan, Store, Txn};
use crate::error::{Error, Result};
use crate::ticket::Ticket;

/// Tickets in memory, gone when the last handle drops. Writers exclude each other; readers see
/// the last committed state.
#[derive(Clone, Default)]
pub struct MemoryStore {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    state: Mutex<State>,
    /// True while a writer holds the store.
    writer: Mutex<bool>,
    writer_done: Condvar,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    tickets: Arc<HashMap<String, Arc<Ticket>>>,
    /// Archived tickets (with `archived` set), kept apart so that no scan reads them.
    archived: Arc<HashMap<String, Arc<Ticket>>>,
    log: Arc<Vec<LogEntry>>,
    version: u64,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MemoryStore")
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in another thread never leaves the state half-written (commit swaps whole
    // values), so a poisoned lock is still consistent.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Store for MemoryStore {
    fn begin(&self, access: Access) -> Result<Box<dyn Txn>> {
        let writes = access != Access::Read;
        if writes {
            let mut busy = lock(&self.inner.writer);
            while *busy {
                busy = self
                    .inner
                    .writer_done
                    .wait(busy)
                    .unwrap_or_else(|e| e.into_inner());
            }
            *busy = true;
        }
        let state = lock(&self.inner.state);
        Ok(Box::new(MemoryTxn {
            inner: self.inner.clone(),
            tickets: state.tickets.clone(),
            archived: state.archived.clone(),
            log: state.log.clone(),
            version: state.version,
            writes,
            batch: access == Access::Batch,
            overlay: Overlay::default(),
            committed_deps: CommittedDeps::default(),
        }))
    }

    fn changes(&self) -> Result<Box<dyn ChangeFeed>> {
        let seen = lock(&self.inner.state).version;
        Ok(Box::new(MemoryFeed {
            inner: self.inner.clone(),
            seen,
        }))
    }

    fn location(&self) -> String {
        "memory".to_string()
    }
}

struct MemoryTxn {
    inner: Arc<Inner>,
    tickets: Arc<HashMap<String, Arc<Ticket>>>,
    archived: Arc<HashMap<String, Arc<Ticket>>>,
    log: Arc<Vec<LogEntry>>,
    /// The store's version when this transaction began.
    version: u64,
    writes: bool,
    batch: bool,
    overlay: Overlay,
    committed_deps: CommittedDeps,
}

impl MemoryTxn {
    fn check_writable(&self) -> Result<()> {
        if self.writes {
            Ok(())
        } else {
            Err(Error::storage("write in a read-only transaction"))
        }
    }

    fn exists(&self, id: &str) -> bool {
        match self.overlay.get(id) {
            Some(t) => t.is_some(),
            None => self.tickets.contains_key(id),
        }
    }

    fn get_archived(&self, id: &str) -> Option<Arc<Ticket>> {
        match self.overlay.get_archived(id) {
            Some(t) => t,
            None => self.archived.get(id).cloned(),
        }
    }
}

impl Txn for MemoryTxn {
    fn get(&mut self, id: &str) -> Result<Option<Arc<Ticket>>> {
        let active = match self.overlay.get(id) {
            Some(t) => t,
            None => self.tickets.get(id).cloned(),
        };
        Ok(active.or_else(|| self.get_archived(id)))
    }

    fn archive(&mut self, id: &str) -> Result<bool> {
        self.check_writable()?;
        let active = match self.overlay.get(id) {
            Some(t) => t,
            None => self.tickets.get(id).cloned(),
        };
        let Some(t) = active else {
            return Ok(false);
        };
        self.overlay.archive(&t);
        Ok(true)
    }

    fn unarchive(&mut self, id: &str) -> Result<bool> {
        self.check_writable()?;
        let Some(t) = self.get_archived(id) else {
            return Ok(false);
        };
        self.overlay.unarchive(&t);
        Ok(true)
    }

    fn scan_archived(&mut self) -> Result<Scan> {
        let mut scan = Scan {
            tickets: self.archived.values().cloned().collect(),
            ..Scan::default()
        };
        self.overlay.apply_archived(&mut scan);
        Ok(scan)
    }

    fn archived_among(&mut self, ids: &[String]) -> Result<Vec<String>> {
        Ok(ids
            .iter()
            .filter(|id| self.get_archived(id).is_some())
            .cloned()
            .collect())
    }

    fn has_archived(&mut self) -> Result<bool> {
        Ok(!self.archived.is_empty() || self.overlay.archives())
    }

    fn ids(&mut self) -> Result<Vec<String>> {
        let mut ids: Vec<String> = self.tickets.keys().cloned().collect();
        self.overlay.apply_ids(&mut ids);
        Ok(ids)
    }

    fn scan(&mut self) -> Result<Scan> {
        let mut scan = Scan {
            tickets: self.tickets.values().cloned().collect(),
            ..Scan::default()
        };
        self.overlay.apply_scan(&mut scan);
        Ok(scan)
    }

    fn scan_briefs(&mut self) -> Result<Briefs> {
        let mut briefs = Briefs {
            tickets: self.tickets.values().cloned().map(Brief::new).collect(),
            ..Briefs::default()
        };
        self.overlay.apply_briefs(&mut briefs);
        Ok(briefs)
    }

    fn names_as_dep(&mut self, id: &str) -> Result<Option<bool>> {
        if !self.batch {
            return Ok(None);
        }
        let tickets = &self.tickets;
        self.committed_deps.names(id, &self.overlay, || {
            Ok(Briefs {
                tickets: tickets.values().cloned().map(Brief::new).collect(),
                ..Briefs::default()
            })
        })
    }

    fn create(&mut self, ticket: &Ticket) -> Result<bool> {
        self.check_writable()?;
        if self.exists(&ticket.id) || self.get_archived(&ticket.id).is_some() {
            return Ok(false);
        }
        self.overlay.put(ticket);
        Ok(true)
    }

    fn put(&mut self, ticket: &Ticket) -> Result<()> {
        self.check_writable()?;
        self.overlay.put(ticket);
        Ok(())
    }

    fn delete(&mut self, id: &str) -> Result<bool> {
        self.check_writable()?;
        if !self.exists(id) {
            return Ok(false);
        }
        self.overlay.delete(id);
        Ok(true)
    }

    fn log(&mut self, entry: LogEntry) -> Result<()> {
        self.check_writable()?;
        self.overlay.log.push(entry);
        Ok(())
    }

    fn history(&mut self, ticket: Option<&str>) -> Result<Vec<LogEntry>> {
        Ok(self
            .log
            .iter()
            .chain(self.overlay.log.iter())
            .filter(|e| ticket.is_none_or(|id| e.ticket == id))
            .cloned()
            .collect())
    }

    /// The commit count: readers that began between two commits see the same state.
    fn version(&self) -> Option<u64> {
        self.overlay.is_empty().then_some(self.version)
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        if self.writes && !self.overlay.is_empty() {
            // Let go of this transaction's snapshots first, so that the store's map and log
            // are updated in place instead of copied whole (when no reader holds them).
            drop(std::mem::take(&mut self.tickets));
            drop(std::mem::take(&mut self.archived));
            drop(std::mem::take(&mut self.log));
            let mut state = lock(&self.inner.state);
            let State {
                tickets, archived, ..
            } = &mut *state;
            let tickets = Arc::make_mut(tickets);
            for op in self.overlay.ops.drain(..) {
                match op {
                    Op::Put(t) => {
                        tickets.insert(t.id.clone(), t);
                    }
                    Op::Delete(id) => {
                        tickets.remove(&id);
                    }
                    Op::Archive(t) => {
                        tickets.remove(&t.id);
                        Arc::make_mut(archived).insert(t.id.clone(), t);
                    }
                    Op::Unarchive(t) => {
                        Arc::make_mut(archived).remove(&t.id);
                        tickets.insert(t.id.clone(), t);
                    }
                }
            }
            Arc::make_mut(&mut state.log).append(&mut self.overlay.log);
            state.version += 1;
            self.inner.changed.notify_all();
        }
        Ok(())
    }
}

impl Drop for MemoryTxn {
    fn drop(&mut self) {
        if self.writes {
            *lock(&self.inner.writer) = false;
            self.inner.writer_done.notify_one();
        }
    }
}

struct MemoryFeed {
    inner: Arc<Inner>,
    seen: u64,
}

impl ChangeFeed for MemoryFeed {
    fn wait(&mut self, deadline: Instant) -> Result<bool> {
        let mut state = lock(&self.inner.state);
        while state.version == self.seen {
            let now = Instant::now();
            if now >= deadline {
                return Ok(false);
            }
            state = self
                .inner
                .changed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        self.seen = state.version;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::Tickets;

    crate::store::suite::store_suite!(|| (
        Tickets::with_store(Arc::new(crate::store::memory::MemoryStore::new())).unwrap(),
        ()
    ));

    crate::store::contract::store_contract!(
        crate::store::contract::Traits {
            versions: true,
            sources: false
        },
        || (crate::store::memory::MemoryStore::new(), ())
    );
}
