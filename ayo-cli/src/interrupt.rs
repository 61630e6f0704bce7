//! Ctrl-C during a wait: a flag set by SIGINT, checked by the core's wait loop at least every
//! 100 ms, so the wait ends promptly and cleanly (exit 130). And SIGINT/SIGTERM while
//! `ayo ticket run` runs a command: kept to be passed on to it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ayo_tickets::Error;
use signal_hook::consts::{SIGINT, SIGTERM};

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

/// SIGINT and SIGTERM, caught for as long as the process lives (`ayo ticket run`: they are
/// passed on to the command, and the ticket given back when it ends). Unlike [`CtrlC`], a
/// second signal does not end `ayo` at once: it still has a ticket to give back.
#[derive(Clone)]
pub(crate) struct Signals {
    last: Arc<AtomicUsize>,
}

impl Signals {
    /// Starts catching SIGINT and SIGTERM.
    pub(crate) fn watch() -> Self {
        let last = Arc::new(AtomicUsize::new(0));
        for sig in [SIGINT, SIGTERM] {
            let _ = signal_hook::flag::register_usize(sig, Arc::clone(&last), sig as usize);
        }
        Signals { last }
    }

    /// The signal caught since the last call, if any.
    pub(crate) fn take(&self) -> Option<i32> {
        match self.last.swap(0, Ordering::SeqCst) {
            0 => None,
            sig => i32::try_from(sig).ok(),
        }
    }

    /// The check the core runs while waiting for a claim: an error once a signal came (it is
    /// kept for [`Signals::take`]).
    pub(crate) fn check(&self) -> Result<(), Error> {
        match self.last.load(Ordering::SeqCst) {
            0 => Ok(()),
            _ => Err(Error::Interrupted),
        }
    }
}
