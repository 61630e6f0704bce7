//! A transaction on a Claude Code task list: every task file is read at the start; writes wait
//! in memory until commit, which takes Claude Code's lock, re-reads the list, refuses
//! ([`Error::Conflict`]) when a task it writes changed on disk since it was read, sets `blocks`
//! to the exact reverse of every `blockedBy`, and writes each changed file whole through a temp
//! file and a rename.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use super::lock::ClaudeLock;
use super::task::{self, Task};
use super::{HIGH_WATER_MARK, LOG_FILE};
use crate::error::{Error, Result};
use crate::store::markdown::fs::read_ticket_file;
use crate::store::{Access, LogEntry, Scan, Txn, Unreadable};
use crate::ticket::Ticket;

pub(crate) fn io_err(path: &Path, e: std::io::Error) -> Error {
    Error::storage(format!("{}: {e}", path.display()))
}

/// A task file as read: its bytes, and what they are.
#[derive(Debug, Clone)]
struct Loaded {
    bytes: Vec<u8>,
    read: std::result::Result<(Task, Option<Arc<Ticket>>), Error>,
}

/// A write waiting for commit: the ticket and the markdown it was imported from, or a removal.
type Pending = Option<(Arc<Ticket>, Option<String>)>;

/// The task files of a list directory by id: each file's path, and its bytes or the error of
/// its read.
type Files = BTreeMap<String, (PathBuf, Result<Vec<u8>>)>;

/// The task files of a list directory. A missing directory is an empty list.
fn read_files(dir: &Path) -> Result<Files> {
    let mut out = BTreeMap::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io_err(dir, e)),
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(id) = name.strip_suffix(".json") else {
            continue;
        };
        if id.starts_with('.') || crate::ticket::validate_id(id).is_err() {
            continue;
        }
        let path = entry.path();
        let read = match read_ticket_file(&path) {
            Ok((bytes, _)) => Ok(bytes),
            Err((failure, _)) => match failure.into_error(&path) {
                Some(e) => Err(e),
                None => continue,
            },
        };
        out.insert(id.to_string(), (path, read));
    }
    Ok(out)
}

fn load(id: &str, path: &Path, bytes: Vec<u8>) -> Loaded {
    let read = task::read(&bytes, id, path).map(|t| {
        let ticket = t.ticket.clone().map(Arc::new);
        (t, ticket)
    });
    Loaded { bytes, read }
}

/// A number for ordering ids as Claude Code does (numbers first, by value).
fn order(id: &str) -> (u64, String) {
    (id.parse().unwrap_or(u64::MAX), id.to_string())
}

pub(crate) struct ClaudeTxn {
    dir: PathBuf,
    access: Access,
    _lock: Option<File>,
    timeout: Duration,
    /// Every task file at the start, by id; `Err` for a file that could not be read.
    base: BTreeMap<String, std::result::Result<Loaded, Error>>,
    writes: BTreeMap<String, Pending>,
    log: Vec<LogEntry>,
}

impl ClaudeTxn {
    pub(crate) fn begin(
        dir: &Path,
        access: Access,
        lock: Option<File>,
        timeout: Duration,
    ) -> Result<Self> {
        let base = read_files(dir)?
            .into_iter()
            .map(|(id, (path, read))| {
                let loaded = read.map(|bytes| load(&id, &path, bytes));
                (id, loaded)
            })
            .collect();
        Ok(ClaudeTxn {
            dir: dir.to_path_buf(),
            access,
            _lock: lock,
            timeout,
            base,
            writes: BTreeMap::new(),
            log: Vec::new(),
        })
    }

