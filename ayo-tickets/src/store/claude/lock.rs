//! The two locks of a Claude Code task list.
//!
//! - ayo's own: an exclusive `flock` on `.ayo.lock` in the list directory, held by an ayo
//!   writer for its whole transaction (the markdown store's lock, in another file), so that
//!   ayo processes claim one at a time.
//! - Claude Code's: Claude Code locks a list with the `proper-lockfile` package on the empty
//!   file `.lock`, whose lock is the directory `.lock.lock`, made with `mkdir` (atomic) and
//!   held for one operation; a holder refreshes its time while it holds it, and a lock older
//!   than 10 s is stale and may be taken over. ayo takes it the same way, only while it
//!   re-reads and writes the files of one commit (well under the stale time).

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use crate::error::{Error, Result};

/// Claude Code's lock target in a list directory (kept, empty).
pub(crate) const CLAUDE_LOCK_TARGET: &str = ".lock";
/// The directory that is Claude Code's lock while it exists.
pub(crate) const CLAUDE_LOCK_DIR: &str = ".lock.lock";
/// ayo's writers' lock in a list directory.
pub(crate) const AYO_LOCK: &str = ".ayo.lock";
/// When `proper-lockfile` takes a lock over (its default `stale`).
const STALE: Duration = Duration::from_secs(10);

/// Claude Code's lock, held until dropped.
#[derive(Debug)]
pub(crate) struct ClaudeLock {
    path: PathBuf,
}

impl ClaudeLock {
    /// Takes Claude Code's lock on the list `dir`, waiting at most `timeout` (then
    /// [`Error::Busy`]); a lock left older than the stale time is taken over.
    pub(crate) fn take(dir: &Path, timeout: Duration) -> Result<ClaudeLock> {
        let target = dir.join(CLAUDE_LOCK_TARGET);
        if !target.exists() {
            let _ = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&target);
        }
        let path = dir.join(CLAUDE_LOCK_DIR);
        let start = Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(ClaudeLock { path }),
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    let age = std::fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|m| SystemTime::now().duration_since(m).ok());
                    if age.is_some_and(|a| a > STALE) {
                        let _ = std::fs::remove_dir(&path);
                        continue;
                    }
                }
                Err(e) => {
                    return Err(Error::storage(format!("{}: {e}", path.display())));
                }
            }
            let waited = start.elapsed();
            if waited >= timeout {
                return Err(Error::Busy {
                    lock: path.display().to_string(),
                    holder: None,
                });
            }
            std::thread::sleep(pause.min(timeout - waited));
            pause = (pause * 2).min(Duration::from_millis(8));
        }
    }
}

impl Drop for ClaudeLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.path);
    }
}
