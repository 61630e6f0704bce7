//! Running a core call from Python: with the GIL released, files the core skipped turned into
//! Python warnings, errors mapped, and (for waits) Ctrl-C, cancellation and the interpreter's
//! exit checked while it blocks.

use std::cell::RefCell;
use std::ffi::CString;
use std::sync::{Arc, Mutex};

use ayo_tickets::{Error, Result, Unreadable, WarningHandler};
use pyo3::prelude::*;

thread_local! {
    /// What the core skipped during the current call on this thread.
    static SKIPPED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Whether a call changes the store. A write that took effect is never turned into an
/// exception by a warning: see [`warn`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Effect {
    /// A read: a warning the filters make an error is raised.
    Read,
    /// A write: a warning the filters make an error is reported to `sys.unraisablehook`.
    Write,
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

/// Takes what the core skipped on this thread since the last call.
pub fn take_skipped() -> Vec<String> {
    SKIPPED.with(|s| std::mem::take(&mut *s.borrow_mut()))
}

/// Issues one `UnreadableTicketWarning` per skipped file. When the warning filters turn one
/// into an exception (`python -W error`), a read raises it; a write, whose change is already
/// made, returns its result and reports the exception to `sys.unraisablehook` instead (by
/// default printed to stderr as "Exception ignored in: ..."), so the caller never loses a
/// claimed ticket to a warning.
pub fn warn(py: Python<'_>, skipped: Vec<String>, effect: Effect) -> PyResult<()> {
    let issue = || -> PyResult<()> {
        let category = crate::errors::module(py)?.getattr("UnreadableTicketWarning")?;
        for text in skipped {
            let text = CString::new(text.replace('\0', "\\0"))?;
            PyErr::warn(py, &category, &text, 1)?;
        }
        Ok(())
    };
    match (issue(), effect) {
        (Err(e), Effect::Write) => {
            e.write_unraisable(py, None);
            Ok(())
        }
        (r, _) => r,
    }
}

/// Runs a core call that only reads, with the GIL released, and maps its error.
pub fn call<T: Send>(py: Python<'_>, f: impl FnOnce() -> Result<T> + Send) -> PyResult<T> {
    run(py, Effect::Read, f)
}

/// Runs a core call that writes, with the GIL released, and maps its error; see [`warn`].
pub fn write<T: Send>(py: Python<'_>, f: impl FnOnce() -> Result<T> + Send) -> PyResult<T> {
    run(py, Effect::Write, f)
}

/// Runs a core call with the GIL released and maps its error.
pub fn run<T: Send>(
    py: Python<'_>,
    effect: Effect,
    f: impl FnOnce() -> Result<T> + Send,
) -> PyResult<T> {
    let result = crate::exit::detach(py, f);
    let warned = warn(py, take_skipped(), effect);
    let value = result.map_err(|e| crate::errors::to_py(py, e))?;
    warned.map(|()| value)
}

/// Runs a core call that may block for long with the GIL released. The interrupt it gets
/// stops the wait when a signal handler raises (Ctrl-C: `KeyboardInterrupt`, raised here
/// instead of the core's error) or when the interpreter exits.
pub fn call_waiting<T: Send>(
    py: Python<'_>,
    effect: Effect,
    f: impl FnOnce(&(dyn Fn() -> Result<()> + Sync)) -> Result<T> + Send,
) -> PyResult<T> {
    let raised: Mutex<Option<PyErr>> = Mutex::new(None);
    let interrupt = || -> Result<()> {
        if crate::exit::closing() {
            return Err(Error::Interrupted);
        }
        if let Err(e) = Python::attach(|py| py.check_signals()) {
            *raised.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
            return Err(Error::Interrupted);
        }
        Ok(())
    };
    let result = run(py, effect, || f(&interrupt));
    match raised.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(e) => Err(e),
        None => result,
    }
}