    fn writable(&self) -> Result<()> {
        if self.access == Access::Read {
            return Err(Error::storage("a read transaction cannot write"));
        }
        Ok(())
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// The base object of a task, if it was read.
    fn base_obj(&self, id: &str) -> Option<&Map<String, Value>> {
        match self.base.get(id) {
            Some(Ok(Loaded {
                read: Ok((t, _)), ..
            })) => Some(&t.obj),
            _ => None,
        }
    }

    /// True when an id is taken: a ticket, an unreadable file, or a `deleted` task on disk.
    fn taken(&self, id: &str) -> bool {
        match self.writes.get(id) {
            Some(w) => w.is_some(),
            None => self.base.contains_key(id),
        }
    }

    fn visible(&self, id: &str) -> bool {
        match self.writes.get(id) {
            Some(w) => w.is_some(),
            None => match self.base.get(id) {
                Some(Ok(Loaded {
                    read: Ok((_, t)), ..
                })) => t.is_some(),
                Some(_) => true,
                None => false,
            },
        }
    }

    fn read_log(&self) -> Result<Vec<LogEntry>> {
        let path = self.dir.join(LOG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(io_err(&path, e)),
        };
        Ok(text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect())
    }

    fn high_water_mark(&self) -> u64 {
        std::fs::read_to_string(self.dir.join(HIGH_WATER_MARK))
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0)
    }

    /// Writes a file whole: a temp file beside it (a name Claude Code does not read), synced,
    /// then renamed over it.
    fn write_file(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join(name);
        let temp = self
            .dir
            .join(format!(".{name}.ayo-{}.tmp", std::process::id()));
        let result = (|| {
            let mut f = File::create(&temp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&temp, &path)
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&temp);
            return Err(io_err(&path, e));
        }
        Ok(())
    }
}

impl Txn for ClaudeTxn {
    fn get(&mut self, id: &str) -> Result<Option<Arc<Ticket>>> {
        if let Some(w) = self.writes.get(id) {
            return Ok(w.as_ref().map(|(t, _)| t.clone()));
        }
        match self.base.get(id) {
            None => Ok(None),
            Some(Err(e)) => Err(e.clone()),
            Some(Ok(l)) => match &l.read {
                Ok((_, t)) => Ok(t.clone()),
                Err(e) => Err(e.clone()),
            },
        }
    }

    fn ids(&mut self) -> Result<Vec<String>> {
        let mut ids: Vec<String> = self
            .base
            .keys()
            .chain(self.writes.keys())
            .filter(|id| self.visible(id))
            .cloned()
            .collect();
        ids.sort_by_key(|id| order(id));
        ids.dedup();
        Ok(ids)
    }

    fn scan(&mut self) -> Result<Scan> {
        let mut scan = Scan::default();
        for id in self.ids()? {
            if let Some(w) = self.writes.get(&id) {
                if let Some((t, _)) = w {
                    scan.tickets.push(t.clone());
                }
                continue;
            }
            let path = self.path(&id);
            match self.base.get(&id) {
                Some(Ok(Loaded {
                    read: Ok((task, Some(t))),
                    ..
                })) => {
                    let stated = match task.obj.get("id") {
                        Some(Value::String(s)) => Some(s.clone()),
                        Some(Value::Number(n)) => Some(n.to_string()),
                        _ => None,
                    };
                    if let Some(stated) = stated.filter(|s| *s != id) {
                        scan.mismatched.push((id.clone(), stated));
                    }
                    scan.tickets.push(t.clone());
                }
                Some(Ok(Loaded { read: Err(e), .. })) | Some(Err(e)) => {
                    scan.unreadable.push(Unreadable {
                        id: id.clone(),
                        path: Some(path),
                        error: e.clone(),
                    })
                }
                _ => {}
            }
        }
        Ok(scan)
    }

    fn create(&mut self, ticket: &Ticket) -> Result<bool> {
        self.writable()?;
        if self.taken(&ticket.id) {
            return Ok(false);
        }
        self.writes
            .insert(ticket.id.clone(), Some((Arc::new(ticket.clone()), None)));
        Ok(true)
    }

    fn put(&mut self, ticket: &Ticket) -> Result<()> {
        self.put_source(ticket, None)
    }

    fn put_source(&mut self, ticket: &Ticket, source: Option<&str>) -> Result<()> {
        self.writable()?;
        let kept = match (source, self.writes.get(&ticket.id)) {
            (Some(s), _) => Some(s.to_string()),
            (None, Some(Some((_, s)))) => s.clone(),
            _ => None,
        };
        self.writes
            .insert(ticket.id.clone(), Some((Arc::new(ticket.clone()), kept)));
        Ok(())
    }

    fn delete(&mut self, id: &str) -> Result<bool> {
        self.writable()?;
        if !self.visible(id) {
            return Ok(false);
        }
        self.writes.insert(id.to_string(), None);
        Ok(true)
    }

