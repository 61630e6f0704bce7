//! `search`: the tickets whose title, description, notes or tags hold a text, any case.

use super::Tickets;
use super::read::{age_order, agent_filter, closed_ids, passes, resolve_filter, whole};
use crate::error::{Error, Result};
use crate::request::Filter;
use crate::store::Brief;
use crate::ticket::Ticket;

/// A text to look for, any case: lower-cased once, compared with each field lower-cased.
#[derive(Debug, Clone)]
pub(crate) struct Needle(String);

impl Needle {
    /// The needle for `text`, trimmed; an empty or blank text is [`Error::Invalid`].
    pub(crate) fn new(text: &str) -> Result<Self> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::invalid(
                "the search text is empty: give a word or phrase to look for",
            ));
        }
        Ok(Needle(text.to_lowercase()))
    }

    /// True when `hay` holds the text, any case.
    pub(crate) fn found_in(&self, hay: &str) -> bool {
        if hay.is_ascii() {
            if hay.len() < self.0.len() {
                return false;
            }
            hay.to_ascii_lowercase().contains(&self.0)
        } else {
            hay.to_lowercase().contains(&self.0)
        }
    }

    /// Where a ticket holds the text: in its title, elsewhere (description, notes, tags), or
    /// nowhere.
    pub(crate) fn place(&self, t: &Ticket) -> Option<Place> {
        if self.found_in(&t.title) {
            Some(Place::Title)
        } else if self.found_in(&t.description)
            || t.notes.iter().any(|n| self.found_in(&n.text))
            || t.tags.iter().any(|g| self.found_in(g))
        {
            Some(Place::Body)
        } else {
            None
        }
    }
}

/// Where a search found its text: the title ranks first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Place {
    /// In the title.
    Title,
    /// In the description, a note or a tag only.
    Body,
}

impl Tickets {
    /// The tickets whose title, description, notes or tags hold `text` (trimmed; any case),
    /// among those that pass `filter` (as for [`Tickets::list`]): the title matches first,
    /// then the rest, each oldest first; among archived tickets only when `filter.archived`.
    /// An empty text or agent filter is Invalid.
    ///
    /// ```
    /// use ayo_tickets::{Filter, NewTicket, Tickets};
    /// let t = Tickets::in_memory();
    /// let a = t.create(NewTicket::new("Validate totals").description("Check the INVOICE sums"))?;
    /// let b = t.create(NewTicket::new("Extract invoice data"))?;
    /// t.create(NewTicket::new("Unrelated"))?;
    /// let found = t.search("invoice", &Filter::default())?;
    /// assert_eq!(found.iter().map(|x| &x.id).collect::<Vec<_>>(), [&b.id, &a.id]);
    /// # Ok::<(), ayo_tickets::Error>(())
    /// ```
    pub fn search(&self, text: &str, filter: &Filter) -> Result<Vec<Ticket>> {
        let needle = Needle::new(text)?;
        agent_filter(filter.assignee.as_deref())?;
        self.read(|txn| {
            let briefs = if filter.archived {
                txn.scan_archived()?.into()
            } else {
                self.scan_briefs(txn)?
            };
            let filter = resolve_filter(txn, &briefs, filter)?;
            let closed = closed_ids(&briefs);
            let mut found: Vec<(Place, &Brief)> = Vec::new();
            for b in briefs.tickets.iter().filter(|b| passes(&filter, b)) {
                let ticket = b.ticket()?;
                if let Some(place) = needle.place(&ticket) {
                    found.push((place, b));
                }
            }
            found.sort_unstable_by(|(p, a), (q, b)| p.cmp(q).then_with(|| age_order(a, b)));
            found
                .into_iter()
                .map(|(_, b)| whole(b, |id| closed.contains(id)))
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needle_ignores_case_and_trims() {
        let n = Needle::new("  InVoice ").unwrap();
        assert!(n.found_in("the INVOICE sums"));
        assert!(!n.found_in("invoic"));
        assert!(Needle::new("ÉTÉ").unwrap().found_in("un été chaud"));
        assert_eq!(Needle::new("  ").unwrap_err().code(), "INVALID");
    }
}
