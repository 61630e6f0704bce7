//! The inputs of operations: [`NewTicket`], [`Filter`], [`Update`] (the call options are in
//! [`crate::options`]), and the outputs that are more than a ticket: [`Closed`], [`Problem`].

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ticket::{Status, Ticket};

/// A ticket to create: a title and optional fields, built up with methods.
///
/// ```
/// use ayo_tickets::NewTicket;
/// let new = NewTicket::new("Validate extracted data").assignee("validator").priority(1);
/// assert_eq!(new.title, "Validate extracted data");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewTicket {
    /// Required, one line.
    pub title: String,
    /// An agent handle (`@` is added).
    pub assignee: Option<String>,
    /// Ids (or unique prefixes) of existing tickets.
    pub deps: Vec<String>,
    /// 0 to 4; 2 when not given.
    pub priority: Option<i64>,
    /// `task` when not given.
    pub kind: Option<String>,
    /// Labels.
    pub tags: Vec<String>,
    /// The markdown body.
    pub description: Option<String>,
    /// An epic or other grouping ticket.
    pub parent: Option<String>,
    /// A chosen id; generated when not given.
    pub id: Option<String>,
    /// Deferred until then: neither ready nor claimable before (see [`crate::when_from_text`]).
    pub defer_until: Option<DateTime<Utc>>,
}

impl NewTicket {
    /// A new ticket with this title and defaults for the rest.
    pub fn new(title: impl Into<String>) -> Self {
        NewTicket {
            title: title.into(),
            ..Self::default()
        }
    }
    /// Sets the assignee.
    pub fn assignee(mut self, agent: impl Into<String>) -> Self {
        self.assignee = Some(agent.into());
        self
    }
    /// Adds a dep.
    pub fn dep(mut self, id: impl Into<String>) -> Self {
        self.deps.push(id.into());
        self
    }
    /// Sets the deps.
    pub fn deps<S: Into<String>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        self.deps = ids.into_iter().map(Into::into).collect();
        self
    }
    /// Sets the priority.
    pub fn priority(mut self, priority: i64) -> Self {
        self.priority = Some(priority);
        self
    }
    /// Sets the type.
    pub fn kind(mut self, kind: impl Into<String>) -> Self {
        self.kind = Some(kind.into());
        self
    }
    /// Sets the tags.
    pub fn tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }
    /// Sets the description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }
    /// Sets the parent.
    pub fn parent(mut self, id: impl Into<String>) -> Self {
        self.parent = Some(id.into());
        self
    }
    /// Chooses the id.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
    /// Defers the ticket until `at`.
    pub fn defer_until(mut self, at: DateTime<Utc>) -> Self {
        self.defer_until = Some(at);
        self
    }
}

/// Which tickets `list` returns; every field that is set must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this status.
    pub status: Option<Status>,
    /// Only this agent's (with or without the `@`); an empty one is Invalid.
    pub assignee: Option<String>,
    /// Only tickets with this tag.
    pub tag: Option<String>,
    /// Only this type.
    pub kind: Option<String>,
    /// Only children of this ticket: the id they name, else an exact id or a unique prefix of
    /// one ([`crate::Tickets::list`] resolves it; [`Filter::matches`] compares as given).
    pub parent: Option<String>,
    /// Only archived tickets when true (see [`crate::Tickets::archive`]), with the other
    /// fields applied to them; when false, the default, only active tickets.
    pub archived: bool,
}

impl Filter {
    /// True when the ticket passes every set field.
    pub fn matches(&self, t: &Ticket) -> bool {
        self.matches_fields(
            &t.status,
            t.assignee.as_deref(),
            |g| t.tags.iter().any(|x| x == g),
            &t.kind,
            t.parent.as_deref(),
        )
    }

    /// [`Filter::matches`] on a ticket's fields given one by one (`has_tag` tells whether it
    /// has a tag), for scans that do not hold whole tickets.
    pub(crate) fn matches_fields(
        &self,
        status: &Status,
        assignee: Option<&str>,
        has_tag: impl Fn(&str) -> bool,
        kind: &str,
        parent: Option<&str>,
    ) -> bool {
        self.status.as_ref().is_none_or(|s| status == s)
            && self
                .assignee
                .as_deref()
                .is_none_or(|a| crate::ticket::agent_matches(assignee, a))
            && self.tag.as_deref().is_none_or(has_tag)
            && self.kind.as_deref().is_none_or(|k| kind == k)
            && self.parent.as_deref().is_none_or(|p| parent == Some(p))
    }
}

