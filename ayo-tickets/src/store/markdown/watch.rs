//! Change notification for directory stores: the [`ChangeFeed`] of [`super::MarkdownStore`].
//!
//! One file-system watcher serves the whole process (inotify instances are limited per user),
//! through a registry keyed by canonical directory path. Each directory has a reference-counted
//! entry with a version counter and a [`Condvar`]: the watcher's thread bumps the version when a
//! ticket file changes, and every feed of that directory wakes. A feed costs nothing while
//! nothing changes.
//!
//! - Writes arrive by rename into the directory, so the directory itself is watched (not
//!   recursively: the store's own files in `.ayo/` do not wake anyone). Reads make no wake-up.
//! - A directory that does not exist yet is waited for by watching its nearest existing
//!   ancestor until it appears; one that is removed goes back to that.
//! - When notification is not available (no watcher could be made, `AYO_WATCH=0`), a feed polls
//!   every `AYO_POLL_MS` milliseconds (2000 by default). On a network file system, where other
//!   hosts' writes make no local event, it watches and polls.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use notify::event::ModifyKind;
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::error::Result;
use crate::store::{ChangeFeed, PollFeed};

/// The poll interval when `AYO_POLL_MS` is not set.
const DEFAULT_POLL: Duration = Duration::from_millis(2000);

/// How often a feed polls when it has no notification: `$AYO_POLL_MS`, else 2 s.
pub(crate) fn poll_interval() -> Duration {
    std::env::var("AYO_POLL_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&ms| ms > 0)
        .map_or(DEFAULT_POLL, Duration::from_millis)
}

/// Whether file-system notification may be used: not when `$AYO_WATCH` is `0` (or `false`,
/// `no`, `off`), which forces the poll.
fn watch_enabled() -> bool {
    std::env::var("AYO_WATCH").map_or(true, |v| {
        !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "0" | "false" | "no" | "off"
        )
    })
}

/// A feed of the changes of the ticket files in `dir`; it never fails: without notification it
/// polls.
pub(crate) fn subscribe(dir: &Path) -> Box<dyn ChangeFeed> {
    let every = poll_interval();
    if !watch_enabled() {
        return Box::new(PollFeed::new(every));
    }
    match registry().subscribe(dir) {
        Ok(sub) => {
            let (seen, remote) = {
                let st = lock(&sub.dir.state);
                let remote = st.watching.as_deref().is_some_and(is_remote);
                (st.version, remote)
            };
            Box::new(DirFeed {
                sub,
                seen,
                remote,
                every,
                next_poll: Instant::now() + every,
            })
        }
        Err(_) => Box::new(PollFeed::new(every)),
    }
}

/// The registry of the process.
fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry {
        ops: Mutex::new(Ops::default()),
        dirs: Arc::new(Mutex::new(HashMap::new())),
    })
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Every watched directory of the process.
///
/// Lock order: `ops`, then `dirs`, then a [`Dir`]'s `state`. The watcher's thread takes only
/// `dirs` and `state`, and `ops` is never held by a thread that waits for the watcher's thread
/// while it holds `dirs`: `watch` and `unwatch` talk to that thread.
struct Registry {
    /// Serializes subscribing, unsubscribing and re-watching.
    ops: Mutex<Ops>,
    /// The entries, by canonical target directory; shared with the watcher's event handler.
    dirs: Arc<Mutex<HashMap<PathBuf, Arc<Dir>>>>,
}

#[derive(Default)]
struct Ops {
    /// Made at the first subscription, then kept for the life of the process.
    watcher: Option<RecommendedWatcher>,
    /// How many entries watch each path (a target, or an ancestor of one that does not exist).
    watched: HashMap<PathBuf, usize>,
    /// How many feeds each entry has.
    subs: HashMap<PathBuf, usize>,
}

/// One directory that feeds wait on.
struct Dir {
    /// The canonical path of the store directory.
    target: PathBuf,
    state: Mutex<DirState>,
    changed: Condvar,
}

#[derive(Default)]
struct DirState {
    /// Bumped at every change; a feed compares it with the last one it saw.
    version: u64,
    /// The path watched: the target, or its nearest existing ancestor. `None` when watching
    /// failed: the feeds poll.
    watching: Option<PathBuf>,
    /// The watched path is no longer the right one (the target appeared or went away).
    stale: bool,
}

