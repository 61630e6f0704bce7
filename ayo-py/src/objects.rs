//! The values operations return: `Ticket`, `Note`, `Closed`, `LogEntry`, `Problem` and
//! `DepTree`. Each is frozen, reads its fields as attributes (times as timezone-aware
//! datetimes) and gives the contract's JSON shape with `to_dict()`.

use std::path::PathBuf;

use ayo_tickets::{Closed, DepTree, LogEntry, Note, Problem, Ticket};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;

use crate::convert::to_dict;

/// Python's `repr` of a string (or `None`), for the `__repr__`s.
fn r(py: Python<'_>, s: Option<&str>) -> String {
    match s {
        None => "None".to_string(),
        Some(s) => pyo3::types::PyString::new(py, s)
            .repr()
            .map(|r| r.to_string())
            .unwrap_or_else(|_| format!("{s:?}")),
    }
}

/// A ticket: the contract's fields as attributes.
#[pyclass(frozen, eq, module = "ayo_tickets", name = "Ticket")]
#[derive(PartialEq)]
pub struct PyTicket(pub Ticket);

#[pymethods]
impl PyTicket {
    /// The id.
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }
    /// The one-line title.
    #[getter]
    fn title(&self) -> &str {
        &self.0.title
    }
    /// `open`, `in_progress` or `closed`; or another tool's word as the file has it (such as
    /// `deferred`), which counts as not closed and is never ready or claimable.
    #[getter]
    fn status(&self) -> &str {
        self.0.status.as_str()
    }
    /// The agent handle, or `None`.
    #[getter]
    fn assignee(&self) -> Option<&str> {
        self.0.assignee.as_deref()
    }
    /// The ids this ticket waits for.
    #[getter]
    fn deps(&self) -> Vec<String> {
        self.0.deps.clone()
    }
    /// The deps that are not closed.
    #[getter]
    fn blocked_by(&self) -> Vec<String> {
        self.0.blocked_by.clone()
    }
    /// Open with no `blocked_by`.
    #[getter]
    fn ready(&self) -> bool {
        self.0.ready
    }
    /// 0 (most urgent) to 4.
    #[getter]
    fn priority(&self) -> u8 {
        self.0.priority
    }
    /// `task`, `bug`, `feature`, `epic` or `chore`.
    #[getter(r#type)]
    fn kind(&self) -> &str {
        &self.0.kind
    }
    /// Labels.
    #[getter]
    fn tags(&self) -> Vec<String> {
        self.0.tags.clone()
    }
    /// The grouping ticket, or `None`.
    #[getter]
    fn parent(&self) -> Option<&str> {
        self.0.parent.as_deref()
    }
    /// Related tickets (tk's `links`), not dependencies.
    #[getter]
    fn links(&self) -> Vec<String> {
        self.0.links.clone()
    }
    /// A reference elsewhere, such as `gh-42` (tk's `external-ref`), or `None`.
    #[getter]
    fn external_ref(&self) -> Option<&str> {
        self.0.external_ref.as_deref()
    }
    /// The markdown body that is no title or note: the text between the title and
    /// `## Notes`, then any other text of the file, in order.
    #[getter]
    fn description(&self) -> &str {
        &self.0.description
    }
    /// The notes, oldest first.
    #[getter]
    fn notes(&self) -> Vec<PyNote> {
        self.0.notes.iter().cloned().map(PyNote).collect()
    }
    /// When it was created.
    #[getter]
    fn created(&self) -> Option<DateTime<Utc>> {
        self.0.created
    }
    /// When it was started.
    #[getter]
    fn started(&self) -> Option<DateTime<Utc>> {
        self.0.started
    }
    /// When it was closed.
    #[getter]
    fn closed(&self) -> Option<DateTime<Utc>> {
        self.0.closed
    }
    /// When the current claim's lease runs out.
    #[getter]
    fn lease_until(&self) -> Option<DateTime<Utc>> {
        self.0.lease_until
    }
    /// Until when it is deferred: neither ready nor claimable before then.
    #[getter]
    fn defer_until(&self) -> Option<DateTime<Utc>> {
        self.0.defer_until
    }
    /// Whether it is archived (see `Tickets.archive`); `to_dict()` has `"archived": True` only
    /// then, as the JSON does.
    #[getter]
    fn archived(&self) -> bool {
        self.0.archived
    }
    /// The contract's JSON shape (times as RFC 3339 strings).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Ticket(id={}, title={}, status={})",
            r(py, Some(&self.0.id)),
            r(py, Some(&self.0.title)),
            r(py, Some(self.0.status.as_str()))
        )
    }
}

/// A timestamped note.
#[pyclass(frozen, eq, module = "ayo_tickets", name = "Note")]
#[derive(PartialEq)]
pub struct PyNote(pub Note);

#[pymethods]
impl PyNote {
    /// When it was written.
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// Who wrote it, or `None`.
    #[getter]
    fn author(&self) -> Option<&str> {
        self.0.author.as_deref()
    }
    /// The text.
    #[getter]
    fn text(&self) -> &str {
        &self.0.text
    }
    /// `{at, author, text}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Note(at={}, author={}, text={})",
            r(py, Some(&self.0.at.to_rfc3339())),
            r(py, self.0.author.as_deref()),
            r(py, Some(&self.0.text))
        )
    }
}

