//! Deferring a ticket: neither ready nor claimable until a time.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};

use super::{Tickets, annotate_one, resolve_active};
use crate::error::Result;
use crate::ticket::Ticket;

/// A deferral time as stored: to the millisecond, as the JSON shows it.
pub(super) fn to_millis(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(3)
}

/// Refuses a time outside the years 0 to 9999, which no file can hold (RFC 3339).
pub(super) fn check_year(at: Option<DateTime<Utc>>) -> Result<()> {
    match at.map(|a| chrono::Datelike::year(&a)) {
        Some(y) if !(0..=9999).contains(&y) => Err(crate::Error::invalid(
            "a time is outside the years 0 to 9999 (RFC 3339)",
        )),
        _ => Ok(()),
    }
}

impl Tickets {
    /// Defers a ticket until `until` (kept to the millisecond), or ends its deferral with
    /// `None`. Until then it is neither ready nor claimable; a wait for a ready or claimable
    /// ticket wakes at that moment by itself. A time in the past defers nothing.
    ///
    /// ```
    /// use ayo_tickets::{NewTicket, Tickets, when_from_text};
    /// let t = Tickets::in_memory();
    /// let a = t.create(NewTicket::new("Publish the report"))?;
    /// let later = t.defer(&a.id, Some(when_from_text("2h")?))?;
    /// assert!(!later.ready && later.defer_until.is_some());
    /// assert!(t.ready(None)?.is_empty() && t.claim("@w", Default::default())?.is_none());
    /// assert!(t.defer(&a.id, None)?.ready);
    /// # Ok::<(), ayo_tickets::Error>(())
    /// ```
    pub fn defer(&self, id: &str, until: Option<DateTime<Utc>>) -> Result<Ticket> {
        let until = until.map(to_millis);
        check_year(until)?;
        self.write(|txn| {
            let mut t = (*resolve_active(txn, id)?).clone();
            t.defer_until = until;
            txn.put(&t)?;
            let detail = match until {
                Some(at) => format!("until {}", at.to_rfc3339_opts(SecondsFormat::Millis, true)),
                None => "cleared".to_string(),
            };
            self.log(txn, self.actor.as_deref(), &t.id, "defer", detail)?;
            annotate_one(txn, &t)
        })
    }
}
