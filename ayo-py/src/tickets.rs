//! The `Tickets` class: the contract's operations with keyword arguments.

use std::path::PathBuf;

use ayo_tickets::{
    ClaimOptions, Filter, GraphFormat, NewTicket, OpenOptions, Status, Ticket, Tickets, Update,
    lease_from_secs, wait_timeout,
};
use pyo3::prelude::*;

use crate::aio::{Interrupt, Payload};
use crate::batch::PyBatch;
use crate::call::{Effect, call, call_waiting, warning_handler, write};
use crate::convert::{Age, Clearable, When, to_dict};
use crate::errors::to_py;
use crate::job::PyJob;
use crate::objects::{PyClosed, PyDepTree, PyLogEntry, PyProblem, PyTicket};

/// Tickets in one store. Open one with `Tickets.open(dir)`, `Tickets.open_session()`,
/// `Tickets.open_global()`, `Tickets.open_project()`, `Tickets.in_memory()` or
/// `Tickets.connect(url)`.
#[pyclass(frozen, module = "ayo_tickets", name = "Tickets")]
pub struct PyTickets {
    /// The core handle.
    pub core: Tickets,
}

/// Wraps a core handle with the core's open options (`actor`, else `$AYO_AGENT`; `lease`,
/// else `$AYO_LEASE`), warnings to Python.
fn wrap(
    py: Python<'_>,
    open: impl FnOnce() -> ayo_tickets::Result<Tickets> + Send,
    actor: Option<String>,
    lease: Option<f64>,
    lock_timeout: Option<f64>,
) -> PyResult<PyTickets> {
    let mut options = OpenOptions::from_secs(actor, lease).map_err(|e| to_py(py, e))?;
    options.lock_timeout = lock_timeout;
    let core = call(py, || open()?.with_options(&options))?;
    Ok(PyTickets {
        core: core.with_warning_handler(warning_handler()),
    })
}

fn tickets(list: Vec<ayo_tickets::Ticket>) -> Vec<PyTicket> {
    list.into_iter().map(PyTicket).collect()
}

/// A claim's outcome for asyncio: the ticket, given back (open, for the agent that asked)
/// when nobody receives it.
struct Claimed {
    owner: Py<PyTickets>,
    agent: String,
    ticket: Option<Ticket>,
}

impl Payload for Claimed {
    fn into_py(self: Box<Self>, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.ticket.map(PyTicket).into_pyobject(py)?.unbind())
    }

    fn give_back(self: Box<Self>) {
        if let Some(t) = &self.ticket {
            let _ = self.owner.get().core.release(&t.id, Some(&self.agent));
        }
    }
}

/// `wait_ready`'s outcome for asyncio (nothing to give back).
struct Found(Option<Ticket>);

impl Payload for Found {
    fn into_py(self: Box<Self>, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.0.map(PyTicket).into_pyobject(py)?.unbind())
    }
}

/// `work`'s outcome for asyncio: a job nobody receives is dropped, which gives it back.
struct Work(Option<ayo_tickets::Job>);

impl Payload for Work {
    fn into_py(self: Box<Self>, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(match self.0 {
            Some(core) => Py::new(py, PyJob { core })?.into_any(),
            None => py.None(),
        })
    }
}

fn claim_options(
    py: Python<'_>,
    wait: bool,
    timeout: Option<f64>,
    lease: Option<f64>,
) -> PyResult<ClaimOptions> {
    ClaimOptions::from_secs(wait, timeout, lease).map_err(|e| to_py(py, e))
}

#[pymethods]
impl PyTickets {
    /// Tickets in a directory of markdown files (created at the first write). `lock_timeout`
    /// (seconds; default `$AYO_LOCK_TIMEOUT`, else 30) bounds a writer's wait for the lock, then
    /// `BusyError`; every open call takes it.
    #[staticmethod]
    #[pyo3(signature = (dir, *, actor=None, lease=None, lock_timeout=None))]
    fn open(
        py: Python<'_>,
        dir: PathBuf,
        actor: Option<String>,
        lease: Option<f64>,
        lock_timeout: Option<f64>,
    ) -> PyResult<Self> {
        wrap(py, || Tickets::open(&dir), actor, lease, lock_timeout)
    }

