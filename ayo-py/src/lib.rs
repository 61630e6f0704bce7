//! The native part of the Python package `ayo_tickets` (imported as `ayo_tickets._native`).
//!
//! Every method converts its arguments, calls the ayo-tickets core with the GIL released,
//! converts the result and maps the core's error to the package's exceptions (defined in
//! `python/ayo_tickets/_errors.py`). The rules all live in the core.

use pyo3::prelude::*;

mod aio;
mod batch;
mod call;
mod convert;
mod errors;
mod exit;
mod job;
mod objects;
mod tickets;
mod watch;

/// The module `ayo_tickets._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<tickets::PyTickets>()?;
    m.add_class::<batch::PyBatch>()?;
    m.add_class::<job::PyJob>()?;
    m.add_class::<objects::PyTicket>()?;
    m.add_class::<objects::PyNote>()?;
    m.add_class::<objects::PyClosed>()?;
    m.add_class::<objects::PyLogEntry>()?;
    m.add_class::<objects::PyProblem>()?;
    m.add_class::<objects::PyDepTree>()?;
    m.add_class::<watch::PyWatch>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("GUIDE", ayo_tickets::GUIDE)?;
    exit::register(m.py())?;
    Ok(())
}
