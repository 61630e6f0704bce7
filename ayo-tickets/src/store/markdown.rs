//! The markdown-directory store: one `<id>.md` file per ticket, the store's own files in
//! `<dir>/.ayo/`.
//!
//! Writers take an exclusive `flock` on `.ayo/lock`, opened afresh by each transaction (a flock
//! belongs to an open file description, so two handles in one process exclude each other too),
//! re-read what they need inside the lock, and write each file to a temp file in `.ayo/`,
//! fsync it, rename it into place and fsync the directory. Readers take no lock and never see
//! half a file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::index::{self, MAX_FILE, SharedIndex, ticket_stem};
use super::overlay::{CommittedDeps, Op, Overlay};
use super::{Access, Briefs, LogEntry, Scan, Store, Txn};
use crate::error::{Error, Result};
use crate::format;
use crate::hooks::pause;
use crate::ticket::{Ticket, validate_id};

/// The folder, inside a store directory, that holds the store's own files.
pub const META_DIR: &str = ".ayo";
const LOCK_FILE: &str = "lock";
const LOG_FILE: &str = "log.jsonl";
/// Temp files (of writers and of index saves) start with this; writers remove stale ones.
pub(crate) const TEMP_PREFIX: &str = "tmp-";

/// A directory of ticket files.
#[derive(Debug, Clone)]
pub struct MarkdownStore {
    dir: Arc<PathBuf>,
    /// The scan index, shared by every transaction of this handle and its clones.
    index: SharedIndex,
}

impl MarkdownStore {
    /// A store in `dir`. Nothing is created until the first write.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        MarkdownStore {
            dir: Arc::new(dir.into()),
            index: SharedIndex::default(),
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
    /// tickets but not the store's own files).
    fn ensure_meta(&self) -> Result<()> {
        let meta = self.meta();
        if !meta.is_dir() {
            fs::create_dir_all(&meta).map_err(|e| io_err(&meta, e))?;
        }
        let ignore = meta.join(".gitignore");
        if !ignore.exists() {
            fs::write(&ignore, "*\n").map_err(|e| io_err(&ignore, e))?;
        }
        Ok(())
    }

    fn lock(&self) -> Result<File> {
        self.ensure_meta()?;
        let path = self.meta().join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| io_err(&path, e))?;
        file.lock().map_err(|e| io_err(&path, e))?;
        Ok(file)
    }

    /// Removes temp files left by writers that died: only writers make them, and we hold the
    /// lock, so every one there now is stale.
    fn clean_temps(&self) {
        if let Ok(entries) = fs::read_dir(self.meta()) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
    }
}

impl Store for MarkdownStore {
    fn begin(&self, access: Access) -> Result<Box<dyn Txn>> {
        let lock = match access {
            Access::Read => None,
            Access::Write | Access::Batch => {
                let lock = self.lock()?;
                self.clean_temps();
                Some(lock)
            }
        };
        Ok(Box::new(MarkdownTxn {
            store: self.clone(),
            lock,
            durable: access == Access::Write,
            overlay: Overlay::default(),
            sources: Default::default(),
            committed_deps: CommittedDeps::default(),
        }))
    }

    /// Woken by file-system notification on the directory (see `store/watch.rs`); polls every
    /// `$AYO_POLL_MS` only when notification is unavailable or `$AYO_WATCH=0`.
    fn changes(&self) -> Result<Box<dyn super::ChangeFeed>> {
        Ok(super::watch::subscribe(&self.dir))
    }

    fn location(&self) -> String {
        self.dir.display().to_string()
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
}

fn io_err(path: &Path, e: io::Error) -> Error {
    Error::storage(format!("{}: {e}", path.display()))
}

/// Reads a file whole, refusing one too large to be a ticket.
fn read_file(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let meta = file.metadata()?;
    // A directory or other non-file named like a ticket is unreadable, not an I/O failure.
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "not a regular file",
        ));
    }
    let len = meta.len();
    if len > MAX_FILE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{len} bytes is too large for a ticket"),
        ));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads and parses one ticket file.
pub(crate) fn read_ticket(path: &Path) -> Result<Option<format::Parsed>> {
    match read_file(path) {
        Ok(bytes) => format::parse(&bytes, path).map(Some),
        // A link to nothing is there, and unreadable (a scan reports it too).
        Err(e) if e.kind() == io::ErrorKind::NotFound && fs::symlink_metadata(path).is_ok() => Err(
            Error::parse(path, None, "a symlink to a file that does not exist"),
        ),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            Err(Error::parse(path, None, e.to_string()))
        }
        Err(e) => Err(io_err(path, e)),
    }
}

impl MarkdownTxn {
    fn path_of(&self, id: &str) -> PathBuf {
        self.store.dir.join(format!("{id}.md"))
    }

    fn check_writable(&self) -> Result<()> {
        if self.lock.is_some() {
            Ok(())
        } else {
            Err(Error::storage("write in a read-only transaction"))
        }
    }

