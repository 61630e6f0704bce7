//! Listing a store directory: the name and the stamp of every ticket file.
//!
//! The directory is read in chunks of names; once it has more than one chunk (or at once, when
//! its size says it is big), a second thread reads and stats chunks as they arrive while the
//! first runs what the scan does meanwhile, then both stat what is left. Each stat
//! is an `fstatat` relative to the directory's descriptor (no path walk), following symlinks
//! as opening the file does, so a ticket file that is a symlink has its target's stamp.

use std::io;
use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, channel};

use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{AtFlags, Mode, OFlags};

use super::{Stamp, ticket_stem};

/// The buffer `getdents` fills: entries of about 32 bytes, so some 2000 a call.
const BUFFER: usize = 64 * 1024;
type Buffer = [std::mem::MaybeUninit<u8>];

/// Names per chunk: enough to make handing a chunk to another thread cheap next to its stats.
const CHUNK: usize = 512;

/// The size of a directory (in bytes, as `stat` gives it) from which its listing starts the
/// second thread at once: ext4 takes some 30 bytes a name, so about two chunks.
const SPREAD_AT: u64 = 32 * 1024;

/// What the stat of one listed file gave.
pub(super) enum Seen {
    Stamp(Stamp),
    /// Removed since it was listed (or a dangling symlink).
    Gone,
    /// The stat failed (a symlink loop, an I/O error): opening the file tells why.
    Failed,
}

/// A chunk of listed ticket files.
pub(super) struct Chunk {
    /// The file names, each followed by a NUL (to be passed to `fstatat` as they are).
    names: String,
    /// Where each name's NUL is.
    ends: Vec<usize>,
    seen: Vec<Seen>,
    /// Names ending in `.md` that are not UTF-8: no ticket can have them, and each is
    /// reported (an unreadable file), not skipped.
    pub(super) odd: Vec<std::ffi::OsString>,
}

impl Chunk {
    fn new() -> Self {
        Chunk {
            names: String::with_capacity(CHUNK * 10),
            ends: Vec::with_capacity(CHUNK),
            seen: Vec::new(),
            odd: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.ends.len() + self.odd.len()
    }

    /// Adds a file name that is not UTF-8 if it names a ticket file but for its encoding.
    fn offer_odd(&mut self, name: &std::ffi::OsStr) {
        use std::os::unix::ffi::OsStrExt;
        let bytes = name.as_bytes();
        if bytes.ends_with(b".md") && !bytes.starts_with(b".") {
            self.odd.push(name.to_os_string());
        }
    }

    /// Adds a file name if it is a ticket file's.
    fn offer(&mut self, name: &str) {
        if ticket_stem(name).is_some() && !name.contains('\0') {
            self.names.push_str(name);
            self.ends.push(self.names.len());
            self.names.push('\0');
        }
    }

    fn starts(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(0).chain(self.ends.iter().map(|e| e + 1))
    }

    fn stat_all(&mut self, dir: BorrowedFd<'_>) {
        let bytes = self.names.as_bytes();
        self.seen = self
            .starts()
            .zip(&self.ends)
            .map(|(start, &end)| {
                // The name and its NUL: a C string, with no NUL inside (see `offer`).
                let name = std::ffi::CStr::from_bytes_with_nul(&bytes[start..=end]);
                let Ok(name) = name else {
                    return Seen::Failed;
                };
                match rustix::fs::statat(dir, name, AtFlags::empty()) {
                    Ok(st) => Seen::Stamp(stamp(&st)),
                    // A dangling symlink is there (and unreadable): it has the link's stamp.
                    Err(rustix::io::Errno::NOENT) => {
                        match rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
                            Ok(st) => Seen::Stamp(stamp(&st)),
                            Err(rustix::io::Errno::NOENT) => Seen::Gone,
                            Err(_) => Seen::Failed,
                        }
                    }
                    Err(_) => Seen::Failed,
                }
            })
            .collect();
    }

    /// Each file's id (its name without `.md`) and what its stat gave.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, &Seen)> + '_ {
        self.starts()
            .zip(&self.ends)
            .map(|(start, &end)| &self.names[start..end - ".md".len()])
            .zip(&self.seen)
    }
}

/// The stamp of a `stat`; the field types differ between platforms, hence the casts.
#[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
fn stamp(st: &rustix::fs::Stat) -> Stamp {
    Stamp {
        size: st.st_size as u64,
        mtime_ns: st.st_mtime as i128 * 1_000_000_000 + st.st_mtime_nsec as i128,
        ino: st.st_ino as u64,
        ctime_ns: st.st_ctime as i128 * 1_000_000_000 + st.st_ctime_nsec as i128,
    }
}

