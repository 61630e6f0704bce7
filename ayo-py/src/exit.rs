//! Keeping native threads off Python once the interpreter exits.
//!
//! A thread that leaves Python for a core call must come back into it, and a thread that
//! comes back after the interpreter finalized is killed inside native code (or, in PyO3,
//! panics: "The Python interpreter is not initialized"). So every such trip is counted here,
//! and an `atexit` hook (registered at import, so it runs before finalization) marks the
//! interpreter as closing, which stops every wait of this module within 100 ms, then waits,
//! with the GIL released, until no native call is out and no asyncio job thread is running
//! (a claim that went through as it stopped is given back first). After that no thread of
//! this module touches Python: a core call made while closing runs with the GIL held, and a
//! job thread that ends drops its result natively.

use std::sync::{Condvar, Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::types::PyCFunction;

/// What is out of Python now.
struct State {
    /// Set by the `atexit` hook: no new trip out of Python starts.
    closing: bool,
    /// Core calls running with the GIL released, whose threads will come back into Python.
    out: usize,
    /// asyncio job threads (native threads) not yet finished.
    jobs: usize,
}

static STATE: Mutex<State> = Mutex::new(State {
    closing: false,
    out: 0,
    jobs: 0,
});
static CHANGED: Condvar = Condvar::new();

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|p| p.into_inner())
}

/// True once the interpreter started to exit: waits stop, and no new native job starts.
pub fn closing() -> bool {
    state().closing
}

/// Runs `f` with the GIL released, counted so that the exit waits for it; while the
/// interpreter is closing, with the GIL held instead (the thread never leaves Python).
pub fn detach<T: Send>(py: Python<'_>, f: impl FnOnce() -> T + Send) -> T {
    {
        let mut s = state();
        if s.closing {
            drop(s);
            return f();
        }
        s.out += 1;
    }
    let result = py.detach(f);
    // Back in Python (the GIL is held again): the exit may go on.
    state().out -= 1;
    CHANGED.notify_all();
    result
}

/// A running asyncio job thread, counted until it is dropped.
pub struct Job(());

impl Job {
    /// Counts a new job thread; `None` once the interpreter is closing.
    pub fn start() -> Option<Job> {
        let mut s = state();
        if s.closing {
            return None;
        }
        s.jobs += 1;
        Some(Job(()))
    }

    /// Runs `f` attached to Python unless the interpreter is closing (then `None`, and `f`
    /// does not run). The exit waits for a running `f`, so the interpreter is alive
    /// throughout.
    pub fn with_python<R>(&self, f: impl FnOnce(Python<'_>) -> R) -> Option<R> {
        {
            let mut s = state();
            if s.closing {
                return None;
            }
            s.out += 1;
        }
        let r = Python::attach(f);
        state().out -= 1;
        CHANGED.notify_all();
        Some(r)
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        state().jobs -= 1;
        CHANGED.notify_all();
    }
}

/// The `atexit` hook: marks the interpreter as closing, then waits with the GIL released
/// until every counted call is back and every job thread finished.
fn at_exit(py: Python<'_>) {
    state().closing = true;
    py.detach(|| {
        let mut s = state();
        while s.out > 0 || s.jobs > 0 {
            s = CHANGED.wait(s).unwrap_or_else(|p| p.into_inner());
        }
    });
}

/// Registers the `atexit` hook; called once, when the module is imported.
pub fn register(py: Python<'_>) -> PyResult<()> {
    let hook = PyCFunction::new_closure(py, Some(c"ayo_tickets_at_exit"), None, |args, _| {
        at_exit(args.py());
    })?;
    py.import("atexit")?.call_method1("register", (hook,))?;
    Ok(())
}
