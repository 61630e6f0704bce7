//! `GET /api/board`: the tickets in four columns, as cards.
//!
//! The columns follow the contract's states: `ready` (open, every dep closed: the core's
//! `ready`, in its order), `blocked` (open with a dep not closed), `in_progress` (oldest
//! first) and `closed` (most recently closed first, the last [`CLOSED_SHOWN`]). An in-progress
//! ticket whose deps are not all closed (started with force) stays in `in_progress`, marked by
//! its `blocked_by`. The filters (`?assignee=` and `?tag=`) are the core's `Filter`.

use std::collections::{BTreeSet, HashMap};

use ayo_tickets::{Filter, Status, Ticket, Tickets};
use serde::Serialize;
use serde_json::json;

use super::reply::{Answer, shape};

/// How many closed tickets the closed column shows (it says how many there are in all).
pub(super) const CLOSED_SHOWN: usize = 50;

/// What a card shows of a ticket.
#[derive(Debug, Serialize)]
pub(super) struct Card<'a> {
    id: &'a str,
    title: &'a str,
    status: &'a Status,
    /// The column it goes in.
    column: &'static str,
    assignee: Option<&'a str>,
    priority: u8,
    #[serde(rename = "type")]
    kind: &'a str,
    tags: &'a [String],
    blocked_by: &'a [String],
    lease_until: Option<String>,
    closed: Option<String>,
}

impl<'a> Card<'a> {
    /// The card of a ticket.
    pub(super) fn of(t: &'a Ticket) -> Self {
        let at = |d: Option<chrono::DateTime<chrono::Utc>>| {
            d.map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        };
        Card {
            id: &t.id,
            title: &t.title,
            status: &t.status,
            column: column(t),
            assignee: t.assignee.as_deref(),
            priority: t.priority,
            kind: &t.kind,
            tags: &t.tags,
            blocked_by: &t.blocked_by,
            lease_until: at(t.lease_until),
            closed: at(t.closed),
        }
    }
}

/// The column of a ticket: its stored status, and for an open one whether the core found it
/// ready.
pub(super) fn column(t: &Ticket) -> &'static str {
    match t.status {
        Status::Closed => "closed",
        Status::InProgress => "in_progress",
        _ if t.ready => "ready",
        _ => "blocked",
    }
}

/// The board: `{columns: {ready, blocked, in_progress, closed}, closed_total, assignees, tags}`;
/// the last two list every assignee and tag of the store, for the filters.
pub(super) fn board(tickets: &Tickets, assignee: Option<String>, tag: Option<String>) -> Answer {
    let all = tickets.list(&Filter::default())?;
    let ready_order: HashMap<String, usize> = tickets
        .ready(None)?
        .into_iter()
        .enumerate()
        .map(|(i, t)| (t.id, i))
        .collect();
    let filter = Filter {
        assignee,
        tag,
        ..Filter::default()
    };
    let (mut ready, mut blocked, mut in_progress, mut closed) = (vec![], vec![], vec![], vec![]);
    for t in all.iter().filter(|t| filter.matches(t)) {
        match column(t) {
            "closed" => closed.push(t),
            "in_progress" => in_progress.push(t),
            "ready" => ready.push(t),
            _ => blocked.push(t),
        }
    }
    ready.sort_by_key(|t| ready_order.get(&t.id).copied().unwrap_or(usize::MAX));
    closed.sort_by_key(|t| std::cmp::Reverse(t.closed));
    let closed_total = closed.len();
    closed.truncate(CLOSED_SHOWN);
    let assignees: BTreeSet<&str> = all.iter().filter_map(|t| t.assignee.as_deref()).collect();
    let tags: BTreeSet<&str> = all
        .iter()
        .flat_map(|t| t.tags.iter().map(String::as_str))
        .collect();
    Ok(json!({
        "columns": {
            "ready": cards(&ready)?,
            "blocked": cards(&blocked)?,
            "in_progress": cards(&in_progress)?,
            "closed": cards(&closed)?,
        },
        "closed_total": closed_total,
        "assignees": assignees,
        "tags": tags,
    }))
}

/// The cards of a column, as JSON.
fn cards(list: &[&Ticket]) -> Answer {
    let cards: Vec<Card<'_>> = list.iter().map(|t| Card::of(t)).collect();
    shape(&cards)
}

#[cfg(test)]
mod tests {
    use ayo_tickets::NewTicket;

    use super::*;

    fn ids(board: &serde_json::Value, column: &str) -> Vec<String> {
        board["columns"][column]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    }

    /// Each ticket in the column of its state; the filters narrow every column.
    #[test]
    fn tickets_go_to_their_columns() {
        let t = Tickets::in_memory();
        let new = |title: &str| NewTicket::new(title).assignee("a");
        let done = t.create(new("done")).unwrap();
        let first = t.create(new("first").tags(["x"])).unwrap();
        let second = t.create(new("second").dep(&first.id)).unwrap();
        let held = t.create(NewTicket::new("held").assignee("b")).unwrap();
        t.start(&held.id, None, false).unwrap();
        t.close(&done.id, None).unwrap();
        let b = board(&t, None, None).unwrap();
        assert_eq!(ids(&b, "ready"), [first.id.as_str()]);
        assert_eq!(ids(&b, "blocked"), [second.id.as_str()]);
        assert_eq!(ids(&b, "in_progress"), [held.id.as_str()]);
        assert_eq!(ids(&b, "closed"), [done.id.as_str()]);
        assert_eq!(b["assignees"], json!(["@a", "@b"]));
        assert_eq!(b["tags"], json!(["x"]));
        assert_eq!(b["columns"]["blocked"][0]["blocked_by"], json!([first.id]));

        let mine = board(&t, Some("b".into()), None).unwrap();
        assert_eq!(ids(&mine, "in_progress"), [held.id.as_str()]);
        assert!(ids(&mine, "ready").is_empty() && ids(&mine, "closed").is_empty());
        let tagged = board(&t, None, Some("x".into())).unwrap();
        assert_eq!(ids(&tagged, "ready"), [first.id.as_str()]);
        assert!(ids(&tagged, "blocked").is_empty());
    }
}
