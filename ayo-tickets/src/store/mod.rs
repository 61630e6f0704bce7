//! Storage: the [`Store`] trait and its backends.
//!
//! A store knows records, not rules: it keeps tickets and the audit log, and gives consistent,
//! atomic transactions. Transitions, cycles, readiness and leases live in [`crate::Tickets`]
//! and run the same over every backend.
//!
//! # The contract, and which backend overrides which default
//!
//! [`Txn`] and [`Store`] give default bodies to the methods a backend may leave to the core.
//! The contract of every method is pinned down by the trait-level cases of `store/contract.rs`
//! (`create_only_if_absent`, `drop_without_commit_writes_nothing`, `read_refuses_writes`,
//! `version_changes_at_each_commit`, `names_as_dep_never_wrongly_says_no`, `source_round_trips`,
//! ...), which every backend runs with one line beside the rule scenarios of `store/suite.rs`.
//!
//! | default method          | memory | markdown | PostgreSQL | why |
//! |-------------------------|--------|----------|------------|-----|
//! | [`Txn::scan_briefs`]    | yes    | yes      | no         | memory wraps its `Arc`s without a copy; markdown reads the scan index and decodes a ticket's text only when asked; PostgreSQL reads whole rows anyway |
//! | [`Txn::names_as_dep`]   | yes    | yes      | no         | memory and markdown answer in batches (one scan of the committed deps, then the batch's own), so that a batch of creates with deps stays linear; PostgreSQL keeps the default `None` (always correct: the cycle check then looks) |
//! | [`Txn::now`]            | no     | no       | yes        | the database server's clock, so that leases agree across hosts |
//! | [`Txn::claim_native`]   | no     | no       | yes        | one statement with `FOR UPDATE SKIP LOCKED` under a shared lock, so that claimers on many hosts run side by side; elsewhere the core picks the ticket under the writer's lock |
//! | [`Txn::source`], [`Txn::put_source`] | no | yes | yes   | the file, or the markdown a row was imported from, so that a copy keeps unknown keys and layout; memory keeps none |
//! | [`Txn::version`]        | yes    | no       | no         | memory counts its commits for free; a directory or a database cannot tell cheaply whether another process committed, so they answer `None` and the core re-derives |
//! | [`Store::changes`]      | yes    | yes      | yes        | a condition variable; a file watcher on the directory; `LISTEN`/`NOTIFY` |
//! | [`Store::place`]        | no     | yes      | yes        | memory is reached by no other handle |
//! | [`Txn::next_id`]        | yes    | yes      | yes        | only a Claude Code task list numbers its tasks (the next free number); the others draw random ids |
//! | [`Txn::archive`], [`Txn::unarchive`], [`Txn::scan_archived`], [`Txn::has_archived`], [`Txn::archived_among`] | no | no | no | memory keeps a second map; markdown moves the file to `archive/`; PostgreSQL sets `archived_at`; a Claude Code task list keeps the defaults, which refuse (Invalid) |
//!
//! The Claude Code task list store ([`claude`]) overrides [`Txn::next_id`], [`Txn::source`] and
//! [`Txn::put_source`] (the markdown a ticket was imported from, under `metadata.ayo.source`) and
//! [`Store::place`]; it keeps the other defaults (its change feed polls).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::scope::StoreChoice;
use crate::ticket::Ticket;

pub use brief::{Brief, Briefs, Strs};

mod brief;
pub mod claude;
pub mod markdown;
pub mod memory;
mod overlay;
#[cfg(feature = "postgres")]
pub mod postgres;

#[cfg(test)]
pub(crate) mod contract;
#[cfg(test)]
pub(crate) mod suite;
#[cfg(test)]
pub(crate) mod suite_archive;
#[cfg(test)]
pub(crate) mod suite_lines;
#[cfg(test)]
pub(crate) mod suite_plan;

