//! The markdown-directory store: one `<id>.md` file per ticket, the store's own files in
//! `<dir>/.ayo/`.
//!
//! Writers take an exclusive `flock` on `.ayo/lock`, opened afresh by each transaction (a flock
//! belongs to an open file description, so two handles in one process exclude each other too),
//! re-read what they need inside the lock, and write each file to a temp file in `.ayo/`,
//! fsync it, rename it into place and fsync the directory. Readers take no lock and never see
//! half a file. A commit is recorded in a journal before its renames (`markdown/journal.rs`),
//! so that one whose writer was killed is finished by the next transaction.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::overlay::{CommittedDeps, Op, Overlay};
use super::{Access, Briefs, LogEntry, Scan, Store, Txn};
use crate::error::{Error, Result};
use crate::format;
use crate::hooks::pause;
use crate::ticket::{Ticket, validate_id};
use fs::{Call, MAX_FILE, perform, read_text, read_ticket};
use index::{Cache, SharedIndex, ticket_stem};
use journal::{Journal, LOG_FILE};
use rustc_hash::{FxHashMap as FastMap, FxHashSet as FastSet};

pub(crate) mod fs;
mod index;
mod journal;
pub(crate) mod lock;
mod seq;
mod watch;

/// The folder, inside a store directory, that holds the store's own files.
pub const META_DIR: &str = ".ayo";
/// The folder, inside a store directory, that archived tickets' files move to: no scan and
/// no index reads it; a ticket's file there is found by its id.
pub const ARCHIVE_DIR: &str = "archive";
const LOCK_FILE: &str = "lock";
pub(crate) use fs::TEMP_PREFIX;

/// A directory of ticket files.
#[derive(Debug, Clone)]
pub struct MarkdownStore {
    dir: Arc<PathBuf>,
    /// The scan index, shared by every transaction of this handle and its clones.
    index: SharedIndex,
    /// Where the index is kept while the directory has no `.ayo/` (the user's cache).
    cache: Arc<Cache>,
    /// How long a writer waits for the lock, in ms (see `markdown/lock.rs`).
    lock_timeout_ms: Arc<AtomicU64>,
}

impl MarkdownStore {
    /// A store in `dir`. Nothing is created in `dir` until the first write: until then its
    /// scan index is kept in the user's cache directory (`$AYO_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/ayo`, else `~/.cache/ayo`, as the environment is now), if it can be.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self::with_cache(dir, Cache::from_env())
    }

    pub(crate) fn with_cache(dir: impl Into<PathBuf>, cache: Cache) -> Self {
        let dir = dir.into();
        // Bound to the directory it was opened on, not to one a later `chdir` would name.
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        MarkdownStore {
            dir: Arc::new(dir),
            index: SharedIndex::default(),
            cache: Arc::new(cache),
            lock_timeout_ms: Arc::new(
                AtomicU64::new(lock::DEFAULT_LOCK_TIMEOUT.as_millis() as u64),
            ),
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn meta(&self) -> PathBuf {
        self.dir.join(META_DIR)
    }

    /// Creates the directory and `.ayo/` (with a `.gitignore`, so a team can commit the
    /// tickets but not the store's own files, and an empty audit log). What it makes is synced
    /// before the first commit relies on it: a commit record in `.ayo/` and a log entry must
    /// not vanish with their folder after a power cut.
    fn ensure_meta(&self) -> Result<()> {
        let meta = self.meta();
        let ignore = meta.join(".gitignore");
        let log = meta.join(LOG_FILE);
        if ignore.exists() && log.exists() {
            return Ok(());
        }
        let made_dir = !self.dir.is_dir();
        let made_meta = !meta.is_dir();
        let step = |call: Call, path: &Path| perform(call).map_err(|e| io_err(path, e));
        if made_meta {
            step(Call::MkdirAll(meta.clone()), &meta)?;
        }
        if !ignore.exists() {
            step(Call::Write(ignore.clone(), b"*\n".to_vec()), &ignore)?;
        }
        if !log.exists() {
            step(Call::Append(log.clone(), Vec::new()), &log)?;
        }
        step(Call::Sync(meta.clone()), &meta)?;
        if made_meta {
            step(Call::Sync(self.dir.to_path_buf()), &self.dir)?;
        }
        if made_dir && let Some(parent) = self.dir.parent() {
            step(Call::Sync(parent.to_path_buf()), parent)?;
        }
        Ok(())
    }

    fn lock(&self) -> Result<File> {
        self.ensure_meta()?;
        let timeout = Duration::from_millis(self.lock_timeout_ms.load(Ordering::Relaxed));
        lock::take(&self.meta().join(LOCK_FILE), timeout)
    }

    /// Takes the writers' lock, finishes a commit left by a writer that died, and removes its
    /// stale temp files.
    fn lock_and_recover(&self) -> Result<File> {
        let lock = self.lock()?;
        journal::recover(&self.dir, &self.meta())?;
        self.clean_temps();
        Ok(lock)
    }

    /// Removes temp files left by writers that died: only writers make them, and we hold the
    /// lock, so every one there now is stale.
    fn clean_temps(&self) {
        if let Ok(entries) = std::fs::read_dir(self.meta()) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                    let _ = perform(Call::Remove(e.path()));
                }
            }
        }
    }
}

