//! `Tickets.watch()`: the store's changes as they happen, as an iterator (blocking, with the
//! GIL released; Ctrl-C interrupts it) and an async iterator (each step waits in a thread of
//! its own; cancelling the task stops the wait within 100 ms).

use std::ops::Deref;
use std::sync::{Mutex, MutexGuard};

use ayo_tickets::{LogEntry, Tickets, Watch};
use pyo3::prelude::*;

use crate::call::{Effect, call_waiting};
use crate::objects::PyLogEntry;
use crate::tickets::PyTickets;

/// The `Tickets` a watch reads, kept alive by it.
pub struct Owner(pub Py<PyTickets>);

impl Deref for Owner {
    type Target = Tickets;
    fn deref(&self) -> &Tickets {
        &self.0.get().core
    }
}

/// The audit log's new entries as they are written, one `LogEntry` each: `for e in
/// t.watch(): ...` or `async for e in t.watch(): ...`. It never ends by itself.
#[pyclass(frozen, module = "ayo_tickets", name = "Watch")]
pub struct PyWatch {
    core: Mutex<Watch<Owner>>,
}

impl PyWatch {
    /// A watch of `tickets`.
    pub fn new(core: Watch<Owner>) -> Self {
        PyWatch {
            core: Mutex::new(core),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Watch<Owner>> {
        self.core.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The next entry, blocking until it comes or `interrupt` says stop.
    fn next_entry(&self, interrupt: crate::aio::Interrupt<'_>) -> ayo_tickets::Result<LogEntry> {
        loop {
            if let Some(e) = self.lock().next_entry(None, Some(interrupt))? {
                return Ok(e);
            }
        }
    }
}

/// A watch's next entry for asyncio.
struct Next(LogEntry);

impl crate::aio::Payload for Next {
    fn into_py(self: Box<Self>, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(Py::new(py, PyLogEntry(self.0))?.into_any())
    }
}

#[pymethods]
impl PyWatch {
    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    /// Blocks until the next change.
    fn __next__(&self, py: Python<'_>) -> PyResult<PyLogEntry> {
        call_waiting(py, Effect::Read, |interrupt| self.next_entry(interrupt)).map(PyLogEntry)
    }

    fn __aiter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    /// A coroutine of the next change, waiting in a native thread of its own.
    fn __anext__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let this = slf.clone().unbind();
        crate::aio::spawn(slf.py(), Effect::Read, move |interrupt| {
            let entry = this.get().next_entry(interrupt)?;
            Ok(Box::new(Next(entry)) as Box<dyn crate::aio::Payload>)
        })
    }
}
