//! Waiting without polling: `wait_ready` and `claim` with `wait`, woken by the store's change
//! feed and by the timer of the next lease to run out.

use std::time::{Duration, Instant};

use super::Tickets;
use crate::error::{Error, Result};
use crate::options::ClaimOptions;
use crate::ticket::{Ticket, normalize_agent};

/// How often a wait with an interrupt check wakes to run it.
const INTERRUPT_EVERY: Duration = Duration::from_millis(100);
/// The longest single sleep of a wait with no deadline (it re-reads the store after it).
const MAX_SLEEP: Duration = Duration::from_secs(3600);

/// A check run while waiting; an `Err` ends the wait with that error (a front end returns
/// [`crate::Error::Interrupted`] for Ctrl-C, a cancelled task, an aborted signal).
pub type Interrupt<'a> = &'a (dyn Fn() -> Result<()> + Sync);

impl Tickets {
    /// Blocks until `ready(assignee)` is non-empty and returns its first ticket, without
    /// claiming it; `None` when `timeout` passes first. Woken by the store's change feed.
    pub fn wait_ready(
        &self,
        assignee: Option<&str>,
        timeout: Option<Duration>,
    ) -> Result<Option<Ticket>> {
        self.wait_ready_inner(assignee, timeout, None)
    }

    /// [`Tickets::wait_ready`] that runs `interrupt` at least every 100 ms while waiting.
    pub fn wait_ready_with(
        &self,
        assignee: Option<&str>,
        timeout: Option<Duration>,
        interrupt: Interrupt<'_>,
    ) -> Result<Option<Ticket>> {
        self.wait_ready_inner(assignee, timeout, Some(interrupt))
    }

    fn wait_ready_inner(
        &self,
        assignee: Option<&str>,
        timeout: Option<Duration>,
        interrupt: Option<Interrupt<'_>>,
    ) -> Result<Option<Ticket>> {
        let deadline = deadline_after(timeout);
        // Subscribe before the first read, so that no change is missed.
        let mut feed = self.store.changes()?;
        loop {
            let (first, undeferred) = self.first_ready(assignee)?;
            if let Some(t) = first {
                return Ok(Some(t));
            }
            // A deferral that ends makes no change event: wake for it on a timer.
            if !sleep(&mut *feed, deadline, instant_of(undeferred), interrupt)? {
                return Ok(None);
            }
        }
    }

    /// `claim` with `wait`: blocks until a ticket is claimable by `agent` and claims it; a
    /// claimer that loses a race goes back to waiting. `None` when the timeout passes first.
    /// Runs `interrupt` at least every 100 ms while waiting.
    pub fn claim_wait(
        &self,
        agent: &str,
        options: &ClaimOptions,
        interrupt: Interrupt<'_>,
    ) -> Result<Option<Ticket>> {
        self.claim_wait_inner(agent, options, Some(interrupt))
    }

    /// `claim_wait` with an optional interrupt: without one, a wait sleeps until a change, the
    /// next lease expiry or the deadline, and wakes for nothing else.
    pub(crate) fn claim_wait_inner(
        &self,
        agent: &str,
        options: &ClaimOptions,
        interrupt: Option<Interrupt<'_>>,
    ) -> Result<Option<Ticket>> {
        let agent = normalize_agent(agent)?;
        if self.in_own_batch() {
            // The batch holds the writers' lock: no other writer could ever make a ticket
            // ready for this wait.
            return Err(Error::invalid(
                "a claim that waits cannot run inside a batch (the batch holds the store's lock)",
            ));
        }
        let deadline = deadline_after(options.timeout);
        // Subscribe before the first attempt, so that no change is missed; a claimer that loses
        // the race for a ticket finds none in its attempt and goes back to waiting.
        let mut feed = self.store.changes()?;
        loop {
            let attempt = self.try_claim(&agent, options.lease)?;
            if let Some(t) = attempt.ticket {
                return Ok(Some(t));
            }
            // A lease running out or a deferral ending makes no change event: wake for it on a timer, set by the
            // store's clock (the attempt read it), since this host's may run ahead or behind.
            let expiry = attempt
                .next_expiry_in
                .map(|d| Instant::now() + d + Duration::from_millis(5));
            if !sleep(&mut *feed, deadline, expiry, interrupt)? {
                return Ok(None);
            }
        }
    }
}

/// The instant just after a time of the clock (a lease's end, a deferral's end), to wake at.
fn instant_of(at: Option<chrono::DateTime<chrono::Utc>>) -> Option<Instant> {
    at.map(|at| {
        let ms = (at - chrono::Utc::now()).num_milliseconds().max(0) as u64;
        Instant::now() + Duration::from_millis(ms + 5)
    })
}

/// When a wait of `timeout` from now ends; `None` (no end) without a timeout or for one too
/// long to count (`Duration::MAX`).
fn deadline_after(timeout: Option<Duration>) -> Option<Instant> {
    timeout.and_then(|t| Instant::now().checked_add(t))
}

