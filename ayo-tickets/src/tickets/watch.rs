//! `watch`: the audit log as it grows. A [`Watch`] yields each new entry once, in the order
//! the log holds them, woken by the store's change feed (file notification, `LISTEN/NOTIFY`,
//! the memory store's condition variable): it reads the log again only when the store says it
//! may have changed.

use std::collections::VecDeque;
use std::ops::Deref;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::Tickets;
use super::wait::{Interrupt, sleep};
use crate::error::Result;
use crate::store::{Access, ChangeFeed, LogEntry};
use crate::ticket::{agent_matches, normalize_agent};

/// What a [`Watch`] shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchOptions {
    /// Replay the entries of the log at or after this moment first; without it, only changes
    /// made after the watch began are shown.
    pub since: Option<DateTime<Utc>>,
    /// Only entries made by this agent or about a ticket assigned to it now.
    pub agent: Option<String>,
}

/// The store's changes as they happen: an iterator of audit-log entries that blocks until the
/// next one. Made by [`Tickets::watch`] (borrowing) or [`Watch::new`] (over an `Arc<Tickets>`
/// or any other owner).
///
/// ```
/// use ayo_tickets::{NewTicket, Tickets, WatchOptions};
/// let t = Tickets::in_memory();
/// let mut watch = t.watch(WatchOptions::default())?;
/// t.create(NewTicket::new("Extract data from invoices"))?;
/// let entry = watch.next().unwrap()?;
/// assert_eq!(entry.action, "create");
/// # Ok::<(), ayo_tickets::Error>(())
/// ```
pub struct Watch<T: Deref<Target = Tickets>> {
    tickets: T,
    feed: Box<dyn ChangeFeed>,
    /// How many entries of the log have been read.
    seen: usize,
    /// Entries read and not yet yielded.
    queue: VecDeque<LogEntry>,
    agent: Option<String>,
}

impl<T: Deref<Target = Tickets>> std::fmt::Debug for Watch<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch")
            .field("seen", &self.seen)
            .field("queued", &self.queue.len())
            .field("agent", &self.agent)
            .finish()
    }
}

impl Tickets {
    /// Watches the store's changes: see [`Watch`].
    pub fn watch(&self, options: WatchOptions) -> Result<Watch<&Tickets>> {
        Watch::new(self, options)
    }
}

impl<T: Deref<Target = Tickets>> Watch<T> {
    /// Starts watching: subscribes to the store's changes, then reads the log once (the entries
    /// since `options.since` are queued, the rest are taken as seen).
    pub fn new(tickets: T, options: WatchOptions) -> Result<Self> {
        let agent = options.agent.as_deref().map(normalize_agent).transpose()?;
        // Subscribe before the first read, so that no change is missed.
        let feed = tickets.store().changes()?;
        let log = tickets.history(None)?;
        let mut watch = Watch {
            tickets,
            feed,
            seen: log.len(),
            queue: VecDeque::new(),
            agent,
        };
        if let Some(since) = options.since {
            let replay: Vec<LogEntry> = log.into_iter().filter(|e| e.at >= since).collect();
            watch.enqueue(replay)?;
        }
        Ok(watch)
    }

    /// The next entry; `None` when `timeout` passes first (never without a timeout). Runs
    /// `interrupt`, if given, at least every 100 ms while it waits; its error ends the wait.
    pub fn next_entry(
        &mut self,
        timeout: Option<Duration>,
        interrupt: Option<Interrupt<'_>>,
    ) -> Result<Option<LogEntry>> {
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        loop {
            if let Some(check) = interrupt {
                check()?;
            }
            if let Some(e) = self.queue.pop_front() {
                return Ok(Some(e));
            }
            if !sleep(&mut *self.feed, deadline, None, interrupt)? {
                return Ok(None);
            }
            self.read_new()?;
        }
    }

    /// Reads the entries appended since the last read. A log that got shorter (rewritten by
    /// hand) is read on from its new end.
    fn read_new(&mut self) -> Result<()> {
        let log = self.tickets.history(None)?;
        if log.len() < self.seen {
            self.seen = log.len();
            return Ok(());
        }
        let new: Vec<LogEntry> = log.into_iter().skip(self.seen).collect();
        self.seen += new.len();
        self.enqueue(new)
    }

