//! The index file, `.ayo/index.bin`, read without decoding: one fixed-size record per file,
//! read straight from the bytes; strings in one pool; each ticket's text (title, description,
//! notes, ...) read only when an operation returns that ticket.
//!
//! Layout (little-endian):
//!
//! ```text
//! preamble   MAGIC (8), checksum of the header (8), reserved (8, zero),
//!            records (u32), refs (u32), pool bytes (u64), texts bytes (u64)
//! header     records: RECORD bytes each (see `at`)
//!            refs:    8 bytes each, a string of the pool (the items of deps and tags lists)
//!            pool:    UTF-8, every string back to back
//! texts      each ticket's text, postcard-encoded
//! ```
//!
//! A string is (offset into the pool, length), the length `NONE` for none; a list is (first
//! ref, count). Every reference is checked at load, so the accessors can slice freely; a
//! checksum guards the header (a damaged one is rebuilt) and each record holds its text's
//! checksum and its title's (the text's first field; a damaged text is read from the ticket's
//! file), so a damaged index is never believed. Checking a text only when it is decoded keeps
//! a call that returns a few hundred tickets from reading the texts of all the others, and a
//! listing that shows only titles reads only those.
//!
//! Records are written oldest first ([`super::encode`]), the order of most listings.
//!
//! The file is mapped, not read: a call that needs a few hundred of 10 000 tickets' texts
//! touches only their pages and copies nothing (reading it whole cost a warm `ready` some 15%
//! of its time: the copies and the zeroed pages they went to). The file is only ever replaced
//! (a temp file renamed into place), never written in place, so a mapping keeps the version it
//! was made of.

use std::borrow::Cow;
use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Stamp;
use crate::error::{Error, Result};
use crate::store::Brief;
use crate::store::brief::{Records, Strs as BriefStrs};
use crate::ticket::{Note, Status, Ticket};

const MAGIC: &[u8; 8] = b"AYOIDX\0\x09";
const PREAMBLE: usize = 48;
const RECORD: usize = 160;
const NONE: u32 = u32::MAX;

/// Where each field of a record lies.
mod at {
    pub const NAME: usize = 0;
    pub const ASSIGNEE: usize = 8;
    pub const KIND: usize = 16;
    pub const PARENT: usize = 24;
    /// The id the file states, when it differs from the name; for an unreadable file, why.
    pub const STATED: usize = 32;
    pub const DEPS: usize = 40;
    pub const TAGS: usize = 48;
    pub const SIZE: usize = 56;
    pub const MTIME: usize = 64;
    pub const INO: usize = 72;
    pub const SEEN: usize = 80;
    pub const CREATED: usize = 88;
    pub const LEASE_UNTIL: usize = 96;
    pub const TEXT_AT: usize = 104;
    pub const TEXT_LEN: usize = 112;
    /// 0: a ticket; 1: an unreadable file.
    pub const WHAT: usize = 116;
    pub const STATUS: usize = 117;
    pub const PRIORITY: usize = 118;
    /// Bit 0: `created` is set; bit 1: `lease_until` is set; bit 2: `defer_until` is set.
    pub const FLAGS: usize = 119;
    /// The line of an unreadable file's error.
    pub const LINE: usize = 120;
    /// For a ticket (where [`LINE`] is unused): its status word when [`STATUS`] is
    /// [`super::STATUS_OTHER`], else none.
    pub const WORD: usize = 120;
    pub const CTIME: usize = 128;
    pub const DEFER_UNTIL: usize = 136;
    /// The checksum of the ticket's text.
    pub const TEXT_SUM: usize = 144;
    /// The checksum of the text's first field, the title: a listing reads it alone.
    pub const TITLE_SUM: usize = 152;
}

/// The [`at::STATUS`] of a ticket whose status is another word ([`Status::Other`]).
const STATUS_OTHER: u8 = 3;

const WHAT_TICKET: u8 = 0;
const WHAT_UNREADABLE: u8 = 1;

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(w)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

fn i64_at(b: &[u8], at: usize) -> i64 {
    u64_at(b, at) as i64
}

/// An index file's bytes: mapped from the file, or held (as just written).
#[derive(Debug)]
enum Bytes {
    /// The file, and its stamp when it was mapped (see [`Table::held`]).
    Mapped(memmap2::Mmap, File, Stamp),
    Held(Vec<u8>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m, ..) => m,
            Bytes::Held(v) => v,
        }
    }
}

/// The loaded index: records and refs read in place, the pool copied out (checked UTF-8),
/// each text checked when it is decoded.
#[derive(Debug)]
pub(crate) struct Table {
    bytes: Bytes,
    /// Where the records, then the refs, lie in `bytes`.
    head: Range<usize>,
    count: usize,
    pool: String,
    /// Where the texts lie in `bytes`.
    texts: Range<usize>,
    /// Tickets decoded whole, kept for long-lived handles.
    decoded: OnceLock<Box<[OnceLock<Arc<Ticket>>]>>,
    /// The store's directory, to read a file itself should its text not decode.
    dir: Arc<PathBuf>,
}

/// The sizes the preamble gives.
struct Sizes {
    head_sum: u64,
    count: usize,
    /// Records and refs.
    head: usize,
    pool: usize,
    texts: usize,
}

impl Sizes {
    fn of(pre: &[u8; PREAMBLE]) -> Option<Sizes> {
        if &pre[..8] != MAGIC {
            return None;
        }
        let count = u32_at(pre, 24) as usize;
        let refs = u32_at(pre, 28) as usize;
        Some(Sizes {
            head_sum: u64_at(pre, 8),
            count,
            head: count
                .checked_mul(RECORD)?
                .checked_add(refs.checked_mul(8)?)?,
            pool: usize::try_from(u64_at(pre, 32)).ok()?,
            texts: usize::try_from(u64_at(pre, 40)).ok()?,
        })
    }

