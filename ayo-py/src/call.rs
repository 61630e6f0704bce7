//! Running a core call from Python: with the GIL released, files the core skipped turned into
//! Python warnings, errors mapped, and (for waits) Ctrl-C and cancellation checked while it
//! blocks.

use std::cell::RefCell;
use std::ffi::CString;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use ayo_tickets::{Error, Result, Unreadable, WarningHandler};
use pyo3::prelude::*;

thread_local! {
    /// What the core skipped during the current call on this thread.
    static SKIPPED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The core's warning handler for handles made here: it records each skipped file on the
/// calling thread, and [`call`] turns the records into `warnings.warn` once the call is over
/// (the handler runs while the GIL is released, and a warning may raise).
pub fn warning_handler() -> WarningHandler {
    Arc::new(|u: &Unreadable| {
        let text = format!("skipped an unreadable ticket: {}", u.error);
        SKIPPED.with(|s| s.borrow_mut().push(text));
    })
}

fn warn_skipped(py: Python<'_>) -> PyResult<()> {
    let skipped = SKIPPED.with(|s| std::mem::take(&mut *s.borrow_mut()));
    if skipped.is_empty() {
        return Ok(());
    }
    let category = crate::errors::module(py)?.getattr("UnreadableTicketWarning")?;
    for text in skipped {
        let text = CString::new(text.replace('\0', "\\0"))?;
        PyErr::warn(py, &category, &text, 1)?;
    }
    Ok(())
}

/// Runs a core call with the GIL released and maps its error.
pub fn call<T: Send>(py: Python<'_>, f: impl FnOnce() -> Result<T> + Send) -> PyResult<T> {
    let result = py.detach(f);
    warn_skipped(py)?;
    result.map_err(|e| crate::errors::to_py(py, e))
}

/// Runs a core call that may block for long with the GIL released. The interrupt it gets
/// stops the wait when a signal handler raises (Ctrl-C: `KeyboardInterrupt`, raised here
/// instead of the core's error) or when `cancel` is set (an asyncio wait that was cancelled).
pub fn call_waiting<T: Send>(
    py: Python<'_>,
    cancel: Option<&AtomicBool>,
    f: impl FnOnce(&(dyn Fn() -> Result<()> + Sync)) -> Result<T> + Send,
) -> PyResult<T> {
    let raised: Mutex<Option<PyErr>> = Mutex::new(None);
    let interrupt = || -> Result<()> {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Error::Interrupted);
        }
        if let Err(e) = Python::attach(|py| py.check_signals()) {
            *raised.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
            return Err(Error::Interrupted);
        }
        Ok(())
    };
    let result = call(py, || f(&interrupt));
    match raised.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(e) => Err(e),
        None => result,
    }
}
