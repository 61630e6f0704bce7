//! The writers' lock of a markdown store: an exclusive `flock` on `.ayo/lock`, waited for at
//! most the store's lock timeout, then [`Error::Busy`]. The holder writes who it is into the
//! lock file (pid, host, since) so that a writer that gives up can name it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::{Error, Holder, Result};

/// The wait when neither `$AYO_LOCK_TIMEOUT` nor the caller gives one.
pub(crate) const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// Takes the exclusive lock on `path` (created if missing), polling with a backoff of 1 to
/// 4 ms for at most `timeout`, and writes this process into it. The backoff stays short: a
/// poller that sleeps long misses the moments the lock is free among many writers.
pub(crate) fn take(path: &Path, timeout: Duration) -> Result<File> {
    let io_err = |e: std::io::Error| Error::storage(format!("{}: {e}", path.display()));
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(io_err)?;
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(e)) => return Err(io_err(e)),
        }
        let waited = start.elapsed();
        if waited >= timeout {
            return Err(Error::Busy {
                lock: path.display().to_string(),
                holder: holder(&mut file),
            });
        }
        std::thread::sleep(pause.min(timeout - waited));
        pause = (pause * 2).min(Duration::from_millis(4));
    }
    // Who holds it: for the message of a writer that gives up. Best effort (a reader of a
    // read-only store never gets here; a full disk must not fail the write for this).
    let me = serde_json::json!({
        "pid": std::process::id(),
        "host": host(),
        "since": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    });
    let _ = file.set_len(0);
    let _ = file.write_all_at_start(format!("{me}\n").as_bytes());
    Ok(file)
}

/// Writes at the start of the file.
trait WriteAtStart {
    fn write_all_at_start(&mut self, bytes: &[u8]) -> std::io::Result<()>;
}

impl WriteAtStart for File {
    fn write_all_at_start(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.rewind()?;
        self.write_all(bytes)
    }
}

/// The holder written into the lock file, if it can be read.
fn holder(file: &mut File) -> Option<Holder> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    let v: serde_json::Value = serde_json::from_str(text.trim()).ok()?;
    Some(Holder {
        pid: u32::try_from(v["pid"].as_u64()?).ok()?,
        host: v["host"].as_str().map(str::to_string),
        since: v["since"].as_str().map(str::to_string),
    })
}

/// This machine's host name, where the kernel says it.
fn host() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())?;
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_string())
}