/// What a transaction may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only. On a directory store it takes no lock.
    Read,
    /// Reads and writes, exclusive against every other writer; each commit is durable.
    Write,
    /// Like [`Access::Write`], for bulk work: durability is paid once, at commit.
    Batch,
}

/// A file or record that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The id it would have (for a file, its name without `.md`).
    pub id: String,
    /// The file, where the store has files.
    pub path: Option<PathBuf>,
    /// The error ([`Error::Parse`] for a file that cannot be parsed).
    pub error: Error,
}

/// Everything in a store at one moment.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Every readable ticket, in no particular order.
    pub tickets: Vec<Arc<Ticket>>,
    /// Every file or record that could not be read.
    pub unreadable: Vec<Unreadable>,
    /// Tickets whose stored id disagrees with their file name: (file name id, stated id).
    pub mismatched: Vec<(String, String)>,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// A claim for a store to make in one statement ([`Txn::claim_native`]): who claims, and the
/// fields the claim sets. The core computes them; the store only picks the ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRequest<'a> {
    /// The claiming agent, normalised (`@name`).
    pub agent: &'a str,
    /// The store's time of the claim: leases that end at or before it have run out, and it
    /// becomes the ticket's `started`.
    pub now: DateTime<Utc>,
    /// The lease length in seconds, if any.
    pub lease_secs: Option<u64>,
    /// When the lease runs out, if there is one.
    pub lease_until: Option<DateTime<Utc>>,
}

/// What [`Txn::claim_native`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NativeClaim {
    /// The store has no claim of its own: the core picks the ticket itself.
    Unsupported,
    /// Nothing was claimable.
    Nothing {
        /// When the next lease of an unblocked ticket in progress runs out.
        next_expiry: Option<DateTime<Utc>>,
    },
    /// The store picked this ticket (shown as it was before the claim) and wrote the claim:
    /// status `in_progress`, assignee, `started`, lease. The core adds the takeover note and
    /// the audit entry; in this transaction it may write only this ticket and the log.
    Claimed(Box<Ticket>),
}