    fn enqueue(&mut self, entries: Vec<LogEntry>) -> Result<()> {
        for e in entries {
            if self.shows(&e)? {
                self.queue.push_back(e);
            }
        }
        Ok(())
    }

    /// Whether the agent filter lets `entry` through: made by the agent, or about a ticket
    /// assigned to it now.
    fn shows(&self, entry: &LogEntry) -> Result<bool> {
        let Some(agent) = &self.agent else {
            return Ok(true);
        };
        if agent_matches(entry.actor.as_deref(), agent) {
            return Ok(true);
        }
        let ticket = self
            .tickets
            .store()
            .begin(Access::Read)?
            .get(&entry.ticket)?;
        Ok(ticket.is_some_and(|t| agent_matches(t.assignee.as_deref(), agent)))
    }
}

impl<T: Deref<Target = Tickets>> Iterator for Watch<T> {
    type Item = Result<LogEntry>;

    /// Blocks until the next change; never `None`.
    fn next(&mut self) -> Option<Self::Item> {
        self.next_entry(None, None).transpose()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::WatchOptions;
    use crate::Tickets;
    use crate::request::NewTicket;

    fn actions(entries: &[crate::LogEntry]) -> Vec<(String, String)> {
        entries
            .iter()
            .map(|e| (e.ticket.clone(), e.action.clone()))
            .collect()
    }

    /// `since` replays the log from that moment; then each new entry comes once, in order; a
    /// timeout with nothing new gives `None`.
    #[test]
    fn replays_since_then_yields_each_new_entry_once() {
        let t = Tickets::in_memory();
        let old = t.create(NewTicket::new("old")).unwrap();
        std::thread::sleep(Duration::from_millis(5));
        let cut = crate::now();
        let a = t.create(NewTicket::new("a")).unwrap();
        let mut w = t
            .watch(WatchOptions {
                since: Some(cut),
                agent: None,
            })
            .unwrap();
        t.start(&a.id, None, false).unwrap();
        let got: Vec<_> = (0..2).map(|_| w.next().unwrap().unwrap()).collect();
        assert_eq!(
            actions(&got),
            [
                (a.id.clone(), "create".into()),
                (a.id.clone(), "start".into())
            ]
        );
        assert!(!actions(&got).iter().any(|(id, _)| id == &old.id));
        let none = w.next_entry(Some(Duration::from_millis(50)), None).unwrap();
        assert_eq!(none, None);
    }

    /// A watch in another thread is woken by a write, with no timeout to end its wait.
    #[test]
    fn a_write_wakes_a_blocked_watch() {
        let t = Tickets::in_memory();
        let mut w = t.watch(WatchOptions::default()).unwrap();
        std::thread::scope(|s| {
            let waiter = s.spawn(move || w.next().unwrap().unwrap());
            std::thread::sleep(Duration::from_millis(100));
            let made = t.create(NewTicket::new("x")).unwrap();
            assert_eq!(waiter.join().unwrap().ticket, made.id);
        });
    }

    /// With an agent: entries it made, and entries about tickets assigned to it now.
    #[test]
    fn the_agent_filter_keeps_its_own_actions_and_tickets() {
        let t = Tickets::in_memory();
        let since = crate::now();
        let mine = t.create(NewTicket::new("mine").assignee("me")).unwrap();
        let other = t.create(NewTicket::new("other")).unwrap();
        let by_me = Tickets::with_store(t.store().clone())
            .unwrap()
            .with_actor(Some("@me"))
            .unwrap();
        by_me.note(&other.id, "seen").unwrap();
        t.note(&other.id, "unrelated").unwrap();
        let mut w = t
            .watch(WatchOptions {
                since: Some(since),
                agent: Some("me".into()),
            })
            .unwrap();
        let got: Vec<_> = (0..2).map(|_| w.next().unwrap().unwrap()).collect();
        assert_eq!(
            actions(&got),
            [(mine.id, "create".into()), (other.id, "note".into())]
        );
        assert_eq!(got[1].actor.as_deref(), Some("@me"));
        assert_eq!(
            w.next_entry(Some(Duration::from_millis(50)), None),
            Ok(None)
        );
        assert!(
            t.watch(WatchOptions {
                since: None,
                agent: Some("bad agent".into())
            })
            .is_err()
        );
    }
}