    fn next_id(&mut self) -> Result<Option<String>> {
        let highest = self
            .base
            .keys()
            .chain(self.writes.keys())
            .filter_map(|id| id.parse::<u64>().ok())
            .max()
            .unwrap_or(0)
            .max(self.high_water_mark());
        Ok(Some((highest + 1).to_string()))
    }

    fn log(&mut self, entry: LogEntry) -> Result<()> {
        self.writable()?;
        self.log.push(entry);
        Ok(())
    }

    fn history(&mut self, ticket: Option<&str>) -> Result<Vec<LogEntry>> {
        let mut all = self.read_log()?;
        all.extend(self.log.iter().cloned());
        Ok(match ticket {
            Some(id) => all.into_iter().filter(|e| e.ticket == id).collect(),
            None => all,
        })
    }

    fn source(&mut self, id: &str) -> Result<Option<String>> {
        if let Some(Some((_, Some(s)))) = self.writes.get(id) {
            return Ok(Some(s.clone()));
        }
        if let Some(None) = self.writes.get(id) {
            return Ok(None);
        }
        Ok(self.base_obj(id).and_then(task::source))
    }

    fn commit(self: Box<Self>) -> Result<()> {
        if self.access == Access::Read || (self.writes.is_empty() && self.log.is_empty()) {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir).map_err(|e| io_err(&self.dir, e))?;
        let claude = ClaudeLock::take(&self.dir, self.timeout)?;
        let now = read_files(&self.dir)?;
        // Each task this commit writes must be on disk as it was read.
        for id in self.writes.keys() {
            let before = match self.base.get(id) {
                Some(Ok(l)) => Some(&l.bytes),
                Some(Err(_)) => None,
                None => None,
            };
            let after = match now.get(id) {
                Some((_, Ok(b))) => Some(b),
                _ => None,
            };
            if before != after {
                return Err(Error::Conflict {
                    id: id.clone(),
                    message: format!(
                        "task {id} of {} changed on disk (by Claude Code or another tool) since this transaction read it; nothing was written, try again",
                        self.dir.display()
                    ),
                });
            }
        }
        // The list after this commit: files as they are now, then this commit's writes.
        let mut finals: BTreeMap<String, (Map<String, Value>, bool)> = BTreeMap::new();
        for (id, (_, read)) in &now {
            if self.writes.contains_key(id) {
                continue;
            }
            if let Ok(bytes) = read
                && let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(bytes)
            {
                finals.insert(id.clone(), (obj, false));
            }
        }
        for (id, w) in &self.writes {
            if let Some((t, source)) = w {
                let obj = task::write(t, self.base_obj(id), source.as_deref());
                finals.insert(id.clone(), (obj, true));
            }
        }
        let mut blocks: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (id, (obj, _)) in &finals {
            for dep in task::blocked_by(obj) {
                blocks.entry(dep).or_default().push(id.clone());
            }
        }
        for list in blocks.values_mut() {
            list.sort_by_key(|id| order(id));
            list.dedup();
        }
        let mut high = self.high_water_mark();
        let was = high;
        for (id, (obj, changed)) in &mut finals {
            let list = blocks.get(id).map(Vec::as_slice).unwrap_or_default();
            if task::set_blocks(obj, list) {
                *changed = true;
            }
            if *changed {
                self.write_file(&format!("{id}.json"), &task::render(obj))?;
                if self.writes.contains_key(id)
                    && let Ok(n) = id.parse::<u64>()
                {
                    high = high.max(n);
                }
            }
        }
        for (id, w) in &self.writes {
            if w.is_none() {
                let path = self.path(id);
                match std::fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io_err(&path, e)),
                }
            }
        }
        if high > was {
            self.write_file(HIGH_WATER_MARK, high.to_string().as_bytes())?;
        }
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        if !self.log.is_empty() {
            let path = self.dir.join(LOG_FILE);
            let mut text = String::new();
            for e in &self.log {
                text.push_str(
                    &serde_json::to_string(e).map_err(|e| Error::storage(e.to_string()))?,
                );
                text.push('\n');
            }
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| io_err(&path, e))?;
            f.write_all(text.as_bytes())
                .and_then(|()| f.sync_all())
                .map_err(|e| io_err(&path, e))?;
        }
        drop(claude);
        Ok(())
    }
}
