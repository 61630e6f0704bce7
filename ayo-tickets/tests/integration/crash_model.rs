//! The file-system model of the crash-state explorer (`crash_states.rs`): what a power cut may
//! leave of a log of file-system calls.
//!
//! The model (POSIX's, as ALICE and CrashMonkey use it, with no help from a particular file
//! system):
//! - A call is split into units: a change to a directory (a name made, renamed or removed) and a
//!   change to a file's data (written, overwritten at its start, appended).
//! - `fsync` of a directory makes durable every earlier change to that directory; `fsync` of a
//!   file every earlier change to its data (not its name); `syncfs` everything. A rename is one
//!   unit of its target directory: durable once that directory is synced.
//! - A crash after call `k`: every unit a sync among the first `k` calls made durable is there;
//!   each other unit of those calls may be there or lost, independently (a lost data change
//!   leaves what the file held before it: nothing, for a new file). A name made in a directory
//!   whose own making was lost is lost with it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ayo_tickets::fs_record::Call;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A directory tree: each path (relative) a directory or a file with its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    Dir,
    File(Arc<Vec<u8>>),
}

/// A store directory's contents.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Model {
    pub nodes: BTreeMap<PathBuf, Node>,
}

impl Model {
    /// Reads a directory tree (regular files and directories).
    pub fn snapshot(dir: &Path) -> Model {
        let mut nodes = BTreeMap::new();
        let mut todo = vec![PathBuf::new()];
        while let Some(rel) = todo.pop() {
            for e in std::fs::read_dir(dir.join(&rel)).unwrap() {
                let e = e.unwrap();
                let path = rel.join(e.file_name());
                let kind = e.file_type().unwrap();
                if kind.is_dir() {
                    nodes.insert(path.clone(), Node::Dir);
                    todo.push(path);
                } else if kind.is_file() {
                    let bytes = std::fs::read(dir.join(&path)).unwrap();
                    nodes.insert(path, Node::File(Arc::new(bytes)));
                }
            }
        }
        Model { nodes }
    }

    /// Writes the tree into `dir` (which exists).
    pub fn write_to(&self, dir: &Path) {
        for (path, node) in &self.nodes {
            match node {
                Node::Dir => std::fs::create_dir_all(dir.join(path)).unwrap(),
                Node::File(bytes) => std::fs::write(dir.join(path), &**bytes).unwrap(),
            }
        }
    }
}

/// A file's identity in the model, so that data changes follow it through renames.
type Ino = usize;

#[derive(Debug, Clone)]
enum Unit {
    Mkdir(PathBuf),
    Link(PathBuf, Ino),
    Rename(PathBuf, PathBuf),
    Unlink(PathBuf),
    Set(Ino, Arc<Vec<u8>>),
    AtStart(Ino, Arc<Vec<u8>>),
    Append(Ino, Arc<Vec<u8>>),
}

impl Unit {
    /// The directory whose sync makes it durable (`None` for a data change).
    fn dir(&self) -> Option<PathBuf> {
        let parent = |p: &Path| p.parent().unwrap_or(Path::new("")).to_path_buf();
        match self {
            Unit::Mkdir(p) | Unit::Link(p, _) | Unit::Unlink(p) | Unit::Rename(_, p) => {
                Some(parent(p))
            }
            _ => None,
        }
    }

    fn ino(&self) -> Option<Ino> {
        match self {
            Unit::Set(i, _) | Unit::AtStart(i, _) | Unit::Append(i, _) => Some(*i),
            _ => None,
        }
    }
}

/// What one call becomes: units, or a sync.
enum Event {
    Unit(Unit),
    SyncDir(PathBuf),
    SyncIno(Ino),
    SyncAll,
}

/// A name → inode view of the tree, with each inode's contents.
#[derive(Clone)]
struct Live {
    names: BTreeMap<PathBuf, Option<Ino>>,
    data: Vec<Arc<Vec<u8>>>,
}

impl Live {
    fn of(model: &Model) -> Live {
        let mut live = Live {
            names: BTreeMap::new(),
            data: Vec::new(),
        };
        for (path, node) in &model.nodes {
            let ino = match node {
                Node::Dir => None,
                Node::File(bytes) => {
                    live.data.push(bytes.clone());
                    Some(live.data.len() - 1)
                }
            };
            live.names.insert(path.clone(), ino);
        }
        live
    }

