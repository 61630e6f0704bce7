//! [`Tickets`]: every operation and rule of the contract, over any [`Store`].

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::ThreadId;

use crate::error::{Error, Result};
use crate::graph::annotate;
use crate::options::OpenOptions;
use crate::scope::{self, StoreChoice, StoreFlags};
use crate::store::markdown::MarkdownStore;
use crate::store::memory::MemoryStore;
use crate::store::{Access, LogEntry, Scan, Store, Txn, Unreadable};
use crate::ticket::{Status, Ticket, normalize_agent, validate_id};

mod archive;
mod beads;
mod check;
mod copy;
mod defer;
mod lifecycle;
mod lines;
mod links;
mod read;
mod search;
mod wait;
mod watch;
mod why;
mod work;
mod write;

pub use beads::{BeadsImport, NotMapped};
pub use copy::Copied;
pub use lines::TicketLine;
pub use wait::Interrupt;
pub use watch::{Watch, WatchOptions};
pub use why::{Reason, Why};
pub use work::{DEFAULT_WORK_LEASE, Job, JobWatch, LostHandler};

/// A handler for files a read had to skip.
pub type WarningHandler = Arc<dyn Fn(&Unreadable) + Send + Sync>;

/// Tickets in one store: the operations of the contract.
///
/// ```
/// use ayo_tickets::{NewTicket, Tickets};
/// let t = Tickets::in_memory();
/// let extract = t.create(NewTicket::new("Extract data from invoices").assignee("extractor"))?;
/// let validate = t.create(NewTicket::new("Validate extracted data").assignee("validator").dep(&extract.id))?;
/// let import = t.create(NewTicket::new("Import to accounting system").dep(&validate.id))?;
/// assert!(t.ready(Some("@validator"))?.is_empty());
/// let closed = t.close(&extract.id, None)?;
/// assert_eq!(closed.unblocked[0].id, validate.id);
/// assert_eq!(t.ready(Some("validator"))?[0].id, validate.id);
/// assert_eq!(t.get(&import.id)?.blocked_by, vec![validate.id.clone()]);
/// # Ok::<(), ayo_tickets::Error>(())
/// ```
pub struct Tickets {
    store: Arc<dyn Store>,
    actor: Option<String>,
    default_lease: Option<u64>,
    batch: Mutex<Option<Batch>>,
    warn: WarningHandler,
    /// The last `ready` list, kept while the store's version stays the same.
    ready_view: Mutex<Option<read::ReadyView>>,
}

struct Batch {
    thread: ThreadId,
    depth: usize,
    txn: Box<dyn Txn>,
}

impl std::fmt::Debug for Tickets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tickets")
            .field("store", &self.store.location())
            .field("actor", &self.actor)
            .finish()
    }
}

/// A lock timeout given in seconds: a finite number, at least 0.
fn lock_timeout(seconds: f64) -> Result<std::time::Duration> {
    if seconds.is_finite() && (0.0..1e12).contains(&seconds) {
        Ok(std::time::Duration::from_secs_f64(seconds))
    } else {
        Err(Error::invalid(format!(
            "a lock timeout is a number of seconds, at least 0, not {seconds}"
        )))
    }
}

/// How many times a transaction whose connection was lost before it committed runs (see
/// [`Txn::lost`]).
const LOST_ATTEMPTS: u32 = 10;

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.trim().is_empty())
}