impl Store for MarkdownStore {
    fn begin(&self, access: Access) -> Result<Box<dyn Txn>> {
        let mut read_at = None;
        let lock = match access {
            Access::Read => {
                // A commit being made visible is waited for, and one whose writer died is
                // finished, before anyone reads; a reader that may not write here (a read-only
                // mount, another user's store) reads what is there, as it would have before
                // the record.
                let meta = self.meta();
                let mut at = seq::read(&meta);
                if at % 2 == 1 || journal::pending(&meta) {
                    drop(self.lock_and_recover());
                    at = seq::read(&meta);
                }
                read_at = at.is_multiple_of(2).then_some(at);
                None
            }
            Access::Write | Access::Batch => Some(self.lock_and_recover()?),
        };
        Ok(Box::new(MarkdownTxn {
            store: self.clone(),
            lock,
            durable: access == Access::Write,
            overlay: Overlay::default(),
            sources: Default::default(),
            committed_deps: CommittedDeps::default(),
            created: FastSet::default(),
            lookups: 0,
            committed: None,
            archived_ids: None,
            read_at,
        }))
    }

    /// Woken by file-system notification on the directory (see `markdown/watch.rs`); polls every
    /// `$AYO_POLL_MS` only when notification is unavailable or `$AYO_WATCH=0`.
    fn changes(&self) -> Result<Box<dyn crate::store::ChangeFeed>> {
        Ok(watch::subscribe(&self.dir))
    }

    fn location(&self) -> String {
        self.dir.display().to_string()
    }

    fn set_lock_timeout(&self, timeout: Duration) {
        let ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        self.lock_timeout_ms.store(ms, Ordering::Relaxed);
    }

    fn place(&self) -> Option<crate::scope::StoreChoice> {
        Some(crate::scope::StoreChoice::Dir(self.dir.to_path_buf()))
    }
}

struct MarkdownTxn {
    store: MarkdownStore,
    /// Held for the whole transaction when it writes.
    lock: Option<File>,
    /// fsync each write (false in a batch, which syncs once at commit).
    durable: bool,
    overlay: Overlay,
    /// Texts given by [`Txn::put_source`]: the base a new file is rendered on.
    sources: std::collections::HashMap<String, String>,
    /// For [`Txn::names_as_dep`] in a batch.
    committed_deps: CommittedDeps,
    /// Ids this transaction created: no file had them when it looked, under the lock.
    created: FastSet<String>,
    /// How often this transaction asked whether an id is taken, and, in a batch that asked
    /// often, the ids of the files there and in `archive/` (read once: the batch holds the
    /// lock throughout).
    lookups: usize,
    committed: Option<FastSet<String>>,
    /// With `committed`: the ids of the files in `archive/` (`None`: asked one by one).
    archived_ids: Option<FastSet<String>>,
    /// A read: the commit counter when it began (see `markdown/seq.rs`).
    read_at: Option<u64>,
}

fn io_err(path: &Path, e: io::Error) -> Error {
    Error::storage(format!("{}: {e}", path.display()))
}

impl MarkdownTxn {
    fn path_of(&self, id: &str) -> PathBuf {
        self.store.dir.join(format!("{id}.md"))
    }

    fn archived_path(&self, id: &str) -> PathBuf {
        self.store.dir.join(ARCHIVE_DIR).join(format!("{id}.md"))
    }