    /// A session's tickets: `<home>/sessions/<session>/.tickets/`; the session is the one
    /// given, else `$AYO_SESSION_ID`, else `default`.
    #[staticmethod]
    #[pyo3(signature = (session=None, *, actor=None, lease=None, lock_timeout=None))]
    fn open_session(
        py: Python<'_>,
        session: Option<String>,
        actor: Option<String>,
        lease: Option<f64>,
        lock_timeout: Option<f64>,
    ) -> PyResult<Self> {
        wrap(
            py,
            || Tickets::open_session(session.as_deref()),
            actor,
            lease,
            lock_timeout,
        )
    }

    /// The tickets shared by every session: `<home>/tickets/.tickets/`.
    #[staticmethod]
    #[pyo3(signature = (*, actor=None, lease=None, lock_timeout=None))]
    fn open_global(
        py: Python<'_>,
        actor: Option<String>,
        lease: Option<f64>,
        lock_timeout: Option<f64>,
    ) -> PyResult<Self> {
        wrap(py, Tickets::open_global, actor, lease, lock_timeout)
    }

    /// The project's tickets: the nearest `.tickets/` from `start` (else the current directory)
    /// upward; in a linked git worktree, the main worktree's, so that agents in parallel
    /// worktrees share one store and one set of claims. `InvalidInput` when there is none.
    #[staticmethod]
    #[pyo3(signature = (start=None, *, actor=None, lease=None, lock_timeout=None))]
    fn open_project(
        py: Python<'_>,
        start: Option<PathBuf>,
        actor: Option<String>,
        lease: Option<f64>,
        lock_timeout: Option<f64>,
    ) -> PyResult<Self> {
        wrap(
            py,
            || Tickets::open_project(start.as_deref()),
            actor,
            lease,
            lock_timeout,
        )
    }

    /// Tickets in memory, gone when the handle is.
    #[staticmethod]
    #[pyo3(signature = (*, actor=None, lease=None, lock_timeout=None))]
    fn in_memory(
        py: Python<'_>,
        actor: Option<String>,
        lease: Option<f64>,
        lock_timeout: Option<f64>,
    ) -> PyResult<Self> {
        wrap(py, Tickets::try_in_memory, actor, lease, lock_timeout)
    }

    /// Tickets in a database store, by URL (`postgres://...`), or in a Claude Code task list
    /// (`claude:LIST` under `$CLAUDE_CONFIG_DIR/tasks/` else `~/.claude/tasks/`, or
    /// `claude:/path`).
    #[staticmethod]
    #[pyo3(signature = (url, *, actor=None, lease=None, lock_timeout=None))]
    fn connect(
        py: Python<'_>,
        url: String,
        actor: Option<String>,
        lease: Option<f64>,
        lock_timeout: Option<f64>,
    ) -> PyResult<Self> {
        wrap(py, || Tickets::connect(&url), actor, lease, lock_timeout)
    }

    /// Who acts (for notes and the audit log), or `None`.
    #[getter]
    fn actor(&self) -> Option<&str> {
        self.core.actor()
    }

    /// Where the store is: a directory, a URL, or `memory`.
    #[getter]
    fn location(&self) -> String {
        self.core.store().location()
    }

    /// Creates a ticket and returns it.
    #[pyo3(signature = (title, *, assignee=None, deps=None, priority=None, r#type=None, tags=None, description=None, parent=None, id=None, defer_until=None))]
    #[allow(clippy::too_many_arguments)]
    fn create(
        &self,
        py: Python<'_>,
        title: String,
        assignee: Option<String>,
        deps: Option<Vec<String>>,
        priority: Option<i64>,
        r#type: Option<String>,
        tags: Option<Vec<String>>,
        description: Option<String>,
        parent: Option<String>,
        id: Option<String>,
        defer_until: Option<When>,
    ) -> PyResult<PyTicket> {
        let new = NewTicket {
            title,
            assignee,
            deps: deps.unwrap_or_default(),
            priority,
            kind: r#type,
            tags: tags.unwrap_or_default(),
            description,
            parent,
            id,
            defer_until: defer_until.map(|w| w.0),
        };
        write(py, || self.core.create(new)).map(PyTicket)
    }

    /// One ticket, by exact id or a unique prefix of one.
    fn get(&self, py: Python<'_>, id: &str) -> PyResult<PyTicket> {
        call(py, || self.core.get(id)).map(PyTicket)
    }

