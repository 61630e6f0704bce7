//! The asyncio side of `claim_async`, `wait_ready_async`, `work_async` and `async with job`: the
//! blocking core call runs in a thread of its own (started by `ayo_tickets._aio.spawn`, so the
//! event loop and its default executor stay free), and a cancelled future stops the wait within
//! 100 ms.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCFunction, PyModule};

use crate::objects::PyTicket;

static AIO: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// What takes a ticket whose future was cancelled before it arrived.
pub type Orphan = Box<dyn Fn(Python<'_>, &PyTicket) -> PyResult<()> + Send + Sync>;

/// Returns an asyncio future of the running loop, resolved with what `job` returns; `job` runs
/// in a new thread and gets a flag that is set when the future is cancelled. A ticket that
/// arrives after the future was cancelled (its claim went through first) is handed to
/// `orphan`, on a thread of its own.
pub fn spawn<'py>(
    py: Python<'py>,
    job: impl Fn(Python<'_>, &AtomicBool) -> PyResult<Option<PyTicket>> + Send + Sync + 'static,
    orphan: Option<Orphan>,
) -> PyResult<Bound<'py, PyAny>> {
    let orphan = orphan
        .map(|give_back| {
            PyCFunction::new_closure(py, Some(c"ayo_tickets_orphan"), None, move |args, _| {
                let item = args.get_item(0)?;
                let ticket: PyRef<'_, PyTicket> = item.extract()?;
                give_back(args.py(), &ticket)
            })
        })
        .transpose()?;
    let run = move |py: Python<'_>, flag: &AtomicBool| -> PyResult<Py<PyAny>> {
        Ok(job(py, flag)?.into_pyobject(py)?.into_any().unbind())
    };
    start(py, run, orphan.map(Bound::into_any))
}

/// Returns an asyncio future of the running loop, resolved with what `f` returns; `f` runs in
/// a new thread and gets a flag that is set when the future is cancelled. A result that
/// arrives after the future was cancelled is dropped (a `Job` gives its ticket back when
/// dropped).
pub fn in_thread<'py>(
    py: Python<'py>,
    f: impl Fn(Python<'_>, &AtomicBool) -> PyResult<Py<PyAny>> + Send + Sync + 'static,
) -> PyResult<Bound<'py, PyAny>> {
    start(py, f, None)
}

/// `ayo_tickets._aio.spawn` of `f`, with the cancel flag it sets and what takes an orphaned
/// result.
fn start<'py>(
    py: Python<'py>,
    f: impl Fn(Python<'_>, &AtomicBool) -> PyResult<Py<PyAny>> + Send + Sync + 'static,
    orphan: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let cancelled = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancelled);
    let run = PyCFunction::new_closure(py, Some(c"ayo_tickets_job"), None, move |args, _| {
        f(args.py(), &flag)
    })?;
    let cancel = PyCFunction::new_closure(py, Some(c"ayo_tickets_cancel"), None, move |_, _| {
        cancelled.store(true, Ordering::Relaxed);
    })?;
    let aio = AIO
        .get_or_try_init(py, || py.import("ayo_tickets._aio").map(Bound::unbind))?
        .bind(py);
    aio.call_method1("spawn", (run, cancel, orphan))
}
