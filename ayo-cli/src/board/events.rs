//! `GET /api/events`: the store's changes as Server-Sent Events.
//!
//! One thread follows the core's change feed ([`Watch`]: file notification, PostgreSQL
//! `LISTEN/NOTIFY`) for the whole server and fans each audit-log entry out to every open page.
//! A page first gets `event: hello` (it is connected), then one `event: change` per entry,
//! its data the entry's JSON (`{at, actor, ticket, action, detail}`); the page reloads what it
//! shows. When the server stops, the streams end.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use ayo_tickets::{Error, Tickets, Watch, WatchOptions};
use futures_util::{Stream, StreamExt, stream};
use tokio::sync::broadcast::{self, Sender, error::RecvError};

use super::Board;

/// One change for the pages: the entry's JSON; `None` when the server stops.
pub(super) type Change = Option<Arc<str>>;

/// How many changes wait for a slow page before it skips some (it then reloads anyway).
const BACKLOG: usize = 256;

/// Starts following the store's changes (subscribed before this returns, so nothing made
/// after it is missed) until `stop` is set.
pub(super) fn feed(tickets: Arc<Tickets>, stop: Arc<AtomicBool>) -> Result<Sender<Change>, Error> {
    let (tx, _) = broadcast::channel(BACKLOG);
    let mut watch = Watch::new(Arc::clone(&tickets), WatchOptions::default())?;
    let out = tx.clone();
    std::thread::spawn(move || {
        let check = || {
            if stop.load(Ordering::SeqCst) {
                Err(Error::Interrupted)
            } else {
                Ok(())
            }
        };
        loop {
            match watch.next_entry(None, Some(&check)) {
                Ok(Some(entry)) => {
                    let json = serde_json::to_string(&entry).unwrap_or_else(|_| "{}".into());
                    let _ = out.send(Some(json.into()));
                }
                Ok(None) => {}
                Err(Error::Interrupted) => break,
                Err(e) => {
                    eprintln!("ayo board: the change feed failed ({e}); following it again");
                    std::thread::sleep(Duration::from_secs(1));
                    match Watch::new(Arc::clone(&tickets), WatchOptions::default()) {
                        Ok(w) => watch = w,
                        Err(_) if check().is_err() => break,
                        Err(_) => {}
                    }
                    // A change may have been missed: the pages reload.
                    let _ = out.send(Some("{}".into()));
                }
            }
        }
        let _ = out.send(None);
    });
    Ok(tx)
}

/// The event stream of one page.
pub(super) async fn events(
    State(board): State<Board>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = board.changes.subscribe();
    let hello = Event::default()
        .event("hello")
        .retry(Duration::from_secs(1))
        .data("{}");
    let changes = stream::unfold(rx, |mut rx| async move {
        let data = match rx.recv().await {
            Ok(Some(json)) => json,
            Ok(None) | Err(RecvError::Closed) => return None,
            Err(RecvError::Lagged(_)) => "{}".into(),
        };
        let event = Event::default().event("change").data(data.as_ref());
        Some((Ok(event), rx))
    });
    Sse::new(stream::once(async { Ok(hello) }).chain(changes)).keep_alive(KeepAlive::default())
}