/// What `close` returns.
#[pyclass(frozen, eq, module = "ayo_tickets", name = "Closed")]
#[derive(PartialEq)]
pub struct PyClosed(pub Closed);

#[pymethods]
impl PyClosed {
    /// The ticket, now closed.
    #[getter]
    fn ticket(&self) -> PyTicket {
        PyTicket(self.0.ticket.clone())
    }
    /// The open dependents that became ready with this close.
    #[getter]
    fn unblocked(&self) -> Vec<PyTicket> {
        self.0.unblocked.iter().cloned().map(PyTicket).collect()
    }
    /// `{"ticket": ..., "unblocked": [...]}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        let ids: Vec<String> = self
            .0
            .unblocked
            .iter()
            .map(|t| r(py, Some(&t.id)))
            .collect();
        format!(
            "Closed(ticket={}, unblocked=[{}])",
            r(py, Some(&self.0.ticket.id)),
            ids.join(", ")
        )
    }
}

/// One entry of the audit log.
#[pyclass(frozen, eq, module = "ayo_tickets", name = "LogEntry")]
#[derive(PartialEq)]
pub struct PyLogEntry(pub LogEntry);

#[pymethods]
impl PyLogEntry {
    /// When it happened.
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// Who did it, or `None`.
    #[getter]
    fn actor(&self) -> Option<&str> {
        self.0.actor.as_deref()
    }
    /// The ticket's id.
    #[getter]
    fn ticket(&self) -> &str {
        &self.0.ticket
    }
    /// `create`, `start`, `claim`, `close`, ...
    #[getter]
    fn action(&self) -> &str {
        &self.0.action
    }
    /// Details in words (may be empty).
    #[getter]
    fn detail(&self) -> &str {
        &self.0.detail
    }
    /// `{at, actor, ticket, action, detail}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "LogEntry(ticket={}, action={}, actor={})",
            r(py, Some(&self.0.ticket)),
            r(py, Some(&self.0.action)),
            r(py, self.0.actor.as_deref())
        )
    }
}

/// One problem `check` found.
#[pyclass(frozen, eq, module = "ayo_tickets", name = "Problem")]
#[derive(PartialEq)]
pub struct PyProblem(pub Problem);

#[pymethods]
impl PyProblem {
    /// `unreadable`, `missing_dep`, `cycle`, `id_mismatch`, `parent_cycle` or
    /// `nonstandard_value`.
    #[getter]
    fn kind<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.0.kind)
    }
    /// The ticket concerned, if one.
    #[getter]
    fn ticket(&self) -> Option<&str> {
        self.0.ticket.as_deref()
    }
    /// The file concerned, if the store has files.
    #[getter]
    fn path(&self) -> Option<PathBuf> {
        self.0.path.clone()
    }
    /// The line, where known.
    #[getter]
    fn line(&self) -> Option<usize> {
        self.0.line
    }
    /// The cycle's ids (first repeated at the end), for a cycle or a parent cycle.
    #[getter]
    fn cycle(&self) -> Vec<String> {
        self.0.cycle.clone()
    }
    /// For a `nonstandard_value`: the frontmatter key as written.
    #[getter]
    fn field(&self) -> Option<&str> {
        self.0.field.as_deref()
    }
    /// For a `nonstandard_value`: the value as written.
    #[getter]
    fn written(&self) -> Option<&str> {
        self.0.written.as_deref()
    }
    /// For a `nonstandard_value`: what it is read as, as a ticket shows it (`closed`, `1`, ...).
    #[getter]
    fn read_as(&self) -> Option<&str> {
        self.0.read_as.as_deref()
    }
    /// What is wrong, in words.
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }
    /// The JSON shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!("Problem({})", r(py, Some(&self.0.message)))
    }
}

/// The dependency tree below a ticket.
#[pyclass(frozen, eq, module = "ayo_tickets", name = "DepTree")]
#[derive(PartialEq)]
pub struct PyDepTree(pub DepTree);

#[pymethods]
impl PyDepTree {
    /// The ticket's id.
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }
    /// Its title; `None` for a dep on a missing ticket.
    #[getter]
    fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    /// Its status; `None` for a missing ticket.
    #[getter]
    fn status(&self) -> Option<&str> {
        self.0.status.as_ref().map(|s| s.as_str())
    }
    /// True for a dep on a ticket that does not exist.
    #[getter]
    fn missing(&self) -> bool {
        self.0.missing
    }
    /// True when this ticket appears earlier in the tree (its deps are not repeated).
    #[getter]
    fn repeated(&self) -> bool {
        self.0.repeated
    }
    /// True when this ticket is 50 levels down and its deps are left out (its own
    /// `dep_tree` shows them).
    #[getter]
    fn truncated(&self) -> bool {
        self.0.truncated
    }
    /// Its deps' trees, in the order of its deps.
    #[getter]
    fn deps(&self) -> Vec<PyDepTree> {
        self.0.deps.iter().cloned().map(PyDepTree).collect()
    }
    /// `{id, title, status, missing, repeated, truncated, deps: [...]}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_dict(py, &self.0)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        let deps: Vec<String> = self.0.deps.iter().map(|d| r(py, Some(&d.id))).collect();
        format!(
            "DepTree(id={}, deps=[{}])",
            r(py, Some(&self.0.id)),
            deps.join(", ")
        )
    }
}
