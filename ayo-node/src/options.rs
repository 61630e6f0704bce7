//! The option objects operations take, and the conversions of JavaScript numbers to the core's
//! integers and durations (a number that is not a whole, non-negative count is `INVALID`).
//! Options are read through [`crate::args::options_arg`]: a key not listed here is `INVALID`, and
//! `null` is "not given" for every option but `update`'s `parent` (where it clears).

use std::time::Duration;

use crate::abort::SignalRef;
use crate::args::{Options, Reader, impl_options};
use ayo_tickets as ayo;
use napi_derive::napi;

/// Options of the constructors (`open`, `openSession`, `openGlobal`, `openProject`, `inMemory`,
/// `connect`).
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct OpenOptions {
    /// Who acts, for notes and the audit log (`@` is added); else `$AYO_AGENT`.
    #[napi(ts_type = "string | null")]
    pub actor: Option<String>,
    /// The lease in seconds a claim gets when it names none; else `$AYO_LEASE`, else none.
    #[napi(ts_type = "number | null")]
    pub lease: Option<f64>,
}

/// Options of `create`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct CreateOptions {
    /// An agent handle (`@` is added).
    #[napi(ts_type = "string | null")]
    pub assignee: Option<String>,
    /// Ids (or unique prefixes) of existing tickets this one waits for.
    #[napi(ts_type = "Array<string> | null")]
    pub deps: Option<Vec<String>>,
    /// 0 (most urgent) to 4; 2 when not given.
    #[napi(ts_type = "number | null")]
    pub priority: Option<f64>,
    /// `task` (default), `bug`, `feature`, `epic` or `chore`.
    #[napi(js_name = "type", ts_type = "string | null")]
    pub kind: Option<String>,
    /// Labels.
    #[napi(ts_type = "Array<string> | null")]
    pub tags: Option<Vec<String>>,
    /// The markdown body.
    #[napi(ts_type = "string | null")]
    pub description: Option<String>,
    /// An epic or other grouping ticket.
    #[napi(ts_type = "string | null")]
    pub parent: Option<String>,
    /// A chosen id; generated when not given.
    #[napi(ts_type = "string | null")]
    pub id: Option<String>,
}

/// The filter of `list`: every field that is set must match.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct ListOptions {
    /// Only this status.
    #[napi(ts_type = "Status | null")]
    pub status: Option<String>,
    /// Only this agent's (with or without the `@`).
    #[napi(ts_type = "string | null")]
    pub assignee: Option<String>,
    /// Only tickets with this tag.
    #[napi(ts_type = "string | null")]
    pub tag: Option<String>,
    /// Only this type.
    #[napi(js_name = "type", ts_type = "string | null")]
    pub kind: Option<String>,
    /// Only children of this ticket.
    #[napi(ts_type = "string | null")]
    pub parent: Option<String>,
}

/// Options of `ready` and `blocked`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct AgentOptions {
    /// Only this agent's tickets (with or without the `@`).
    #[napi(ts_type = "string | null")]
    pub assignee: Option<String>,
}

/// The fields `update` edits; a field left out keeps its value.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct UpdateOptions {
    /// A new title.
    #[napi(ts_type = "string | null")]
    pub title: Option<String>,
    /// A new description.
    #[napi(ts_type = "string | null")]
    pub description: Option<String>,
    /// A new priority, 0 to 4.
    #[napi(ts_type = "number | null")]
    pub priority: Option<f64>,
    /// A new type.
    #[napi(js_name = "type", ts_type = "string | null")]
    pub kind: Option<String>,
    /// New tags, replacing the old.
    #[napi(ts_type = "Array<string> | null")]
    pub tags: Option<Vec<String>>,
    /// A new parent; `null` clears it.
    #[napi(ts_type = "string | null")]
    pub parent: Option<Option<String>>,
}

/// Options of `start`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct StartOptions {
    /// Starts it for this agent (sets the assignee).
    #[napi(ts_type = "string | null")]
    pub agent: Option<String>,
    /// Starts it even though its deps are not closed.
    #[napi(ts_type = "boolean | null")]
    pub force: Option<bool>,
}

/// Options of `claim`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct ClaimOptions {
    /// Wait until a ticket is claimable (or the timeout passes), then claim it.
    #[napi(ts_type = "boolean | null")]
    pub wait: Option<bool>,
    /// With `wait`: how long to wait at most, in seconds; forever when not given.
    #[napi(ts_type = "number | null")]
    pub timeout: Option<f64>,
    /// The lease in seconds; the handle's default (`$AYO_LEASE`) when not given, else none.
    #[napi(ts_type = "number | null")]
    pub lease: Option<f64>,
    /// Cancels the wait: the promise rejects with an `AbortError`.
    #[napi(ts_type = "AbortSignal | null")]
    pub signal: Option<SignalRef>,
}

/// Options of `heartbeat`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct HeartbeatOptions {
    /// Renews by this many seconds; else by the length given at claim.
    #[napi(ts_type = "number | null")]
    pub lease: Option<f64>,
}

/// Options of `release`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct ReleaseOptions {
    /// The agent giving it back (Conflict when another agent holds it).
    #[napi(ts_type = "string | null")]
    pub agent: Option<String>,
}

