//! The scan index of a markdown store: `.ayo/index.bin` keeps every file's parsed ticket keyed by
//! its name, size, mtime, ctime and inode, so a scan stats every file but re-parses only those
//! that changed. The ctime too: a rewrite can set the mtime back (`touch -r`, `cp -p`), never
//! the ctime, which every change of a file moves. It is a cache, never the source of truth: a missing, stale or damaged index is
//! rebuilt transparently. A directory ayo never wrote (no `.ayo/`: a tk repository, a read-only
//! checkout) keeps its index in the user's cache directory instead ([`cache`]), so that reading
//! it leaves it exactly as it was and is fast from the second call on.
//!
//! The "racy git" problem: a file edited twice within one tick of the file system's clock can
//! keep its size and mtime. An entry is trusted only when its mtime is older than the scan that
//! recorded it by [`RACY_MARGIN_NS`]; younger entries are re-read at every scan until a later
//! scan records them as old enough.
//!
//! Speed (a scan is the floor of every `ready`, and agents call `ready` constantly):
//! - One pass over the directory (`getdents` into one buffer on Linux, no allocation per name),
//!   and a `stat` of each file relative to the directory's descriptor (`fstatat`, following
//!   symlinks as opening the file does), spread over two threads as the names arrive.
//! - On the first scan of a process the index file is read meanwhile, and not decoded: each
//!   file's record is read in place ([`table`]); a ticket's text (title, description, notes)
//!   is read only when an operation returns that ticket.
//! - Unchanged entries are kept in place, not copied; the index file is rewritten only when it
//!   is missing or lags behind by more than a few dozen files ([`save_after`]): re-parsing
//!   those costs a new process less than rewriting the whole file after every write.

// An entry hashes and compares by its name alone; its cells (the scan generation, the table's
// lazily read texts) never change the name, so the set's keys are stable.
#![allow(clippy::mutable_key_type)]

use std::borrow::Borrow;
use std::fs::{self, File};
use std::hash::{Hash, Hasher};
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use compact_str::CompactString;

use crate::error::{Error, Result};
use crate::format;
use crate::store::{Brief, Briefs, Unreadable};
use crate::ticket::validate_id;
use rustc_hash::FxHashSet as FastSet;

mod cache;
#[cfg(test)]
mod cache_tests;
mod listing;
mod table;

pub(crate) use cache::Cache;
use listing::Seen;
pub(crate) use table::Table;
use table::{Row, Writer};

/// The index file, inside `.ayo/`.
pub(crate) const INDEX_FILE: &str = "index.bin";
/// Entries whose mtime is within this of the recording scan's start are not trusted.
const RACY_MARGIN_NS: i128 = 2_000_000_000;

/// What identifies one version of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    mtime_ns: i128,
    ino: u64,
    /// Not settable by a user: a same-size rewrite whose mtime was set back still moves it.
    ctime_ns: i128,
}

impl Stamp {
    fn of(m: &fs::Metadata) -> Stamp {
        Stamp {
            size: m.size(),
            mtime_ns: m.mtime() as i128 * 1_000_000_000 + m.mtime_nsec() as i128,
            ino: m.ino(),
            ctime_ns: m.ctime() as i128 * 1_000_000_000 + m.ctime_nsec() as i128,
        }
    }
}

/// What reading one file gave.
#[derive(Debug)]
enum Outcome {
    Ticket {
        brief: Brief,
        /// The id the file states, when it differs from its name.
        stated_id: Option<String>,
    },
    Unreadable {
        name: String,
        error: Error,
    },
}

/// A file read by this process.
#[derive(Debug)]
struct FileRead {
    stamp: Stamp,
    /// The start of the scan that read it (ns since the epoch).
    seen_ns: i128,
    outcome: Outcome,
}

/// Where an entry's knowledge lives.
#[derive(Debug)]
enum Slot {
    /// A record of the index file this process loaded.
    Indexed(Arc<Table>, u32),
    /// A file this process read.
    Read(Box<FileRead>),
}