    /// The archived ticket with this id, as this transaction sees it.
    fn get_archived(&self, id: &str) -> Result<Option<Arc<Ticket>>> {
        if let Some(t) = self.overlay.get_archived(id) {
            return Ok(t);
        }
        Ok(read_ticket(&self.archived_path(id))?.map(|p| {
            let mut t = p.ticket;
            t.archived = true;
            Arc::new(t)
        }))
    }

    /// The active ticket with this id, as this transaction sees it.
    fn get_active(&self, id: &str) -> Result<Option<Arc<Ticket>>> {
        if let Some(t) = self.overlay.get(id) {
            return Ok(t);
        }
        Ok(read_ticket(&self.path_of(id))?.map(|p| Arc::new(p.ticket)))
    }

    /// Makes `archive/` and puts its name on disk, before a commit record names a move into
    /// it.
    fn ensure_archive_dir(&self) -> Result<()> {
        let archive = self.store.dir.join(ARCHIVE_DIR);
        if archive.is_dir() {
            return Ok(());
        }
        let step = |call: Call, path: &Path| perform(call).map_err(|e| io_err(path, e));
        step(Call::MkdirAll(archive.clone()), &archive)?;
        step(Call::Sync(archive.clone()), &archive)?;
        step(Call::Sync(self.store.dir.to_path_buf()), &self.store.dir)
    }

    fn check_writable(&self) -> Result<()> {
        if self.lock.is_some() {
            Ok(())
        } else {
            Err(Error::storage("write in a read-only transaction"))
        }
    }

    fn committed_ids(&self) -> Result<Vec<String>> {
        let entries = match std::fs::read_dir(&*self.store.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_err(&self.store.dir, e)),
        };
        let mut ids = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| io_err(&self.store.dir, e))?;
            let name = entry.file_name();
            if let Some(stem) = name.to_str().and_then(ticket_stem) {
                ids.push(stem.to_string());
            }
        }
        Ok(ids)
    }

    /// The ids of the files in `archive/` (none when there is no `archive/`); `None` when it
    /// cannot be listed, so that each id is asked by a stat.
    fn archived_ids(&self) -> Option<FastSet<String>> {
        let archive = self.store.dir.join(ARCHIVE_DIR);
        let entries = match std::fs::read_dir(&archive) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Some(FastSet::default()),
            Err(_) => return None,
        };
        let mut ids = FastSet::default();
        for entry in entries {
            let name = entry.ok()?.file_name();
            if let Some(stem) = name.to_str().and_then(ticket_stem) {
                ids.insert(stem.to_string());
            }
        }
        Some(ids)
    }

    /// Whether a file `archive/<id>.md` is there (any entry: a dangling link takes its id).
    fn archived_file(&self, id: &str) -> bool {
        match &self.archived_ids {
            Some(ids) => ids.contains(id),
            None => std::fs::symlink_metadata(self.archived_path(id)).is_ok(),
        }
    }

    fn exists(&mut self, id: &str) -> Result<bool> {
        if let Some(t) = self.overlay.get(id) {
            return Ok(t.is_some());
        }
        self.lookups += 1;
        if self.committed.is_none() && !self.durable && self.lookups > BATCH_LOOKUPS {
            self.committed = Some(self.committed_ids()?.into_iter().collect());
            self.archived_ids = self.archived_ids();
        }
        Ok(match &self.committed {
            Some(ids) => ids.contains(id),
            // Not `exists()`, which follows links: a dangling link takes its id.
            None => std::fs::symlink_metadata(self.path_of(id)).is_ok(),
        })
    }

    /// Writes a ticket's new text to the temp file `temp` in `.ayo/` (fsynced when the
    /// transaction is durable); `false` when `may_skip` and the file already holds that text.
    fn prepare(&self, ticket: &Ticket, temp: &str, may_skip: bool) -> Result<bool> {
        let path = self.path_of(&ticket.id);
        let previous =
            if self.created.contains(&ticket.id) {
                // A ticket this transaction created has no file yet.
                None
            } else {
                match read_text(&path)? {
                    Some(bytes) => Some(String::from_utf8(bytes).map_err(|_| {
                        Error::parse(&path, None, "not UTF-8; refusing to overwrite")
                    })?),
                    None => None,
                }
            };
        if let Some(prev) = &previous {
            // Never overwrite a file that cannot be read back.
            format::parse(prev.as_bytes(), &path)?;
        }
        // A new file is rendered on the text the ticket had in the store it was copied from.
        let base = previous
            .as_deref()
            .or(self.sources.get(&ticket.id).map(String::as_str));
        let text = format::render(ticket, base)?;
        if text.len() as u64 > MAX_FILE {
            // Kept from the file it had, the text may pass what the core checked.
            return Err(Error::invalid(format!(
                "ticket '{}' would be {} bytes: a ticket file holds at most {MAX_FILE}",
                ticket.id,
                text.len()
            )));
        }
        if may_skip && previous.as_deref() == Some(text.as_str()) {
            return Ok(false);
        }
        let temp = self.store.meta().join(temp);
        perform(Call::Write(temp.clone(), text.into_bytes())).map_err(|e| io_err(&temp, e))?;
        if self.durable {
            // A batch syncs all its temp files with one `syncfs` before its commit record.
            perform(Call::Sync(temp.clone())).map_err(|e| io_err(&temp, e))?;
        }
        pause("after_temp");
        Ok(true)
    }

    /// Writes the temp files of `puts` (each with whether an unchanged file may be left as it
    /// is): the name of each temp file written, `None` for a file left as it is.
    fn prepare_all(&self, puts: &[(&Arc<Ticket>, bool)], pid: u32) -> Result<Vec<Option<String>>> {
        puts.iter()
            .map(|&(t, may_skip)| {
                let seq = SEQ.fetch_add(1, Ordering::Relaxed);
                let temp = format!("{TEMP_PREFIX}{pid}-{seq}-{}.md", t.id);
                Ok(self.prepare(t, &temp, may_skip)?.then_some(temp))
            })
            .collect()
    }
}