impl Tickets {
    /// Tickets in any store. The actor comes from `$AYO_AGENT`, the default lease from
    /// `$AYO_LEASE` and the lock timeout from `$AYO_LOCK_TIMEOUT`, if set; see
    /// [`Tickets::with_actor`], [`Tickets::with_default_lease`] and
    /// [`Tickets::with_lock_timeout`].
    pub fn with_store(store: Arc<dyn Store>) -> Result<Self> {
        if let Some(s) = env("AYO_LOCK_TIMEOUT") {
            let seconds = s.trim().parse::<f64>().map_err(|_| {
                Error::invalid(format!(
                    "AYO_LOCK_TIMEOUT must be a number of seconds, not '{s}'"
                ))
            })?;
            store.set_lock_timeout(lock_timeout(seconds)?);
        }
        let actor = env("AYO_AGENT").map(|a| normalize_agent(&a)).transpose()?;
        let default_lease = env("AYO_LEASE")
            .map(|s| match s.trim().parse::<u64>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(Error::invalid(format!(
                    "AYO_LEASE must be a whole number of seconds, at least 1, not '{s}'"
                ))),
            })
            .transpose()?;
        Ok(Tickets {
            actor,
            default_lease,
            ..Self::plain(store)
        })
    }

    /// Tickets in a store with no actor, no default lease, and warnings to stderr.
    fn plain(store: Arc<dyn Store>) -> Self {
        Tickets {
            store,
            actor: None,
            default_lease: None,
            batch: Mutex::new(None),
            warn: Arc::new(|u: &Unreadable| eprintln!("warning: skipped {}", u.error)),
            ready_view: Mutex::new(None),
        }
    }

    /// Tickets in a directory of markdown files (created at the first write).
    pub fn open(dir: impl AsRef<Path>) -> Result<Self> {
        Self::with_store(Arc::new(MarkdownStore::new(dir.as_ref())))
    }

    /// A session's tickets: `<home>/sessions/<session>/.tickets/`; the session is the one
    /// given, else `$AYO_SESSION_ID`, else `default`.
    pub fn open_session(session: Option<&str>) -> Result<Self> {
        let flags = StoreFlags {
            session: session.map(str::to_string),
            ..StoreFlags::default()
        };
        let choice = match session {
            Some(_) => StoreChoice::resolve_with(&flags, |_| None)?,
            None => {
                let s = env("AYO_SESSION_ID").unwrap_or_else(|| scope::DEFAULT_SESSION.into());
                scope::validate_session(&s)?;
                StoreChoice::Session(s)
            }
        };
        Self::open_choice(&choice)
    }

    /// The tickets shared by every session: `<home>/tickets/.tickets/`.
    pub fn open_global() -> Result<Self> {
        Self::open_choice(&StoreChoice::Global)
    }

    /// The project's tickets: the nearest `.tickets/` from `start` (else the current
    /// directory) upward; inside a linked git worktree, the main worktree's, so that agents in
    /// parallel worktrees of one repository share one store and one set of claims (see
    /// [`crate::find_project`]). [`Error::Invalid`] when there is none.
    ///
    /// ```
    /// use ayo_tickets::{NewTicket, Tickets};
    /// let repo = tempfile::tempdir().unwrap();
    /// std::fs::create_dir_all(repo.path().join(".tickets"))?;
    /// std::fs::create_dir_all(repo.path().join("src/deep"))?;
    /// let t = Tickets::open_project(Some(&repo.path().join("src/deep")))?;
    /// let made = t.create(NewTicket::new("Found from below"))?;
    /// assert!(repo.path().join(".tickets").join(format!("{}.md", made.id)).is_file());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_project(start: Option<&Path>) -> Result<Self> {
        let dir =
            match start {
                Some(s) => scope::find_project(s)?,
                None => scope::find_project(&std::env::current_dir().map_err(|e| {
                    Error::invalid(format!("cannot read the current directory: {e}"))
                })?)?,
            };
        Self::open(dir)
    }

    /// Tickets in memory, gone when the handle drops. A bad `$AYO_AGENT` or `$AYO_LEASE`
    /// leaves this handle without an actor or a default lease; [`Tickets::try_in_memory`]
    /// reports it instead.
    pub fn in_memory() -> Self {
        Self::try_in_memory().unwrap_or_else(|_| Self::plain(Arc::new(MemoryStore::new())))
    }

    /// Tickets in memory, with the actor and default lease of the environment, as
    /// [`Tickets::with_store`]: a bad `$AYO_AGENT` or `$AYO_LEASE` is [`Error::Invalid`].
    pub fn try_in_memory() -> Result<Self> {
        Self::with_store(Arc::new(MemoryStore::new()))
    }

    /// Opens the store a [`StoreChoice`] names.
    pub fn open_choice(choice: &StoreChoice) -> Result<Self> {
        match choice {
            StoreChoice::Url(url) => Self::connect(url),
            StoreChoice::Claude(dir) => Self::open_claude(dir),
            other => {
                let home = scope::home()?;
                let dir = other
                    .dir_under(&home)
                    .ok_or_else(|| Error::invalid("not a directory store"))?;
                Self::open(dir)
            }
        }
    }

    /// Opens a store to copy from: as [`Tickets::open_choice`], except that a database store
    /// or a Claude Code task list must already be there ([`Error::Storage`] otherwise, and
    /// nothing is created), so that a
    /// mistyped schema does not pass for an empty store. (A directory is checked by
    /// [`Tickets::copy_to`].)
    pub fn open_source(choice: &StoreChoice) -> Result<Self> {
        match choice {
            #[cfg(feature = "postgres")]
            StoreChoice::Url(url) => Self::with_store(Arc::new(
                crate::store::postgres::PgStore::connect_existing(url)?,
            )),
            StoreChoice::Claude(dir) if !dir.is_dir() => Err(Error::storage(format!(
                "cannot copy from {}{}: no such task list",
                crate::store::claude::PREFIX,
                dir.display()
            ))),
            other => Self::open_choice(other),
        }
    }

    /// Opens the store chosen by these flags and the environment (see [`StoreChoice::resolve`]).
    pub fn open_flags(flags: &StoreFlags) -> Result<Self> {
        Self::open_choice(&StoreChoice::resolve(flags)?)
    }

    /// Tickets in a Claude Code task list directory (`~/.claude/tasks/<list-id>/`), beside
    /// Claude Code's own task tools; see [`crate::store::claude`] and the README's mapping.
    pub fn open_claude(dir: impl AsRef<Path>) -> Result<Self> {
        Self::with_store(Arc::new(crate::store::claude::ClaudeStore::new(
            dir.as_ref(),
        )))
    }

    /// Connects to a store by URL: `claude:LIST` or `claude:/path` (a Claude Code task list,
    /// LIST under `$CLAUDE_CONFIG_DIR/tasks/`, else `~/.claude/tasks/`), or a database,
    /// `postgres://user@host:port/db?schema=name` (with the `postgres` feature; see
    /// [`crate::store::postgres`]; the schema is created or migrated on open).
    pub fn connect(url: &str) -> Result<Self> {
        if let Some(list) = url.strip_prefix(crate::store::claude::PREFIX) {
            return Self::open_claude(crate::store::claude::list_dir(list, env)?);
        }
        Self::connect_database(url)
    }

    #[cfg(feature = "postgres")]
    fn connect_database(url: &str) -> Result<Self> {
        Self::with_store(Arc::new(crate::store::postgres::PgStore::connect(url)?))
    }

    /// This build has no database store (the `postgres` feature is off).
    #[cfg(not(feature = "postgres"))]
    fn connect_database(url: &str) -> Result<Self> {
        Err(Error::invalid(format!(
            "cannot open '{url}': this build has no database store"
        )))
    }

    /// Sets who acts (for notes and the audit log); `@` is added.
    pub fn with_actor(mut self, actor: Option<&str>) -> Result<Self> {
        self.actor = actor.map(normalize_agent).transpose()?;
        Ok(self)
    }

    /// Sets the lease length a claim gets when it names none; a lease of 0 seconds is
    /// [`Error::Invalid`] here rather than at every claim.
    ///
    /// ```
    /// use ayo_tickets::{NewTicket, Tickets};
    /// assert_eq!(Tickets::in_memory().with_default_lease(Some(0)).unwrap_err().code(), "INVALID");
    /// let t = Tickets::in_memory().with_default_lease(Some(60))?;
    /// t.create(NewTicket::new("job"))?;
    /// assert!(t.claim("@w", Default::default())?.unwrap().lease_until.is_some());
    /// # Ok::<(), ayo_tickets::Error>(())
    /// ```
    pub fn with_default_lease(mut self, seconds: Option<u64>) -> Result<Self> {
        if seconds == Some(0) {
            return Err(crate::options::bad_lease(0));
        }
        self.default_lease = seconds;
        Ok(self)
    }

    /// Applies the open options every front end takes: the actor and the default lease, where
    /// given (the rest stays as the environment set it).
    pub fn with_options(self, options: &OpenOptions) -> Result<Self> {
        let mut t = self;
        if let Some(actor) = &options.actor {
            t = t.with_actor(Some(actor))?;
        }
        if let Some(lease) = options.lease {
            t = t.with_default_lease(Some(lease))?;
        }
        if let Some(seconds) = options.lock_timeout {
            t = t.with_lock_timeout(seconds)?;
        }
        Ok(t)
    }

    /// Sets how long a writer waits for the store's writer lock (held by another writer, maybe
    /// stopped or in a long batch) before it fails with [`Error::Busy`], which names the lock
    /// and its holder: `seconds`, at least 0 (0: do not wait). The default is
    /// `$AYO_LOCK_TIMEOUT`, else 30 s. It applies to every handle on this store object.
    ///
    /// ```
    /// use ayo_tickets::Tickets;
    /// assert_eq!(Tickets::in_memory().with_lock_timeout(-1.0).unwrap_err().code(), "INVALID");
    /// assert!(Tickets::in_memory().with_lock_timeout(0.5).is_ok());
    /// ```
    pub fn with_lock_timeout(self, seconds: f64) -> Result<Self> {
        self.store.set_lock_timeout(lock_timeout(seconds)?);
        Ok(self)
    }

    /// Sets what happens when a read skips an unreadable file (the default prints a warning to
    /// stderr).
    pub fn with_warning_handler(mut self, handler: WarningHandler) -> Self {
        self.warn = handler;
        self
    }

    /// The actor, if any.
    pub fn actor(&self) -> Option<&str> {
        self.actor.as_deref()
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Runs `f` as one batch: every write in it (on this thread) goes into one transaction,
    /// committed when `f` returns `Ok`, so bulk work pays for durability once. Nothing is
    /// written when `f` fails.
    pub fn batch<R>(&self, f: impl FnOnce(&Tickets) -> Result<R>) -> Result<R> {
        self.begin_batch()?;
        match f(self) {
            Ok(r) => {
                self.end_batch(true)?;
                Ok(r)
            }
            Err(e) => {
                let _ = self.end_batch(false);
                Err(e)
            }
        }
    }

    /// Opens a batch on this thread (for bindings with enter/exit pairs). Batches nest.
    pub fn begin_batch(&self) -> Result<()> {
        let mut slot = self.batch_slot();
        if let Some(b) = slot.as_mut() {
            if b.thread == std::thread::current().id() {
                b.depth += 1;
                return Ok(());
            }
            return Err(Error::invalid(
                "another thread has a batch open on this handle",
            ));
        }
        let txn = self.store.begin(Access::Batch)?;
        *slot = Some(Batch {
            thread: std::thread::current().id(),
            depth: 1,
            txn,
        });
        Ok(())
    }

    /// Ends the innermost batch of this thread; the outermost commits its writes when `commit`
    /// is true and drops them otherwise.
    pub fn end_batch(&self, commit: bool) -> Result<()> {
        let mut slot = self.batch_slot();
        match slot.as_mut() {
            Some(b) if b.thread == std::thread::current().id() => {
                b.depth -= 1;
                if b.depth > 0 {
                    return Ok(());
                }
            }
            _ => return Err(Error::invalid("no batch is open on this thread")),
        }
        let batch = slot.take().expect("checked above");
        drop(slot);
        if commit { batch.txn.commit() } else { Ok(()) }
    }

    /// True when this thread has a batch open on this handle.
    pub(crate) fn in_own_batch(&self) -> bool {
        self.batch_slot()
            .as_ref()
            .is_some_and(|b| b.thread == std::thread::current().id())
    }

    fn batch_slot(&self) -> MutexGuard<'_, Option<Batch>> {
        self.batch.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` in a transaction: this thread's batch if one is open, else a new one
    /// committed when `f` succeeds. When the store loses its connection before anything was
    /// committed ([`Txn::lost`]), `f` runs again in a new transaction, up to
    /// [`LOST_ATTEMPTS`] times: a write whose connection is cut is done once or not at all,
    /// and its caller is told which.
    fn txn<R>(&self, access: Access, mut f: impl FnMut(&mut dyn Txn) -> Result<R>) -> Result<R> {
        {
            let mut slot = self.batch_slot();
            if let Some(b) = slot.as_mut()
                && b.thread == std::thread::current().id()
            {
                return f(b.txn.as_mut());
            }
        }
        let mut attempt = 1;
        loop {
            let again = |attempt: u32, e: Error| {
                if attempt >= LOST_ATTEMPTS {
                    return Err(e);
                }
                // A server that ends sessions (a restart, a failover) may need a moment.
                std::thread::sleep(std::time::Duration::from_millis(5 << attempt.min(6)));
                Ok(())
            };
            let mut txn = self.store.begin(access)?;
            let r = match f(txn.as_mut()) {
                Ok(r) => r,
                Err(e) if txn.lost() => {
                    drop(txn);
                    again(attempt, e)?;
                    attempt += 1;
                    continue;
                }
                Err(e) => return Err(e),
            };
            if access == Access::Read {
                return Ok(r);
            }
            match txn.commit_or_lost() {
                Ok(()) => return Ok(r),
                Err(crate::store::CommitFailure::Lost(e)) => {
                    again(attempt, e)?;
                    attempt += 1;
                }
                Err(crate::store::CommitFailure::Failed(e)) => return Err(e),
            }
        }
    }

    /// How often a read is tried lock-free before it reads under the writers' lock.
    const READ_TRIES: usize = 4;

    /// Runs `f` on a snapshot: this thread's batch if one is open, else a read that is run
    /// again while a commit overlapped it ([`Txn::settled`]); after a few tries, under the
    /// writers' lock (a write transaction that commits nothing).
    fn read<R>(&self, mut f: impl FnMut(&mut dyn Txn) -> Result<R>) -> Result<R> {
        if self.in_own_batch() {
            return self.txn(Access::Read, f);
        }
        for _ in 0..Self::READ_TRIES {
            let mut txn = self.store.begin(Access::Read)?;
            let r = match f(txn.as_mut()) {
                Ok(r) => r,
                // A lost connection (no snapshot to settle): read as writes run again.
                Err(_) if txn.lost() => {
                    drop(txn);
                    return self.txn(Access::Read, f);
                }
                Err(e) => return Err(e),
            };
            if txn.settled() {
                return Ok(r);
            }
        }
        let mut txn = self.store.begin(Access::Write)?;
        f(txn.as_mut())
    }

    fn write<R>(&self, f: impl FnMut(&mut dyn Txn) -> Result<R>) -> Result<R> {
        self.txn(Access::Write, f)
    }

    /// Scans the store, reporting unreadable files to the warning handler.
    fn scan(&self, txn: &mut dyn Txn) -> Result<Scan> {
        let scan = txn.scan()?;
        for u in &scan.unreadable {
            (self.warn)(u);
        }
        Ok(scan)
    }

    fn log(
        &self,
        txn: &mut dyn Txn,
        actor: Option<&str>,
        ticket: &str,
        action: &str,
        detail: impl Into<String>,
    ) -> Result<()> {
        let at = txn.now()?;
        txn.log(LogEntry {
            at,
            actor: actor.map(str::to_string),
            ticket: ticket.to_string(),
            action: action.to_string(),
            detail: detail.into(),
        })
    }
}

/// Resolves an exact id or a unique prefix of one to a ticket.
fn resolve(txn: &mut dyn Txn, id: &str) -> Result<Arc<Ticket>> {
    let id = id.trim();
    if id.is_empty() {
        return Err(Error::invalid("an id is required"));
    }
    validate_id(id)?;
    if let Some(t) = txn.get(id)? {
        return Ok(t);
    }
    let mut matches: Vec<String> = txn
        .ids()?
        .into_iter()
        .filter(|c| c.starts_with(id))
        .collect();
    matches.sort();
    matches.dedup();
    match matches.len() {
        0 => Err(Error::NotFound { id: id.to_string() }),
        1 => txn
            .get(&matches[0])?
            .ok_or_else(|| Error::NotFound { id: id.to_string() }),
        _ => Err(Error::Ambiguous {
            prefix: id.to_string(),
            candidates: matches,
        }),
    }
}

/// [`resolve`] for a write: an archived ticket is refused (InvalidTransition, "it is
/// archived") until it is unarchived.
fn resolve_active(txn: &mut dyn Txn, id: &str) -> Result<Arc<Ticket>> {
    let t = resolve(txn, id)?;
    archive::check_active(&t)?;
    Ok(t)
}

/// Resolves `parent` (an exact id or a unique prefix of one) as the parent of the ticket
/// `child` (`None` for a ticket whose id is still to be drawn). Refused (Invalid): the ticket
/// itself, and a parent whose own chain of parents leads back to it, naming that chain. A chain
/// that ends at a missing or unreadable ticket, or loops without `child`, ends the walk.
fn resolve_parent(txn: &mut dyn Txn, child: Option<&str>, parent: &str) -> Result<String> {
    if parent.trim().is_empty() {
        return Err(Error::invalid(
            "parent must name a ticket; to clear it, give none (Python None, Node null, CLI --no-parent)",
        ));
    }
    let top = resolve(txn, parent)?;
    let Some(child) = child else {
        return Ok(top.id.clone());
    };
    let mut chain = vec![child.to_string(), top.id.clone()];
    let mut up = Some(top.clone());
    while let Some(t) = up {
        if t.id == child {
            break;
        }
        up = match t.parent.as_deref() {
            Some(p) if p == child => {
                chain.push(p.to_string());
                break;
            }
            Some(p) if !chain.iter().any(|c| c == p) => {
                chain.push(p.to_string());
                match txn.get(p) {
                    Ok(next) => next,
                    Err(Error::Parse { .. }) | Err(Error::Invalid { .. }) => None,
                    Err(e) => return Err(e),
                }
            }
            _ => None,
        };
    }
    match chain.as_slice() {
        [_, p] if p == child => Err(Error::invalid(format!(
            "ticket '{child}' cannot be its own parent"
        ))),
        [.., last] if last == child => Err(Error::invalid(format!(
            "parent '{}' would make a parent cycle: {}",
            top.id,
            chain.join(" -> ")
        ))),
        _ => Ok(top.id.clone()),
    }
}

/// The statuses of a ticket's deps, read one by one: `Ok(true)` when closed. An unreadable dep
/// is an error when `strict`, else counts as not closed.
fn closed_deps(txn: &mut dyn Txn, ticket: &Ticket, strict: bool) -> Result<HashSet<String>> {
    let mut closed = HashSet::new();
    for dep in &ticket.deps {
        match txn.get(dep) {
            Ok(Some(d)) if d.status == Status::Closed => {
                closed.insert(dep.clone());
            }
            Ok(_) => {}
            Err(e @ Error::Parse { .. }) if strict => return Err(e),
            Err(Error::Parse { .. }) | Err(Error::Invalid { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(closed)
}

/// A ticket with its derived fields, its deps read one by one.
fn annotate_one(txn: &mut dyn Txn, ticket: &Ticket) -> Result<Ticket> {
    let closed = closed_deps(txn, ticket, false)?;
    Ok(annotate(ticket, |d| closed.contains(d)))
}

/// The time a new note on ticket `id` gets: `now`, or `now` to the second when the text the
/// store keeps for the ticket writes its notes in tk's style (tk writes whole seconds), so
/// that the note reads back as it was made.
fn note_time(
    txn: &mut dyn Txn,
    id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<chrono::DateTime<chrono::Utc>> {
    use chrono::SubsecRound;
    Ok(match txn.source(id)? {
        Some(text) if crate::format::writes_tk_notes(&text) => now.trunc_subsecs(0),
        _ => now,
    })
}
