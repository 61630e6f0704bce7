//! The scan index of a markdown store: `.ayo/index.bin` keeps every file's parsed ticket keyed by
//! its name, size, mtime and inode, so a scan stats every file but re-parses only those that
//! changed. It is a cache, never the source of truth: a missing, stale or damaged index is
//! rebuilt transparently.
//!
//! The "racy git" problem: a file edited twice within one tick of the file system's clock can
//! keep its size and mtime. An entry is trusted only when its mtime is older than the scan that
//! recorded it by [`RACY_MARGIN`]; younger entries are re-read at every scan until a later scan
//! records them as old enough.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Scan, Unreadable};
use crate::error::Error;
use crate::format;
use crate::ticket::{Note, Status, Ticket, validate_id};

/// The index file, inside `.ayo/`.
pub(crate) const INDEX_FILE: &str = "index.bin";
const VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"AYOIDX\0\x01";
/// Entries whose mtime is within this of the recording scan's start are not trusted.
const RACY_MARGIN_NS: i128 = 2_000_000_000;
/// Files larger than this are not tickets; they are reported, not read whole.
pub(crate) const MAX_FILE: u64 = 16 * 1024 * 1024;

/// What identifies one version of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    size: u64,
    mtime_ns: i128,
    ino: u64,
}

impl Stamp {
    fn of(m: &fs::Metadata) -> Stamp {
        Stamp {
            size: m.size(),
            mtime_ns: m.mtime() as i128 * 1_000_000_000 + m.mtime_nsec() as i128,
            ino: m.ino(),
        }
    }
}

/// What reading one file gave.
#[derive(Debug, Clone)]
enum Outcome {
    Ticket {
        ticket: Arc<Ticket>,
        stated_id: Option<String>,
    },
    Unreadable(Error),
}

#[derive(Debug, Clone)]
struct Entry {
    stamp: Stamp,
    /// The start of the scan that recorded it (ns since the epoch).
    seen_ns: i128,
    outcome: Outcome,
}

impl Entry {
    fn trusted(&self) -> bool {
        self.stamp.mtime_ns + RACY_MARGIN_NS < self.seen_ns
    }
}

/// A store's index, kept in memory between scans of one process and on disk between processes.
#[derive(Debug, Default)]
pub(crate) struct Index {
    entries: HashMap<String, Entry>,
    loaded: bool,
}

/// The shared, lockable index of one store handle.
pub(crate) type SharedIndex = Arc<Mutex<Index>>;

fn now_ns() -> i128 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    d.as_nanos() as i128
}

/// Reads and parses one opened ticket file; its stamp comes from the opened file (`fstat`).
fn read_one(path: &Path) -> io::Result<(Stamp, Outcome)> {
    let mut file = File::open(path)?;
    let meta = file.metadata()?;
    let stamp = Stamp::of(&meta);
    if meta.len() > MAX_FILE {
        let e = Error::parse(
            path,
            None,
            format!("{} bytes is too large for a ticket", meta.len()),
        );
        return Ok((stamp, Outcome::Unreadable(e)));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.read_to_end(&mut bytes)?;
    let outcome = match format::parse(&bytes, path) {
        Ok(p) => Outcome::Ticket {
            ticket: Arc::new(p.ticket),
            stated_id: p.frontmatter_id,
        },
        Err(e) => Outcome::Unreadable(e),
    };
    Ok((stamp, outcome))
}

/// One file's part of a scan.
enum Step {
    Kept(String),
    Read(String, Entry),
    Gone,
    Failed(Error),
}

/// Scans a store directory through the index: stats every `*.md` file, re-parses the new and
/// changed ones (spread over the available cores), and rewrites the index when it learned
/// something.
pub(crate) fn scan(dir: &Path, meta_dir: &Path, shared: &SharedIndex) -> Result<Scan, Error> {
    let started = now_ns();
    let names = match list_names(dir) {
        Ok(n) => n,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Scan::default()),
        Err(e) => return Err(Error::storage(format!("{}: {e}", dir.display()))),
    };
    let mut index = shared.lock().unwrap_or_else(|e| e.into_inner());
    if !index.loaded {
        index.entries = load(&meta_dir.join(INDEX_FILE)).unwrap_or_default();
        index.loaded = true;
    }
    let steps = run_parallel(&names, |name| {
        let path = dir.join(format!("{name}.md"));
        let stamp = match fs::metadata(&path) {
            Ok(m) => Stamp::of(&m),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Step::Gone,
            Err(e) => return Step::Failed(Error::storage(format!("{}: {e}", path.display()))),
        };
        if let Some(e) = index.entries.get(name)
            && e.stamp == stamp
            && e.trusted()
        {
            return Step::Kept(name.clone());
        }
        match read_one(&path) {
            Ok((stamp, outcome)) => Step::Read(
                name.clone(),
                Entry {
                    stamp,
                    seen_ns: started,
                    outcome,
                },
            ),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Step::Gone,
            Err(e) => Step::Failed(Error::storage(format!("{}: {e}", path.display()))),
        }
    });
    let mut learned = index.entries.len() != names.len();
    let mut fresh: HashMap<String, Entry> = HashMap::with_capacity(names.len());
    for step in steps {
        match step {
            Step::Kept(name) => {
                if let Some(e) = index.entries.remove(&name) {
                    fresh.insert(name, e);
                }
            }
            Step::Read(name, entry) => {
                let old = index.entries.remove(&name);
                // A young entry re-read unchanged teaches nothing until it is old enough.
                learned |= old.is_none_or(|o| o.stamp != entry.stamp) || entry.trusted();
                fresh.insert(name, entry);
            }
            Step::Gone => learned = true,
            Step::Failed(e) => return Err(e),
        }
    }
    index.entries = fresh;
    if learned {
        // The index is a cache: failing to write it costs speed, not correctness.
        let _ = save(meta_dir, &index.entries);
    }
    Ok(to_scan(dir, &index.entries))
}