    /// The file's length; `None` when the sizes overflow (a crafted or damaged preamble). A
    /// file is loaded only when this is its length, so no part is allocated larger than the
    /// file.
    fn total(&self) -> Option<u64> {
        (PREAMBLE as u64)
            .checked_add(self.head as u64)?
            .checked_add(self.pool as u64)?
            .checked_add(self.texts as u64)
    }
}

/// The strings of a list of the pool.
#[derive(Debug, Clone)]
pub(crate) struct Strs<'a> {
    table: &'a Table,
    next: usize,
    end: usize,
}

impl<'a> Iterator for Strs<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.next == self.end {
            return None;
        }
        let at = self.table.count * RECORD + self.next * 8;
        self.next += 1;
        Some(self.table.str_at(&self.table.head()[at..at + 8]))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end - self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Strs<'_> {}

/// The brief's view of a table: its inherent accessors, the lists as runs of the pool.
impl Records for Table {
    fn name(&self, i: u32) -> &str {
        Table::name(self, i)
    }
    fn status(&self, i: u32) -> Status {
        Table::status(self, i)
    }
    fn assignee(&self, i: u32) -> Option<&str> {
        Table::assignee(self, i)
    }
    fn deps(&self, i: u32) -> BriefStrs<'_> {
        let s = Table::deps(self, i);
        BriefStrs::listed(self, s.next, s.end)
    }
    fn priority(&self, i: u32) -> u8 {
        Table::priority(self, i)
    }
    fn kind(&self, i: u32) -> &str {
        Table::kind(self, i)
    }
    fn tags(&self, i: u32) -> BriefStrs<'_> {
        let s = Table::tags(self, i);
        BriefStrs::listed(self, s.next, s.end)
    }
    fn parent(&self, i: u32) -> Option<&str> {
        Table::parent(self, i)
    }
    fn created(&self, i: u32) -> Option<DateTime<Utc>> {
        Table::created(self, i)
    }
    fn lease_until(&self, i: u32) -> Option<DateTime<Utc>> {
        Table::lease_until(self, i)
    }
    fn defer_until(&self, i: u32) -> Option<DateTime<Utc>> {
        Table::defer_until(self, i)
    }
    fn ticket(&self, i: u32) -> Result<Arc<Ticket>> {
        Table::ticket(self, i)
    }
    fn to_ticket(&self, i: u32) -> Result<Ticket> {
        Table::to_ticket(self, i)
    }
    fn list_item(&self, k: usize) -> &str {
        let at = self.count * RECORD + k * 8;
        self.str_at(&self.head()[at..at + 8])
    }
    fn title(&self, i: u32) -> Result<Cow<'_, str>> {
        Table::title(self, i)
    }
    fn title_again(&self, i: u32) -> Option<&str> {
        Table::title_again(self, i)
    }
}

impl Table {
    /// The number of records.
    pub(super) fn len(&self) -> usize {
        self.count
    }

    /// The records, then the refs.
    fn head(&self) -> &[u8] {
        &self.bytes[self.head.clone()]
    }

    fn rec(&self, i: u32) -> &[u8] {
        let at = self.head.start + i as usize * RECORD;
        &self.bytes[at..at + RECORD]
    }

    /// The string a (offset, length) pair names; checked at load.
    fn str_at(&self, pair: &[u8]) -> &str {
        let (off, len) = (u32_at(pair, 0) as usize, u32_at(pair, 4) as usize);
        &self.pool[off..off + len]
    }

    fn opt_str(&self, i: u32, field: usize) -> Option<&str> {
        let rec = self.rec(i);
        (u32_at(rec, field + 4) != NONE).then(|| self.str_at(&rec[field..field + 8]))
    }