/// The fields `update` edits; `None` keeps a field as it is.
///
/// What clearing means, the same in every front end: a field that holds text or a list takes
/// the value given, so `description: Some("")` empties the description and `tags:
/// Some(vec![])` removes every tag; the parent, which names a ticket, is cleared only by an
/// explicit none, `parent: Some(None)` (Python `parent=None`, Node `parent: null`, CLI
/// `--no-parent`), and an empty or blank parent is [`crate::Error::Invalid`], as it is in
/// `create`, so that a typo never passes for "no parent".
///
/// ```
/// use ayo_tickets::{NewTicket, Tickets, Update};
/// let t = Tickets::in_memory();
/// let epic = t.create(NewTicket::new("Epic"))?;
/// let a = t.create(NewTicket::new("Child").parent(&epic.id))?;
/// let blank = Update { parent: Some(Some(String::new())), ..Update::default() };
/// assert_eq!(t.update(&a.id, blank).unwrap_err().code(), "INVALID");
/// let clear = Update { parent: Some(None), ..Update::default() };
/// assert_eq!(t.update(&a.id, clear)?.parent, None);
/// # Ok::<(), ayo_tickets::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Update {
    /// A new title.
    pub title: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// A new priority.
    pub priority: Option<i64>,
    /// A new type.
    pub kind: Option<String>,
    /// New tags (replacing the old).
    pub tags: Option<Vec<String>>,
    /// A new parent; `Some(None)` clears it.
    pub parent: Option<Option<String>>,
    /// A new deferral time (kept to the millisecond, as [`crate::Tickets::defer`] keeps it);
    /// `Some(None)` ends the deferral.
    pub defer_until: Option<Option<DateTime<Utc>>>,
}

/// What `close` returns: the closed ticket and the tickets that became ready.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Closed {
    /// The ticket, now closed.
    pub ticket: Ticket,
    /// Its open dependents whose `blocked_by` became empty with this close.
    pub unblocked: Vec<Ticket>,
}

/// What kind of problem `check` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A file that cannot be read.
    Unreadable,
    /// A dep on a ticket that does not exist.
    MissingDep,
    /// A dependency cycle (made by hand edits).
    Cycle,
    /// A ticket whose stated id disagrees with its file name.
    IdMismatch,
    /// A loop of parent links (made by hand edits), such as a ticket that is its own parent.
    ParentCycle,
    /// A value another tool wrote that is read as something else than it says: a status word
    /// mapped to a state (`done`) or kept as another status (`deferred`), a priority word
    /// (`P1`, `high`), a date without a time. The ticket is read; the file keeps its text
    /// until the field is changed.
    NonstandardValue,
}

/// One problem `check` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// What kind.
    pub kind: ProblemKind,
    /// The ticket concerned, if one.
    pub ticket: Option<String>,
    /// The file concerned, if the store has files.
    pub path: Option<PathBuf>,
    /// The line, where known.
    pub line: Option<usize>,
    /// The cycle's ids, the first repeated at the end: along the dependency edges for a
    /// [`ProblemKind::Cycle`], from child to parent for a [`ProblemKind::ParentCycle`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cycle: Vec<String>,
    /// For a [`ProblemKind::NonstandardValue`]: the frontmatter key as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For a [`ProblemKind::NonstandardValue`]: the value as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<String>,
    /// For a [`ProblemKind::NonstandardValue`]: what it is read as, as the ticket's JSON shows
    /// it (`closed`, `1`, `2026-02-24T00:00:00Z`, or the other status word itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_as: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

impl Problem {
    /// A problem of `kind` about `ticket`, with no path, line, cycle or value.
    pub(crate) fn new(kind: ProblemKind, ticket: Option<String>, message: String) -> Self {
        Problem {
            kind,
            ticket,
            path: None,
            line: None,
            cycle: Vec::new(),
            field: None,
            written: None,
            read_as: None,
            message,
        }
    }
}