/// Every ticket file of `dir` with its stamp, in chunks; runs `meanwhile` on this thread
/// while another lists the directory.
pub(super) fn list(dir: &Path, meanwhile: Option<&mut dyn FnMut()>) -> io::Result<Vec<Chunk>> {
    let fd: OwnedFd = rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let fd = fd.as_fd();
    let mut buf = vec![std::mem::MaybeUninit::uninit(); BUFFER];
    let mut names = Names::new(dir, fd, &mut buf)?;
    let two = crate::parallel::threads() >= 2;
    // A directory whose size says it holds thousands of names gets its second thread at
    // once, so that reading the first names overlaps `meanwhile`; else (a small one, or a
    // file system whose directory sizes say nothing) two chunks are read first to find out.
    let big = two && rustix::fs::fstat(fd).is_ok_and(|st| st.st_size as u64 >= SPREAD_AT);
    let (first, second) = if big {
        (None, None)
    } else {
        let first = names.next_chunk()?;
        let second = match &first {
            Some(_) => names.next_chunk()?,
            None => None,
        };
        (first, second)
    };
    if !big && (second.is_none() || !two) {
        // A small directory, or one core: no thread.
        if let Some(f) = meanwhile {
            f();
        }
        let mut done: Vec<Chunk> = first.into_iter().chain(second).collect();
        while let Some(c) = names.next_chunk()? {
            done.push(c);
        }
        done.iter_mut().for_each(|c| c.stat_all(fd));
        return Ok(done);
    }
    let (tx, rx) = channel::<Chunk>();
    let rx = Mutex::new(rx);
    for chunk in first.into_iter().chain(second) {
        let _ = tx.send(chunk);
    }
    std::thread::scope(|s| {
        let rx = &rx;
        let lister = s.spawn(move || {
            let mut read = Ok(());
            loop {
                match names.next_chunk() {
                    Ok(Some(chunk)) => {
                        let _ = tx.send(chunk);
                    }
                    Ok(None) => break,
                    Err(e) => {
                        read = Err(e);
                        break;
                    }
                }
            }
            drop(tx);
            (read, drain(rx, fd))
        });
        if let Some(f) = meanwhile {
            f();
        }
        let mut done = drain(rx, fd);
        let (read, theirs) = lister
            .join()
            .map_err(|_| io::Error::other("listing the directory failed"))?;
        read?;
        done.extend(theirs);
        Ok(done)
    })
}

/// Stats the chunks of the queue until it is closed and empty.
fn drain(queue: &Mutex<Receiver<Chunk>>, dir: BorrowedFd<'_>) -> Vec<Chunk> {
    let mut done = Vec::new();
    loop {
        let next = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
        match next {
            Ok(mut chunk) => {
                chunk.stat_all(dir);
                done.push(chunk);
            }
            Err(_) => return done,
        }
    }
}

/// Reads a directory's entries into chunks of ticket file names: `getdents` into one buffer,
/// no allocation per name.
#[cfg(any(target_os = "linux", target_os = "android"))]
struct Names<'a> {
    raw: rustix::fs::RawDir<'a, BorrowedFd<'a>>,
    done: bool,
}

#[cfg(any(target_os = "linux", target_os = "android"))]
impl<'a> Names<'a> {
    fn new(_dir: &Path, fd: BorrowedFd<'a>, buf: &'a mut Buffer) -> io::Result<Self> {
        Ok(Names {
            raw: rustix::fs::RawDir::new(fd, buf),
            done: false,
        })
    }

    /// The next chunk of names; `None` at the end.
    fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        let mut chunk = Chunk::new();
        while !self.done && chunk.len() < CHUNK {
            match self.raw.next() {
                Some(Ok(entry)) => match entry.file_name().to_str() {
                    Ok(name) => chunk.offer(name),
                    Err(_) => {
                        use std::os::unix::ffi::OsStrExt;
                        let name = std::ffi::OsStr::from_bytes(entry.file_name().to_bytes());
                        chunk.offer_odd(name);
                    }
                },
                Some(Err(e)) => return Err(e.into()),
                None => self.done = true,
            }
        }
        Ok((chunk.len() > 0).then_some(chunk))
    }
}

/// Reads a directory's entries into chunks of ticket file names.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
struct Names<'a> {
    entries: std::fs::ReadDir,
    _fd: std::marker::PhantomData<BorrowedFd<'a>>,
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
impl<'a> Names<'a> {
    fn new(dir: &Path, _fd: BorrowedFd<'a>, _buf: &'a mut Buffer) -> io::Result<Self> {
        Ok(Names {
            entries: std::fs::read_dir(dir)?,
            _fd: std::marker::PhantomData,
        })
    }

    /// The next chunk of names; `None` at the end.
    fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        let mut chunk = Chunk::new();
        while chunk.len() < CHUNK {
            match self.entries.next() {
                Some(entry) => {
                    let name = entry?.file_name();
                    match name.to_str() {
                        Some(name) => chunk.offer(name),
                        None => chunk.offer_odd(&name),
                    }
                }
                None => break,
            }
        }
        Ok((chunk.len() > 0).then_some(chunk))
    }
}