#[derive(Debug)]
struct Entry {
    /// The file name without `.md` (the key), held inline: a lookup of a scan compares it
    /// where the set keeps the entry, instead of reading it from the table.
    name: CompactString,
    slot: Slot,
    /// The last scan that found the file (see [`Index::generation`]); atomic, so that the
    /// threads of a scan can mark the entries they find.
    generation: AtomicU32,
}

impl Entry {
    fn new(slot: Slot, generation: u32) -> Self {
        let name = CompactString::from(match &slot {
            Slot::Indexed(t, i) => t.name(*i),
            Slot::Read(r) => match &r.outcome {
                Outcome::Ticket { brief, .. } => brief.id(),
                Outcome::Unreadable { name, .. } => name.as_str(),
            },
        });
        Entry {
            name,
            slot,
            generation: AtomicU32::new(generation),
        }
    }

    fn stamp(&self) -> Stamp {
        match &self.slot {
            Slot::Indexed(t, i) => t.stamp(*i),
            Slot::Read(r) => r.stamp,
        }
    }

    fn seen_ns(&self) -> i128 {
        match &self.slot {
            Slot::Indexed(t, i) => t.seen_ns(*i),
            Slot::Read(r) => r.seen_ns,
        }
    }

    /// True when its stamp is old enough to identify the file's content (see the module doc).
    fn trusted(&self) -> bool {
        self.stamp().mtime_ns + RACY_MARGIN_NS < self.seen_ns()
    }

    /// When its ticket was created (none for an unreadable file).
    fn created(&self) -> Option<DateTime<Utc>> {
        match &self.slot {
            Slot::Indexed(t, i) => t.created(*i),
            Slot::Read(r) => match &r.outcome {
                Outcome::Ticket { brief, .. } => brief.created(),
                Outcome::Unreadable { .. } => None,
            },
        }
    }

    /// The file name without `.md`: the key of the index.
    fn name(&self) -> &str {
        &self.name
    }
}

impl Borrow<str> for Entry {
    fn borrow(&self) -> &str {
        self.name()
    }
}

impl Hash for Entry {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name().hash(state)
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Entry {}

/// A store's index, kept in memory between scans of one process and on disk between processes.
#[derive(Debug, Default)]
pub(crate) struct Index {
    entries: FastSet<Entry>,
    loaded: bool,
    /// True when the index file holds these entries, but for `unsaved` of them.
    on_disk: bool,
    /// Entries that the index file lacks or has an older version of, and that are worth
    /// saving (trusted), plus those gone since.
    unsaved: usize,
    /// Counts scans; an entry that a scan does not mark with its number is gone.
    generation: u32,
    /// Whether entries still read a mapped index file (see [`Index::hold`]).
    mapped: bool,
}

impl Index {
    /// Copies a mapped index file's table into memory and checks it again, at a handle's
    /// second scan: a long-lived process (an MCP server, an agent's binding) must not depend
    /// on the file staying as it was mapped (a file written in place under a mapping, say by
    /// `cp`, would change or cut what the mapping shows). A one-shot command scans once and
    /// never pays the copy. A copy that no longer checks out is dropped: its files are read
    /// again, as with a damaged index.
    fn hold(&mut self) {
        if !std::mem::take(&mut self.mapped) {
            return;
        }
        let mut mapped: Option<Arc<Table>> = None;
        for e in &self.entries {
            if let Slot::Indexed(t, _) = &e.slot
                && t.is_mapped()
            {
                mapped = Some(t.clone());
                break;
            }
        }
        let Some(old) = mapped else {
            return;
        };
        let held = old.held().map(Arc::new);
        let entries = std::mem::take(&mut self.entries);
        self.entries = entries
            .into_iter()
            .filter_map(|e| match e.slot {
                Slot::Indexed(t, i) if Arc::ptr_eq(&t, &old) => Some(Entry {
                    slot: Slot::Indexed(held.clone()?, i),
                    ..e
                }),
                _ => Some(e),
            })
            .collect();
        if held.is_none() {
            self.on_disk = false;
        }
    }
}

/// How many entries may differ from the index file before a scan rewrites it: a few dozen
/// re-parsed files cost a new process less than rewriting the whole file after every write
/// (some 40 MB at 100k tickets).
fn save_after(entries: usize) -> usize {
    (16 + entries / 128).min(256)
}

/// The shared, lockable index of one store handle.
pub(crate) type SharedIndex = Arc<Mutex<Index>>;

fn now_ns() -> i128 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    d.as_nanos() as i128
}