/// Sleeps until a change, the next lease expiry or the deadline; `false` when the deadline has
/// passed, `true` when the store should be read again. With an interrupt check, it wakes at
/// least every 100 ms to run it; without one, only for those three.
pub(super) fn sleep(
    feed: &mut dyn crate::store::ChangeFeed,
    deadline: Option<Instant>,
    expiry: Option<Instant>,
    interrupt: Option<Interrupt<'_>>,
) -> Result<bool> {
    let start = Instant::now();
    let mut until = deadline.unwrap_or(start + MAX_SLEEP);
    if let Some(e) = expiry {
        until = until.min(e);
    }
    loop {
        if let Some(check) = interrupt {
            check()?;
        }
        let now = Instant::now();
        if now >= until {
            return Ok(deadline.is_none_or(|d| now < d));
        }
        // Wake in slices so the interrupt check runs; the feed keeps any change seen meanwhile.
        let slice = match interrupt {
            Some(_) => (now + INTERRUPT_EVERY).min(until),
            None => until,
        };
        if feed.wait(slice)? {
            // An interrupt that came with the change wins: a cancelled claim claims nothing.
            if let Some(check) = interrupt {
                check()?;
            }
            return Ok(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::time::Duration;

    use crate::store::{Access, Store, Txn};

    use crate::Tickets;
    use crate::error::Error;
    use crate::options::ClaimOptions;
    use crate::request::NewTicket;
    use crate::ticket::Status;

    /// An interrupt (a cancelled Python task, an aborted Node signal) that comes together with
    /// the change that would wake the claim ends the wait before it claims anything.
    #[test]
    fn an_interrupt_that_comes_with_a_change_claims_nothing() {
        for _ in 0..5 {
            let t = Tickets::in_memory();
            let writer = Tickets::with_store(t.store().clone()).unwrap();
            let stop = AtomicBool::new(false);
            let check = || match stop.load(Ordering::SeqCst) {
                true => Err(Error::Interrupted),
                false => Ok(()),
            };
            let options = ClaimOptions {
                wait: true,
                timeout: Some(Duration::from_secs(30)),
                lease: None,
            };
            std::thread::scope(|s| {
                let waiter = s.spawn(|| t.claim_wait("w", &options, &check));
                std::thread::sleep(Duration::from_millis(150));
                stop.store(true, Ordering::SeqCst);
                let job = writer.create(NewTicket::new("job")).unwrap();
                let got = waiter.join().unwrap();
                assert_eq!(got, Err(Error::Interrupted), "claimed after the interrupt");
                assert_eq!(writer.get(&job.id).unwrap().status, Status::Open);
            });
        }
    }

    /// A store whose clock runs `behind` this host's: the memory store, with every transaction
    /// counted.
    struct Skewed {
        inner: crate::store::memory::MemoryStore,
        behind: chrono::Duration,
        begun: Arc<AtomicUsize>,
    }

    struct SkewedTxn {
        inner: Box<dyn Txn>,
        behind: chrono::Duration,
    }

    impl Store for Skewed {
        fn begin(&self, access: Access) -> crate::Result<Box<dyn Txn>> {
            self.begun.fetch_add(1, Ordering::SeqCst);
            Ok(Box::new(SkewedTxn {
                inner: self.inner.begin(access)?,
                behind: self.behind,
            }))
        }
        fn changes(&self) -> crate::Result<Box<dyn crate::store::ChangeFeed>> {
            self.inner.changes()
        }
        fn location(&self) -> String {
            "skewed".into()
        }
    }

    impl Txn for SkewedTxn {
        fn get(&mut self, id: &str) -> crate::Result<Option<Arc<crate::Ticket>>> {
            self.inner.get(id)
        }
        fn ids(&mut self) -> crate::Result<Vec<String>> {
            self.inner.ids()
        }
        fn scan(&mut self) -> crate::Result<crate::Scan> {
            self.inner.scan()
        }
        fn create(&mut self, ticket: &crate::Ticket) -> crate::Result<bool> {
            self.inner.create(ticket)
        }
        fn put(&mut self, ticket: &crate::Ticket) -> crate::Result<()> {
            self.inner.put(ticket)
        }
        fn delete(&mut self, id: &str) -> crate::Result<bool> {
            self.inner.delete(id)
        }
        fn log(&mut self, entry: crate::LogEntry) -> crate::Result<()> {
            self.inner.log(entry)
        }
        fn history(&mut self, ticket: Option<&str>) -> crate::Result<Vec<crate::LogEntry>> {
            self.inner.history(ticket)
        }
        fn now(&mut self) -> crate::Result<chrono::DateTime<chrono::Utc>> {
            Ok(crate::ticket::now() - self.behind)
        }
        fn commit(self: Box<Self>) -> crate::Result<()> {
            self.inner.commit()
        }
    }

    /// A claim that waits for a lease to run out, on a host whose clock runs ten minutes ahead
    /// of the store's, sleeps until the lease ends by the store's clock: it does not try again
    /// every few milliseconds (the lease would look long gone by the host's clock).
    #[test]
    fn a_wait_for_a_lease_follows_the_stores_clock_not_the_hosts() {
        let begun = Arc::new(AtomicUsize::new(0));
        let store = Skewed {
            inner: crate::store::memory::MemoryStore::new(),
            behind: chrono::Duration::minutes(10),
            begun: begun.clone(),
        };
        let t = Tickets::with_store(Arc::new(store)).unwrap();
        let job = t.create(NewTicket::new("job")).unwrap();
        let holder = ClaimOptions {
            lease: Some(30),
            ..ClaimOptions::default()
        };
        assert_eq!(t.claim("a", holder).unwrap().unwrap().id, job.id);
        let before = begun.load(Ordering::SeqCst);
        let wait = ClaimOptions {
            wait: true,
            timeout: Some(Duration::from_millis(500)),
            lease: None,
        };
        assert_eq!(
            t.claim("b", wait).unwrap(),
            None,
            "the lease has 30 s to run"
        );
        let attempts = begun.load(Ordering::SeqCst) - before;
        assert!(
            attempts <= 2,
            "{attempts} claim attempts in a wait of 0.5 s for a lease of 30 s"
        );
    }
}
