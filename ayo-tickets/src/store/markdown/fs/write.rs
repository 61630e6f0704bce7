//! Every change a writer of the markdown store makes to the file system, as one [`Call`]
//! performed by [`perform`].

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

/// One file-system call of a writer. Paths are absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// Creates a directory and any missing parents.
    MkdirAll(PathBuf),
    /// Creates a file (or truncates the one there) and writes these bytes.
    Write(PathBuf, Vec<u8>),
    /// Writes these bytes at the start of a file (created if missing), without truncating it.
    Overwrite(PathBuf, Vec<u8>),
    /// Appends these bytes to a file (created if missing).
    Append(PathBuf, Vec<u8>),
    /// Renames the first path to the second, replacing what the second names.
    Rename(PathBuf, PathBuf),
    /// Removes a file.
    Remove(PathBuf),
    /// `fsync` of a file or a directory: what was written to it, or the names made, renamed
    /// and removed in it, are on disk once this returns.
    Sync(PathBuf),
    /// `syncfs` of the file system holding this path: everything written is on disk.
    SyncFs(PathBuf),
}

impl Call {
    /// The paths the call changes or syncs (for the recorder of the `test-hooks` feature).
    #[cfg(feature = "test-hooks")]
    pub fn paths(&self) -> Vec<&std::path::Path> {
        match self {
            Call::Rename(from, to) => vec![from, to],
            Call::MkdirAll(p)
            | Call::Write(p, _)
            | Call::Overwrite(p, _)
            | Call::Append(p, _)
            | Call::Remove(p)
            | Call::Sync(p)
            | Call::SyncFs(p) => vec![p],
        }
    }
}

/// Performs `call` (after the recorder, when one is installed, logged it or chose to fail it).
pub(crate) fn perform(call: Call) -> io::Result<()> {
    #[cfg(feature = "test-hooks")]
    if let Some(e) = super::record::before(&call) {
        return Err(e);
    }
    let done = run(&call);
    #[cfg(feature = "test-hooks")]
    if done.is_ok() {
        super::record::after(call);
    }
    done
}

fn run(call: &Call) -> io::Result<()> {
    match call {
        Call::MkdirAll(p) => fs::create_dir_all(p),
        Call::Write(p, bytes) => File::create(p)?.write_all(bytes),
        Call::Overwrite(p, bytes) => OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(p)?
            .write_all_at(bytes, 0),
        Call::Append(p, bytes) => OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)?
            .write_all(bytes),
        Call::Rename(from, to) => fs::rename(from, to),
        Call::Remove(p) => fs::remove_file(p),
        Call::Sync(p) => File::open(p)?.sync_all(),
        Call::SyncFs(p) => rustix::fs::syncfs(File::open(p)?).map_err(io::Error::from),
    }
}