fn storage(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::storage(format!("{}: {e}", path.display()))
}

/// A stamp's `seen_ns` that makes its entry never trusted: an entry that could not be read
/// (an open, stat or read that failed) is read again at every scan, as a `chmod` or a repaired
/// link changes what reading it gives without changing the stamp.
const NEVER_TRUSTED: i128 = 0;

/// Reads and parses one ticket file; its stamp comes from the opened file (`fstat`), and the
/// scan time it may be trusted from. `None` when the file is gone.
fn read_one(dir: &Path, name: &str, started: i128) -> Option<(Stamp, i128, Outcome)> {
    let path = dir.join(format!("{name}.md"));
    let unreadable = |error| Outcome::Unreadable {
        name: name.to_string(),
        error,
    };
    let (bytes, meta) = match super::fs::read_ticket_file(&path) {
        Ok(read) => read,
        Err((failure, meta)) => {
            let error = failure.into_error(&path)?;
            let stamp = meta.as_deref().map(Stamp::of).unwrap_or(Stamp {
                size: 0,
                mtime_ns: 0,
                ino: 0,
                ctime_ns: 0,
            });
            return Some((stamp, NEVER_TRUSTED, unreadable(error)));
        }
    };
    let stamp = Stamp::of(&meta);
    if let Err(e) = validate_id(name) {
        let e = Error::parse(&path, None, e.to_string());
        return Some((stamp, started, unreadable(e)));
    }
    let outcome = match format::parse(&bytes, &path) {
        Ok(p) => Outcome::Ticket {
            brief: Brief::new(Arc::new(p.ticket)),
            stated_id: p.frontmatter_id.filter(|s| s != name),
        },
        Err(e) => unreadable(e),
    };
    Some((stamp, started, outcome))
}

