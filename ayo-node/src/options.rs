//! The option objects operations take, and the conversions of JavaScript numbers to the core's
//! integers and durations (a number that is not a whole, non-negative count is `INVALID`).

use std::time::Duration;

use crate::abort::SignalRef;
use ayo_tickets as ayo;
use napi_derive::napi;

/// Options of the constructors (`open`, `openSession`, `openGlobal`, `inMemory`, `connect`).
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct OpenOptions {
    /// Who acts, for notes and the audit log (`@` is added); else `$AYO_AGENT`.
    pub actor: Option<String>,
    /// The lease in seconds a claim gets when it names none; else `$AYO_LEASE`, else none.
    pub lease: Option<f64>,
}

/// Options of `create`.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct CreateOptions {
    /// An agent handle (`@` is added).
    pub assignee: Option<String>,
    /// Ids (or unique prefixes) of existing tickets this one waits for.
    pub deps: Option<Vec<String>>,
    /// 0 (most urgent) to 4; 2 when not given.
    pub priority: Option<f64>,
    /// `task` (default), `bug`, `feature`, `epic` or `chore`.
    #[napi(js_name = "type")]
    pub kind: Option<String>,
    /// Labels.
    pub tags: Option<Vec<String>>,
    /// The markdown body.
    pub description: Option<String>,
    /// An epic or other grouping ticket.
    pub parent: Option<String>,
    /// A chosen id; generated when not given.
    pub id: Option<String>,
}

/// The filter of `list`: every field that is set must match.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct ListOptions {
    /// Only this status.
    #[napi(ts_type = "Status")]
    pub status: Option<String>,
    /// Only this agent's (with or without the `@`).
    pub assignee: Option<String>,
    /// Only tickets with this tag.
    pub tag: Option<String>,
    /// Only this type.
    #[napi(js_name = "type")]
    pub kind: Option<String>,
    /// Only children of this ticket.
    pub parent: Option<String>,
}

/// Options of `ready` and `blocked`.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct AgentOptions {
    /// Only this agent's tickets (with or without the `@`).
    pub assignee: Option<String>,
}

/// The fields `update` edits; a field left out keeps its value.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct UpdateOptions {
    /// A new title.
    pub title: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// A new priority, 0 to 4.
    pub priority: Option<f64>,
    /// A new type.
    #[napi(js_name = "type")]
    pub kind: Option<String>,
    /// New tags, replacing the old.
    pub tags: Option<Vec<String>>,
    /// A new parent; `null` clears it.
    #[napi(ts_type = "string | null")]
    pub parent: Option<String>,
}

/// Options of `start`.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct StartOptions {
    /// Starts it for this agent (sets the assignee).
    pub agent: Option<String>,
    /// Starts it even though its deps are not closed.
    pub force: Option<bool>,
}

/// Options of `claim`.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct ClaimOptions {
    /// Wait until a ticket is claimable (or the timeout passes), then claim it.
    pub wait: Option<bool>,
    /// With `wait`: how long to wait at most, in seconds; forever when not given.
    pub timeout: Option<f64>,
    /// The lease in seconds; the handle's default (`$AYO_LEASE`) when not given, else none.
    pub lease: Option<f64>,
    /// Cancels the wait: the promise rejects with an `AbortError`.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<SignalRef>,
}

/// Options of `heartbeat`.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct HeartbeatOptions {
    /// Renews by this many seconds; else by the length given at claim.
    pub lease: Option<f64>,
}

/// Options of `release`.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct ReleaseOptions {
    /// The agent giving it back (Conflict when another agent holds it).
    pub agent: Option<String>,
}

/// Options of `close`.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct CloseOptions {
    /// Why; becomes a note.
    pub reason: Option<String>,
}

/// Options of `delete`.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct DeleteOptions {
    /// Also removes the deps other tickets have on it.
    pub force: Option<bool>,
}

/// Options of `waitReady`.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct WaitOptions {
    /// Waits for this agent's ready tickets only.
    pub assignee: Option<String>,
    /// How long to wait at most, in seconds; forever when not given.
    pub timeout: Option<f64>,
    /// Cancels the wait: the promise rejects with an `AbortError`.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<SignalRef>,
}

/// Options of `graph`.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct GraphOptions {
    /// `mermaid` (default) or `dot`.
    #[napi(ts_type = "'mermaid' | 'dot'")]
    pub format: Option<String>,
    /// Draws only the part below this ticket.
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

/// A JavaScript number of seconds as a timeout; `Infinity` waits forever.
pub fn timeout(n: Option<f64>) -> ayo::Result<Option<Duration>> {
    match n {
        None => Ok(None),
        Some(s) if s == f64::INFINITY => Ok(None),
        Some(s) => Duration::try_from_secs_f64(s).map(Some).map_err(|_| {
            ayo::Error::invalid(format!(
                "timeout must be a non-negative number of seconds, not {s}"
            ))
        }),
    }
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
    /// The core's update; `clear_parent` when the caller gave `parent: null`.
    pub fn into_update(self, clear_parent: bool) -> ayo::Result<ayo::Update> {
        let parent = match self.parent {
            Some(p) => Some(Some(p)),
            None if clear_parent => Some(None),
            None => None,
        };
        Ok(ayo::Update {
            title: self.title,
            description: self.description,
            priority: self.priority.map(|p| whole("priority", p)).transpose()?,
            kind: self.kind,
            tags: self.tags,
            parent,
        })
    }
}
