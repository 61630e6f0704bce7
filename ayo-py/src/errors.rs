//! The one mapping of the core's [`Error`] to the package's exceptions.
//!
//! The exception classes are plain Python (`ayo_tickets._errors`), so that `InvalidInput` can
//! also be a `ValueError` and every class pickles; this file only picks the class and passes
//! the error's fields as keyword arguments.

use ayo_tickets::Error;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The module that defines the exception and warning classes.
pub fn module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    ERRORS
        .get_or_try_init(py, || py.import("ayo_tickets._errors").map(Bound::unbind))
        .map(|m| m.bind(py))
}

/// The Python exception for a core error.
pub fn to_py(py: Python<'_>, error: Error) -> PyErr {
    build(py, error).unwrap_or_else(|e| e)
}

fn build(py: Python<'_>, error: Error) -> PyResult<PyErr> {
    let message = error.to_string();
    let kw = PyDict::new(py);
    let class = match error {
        Error::NotFound { id } => {
            kw.set_item("id", id)?;
            "TicketNotFound"
        }
        Error::NotADep { id, dep } => {
            kw.set_item("id", id)?;
            kw.set_item("dep", dep)?;
            "TicketNotFound"
        }
        Error::Ambiguous { prefix, candidates } => {
            kw.set_item("prefix", prefix)?;
            kw.set_item("candidates", candidates)?;
            "AmbiguousId"
        }
        Error::AlreadyExists { id } => {
            kw.set_item("id", id)?;
            "TicketExists"
        }
        Error::Cycle { cycle } => {
            kw.set_item("cycle", cycle)?;
            "CycleError"
        }
        Error::InvalidTransition { id, action, status } => {
            kw.set_item("id", id)?;
            kw.set_item("action", action)?;
            kw.set_item("status", status)?;
            "InvalidTransition"
        }
        Error::Blocked { id, blocked_by } => {
            kw.set_item("id", id)?;
            kw.set_item("blocked_by", blocked_by)?;
            "BlockedError"
        }
        Error::Conflict { id, .. } => {
            kw.set_item("id", id)?;
            "ConflictError"
        }
        Error::Invalid { .. } => "InvalidInput",
        Error::Parse { path, line, .. } => {
            kw.set_item("path", path)?;
            kw.set_item("line", line)?;
            "ParseError"
        }
        Error::Storage { .. } => "StorageError",
    };
    let value = module(py)?.getattr(class)?.call((message,), Some(&kw))?;
    Ok(PyErr::from_value(value))
}
