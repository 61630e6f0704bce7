//! A Claude Code task list as a store: one JSON file per task, `<id>.json`, in a list
//! directory (`~/.claude/tasks/<list-id>/`, or under `$CLAUDE_CONFIG_DIR/tasks/`), read and
//! written beside Claude Code's own task tools.
//!
//! The mapping of fields is in [`task`]; the locks in [`lock`]; the transaction in [`txn`].
//! ayo keeps its audit log in `.ayo-log.jsonl` and its writers' lock in `.ayo.lock` in the list
//! directory; Claude Code reads only the `*.json` files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::scope::StoreChoice;
use crate::store::{Access, Store, Txn};

mod lock;
mod task;
#[cfg(test)]
mod tests;
mod txn;

/// The prefix of a `--store` value that names a Claude Code task list.
pub const PREFIX: &str = "claude:";
/// ayo's audit log in a list directory.
const LOG_FILE: &str = ".ayo-log.jsonl";
/// Claude Code's record of the highest id it gave.
const HIGH_WATER_MARK: &str = ".highwatermark";

/// The directory of a Claude Code task list named after `claude:`: a path (it holds a `/` or
/// starts with `.` or `~`) as it is (`~/` is the home directory), else a list id under
/// `$CLAUDE_CONFIG_DIR/tasks/`, else under `~/.claude/tasks/`. `env` reads a variable.
pub fn list_dir(list: &str, env: impl Fn(&str) -> Option<String>) -> Result<PathBuf> {
    let list = list.trim();
    if list.is_empty() {
        return Err(Error::invalid(
            "claude: needs a task list id or a directory (claude:LIST, claude:/path)",
        ));
    }
    let home = || {
        env("HOME")
            .map(PathBuf::from)
            .ok_or_else(|| Error::invalid("cannot find the home directory ($HOME is not set)"))
    };
    if let Some(rest) = list.strip_prefix("~/") {
        return Ok(home()?.join(rest));
    }
    if list.contains('/') || list.starts_with('.') {
        return Ok(PathBuf::from(list));
    }
    crate::ticket::validate_id(list)?;
    let config = match env("CLAUDE_CONFIG_DIR") {
        Some(c) => PathBuf::from(c),
        None => home()?.join(".claude"),
    };
    Ok(config.join("tasks").join(list))
}

/// A Claude Code task list.
#[derive(Debug)]
pub struct ClaudeStore {
    dir: PathBuf,
    lock_timeout_ms: AtomicU64,
}

impl ClaudeStore {
    /// The list in `dir` (made at the first write).
    pub fn new(dir: &Path) -> Self {
        ClaudeStore {
            dir: dir.to_path_buf(),
            lock_timeout_ms: AtomicU64::new(
                crate::store::markdown::lock::DEFAULT_LOCK_TIMEOUT.as_millis() as u64,
            ),
        }
    }

    /// The list directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn timeout(&self) -> Duration {
        Duration::from_millis(self.lock_timeout_ms.load(Ordering::Relaxed))
    }
}

impl Store for ClaudeStore {
    fn begin(&self, access: Access) -> Result<Box<dyn Txn>> {
        let lock = match access {
            Access::Read => None,
            Access::Write | Access::Batch => {
                std::fs::create_dir_all(&self.dir).map_err(|e| txn::io_err(&self.dir, e))?;
                Some(crate::store::markdown::lock::take(
                    &self.dir.join(lock::AYO_LOCK),
                    self.timeout(),
                )?)
            }
        };
        Ok(Box::new(txn::ClaudeTxn::begin(
            &self.dir,
            access,
            lock,
            self.timeout(),
        )?))
    }

    fn set_lock_timeout(&self, timeout: Duration) {
        self.lock_timeout_ms
            .store(timeout.as_millis() as u64, Ordering::Relaxed);
    }

    fn location(&self) -> String {
        format!("{PREFIX}{}", self.dir.display())
    }

    fn place(&self) -> Option<StoreChoice> {
        Some(StoreChoice::Claude(self.dir.clone()))
    }
}
