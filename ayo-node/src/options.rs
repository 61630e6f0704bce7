//! The option objects operations take, each key listed once (the [`options!`] macro gives each
//! struct its TypeScript type and its reader; docs are written `#[doc = "..."]` in it, because a
//! `///` comment passed through a macro reaches `index.d.ts` as a raw string), and the conversion of JavaScript numbers to the
//! core's priorities. Leases and timeouts are converted by the core (`ayo_tickets::OpenOptions`,
//! `ClaimOptions::from_secs`, `lease_from_secs`, `wait_timeout`), the same as for Python and the
//! CLI. Options are read through [`crate::args::options_arg`]: a key not listed here is
//! `INVALID`, and `null` is "not given" for every option but `update`'s `parent` (where it
//! clears, as the core's `Update` defines).

use crate::abort::SignalRef;
use crate::args::options;
use ayo_tickets as ayo;
use napi_derive::napi;

options! {
    #[doc = " Options of the constructors (`open`, `openSession`, `openGlobal`, `openProject`, `inMemory`,"]
    #[doc = " `connect`)."]
    pub struct OpenOptions {
        #[doc = " Who acts, for notes and the audit log (`@` is added); else `$AYO_AGENT`."]
        #[napi(ts_type = "string | null")]
        actor: Option<String>,
        #[doc = " The lease in seconds a claim gets when it names none; else `$AYO_LEASE`, else none."]
        #[napi(ts_type = "number | null")]
        lease: Option<f64>,
        #[doc = " How many seconds a writer waits for the store's writer lock before it throws an"]
        #[doc = " error with `code` `BUSY`; else `$AYO_LOCK_TIMEOUT`, else 30."]
        #[napi(ts_type = "number | null")]
        lock_timeout as "lockTimeout": Option<f64>,
    }
    #[doc = " Options of `create`."]
    pub struct CreateOptions {
        #[doc = " An agent handle (`@` is added)."]
        #[napi(ts_type = "string | null")]
        assignee: Option<String>,
        #[doc = " Ids (or unique prefixes) of existing tickets this one waits for."]
        #[napi(ts_type = "Array<string> | null")]
        deps: Option<Vec<String>>,
        #[doc = " 0 (most urgent) to 4; 2 when not given."]
        #[napi(ts_type = "number | null")]
        priority: Option<f64>,
        #[doc = " `task` (default), `bug`, `feature`, `epic` or `chore`."]
        #[napi(ts_type = "string | null")]
        kind as "type": Option<String>,
        #[doc = " Labels."]
        #[napi(ts_type = "Array<string> | null")]
        tags: Option<Vec<String>>,
        #[doc = " The markdown body."]
        #[napi(ts_type = "string | null")]
        description: Option<String>,
        #[doc = " An epic or other grouping ticket."]
        #[napi(ts_type = "string | null")]
        parent: Option<String>,
        #[doc = " A chosen id; generated when not given."]
        #[napi(ts_type = "string | null")]
        id: Option<String>,
        #[doc = " Not ready nor claimable until then: a `Date`, RFC 3339, or `\"2h\"` from now."]
        #[napi(ts_type = "Date | string | null")]
        defer_until as "deferUntil": Option<crate::args::When>,
    }
    #[doc = " The filter of `list`: every field that is set must match."]
    pub struct ListOptions {
        #[doc = " Only this status."]
        #[napi(ts_type = "Status | null")]
        status: Option<String>,
        #[doc = " Only this agent's (with or without the `@`)."]
        #[napi(ts_type = "string | null")]
        assignee: Option<String>,
        #[doc = " Only tickets with this tag."]
        #[napi(ts_type = "string | null")]
        tag: Option<String>,
        #[doc = " Only this type."]
        #[napi(ts_type = "string | null")]
        kind as "type": Option<String>,
        #[doc = " Only children of this ticket."]
        #[napi(ts_type = "string | null")]
        parent: Option<String>,
        #[doc = " `true`: the archived tickets instead of the active ones."]
        #[napi(ts_type = "boolean | null")]
        archived: Option<bool>,
    }
    #[doc = " Options of `ready` and `blocked`."]
    pub struct AgentOptions {
        #[doc = " Only this agent's tickets (with or without the `@`)."]
        #[napi(ts_type = "string | null")]
        assignee: Option<String>,
    }
    #[doc = " The fields `update` edits; a field left out keeps its value."]
    pub struct UpdateOptions {
        #[doc = " A new title."]
        #[napi(ts_type = "string | null")]
        title: Option<String>,
        #[doc = " A new description."]
        #[napi(ts_type = "string | null")]
        description: Option<String>,
        #[doc = " A new priority, 0 to 4."]
        #[napi(ts_type = "number | null")]
        priority: Option<f64>,
        #[doc = " A new type."]
        #[napi(ts_type = "string | null")]
        kind as "type": Option<String>,
        #[doc = " New tags, replacing the old."]
        #[napi(ts_type = "Array<string> | null")]
        tags: Option<Vec<String>>,
        #[doc = " A new parent; `null` clears it."]
        #[napi(ts_type = "string | null")]
        parent (nullable): Option<Option<String>>,
        #[doc = " Not ready nor claimable until then (a `Date`, RFC 3339, or `\"2h\"` from now); `null` ends the deferral."]
        #[napi(ts_type = "Date | string | null")]
        defer_until as "deferUntil" (nullable): Option<Option<crate::args::When>>,
    }
    #[doc = " Options of `start`."]
    pub struct StartOptions {
        #[doc = " Starts it for this agent (sets the assignee)."]
        #[napi(ts_type = "string | null")]
        agent: Option<String>,
        #[doc = " Starts it even though its deps are not closed."]
        #[napi(ts_type = "boolean | null")]
        force: Option<bool>,
    }
    // `signal` last: a wrong option before it leaves no reference to release.
    #[doc = " Options of `claim`."]
    pub struct ClaimOptions {
        #[doc = " Wait until a ticket is claimable (or the timeout passes), then claim it."]
        #[napi(ts_type = "boolean | null")]
        wait: Option<bool>,
        #[doc = " With `wait`: how long to wait at most, in seconds; forever when not given."]
        #[napi(ts_type = "number | null")]
        timeout: Option<f64>,
        #[doc = " The lease in seconds; the handle's default (`$AYO_LEASE`) when not given, else none."]
        #[napi(ts_type = "number | null")]
        lease: Option<f64>,
        #[doc = " Cancels the wait: the promise rejects with an `AbortError`."]
        #[napi(ts_type = "AbortSignal | null")]
        signal: Option<SignalRef>,
    }
    #[doc = " Options of `heartbeat`."]
    pub struct HeartbeatOptions {
        #[doc = " Renews by this many seconds; else by the length given at claim."]
        #[napi(ts_type = "number | null")]
        lease: Option<f64>,
    }
    #[doc = " Options of `release`."]
    pub struct ReleaseOptions {
        #[doc = " The agent giving it back (Conflict when another agent holds it)."]
        #[napi(ts_type = "string | null")]
        agent: Option<String>,
    }
    #[doc = " Options of a job's `release`."]
    pub struct JobReleaseOptions {
        #[doc = " A note added before the ticket is given back."]
        #[napi(ts_type = "string | null")]
        note: Option<String>,
    }
    #[doc = " Options of `close`."]
    pub struct CloseOptions {
        #[doc = " Why; becomes a note."]
        #[napi(ts_type = "string | null")]
        reason: Option<String>,
    }
    #[doc = " Options of `delete`."]
    pub struct DeleteOptions {
        #[doc = " Also removes the deps other tickets have on it."]
        #[napi(ts_type = "boolean | null")]
        force: Option<bool>,
    }
    #[doc = " Options of `waitReady`."]
    pub struct WaitOptions {
        #[doc = " Waits for this agent's ready tickets only."]
        #[napi(ts_type = "string | null")]
        assignee: Option<String>,
        #[doc = " How long to wait at most, in seconds; forever when not given."]
        #[napi(ts_type = "number | null")]
        timeout: Option<f64>,
        #[doc = " Cancels the wait: the promise rejects with an `AbortError`."]
        #[napi(ts_type = "AbortSignal | null")]
        signal: Option<SignalRef>,
    }
    #[doc = " Options of `graph`."]
    pub struct GraphOptions {
        #[doc = " `mermaid` (default) or `dot`."]
        #[napi(ts_type = "'mermaid' | 'dot' | null")]
        format: Option<String>,
        #[doc = " Draws only the part below this ticket."]
        #[napi(ts_type = "string | null")]
        id: Option<String>,
    }
}