    fn committed_ids(&self) -> Result<Vec<String>> {
        let entries = match fs::read_dir(&*self.store.dir) {
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

    fn exists(&self, id: &str) -> bool {
        match self.overlay.get(id) {
            Some(t) => t.is_some(),
            // Not `exists()`, which follows links: a dangling link takes its id.
            None => fs::symlink_metadata(self.path_of(id)).is_ok(),
        }
    }

    /// Writes one ticket file: temp file, fsync, rename, (directory fsync at commit).
    fn write_ticket(&self, ticket: &Ticket, seq: u64) -> Result<()> {
        let path = self.path_of(&ticket.id);
        let previous = match fs::read(&path) {
            Ok(bytes) => Some(
                String::from_utf8(bytes)
                    .map_err(|_| Error::parse(&path, None, "not UTF-8; refusing to overwrite"))?,
            ),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_err(&path, e)),
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
        if previous.as_deref() == Some(text.as_str()) {
            return Ok(());
        }
        let temp = self.store.meta().join(format!(
            "{TEMP_PREFIX}{}-{seq}-{}.md",
            std::process::id(),
            ticket.id
        ));
        let mut file = File::create(&temp).map_err(|e| io_err(&temp, e))?;
        file.write_all(text.as_bytes())
            .map_err(|e| io_err(&temp, e))?;
        if self.durable {
            file.sync_all().map_err(|e| io_err(&temp, e))?;
        }
        drop(file);
        pause("after_temp");
        fs::rename(&temp, &path).map_err(|e| io_err(&path, e))?;
        pause("after_rename");
        Ok(())
    }

    fn append_log(&self, entries: &[LogEntry]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let path = self.store.meta().join(LOG_FILE);
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(&path)
            .map_err(|e| io_err(&path, e))?;
        let mut out = String::new();
        // A writer killed mid-append leaves a torn last line: end it before appending.
        let len = file.metadata().map_err(|e| io_err(&path, e))?.len();
        if len > 0 {
            use std::io::{Seek, SeekFrom};
            let mut last = [0u8; 1];
            let mut reader = &file;
            reader
                .seek(SeekFrom::Start(len - 1))
                .and_then(|_| reader.read_exact(&mut last))
                .map_err(|e| io_err(&path, e))?;
            if last[0] != b'\n' {
                out.push('\n');
            }
        }
        for e in entries {
            out.push_str(&serde_json::to_string(e).map_err(|e| Error::storage(e.to_string()))?);
            out.push('\n');
        }
        file.write_all(out.as_bytes())
            .map_err(|e| io_err(&path, e))?;
        if self.durable {
            file.sync_data().map_err(|e| io_err(&path, e))?;
        }
        Ok(())
    }
}

static SEQ: AtomicU64 = AtomicU64::new(0);

impl Txn for MarkdownTxn {
    fn get(&mut self, id: &str) -> Result<Option<Arc<Ticket>>> {
        if let Some(t) = self.overlay.get(id) {
            return Ok(t);
        }
        validate_id(id)?;
        Ok(read_ticket(&self.path_of(id))?.map(|p| Arc::new(p.ticket)))
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
        let mut briefs = index::scan(&self.store.dir, &self.store.meta(), &self.store.index)?;
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
            index::scan(&store.dir, &store.meta(), &store.index)
        })
    }

    fn create(&mut self, ticket: &Ticket) -> Result<bool> {
        self.check_writable()?;
        validate_id(&ticket.id)?;
        if self.exists(&ticket.id) {
            return Ok(false);
        }
        self.overlay.put(ticket);
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

    fn source(&mut self, id: &str) -> Result<Option<String>> {
        validate_id(id)?;
        let path = self.path_of(id);
        match fs::read(&path) {
            Ok(bytes) => Ok(String::from_utf8(bytes).ok()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err(&path, e)),
        }
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
        let text = match fs::read(&path) {
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

    fn commit(mut self: Box<Self>) -> Result<()> {
        if self.lock.is_none() || self.overlay.is_empty() {
            return Ok(());
        }
        let ops = std::mem::take(&mut self.overlay.ops);
        for op in &ops {
            match op {
                Op::Put(t) => self.write_ticket(t, SEQ.fetch_add(1, Ordering::Relaxed))?,
                Op::Delete(id) => {
                    let path = self.path_of(id);
                    match fs::remove_file(&path) {
                        Ok(()) => {}
                        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                        Err(e) => return Err(io_err(&path, e)),
                    }
                }
            }
        }
        let dir = &*self.store.dir;
        if self.durable {
            File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| io_err(dir, e))?;
        }
        let log = std::mem::take(&mut self.overlay.log);
        self.append_log(&log)?;
        if !self.durable {
            // A batch pays for durability once, for the whole file system.
            let d = File::open(dir).map_err(|e| io_err(dir, e))?;
            rustix::fs::syncfs(&d).map_err(|e| io_err(dir, e.into()))?;
        }
        Ok(())
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
}