impl Dir {
    fn bump(&self, state: &mut DirState) {
        state.version = state.version.wrapping_add(1);
        self.changed.notify_all();
    }
}

/// A feed's hold on an entry; the last one dropped removes the entry and its watch.
struct Subscription {
    dir: Arc<Dir>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        registry().unsubscribe(&self.dir);
    }
}

impl Registry {
    fn subscribe(&self, dir: &Path) -> std::io::Result<Subscription> {
        let target = canonical(dir)?;
        let mut ops = lock(&self.ops);
        if ops.watcher.is_none() {
            let dirs = self.dirs.clone();
            let watcher = notify::recommended_watcher(move |res| on_event(&dirs, res))
                .map_err(std::io::Error::other)?;
            ops.watcher = Some(watcher);
        }
        if let Some(n) = ops.subs.get_mut(&target)
            && let Some(entry) = lock(&self.dirs).get(&target).cloned()
        {
            *n += 1;
            return Ok(Subscription { dir: entry });
        }
        let entry = Arc::new(Dir {
            target: target.clone(),
            state: Mutex::new(DirState::default()),
            changed: Condvar::new(),
        });
        let path = attach(&mut ops, &target).map_err(std::io::Error::other)?;
        lock(&entry.state).watching = Some(path);
        ops.subs.insert(target.clone(), 1);
        lock(&self.dirs).insert(target, entry.clone());
        Ok(Subscription { dir: entry })
    }

    fn unsubscribe(&self, dir: &Dir) {
        let mut ops = lock(&self.ops);
        let Some(n) = ops.subs.get_mut(&dir.target) else {
            return;
        };
        *n -= 1;
        if *n > 0 {
            return;
        }
        ops.subs.remove(&dir.target);
        lock(&self.dirs).remove(&dir.target);
        let watching = lock(&dir.state).watching.take();
        if let Some(path) = watching {
            detach(&mut ops, &path);
        }
    }

    /// Watches the right path again after the target appeared or went away, then wakes the
    /// feeds so they read the store afresh (a change made meanwhile had no watch to see it).
    fn rewatch(&self, dir: &Dir) {
        let mut ops = lock(&self.ops);
        let old = {
            let mut st = lock(&dir.state);
            if !st.stale {
                return;
            }
            st.stale = false;
            st.watching.take()
        };
        if let Some(path) = old {
            detach(&mut ops, &path);
        }
        let watching = attach(&mut ops, &dir.target).ok();
        let mut st = lock(&dir.state);
        st.watching = watching;
        dir.bump(&mut st);
    }
}

/// Watches `target`, or its nearest existing ancestor when it does not exist; returns the path
/// watched.
fn attach(ops: &mut Ops, target: &Path) -> notify::Result<PathBuf> {
    let mut last = None;
    // The ancestor found may vanish before it is watched: look again.
    for _ in 0..64 {
        let path = nearest_existing(target);
        let Some(watcher) = ops.watcher.as_mut() else {
            return Err(notify::Error::generic("no watcher"));
        };
        match watcher.watch(&path, RecursiveMode::NonRecursive) {
            Ok(()) => {
                *ops.watched.entry(path.clone()).or_insert(0) += 1;
                // A deeper step may have appeared between the look and the watch, making no
                // event the new watch could see: then watch that one instead.
                if path != target && nearest_existing(target) != path {
                    detach(ops, &path);
                    continue;
                }
                return Ok(path);
            }
            Err(e) if matches!(e.kind, notify::ErrorKind::PathNotFound) => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| notify::Error::generic("cannot watch")))
}

/// Drops one use of a watched path, and its watch with the last use.
fn detach(ops: &mut Ops, path: &Path) {
    let Some(n) = ops.watched.get_mut(path) else {
        return;
    };
    *n -= 1;
    if *n == 0 {
        ops.watched.remove(path);
        if let Some(w) = ops.watcher.as_mut() {
            // Gone already when the directory was removed: nothing to undo.
            let _ = w.unwatch(path);
        }
    }
}

