//! Briefs: tickets as a scan first hands them out, with the fields the rules read (status,
//! deps, assignee, priority, times, type, tags, parent), and the rest (title, description,
//! notes) read only for the tickets an operation returns.
//!
//! A store with a compact record set of its own ([`Records`]: the markdown store's scan index
//! is one) hands out briefs that read the rule fields straight from its bytes and decode the
//! rest of a ticket on demand, so `ready` over 100k tickets decodes only the ready ones; other
//! stores wrap the tickets they already hold ([`Brief::new`]). This module knows no backend's
//! format: a backend implements [`Records`].

use std::any::Any;
use std::borrow::Cow;
use std::fmt::Debug;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{Scan, Unreadable};
use crate::error::Result;
use crate::ticket::{Status, Ticket};

/// A store's compact set of ticket records, read in place: what a [`Brief`] not held whole
/// reads its fields from (record `i` of the set). List fields are runs of a pool of strings
/// numbered from 0 ([`Records::list_item`]).
pub(crate) trait Records: Debug + Send + Sync + Any {
    /// The id of record `i`.
    fn name(&self, i: u32) -> &str;
    /// Its stored status.
    fn status(&self, i: u32) -> Status;
    /// Its assignee.
    fn assignee(&self, i: u32) -> Option<&str>;
    /// Its deps.
    fn deps(&self, i: u32) -> Strs<'_>;
    /// Its priority.
    fn priority(&self, i: u32) -> u8;
    /// Its type.
    fn kind(&self, i: u32) -> &str;
    /// Its tags.
    fn tags(&self, i: u32) -> Strs<'_>;
    /// Its parent.
    fn parent(&self, i: u32) -> Option<&str>;
    /// When it was created.
    fn created(&self, i: u32) -> Option<DateTime<Utc>>;
    /// When its lease runs out.
    fn lease_until(&self, i: u32) -> Option<DateTime<Utc>>;
    /// Until when it is deferred.
    fn defer_until(&self, i: u32) -> Option<DateTime<Utc>>;
    /// The whole ticket, decoded at the first call and kept.
    fn ticket(&self, i: u32) -> Result<Arc<Ticket>>;
    /// A copy of the whole ticket.
    fn to_ticket(&self, i: u32) -> Result<Ticket>;
    /// String `k` of the pool that list fields are runs of.
    fn list_item(&self, k: usize) -> &str;
    /// Its title, read without decoding the rest of its text (borrowed from the record set
    /// where it can be).
    fn title(&self, i: u32) -> Result<Cow<'_, str>>;
    /// The title [`Records::title`] lent before, read again without its checks (`None` if
    /// it lent none).
    fn title_again(&self, i: u32) -> Option<&str>;
}

/// One ticket of a scan: its rule fields at hand, the whole ticket on demand.
#[derive(Debug, Clone)]
pub struct Brief(Repr);

#[derive(Debug, Clone)]
enum Repr {
    /// A ticket held whole.
    Full(Arc<Ticket>),
    /// Record `.1` of a store's record set.
    Indexed(Arc<dyn Records>, u32),
}

/// The strings of a list field of a [`Brief`] (its deps or its tags).
#[derive(Debug, Clone)]
pub struct Strs<'a>(StrsRepr<'a>);

#[derive(Debug, Clone)]
enum StrsRepr<'a> {
    Owned(std::slice::Iter<'a, String>),
    Listed {
        records: &'a dyn Records,
        next: usize,
        end: usize,
    },
}

impl<'a> Strs<'a> {
    /// Strings `next..end` of the pool of `records`.
    pub(crate) fn listed(records: &'a dyn Records, next: usize, end: usize) -> Self {
        Strs(StrsRepr::Listed { records, next, end })
    }
}

impl<'a> Iterator for Strs<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match &mut self.0 {
            StrsRepr::Owned(it) => it.next().map(String::as_str),
            StrsRepr::Listed { records, next, end } => (next < end).then(|| {
                *next += 1;
                records.list_item(*next - 1)
            }),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            StrsRepr::Owned(it) => it.size_hint(),
            StrsRepr::Listed { next, end, .. } => (end - next, Some(end - next)),
        }
    }
}

impl ExactSizeIterator for Strs<'_> {}

impl Brief {
    /// The brief of a ticket held whole.
    pub fn new(ticket: Arc<Ticket>) -> Self {
        Brief(Repr::Full(ticket))
    }

    /// The brief of record `i` of `records`.
    pub(crate) fn indexed_at(records: Arc<dyn Records>, i: u32) -> Self {
        Brief(Repr::Indexed(records, i))
    }

    /// The record this brief reads, if it reads one: its set (to downcast to the backend's own
    /// type) and its number.
    pub(crate) fn indexed(&self) -> Option<(&dyn Any, u32)> {
        match &self.0 {
            Repr::Indexed(t, i) => Some((&**t as &dyn Any, *i)),
            Repr::Full(_) => None,
        }
    }

    /// The id.
    pub fn id(&self) -> &str {
        match &self.0 {
            Repr::Full(t) => &t.id,
            Repr::Indexed(x, i) => x.name(*i),
        }
    }

    /// The stored status.
    pub fn status(&self) -> Status {
        match &self.0 {
            Repr::Full(t) => t.status.clone(),
            Repr::Indexed(x, i) => x.status(*i),
        }
    }

