//! What operations return, as JavaScript sees it: plain objects with camelCase keys, `null`
//! for absent values and `Date`s for times. Each type converts from its core counterpart.

use ayo_tickets as ayo;
use chrono::{DateTime, Utc};
use napi_derive::napi;

/// A ticket's stored status. "Blocked" is not a status: see `blockedBy`.
#[napi(string_enum = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Waiting to be worked on.
    Open,
    /// Somebody works on it.
    InProgress,
    /// Done.
    Closed,
}

/// A status as a ticket shows it: `open`, `in_progress`, `closed`, or another tool's word as
/// the file has it (`deferred`: not closed, never ready or claimable).
fn status_name(s: ayo::Status) -> String {
    s.as_str().to_string()
}

/// A timestamped note on a ticket.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Clone)]
pub struct Note {
    /// When it was written.
    pub at: DateTime<Utc>,
    /// Who wrote it, if known.
    pub author: Option<String>,
    /// The text; may span lines.
    pub text: String,
}

impl From<ayo::Note> for Note {
    fn from(n: ayo::Note) -> Self {
        Note {
            at: n.at,
            author: n.author,
            text: n.text,
        }
    }
}

/// One ticket: the contract's fields with camelCase keys.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Clone)]
pub struct Ticket {
    /// The id (in a directory store, the file name without `.md`).
    pub id: String,
    /// One line, non-empty.
    pub title: String,
    /// The stored status: one of `Status`, or another tool's word as the file has it (such as
    /// `deferred`), which counts as not closed and is never ready or claimable.
    #[napi(ts_type = "Status | (string & {})")]
    pub status: String,
    /// An agent handle such as `@validator`, or a name as another tool wrote it.
    pub assignee: Option<String>,
    /// The ids this ticket waits for.
    pub deps: Vec<String>,
    /// Derived: the deps that are not closed (a missing dep counts as not closed).
    pub blocked_by: Vec<String>,
    /// Derived: open and `blockedBy` is empty.
    pub ready: bool,
    /// 0 (most urgent) to 4.
    pub priority: u32,
    /// `task`, `bug`, `feature`, `epic` or `chore`.
    #[napi(js_name = "type")]
    pub kind: String,
    /// Free labels.
    pub tags: Vec<String>,
    /// Grouping (an epic), not a dependency.
    pub parent: Option<String>,
    /// Related tickets (tk's `links`), not dependencies.
    pub links: Vec<String>,
    /// A reference elsewhere, such as `gh-42` (tk's `external-ref`, ayo's `external_ref`).
    pub external_ref: Option<String>,
    /// The markdown body that is no title or note: the text between the title and `## Notes`,
    /// then any other text of the file, in order.
    pub description: String,
    /// Oldest first.
    pub notes: Vec<Note>,
    /// Set at create.
    pub created: Option<DateTime<Utc>>,
    /// Set by start and claim.
    pub started: Option<DateTime<Utc>>,
    /// Set by close.
    pub closed: Option<DateTime<Utc>>,
    /// When the current claim's lease runs out, if it has one.
    pub lease_until: Option<DateTime<Utc>>,
    /// Until when it is deferred: neither ready nor claimable before then.
    pub defer_until: Option<DateTime<Utc>>,
    /// Whether it is archived (`archive`): `list` and `ready` no longer read it.
    pub archived: bool,
}

impl From<ayo::Ticket> for Ticket {
    fn from(t: ayo::Ticket) -> Self {
        Ticket {
            id: t.id,
            title: t.title,
            status: status_name(t.status),
            assignee: t.assignee,
            deps: t.deps,
            blocked_by: t.blocked_by,
            ready: t.ready,
            priority: u32::from(t.priority),
            kind: t.kind,
            tags: t.tags,
            parent: t.parent,
            links: t.links,
            external_ref: t.external_ref,
            description: t.description,
            notes: t.notes.into_iter().map(Note::from).collect(),
            created: t.created,
            started: t.started,
            closed: t.closed,
            lease_until: t.lease_until,
            defer_until: t.defer_until,
            archived: t.archived,
        }
    }
}

/// Converts a list of core tickets.
pub fn tickets(list: Vec<ayo::Ticket>) -> Vec<Ticket> {
    list.into_iter().map(Ticket::from).collect()
}