/// The watcher's event handler: wakes the entries an event concerns.
fn on_event(dirs: &Mutex<HashMap<PathBuf, Arc<Dir>>>, res: notify::Result<Event>) {
    let dirs = lock(dirs);
    let event = match res {
        // Events were lost (queue overflow) or the watcher failed: wake everyone to re-read.
        Ok(e) if e.need_rescan() => None,
        Err(_) => None,
        // Opening and reading files (every scan does) changes nothing.
        Ok(e) if matches!(e.kind, EventKind::Access(_)) => return,
        Ok(e) => Some(e),
    };
    for dir in dirs.values() {
        let mut st = lock(&dir.state);
        let (wake, stale) = match (&event, st.watching.as_deref()) {
            (None, _) => (true, false),
            (Some(_), None) => (false, false),
            (Some(e), Some(watching)) => concerns(&dir.target, watching, e),
        };
        if stale {
            st.stale = true;
        }
        if wake || stale {
            dir.bump(&mut st);
        }
    }
}

/// Whether an event concerns a store whose directory is `target` while `watching` is watched:
/// (a ticket file changed, the watched path must change).
fn concerns(target: &Path, watching: &Path, event: &Event) -> (bool, bool) {
    let moved_or_removed = matches!(
        event.kind,
        EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
    );
    let (mut wake, mut stale) = (false, false);
    for path in &event.paths {
        if path == watching {
            // The watched directory itself was removed or moved away.
            stale |= moved_or_removed;
        } else if path.parent() != Some(watching) {
            // Not an entry of the watched directory.
        } else if watching == target {
            wake |= path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_ticket_file);
        } else {
            // Watching an ancestor: a step on the way to the target appeared or went.
            stale |= target.starts_with(path);
        }
    }
    (wake, stale)
}

/// Whether a file name is a ticket's: `<id>.md`, not hidden (temp and editor files are).
fn is_ticket_file(name: &str) -> bool {
    !name.starts_with('.') && name.ends_with(".md")
}

/// `dir` made absolute and canonical, also when it does not exist yet: its nearest existing
/// ancestor is canonicalized and the rest appended.
fn canonical(dir: &Path) -> std::io::Result<PathBuf> {
    let abs = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir()?.join(dir)
    };
    let mut rest = Vec::new();
    let mut existing = abs.as_path();
    loop {
        if let Ok(mut path) = existing.canonicalize() {
            path.extend(rest.iter().rev());
            return Ok(path);
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent;
            }
            // A `..` in the missing part, or no existing ancestor at all.
            _ => return Ok(abs),
        }
    }
}

/// `path`, or its nearest ancestor that is a directory.
fn nearest_existing(path: &Path) -> PathBuf {
    path.ancestors()
        .find(|p| p.is_dir())
        .unwrap_or(Path::new("/"))
        .to_path_buf()
}

/// Whether `path` is on a network file system, where writes from other hosts make no local
/// event.
#[cfg(target_os = "linux")]
fn is_remote(path: &Path) -> bool {
    const REMOTE: [u64; 9] = [
        0x6969,      // NFS
        0x517B,      // SMB
        0xFF53_4D42, // CIFS
        0xFE53_4D42, // SMB2
        0x0102_1997, // 9P
        0x6573_5546, // FUSE (sshfs, virtiofs, ...)
        0x00C3_6400, // Ceph
        0x5346_414F, // AFS
        0x0BD0_0BD0, // Lustre
    ];
    rustix::fs::statfs(path).is_ok_and(|s| REMOTE.contains(&((s.f_type as u64) & 0xFFFF_FFFF)))
}

#[cfg(not(target_os = "linux"))]
fn is_remote(_path: &Path) -> bool {
    false
}

/// A feed on one directory's entry.
struct DirFeed {
    sub: Subscription,
    seen: u64,
    /// Poll as well as watch (a network file system).
    remote: bool,
    every: Duration,
    next_poll: Instant,
}