/// A transaction: one consistent view of the store; with write access, exclusive against every
/// other writer. Writes become visible, all of them, at [`Txn::commit`]; a transaction dropped
/// without commit writes nothing.
pub trait Txn: Send {
    /// One ticket by exact id: `Ok(None)` when there is none, [`Error::Parse`] when its file is
    /// unreadable.
    fn get(&mut self, id: &str) -> Result<Option<Arc<Ticket>>>;
    /// Every ticket id, including those of unreadable files.
    fn ids(&mut self) -> Result<Vec<String>>;
    /// Every ticket, and what could not be read.
    fn scan(&mut self) -> Result<Scan>;
    /// Every ticket as a [`Brief`], and what could not be read: [`Txn::scan`] where a store
    /// may leave each ticket's text unread until asked for. The default wraps [`Txn::scan`].
    fn scan_briefs(&mut self) -> Result<Briefs> {
        Ok(self.scan()?.into())
    }
    /// Whether some ticket names `id` as a dep. `Some(false)` lets the cycle check of new
    /// edges from `id` stop early (no such edge can close a cycle); `None` when the store
    /// cannot tell cheaply or some record is unreadable, and the check must look. Batch
    /// transactions answer in constant time, so that a batch of creates with deps stays
    /// linear. The default is `None`.
    fn names_as_dep(&mut self, id: &str) -> Result<Option<bool>> {
        let _ = id;
        Ok(None)
    }
    /// The id a new ticket gets when none is chosen, where the store numbers its records (a
    /// Claude Code task list: the next free number); `None`, the default, lets the core draw a
    /// random one.
    fn next_id(&mut self) -> Result<Option<String>> {
        Ok(None)
    }
    /// Moves a ticket to the store's archive: [`Txn::scan`], [`Txn::scan_briefs`] and
    /// [`Txn::ids`] no longer read it, [`Txn::get`] still finds it (with `archived` set), and
    /// [`Txn::scan_archived`] lists it. `false` when no active ticket has this id. The core
    /// archives closed tickets only and never writes an archived one. The default refuses
    /// ([`Error::Invalid`]): a store with no archive (a Claude Code task list).
    fn archive(&mut self, id: &str) -> Result<bool> {
        let _ = id;
        Err(no_archive())
    }
    /// Moves an archived ticket back among the active ones; `false` when no archived ticket
    /// has this id. The default refuses like [`Txn::archive`].
    fn unarchive(&mut self, id: &str) -> Result<bool> {
        let _ = id;
        Err(no_archive())
    }
    /// Every archived ticket (with `archived` set), and what could not be read. The default
    /// has none.
    fn scan_archived(&mut self) -> Result<Scan> {
        Ok(Scan::default())
    }
    /// Which of `ids` are archived tickets' ids, answered without reading them (a stat each, a
    /// map lookup, one query), so that a dep on one counts as closed. The default: none.
    fn archived_among(&mut self, ids: &[String]) -> Result<Vec<String>> {
        let _ = ids;
        Ok(Vec::new())
    }
    /// Whether the store may hold archived tickets, answered cheaply (a stat, a map's length,
    /// an index lookup): when `false` a scan's deps that name no active ticket are missing,
    /// with no lookup. The default is `false`.
    fn has_archived(&mut self) -> Result<bool> {
        Ok(false)
    }
    /// Stores a new ticket only if its id is free (among active and archived tickets);
    /// `false` when taken.
    fn create(&mut self, ticket: &Ticket) -> Result<bool>;
    /// Stores a ticket, replacing the one with its id.
    fn put(&mut self, ticket: &Ticket) -> Result<()>;
    /// Removes a ticket; `false` when there was none.
    fn delete(&mut self, id: &str) -> Result<bool>;
    /// Appends to the audit log (written at commit).
    fn log(&mut self, entry: LogEntry) -> Result<()>;
    /// The audit log, oldest first; only one ticket's entries when `ticket` is given.
    fn history(&mut self, ticket: Option<&str>) -> Result<Vec<LogEntry>>;
    /// The store's clock (a database store uses its server's, so leases agree across hosts).
    fn now(&mut self) -> Result<DateTime<Utc>> {
        Ok(crate::ticket::now())
    }
    /// Claims, in one step of the store's own, the first ticket claimable by `request.agent`
    /// (the rule of `Tickets::claim`: its own first, then unassigned or with a run-out lease; each
    /// in the `ready` order). The default is [`NativeClaim::Unsupported`].
    fn claim_native(&mut self, request: &ClaimRequest<'_>) -> Result<NativeClaim> {
        let _ = request;
        Ok(NativeClaim::Unsupported)
    }
    /// The text a ticket was stored as, if the store keeps one (a directory store's file, the
    /// markdown a database row was imported from), for [`crate::format::render`] as `previous`,
    /// so that a copy keeps unknown keys and layout. It may predate the ticket's last changes.
    fn source(&mut self, id: &str) -> Result<Option<String>> {
        let _ = id;
        Ok(None)
    }
    /// Stores a ticket like [`Txn::put`], with the text it was stored as elsewhere (see
    /// [`Txn::source`]). The default ignores the text.
    fn put_source(&mut self, ticket: &Ticket, source: Option<&str>) -> Result<()> {
        let _ = source;
        self.put(ticket)
    }
    /// A number for the committed state this transaction reads, that changes at every commit
    /// of the store, so that [`crate::Tickets`] may keep what it derived from one state (the
    /// `ready` list) until the next. `None` when the store cannot tell cheaply, or when this
    /// transaction holds writes of its own. The default is `None`.
    fn version(&self) -> Option<u64> {
        None
    }
    /// Makes every write of this transaction durable and visible.
    fn commit(self: Box<Self>) -> Result<()>;

