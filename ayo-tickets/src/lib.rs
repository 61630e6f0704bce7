//! ayo-tickets: the ticket system AI agents use to coordinate work.
//!
//! Tickets are markdown files with YAML frontmatter (or rows of a database store). This crate
//! holds every rule: the ticket model, the lossless file format, the dependency graph, the
//! transitions, leases and claims, and the storage trait with its backends. The Python, Node
//! and CLI front ends only convert types and errors.
//!
//! ```
//! use ayo_tickets::{NewTicket, Tickets};
//! let dir = tempfile::tempdir().unwrap();
//! let t = Tickets::open(dir.path())?;
//! let a = t.create(NewTicket::new("Extract data from invoices").assignee("extractor"))?;
//! let b = t.create(NewTicket::new("Validate extracted data").assignee("validator").dep(&a.id))?;
//! assert!(!t.get(&b.id)?.ready);
//! let closed = t.close(&a.id, Some("47 reports"))?;
//! assert_eq!(closed.unblocked[0].id, b.id);
//! assert_eq!(t.ready(Some("@validator"))?[0].id, b.id);
//! # Ok::<(), ayo_tickets::Error>(())
//! ```

mod error;
pub mod format;
mod graph;
mod hooks;
mod options;
mod parallel;
mod request;
mod scope;
pub mod store;
mod ticket;
mod tickets;
mod when;

pub use error::{Error, Field, Holder, Result};
pub use graph::{DepGraph, DepTree, GraphFormat, MAX_TREE_DEPTH};
pub use options::{
    ClaimOptions, OpenOptions, lease_from_secs, lease_from_text, timeout_from_secs, wait_timeout,
};
pub use request::{Closed, Filter, NewTicket, Problem, ProblemKind, Update};
pub use scope::{
    DEFAULT_SESSION, ProjectSearch, StoreChoice, StoreFlags, TICKETS_DIR, find_project, home,
    validate_session,
};
pub use store::{Access, LogEntry, Scan, Store, Unreadable};
pub use ticket::{
    DEFAULT_PRIORITY, Note, Status, TYPES, Ticket, agent_matches, normalize_agent, now, validate_id,
};
pub use tickets::{
    BeadsImport, Copied, DEFAULT_WORK_LEASE, Interrupt, Job, JobWatch, LostHandler, NotMapped,
    Reason, TicketLine, Tickets, WarningHandler, Watch, WatchOptions, Why,
};
pub use when::{duration_from_text, when_from_text, when_from_text_at};

/// How an agent works with ayo tickets, in markdown: `ayo ticket guide` prints it and `ayo
/// mcp` serves it as the resource `ayo://guide`.
pub const GUIDE: &str = include_str!("guide.md");

/// Test-only (the `test-hooks` feature): the markdown store's file-system calls, logged and
/// failed on demand, for the crash-state explorer and the failure tests.
#[cfg(feature = "test-hooks")]
#[doc(hidden)]
pub mod fs_record {
    pub use crate::store::markdown::fs::Call;
    pub use crate::store::markdown::fs::record::{FailWhen, Recorder, record};
}

/// The README's Rust examples, compiled and run as doc tests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