    fn list(&self, i: u32, field: usize) -> Strs<'_> {
        let rec = self.rec(i);
        let first = u32_at(rec, field) as usize;
        Strs {
            table: self,
            next: first,
            end: first + u32_at(rec, field + 4) as usize,
        }
    }

    pub(crate) fn name(&self, i: u32) -> &str {
        self.str_at(&self.rec(i)[at::NAME..at::NAME + 8])
    }

    pub(super) fn stamp(&self, i: u32) -> Stamp {
        let rec = self.rec(i);
        Stamp {
            size: u64_at(rec, at::SIZE),
            mtime_ns: i64_at(rec, at::MTIME) as i128,
            ino: u64_at(rec, at::INO),
            ctime_ns: i64_at(rec, at::CTIME) as i128,
        }
    }

    pub(super) fn seen_ns(&self, i: u32) -> i128 {
        i64_at(self.rec(i), at::SEEN) as i128
    }

    /// For an unreadable file: its parse error.
    pub(super) fn unreadable(&self, i: u32) -> Option<Error> {
        let rec = self.rec(i);
        (rec[at::WHAT] == WHAT_UNREADABLE).then(|| {
            let line = u32_at(rec, at::LINE);
            Error::Parse {
                path: self.dir.join(format!("{}.md", self.name(i))),
                line: (line != NONE).then_some(line as usize),
                message: self.opt_str(i, at::STATED).unwrap_or_default().to_string(),
            }
        })
    }

    /// The id the file states, when it differs from its name.
    pub(super) fn stated(&self, i: u32) -> Option<&str> {
        self.opt_str(i, at::STATED)
    }

    pub(crate) fn status(&self, i: u32) -> Status {
        match self.rec(i)[at::STATUS] {
            0 => Status::Open,
            1 => Status::InProgress,
            STATUS_OTHER => Status::Other(self.opt_str(i, at::WORD).unwrap_or_default().into()),
            _ => Status::Closed,
        }
    }

    pub(crate) fn priority(&self, i: u32) -> u8 {
        self.rec(i)[at::PRIORITY]
    }

    pub(crate) fn assignee(&self, i: u32) -> Option<&str> {
        self.opt_str(i, at::ASSIGNEE)
    }

    pub(crate) fn kind(&self, i: u32) -> &str {
        self.opt_str(i, at::KIND).unwrap_or_default()
    }

    pub(crate) fn parent(&self, i: u32) -> Option<&str> {
        self.opt_str(i, at::PARENT)
    }

    pub(crate) fn deps(&self, i: u32) -> Strs<'_> {
        self.list(i, at::DEPS)
    }

    pub(crate) fn tags(&self, i: u32) -> Strs<'_> {
        self.list(i, at::TAGS)
    }

    fn time(&self, i: u32, field: usize, bit: u8) -> Option<DateTime<Utc>> {
        let rec = self.rec(i);
        if rec[at::FLAGS] & bit == 0 {
            return None;
        }
        DateTime::from_timestamp_micros(i64_at(rec, field))
    }

    pub(crate) fn created(&self, i: u32) -> Option<DateTime<Utc>> {
        self.time(i, at::CREATED, 1)
    }

    pub(crate) fn lease_until(&self, i: u32) -> Option<DateTime<Utc>> {
        self.time(i, at::LEASE_UNTIL, 2)
    }

    pub(crate) fn defer_until(&self, i: u32) -> Option<DateTime<Utc>> {
        self.time(i, at::DEFER_UNTIL, 4)
    }

    /// A ticket's encoded text; `None` when it is out of place or damaged (its checksum).
    fn raw_text(&self, i: u32) -> Option<&[u8]> {
        let rec = self.rec(i);
        let start = usize::try_from(u64_at(rec, at::TEXT_AT)).ok()?;
        let end = start.checked_add(u32_at(rec, at::TEXT_LEN) as usize)?;
        let text = self.bytes[self.texts.clone()].get(start..end)?;
        (checksum(text) == u64_at(rec, at::TEXT_SUM)).then_some(text)
    }

    /// A ticket's title, the first field of its text, checked against its own checksum (so
    /// that a listing reads no more of the text); `None` when it is out of place or damaged.
    fn raw_title(&self, i: u32) -> Option<&str> {
        let field = self.title_bytes(i)?;
        (checksum(field) == u64_at(self.rec(i), at::TITLE_SUM))
            .then(|| postcard::from_bytes::<&str>(field).ok())
            .flatten()
    }

    /// The bytes of a ticket's title field, unchecked; `None` when out of place.
    fn title_bytes(&self, i: u32) -> Option<&[u8]> {
        let rec = self.rec(i);
        let start = usize::try_from(u64_at(rec, at::TEXT_AT)).ok()?;
        let end = start.checked_add(u32_at(rec, at::TEXT_LEN) as usize)?;
        title_field(self.bytes[self.texts.clone()].get(start..end)?)
    }

    /// A ticket's title as [`Table::title`] lent it before, without checking its checksum
    /// again (the table's bytes do not change): `None` if it lent none.
    pub(crate) fn title_again(&self, i: u32) -> Option<&str> {
        match self.kept(i) {
            Some(t) => Some(&t.title),
            None => postcard::from_bytes::<&str>(self.title_bytes(i)?).ok(),
        }
    }

    /// A ticket decoded before, if it was (see [`Table::ticket`]).
    fn kept(&self, i: u32) -> Option<&Arc<Ticket>> {
        self.decoded.get().and_then(|c| c[i as usize].get())
    }

    /// The whole ticket (decoded once, then kept).
    pub(crate) fn ticket(&self, i: u32) -> Result<Arc<Ticket>> {
        let cache = self
            .decoded
            .get_or_init(|| (0..self.count).map(|_| OnceLock::new()).collect());
        let slot = &cache[i as usize];
        if let Some(t) = slot.get() {
            return Ok(t.clone());
        }
        let t = Arc::new(self.decode(i)?);
        Ok(slot.get_or_init(|| t).clone())
    }

    /// A copy of the whole ticket.
    pub(crate) fn to_ticket(&self, i: u32) -> Result<Ticket> {
        match self.kept(i) {
            Some(t) => Ok((**t).clone()),
            None => self.decode(i),
        }
    }

    /// A ticket's title: only the first field of its text is read and decoded (borrowed from
    /// the table), after its own checksum is checked; from the whole ticket when it is damaged
    /// (which reads the file).
    pub(crate) fn title(&self, i: u32) -> Result<Cow<'_, str>> {
        if let Some(t) = self.kept(i) {
            return Ok(Cow::Borrowed(&t.title));
        }
        match self.raw_title(i) {
            Some(title) => Ok(Cow::Borrowed(title)),
            None => Ok(Cow::Owned(self.decode(i)?.title)),
        }
    }

    fn decode(&self, i: u32) -> Result<Ticket> {
        let text = self
            .raw_text(i)
            .and_then(|raw| postcard::from_bytes::<TextIn>(raw).ok());
        let mut t = Ticket {
            id: self.name(i).to_string(),
            title: String::new(),
            status: self.status(i),
            assignee: self.assignee(i).map(str::to_string),
            deps: self.deps(i).map(str::to_string).collect(),
            blocked_by: Vec::new(),
            ready: false,
            priority: self.priority(i),
            kind: self.kind(i).to_string(),
            tags: self.tags(i).map(str::to_string).collect(),
            parent: self.parent(i).map(str::to_string),
            links: Vec::new(),
            external_ref: None,
            description: String::new(),
            notes: Vec::new(),
            created: self.created(i),
            started: None,
            closed: None,
            lease_until: self.lease_until(i),
            lease_secs: None,
            defer_until: self.defer_until(i),
            archived: false,
        };
        match text.and_then(|text| text.fill(&mut t)) {
            Some(()) => Ok(t),
            // The checksums make this next to impossible; the file is the truth anyway.
            None => {
                let path = self.dir.join(format!("{}.md", self.name(i)));
                match super::super::fs::read_ticket(&path)? {
                    Some(p) => Ok(p.ticket),
                    None => Err(Error::parse(&path, None, "the file is gone")),
                }
            }
        }
    }

    /// Maps an index file; `None` when it is missing, of another version, or damaged.
    #[allow(unsafe_code)] // the crate's one unsafe block: see "Decisions" in the README
    pub(super) fn load(path: &Path, dir: &Arc<PathBuf>) -> Option<Table> {
        let file = File::open(path).ok()?;
        let stamp = Stamp::of(&file.metadata().ok()?);
        // SAFETY: the mapping is only read. ayo replaces an index file (a temp file renamed
        // into place) and never writes one in place, so the mapped file does not change while
        // it is mapped; every offset read from it is checked by `build` before use. A handle
        // that lives on copies the table at its next scan, unless the file changed meanwhile
        // ([`Table::held`]).
        let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
        Table::build(Bytes::Mapped(map, file, stamp), dir)
    }

    /// The table of an index file's bytes, held whole (as just written).
    pub(super) fn from_bytes(bytes: Vec<u8>, dir: &Arc<PathBuf>) -> Option<Table> {
        Table::build(Bytes::Held(bytes), dir)
    }

    /// True when the table reads a mapped file.
    pub(super) fn is_mapped(&self) -> bool {
        matches!(self.bytes, Bytes::Mapped(..))
    }

    /// A copy of a mapped table in memory, checked again as a new one. `None` when the file
    /// was written since it was mapped (its stamp moved: it is not read, as a file cut short
    /// under a mapping would fault), or the copy no longer checks out.
    pub(super) fn held(&self) -> Option<Table> {
        if let Bytes::Mapped(_, file, stamp) = &self.bytes
            && file.metadata().ok().map(|m| Stamp::of(&m)) != Some(*stamp)
        {
            return None;
        }
        let held = Table::from_bytes(self.bytes.to_vec(), &self.dir)?;
        (held.count == self.count && held.head() == self.head()).then_some(held)
    }

    /// Checks the preamble, the sizes and the header (each text is checked when decoded).
    fn build(bytes: Bytes, dir: &Arc<PathBuf>) -> Option<Table> {
        let pre: &[u8; PREAMBLE] = bytes.first_chunk()?;
        let sizes = Sizes::of(pre)?;
        if sizes.total()? != bytes.len() as u64 {
            return None;
        }
        let head = PREAMBLE..PREAMBLE + sizes.head;
        let pool = head.end..head.end + sizes.pool;
        let texts = pool.end..bytes.len();
        let sum = mix(
            mix(checksum(&pre[24..]), checksum(&bytes[head.clone()])),
            checksum(&bytes[pool.clone()]),
        );
        if sum != sizes.head_sum {
            return None;
        }
        let pool = std::str::from_utf8(&bytes[pool]).ok()?.to_string();
        let table = Table {
            bytes,
            head,
            count: sizes.count,
            pool,
            texts,
            decoded: OnceLock::new(),
            dir: dir.clone(),
        };
        table.valid().then_some(table)
    }

    /// True when every string and list of every record lies where it may.
    fn valid(&self) -> bool {
        let refs = (self.head.len() - self.count * RECORD) / 8;
        let str_ok = |pair: &[u8], may_be_none: bool| {
            let (off, len) = (u32_at(pair, 0) as usize, u32_at(pair, 4));
            (may_be_none && len == NONE)
                || (len != NONE
                    && off
                        .checked_add(len as usize)
                        .is_some_and(|end| self.pool.get(off..end).is_some()))
        };
        let list_ok = |pair: &[u8]| {
            let (first, n) = (u32_at(pair, 0) as usize, u32_at(pair, 4) as usize);
            first.checked_add(n).is_some_and(|end| end <= refs)
        };
        let records_ok = (0..self.count as u32).all(|i| {
            let r = self.rec(i);
            str_ok(&r[at::NAME..at::NAME + 8], false)
                && str_ok(&r[at::ASSIGNEE..at::ASSIGNEE + 8], true)
                && str_ok(&r[at::KIND..at::KIND + 8], true)
                && str_ok(&r[at::PARENT..at::PARENT + 8], true)
                && str_ok(&r[at::STATED..at::STATED + 8], true)
                && list_ok(&r[at::DEPS..at::DEPS + 8])
                && list_ok(&r[at::TAGS..at::TAGS + 8])
                && r[at::WHAT] <= WHAT_UNREADABLE
                && r[at::STATUS] <= STATUS_OTHER
                && (r[at::WHAT] != WHAT_TICKET || str_ok(&r[at::WORD..at::WORD + 8], true))
        });
        let refs_ok = (0..refs).all(|k| {
            let at = self.count * RECORD + k * 8;
            str_ok(&self.head()[at..at + 8], false)
        });
        records_ok && refs_ok
    }
}

