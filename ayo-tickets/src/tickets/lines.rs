//! Listing lines: what `list`, `ready` and `blocked` show for people, read from a scan's briefs
//! without decoding each ticket's description and notes.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::Tickets;
use super::read::{
    active, age_order, agent_filter, assigned, is_blocked, is_open, passes, pick_with, ready_order,
    resolve_filter, unblocked,
};
use crate::error::Result;
use crate::request::Filter;
use crate::store::Brief;
use crate::ticket::{Status, Ticket};

/// What one line of a ticket listing shows (`ayo ticket list`, `ready`, `blocked` as a
/// table): a ticket's id, status, assignee and title, the deps it waits for, until when it is
/// deferred, and whether it is archived. The same fields as the [`Ticket`] the listing's whole
/// form returns ([`TicketLine::from`] one gives the equal line), read without its description,
/// notes and other text, and borrowed from the scan where they can be (a listing of thousands
/// of tickets copies no strings).
#[derive(Debug, Clone)]
pub struct TicketLine {
    /// The ticket as the scan gave it: the id, status, assignee, title and deferral.
    brief: Brief,
    /// The title when the brief could not lend it (read from the ticket's file).
    title: Option<String>,
    /// The deps that are not closed (derived, as [`Ticket::blocked_by`]).
    blocked_by: Vec<String>,
    archived: bool,
}

impl TicketLine {
    /// The id.
    pub fn id(&self) -> &str {
        self.brief.id()
    }

    /// The stored status.
    pub fn status(&self) -> Status {
        self.brief.status()
    }

    /// The assignee, if any.
    pub fn assignee(&self) -> Option<&str> {
        self.brief.assignee()
    }

    /// The title.
    pub fn title(&self) -> &str {
        match &self.title {
            Some(t) => t,
            // Lent (and checked) when the line was made: the scan's bytes do not change.
            None => self.brief.title_again().unwrap_or_default(),
        }
    }

    /// The deps that are not closed (derived, as [`Ticket::blocked_by`]).
    pub fn blocked_by(&self) -> &[String] {
        &self.blocked_by
    }

    /// Until when the ticket is deferred, if it is (also a time already past).
    pub fn defer_until(&self) -> Option<DateTime<Utc>> {
        self.brief.defer_until()
    }

    /// True for an archived ticket.
    pub fn archived(&self) -> bool {
        self.archived
    }

    /// True when the ticket is deferred at `now`.
    pub fn is_deferred(&self, now: DateTime<Utc>) -> bool {
        self.brief.is_deferred(now)
    }

    /// The line of an active ticket of a scan, given a test for "closed" (for `blocked_by`).
    fn of(b: &Brief, is_closed: &dyn Fn(&str) -> bool) -> Result<Self> {
        // Lent by the brief (checked), read again by `title()`; else kept here.
        let title = match b.title()? {
            Cow::Borrowed(_) => None,
            Cow::Owned(title) => Some(title),
        };
        Ok(TicketLine {
            brief: b.clone(),
            title,
            blocked_by: crate::graph::not_closed(b.deps(), is_closed),
            archived: false,
        })
    }

    /// The line of a whole ticket (shared, not copied), with `blocked_by` as given.
    fn whole(t: Arc<Ticket>, blocked_by: Vec<String>) -> Self {
        TicketLine {
            archived: t.archived,
            brief: Brief::new(t),
            title: None,
            blocked_by,
        }
    }
}

impl PartialEq for TicketLine {
    fn eq(&self, other: &Self) -> bool {
        self.id() == other.id()
            && self.status() == other.status()
            && self.assignee() == other.assignee()
            && self.title() == other.title()
            && self.blocked_by == other.blocked_by
            && self.defer_until() == other.defer_until()
            && self.archived == other.archived
    }
}

impl Eq for TicketLine {}

impl From<Ticket> for TicketLine {
    fn from(mut t: Ticket) -> Self {
        let blocked_by = std::mem::take(&mut t.blocked_by);
        TicketLine::whole(Arc::new(t), blocked_by)
    }
}

impl From<&Ticket> for TicketLine {
    /// Copies only what a line shows, not the description, notes and other text.
    fn from(t: &Ticket) -> Self {
        let mut shown = Ticket::new(&t.id, &t.title);
        shown.status = t.status.clone();
        shown.assignee = t.assignee.clone();
        shown.defer_until = t.defer_until;
        shown.archived = t.archived;
        TicketLine::whole(Arc::new(shown), t.blocked_by.clone())
    }
}

impl Tickets {
    /// [`Tickets::list`] as listing lines: the same tickets in the same order, with the same
    /// errors, without decoding their texts.
    pub fn list_lines(&self, filter: &Filter) -> Result<Vec<TicketLine>> {
        agent_filter(filter.assignee.as_deref())?;
        if filter.archived {
            let all = self.list_archived(filter)?;
            return Ok(all.into_iter().map(TicketLine::from).collect());
        }
        self.read(|txn| {
            let briefs = self.scan_briefs(txn)?;
            let filter = resolve_filter(txn, &briefs, filter)?;
            pick_with(
                &briefs,
                |b| passes(&filter, b),
                |_, _| true,
                age_order,
                TicketLine::of,
            )
        })
    }

    /// [`Tickets::blocked`] as listing lines: the same tickets in the same order, with the
    /// same errors, without decoding their texts.
    pub fn blocked_lines(&self, assignee: Option<&str>) -> Result<Vec<TicketLine>> {
        agent_filter(assignee)?;
        self.read(|txn| {
            let briefs = self.scan_briefs(txn)?;
            pick_with(
                &briefs,
                active(assignee),
                is_blocked,
                age_order,
                TicketLine::of,
            )
        })
    }

    /// [`Tickets::ready`] as listing lines: the same tickets in the same order, with the same
    /// errors. Read from the `ready` list kept for the store's version when there is one (it
    /// is left as it is), else from a scan without decoding texts.
    pub fn ready_lines(&self, assignee: Option<&str>) -> Result<Vec<TicketLine>> {
        agent_filter(assignee)?;
        let now = Utc::now();
        self.read(|txn| {
            let kept = txn.version().and_then(|v| self.kept_candidates(v));
            if let Some(all) = kept {
                return Ok(all
                    .iter()
                    .filter(|t| assigned(t.assignee.as_deref(), assignee) && !t.is_deferred(now))
                    .map(|t| TicketLine::whole(t.clone(), Vec::new()))
                    .collect());
            }
            let briefs = self.scan_briefs(txn)?;
            let open = |b: &Brief| is_open(b) && assigned(b.assignee(), assignee);
            let lines = pick_with(&briefs, open, unblocked, ready_order, |b, is_closed| {
                (!b.is_deferred(now))
                    .then(|| TicketLine::of(b, is_closed))
                    .transpose()
            })?;
            Ok(lines.into_iter().flatten().collect())
        })
    }
}
