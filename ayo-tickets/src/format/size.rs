//! How large a ticket's file may grow: the check the core makes before a write that adds
//! text. In the format, not in `ticket.rs`: it renders the ticket to find out.

use crate::error::{Error, Result};
use crate::ticket::{MAX_TICKET_BYTES, Ticket};

/// Room the writes that add text (create, edit, note, close with a reason) leave below
/// [`MAX_TICKET_BYTES`], so that the short notes the core adds itself (a takeover) still fit.
const GROWTH_ROOM: usize = 64 * 1024;

/// Refuses a ticket whose file would leave less than 64 KiB below [`MAX_TICKET_BYTES`]
/// ([`Error::Invalid`]). Only a ticket near the limit is rendered to find out.
pub(crate) fn check_size(ticket: &Ticket) -> Result<()> {
    let limit = MAX_TICKET_BYTES - GROWTH_ROOM;
    let lists = [&ticket.deps, &ticket.tags, &ticket.links];
    let text = ticket.title.len()
        + ticket.description.len()
        + ticket
            .notes
            .iter()
            .map(|n| n.text.len() + n.author.as_ref().map_or(0, String::len))
            .sum::<usize>()
        + lists
            .iter()
            .flat_map(|l| l.iter())
            .map(String::len)
            .sum::<usize>()
        + [&ticket.assignee, &ticket.parent, &ticket.external_ref]
            .iter()
            .filter_map(|v| v.as_ref())
            .map(String::len)
            .sum::<usize>()
        + ticket.kind.len();
    let items = ticket.notes.len() + ticket.deps.len() + ticket.tags.len() + ticket.links.len();
    // Quoting at most doubles a text, and each note or list item adds less than 128 bytes.
    if 2 * text + 128 * items + 4096 <= limit {
        return Ok(());
    }
    let size = super::render(ticket, None)?.len();
    if size > limit {
        return Err(Error::invalid(format!(
            "ticket '{}' would be {size} bytes: a ticket file holds at most {} bytes \
             (16 MiB, less 64 KiB kept for notes)",
            ticket.id, limit
        )));
    }
    Ok(())
}