/// Scans a store directory through the index: stats every `*.md` file, re-parses the new and
/// changed ones (spread over the available cores), and rewrites the index file when it is
/// missing or lags behind (see [`save_after`]): in `.ayo/` when the store has one, else in the
/// user's cache (see [`cache`]), never elsewhere in the directory.
pub(crate) fn scan(
    dir: &Arc<PathBuf>,
    meta_dir: &Path,
    cache: &Cache,
    shared: &SharedIndex,
) -> Result<Briefs> {
    let started = now_ns();
    let mut index = shared.lock().unwrap_or_else(|e| e.into_inner());
    let listed = if index.loaded {
        index.hold();
        listing::list(dir, None)
    } else {
        // The first scan of a handle reads the index file while the directory is listed:
        // the store's own, else the cache's (a store ayo has just begun to write keeps the
        // speed its reads had).
        // The entries are made meanwhile too, while the other thread stats.
        let mut loaded = (false, false, FastSet::default());
        let listed = listing::list(
            dir,
            Some(&mut || {
                let table = Table::load(&meta_dir.join(INDEX_FILE), dir)
                    .or_else(|| Table::load(&cache.entry(dir)?, dir));
                let found = table.is_some();
                let mapped = table.as_ref().is_some_and(Table::is_mapped);
                loaded = (found, mapped, entries_of(table));
            }),
        );
        (index.on_disk, index.mapped, index.entries) = loaded;
        index.loaded = true;
        listed
    };
    let chunks = match listed {
        Ok(c) => c,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Briefs::default()),
        Err(e) => return Err(storage(dir, e)),
    };
    index.generation = index.generation.wrapping_add(1);
    let generation = index.generation;
    // Each listed file is matched with its entry, the chunks spread over the cores.
    let entries = &index.entries;
    let matched = crate::parallel::map(&chunks, 4, |chunk| {
        let mut found = 0usize;
        let mut changed: Vec<&str> = Vec::new();
        for (name, seen) in chunk.iter() {
            match seen {
                Seen::Gone => {}
                // Read as any changed file: one that cannot be read is reported unreadable.
                Seen::Failed => changed.push(name),
                Seen::Stamp(stamp) => match entries.get(name) {
                    Some(e) if e.stamp() == *stamp && e.trusted() => {
                        e.generation.store(generation, Relaxed);
                        found += 1;
                    }
                    _ => changed.push(name),
                },
            }
        }
        (found, changed)
    })?;
    let mut found = 0usize;
    let mut changed: Vec<&str> = Vec::new();
    for (n, names) in matched {
        found += n;
        changed.extend(names);
    }
    // Reading a file costs enough to spread even a few dozen over the cores.
    let reads = crate::parallel::map(&changed, 32, |name| read_one(dir, name, started))?;
    for read in reads {
        let Some((stamp, seen_ns, outcome)) = read else {
            continue; // gone since it was listed
        };
        let entry = Entry::new(
            Slot::Read(Box::new(FileRead {
                stamp,
                seen_ns,
                outcome,
            })),
            generation,
        );
        // A young entry is re-read at every scan until it is old enough: saving it before
        // saves nobody a read.
        if entry.trusted() {
            index.unsaved += 1;
        }
        index.entries.replace(entry);
        found += 1;
    }
    if index.entries.len() != found {
        let before = index.entries.len();
        index
            .entries
            .retain(|e| e.generation.load(Relaxed) == generation);
        index.unsaved += before - index.entries.len();
    }
    let mut briefs = briefs(dir, &index.entries);
    for name in chunks.iter().flat_map(|c| &c.odd) {
        let path = dir.join(name);
        let error = Error::parse(&path, None, "the file name is not UTF-8");
        briefs.unreadable.push(Unreadable {
            id: name.to_string_lossy().trim_end_matches(".md").to_string(),
            path: Some(path),
            error,
        });
    }
    if !index.on_disk || index.unsaved > save_after(index.entries.len()) {
        // The index is a cache: failing to write it costs speed, not correctness.
        if let Ok(Some(bytes)) = save(dir, meta_dir, cache, &index.entries) {
            index.on_disk = true;
            index.unsaved = 0;
            // From now on this handle reads the table it wrote: compact records instead of
            // whole tickets scattered over the heap (faster scans, less memory).
            if let Some(table) = Table::from_bytes(bytes, dir) {
                index.entries = entries_of(Some(table));
            }
        }
    }
    Ok(briefs)
}

/// The entries of a loaded index file (none without one).
fn entries_of(table: Option<Table>) -> FastSet<Entry> {
    let Some(table) = table else {
        return FastSet::default();
    };
    let table = Arc::new(table);
    let mut out = FastSet::with_capacity_and_hasher(table.len(), Default::default());
    for i in 0..table.len() as u32 {
        out.insert(Entry::new(Slot::Indexed(table.clone(), i), 0));
    }
    out
}

/// The entries in their index table's order, then those this process read. The table is
/// written oldest first ([`encode`]), the order of most listings, so a scan's briefs read its
/// records one after the other, and sorting them finds them mostly sorted.
fn in_table_order(entries: &FastSet<Entry>) -> Vec<&Entry> {
    let table = entries.iter().find_map(|e| match &e.slot {
        Slot::Indexed(t, _) => Some(t.clone()),
        Slot::Read(_) => None,
    });
    let mut placed: Vec<Option<&Entry>> = vec![None; table.as_ref().map_or(0, |t| t.len())];
    let mut rest = Vec::new();
    for e in entries {
        match (&e.slot, &table) {
            (Slot::Indexed(t, i), Some(table)) if Arc::ptr_eq(t, table) => {
                placed[*i as usize] = Some(e)
            }
            _ => rest.push(e),
        }
    }
    placed.into_iter().flatten().chain(rest).collect()
}

