//! Links: related tickets (tk's `links:`), symmetric, used by no rule.

use super::{Tickets, annotate_one, resolve, resolve_active};
use crate::error::{Error, Result};
use crate::ticket::Ticket;

impl Tickets {
    /// Links `id` with each of `others` both ways (each names the other in its `links`); a
    /// link already there is kept once. Linking a ticket with itself is [`Error::Invalid`].
    /// Returns `id`'s ticket.
    ///
    /// ```
    /// use ayo_tickets::{NewTicket, Tickets};
    /// let t = Tickets::in_memory();
    /// let a = t.create(NewTicket::new("Login fails on Safari"))?;
    /// let b = t.create(NewTicket::new("Session cookie lost"))?;
    /// assert_eq!(t.link(&a.id, &[b.id.as_str()])?.links, vec![b.id.clone()]);
    /// assert_eq!(t.get(&b.id)?.links, vec![a.id.clone()]);
    /// assert!(t.unlink(&b.id, &a.id)?.links.is_empty());
    /// assert!(t.get(&a.id)?.links.is_empty());
    /// # Ok::<(), ayo_tickets::Error>(())
    /// ```
    pub fn link(&self, id: &str, others: &[&str]) -> Result<Ticket> {
        if others.is_empty() {
            return Err(Error::invalid("name at least one ticket to link with"));
        }
        self.write(|txn| {
            let mut t = (*resolve_active(txn, id)?).clone();
            let mut changed = Vec::new();
            for o in others {
                let mut other = (*resolve_active(txn, o)?).clone();
                if other.id == t.id {
                    return Err(Error::invalid(format!(
                        "ticket '{}' cannot be linked with itself",
                        t.id
                    )));
                }
                if !other.links.contains(&t.id) {
                    other.links.push(t.id.clone());
                    crate::format::check_size(&other)?;
                    txn.put(&other)?;
                }
                if !t.links.contains(&other.id) {
                    t.links.push(other.id.clone());
                    changed.push(other.id.clone());
                }
            }
            crate::format::check_size(&t)?;
            txn.put(&t)?;
            for o in &changed {
                self.log(txn, self.actor.as_deref(), &t.id, "link", o.clone())?;
            }
            annotate_one(txn, &t)
        })
    }

    /// Removes the link between `id` and `other` both ways (`other` by an exact link id, so
    /// that a link to a ticket that is gone can be removed, or a unique prefix of a ticket's
    /// id). [`Error::Invalid`] when they are not linked. Returns `id`'s ticket.
    pub fn unlink(&self, id: &str, other: &str) -> Result<Ticket> {
        self.write(|txn| {
            let mut t = (*resolve_active(txn, id)?).clone();
            let other_id = if t.links.iter().any(|l| l == other) {
                other.to_string()
            } else {
                resolve(txn, other)?.id.clone()
            };
            let mut found = false;
            if t.links.contains(&other_id) {
                t.links.retain(|l| *l != other_id);
                txn.put(&t)?;
                found = true;
            }
            if let Some(o) = txn.get(&other_id)?
                && o.links.contains(&t.id)
            {
                super::archive::check_active(&o)?;
                let mut o = (*o).clone();
                o.links.retain(|l| *l != t.id);
                txn.put(&o)?;
                found = true;
            }
            if !found {
                return Err(Error::invalid(format!(
                    "ticket '{}' is not linked with '{other_id}'",
                    t.id
                )));
            }
            self.log(txn, self.actor.as_deref(), &t.id, "unlink", other_id)?;
            annotate_one(txn, &t)
        })
    }
}
