//! The recording side of the file-system layer (built with the `test-hooks` feature): logs the
//! [`Call`]s made under a directory, and fails the ones a test chooses.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::Call;

/// Chooses the calls to fail: given each call, `true` fails it (with an I/O error) instead of
/// performing it.
pub type FailWhen = Box<dyn FnMut(&Call) -> bool + Send>;

struct Hook {
    root: PathBuf,
    calls: Arc<Mutex<Vec<Call>>>,
    fail: Option<FailWhen>,
}

static HOOKS: Mutex<Vec<Hook>> = Mutex::new(Vec::new());

fn hooks() -> std::sync::MutexGuard<'static, Vec<Hook>> {
    HOOKS.lock().unwrap_or_else(|e| e.into_inner())
}

fn under(call: &Call, root: &Path) -> bool {
    call.paths().iter().any(|p| p.starts_with(root))
}

/// Logs the calls performed under a directory (and fails the chosen ones) until dropped.
pub struct Recorder {
    root: PathBuf,
    calls: Arc<Mutex<Vec<Call>>>,
}

/// Starts logging the calls of writers under `root` (made absolute), failing those `fail`
/// chooses.
pub fn record(root: &Path, fail: Option<FailWhen>) -> Recorder {
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let calls = Arc::new(Mutex::new(Vec::new()));
    hooks().push(Hook {
        root: root.clone(),
        calls: calls.clone(),
        fail,
    });
    Recorder { root, calls }
}

impl Recorder {
    /// The calls performed so far, in order, and forgets them.
    pub fn take(&self) -> Vec<Call> {
        std::mem::take(&mut *self.calls.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        hooks().retain(|h| !Arc::ptr_eq(&h.calls, &self.calls) || h.root != self.root);
    }
}

/// An error for `call` when a recorder chooses to fail it.
pub(super) fn before(call: &Call) -> Option<io::Error> {
    let mut hooks = hooks();
    for h in hooks.iter_mut() {
        if under(call, &h.root) && h.fail.as_mut().is_some_and(|f| f(call)) {
            return Some(io::Error::other(format!("injected failure: {call:?}")));
        }
    }
    None
}

/// Logs a performed call with each recorder whose directory it touches.
pub(super) fn after(call: Call) {
    let hooks = hooks();
    for h in hooks.iter().filter(|h| under(&call, &h.root)) {
        h.calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(call.clone());
    }
}