    /// For a read: `false` when a commit was made visible while it ran, so that it may have
    /// seen part of it (the caller reads again). Stores whose reads are snapshots say `true`.
    fn settled(&mut self) -> bool {
        true
    }
    /// True when this transaction lost its connection to the store before it could commit
    /// anything (a database server that ended the session, a cut network), so that the same
    /// work may run again in a new transaction. The default is `false`.
    fn lost(&self) -> bool {
        false
    }
    /// [`Txn::commit`], saying when it fails whether it is [`Txn::lost`]: nothing was written,
    /// the work may run again. A store that cannot tell whether a lost commit took effect
    /// finds out before it answers; an outcome it could not find out is a
    /// [`CommitFailure::Failed`] whose error says so. The default wraps [`Txn::commit`].
    fn commit_or_lost(self: Box<Self>) -> std::result::Result<(), CommitFailure> {
        self.commit().map_err(CommitFailure::Failed)
    }
}

/// The error of a store with no archive.
pub(crate) fn no_archive() -> Error {
    Error::invalid(
        "this store keeps no archive: archive and unarchive work on markdown, memory and PostgreSQL stores",
    )
}

/// How [`Txn::commit_or_lost`] failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommitFailure {
    /// The connection was lost and the commit did not take effect: nothing was written.
    Lost(Error),
    /// Any other failure (the error says whether anything was written).
    Failed(Error),
}

impl CommitFailure {
    /// The error, whichever way it failed.
    pub fn into_error(self) -> Error {
        match self {
            CommitFailure::Lost(e) | CommitFailure::Failed(e) => e,
        }
    }
}

/// Wakes waiters when a store may have changed.
pub trait ChangeFeed: Send {
    /// Blocks until the store may have changed since this feed was made or last returned
    /// `true`, or until `deadline` (then `false`). May wake spuriously with `true`; the caller
    /// re-reads the store.
    fn wait(&mut self, deadline: Instant) -> Result<bool>;
}

/// A place where tickets live.
pub trait Store: Send + Sync {
    /// Starts a transaction.
    fn begin(&self, access: Access) -> Result<Box<dyn Txn>>;
    /// Sets how long a writer waits for the store's writer lock before [`Error::Busy`]
    /// (a store with no such lock ignores it).
    fn set_lock_timeout(&self, _timeout: std::time::Duration) {}
    /// A feed of change signals. Subscribe before the first read so that no change is missed.
    ///
    /// The default polls every 200 ms; stores override it with a real signal.
    fn changes(&self) -> Result<Box<dyn ChangeFeed>> {
        Ok(Box::new(PollFeed::new(Duration::from_millis(200))))
    }
    /// Where the store is, for messages (`/path/.tickets`, `memory`, `postgres://...`).
    fn location(&self) -> String;
    /// Where the store is, for checks that two handles reach the same store (a copy onto
    /// itself) and that a directory is there: [`StoreChoice::Dir`] with a markdown store's
    /// directory, [`StoreChoice::Url`] with a database's [`Store::location`]. `None`, the
    /// default, for a store no other handle reaches (memory).
    fn place(&self) -> Option<StoreChoice> {
        None
    }
}

/// A [`ChangeFeed`] that reports a possible change at a fixed interval: the fallback when no
/// signal is available.
#[derive(Debug, Clone)]
pub struct PollFeed {
    every: Duration,
    next: Instant,
}

impl PollFeed {
    /// A feed that wakes every `every`.
    pub fn new(every: Duration) -> Self {
        PollFeed {
            every,
            next: Instant::now() + every,
        }
    }
}

impl ChangeFeed for PollFeed {
    fn wait(&mut self, deadline: Instant) -> Result<bool> {
        let now = Instant::now();
        if self.next <= deadline {
            if self.next > now {
                std::thread::sleep(self.next - now);
            }
            self.next = Instant::now() + self.every;
            Ok(true)
        } else {
            if deadline > now {
                std::thread::sleep(deadline - now);
            }
            Ok(false)
        }
    }
}