// Written out, not through `options!`: `signal` is read by each step of the iteration, not here.
/// Options of `watch`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct WatchOptions {
    /// First replay the audit log from this moment (a `Date`, or an RFC 3339 string).
    #[napi(ts_type = "Date | string | null")]
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Only changes made by this agent or to tickets assigned to it.
    #[napi(ts_type = "string | null")]
    pub agent: Option<String>,
    /// Ends the iteration: the pending step rejects with an `AbortError`.
    #[napi(ts_type = "AbortSignal | null")]
    pub signal: Option<SignalRef>,
}

impl crate::args::Options for WatchOptions {
    const KEYS: &'static [&'static str] = &["since", "agent", "signal"];
    fn read(r: &crate::args::Reader<'_>) -> ayo::Result<Self> {
        Ok(WatchOptions {
            since: r.get("since")?,
            agent: r.get("agent")?,
            signal: None,
        })
    }
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
            defer_until: self.defer_until.map(|w| w.0),
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
            archived: self.archived.unwrap_or(false),
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
            defer_until: self.defer_until.map(|d| d.map(|w| w.0)),
        })
    }
}

options! {
    #[doc = " Options of `why`."]
    pub struct WhyOptions {
        #[doc = " Whether this agent may claim it (without: its assignee, or anyone)."]
        #[napi(ts_type = "string | null")]
        agent: Option<String>,
    }
}