    /// The assignee, if any.
    pub fn assignee(&self) -> Option<&str> {
        match &self.0 {
            Repr::Full(t) => t.assignee.as_deref(),
            Repr::Indexed(x, i) => x.assignee(*i),
        }
    }

    /// The ids this ticket waits for.
    pub fn deps(&self) -> Strs<'_> {
        match &self.0 {
            Repr::Full(t) => Strs(StrsRepr::Owned(t.deps.iter())),
            Repr::Indexed(x, i) => x.deps(*i),
        }
    }

    /// The priority, 0 (most urgent) to 4.
    pub fn priority(&self) -> u8 {
        match &self.0 {
            Repr::Full(t) => t.priority,
            Repr::Indexed(x, i) => x.priority(*i),
        }
    }

    /// The type.
    pub fn kind(&self) -> &str {
        match &self.0 {
            Repr::Full(t) => &t.kind,
            Repr::Indexed(x, i) => x.kind(*i),
        }
    }

    /// The tags.
    pub fn tags(&self) -> Strs<'_> {
        match &self.0 {
            Repr::Full(t) => Strs(StrsRepr::Owned(t.tags.iter())),
            Repr::Indexed(x, i) => x.tags(*i),
        }
    }

    /// The parent, if any.
    pub fn parent(&self) -> Option<&str> {
        match &self.0 {
            Repr::Full(t) => t.parent.as_deref(),
            Repr::Indexed(x, i) => x.parent(*i),
        }
    }

    /// When it was created, if known.
    pub fn created(&self) -> Option<DateTime<Utc>> {
        match &self.0 {
            Repr::Full(t) => t.created,
            Repr::Indexed(x, i) => x.created(*i),
        }
    }

    /// When the current claim's lease runs out, if it has one.
    pub fn lease_until(&self) -> Option<DateTime<Utc>> {
        match &self.0 {
            Repr::Full(t) => t.lease_until,
            Repr::Indexed(x, i) => x.lease_until(*i),
        }
    }

    /// Until when the ticket is deferred, if it is.
    pub fn defer_until(&self) -> Option<DateTime<Utc>> {
        match &self.0 {
            Repr::Full(t) => t.defer_until,
            Repr::Indexed(x, i) => x.defer_until(*i),
        }
    }

    /// The title, without decoding the rest of the ticket's text: for an indexed brief only
    /// the title is decoded (after the record's checksum is checked), so listing thousands of
    /// tickets does not decode their descriptions and notes. Fails as [`Brief::ticket`] does.
    pub fn title(&self) -> Result<Cow<'_, str>> {
        match &self.0 {
            Repr::Full(t) => Ok(Cow::Borrowed(&t.title)),
            Repr::Indexed(x, i) => x.title(*i),
        }
    }

    /// The title [`Brief::title`] lent before, read again without its checks: for a caller
    /// that asked it before (`None` if it lent none).
    pub(crate) fn title_again(&self) -> Option<&str> {
        match &self.0 {
            Repr::Full(t) => Some(&t.title),
            Repr::Indexed(x, i) => x.title_again(*i),
        }
    }

    /// True when the ticket is deferred at `now`.
    pub fn is_deferred(&self, now: DateTime<Utc>) -> bool {
        self.defer_until().is_some_and(|d| d > now)
    }

    /// The whole ticket (decoded at the first call, then kept). Fails with
    /// [`crate::Error::Parse`] only when the index is damaged and the file has meanwhile
    /// become unreadable.
    pub fn ticket(&self) -> Result<Arc<Ticket>> {
        match &self.0 {
            Repr::Full(t) => Ok(t.clone()),
            Repr::Indexed(x, i) => x.ticket(*i),
        }
    }

    /// A copy of the whole ticket (decoded afresh when not kept: one decode instead of a
    /// decode and a copy).
    pub fn to_ticket(&self) -> Result<Ticket> {
        match &self.0 {
            Repr::Full(t) => Ok((**t).clone()),
            Repr::Indexed(x, i) => x.to_ticket(*i),
        }
    }
}

/// Everything in a store at one moment, as briefs: [`Scan`] with each ticket's text left
/// unread until asked for.
#[derive(Debug, Clone, Default)]
pub struct Briefs {
    /// Every readable ticket, in no particular order.
    pub tickets: Vec<Brief>,
    /// Every file or record that could not be read.
    pub unreadable: Vec<Unreadable>,
    /// Tickets whose stored id disagrees with their file name: (file name id, stated id).
    pub mismatched: Vec<(String, String)>,
    /// Archived tickets that tickets of the scan name as deps (each counts as closed): filled by the
    /// core, not the store, so that such a dep counts as closed.
    pub archived_deps: Vec<String>,
}

impl Briefs {
    /// The whole scan: every ticket decoded.
    pub fn into_scan(self) -> Result<Scan> {
        Ok(Scan {
            tickets: self
                .tickets
                .iter()
                .map(Brief::ticket)
                .collect::<Result<_>>()?,
            unreadable: self.unreadable,
            mismatched: self.mismatched,
        })
    }
}

impl From<Scan> for Briefs {
    fn from(scan: Scan) -> Self {
        Briefs {
            tickets: scan.tickets.into_iter().map(Brief::new).collect(),
            unreadable: scan.unreadable,
            mismatched: scan.mismatched,
            archived_deps: Vec::new(),
        }
    }
}