static SEQ: AtomicU64 = AtomicU64::new(0);

/// A commit writing at least this many files spreads them over the cores.
const PARALLEL_WRITES: usize = 256;
/// A batch that has asked this often whether an id is taken reads the directory's ids once.
const BATCH_LOOKUPS: usize = 64;
/// At most this many threads write one commit's files.
const MAX_WRITERS: usize = 4;

/// `f` over `items`, in parts on several threads when there are many (rendering and writing
/// a big batch's files), the results joined in order; the first error wins.
fn spread<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&[T]) -> Result<Vec<R>> + Sync,
) -> Result<Vec<R>> {
    let workers = if items.len() < PARALLEL_WRITES {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_WRITERS))
    };
    if workers == 1 {
        return f(items);
    }
    let parts = crate::parallel::in_parts(items, workers, f)
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let mut out = Vec::with_capacity(items.len());
    for part in parts {
        out.extend(part?);
    }
    Ok(out)
}

impl Txn for MarkdownTxn {
    fn settled(&mut self) -> bool {
        self.read_at
            .is_none_or(|at| seq::read(&self.store.meta()) == at)
    }

    fn get(&mut self, id: &str) -> Result<Option<Arc<Ticket>>> {
        if let Some(Some(t)) = self.overlay.get(id) {
            return Ok(Some(t));
        }
        validate_id(id)?;
        match self.get_active(id)? {
            Some(t) => Ok(Some(t)),
            None => self.get_archived(id),
        }
    }

    fn archive(&mut self, id: &str) -> Result<bool> {
        self.check_writable()?;
        validate_id(id)?;
        let Some(t) = self.get_active(id)? else {
            return Ok(false);
        };
        self.overlay.archive(&t);
        Ok(true)
    }

    fn unarchive(&mut self, id: &str) -> Result<bool> {
        self.check_writable()?;
        validate_id(id)?;
        let Some(t) = self.get_archived(id)? else {
            return Ok(false);
        };
        if self.get_active(id)?.is_some() {
            return Err(Error::AlreadyExists { id: id.to_string() });
        }
        self.overlay.unarchive(&t);
        Ok(true)
    }

