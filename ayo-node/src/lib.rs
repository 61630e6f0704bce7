//! The npm package `ayo-tickets`: the Node shape of the ayo-tickets contract.
//!
//! A `Tickets` class with one method per operation, option objects, tickets as plain objects
//! with camelCase keys and `Date`s, and errors that carry the contract's `code`. The core owns
//! every rule: each method converts its arguments, calls the core and maps the error.
//! `claim` and `waitReady` return promises settled from threads of their own, so a wait never
//! blocks the event loop nor occupies libuv's thread pool; an `AbortSignal` cancels one. The other
//! methods are sync; `tickets.promises` has each as a promise, run the same way. A panic in the
//! core becomes a JavaScript `Error` (every method is built with `catch_unwind`), never an abort.

mod abort;
mod args;
mod beads;
mod calls;
mod convert;
mod error;
mod job;
mod options;
mod plan;
mod promises;
mod tickets;
mod wait;
mod warnings;
mod watch;

pub use convert::{Closed, DepTree, LogEntry, Note, Problem, ProblemKind, Status, Ticket};
pub use job::Job;
pub use options::{
    AgentOptions, ClaimOptions, CloseOptions, CreateOptions, DeleteOptions, GraphOptions,
    HeartbeatOptions, JobReleaseOptions, ListOptions, OpenOptions, ReleaseOptions, StartOptions,
    UpdateOptions, WaitOptions, WatchOptions, WhyOptions,
};
pub use plan::{Why, WhyReason, guide};
pub use promises::TicketsPromises;
pub use tickets::Tickets;
pub use watch::Watcher;