    /// Every ticket that matches all the given filters, oldest first; `archived=True` lists
    /// the archived tickets instead of the active ones.
    #[pyo3(signature = (*, status=None, assignee=None, tag=None, r#type=None, parent=None, archived=false))]
    #[allow(clippy::too_many_arguments)]
    fn list(
        &self,
        py: Python<'_>,
        status: Option<&str>,
        assignee: Option<String>,
        tag: Option<String>,
        r#type: Option<String>,
        parent: Option<String>,
        archived: bool,
    ) -> PyResult<Vec<PyTicket>> {
        let filter = filter(py, status, assignee, tag, r#type, parent, archived)?;
        call(py, || self.core.list(&filter)).map(tickets)
    }

    /// The tickets whose title, description, notes or tags hold `text` (any case) and that
    /// match all the given filters: title matches first, then the rest, each oldest first;
    /// `archived=True` searches the archived tickets instead.
    #[pyo3(signature = (text, *, status=None, assignee=None, tag=None, r#type=None, parent=None, archived=false))]
    #[allow(clippy::too_many_arguments)]
    fn search(
        &self,
        py: Python<'_>,
        text: &str,
        status: Option<&str>,
        assignee: Option<String>,
        tag: Option<String>,
        r#type: Option<String>,
        parent: Option<String>,
        archived: bool,
    ) -> PyResult<Vec<PyTicket>> {
        let filter = filter(py, status, assignee, tag, r#type, parent, archived)?;
        call(py, || self.core.search(text, &filter)).map(tickets)
    }

    /// Imports beads' `issues.jsonl` at `path`, all or nothing: `{"imported": n,
    /// "not_mapped": [{"line", "id", "kind", "detail"}, ...]}`.
    fn import_beads<'py>(&self, py: Python<'py>, path: PathBuf) -> PyResult<Bound<'py, PyAny>> {
        let done = call(py, || self.core.import_beads_file(&path))?;
        crate::convert::to_dict(py, &done)
    }

    /// Open tickets with no `blocked_by`, by priority, then created, then id; only the
    /// assignee's when given.
    #[pyo3(signature = (*, assignee=None))]
    fn ready(&self, py: Python<'_>, assignee: Option<&str>) -> PyResult<Vec<PyTicket>> {
        call(py, || self.core.ready(assignee)).map(tickets)
    }

    /// Open or in-progress tickets with a non-empty `blocked_by`.
    #[pyo3(signature = (*, assignee=None))]
    fn blocked(&self, py: Python<'_>, assignee: Option<&str>) -> PyResult<Vec<PyTicket>> {
        call(py, || self.core.blocked(assignee)).map(tickets)
    }

    /// Edits the given fields and keeps the rest; `parent=None` clears the parent (an empty
    /// one is invalid); `defer_until=None` ends a deferral, as `defer(id, None)` does.
    #[pyo3(signature = (id, *, title=None, description=None, priority=None, r#type=None, tags=None, parent=Clearable::Keep, defer_until=Clearable::Keep))]
    #[allow(clippy::too_many_arguments)]
    fn update(
        &self,
        py: Python<'_>,
        id: &str,
        title: Option<String>,
        description: Option<String>,
        priority: Option<i64>,
        r#type: Option<String>,
        tags: Option<Vec<String>>,
        parent: Clearable,
        defer_until: Clearable<When>,
    ) -> PyResult<PyTicket> {
        let changes = Update {
            title,
            description,
            priority,
            kind: r#type,
            tags,
            parent: parent.into_core(),
            defer_until: defer_until.into_core().map(|d| d.map(|w| w.0)),
        };
        write(py, || self.core.update(id, changes)).map(PyTicket)
    }

    /// open -> in_progress, for `agent` when given; a blocked ticket only with `force`.
    #[pyo3(signature = (id, *, agent=None, force=false))]
    fn start(
        &self,
        py: Python<'_>,
        id: &str,
        agent: Option<&str>,
        force: bool,
    ) -> PyResult<PyTicket> {
        write(py, || self.core.start(id, agent, force)).map(PyTicket)
    }