    fn has_parent(&self, p: &Path) -> bool {
        match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => self.names.get(d) == Some(&None),
            _ => true,
        }
    }

    fn apply(&mut self, unit: &Unit) {
        match unit {
            Unit::Mkdir(p) => {
                if self.has_parent(p) {
                    self.names.entry(p.clone()).or_insert(None);
                }
            }
            Unit::Link(p, ino) => {
                if self.has_parent(p) {
                    self.names.insert(p.clone(), Some(*ino));
                }
            }
            Unit::Rename(from, to) => {
                if self.has_parent(to)
                    && let Some(node) = self.names.remove(from)
                {
                    self.names.insert(to.clone(), node);
                }
            }
            Unit::Unlink(p) => {
                self.names.remove(p);
            }
            Unit::Set(ino, bytes) => self.data[*ino] = bytes.clone(),
            Unit::AtStart(ino, bytes) => {
                let mut now = (*self.data[*ino]).clone();
                if now.len() < bytes.len() {
                    now.resize(bytes.len(), 0);
                }
                now[..bytes.len()].copy_from_slice(bytes);
                self.data[*ino] = Arc::new(now);
            }
            Unit::Append(ino, bytes) => {
                let mut now = (*self.data[*ino]).clone();
                now.extend_from_slice(bytes);
                self.data[*ino] = Arc::new(now);
            }
        }
    }

    /// The tree: names whose parents are there (a directory lost takes its names with it).
    fn model(&self) -> Model {
        let mut nodes = BTreeMap::new();
        for (path, ino) in &self.names {
            let parent_there = path
                .ancestors()
                .skip(1)
                .filter(|a| !a.as_os_str().is_empty())
                .all(|a| self.names.get(a) == Some(&None));
            if parent_there {
                let node = match ino {
                    None => Node::Dir,
                    Some(i) => Node::File(self.data[*i].clone()),
                };
                nodes.insert(path.clone(), node);
            }
        }
        Model { nodes }
    }
}

/// Turns the recorded calls (absolute paths under `root`) into events, per call; and how many
/// inodes there are in all.
fn events(initial: &Model, root: &Path, calls: &[Call]) -> (Vec<Vec<Event>>, usize) {
    let rel = |p: &Path| p.strip_prefix(root).unwrap().to_path_buf();
    let mut live = Live::of(initial);
    let mut out = Vec::new();
    for call in calls {
        let mut ev = Vec::new();
        let file = |live: &mut Live, ev: &mut Vec<Event>, p: PathBuf| -> Ino {
            if let Some(Some(ino)) = live.names.get(&p) {
                return *ino;
            }
            live.data.push(Arc::new(Vec::new()));
            let ino = live.data.len() - 1;
            ev.push(Event::Unit(Unit::Link(p, ino)));
            ino
        };
        match call {
            Call::MkdirAll(p) => {
                let p = rel(p);
                let mut missing: Vec<PathBuf> = p
                    .ancestors()
                    .filter(|a| !a.as_os_str().is_empty() && !live.names.contains_key(*a))
                    .map(Path::to_path_buf)
                    .collect();
                missing.reverse();
                ev.extend(missing.into_iter().map(|a| Event::Unit(Unit::Mkdir(a))));
            }
            Call::Write(p, bytes) => {
                let ino = file(&mut live, &mut ev, rel(p));
                ev.push(Event::Unit(Unit::Set(ino, Arc::new(bytes.clone()))));
            }
            Call::Overwrite(p, bytes) => {
                let ino = file(&mut live, &mut ev, rel(p));
                ev.push(Event::Unit(Unit::AtStart(ino, Arc::new(bytes.clone()))));
            }
            Call::Append(p, bytes) => {
                let ino = file(&mut live, &mut ev, rel(p));
                ev.push(Event::Unit(Unit::Append(ino, Arc::new(bytes.clone()))));
            }
            Call::Rename(from, to) => ev.push(Event::Unit(Unit::Rename(rel(from), rel(to)))),
            Call::Remove(p) => ev.push(Event::Unit(Unit::Unlink(rel(p)))),
            Call::Sync(p) => {
                let p = rel(p);
                ev.push(match live.names.get(&p) {
                    Some(Some(ino)) => Event::SyncIno(*ino),
                    _ => Event::SyncDir(p),
                });
            }
            Call::SyncFs(_) => ev.push(Event::SyncAll),
        }
        for e in &ev {
            if let Event::Unit(u) = e {
                live.apply(u);
            }
        }
        out.push(ev);
    }
    (out, live.data.len())
}

