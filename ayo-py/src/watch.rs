//! `Tickets.watch()`: the store's changes as they happen, as an iterator (blocking, with the
//! GIL released; Ctrl-C interrupts it) and an async iterator (each step waits in a thread of
//! its own; cancelling the task stops the wait within 100 ms).

use std::ops::Deref;
use std::sync::{Mutex, MutexGuard};

use ayo_tickets::{LogEntry, Tickets, Watch};
use pyo3::prelude::*;

use crate::call::call_waiting;
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

    /// The next entry, blocking with the GIL released until it comes or the wait is
    /// interrupted (Ctrl-C, or `cancel` set).
    fn next_blocking(
        &self,
        py: Python<'_>,
        cancel: Option<&std::sync::atomic::AtomicBool>,
    ) -> PyResult<PyLogEntry> {
        let entry: LogEntry = call_waiting(py, cancel, |interrupt| {
            loop {
                if let Some(e) = self.lock().next_entry(None, Some(interrupt))? {
                    return Ok(e);
                }
            }
        })?;
        Ok(PyLogEntry(entry))
    }
}

#[pymethods]
impl PyWatch {
    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    /// Blocks until the next change.
    fn __next__(&self, py: Python<'_>) -> PyResult<PyLogEntry> {
        self.next_blocking(py, None)
    }

    fn __aiter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    /// An awaitable of the next change, waiting in a thread of its own.
    fn __anext__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let this = slf.clone().unbind();
        crate::aio::in_thread(slf.py(), move |py, cancel| {
            let entry = this.get().next_blocking(py, Some(cancel))?;
            Ok(Bound::new(py, entry)?.into_any().unbind())
        })
    }
}