    /// Atomically takes the first ticket claimable by `agent` and starts it; `None` when there
    /// is none. `wait=True` blocks until one is claimable (at most `timeout` seconds);
    /// `lease` is in seconds.
    #[pyo3(signature = (agent, *, wait=false, timeout=None, lease=None))]
    fn claim(
        &self,
        py: Python<'_>,
        agent: &str,
        wait: bool,
        timeout: Option<f64>,
        lease: Option<f64>,
    ) -> PyResult<Option<PyTicket>> {
        let options = claim_options(py, wait, timeout, lease)?;
        let t = call_waiting(py, Effect::Write, |interrupt| {
            self.core.claim_with(agent, &options, Some(interrupt))
        })?;
        Ok(t.map(PyTicket))
    }

    /// `claim` for asyncio: a coroutine that runs the claim in a native thread of its own.
    /// A claim that went through as the task was cancelled is given back (open, for the
    /// agent that asked), not left in progress for nobody to finish.
    #[pyo3(signature = (agent, *, wait=false, timeout=None, lease=None))]
    fn claim_async<'py>(
        slf: &Bound<'py, Self>,
        agent: String,
        wait: bool,
        timeout: Option<f64>,
        lease: Option<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let options = claim_options(py, wait, timeout, lease)?;
        let owner = slf.clone().unbind();
        crate::aio::spawn(py, Effect::Write, move |interrupt: Interrupt<'_>| {
            let ticket = owner
                .get()
                .core
                .claim_with(&agent, &options, Some(interrupt))?;
            Ok(Box::new(Claimed {
                owner,
                agent,
                ticket,
            }) as Box<dyn Payload>)
        })
    }

    /// Claims the next ticket for `agent` as a `Job` that keeps its lease alive (every third
    /// of `lease` seconds; default: the handle's default lease, else 60) until it is closed or
    /// given back; `None` when nothing was claimable. `with t.work(...) as job:` closes the
    /// ticket when the block ends and gives it back when it raises.
    #[pyo3(signature = (agent, *, lease=None, wait=false, timeout=None))]
    fn work(
        &self,
        py: Python<'_>,
        agent: &str,
        lease: Option<f64>,
        wait: bool,
        timeout: Option<f64>,
    ) -> PyResult<Option<PyJob>> {
        let options = claim_options(py, wait, timeout, lease)?;
        let job = match options.wait {
            true => call_waiting(py, Effect::Write, |interrupt| {
                self.core.work_with(agent, &options, interrupt)
            })?,
            false => write(py, || self.core.work(agent, options))?,
        };
        Ok(job.map(|core| PyJob { core }))
    }

    /// `work` for asyncio: a coroutine that claims in a native thread of its own. A job
    /// claimed as the task was cancelled is given back.
    #[pyo3(signature = (agent, *, lease=None, wait=false, timeout=None))]
    fn work_async<'py>(
        slf: &Bound<'py, Self>,
        agent: String,
        lease: Option<f64>,
        wait: bool,
        timeout: Option<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let options = claim_options(py, wait, timeout, lease)?;
        let owner = slf.clone().unbind();
        crate::aio::spawn(py, Effect::Write, move |interrupt: Interrupt<'_>| {
            let core = &owner.get().core;
            let job = match options.wait {
                true => core.work_with(&agent, &options, interrupt)?,
                false => core.work(&agent, options)?,
            };
            Ok(Box::new(Work(job)) as Box<dyn Payload>)
        })
    }

    /// Renews the lease of `agent`'s claim (by `lease` seconds, else by the claim's length).
    #[pyo3(signature = (id, agent, *, lease=None))]
    fn heartbeat(
        &self,
        py: Python<'_>,
        id: &str,
        agent: &str,
        lease: Option<f64>,
    ) -> PyResult<PyTicket> {
        let lease = lease
            .map(lease_from_secs)
            .transpose()
            .map_err(|e| to_py(py, e))?;
        write(py, || self.core.heartbeat(id, agent, lease)).map(PyTicket)
    }

    /// in_progress -> open, keeping the assignee.
    #[pyo3(signature = (id, *, agent=None))]
    fn release(&self, py: Python<'_>, id: &str, agent: Option<&str>) -> PyResult<PyTicket> {
        write(py, || self.core.release(id, agent)).map(PyTicket)
    }

    /// Closes a ticket; the reason becomes a note. Returns `.ticket` and `.unblocked`.
    #[pyo3(signature = (id, *, reason=None))]
    fn close(&self, py: Python<'_>, id: &str, reason: Option<&str>) -> PyResult<PyClosed> {
        write(py, || self.core.close(id, reason)).map(PyClosed)
    }

    /// closed -> open.
    fn reopen(&self, py: Python<'_>, id: &str) -> PyResult<PyTicket> {
        write(py, || self.core.reopen(id)).map(PyTicket)
    }

    /// Appends a timestamped note by the actor.
    fn note(&self, py: Python<'_>, id: &str, text: &str) -> PyResult<PyTicket> {
        write(py, || self.core.note(id, text)).map(PyTicket)
    }

    /// Sets the assignee, or clears it with `None`.
    fn assign(&self, py: Python<'_>, id: &str, agent: Option<&str>) -> PyResult<PyTicket> {
        write(py, || self.core.assign(id, agent)).map(PyTicket)
    }

    /// Makes `id` wait for `dep`; refuses a self-dep and any cycle.
    fn add_dep(&self, py: Python<'_>, id: &str, dep: &str) -> PyResult<PyTicket> {
        write(py, || self.core.add_dep(id, dep)).map(PyTicket)
    }

    /// Removes the dep of `id` on `dep`.
    fn remove_dep(&self, py: Python<'_>, id: &str, dep: &str) -> PyResult<PyTicket> {
        write(py, || self.core.remove_dep(id, dep)).map(PyTicket)
    }

    /// Defers a ticket until `until` (an aware `datetime`, or text: RFC 3339, or `"90s"`,
    /// `"30m"`, `"2h"`, `"3d"` from now): neither ready nor claimable before then. `None` ends
    /// the deferral.
    fn defer(&self, py: Python<'_>, id: &str, until: Option<When>) -> PyResult<PyTicket> {
        write(py, || self.core.defer(id, until.map(|w| w.0))).map(PyTicket)
    }

    /// Why a ticket is not ready, or not claimable by `agent`: a dict `{"id", "ready",
    /// "claimable", "reasons": [{"kind", ...}]}`.
    #[pyo3(signature = (id, *, agent=None))]
    fn why<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        agent: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let why = call(py, || self.core.why(id, agent))?;
        to_dict(py, &why)
    }

    /// Links `id` with each of `others`, both ways (tk's `links`); returns `id`'s ticket.
    #[pyo3(signature = (id, *others))]
    fn link(&self, py: Python<'_>, id: &str, others: Vec<String>) -> PyResult<PyTicket> {
        let others: Vec<&str> = others.iter().map(String::as_str).collect();
        write(py, || self.core.link(id, &others)).map(PyTicket)
    }

    /// Removes the link between `id` and `other`, both ways; returns `id`'s ticket.
    fn unlink(&self, py: Python<'_>, id: &str, other: &str) -> PyResult<PyTicket> {
        write(py, || self.core.unlink(id, other)).map(PyTicket)
    }

    /// Archives closed tickets, all or none: `list`, `ready` and `search` no longer read them,
    /// `get`, `history` and `dep_tree` still find them, and a dep on one counts as closed.
    /// Returns them, in the order given.
    fn archive(&self, py: Python<'_>, ids: Vec<String>) -> PyResult<Vec<PyTicket>> {
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        write(py, || self.core.archive(&ids)).map(tickets)
    }

    /// Archives every closed ticket closed at least `age` ago (a `timedelta`, or `"30d"`,
    /// `"12h"`, ...); returns them, oldest closed first (none is not an error).
    fn archive_older_than(&self, py: Python<'_>, age: Age) -> PyResult<Vec<PyTicket>> {
        write(py, || self.core.archive_older_than(age.0)).map(tickets)
    }

    /// Brings an archived ticket (by its exact id) back among the active ones, still closed.
    fn unarchive(&self, py: Python<'_>, id: &str) -> PyResult<PyTicket> {
        write(py, || self.core.unarchive(id)).map(PyTicket)
    }

    /// The dependency tree below a ticket.
    fn dep_tree(&self, py: Python<'_>, id: &str) -> PyResult<PyDepTree> {
        call(py, || self.core.dep_tree(id)).map(PyDepTree)
    }

    /// Deletes a ticket and returns it; refused while others depend on it unless `force`,
    /// which also removes those edges.
    #[pyo3(signature = (id, *, force=false))]
    fn delete(&self, py: Python<'_>, id: &str, force: bool) -> PyResult<PyTicket> {
        write(py, || self.core.delete(id, force)).map(PyTicket)
    }

    /// Blocks until a ticket is ready (the assignee's, when given) and returns the first, without
    /// claiming it; `None` when `timeout` seconds pass first.
    #[pyo3(signature = (*, assignee=None, timeout=None))]
    fn wait_ready(
        &self,
        py: Python<'_>,
        assignee: Option<&str>,
        timeout: Option<f64>,
    ) -> PyResult<Option<PyTicket>> {
        let timeout = wait_timeout(timeout).map_err(|e| to_py(py, e))?;
        let t = call_waiting(py, Effect::Read, |interrupt| {
            self.core.wait_ready_with(assignee, timeout, interrupt)
        })?;
        Ok(t.map(PyTicket))
    }

    /// `wait_ready` for asyncio: a coroutine that waits in a native thread of its own.
    #[pyo3(signature = (*, assignee=None, timeout=None))]
    fn wait_ready_async<'py>(
        slf: &Bound<'py, Self>,
        assignee: Option<String>,
        timeout: Option<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let timeout = wait_timeout(timeout).map_err(|e| to_py(py, e))?;
        let owner = slf.clone().unbind();
        crate::aio::spawn(py, Effect::Read, move |interrupt: Interrupt<'_>| {
            let core = &owner.get().core;
            let t = core.wait_ready_with(assignee.as_deref(), timeout, interrupt)?;
            Ok(Box::new(Found(t)) as Box<dyn Payload>)
        })
    }

    /// The audit log, oldest first: one ticket's (also after it was deleted) or all.
    #[pyo3(signature = (id=None))]
    fn history(&self, py: Python<'_>, id: Option<&str>) -> PyResult<Vec<PyLogEntry>> {
        call(py, || self.core.history(id)).map(|l| l.into_iter().map(PyLogEntry).collect())
    }

    /// The store's changes as they happen: an iterator and an async iterator of `LogEntry`,
    /// woken by the store's change signal. `since` (an aware `datetime`) replays the log from
    /// then first; `agent` keeps the changes made by that agent or to tickets assigned to it.
    #[pyo3(signature = (*, since=None, agent=None))]
    fn watch(
        slf: &Bound<'_, Self>,
        since: Option<chrono::DateTime<chrono::Utc>>,
        agent: Option<String>,
    ) -> PyResult<crate::watch::PyWatch> {
        let owner = crate::watch::Owner(slf.clone().unbind());
        let options = ayo_tickets::WatchOptions { since, agent };
        call(slf.py(), || ayo_tickets::Watch::new(owner, options)).map(crate::watch::PyWatch::new)
    }

    /// The dependency graph as `mermaid` or `dot` text, all of it or below one ticket.
    #[pyo3(signature = (id=None, *, format="mermaid"))]
    fn graph(&self, py: Python<'_>, id: Option<&str>, format: &str) -> PyResult<String> {
        let format: GraphFormat = format.parse().map_err(|e| to_py(py, e))?;
        call(py, || self.core.graph(format, id))
    }

    /// Everything wrong in the store: unreadable files, deps on missing tickets, cycles made
    /// by hand edits, ids that disagree with file names.
    fn check(&self, py: Python<'_>) -> PyResult<Vec<PyProblem>> {
        call(py, || self.core.check()).map(|l| l.into_iter().map(PyProblem).collect())
    }

    /// A context manager that groups this thread's writes into one transaction: committed on
    /// a clean exit, dropped on an exception.
    fn batch(slf: &Bound<'_, Self>) -> PyBatch {
        PyBatch {
            tickets: slf.clone().unbind(),
        }
    }

    fn __repr__(&self) -> String {
        format!("Tickets({})", self.core.store().location())
    }
}

/// The core's filter from a call's keyword arguments (`list` and `search`).
#[allow(clippy::too_many_arguments)]
fn filter(
    py: Python<'_>,
    status: Option<&str>,
    assignee: Option<String>,
    tag: Option<String>,
    kind: Option<String>,
    parent: Option<String>,
    archived: bool,
) -> PyResult<Filter> {
    let status = status
        .map(str::parse::<Status>)
        .transpose()
        .map_err(|e| to_py(py, e))?;
    Ok(Filter {
        status,
        assignee,
        tag,
        kind,
        parent,
        archived,
    })
}
