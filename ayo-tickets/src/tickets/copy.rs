//! A lossless copy between stores (`ayo ticket export` / `import`): every ticket with every
//! field, the text it was stored as where the source keeps one, and the audit log.

use serde::Serialize;

use super::Tickets;
use crate::error::{Error, Result};
use crate::store::{Access, LogEntry};
use crate::ticket::Ticket;

/// What [`Tickets::copy_to`] copied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Copied {
    /// Tickets written to the target.
    pub tickets: usize,
    /// Audit entries appended to the target's log.
    pub log_entries: usize,
}

impl Tickets {
    /// Copies every ticket and the audit log into `target`, losslessly: every field as
    /// stored, and the text each ticket was stored as where this store keeps one (a markdown
    /// file; the markdown a database row was imported from), so that unknown frontmatter keys,
    /// comments and layout survive a round trip (markdown → PostgreSQL → markdown gives the
    /// same files).
    ///
    /// All or nothing: the target is written in one transaction, and nothing is written when a
    /// ticket here cannot be read ([`Error::Parse`]) or an id is taken in the target
    /// ([`Error::AlreadyExists`]). The target's own log entries stay; these are appended.
    ///
    /// ```
    /// use ayo_tickets::{NewTicket, Tickets};
    /// let from = Tickets::in_memory();
    /// let a = from.create(NewTicket::new("Extract data"))?;
    /// from.close(&a.id, Some("done"))?;
    /// let to = Tickets::in_memory();
    /// let copied = from.copy_to(&to)?;
    /// assert_eq!((copied.tickets, copied.log_entries), (1, 2));
    /// assert_eq!(to.get(&a.id)?, from.get(&a.id)?);
    /// # Ok::<(), ayo_tickets::Error>(())
    /// ```
    pub fn copy_to(&self, target: &Tickets) -> Result<Copied> {
        let (tickets, log) = self.read(|txn| {
            let scan = txn.scan()?;
            if let Some(u) = scan.unreadable.first() {
                return Err(u.error.clone());
            }
            let mut tickets: Vec<(Ticket, Option<String>)> = Vec::new();
            for t in &scan.tickets {
                let source = txn.source(&t.id)?;
                tickets.push(((**t).clone(), source));
            }
            tickets.sort_by(|(a, _), (b, _)| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
            Ok((tickets, txn.history(None)?))
        })?;
        target.txn(Access::Batch, |txn| {
            for (t, source) in &tickets {
                if txn.get(&t.id)?.is_some() {
                    return Err(Error::AlreadyExists { id: t.id.clone() });
                }
                txn.put_source(t, source.as_deref())?;
            }
            for entry in &log {
                txn.log(LogEntry::clone(entry))?;
            }
            Ok(())
        })?;
        Ok(Copied {
            tickets: tickets.len(),
            log_entries: log.len(),
        })
    }
}
