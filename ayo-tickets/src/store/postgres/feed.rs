//! Change signals: `LISTEN` on a connection of the feed's own; every committed write sends a
//! `NOTIFY` on the schema's channel.

use std::sync::Arc;
use std::time::Instant;

use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;

use super::{Shared, db_err};
use crate::error::Result;
use crate::store::ChangeFeed;

/// A listening connection.
pub(super) struct PgFeed {
    shared: Arc<Shared>,
    client: Client,
}

impl PgFeed {
    /// Connects and listens; changes committed from now on are seen.
    pub(super) fn listen(shared: Arc<Shared>) -> Result<Self> {
        let client = listening(&shared)?;
        Ok(PgFeed { shared, client })
    }
}

fn listening(shared: &Shared) -> Result<Client> {
    let mut client = shared.connect()?;
    client
        .batch_execute(&format!("LISTEN {}", shared.channel))
        .map_err(db_err)?;
    Ok(client)
}

impl ChangeFeed for PgFeed {
    fn wait(&mut self, deadline: Instant) -> Result<bool> {
        let timeout = deadline.saturating_duration_since(Instant::now());
        let first = self.client.notifications().timeout_iter(timeout).next();
        match first {
            Ok(Some(_)) => {
                // One wake-up covers every change seen so far.
                let mut notifications = self.client.notifications();
                let mut pending = notifications.iter();
                while let Ok(Some(_)) = pending.next() {}
                Ok(true)
            }
            Ok(None) => Ok(false),
            Err(_) => {
                // The connection broke: listen again; changes in between may be missed, so
                // report one (the caller re-reads the store).
                self.client = listening(&self.shared)?;
                Ok(true)
            }
        }
    }
}