fn list_names(dir: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if let Some(stem) = entry.file_name().to_str().and_then(ticket_stem) {
            names.push(stem.to_string());
        }
    }
    Ok(names)
}

/// The id a file name stands for, if it is a ticket file.
pub(crate) fn ticket_stem(name: &str) -> Option<&str> {
    if name.starts_with('.') {
        return None;
    }
    name.strip_suffix(".md")
}

/// Runs `f` over `items` on up to all available cores, keeping the order.
fn run_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if threads < 2 || items.len() < 256 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

fn to_scan(dir: &Path, entries: &HashMap<String, Entry>) -> Scan {
    let mut scan = Scan::default();
    scan.tickets.reserve(entries.len());
    for (name, e) in entries {
        if let Err(err) = validate_id(name) {
            let path = dir.join(format!("{name}.md"));
            scan.unreadable.push(Unreadable {
                id: name.clone(),
                error: Error::parse(&path, None, err.to_string()),
                path: Some(path),
            });
            continue;
        }
        match &e.outcome {
            Outcome::Ticket { ticket, stated_id } => {
                if let Some(s) = stated_id
                    && s != name
                {
                    scan.mismatched.push((name.clone(), s.clone()));
                }
                scan.tickets.push(ticket.clone());
            }
            Outcome::Unreadable(err) => scan.unreadable.push(Unreadable {
                id: name.clone(),
                path: Some(dir.join(format!("{name}.md"))),
                error: err.clone(),
            }),
        }
    }
    scan
}

// ---- on disk ----------------------------------------------------------------------------

#[derive(Serialize, Deserialize)]
struct DiskIndex {
    version: u32,
    entries: Vec<DiskEntry>,
}

#[derive(Serialize, Deserialize)]
struct DiskEntry {
    name: String,
    stamp: Stamp,
    seen_ns: i128,
    outcome: DiskOutcome,
}

#[derive(Serialize, Deserialize)]
enum DiskOutcome {
    Ticket(Box<DiskTicket>, Option<String>),
    Unreadable(Option<usize>, String),
}

/// A ticket as the index stores it (every field, times in microseconds).
#[derive(Serialize, Deserialize)]
struct DiskTicket {
    id: String,
    title: String,
    status: u8,
    assignee: Option<String>,
    deps: Vec<String>,
    priority: u8,
    kind: String,
    tags: Vec<String>,
    parent: Option<String>,
    description: String,
    notes: Vec<(i64, Option<String>, String)>,
    created: Option<i64>,
    started: Option<i64>,
    closed: Option<i64>,
    lease_until: Option<i64>,
    lease_secs: Option<u64>,
}

fn micros(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(|t| t.timestamp_micros())
}

fn time(us: Option<i64>) -> Option<DateTime<Utc>> {
    us.and_then(DateTime::from_timestamp_micros)
}

