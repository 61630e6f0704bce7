//! The markdown store's one layer over the file system: every file-system call of the store and
//! of its scan index goes through here.
//!
//! - [`read`]: how ticket files are read, so that no entry of the directory can hang, abort or
//!   fail a whole scan.
//! - [`write`]: every change a writer makes to the directory, as a [`Call`] that is performed
//!   by one function. Built with the `test-hooks` feature, a recorder ([`record`]) logs the
//!   calls under a directory, and may fail chosen ones: the crash-state explorer
//!   (`tests/integration/crash_states.rs`) builds every state a power cut could leave from that
//!   log, and the failure tests inject errors with it.
//!
//! The store (`markdown/mod.rs`, `markdown/journal.rs`) and its index (`markdown/index/`) both
//! depend on this layer and not on each other's files.

use std::path::Path;

use crate::error::Result;
use crate::format;

pub(crate) mod read;
#[cfg(feature = "test-hooks")]
pub mod record;
mod write;

pub(crate) use read::read_ticket_file;
pub use write::Call;
pub(crate) use write::perform;

/// Files larger than this are not tickets; they are reported, not read whole.
pub(crate) const MAX_FILE: u64 = crate::ticket::MAX_TICKET_BYTES as u64;

/// Temp files (of writers and of index saves) start with this; writers remove stale ones.
pub(crate) const TEMP_PREFIX: &str = "tmp-";

/// Reads and parses one ticket file: `None` when there is none; an entry that is there and
/// cannot be read (see [`read`]) is a parse error naming the file.
pub(crate) fn read_ticket(path: &Path) -> Result<Option<format::Parsed>> {
    match read_ticket_file(path) {
        Ok((bytes, _)) => format::parse(&bytes, path).map(Some),
        Err((failure, _)) => match failure.into_error(path) {
            None => Ok(None),
            Some(e) => Err(e),
        },
    }
}

/// A ticket file's text, `None` when there is none.
pub(crate) fn read_text(path: &Path) -> Result<Option<Vec<u8>>> {
    match read_ticket_file(path) {
        Ok((bytes, _)) => Ok(Some(bytes)),
        Err((failure, _)) => match failure.into_error(path) {
            None => Ok(None),
            Some(e) => Err(e),
        },
    }
}
