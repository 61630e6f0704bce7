//! Ctrl-C during a wait: a flag set by SIGINT, checked by the core's wait loop at least every
//! 100 ms, so the wait ends promptly and cleanly (exit 130).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ayo_tickets::Error;
use signal_hook::consts::SIGINT;

use crate::error::CliError;

/// Watches for Ctrl-C while it lives.
pub(crate) struct CtrlC {
    flag: Arc<AtomicBool>,
}

impl CtrlC {
    /// Starts watching for the rest of the process. A second Ctrl-C ends the process at once.
    /// If the handler cannot be installed, Ctrl-C keeps its default effect (it ends the
    /// process at once), which is prompt too.
    pub(crate) fn watch() -> Self {
        let flag = Arc::new(AtomicBool::new(false));
        // Order matters: the conditional default sees the flag before the first press sets it.
        let _ = signal_hook::flag::register_conditional_default(SIGINT, Arc::clone(&flag));
        let _ = signal_hook::flag::register(SIGINT, Arc::clone(&flag));
        CtrlC { flag }
    }

    /// The check the core runs while waiting: an error once Ctrl-C was pressed.
    pub(crate) fn check(&self) -> Result<(), Error> {
        if self.fired() {
            Err(Error::Interrupted)
        } else {
            Ok(())
        }
    }

    /// True once Ctrl-C was pressed.
    pub(crate) fn fired(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// A core error, or [`Error::Interrupted`] whatever the error when Ctrl-C caused it.
    pub(crate) fn map(&self, e: Error) -> CliError {
        if self.fired() {
            CliError::Core(Error::Interrupted)
        } else {
            CliError::Core(e)
        }
    }
}
