//! `Job`: the core's [`ayo_tickets::Job`] as a context manager (`with t.work(...) as job:`)
//! and an async one (`async with await t.work_async(...) as job:`). Leaving the block normally
//! closes the ticket; an exception gives it back with a note naming it, and is raised on.

use std::time::Duration;

use ayo_tickets::Job;
use pyo3::prelude::*;
use pyo3::types::PyAny;

use crate::call::{Effect, write};
use crate::objects::{PyClosed, PyTicket};

/// How often a blocking `wait_lost` looks for Ctrl-C.
const SIGNAL_EVERY: Duration = Duration::from_millis(100);

/// A claimed ticket whose lease is kept alive while the job lives (from `Tickets.work`).
/// Leaving its block normally after it was lost raises `ConflictError`.
#[pyclass(frozen, module = "ayo_tickets", name = "Job")]
pub struct PyJob {
    /// The core job.
    pub core: Job,
}

/// The note for a block that raised: `the block raised <name>: <message>`.
fn failure(kind: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<String> {
    let name = kind.getattr("__name__")?.str()?.to_string();
    let message = value.str()?.to_string();
    Ok(match message.is_empty() {
        true => format!("the block raised {name}."),
        false => format!("the block raised {name}: {message}"),
    })
}

/// `__aexit__`'s outcome: `False`, so the block's exception is raised on.
struct NotSwallowed;

impl crate::aio::Payload for NotSwallowed {
    fn into_py(self: Box<Self>, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(false.into_pyobject(py)?.to_owned().into_any().unbind())
    }
}

impl PyJob {
    /// What `__exit__` does: close on a clean exit (unless the block already ended the job),
    /// give back with a note naming the exception otherwise.
    fn finish(
        &self,
        py: Python<'_>,
        exc: Option<(&Bound<'_, PyAny>, &Bound<'_, PyAny>)>,
    ) -> PyResult<()> {
        let failure = exc.map(|(kind, value)| failure(kind, value)).transpose()?;
        // On an exception the core gives the ticket back and the block's exception is raised
        // on; a failed give-back (a lost job) does not hide it.
        write(py, || self.core.finish(failure.as_deref())).map(|_| ())
    }
}

#[pymethods]
impl PyJob {
    /// The ticket as claimed.
    #[getter]
    fn ticket(&self) -> PyTicket {
        PyTicket(self.core.ticket().clone())
    }

    /// The agent who holds it.
    #[getter]
    fn agent(&self) -> &str {
        self.core.agent()
    }

    /// The lease kept, in seconds.
    #[getter]
    fn lease(&self) -> u64 {
        self.core.lease()
    }

    /// True once the job was lost: its ticket taken over, closed, released or deleted by
    /// someone else, or its heartbeats failed until the lease ran out.
    #[getter]
    fn lost(&self) -> bool {
        self.core.lost().is_some()
    }

    /// Why the job was lost, or `None`.
    #[getter]
    fn lost_reason(&self) -> Option<String> {
        self.core.lost()
    }

    /// True once the job closed or gave back its ticket.
    #[getter]
    fn ended(&self) -> bool {
        self.core.ended()
    }

    /// Blocks until the job is lost (returns why), ends, or `timeout` seconds pass (returns
    /// `None`), with the GIL released; Ctrl-C raises `KeyboardInterrupt`.
    #[pyo3(signature = (timeout=None))]
    fn wait_lost(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<Option<String>> {
        let timeout =
            ayo_tickets::wait_timeout(timeout).map_err(|e| crate::errors::to_py(py, e))?;
        let deadline = timeout.and_then(|t| std::time::Instant::now().checked_add(t));
        loop {
            let slice = match deadline {
                Some(d) => d
                    .saturating_duration_since(std::time::Instant::now())
                    .min(SIGNAL_EVERY),
                None => SIGNAL_EVERY,
            };
            if crate::exit::closing() {
                return Err(crate::errors::to_py(py, ayo_tickets::Error::Interrupted));
            }
            let why = crate::exit::detach(py, || self.core.wait_lost(Some(slice)));
            if why.is_some() || self.core.ended() {
                return Ok(why);
            }
            if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                return Ok(None);
            }
            py.check_signals()?;
        }
    }

    /// Adds a note to the ticket, by the agent.
    fn note(&self, py: Python<'_>, text: &str) -> PyResult<PyTicket> {
        write(py, || self.core.note(text)).map(PyTicket)
    }

    /// Closes the ticket (the reason, if any, becomes a note) and ends the job.
    #[pyo3(signature = (*, reason=None))]
    fn close(&self, py: Python<'_>, reason: Option<&str>) -> PyResult<PyClosed> {
        write(py, || self.core.close(reason)).map(PyClosed)
    }

    /// Gives the ticket back (open, keeping its assignee), with the note first if given, and
    /// ends the job.
    #[pyo3(signature = (*, note=None))]
    fn release(&self, py: Python<'_>, note: Option<&str>) -> PyResult<PyTicket> {
        write(py, || self.core.release(note)).map(PyTicket)
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Closes on a clean exit, gives back on an exception (which is raised on).
    #[pyo3(signature = (exc_type, exc_value, traceback))]
    fn __exit__(
        &self,
        py: Python<'_>,
        exc_type: Option<&Bound<'_, PyAny>>,
        exc_value: Option<&Bound<'_, PyAny>>,
        traceback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        let _ = traceback;
        self.finish(py, exc_type.zip(exc_value))?;
        Ok(false)
    }

    fn __aenter__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        crate::aio::ready(slf.py(), slf.clone().into_any().unbind())
    }

    /// `__exit__` for `async with`: a coroutine; the close or give-back runs in a native
    /// thread of its own.
    #[pyo3(signature = (exc_type, exc_value, traceback))]
    fn __aexit__<'py>(
        slf: &Bound<'py, Self>,
        exc_type: Option<Bound<'py, PyAny>>,
        exc_value: Option<Bound<'py, PyAny>>,
        traceback: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let _ = traceback;
        let py = slf.py();
        let failure = exc_type
            .zip(exc_value)
            .map(|(kind, value)| failure(&kind, &value))
            .transpose()?;
        let job = slf.clone().unbind();
        crate::aio::spawn(py, Effect::Write, move |_| {
            job.get().core.finish(failure.as_deref())?;
            Ok(Box::new(NotSwallowed) as Box<dyn crate::aio::Payload>)
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "Job(ticket={:?}, agent={:?}, lost={})",
            self.core.ticket().id,
            self.core.agent(),
            self.core.lost().is_some()
        )
    }
}