// ---- writing ------------------------------------------------------------------------------

/// One entry to write.
pub(super) enum Row<'a> {
    Ticket {
        brief: &'a Brief,
        /// The stated id, when it differs from the name.
        stated: Option<&'a str>,
        stamp: Stamp,
        seen_ns: i128,
    },
    Unreadable {
        name: &'a str,
        error: &'a Error,
        stamp: Stamp,
        seen_ns: i128,
    },
}

/// Builds an index file.
#[derive(Default)]
pub(super) struct Writer {
    records: Vec<u8>,
    refs: Vec<u8>,
    pool: String,
    texts: Vec<u8>,
    count: u32,
}

impl Writer {
    fn str(&mut self, s: Option<&str>) -> io::Result<[u8; 8]> {
        let mut pair = [0u8; 8];
        match s {
            None => pair[4..].copy_from_slice(&NONE.to_le_bytes()),
            Some(s) => {
                let off = u32::try_from(self.pool.len()).map_err(io::Error::other)?;
                let len = u32::try_from(s.len())
                    .ok()
                    .filter(|l| *l != NONE)
                    .ok_or_else(|| io::Error::other("a string too long for the index"))?;
                self.pool.push_str(s);
                pair[..4].copy_from_slice(&off.to_le_bytes());
                pair[4..].copy_from_slice(&len.to_le_bytes());
            }
        }
        Ok(pair)
    }