impl From<&Ticket> for DiskTicket {
    fn from(t: &Ticket) -> Self {
        DiskTicket {
            id: t.id.clone(),
            title: t.title.clone(),
            status: match t.status {
                Status::Open => 0,
                Status::InProgress => 1,
                Status::Closed => 2,
            },
            assignee: t.assignee.clone(),
            deps: t.deps.clone(),
            priority: t.priority,
            kind: t.kind.clone(),
            tags: t.tags.clone(),
            parent: t.parent.clone(),
            description: t.description.clone(),
            notes: t
                .notes
                .iter()
                .map(|n| (n.at.timestamp_micros(), n.author.clone(), n.text.clone()))
                .collect(),
            created: micros(t.created),
            started: micros(t.started),
            closed: micros(t.closed),
            lease_until: micros(t.lease_until),
            lease_secs: t.lease_secs,
        }
    }
}

impl DiskTicket {
    fn into_ticket(self) -> Option<Ticket> {
        let mut t = Ticket::new(self.id, self.title);
        t.status = match self.status {
            0 => Status::Open,
            1 => Status::InProgress,
            2 => Status::Closed,
            _ => return None,
        };
        t.assignee = self.assignee;
        t.deps = self.deps;
        t.priority = self.priority;
        t.kind = self.kind;
        t.tags = self.tags;
        t.parent = self.parent;
        t.description = self.description;
        t.notes = self
            .notes
            .into_iter()
            .map(|(at, author, text)| {
                Some(Note {
                    at: DateTime::from_timestamp_micros(at)?,
                    author,
                    text,
                })
            })
            .collect::<Option<Vec<Note>>>()?;
        t.created = time(self.created);
        t.started = time(self.started);
        t.closed = time(self.closed);
        t.lease_until = time(self.lease_until);
        t.lease_secs = self.lease_secs;
        Some(t)
    }
}

/// Loads the index; `None` when it is missing, of another version, or damaged.
fn load(path: &Path) -> Option<HashMap<String, Entry>> {
    let bytes = fs::read(path).ok()?;
    let body = bytes.strip_prefix(MAGIC.as_slice())?;
    let disk: DiskIndex = postcard::from_bytes(body).ok()?;
    if disk.version != VERSION {
        return None;
    }
    let dir = path.parent()?.parent()?;
    let mut out = HashMap::with_capacity(disk.entries.len());
    for e in disk.entries {
        let outcome = match e.outcome {
            DiskOutcome::Ticket(t, stated_id) => Outcome::Ticket {
                ticket: Arc::new(t.into_ticket()?),
                stated_id,
            },
            DiskOutcome::Unreadable(line, message) => Outcome::Unreadable(Error::Parse {
                path: dir.join(format!("{}.md", e.name)),
                line,
                message,
            }),
        };
        out.insert(
            e.name,
            Entry {
                stamp: e.stamp,
                seen_ns: e.seen_ns,
                outcome,
            },
        );
    }
    Some(out)
}

/// Writes the index atomically (temp file and rename; no fsync: it is a cache).
fn save(meta_dir: &Path, entries: &HashMap<String, Entry>) -> io::Result<()> {
    if !meta_dir.is_dir() {
        return Ok(()); // a read-only look at a store nobody wrote to yet
    }
    let disk = DiskIndex {
        version: VERSION,
        entries: entries
            .iter()
            .map(|(name, e)| DiskEntry {
                name: name.clone(),
                stamp: e.stamp,
                seen_ns: e.seen_ns,
                outcome: match &e.outcome {
                    Outcome::Ticket { ticket, stated_id } => DiskOutcome::Ticket(
                        Box::new(DiskTicket::from(&**ticket)),
                        stated_id.clone(),
                    ),
                    Outcome::Unreadable(Error::Parse { line, message, .. }) => {
                        DiskOutcome::Unreadable(*line, message.clone())
                    }
                    Outcome::Unreadable(other) => DiskOutcome::Unreadable(None, other.to_string()),
                },
            })
            .collect(),
    };
    let mut bytes = MAGIC.to_vec();
    bytes.extend(postcard::to_stdvec(&disk).map_err(io::Error::other)?);
    let temp: PathBuf = meta_dir.join(format!(
        "{}index-{}-{}",
        super::markdown::TEMP_PREFIX,
        std::process::id(),
        now_ns()
    ));
    fs::write(&temp, &bytes)?;
    fs::rename(&temp, meta_dir.join(INDEX_FILE)).inspect_err(|_| {
        let _ = fs::remove_file(&temp);
    })
}
