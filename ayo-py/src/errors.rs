//! The one mapping of the core's [`Error`] to the package's exceptions.
//!
//! The exception classes are plain Python (`ayo_tickets._errors`), so that `InvalidInput` can
//! also be a `ValueError` and every class pickles; this file only picks the class and passes
//! the core's fields (`Error::fields`, under the core's names) as keyword arguments.

use ayo_tickets::{Error, Field};
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
    let class = match &error {
        Error::NotFound { .. } | Error::NotADep { .. } => "TicketNotFound",
        Error::Ambiguous { .. } => "AmbiguousId",
        Error::AlreadyExists { .. } => "TicketExists",
        Error::Cycle { .. } => "CycleError",
        Error::InvalidTransition { .. } => "InvalidTransition",
        Error::Blocked { .. } => "BlockedError",
        Error::Conflict { .. } => "ConflictError",
        Error::Invalid { .. } => "InvalidInput",
        Error::Parse { .. } => "ParseError",
        Error::Storage { .. } => "StorageError",
        Error::Interrupted => "Interrupted",
        Error::Busy { .. } => "BusyError",
    };
    let kw = PyDict::new(py);
    for (name, value) in error.fields() {
        match value {
            Field::Text(s) => kw.set_item(name, s)?,
            Field::Path(p) => kw.set_item(name, p)?,
            Field::List(l) => kw.set_item(name, l)?,
            Field::Number(n) => kw.set_item(name, n)?,
        }
    }
    let value = module(py)?
        .getattr(class)?
        .call((error.to_string(),), Some(&kw))?;
    Ok(PyErr::from_value(value))
}
