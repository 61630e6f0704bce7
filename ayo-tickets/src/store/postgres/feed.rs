//! Change signals: every committed write sends a `NOTIFY` on the schema's channel; one
//! connection per handle `LISTEN`s on it, on a thread of its own, for every feed of the handle.
//!
//! A feed costs no connection of its own: many waits and jobs in one process (an `ayo mcp`
//! session holding fifty claims, each a job that watches its ticket) share the one listener, so
//! they never run the server out of connections. The listener's thread bumps a version and wakes
//! every feed on each batch of notifications; it stops, closing its connection, within
//! [`IDLE_CHECK`] of its last feed going.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;

use super::{Shared, db_err};
use crate::error::Result;
use crate::store::ChangeFeed;

/// How often the listener looks whether any feed is left.
const IDLE_CHECK: Duration = Duration::from_secs(1);

/// The listener of one handle: where its feeds wait.
pub(super) struct Listener {
    /// The number of notification batches seen (a broken connection counts as one).
    version: Mutex<u64>,
    changed: Condvar,
}

/// The handle's listener slot: the running listener, if any.
pub(super) type Slot = Mutex<Weak<Listener>>;

/// A feed of the handle's listener.
pub(super) struct PgFeed {
    listener: Arc<Listener>,
    seen: u64,
}

impl PgFeed {
    /// A feed of `shared`'s listener, started (connected and listening) if none runs: changes
    /// committed from now on are seen.
    pub(super) fn listen(shared: &Arc<Shared>) -> Result<Self> {
        let mut slot = lock(&shared.listener);
        if let Some(listener) = slot.upgrade() {
            let seen = *lock(&listener.version);
            return Ok(PgFeed { listener, seen });
        }
        let client = listening(shared)?;
        let listener = Arc::new(Listener {
            version: Mutex::new(0),
            changed: Condvar::new(),
        });
        *slot = Arc::downgrade(&listener);
        drop(slot);
        // The thread keeps no strong reference: when the last feed goes, the slot's `Weak`
        // dies with the listener and the thread, seeing it gone, stops.
        let weak = Arc::downgrade(&listener);
        let shared = Arc::clone(shared);
        std::thread::Builder::new()
            .name("ayo-pg-listen".into())
            .spawn(move || run(&shared, client, &weak))
            .map_err(|e| crate::Error::storage(format!("cannot start the change listener: {e}")))?;
        Ok(PgFeed { listener, seen: 0 })
    }
}

fn listening(shared: &Shared) -> Result<Client> {
    let mut client = shared.connect()?;
    client
        .batch_execute(&format!("LISTEN {}", shared.channel))
        .map_err(db_err)?;
    Ok(client)
}

/// The listener's thread: waits for notifications and wakes the feeds, until no feed is left.
fn run(shared: &Shared, mut client: Client, weak: &Weak<Listener>) {
    loop {
        let first = client.notifications().timeout_iter(IDLE_CHECK).next();
        let changed = match first {
            Ok(Some(_)) => {
                // One wake-up covers every change seen so far.
                let mut notifications = client.notifications();
                let mut pending = notifications.iter();
                while let Ok(Some(_)) = pending.next() {}
                true
            }
            Ok(None) => false,
            Err(_) => {
                // The connection broke: listen again (retrying while feeds are left); changes
                // in between may be missed, so report one (the feeds' callers re-read).
                loop {
                    if weak.strong_count() == 0 {
                        return;
                    }
                    match listening(shared) {
                        Ok(c) => break client = c,
                        Err(_) => std::thread::sleep(IDLE_CHECK),
                    }
                }
                true
            }
        };
        let Some(listener) = weak.upgrade() else {
            return;
        };
        if changed {
            *lock(&listener.version) += 1;
            listener.changed.notify_all();
        }
    }
}

impl ChangeFeed for PgFeed {
    fn wait(&mut self, deadline: Instant) -> Result<bool> {
        let mut version = lock(&self.listener.version);
        loop {
            if *version != self.seen {
                self.seen = *version;
                return Ok(true);
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(false);
            }
            version = self
                .listener
                .changed
                .wait_timeout(version, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
