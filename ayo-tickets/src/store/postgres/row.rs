//! Tickets and log entries to and from rows.

use chrono::{DateTime, Utc};
use postgres::Row;
use postgres::types::{Json, ToSql};

use crate::error::{Error, Result};
use crate::store::LogEntry;
use crate::ticket::{Note, Status, Ticket};

/// The assignee as agents are matched against it (see [`crate::agent_matches`]): trimmed,
/// without one leading `@`. Stored beside the assignee so that the claim can compare in SQL.
pub(super) fn agent_key(assignee: &str) -> &str {
    let a = assignee.trim();
    a.strip_prefix('@').unwrap_or(a)
}

/// A ticket from a row of [`super::schema::COLUMNS`].
pub(super) fn ticket(row: &Row) -> Result<Ticket> {
    let id: String = get(row, 0)?;
    let bad = |what: String| Error::storage(format!("ticket '{id}' in the database: {what}"));
    let status: String = get(row, 2)?;
    let priority: i16 = get(row, 5)?;
    let notes: Json<Vec<Note>> = get(row, 10)?;
    let lease_secs: Option<i64> = get(row, 15)?;
    Ok(Ticket {
        title: get(row, 1)?,
        status: stored_status(status),
        assignee: get(row, 3)?,
        deps: get(row, 4)?,
        blocked_by: Vec::new(),
        ready: false,
        priority: u8::try_from(priority).map_err(|_| bad(format!("priority {priority}")))?,
        kind: get(row, 6)?,
        tags: get(row, 7)?,
        parent: get(row, 8)?,
        links: get(row, 16)?,
        external_ref: get(row, 17)?,
        defer_until: get(row, 18)?,
        archived: false,
        description: get(row, 9)?,
        notes: notes.0,
        created: get(row, 11)?,
        started: get(row, 12)?,
        closed: get(row, 13)?,
        lease_until: get(row, 14)?,
        lease_secs: lease_secs
            .map(|s| u64::try_from(s).map_err(|_| bad(format!("lease of {s} seconds"))))
            .transpose()?,
        id,
    })
}

/// A status as stored: one of the three states by name, else another tool's word as written.
fn stored_status(word: String) -> Status {
    match word.parse::<Status>() {
        Ok(s) => s,
        Err(_) => Status::Other(word),
    }
}

fn get<'a, T: postgres::types::FromSql<'a>>(row: &'a Row, i: usize) -> Result<T> {
    row.try_get(i)
        .map_err(|e| Error::storage(format!("reading a row: {e}")))
}

/// A ticket's values for the write statements: the columns in order, then `assignee_key`.
pub(super) struct Values {
    status: String,
    assignee_key: Option<String>,
    priority: i16,
    notes: Json<Vec<Note>>,
    lease_secs: Option<i64>,
}

impl Values {
    pub(super) fn new(t: &Ticket) -> Result<Self> {
        Ok(Values {
            status: t.status.as_str().to_string(),
            assignee_key: t.assignee.as_deref().map(|a| agent_key(a).to_string()),
            priority: i16::from(t.priority),
            notes: Json(t.notes.clone()),
            lease_secs: t
                .lease_secs
                .map(|s| {
                    i64::try_from(s)
                        .map_err(|_| Error::invalid(format!("a lease of {s} seconds is too long")))
                })
                .transpose()?,
        })
    }

    /// The 20 parameters of an insert or upsert.
    pub(super) fn params<'a>(&'a self, t: &'a Ticket) -> Vec<&'a (dyn ToSql + Sync)> {
        vec![
            &t.id,
            &t.title,
            &self.status,
            &t.assignee,
            &t.deps,
            &self.priority,
            &t.kind,
            &t.tags,
            &t.parent,
            &t.description,
            &self.notes,
            &t.created,
            &t.started,
            &t.closed,
            &t.lease_until,
            &self.lease_secs,
            &t.links,
            &t.external_ref,
            &t.defer_until,
            &self.assignee_key,
        ]
    }
}

/// A log entry from a row of `at, actor, ticket, action, detail`.
pub(super) fn log_entry(row: &Row) -> Result<LogEntry> {
    Ok(LogEntry {
        at: get::<DateTime<Utc>>(row, 0)?,
        actor: get(row, 1)?,
        ticket: get(row, 2)?,
        action: get(row, 3)?,
        detail: get(row, 4)?,
    })
}

#[cfg(test)]
mod tests {
    use super::agent_key;
    use crate::ticket::agent_matches;

    #[test]
    fn agent_key_matches_like_the_core() {
        let names = [
            "@w",
            "w",
            " @w ",
            "@@w",
            "@ w",
            "W",
            "Jane Doe",
            "@Jane Doe",
            "",
            "@",
            "\t@w\n",
        ];
        for a in names {
            for b in names {
                assert_eq!(
                    agent_key(a) == agent_key(b),
                    agent_matches(Some(a), b),
                    "{a:?} vs {b:?}"
                );
            }
        }
    }
}