impl ChangeFeed for DirFeed {
    fn wait(&mut self, deadline: Instant) -> Result<bool> {
        let dir = self.sub.dir.clone();
        loop {
            if lock(&dir.state).stale {
                registry().rewatch(&dir);
            }
            let st = lock(&dir.state);
            if st.version != self.seen {
                self.seen = st.version;
                return Ok(true);
            }
            if st.stale {
                continue;
            }
            let poll = (self.remote || st.watching.is_none()).then_some(self.next_poll);
            let until = poll.map_or(deadline, |p| p.min(deadline));
            let now = Instant::now();
            if now >= until {
                if poll.is_some_and(|p| now >= p) {
                    self.next_poll = now + self.every;
                    if st.watching.is_none() {
                        // Try to watch again at each poll.
                        drop(st);
                        lock(&dir.state).stale = true;
                    }
                    return Ok(true);
                }
                return Ok(false);
            }
            drop(
                dir.changed
                    .wait_timeout(st, until - now)
                    .unwrap_or_else(|e| e.into_inner()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::time::{Duration, Instant};

    use super::*;

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    fn quiet() -> Instant {
        Instant::now() + Duration::from_millis(300)
    }

    /// Writes a ticket file the way the store does: a temp file renamed into place.
    fn write(dir: &Path, id: &str) {
        let meta = dir.join(".ayo");
        fs::create_dir_all(&meta).unwrap();
        let temp = meta.join(format!("tmp-{id}.md"));
        fs::write(&temp, "x").unwrap();
        fs::rename(&temp, dir.join(format!("{id}.md"))).unwrap();
    }

    fn entries(target: &Path) -> Option<usize> {
        lock(&registry().ops)
            .subs
            .get(&canonical(target).unwrap())
            .copied()
    }

    #[test]
    fn wakes_on_a_rename_but_not_on_reads() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(dir, "a");
        let mut feed = subscribe(dir);
        assert!(!feed.wait(quiet()).unwrap(), "nothing changed yet");
        // Reads, listings and the store's own files wake no one.
        fs::read(dir.join("a.md")).unwrap();
        fs::read_dir(dir).unwrap().for_each(drop);
        fs::write(dir.join(".ayo").join("log.jsonl"), "{}\n").unwrap();
        fs::write(dir.join(".hidden.md.swp"), "x").unwrap();
        assert!(!feed.wait(quiet()).unwrap(), "reads are not changes");
        write(dir, "b");
        let start = Instant::now();
        assert!(feed.wait(soon()).unwrap());
        assert!(start.elapsed() < Duration::from_secs(1));
        // One change, one wake: the feed does not fire again for it.
        assert!(!feed.wait(quiet()).unwrap());
        fs::remove_file(dir.join("a.md")).unwrap();
        assert!(feed.wait(soon()).unwrap());
    }

    #[test]
    fn feeds_of_one_directory_share_an_entry() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        fs::create_dir(&dir).unwrap();
        let other_spelling = tmp.path().join("store/../store/.");
        let mut a = subscribe(&dir);
        let mut b = subscribe(&other_spelling);
        assert_eq!(entries(&dir), Some(2));
        write(&dir, "x");
        assert!(a.wait(soon()).unwrap());
        assert!(b.wait(soon()).unwrap());
        drop(a);
        assert_eq!(entries(&dir), Some(1));
        drop(b);
        assert_eq!(entries(&dir), None, "the last feed removes the entry");
        assert!(!lock(&registry().ops).watched.contains_key(&dir));
        // A new subscription after that still works.
        let mut c = subscribe(&dir);
        write(&dir, "y");
        assert!(c.wait(soon()).unwrap());
    }

    #[test]
    fn waits_for_a_directory_that_does_not_exist_yet() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b/.tickets");
        let mut feed = subscribe(&dir);
        // Unrelated entries of the watched ancestor do not wake it.
        fs::create_dir(tmp.path().join("elsewhere")).unwrap();
        assert!(!feed.wait(quiet()).unwrap());
        write(&dir, "t1");
        assert!(feed.wait(soon()).unwrap());
        // Now the directory itself is watched: the next write wakes it too.
        while feed.wait(quiet()).unwrap() {}
        write(&dir, "t2");
        assert!(feed.wait(soon()).unwrap());
        // Removed and made again: still woken.
        fs::remove_dir_all(tmp.path().join("a")).unwrap();
        assert!(feed.wait(soon()).unwrap());
        while feed.wait(quiet()).unwrap() {}
        write(&dir, "t3");
        assert!(feed.wait(soon()).unwrap());
    }

    #[test]
    fn canonical_paths_of_missing_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().canonicalize().unwrap();
        assert_eq!(
            canonical(&tmp.path().join("x/y")).unwrap(),
            real.join("x").join("y")
        );
        assert_eq!(nearest_existing(&real.join("x/y")), real);
    }

    #[test]
    fn ticket_file_names() {
        assert!(is_ticket_file("web-a1b2.md"));
        assert!(!is_ticket_file(".web-a1b2.md"));
        assert!(!is_ticket_file("lock"));
        assert!(!is_ticket_file("web-a1b2.md.swp"));
    }
}