    fn list<'s>(&mut self, items: impl Iterator<Item = &'s str>) -> io::Result<[u8; 8]> {
        let first = u32::try_from(self.refs.len() / 8).map_err(io::Error::other)?;
        let mut n = 0u32;
        for s in items {
            let pair = self.str(Some(s))?;
            self.refs.extend_from_slice(&pair);
            n += 1;
        }
        let mut pair = [0u8; 8];
        pair[..4].copy_from_slice(&first.to_le_bytes());
        pair[4..].copy_from_slice(&n.to_le_bytes());
        Ok(pair)
    }

    /// Adds one entry.
    pub(super) fn add(&mut self, row: Row<'_>) -> io::Result<()> {
        let mut rec = [0u8; RECORD];
        let (name, stamp, seen_ns) = match &row {
            Row::Ticket {
                brief,
                stamp,
                seen_ns,
                ..
            } => (brief.id(), *stamp, *seen_ns),
            Row::Unreadable {
                name,
                stamp,
                seen_ns,
                ..
            } => (*name, *stamp, *seen_ns),
        };
        let mut put = |at: usize, bytes: &[u8]| rec[at..at + bytes.len()].copy_from_slice(bytes);
        put(at::NAME, &self.str(Some(name))?);
        put(at::SIZE, &stamp.size.to_le_bytes());
        put(at::MTIME, &(stamp.mtime_ns as i64).to_le_bytes());
        put(at::INO, &stamp.ino.to_le_bytes());
        put(at::CTIME, &(stamp.ctime_ns as i64).to_le_bytes());
        put(at::SEEN, &(seen_ns as i64).to_le_bytes());
        match row {
            Row::Unreadable { error, .. } => {
                let (line, message) = match error {
                    Error::Parse { line, message, .. } => (*line, message.clone()),
                    other => (None, other.to_string()),
                };
                let line = line.and_then(|l| u32::try_from(l).ok()).unwrap_or(NONE);
                put(at::WHAT, &[WHAT_UNREADABLE]);
                put(at::LINE, &line.to_le_bytes());
                for field in [at::ASSIGNEE, at::KIND, at::PARENT] {
                    put(field, &self.str(None)?);
                }
                put(at::STATED, &self.str(Some(&message))?);
                put(at::DEPS, &self.list(std::iter::empty())?);
                put(at::TAGS, &self.list(std::iter::empty())?);
            }
            Row::Ticket { brief, stated, .. } => {
                put(at::WHAT, &[WHAT_TICKET]);
                let status = brief.status();
                let word = matches!(status, Status::Other(_)).then(|| status.as_str());
                put(at::WORD, &self.str(word)?);
                put(at::ASSIGNEE, &self.str(brief.assignee())?);
                put(at::KIND, &self.str(Some(brief.kind()))?);
                put(at::PARENT, &self.str(brief.parent())?);
                put(at::STATED, &self.str(stated)?);
                put(at::DEPS, &self.list(brief.deps())?);
                put(at::TAGS, &self.list(brief.tags())?);
                put(at::STATUS, &[status_code(&status)]);
                put(at::PRIORITY, &[brief.priority()]);
                let mut flags = 0u8;
                if let Some(t) = brief.created() {
                    flags |= 1;
                    put(at::CREATED, &t.timestamp_micros().to_le_bytes());
                }
                if let Some(t) = brief.lease_until() {
                    flags |= 2;
                    put(at::LEASE_UNTIL, &t.timestamp_micros().to_le_bytes());
                }
                if let Some(t) = brief.defer_until() {
                    flags |= 4;
                    put(at::DEFER_UNTIL, &t.timestamp_micros().to_le_bytes());
                }
                put(at::FLAGS, &[flags]);
                let start = self.texts.len();
                let same_format = brief
                    .indexed()
                    .and_then(|(set, i)| Some((set.downcast_ref::<Table>()?, i)));
                match same_format.and_then(|(table, i)| table.raw_text(i)) {
                    // Still encoded as the last index had it: copied, not re-encoded.
                    Some(raw) => self.texts.extend_from_slice(raw),
                    None => {
                        let t = brief.ticket().map_err(io::Error::other)?;
                        let texts = std::mem::take(&mut self.texts);
                        self.texts = postcard::to_extend(&TextOut::of(&t), texts)
                            .map_err(io::Error::other)?;
                    }
                }
                let len = u32::try_from(self.texts.len() - start).map_err(io::Error::other)?;
                put(at::TEXT_AT, &(start as u64).to_le_bytes());
                put(at::TEXT_LEN, &len.to_le_bytes());
                let text = &self.texts[start..];
                put(at::TEXT_SUM, &checksum(text).to_le_bytes());
                let title = title_field(text).ok_or_else(|| io::Error::other("no title"))?;
                put(at::TITLE_SUM, &checksum(title).to_le_bytes());
            }
        }
        self.records.extend_from_slice(&rec);
        self.count += 1;
        Ok(())
    }

    /// The file's bytes.
    pub(super) fn finish(self) -> io::Result<Vec<u8>> {
        let refs = u32::try_from(self.refs.len() / 8).map_err(io::Error::other)?;
        let mut pre = [0u8; PREAMBLE];
        pre[..8].copy_from_slice(MAGIC);
        pre[24..28].copy_from_slice(&self.count.to_le_bytes());
        pre[28..32].copy_from_slice(&refs.to_le_bytes());
        pre[32..40].copy_from_slice(&(self.pool.len() as u64).to_le_bytes());
        pre[40..48].copy_from_slice(&(self.texts.len() as u64).to_le_bytes());
        let mut head = self.records;
        head.extend_from_slice(&self.refs);
        let sum = mix(
            mix(checksum(&pre[24..]), checksum(&head)),
            checksum(self.pool.as_bytes()),
        );
        pre[8..16].copy_from_slice(&sum.to_le_bytes());
        let mut out =
            Vec::with_capacity(PREAMBLE + head.len() + self.pool.len() + self.texts.len());
        out.extend_from_slice(&pre);
        out.extend_from_slice(&head);
        out.extend_from_slice(self.pool.as_bytes());
        out.extend_from_slice(&self.texts);
        Ok(out)
    }
}