/// Options of a job's `release`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct JobReleaseOptions {
    /// A note added before the ticket is given back.
    #[napi(ts_type = "string | null")]
    pub note: Option<String>,
}

/// Options of `close`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct CloseOptions {
    /// Why; becomes a note.
    #[napi(ts_type = "string | null")]
    pub reason: Option<String>,
}

/// Options of `delete`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct DeleteOptions {
    /// Also removes the deps other tickets have on it.
    #[napi(ts_type = "boolean | null")]
    pub force: Option<bool>,
}

/// Options of `waitReady`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct WaitOptions {
    /// Waits for this agent's ready tickets only.
    #[napi(ts_type = "string | null")]
    pub assignee: Option<String>,
    /// How long to wait at most, in seconds; forever when not given.
    #[napi(ts_type = "number | null")]
    pub timeout: Option<f64>,
    /// Cancels the wait: the promise rejects with an `AbortError`.
    #[napi(ts_type = "AbortSignal | null")]
    pub signal: Option<SignalRef>,
}

/// Options of `graph`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct GraphOptions {
    /// `mermaid` (default) or `dot`.
    #[napi(ts_type = "'mermaid' | 'dot' | null")]
    pub format: Option<String>,
    /// Draws only the part below this ticket.
    #[napi(ts_type = "string | null")]
    pub id: Option<String>,
}

/// A JavaScript number as a whole number (priorities).
pub fn whole(what: &str, n: f64) -> ayo::Result<i64> {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 9.0e15 {
        // Exact: a finite whole number below 2^53 converts without loss.
        #[allow(clippy::cast_possible_truncation)]
        Ok(n as i64)
    } else {
        Err(ayo::Error::invalid(format!(
            "{what} must be a whole number, not {n}"
        )))
    }
}

/// A JavaScript number as a count of seconds (leases).
pub fn seconds(what: &str, n: f64) -> ayo::Result<u64> {
    let w = whole(what, n)?;
    u64::try_from(w).map_err(|_| ayo::Error::invalid(format!("{what} must not be negative")))
}

/// A JavaScript number of seconds as a timeout: `undefined` waits forever, as the core reads
/// the rest (`Infinity`, or more than any clock holds, waits forever too).
pub fn timeout(n: Option<f64>) -> ayo::Result<Option<Duration>> {
    Ok(n.map(ayo::timeout_from_secs).transpose()?.flatten())
}

impl CreateOptions {
    /// The core's request for a new ticket titled `title`.
    pub fn into_new(self, title: String) -> ayo::Result<ayo::NewTicket> {
        Ok(ayo::NewTicket {
            title,
            assignee: self.assignee,
            deps: self.deps.unwrap_or_default(),
            priority: self.priority.map(|p| whole("priority", p)).transpose()?,
            kind: self.kind,
            tags: self.tags.unwrap_or_default(),
            description: self.description,
            parent: self.parent,
            id: self.id,
        })
    }
}

impl ListOptions {
    /// The core's filter.
    pub fn into_filter(self) -> ayo::Result<ayo::Filter> {
        Ok(ayo::Filter {
            status: self.status.map(|s| s.parse()).transpose()?,
            assignee: self.assignee,
            tag: self.tag,
            kind: self.kind,
            parent: self.parent,
        })
    }
}

impl UpdateOptions {
    /// The core's update.
    pub fn into_update(self) -> ayo::Result<ayo::Update> {
        Ok(ayo::Update {
            title: self.title,
            description: self.description,
            priority: self.priority.map(|p| whole("priority", p)).transpose()?,
            kind: self.kind,
            tags: self.tags,
            parent: self.parent,
        })
    }
}

impl_options! {
    OpenOptions { actor: "actor", lease: "lease" }
    CreateOptions {
        assignee: "assignee",
        deps: "deps",
        priority: "priority",
        kind: "type",
        tags: "tags",
        description: "description",
        parent: "parent",
        id: "id",
    }
    ListOptions { status: "status", assignee: "assignee", tag: "tag", kind: "type", parent: "parent" }
    AgentOptions { assignee: "assignee" }
    StartOptions { agent: "agent", force: "force" }
    // `signal` last: a wrong option before it leaves no reference to release.
    ClaimOptions { wait: "wait", timeout: "timeout", lease: "lease", signal: "signal" }
    HeartbeatOptions { lease: "lease" }
    ReleaseOptions { agent: "agent" }
    JobReleaseOptions { note: "note" }
    CloseOptions { reason: "reason" }
    DeleteOptions { force: "force" }
    WaitOptions { assignee: "assignee", timeout: "timeout", signal: "signal" }
    GraphOptions { format: "format", id: "id" }
}

impl Options for UpdateOptions {
    const KEYS: &'static [&'static str] =
        &["title", "description", "priority", "type", "tags", "parent"];
    fn read(r: &Reader<'_>) -> ayo::Result<Self> {
        Ok(UpdateOptions {
            title: r.get("title")?,
            description: r.get("description")?,
            priority: r.get("priority")?,
            kind: r.get("type")?,
            tags: r.get("tags")?,
            parent: r.nullable("parent")?,
        })
    }
}