/// What `close` returns.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct Closed {
    /// The ticket, now closed.
    pub ticket: Ticket,
    /// Its open dependents whose `blockedBy` became empty with this close.
    pub unblocked: Vec<Ticket>,
}

impl From<ayo::Closed> for Closed {
    fn from(c: ayo::Closed) -> Self {
        Closed {
            ticket: c.ticket.into(),
            unblocked: tickets(c.unblocked),
        }
    }
}

/// The dependency tree below a ticket.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Clone)]
pub struct DepTree {
    /// The ticket's id.
    pub id: String,
    /// Its title; `null` when the ticket does not exist.
    pub title: Option<String>,
    /// Its status; `null` when the ticket does not exist.
    #[napi(ts_type = "Status | (string & {})")]
    pub status: Option<String>,
    /// True for a dep on a ticket that does not exist.
    pub missing: bool,
    /// True when this ticket was already drawn higher up (its deps are not repeated).
    pub repeated: bool,
    /// True when this ticket is 50 levels down and its deps are left out (its own `depTree`
    /// shows them).
    pub truncated: bool,
    /// The trees of its deps.
    pub deps: Vec<DepTree>,
}

impl From<ayo::DepTree> for DepTree {
    fn from(t: ayo::DepTree) -> Self {
        DepTree {
            id: t.id,
            title: t.title,
            status: t.status.map(status_name),
            missing: t.missing,
            repeated: t.repeated,
            truncated: t.truncated,
            deps: t.deps.into_iter().map(DepTree::from).collect(),
        }
    }
}

/// One entry of the audit log.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Clone)]
pub struct LogEntry {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it, if known.
    pub actor: Option<String>,
    /// The ticket it concerns.
    pub ticket: String,
    /// What happened: `create`, `start`, `claim`, `close`, ...
    pub action: String,
    /// Details, in words (may be empty).
    pub detail: String,
}

impl From<ayo::LogEntry> for LogEntry {
    fn from(e: ayo::LogEntry) -> Self {
        LogEntry {
            at: e.at,
            actor: e.actor,
            ticket: e.ticket,
            action: e.action,
            detail: e.detail,
        }
    }
}

/// What kind of problem `check` found.
#[napi(string_enum = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// A value another tool wrote that is read as something else (`status: done`, `P1`, a date
    /// alone, another status word): see `field`, `written`, `readAs`.
    NonstandardValue,
}

impl From<ayo::ProblemKind> for ProblemKind {
    fn from(k: ayo::ProblemKind) -> Self {
        match k {
            ayo::ProblemKind::Unreadable => ProblemKind::Unreadable,
            ayo::ProblemKind::MissingDep => ProblemKind::MissingDep,
            ayo::ProblemKind::Cycle => ProblemKind::Cycle,
            ayo::ProblemKind::IdMismatch => ProblemKind::IdMismatch,
            ayo::ProblemKind::ParentCycle => ProblemKind::ParentCycle,
            ayo::ProblemKind::NonstandardValue => ProblemKind::NonstandardValue,
        }
    }
}

/// One problem `check` found.
#[napi(object, object_from_js = false, use_nullable = true)]
#[derive(Debug, Clone)]
pub struct Problem {
    /// What kind.
    pub kind: ProblemKind,
    /// The ticket concerned, if one.
    pub ticket: Option<String>,
    /// The file concerned, if the store has files.
    pub path: Option<String>,
    /// The 1-based line, where known.
    pub line: Option<u32>,
    /// The cycle (first id repeated at the end), for a `cycle` or `parent_cycle` problem; else empty.
    pub cycle: Vec<String>,
    /// For a `nonstandard_value`: the frontmatter key as written.
    pub field: Option<String>,
    /// For a `nonstandard_value`: the value as written.
    pub written: Option<String>,
    /// For a `nonstandard_value`: what it is read as, as a ticket shows it (`closed`, `1`, ...).
    pub read_as: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

impl From<ayo::Problem> for Problem {
    fn from(p: ayo::Problem) -> Self {
        Problem {
            kind: p.kind.into(),
            ticket: p.ticket,
            path: p.path.map(|p| p.display().to_string()),
            line: p.line.map(line_number),
            cycle: p.cycle,
            field: p.field,
            written: p.written,
            read_as: p.read_as,
            message: p.message,
        }
    }
}

/// A line number as JavaScript holds it (saturating; no file has 2^32 lines).
pub fn line_number(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}