fn status_code(s: &Status) -> u8 {
    match s {
        Status::Open => 0,
        Status::InProgress => 1,
        Status::Closed => 2,
        Status::Other(_) => STATUS_OTHER,
    }
}

// ---- texts --------------------------------------------------------------------------------

/// A ticket's text and the fields no rule reads (times in microseconds).
#[derive(Serialize)]
struct TextOut<'a> {
    title: &'a str,
    description: &'a str,
    notes: Vec<(i64, Option<&'a str>, &'a str)>,
    started: Option<i64>,
    closed: Option<i64>,
    lease_secs: Option<u64>,
    links: &'a [String],
    external_ref: Option<&'a str>,
}

#[derive(Deserialize)]
struct TextIn {
    title: String,
    description: String,
    notes: Vec<(i64, Option<String>, String)>,
    started: Option<i64>,
    closed: Option<i64>,
    lease_secs: Option<u64>,
    links: Vec<String>,
    external_ref: Option<String>,
}

/// The bytes of a text's first field, the title (its postcard length, then its bytes); `None`
/// when they do not fit in the text.
fn title_field(text: &[u8]) -> Option<&[u8]> {
    let (_, rest) = postcard::take_from_bytes::<&[u8]>(text).ok()?;
    Some(&text[..text.len() - rest.len()])
}

fn micros(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(|t| t.timestamp_micros())
}

/// A stored time; `Err(())` for one out of range.
fn time(us: Option<i64>) -> std::result::Result<Option<DateTime<Utc>>, ()> {
    us.map(|us| DateTime::from_timestamp_micros(us).ok_or(()))
        .transpose()
}

impl<'a> TextOut<'a> {
    fn of(t: &'a Ticket) -> Self {
        TextOut {
            title: &t.title,
            description: &t.description,
            notes: t
                .notes
                .iter()
                .map(|n| {
                    (
                        n.at.timestamp_micros(),
                        n.author.as_deref(),
                        n.text.as_str(),
                    )
                })
                .collect(),
            started: micros(t.started),
            closed: micros(t.closed),
            lease_secs: t.lease_secs,
            links: &t.links,
            external_ref: t.external_ref.as_deref(),
        }
    }
}

impl TextIn {
    /// Puts the text into a ticket that has its rule fields; `None` for a time out of range.
    fn fill(self, t: &mut Ticket) -> Option<()> {
        t.title = self.title;
        t.description = self.description;
        t.notes = self
            .notes
            .into_iter()
            .map(|(at, author, text)| {
                Some(Note {
                    at: DateTime::from_timestamp_micros(at)?,
                    author,
                    text,
                })
            })
            .collect::<Option<Vec<Note>>>()?;
        t.started = time(self.started).ok()?;
        t.closed = time(self.closed).ok()?;
        t.lease_secs = self.lease_secs;
        t.links = self.links;
        t.external_ref = self.external_ref;
        Some(())
    }
}

// ---- checksums ----------------------------------------------------------------------------

const K: u64 = 0x9e37_79b9_7f4a_7c15;

fn mix(h: u64, w: u64) -> u64 {
    (h.rotate_left(29) ^ w).wrapping_mul(K)
}

