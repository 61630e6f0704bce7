//! Listing lines: what `list`, `ready` and `blocked` show for people, read from a scan's briefs
//! without decoding each ticket's description and notes.

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
/// notes and other text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketLine {
    /// The id.
    pub id: String,
    /// The stored status.
    pub status: Status,
    /// The assignee, if any.
    pub assignee: Option<String>,
    /// The title.
    pub title: String,
    /// The deps that are not closed (derived, as [`Ticket::blocked_by`]).
    pub blocked_by: Vec<String>,
    /// Until when the ticket is deferred, if it is (also a time already past).
    pub defer_until: Option<DateTime<Utc>>,
    /// True for an archived ticket.
    pub archived: bool,
}

impl TicketLine {
    /// True when the ticket is deferred at `now`.
    pub fn is_deferred(&self, now: DateTime<Utc>) -> bool {
        self.defer_until.is_some_and(|d| d > now)
    }

    /// The line of an active ticket of a scan, given a test for "closed" (for `blocked_by`).
    fn of(b: &Brief, is_closed: &dyn Fn(&str) -> bool) -> Result<Self> {
        Ok(TicketLine {
            id: b.id().to_string(),
            status: b.status(),
            assignee: b.assignee().map(str::to_string),
            title: b.title()?.into_owned(),
            blocked_by: crate::graph::not_closed(b.deps(), is_closed),
            defer_until: b.defer_until(),
            archived: false,
        })
    }
}

impl From<&Ticket> for TicketLine {
    fn from(t: &Ticket) -> Self {
        TicketLine {
            id: t.id.clone(),
            status: t.status.clone(),
            assignee: t.assignee.clone(),
            title: t.title.clone(),
            blocked_by: t.blocked_by.clone(),
            defer_until: t.defer_until,
            archived: t.archived,
        }
    }
}

impl Tickets {
    /// [`Tickets::list`] as listing lines: the same tickets in the same order, with the same
    /// errors, without decoding their texts.
    pub fn list_lines(&self, filter: &Filter) -> Result<Vec<TicketLine>> {
        agent_filter(filter.assignee.as_deref())?;
        if filter.archived {
            let all = self.list_archived(filter)?;
            return Ok(all.iter().map(TicketLine::from).collect());
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
                    .map(|t| TicketLine {
                        blocked_by: Vec::new(),
                        ..TicketLine::from(&**t)
                    })
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