/// One crash state: the tree, and how it was made (for a report).
pub struct State {
    pub model: Model,
    pub how: String,
}

/// Pending units up to this many: every subset is tried.
const ALL_SUBSETS: usize = 8;
/// More pending units: this many seeded random subsets, besides the fixed choices.
const RANDOM_SUBSETS: usize = 12;
/// Pending units up to this many: each alone lost, and each alone kept, is tried.
const EACH_ALONE: usize = 24;

/// Every distinct crash state of `calls` run on `initial` (`root`: where they ran).
pub fn states(initial: &Model, root: &Path, calls: &[Call]) -> Vec<State> {
    let (per_call, inodes) = events(initial, root, calls);
    let mut units: Vec<Unit> = Vec::new();
    let mut durable: Vec<bool> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut rng = StdRng::seed_from_u64(calls.len() as u64);
    let mut keep = |choice: &[bool], units: &[Unit], how: String, out: &mut Vec<State>| {
        let mut live = Live::of(initial);
        live.data.resize(inodes, Arc::new(Vec::new()));
        for (u, &k) in units.iter().zip(choice) {
            if k {
                live.apply(u);
            }
        }
        let model = live.model();
        if seen.insert(model.clone()) {
            out.push(State { model, how });
        }
    };
    // The state before the first call, then after each.
    keep(&[], &[], "before any call".into(), &mut out);
    for (k, ev) in per_call.into_iter().enumerate() {
        for e in ev {
            match e {
                Event::Unit(u) => {
                    units.push(u);
                    durable.push(false);
                }
                Event::SyncAll => durable.iter_mut().for_each(|d| *d = true),
                Event::SyncDir(d) => {
                    for (u, flag) in units.iter().zip(durable.iter_mut()) {
                        if u.dir().as_deref() == Some(d.as_path()) {
                            *flag = true;
                        }
                    }
                }
                Event::SyncIno(i) => {
                    for (u, flag) in units.iter().zip(durable.iter_mut()) {
                        if u.ino() == Some(i) {
                            *flag = true;
                        }
                    }
                }
            }
        }
        let pending: Vec<usize> = (0..units.len()).filter(|&i| !durable[i]).collect();
        let with = |lost: &dyn Fn(usize) -> bool| -> Vec<bool> {
            let mut choice = vec![true; units.len()];
            for (j, &i) in pending.iter().enumerate() {
                choice[i] = !lost(j);
            }
            choice
        };
        let n = pending.len();
        let at = format!("after call {} of {}", k + 1, calls.len());
        if n <= ALL_SUBSETS {
            for mask in 0u32..(1 << n) {
                let choice = with(&|j| mask & (1 << j) != 0);
                keep(
                    &choice,
                    &units,
                    format!("{at}, lost mask {mask:b}"),
                    &mut out,
                );
            }
            continue;
        }
        keep(
            &with(&|_| false),
            &units,
            format!("{at}, none lost"),
            &mut out,
        );
        keep(
            &with(&|_| true),
            &units,
            format!("{at}, all {n} lost"),
            &mut out,
        );
        if n <= EACH_ALONE {
            for only in 0..n {
                let choice = with(&|j| j == only);
                keep(
                    &choice,
                    &units,
                    format!("{at}, pending {only} lost"),
                    &mut out,
                );
                let choice = with(&|j| j != only);
                keep(
                    &choice,
                    &units,
                    format!("{at}, only pending {only} kept"),
                    &mut out,
                );
            }
        }
        for r in 0..RANDOM_SUBSETS {
            let lost: Vec<bool> = (0..n).map(|_| rng.random_bool(0.5)).collect();
            let choice = with(&|j| lost[j]);
            keep(
                &choice,
                &units,
                format!("{at}, random subset {r}"),
                &mut out,
            );
        }
    }
    out
}