/// A checksum: four interleaved multiply-rotate lanes (fast: the header is checked at every
/// load), so that any changed byte changes it.
fn checksum(bytes: &[u8]) -> u64 {
    let mut lanes = [1u64, 2, 3, 4];
    let (blocks, tail) = bytes.as_chunks::<32>();
    for block in blocks {
        let (words, _) = block.as_chunks::<8>();
        for (lane, word) in lanes.iter_mut().zip(words) {
            *lane = mix(*lane, u64::from_le_bytes(*word));
        }
    }
    let mut h = bytes.len() as u64;
    for lane in lanes {
        h = mix(h, lane);
    }
    // The tail a word at a time (a title is all tail), its last bytes zero-padded: the length
    // is already in `h`.
    let (words, rest) = tail.as_chunks::<8>();
    for word in words {
        h = mix(h, u64::from_le_bytes(*word));
    }
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = mix(h, u64::from_le_bytes(last));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The bytes of a real index file: a store with varied tickets, scanned (made once).
    fn real_index() -> Vec<u8> {
        static REAL: OnceLock<Vec<u8>> = OnceLock::new();
        REAL.get_or_init(make_real_index).clone()
    }

    fn make_real_index() -> Vec<u8> {
        use crate::{NewTicket, Tickets};
        let dir = tempfile::tempdir().unwrap();
        let t = Tickets::open(dir.path()).unwrap();
        let a = t
            .create(NewTicket::new("A").assignee("@x").tags(["t1", "t2"]))
            .unwrap();
        let b = t
            .create(NewTicket::new("B").dep(&a.id).description("words"))
            .unwrap();
        t.note(&b.id, "a note").unwrap();
        t.close(&a.id, Some("done")).unwrap();
        std::fs::write(dir.path().join("bad.md"), "no frontmatter").unwrap();
        // Aged, so that the index keeps them (it keeps no entry young enough to be racy).
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1 << 30);
        for e in std::fs::read_dir(dir.path()).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "md") {
                let f = File::options().write(true).open(&p).unwrap();
                f.set_modified(old).unwrap();
            }
        }
        let _ = std::fs::remove_file(dir.path().join(".ayo/index.bin"));
        let t = Tickets::open(dir.path())
            .unwrap()
            .with_warning_handler(Arc::new(|_| {}));
        t.list(&crate::Filter::default()).unwrap();
        std::fs::read(dir.path().join(".ayo/index.bin")).unwrap()
    }

    /// Recomputes the header's and each text's checksum where the preamble's sizes fit the
    /// bytes, so that a mutation reaches the checks behind them.
    fn reseal(bytes: &mut [u8]) {
        let Some(pre) = bytes.first_chunk::<PREAMBLE>() else {
            return;
        };
        let Some(sizes) = Sizes::of(pre) else { return };
        if sizes.total() != Some(bytes.len() as u64) {
            return;
        }
        let (pre, rest) = bytes.split_at_mut(PREAMBLE);
        let (head, rest) = rest.split_at_mut(sizes.head);
        let (pool, texts) = rest.split_at(sizes.pool);
        for rec in head.chunks_exact_mut(RECORD).take(sizes.count) {
            let start = u64_at(rec, at::TEXT_AT) as usize;
            let end = start.saturating_add(u32_at(rec, at::TEXT_LEN) as usize);
            if let Some(text) = texts.get(start..end) {
                rec[at::TEXT_SUM..at::TEXT_SUM + 8].copy_from_slice(&checksum(text).to_le_bytes());
                if let Some(title) = title_field(text) {
                    rec[at::TITLE_SUM..at::TITLE_SUM + 8]
                        .copy_from_slice(&checksum(title).to_le_bytes());
                }
            }
        }
        let sum = mix(mix(checksum(&pre[24..]), checksum(head)), checksum(pool));
        pre[8..16].copy_from_slice(&sum.to_le_bytes());
    }

    /// Everything a scan asks of a loaded table.
    fn exercise(table: &Table) {
        for i in 0..table.len() as u32 {
            let _ = (table.name(i), table.stamp(i), table.seen_ns(i));
            let _ = (table.unreadable(i), table.stated(i));
            let _ = (table.status(i), table.assignee(i), table.priority(i));
            let _ = (table.kind(i), table.parent(i), table.created(i));
            let _ = table.lease_until(i);
            let _ = (table.deps(i).count(), table.tags(i).count());
            let _ = table.to_ticket(i);
            let _ = table.title(i);
            let _ = table.ticket(i);
        }
    }

    /// The title read alone is the whole ticket's; from a text whose checksum fails it is not
    /// read (the whole ticket is asked for, from the file: here gone, so both fail alike).
    #[test]
    fn a_title_is_read_alone_and_only_from_a_sound_text() {
        let root = Arc::new(PathBuf::from("/nonexistent-ayo-dir"));
        let bytes = real_index();
        let table = Table::from_bytes(bytes.clone(), &root).unwrap();
        let mut titles = 0;
        for i in 0..table.len() as u32 {
            if table.unreadable(i).is_none() {
                let whole = table.to_ticket(i).unwrap().title;
                assert_eq!(table.title(i).unwrap(), whole);
                assert!(matches!(table.title(i).unwrap(), Cow::Borrowed(_)));
                titles += 1;
            }
        }
        assert_eq!(titles, 2);
        let texts = table.texts.clone();
        let mut damaged = bytes;
        for b in &mut damaged[texts] {
            *b ^= 0x55;
        }
        let table = Table::from_bytes(damaged, &root).unwrap();
        for i in 0..table.len() as u32 {
            if table.unreadable(i).is_none() {
                assert_eq!(table.title(i).unwrap_err().code(), "PARSE");
                assert_eq!(table.to_ticket(i).unwrap_err().code(), "PARSE");
            }
        }
    }

    /// A title has its own checksum: a damaged byte after it (in the description, the notes)
    /// leaves it readable alone while the whole ticket is not; a damaged byte in it makes it
    /// unreadable alone too (the file is asked for: here gone).
    #[test]
    fn a_title_is_checked_on_its_own() {
        let root = Arc::new(PathBuf::from("/nonexistent-ayo-dir"));
        let bytes = real_index();
        let table = Table::from_bytes(bytes.clone(), &root).unwrap();
        let mut checked = 0;
        for i in 0..table.len() as u32 {
            if table.unreadable(i).is_some() {
                continue;
            }
            let title = table.to_ticket(i).unwrap().title;
            let rec = table.rec(i);
            let start = table.texts.start + u64_at(rec, at::TEXT_AT) as usize;
            let len = u32_at(rec, at::TEXT_LEN) as usize;
            let field = title_field(&bytes[start..start + len]).unwrap().len();
            assert!(field > title.len() && field < len, "{field} of {len}");
            let mut after = bytes.clone();
            after[start + field] ^= 0x55;
            let damaged = Table::from_bytes(after, &root).unwrap();
            assert_eq!(damaged.title(i).unwrap(), title);
            assert_eq!(damaged.to_ticket(i).unwrap_err().code(), "PARSE");
            let mut inside = bytes.clone();
            inside[start + field - 1] ^= 0x01;
            let damaged = Table::from_bytes(inside, &root).unwrap();
            assert_eq!(damaged.title(i).unwrap_err().code(), "PARSE");
            checked += 1;
        }
        assert_eq!(checked, 2);
    }

    /// The index file holds its records oldest first (then by id), whatever order the files
    /// were found in: the order listings show, so that a long listing reads them in turn.
    #[test]
    fn records_are_written_oldest_first() {
        use crate::Tickets;
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".ayo")).unwrap();
        // Names in another order than their times; two made in the same second.
        let made = [
            ("a", "2024-03-01T00:00:00Z"),
            ("b", "2021-01-01T00:00:00Z"),
            ("c", "2023-05-05T00:00:00Z"),
            ("d", "2021-01-01T00:00:00Z"),
            ("e", "2022-02-02T00:00:00Z"),
        ];
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1 << 30);
        for (id, created) in made {
            let p = dir.path().join(format!("{id}.md"));
            let text = format!("---\nid: {id}\nstatus: open\ncreated: {created}\n---\n# {id}\n");
            std::fs::write(&p, text).unwrap();
            File::options()
                .write(true)
                .open(&p)
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        Tickets::open(dir.path())
            .unwrap()
            .list(&crate::Filter::default())
            .unwrap();
        let bytes = std::fs::read(dir.path().join(".ayo/index.bin")).unwrap();
        let table = Table::from_bytes(bytes, &Arc::new(dir.path().to_path_buf())).unwrap();
        let names: Vec<&str> = (0..table.len() as u32).map(|i| table.name(i)).collect();
        assert_eq!(names, ["b", "d", "e", "c", "a"]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// A crafted `.ayo/index.bin` (random bytes, a real one with bytes changed, sizes of
        /// the preamble set to anything, cut short), its checksums made right again: loading
        /// it never panics nor allocates past the file's size, and a table that loads answers
        /// every question without a panic.
        #[test]
        fn a_crafted_index_file_never_aborts(
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
            sizes in proptest::collection::vec((0usize..6, any::<u64>()), 0..3),
            cut in proptest::option::of(any::<usize>()),
            random in proptest::collection::vec(any::<u8>(), 0..400),
            use_random in any::<bool>(),
        ) {
            let (dir, real) = (tempfile::tempdir().unwrap(), real_index());
            std::fs::create_dir(dir.path().join(".ayo")).unwrap();
            let mut bytes = if use_random {
                let mut r = MAGIC.to_vec();
                r.extend(&random);
                r
            } else {
                real
            };
            let len = bytes.len();
            for (at, b) in edits {
                bytes[at % len] = b;
            }
            for (field, value) in sizes {
                // count, refs (u32); pool, texts (u64); or a u32 inside a record.
                let (at, width) = [(24, 4), (28, 4), (32, 8), (40, 8), (PREAMBLE, 4), (PREAMBLE + 60, 4)][field];
                if at + width <= bytes.len() {
                    bytes[at..at + width].copy_from_slice(&value.to_le_bytes()[..width]);
                }
            }
            if let Some(cut) = cut {
                bytes.truncate(cut % (bytes.len() + 1));
            }
            reseal(&mut bytes);
            let root = Arc::new(dir.path().to_path_buf());
            if let Some(table) = Table::from_bytes(bytes.clone(), &root) {
                exercise(&table);
            }
            let path = dir.path().join(".ayo/crafted.bin");
            std::fs::write(&path, &bytes).unwrap();
            if let Some(table) = Table::load(&path, &root) {
                exercise(&table);
            }
        }
    }

    #[test]
    fn the_checksum_sees_every_changed_byte() {
        let base: Vec<u8> = (0..200u32).map(|i| (i * 7) as u8).collect();
        let sum = checksum(&base);
        for i in 0..base.len() {
            let mut b = base.clone();
            b[i] ^= 1;
            assert_ne!(checksum(&b), sum, "byte {i}");
        }
        assert_ne!(checksum(&base[..199]), sum);
        // Short texts (a title is one): a tail of whole words and a last partial one, and a
        // length that differs only by zero bytes.
        for len in 0..40 {
            let short = &base[..len];
            let sum = checksum(short);
            for i in 0..len {
                let mut b = short.to_vec();
                b[i] ^= 0x80;
                assert_ne!(checksum(&b), sum, "length {len}, byte {i}");
            }
            let mut longer = short.to_vec();
            longer.push(0);
            assert_ne!(checksum(&longer), sum, "length {len} and a zero byte");
        }
    }
}