    /// The files of `archive/`, read one by one (it has no index: only `list --archived`
    /// reads it).
    fn scan_archived(&mut self) -> Result<Scan> {
        let archive = self.store.dir.join(ARCHIVE_DIR);
        let mut scan = Scan::default();
        let entries = match std::fs::read_dir(&archive) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                self.overlay.apply_archived(&mut scan);
                return Ok(scan);
            }
            Err(e) => return Err(io_err(&archive, e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| io_err(&archive, e))?;
            let name = entry.file_name();
            let Some(id) = name.to_str().and_then(ticket_stem) else {
                continue;
            };
            let path = entry.path();
            match read_ticket(&path) {
                Ok(Some(p)) => {
                    let mut t = p.ticket;
                    t.archived = true;
                    scan.tickets.push(Arc::new(t));
                }
                Ok(None) => {}
                Err(error) => scan.unreadable.push(crate::store::Unreadable {
                    id: id.to_string(),
                    path: Some(path),
                    error,
                }),
            }
        }
        self.overlay.apply_archived(&mut scan);
        Ok(scan)
    }

    /// A stat of `archive/<id>.md` each.
    fn archived_among(&mut self, ids: &[String]) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for id in ids {
            let archived = match self.overlay.get_archived(id) {
                Some(t) => t.is_some(),
                None => {
                    validate_id(id).is_ok()
                        && std::fs::metadata(self.archived_path(id)).is_ok_and(|m| m.is_file())
                }
            };
            if archived {
                out.push(id.clone());
            }
        }
        Ok(out)
    }

    /// Whether `archive/` is there (one stat), or, in a long batch, whether it held a ticket
    /// when the batch read it.
    fn has_archived(&mut self) -> Result<bool> {
        Ok(self.overlay.archives()
            || match &self.archived_ids {
                // A long batch read `archive/` once, under the lock it holds throughout: only
                // its own archives (above) add to it since. Spares a chained batch a stat per
                // create.
                Some(ids) => !ids.is_empty(),
                None => self.store.dir.join(ARCHIVE_DIR).is_dir(),
            })
    }

    fn ids(&mut self) -> Result<Vec<String>> {
        let mut ids = self.committed_ids()?;
        self.overlay.apply_ids(&mut ids);
        Ok(ids)
    }

    fn scan(&mut self) -> Result<Scan> {
        self.scan_briefs()?.into_scan()
    }

    /// From the scan index: each ticket's text is decoded only when asked for.
    fn scan_briefs(&mut self) -> Result<Briefs> {
        let store = &self.store;
        let mut briefs = index::scan(&store.dir, &store.meta(), &store.cache, &store.index)?;
        self.overlay.apply_briefs(&mut briefs);
        Ok(briefs)
    }

    /// In a batch (which holds the lock throughout): the committed state's deps, found by one
    /// scan, and the batch's own.
    fn names_as_dep(&mut self, id: &str) -> Result<Option<bool>> {
        if self.lock.is_none() || self.durable {
            return Ok(None);
        }
        let store = &self.store;
        self.committed_deps.names(id, &self.overlay, || {
            index::scan(&store.dir, &store.meta(), &store.cache, &store.index)
        })
    }

    fn create(&mut self, ticket: &Ticket) -> Result<bool> {
        self.check_writable()?;
        validate_id(&ticket.id)?;
        if self.exists(&ticket.id)? {
            return Ok(false);
        }
        let archived = match self.overlay.get_archived(&ticket.id) {
            Some(t) => t.is_some(),
            None => self.archived_file(&ticket.id),
        };
        if archived {
            return Ok(false);
        }
        self.overlay.put(ticket);
        self.created.insert(ticket.id.clone());
        Ok(true)
    }

    fn put(&mut self, ticket: &Ticket) -> Result<()> {
        self.check_writable()?;
        validate_id(&ticket.id)?;
        self.overlay.put(ticket);
        Ok(())
    }

    fn delete(&mut self, id: &str) -> Result<bool> {
        self.check_writable()?;
        validate_id(id)?;
        if !self.exists(id)? {
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

    fn source(&mut self, id: &str) -> Result<Option<String>> {
        validate_id(id)?;
        let text = match read_text(&self.path_of(id))? {
            Some(bytes) => Some(bytes),
            None => read_text(&self.archived_path(id))?,
        };
        Ok(text.and_then(|b| String::from_utf8(b).ok()))
    }

    fn put_source(&mut self, ticket: &Ticket, source: Option<&str>) -> Result<()> {
        self.put(ticket)?;
        if let Some(text) = source {
            self.sources.insert(ticket.id.clone(), text.to_string());
        }
        Ok(())
    }

    fn history(&mut self, ticket: Option<&str>) -> Result<Vec<LogEntry>> {
        let path = self.store.meta().join(LOG_FILE);
        let text = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(io_err(&path, e)),
        };
        Ok(text
            .lines()
            // A torn line (a writer killed mid-append) is skipped.
            .filter_map(|line| serde_json::from_str::<LogEntry>(line).ok())
            .chain(self.overlay.log.iter().cloned())
            .filter(|e| ticket.is_none_or(|id| e.ticket == id))
            .collect())
    }

    /// Writes the temp files (spread over the cores for a big batch), records the commit in
    /// the journal, renames them into place in the order the transaction wrote, so that a
    /// reader meanwhile sees a state the transaction passed through, and appends the audit
    /// entries: see `markdown/journal.rs`.
    fn commit(mut self: Box<Self>) -> Result<()> {
        if self.lock.is_none() || self.overlay.is_empty() {
            return Ok(());
        }
        let ops = std::mem::take(&mut self.overlay.ops);
        let mut writes: FastMap<&str, usize> = FastMap::default();
        for op in &ops {
            *writes.entry(op.id()).or_default() += 1;
        }
        let puts: Vec<(&Arc<Ticket>, bool)> = ops
            .iter()
            .filter_map(|op| match op {
                // An unchanged file is left alone only when nothing else in the transaction
                // wrote it (an earlier write may have changed what it holds by then).
                Op::Put(t) => Some((t, writes[t.id.as_str()] == 1)),
                Op::Delete(_) | Op::Archive(_) | Op::Unarchive(_) => None,
            })
            .collect();
        if ops.iter().any(|op| matches!(op, Op::Archive(_))) {
            self.ensure_archive_dir()?;
        }
        let pid = std::process::id();
        let temps = spread(&puts, |part| self.prepare_all(part, pid))?;
        let steps = journal::steps(&ops, temps);
        let journal = Journal {
            steps,
            log: std::mem::take(&mut self.overlay.log),
        };
        if journal.steps.is_empty() && journal.log.is_empty() {
            return Ok(());
        }
        journal.run(&self.store.dir, &self.store.meta(), self.durable)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::Tickets;

    crate::store::suite::store_suite!(|| {
        let dir = tempfile::tempdir().unwrap();
        let t = Tickets::with_store(Arc::new(crate::store::markdown::MarkdownStore::new(
            dir.path(),
        )))
        .unwrap();
        (t, dir)
    });

    crate::store::contract::store_contract!(
        crate::store::contract::Traits {
            versions: false,
            sources: true
        },
        || {
            let dir = tempfile::tempdir().unwrap();
            (crate::store::markdown::MarkdownStore::new(dir.path()), dir)
        }
    );

    /// Snapshot reads: a read that a commit overlapped is not settled (the core reads again),
    /// one that none overlapped is; a reader that finds a commit being made visible (the
    /// counter odd) waits for it under the writers' lock, and its writer's death is recovered.
    #[test]
    fn a_read_overlapped_by_a_commit_is_read_again() {
        use crate::store::{Access, Store};
        let dir = tempfile::tempdir().unwrap();
        let store = super::MarkdownStore::new(dir.path());
        let t = Tickets::with_store(Arc::new(store.clone())).unwrap();
        let a = t.create(crate::NewTicket::new("A")).unwrap();
        let mut quiet = store.begin(Access::Read).unwrap();
        quiet.scan().unwrap();
        assert!(quiet.settled());
        let mut overlapped = store.begin(Access::Read).unwrap();
        overlapped.scan().unwrap();
        t.note(&a.id, "meanwhile").unwrap();
        assert!(!overlapped.settled());
        // Left odd (a writer that died while making its commit visible): the next reader takes
        // the lock, which settles it, and reads a settled state.
        let meta = dir.path().join(super::META_DIR);
        let odd = super::seq::read(&meta) + 1;
        std::fs::write(meta.join(super::seq::SEQ_FILE), odd.to_le_bytes()).unwrap();
        let mut after = store.begin(Access::Read).unwrap();
        assert_eq!(super::seq::read(&meta) % 2, 0);
        after.scan().unwrap();
        assert!(after.settled());
        assert_eq!(t.get(&a.id).unwrap().notes.len(), 1);
    }

    /// A relative directory is made absolute on open: the store stays where it was opened.
    #[test]
    fn a_relative_directory_is_taken_from_where_it_was_opened() {
        let cwd = std::env::current_dir().unwrap();
        let store = super::MarkdownStore::new("some/rel/.tickets");
        assert_eq!(store.dir(), cwd.join("some/rel/.tickets"));
        assert!(store.dir().is_absolute());
    }

    /// A batch that asked often whether ids are taken answers from the directory's ids, and
    /// from `archive/`'s, read once: still every file counts, an archived one and a dangling
    /// link named like a ticket too.
    #[test]
    fn a_long_batch_still_refuses_taken_ids() {
        let dir = tempfile::tempdir().unwrap();
        let t = Tickets::open(dir.path()).unwrap();
        t.create(crate::NewTicket::new("Taken").id("taken"))
            .unwrap();
        t.create(crate::NewTicket::new("Gone").id("gone")).unwrap();
        t.close("gone", None).unwrap();
        t.archive(&["gone"]).unwrap();
        std::os::unix::fs::symlink("nowhere", dir.path().join("dangle.md")).unwrap();
        let archive = dir.path().join(super::ARCHIVE_DIR);
        std::os::unix::fs::symlink("nowhere", archive.join("lost.md")).unwrap();
        t.batch(|t| {
            for i in 0..2 * super::BATCH_LOOKUPS {
                t.create(crate::NewTicket::new(format!("n{i}")))?;
            }
            for id in ["taken", "dangle", "gone", "lost"] {
                let again = t.create(crate::NewTicket::new("again").id(id));
                assert_eq!(again.unwrap_err().code(), "EXISTS", "{id}");
            }
            t.create(crate::NewTicket::new("free").id("free"))
        })
        .unwrap();
        let all = t.list(&crate::Filter::default()).unwrap();
        assert_eq!(all.len(), 2 * super::BATCH_LOOKUPS + 2);
        assert_eq!(t.get("taken").unwrap().title, "Taken");
    }

    /// A file kept near the limit by a frontmatter key the core does not know: a note that
    /// would take it past 16 MiB is refused by the store (the core's check cannot see the key),
    /// and the file is left as it was.
    #[test]
    fn a_write_past_the_file_limit_is_refused_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let t = Tickets::open(dir.path()).unwrap();
        let max = super::MAX_FILE as usize;
        let description = "d".repeat(max - 900 * 1024);
        let a = t
            .create(
                crate::NewTicket::new("A")
                    .id("aaaa")
                    .description(description),
            )
            .unwrap();
        let file = dir.path().join("aaaa.md");
        let text = std::fs::read_to_string(&file).unwrap();
        let pad = max - text.len() - 100 - "blob: \n".len();
        let padded = text.replacen("---\n", &format!("---\nblob: {}\n", "x".repeat(pad)), 1);
        std::fs::write(&file, &padded).unwrap();
        assert_eq!(t.get(&a.id).unwrap().title, "A");
        let err = t.note(&a.id, &"n".repeat(1024)).unwrap_err();
        assert_eq!(err.code(), "INVALID", "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), padded);
        t.note(&a.id, "short").unwrap();
        assert_eq!(t.get(&a.id).unwrap().notes.len(), 1);
    }

    fn retitle(to: &str) -> crate::Update {
        crate::Update {
            title: Some(to.to_string()),
            ..crate::Update::default()
        }
    }

    /// Writes of one ticket in one transaction: the file ends as the last one left it, even
    /// when that is what the file held before (an unchanged file is kept only when nothing
    /// else wrote it), and a removal undone by a later create keeps the new file.
    #[test]
    fn a_ticket_written_several_times_in_one_commit_ends_as_last_written() {
        let dir = tempfile::tempdir().unwrap();
        let t = Tickets::open(dir.path()).unwrap();
        let a = t.create(crate::NewTicket::new("A").id("aaaa")).unwrap();
        let file = dir.path().join("aaaa.md");
        let before = std::fs::read(&file).unwrap();
        t.batch(|t| {
            t.update(&a.id, retitle("B"))?;
            t.update(&a.id, retitle("A"))
        })
        .unwrap();
        assert_eq!(t.get(&a.id).unwrap().title, "A");
        assert_eq!(std::fs::read(&file).unwrap(), before);
        t.batch(|t| {
            t.update(&a.id, retitle("C"))?;
            t.delete(&a.id, false)?;
            t.create(crate::NewTicket::new("D").id("aaaa"))
        })
        .unwrap();
        assert_eq!(t.get(&a.id).unwrap().title, "D");
        t.batch(|t| {
            t.create(crate::NewTicket::new("E").id("eeee"))?;
            t.delete("eeee", false)
        })
        .unwrap();
        assert_eq!(t.get("eeee").unwrap_err().code(), "NOT_FOUND");
        assert!(!dir.path().join("eeee.md").exists());
    }
}
