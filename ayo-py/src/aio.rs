//! The asyncio side of `claim_async`, `wait_ready_async`, `work_async`, `async with job` and
//! `async for` over a watch: each is a coroutine (`ayo_tickets._aio.run`) whose blocking core
//! call runs in a native thread of its own, so the event loop and its default executor stay
//! free. The thread never holds Python objects' GIL while it works: it touches Python only to
//! hand its outcome to the loop, and only while the interpreter is alive (see [`crate::exit`]).
//! A cancelled coroutine stops the wait within 100 ms; a ticket claimed as it was cancelled is
//! given back, natively, also when the interpreter exits meanwhile.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use ayo_tickets::{Error, Result};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCFunction, PyModule};

use crate::call::{Effect, take_skipped, warn};

static AIO: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// What a job thread hands to the coroutine that awaits it.
pub trait Payload: Send + 'static {
    /// The Python value the coroutine returns.
    fn into_py(self: Box<Self>, py: Python<'_>) -> PyResult<Py<PyAny>>;
    /// Gives back what nobody will receive (a ticket claimed as its wait was cancelled),
    /// without Python: it may run after the interpreter exited.
    fn give_back(self: Box<Self>) {}
}

/// What the interrupt of a job thread's core call is.
pub type Interrupt<'a> = &'a (dyn Fn() -> Result<()> + Sync);

/// The result of a job thread's core call.
struct Outcome {
    result: Result<Box<dyn Payload>>,
    skipped: Vec<String>,
    effect: Effect,
}

impl Outcome {
    fn give_back(self) {
        if let Ok(payload) = self.result {
            payload.give_back();
        }
    }
}

/// An [`Outcome`] on its way to the coroutine: `unwrap()` gives its value (issuing the
/// warnings of the call, raising its error) on the loop's thread, `orphan()` gives back a
/// value nobody will receive.
#[pyclass(frozen, module = "ayo_tickets._aio", name = "Outcome")]
struct PyOutcome(Mutex<Option<Outcome>>);

impl PyOutcome {
    fn take(&self) -> Option<Outcome> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// Gives an outcome back in a thread of its own (counted, so the exit waits for it), or here
/// when the interpreter is closing.
fn give_back_later(outcome: Outcome) {
    match crate::exit::Job::start() {
        Some(job) => {
            let spawned = std::thread::Builder::new()
                .name("ayo-tickets-give-back".into())
                .spawn(move || {
                    outcome.give_back();
                    drop(job);
                });
            if let Err(e) = spawned {
                // No thread: the closure, and the outcome in it, is lost; say so.
                eprintln!("ayo_tickets: could not start a thread to give a ticket back: {e}");
            }
        }
        None => outcome.give_back(),
    }
}

#[pymethods]
impl PyOutcome {
    /// The value, after the call's warnings; raises the call's error.
    fn unwrap(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let Some(o) = self.take() else {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(
                "the outcome was taken already",
            ));
        };
        let warned = warn(py, o.skipped, o.effect);
        let value = match o.result {
            Ok(payload) => payload.into_py(py)?,
            Err(e) => return Err(crate::errors::to_py(py, e)),
        };
        warned.map(|()| value)
    }

    /// Gives back the value that nobody will receive (its coroutine was cancelled).
    fn orphan(&self) {
        if let Some(o) = self.take() {
            give_back_later(o);
        }
    }
}

/// A coroutine (of `ayo_tickets._aio.run`) that runs `work` in a new native thread once
/// awaited and returns what it gives. `work` gets an interrupt that stops its wait when the
/// coroutine is cancelled or the interpreter exits.
pub fn spawn<'py>(
    py: Python<'py>,
    effect: Effect,
    work: impl FnOnce(Interrupt<'_>) -> Result<Box<dyn Payload>> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>> {
    let work = Mutex::new(Some(work));
    let start = PyCFunction::new_closure(
        py,
        Some(c"ayo_tickets_start"),
        None,
        move |args, _| -> PyResult<Py<PyAny>> {
            let py = args.py();
            let post = args.get_item(0)?.unbind();
            let work = work.lock().unwrap_or_else(|p| p.into_inner()).take();
            let Some(work) = work else {
                return Err(pyo3::exceptions::PyRuntimeError::new_err(
                    "the job started already",
                ));
            };
            let Some(job) = crate::exit::Job::start() else {
                return Err(crate::errors::to_py(py, Error::Interrupted));
            };
            let cancelled = Arc::new(AtomicBool::new(false));
            let flag = Arc::clone(&cancelled);
            std::thread::Builder::new()
                .name("ayo-tickets-wait".into())
                .spawn(move || {
                    let interrupt = || -> Result<()> {
                        match flag.load(Ordering::Relaxed) || crate::exit::closing() {
                            true => Err(Error::Interrupted),
                            false => Ok(()),
                        }
                    };
                    let result = work(&interrupt);
                    let mut outcome = Some(Outcome {
                        result,
                        skipped: take_skipped(),
                        effect,
                    });
                    let mut post = Some(post);
                    if !flag.load(Ordering::Relaxed) {
                        job.with_python(|py| {
                            let (Some(o), Some(post)) = (outcome.take(), post.take()) else {
                                return;
                            };
                            let cell = PyOutcome(Mutex::new(Some(o)));
                            match Py::new(py, cell) {
                                Ok(obj) => {
                                    if post.call1(py, (obj.clone_ref(py),)).is_err() {
                                        // The loop is closed: nobody awaits the outcome.
                                        obj.get().orphan();
                                    }
                                }
                                Err(e) => e.write_unraisable(py, None),
                            }
                        });
                    }
                    // Cancelled, or the interpreter is exiting: nobody takes the outcome.
                    if let Some(o) = outcome {
                        o.give_back();
                    }
                    // Not dropped without the GIL after the interpreter may have exited.
                    std::mem::forget(post);
                    drop(job);
                })
                .map_err(|e| {
                    pyo3::exceptions::PyRuntimeError::new_err(format!("no thread: {e}"))
                })?;
            let cancel =
                PyCFunction::new_closure(py, Some(c"ayo_tickets_cancel"), None, move |_, _| {
                    cancelled.store(true, Ordering::Relaxed);
                })?;
            Ok(cancel.into_any().unbind())
        },
    )?;
    let aio = AIO
        .get_or_try_init(py, || py.import("ayo_tickets._aio").map(Bound::unbind))?
        .bind(py);
    aio.call_method1("run", (start,))
}

/// A coroutine that returns `value` at once (for `async with`'s enter).
pub fn ready<'py>(py: Python<'py>, value: Py<PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let aio = AIO
        .get_or_try_init(py, || py.import("ayo_tickets._aio").map(Bound::unbind))?
        .bind(py);
    aio.call_method1("ready", (value,))
}
