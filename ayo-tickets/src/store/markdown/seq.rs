//! Snapshot reads: `.ayo/seq` counts the commits made visible, as a sequence lock. A writer
//! makes it odd before its commit record and even again once the commit is whole (under the
//! writers' lock, so one writer at a time); a reader notes it when it begins and reads again
//! when it changed by the end (see [`Txn::settled`](crate::store::Txn::settled)). So a reader
//! sees the state before a commit or after it, never between, and takes no lock: a long batch
//! never holds a reader up. A reader that finds it odd (a commit being made visible, or left
//! by a writer that died) takes the writers' lock first, which finishes the commit.
//!
//! The counter is an 8-byte little-endian number written in place (`pwrite`, which a reader's
//! `pread` sees whole); a missing or short file counts as 0. It is not synced: after a power
//! cut no reader is running, and a counter left odd only makes the first reader take the lock.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::fs::{Call, perform};
use super::io_err;
use crate::error::Result;

/// The counter's file name in `.ayo/`.
pub(super) const SEQ_FILE: &str = "seq";

/// The counter now (0 when there is none).
pub(super) fn read(meta: &Path) -> u64 {
    let mut bytes = [0u8; 8];
    match File::open(meta.join(SEQ_FILE)).and_then(|f| f.read_exact_at(&mut bytes, 0)) {
        Ok(()) => u64::from_le_bytes(bytes),
        Err(_) => 0,
    }
}

fn write(meta: &Path, value: u64) -> std::io::Result<()> {
    perform(Call::Overwrite(
        meta.join(SEQ_FILE),
        value.to_le_bytes().to_vec(),
    ))
}

/// Marks a commit as being made visible: the counter becomes odd (and differs from any value a
/// reader noted). The caller holds the writers' lock.
pub(super) fn begin(meta: &Path) -> Result<()> {
    let now = read(meta);
    let odd = if now.is_multiple_of(2) {
        now + 1
    } else {
        now + 2
    };
    write(meta, odd).map_err(|e| io_err(&meta.join(SEQ_FILE), e))
}

/// Marks the commits as whole: an odd counter becomes even. Best effort (a reader that finds
/// it odd takes the lock, and the next writer settles it again); the caller holds the lock.
pub(super) fn settle(meta: &Path) {
    let now = read(meta);
    if now % 2 == 1 {
        let _ = write(meta, now + 1);
    }
}