fn briefs(dir: &Path, entries: &FastSet<Entry>) -> Briefs {
    let mut out = Briefs::default();
    out.tickets.reserve(entries.len());
    for e in in_table_order(entries) {
        match &e.slot {
            Slot::Indexed(table, i) => match table.unreadable(*i) {
                None => {
                    if let Some(stated) = table.stated(*i) {
                        out.mismatched
                            .push((table.name(*i).to_string(), stated.to_string()));
                    }
                    out.tickets.push(Brief::indexed_at(table.clone(), *i));
                }
                Some(error) => out.unreadable.push(Unreadable {
                    id: table.name(*i).to_string(),
                    path: Some(dir.join(format!("{}.md", table.name(*i)))),
                    error,
                }),
            },
            Slot::Read(read) => match &read.outcome {
                Outcome::Ticket { brief, stated_id } => {
                    if let Some(s) = stated_id {
                        out.mismatched.push((brief.id().to_string(), s.clone()));
                    }
                    out.tickets.push(brief.clone());
                }
                Outcome::Unreadable { name, error } => out.unreadable.push(Unreadable {
                    id: name.clone(),
                    path: Some(dir.join(format!("{name}.md"))),
                    error: error.clone(),
                }),
            },
        }
    }
    out
}

/// Writes the index atomically (temp file and rename; no fsync: it is a cache), and gives
/// back its bytes: into `.ayo/` when the store has one, else into the user's cache; `None`
/// when neither can be written (the temp file is made first, so that a cache that cannot be
/// written costs no encoding).
fn save(
    dir: &Path,
    meta_dir: &Path,
    cache: &Cache,
    entries: &FastSet<Entry>,
) -> io::Result<Option<Vec<u8>>> {
    let (target, mut file, temp, cached) = if meta_dir.is_dir() {
        let temp: PathBuf = meta_dir.join(format!(
            "{}index-{}-{}",
            super::fs::TEMP_PREFIX,
            std::process::id(),
            now_ns()
        ));
        let file = File::create(&temp)?;
        (meta_dir.join(INDEX_FILE), file, temp, false)
    } else {
        let Some(entry) = cache.entry(dir) else {
            return Ok(None);
        };
        let Ok((file, temp)) = cache.temp_for(&entry) else {
            return Ok(None);
        };
        (entry, file, temp, true)
    };
    let written = encode(entries).and_then(|bytes| {
        io::Write::write_all(&mut file, &bytes)?;
        drop(file);
        fs::rename(&temp, &target)?;
        Ok(bytes)
    });
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    } else if cached {
        cache.tidy(&target);
    }
    written.map(Some)
}

/// The bytes of an index file holding `entries`.
fn encode(entries: &FastSet<Entry>) -> io::Result<Vec<u8>> {
    let mut w = Writer::default();
    // Oldest first, then by name: the order of most listings, so that the records a long
    // listing returns lie one after the other (see `in_table_order`).
    let mut ordered: Vec<(Option<DateTime<Utc>>, &Entry)> =
        entries.iter().map(|e| (e.created(), e)).collect();
    ordered.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name().cmp(b.1.name())));
    for (_, e) in ordered {
        match &e.slot {
            Slot::Indexed(table, i) => {
                let (stamp, seen_ns) = (table.stamp(*i), table.seen_ns(*i));
                match table.unreadable(*i) {
                    None => w.add(Row::Ticket {
                        brief: &Brief::indexed_at(table.clone(), *i),
                        stated: table.stated(*i),
                        stamp,
                        seen_ns,
                    })?,
                    Some(error) => w.add(Row::Unreadable {
                        name: table.name(*i),
                        error: &error,
                        stamp,
                        seen_ns,
                    })?,
                }
            }
            Slot::Read(read) => {
                let (stamp, seen_ns) = (read.stamp, read.seen_ns);
                match &read.outcome {
                    Outcome::Ticket { brief, stated_id } => w.add(Row::Ticket {
                        brief,
                        stated: stated_id.as_deref(),
                        stamp,
                        seen_ns,
                    })?,
                    Outcome::Unreadable { name, error } => w.add(Row::Unreadable {
                        name,
                        error,
                        stamp,
                        seen_ns,
                    })?,
                }
            }
        }
    }
    w.finish()
}

/// The id a file name stands for, if it is a ticket file.
pub(crate) fn ticket_stem(name: &str) -> Option<&str> {
    if name.starts_with('.') {
        return None;
    }
    name.strip_suffix(".md")
}
