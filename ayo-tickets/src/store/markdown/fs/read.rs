//! How the markdown store and its index read ticket files: one place that opens them, so that
//! no entry of the directory can hang, abort or fail a whole scan.
//!
//! - A file is opened with `O_NONBLOCK` and checked to be a regular file (by `fstat` on what
//!   was opened) before it is read: a FIFO, a socket or a device named `x.md` is an unreadable
//!   ticket, and opening a FIFO with no writer returns at once instead of waiting for one.
//! - An entry that cannot be opened or stat'ed (a symlink loop, a file the user may not read,
//!   an I/O error) is an unreadable ticket ([`Error::Parse`] naming the file), never an error
//!   of the whole store.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use super::MAX_FILE;
use crate::error::Error;

/// Why a ticket file could not be read.
#[derive(Debug)]
pub(crate) enum ReadFailure {
    /// No such file (and no link by that name).
    Gone,
    /// There, and not a ticket: not a regular file, too large, a link to nothing, or it could
    /// not be opened or read. The message says which.
    Unreadable(String),
}

impl ReadFailure {
    /// The failure as the error of an unreadable ticket file.
    pub(crate) fn into_error(self, path: &Path) -> Option<Error> {
        match self {
            ReadFailure::Gone => None,
            ReadFailure::Unreadable(why) => Some(Error::parse(path, None, why)),
        }
    }
}

/// A failed read: why, and the metadata of the entry where it could be had.
pub(crate) type Failed = (ReadFailure, Option<Box<std::fs::Metadata>>);

/// Opens a file for reading without blocking (a FIFO with no writer opens at once).
pub(crate) fn open_read(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
}

/// Reads a ticket file whole, with the metadata of what was opened.
pub(crate) fn read_ticket_file(
    path: &Path,
) -> std::result::Result<(Vec<u8>, std::fs::Metadata), Failed> {
    let mut file = match open_read(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // Gone, or a symlink to nowhere: that one is there, and unreadable.
            return Err(match std::fs::symlink_metadata(path) {
                Ok(link) => (
                    ReadFailure::Unreadable("a symlink to a file that does not exist".into()),
                    Some(Box::new(link)),
                ),
                Err(_) => (ReadFailure::Gone, None),
            });
        }
        Err(e) => {
            let link = std::fs::symlink_metadata(path).ok().map(Box::new);
            return Err((ReadFailure::Unreadable(format!("cannot open: {e}")), link));
        }
    };
    let meta = match file.metadata() {
        Ok(m) => m,
        Err(e) => {
            let why = ReadFailure::Unreadable(format!("cannot stat: {e}"));
            return Err((why, std::fs::symlink_metadata(path).ok().map(Box::new)));
        }
    };
    if !meta.is_file() {
        return Err((
            ReadFailure::Unreadable("not a regular file".into()),
            Some(Box::new(meta)),
        ));
    }
    if meta.len() > MAX_FILE {
        let why = format!("{} bytes is too large for a ticket", meta.len());
        return Err((ReadFailure::Unreadable(why), Some(Box::new(meta))));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    if let Err(e) = file.read_to_end(&mut bytes) {
        return Err((
            ReadFailure::Unreadable(format!("cannot read: {e}")),
            Some(Box::new(meta)),
        ));
    }
    Ok((bytes, meta))
}
